"""The officer's pages, for every bundled procedure: worklist, dossier page, actions."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from procgen.service import User
from procgen.spec.models import Action
from tests.pages.conftest import CODES, REGISTRY, ROLES, Pages, initial_role


def _first_step(pages: Pages, dossier_id: object) -> tuple[str, list[Action]]:
    record = pages.service.store.get(dossier_id)  # type: ignore[arg-type]
    case = pages.service.compiled(record).case
    step = next(s for s in case.steps if s.id == record.step)
    return record.step, list(step.actions)


@pytest.mark.parametrize("code", CODES)
def test_the_worklist_shows_a_dossier_to_the_roles_acting_on_it_only(
    pages: Pages, code: str
) -> None:
    filed = pages.submit(code)
    spec = REGISTRY.get(code).spec
    acting = initial_role(spec, filed.dossier.case_id)
    number = filed.dossier.number
    page = pages.client(acting).get("/dossiers")
    assert page.status_code == 200
    assert number in page.text
    assert f'href="/dossiers/{filed.dossier.id}"' in page.text
    others = [r for r in ROLES if r != acting]
    for role in others:
        listed = pages.client(role).get("/dossiers")
        assert number not in listed.text, role
    # the applicant sees it among their own dossiers, another citizen does not
    assert number in pages.client("citizen-1").get("/dossiers").text
    assert number not in pages.client("citizen-2").get("/dossiers").text


@pytest.mark.parametrize("code", CODES)
def test_the_dossier_page_offers_exactly_the_allowed_actions(pages: Pages, code: str) -> None:
    filed = pages.submit(code)
    acting = initial_role(REGISTRY.get(code).spec, filed.dossier.case_id)
    officer = User(acting, frozenset({acting}))
    allowed = {
        c.action.id for c in pages.service.available_actions(filed.dossier.id, officer).allowed
    }
    assert allowed
    response = pages.client(acting).get(f"/dossiers/{filed.dossier.id}")
    assert response.status_code == 200
    forms = set(re.findall(r'action="/dossiers/[^/]+/actions/([a-z_]+)"', response.text))
    assert forms == allowed
    assert "withdraw" not in forms  # the applicant's action is not offered to officers


@pytest.mark.parametrize("code", CODES)
def test_performing_an_action_moves_the_step(pages: Pages, code: str) -> None:
    filed = pages.submit(code)
    acting = initial_role(REGISTRY.get(code).spec, filed.dossier.case_id)
    client = pages.client(acting)
    step, actions = _first_step(pages, filed.dossier.id)
    accept = next(a for a in actions if a.id == "accept")
    pages.clock.advance(dt.timedelta(minutes=30))
    response = pages.act(client, filed.dossier.id, accept)
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"] == f"/dossiers/{filed.dossier.id}?done=accept"
    record = pages.service.store.get(filed.dossier.id)
    assert record.step == accept.to != step
    shown = client.get(response.headers["location"])
    assert "Done: " in shown.text or "Đã thực hiện" in shown.text
    assert shown.status_code in (200, 404)  # 404 when the acting role has no view any more


@pytest.mark.parametrize("code", CODES)
def test_an_action_with_inputs_shows_errors_without_losing_what_was_typed(
    pages: Pages, code: str
) -> None:
    filed = pages.submit(code)
    acting = initial_role(REGISTRY.get(code).spec, filed.dossier.case_id)
    client = pages.client(acting)
    _, actions = _first_step(pages, filed.dossier.id)
    reject = next(a for a in actions if "reason" in a.requires)
    other = next((f for f in ("note",) if f in reject.requires), None)
    data = {"version": "1", f"{reject.id}.reason": "   "}
    if other:
        data[f"{reject.id}.{other}"] = "ghi chú <giữ lại>"
    response = pages.post(client, f"/dossiers/{filed.dossier.id}/actions/{reject.id}", data)
    assert response.status_code == 422
    page = pages.page(response)
    assert page.error_summary(), response.text[:2000]
    assert f"{reject.id}.reason" in page.inline_errors()
    if other:
        assert "ghi chú &lt;giữ lại&gt;" in response.text
    assert pages.service.store.get(filed.dossier.id).step == filed.dossier.step
    # now with a reason: the dossier moves
    data[f"{reject.id}.reason"] = "Hồ sơ không thuộc thẩm quyền"
    moved = pages.post(client, f"/dossiers/{filed.dossier.id}/actions/{reject.id}", data)
    assert moved.status_code == 303
    assert pages.service.store.get(filed.dossier.id).step == reject.to


def test_a_stale_version_is_a_409_with_a_reload_link(pages: Pages) -> None:
    filed = pages.submit("BQP-UAV-01")
    client = pages.client("reception")
    url = f"/dossiers/{filed.dossier.id}/actions/accept"
    assert pages.post(client, url, {"version": "1"}).status_code == 303
    again = pages.post(client, url, {"version": "1"})
    assert again.status_code in (404, 409)
    filed = pages.submit("BQP-UAV-01")
    pages.service.act(filed.dossier.id, "accept", User("reception", frozenset({"reception"})))
    head = User("head_of_staff", frozenset({"head_of_staff"}))
    assert pages.service.available_actions(filed.dossier.id, head).allowed
    stale = pages.post(
        pages.client("head_of_staff"),
        f"/dossiers/{filed.dossier.id}/actions/assign",
        {"version": "1", "assign.note": "Giao anh B"},
    )
    assert stale.status_code == 409
    page = pages.page(stale)
    assert page.find_all("a", href=f"/dossiers/{filed.dossier.id}")
    assert pages.service.store.get(filed.dossier.id).step == "assignment"


def test_a_file_input_is_uploaded_with_the_action(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-01")
    service, clock = pages.service, pages.clock
    officer = User("military_officer", frozenset({"military_officer"}))
    service.act(filed.dossier.id, "accept", officer)
    service.act(filed.dossier.id, "submit", officer)
    client = pages.client("commander")
    _, actions = _first_step(pages, filed.dossier.id)
    refuse = next(a for a in actions if a.id == "refuse")
    clock.advance(dt.timedelta(minutes=5))
    assert pages.act(client, filed.dossier.id, refuse).status_code == 303
    record = service.store.get(filed.dossier.id)
    assert record.outcome is not None
    assert record.step == "refused"


def test_officers_and_citizens_see_only_what_they_may(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    url = f"/dossiers/{filed.dossier.id}"
    assert pages.client("citizen-2").get(url).status_code == 404
    assert pages.client("investigator").get(url).status_code == 404  # another procedure's
    assert pages.client("citizen-1").get(url).status_code == 200
    missing = pages.client("reception").get("/dossiers/01a2256b-0000-7000-8000-000000000000")
    assert missing.status_code == 404
    anonymous = pages.client().get(url)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/sign-in?next=")


def test_actions_are_refused_from_another_site(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    client = pages.client("reception")
    url = f"/dossiers/{filed.dossier.id}/actions/accept"
    forged = client.post(url, data={"version": "1"}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    no_token = client.post(url, data={"version": "1"})
    assert no_token.status_code == 403
    assert pages.service.store.get(filed.dossier.id).step == "received"
    same_site = client.post(url, data={"version": "1"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert same_site.status_code == 303


def test_an_action_of_another_role_or_step_is_not_found(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    client = pages.client("reception")
    base = f"/dossiers/{filed.dossier.id}/actions"
    assert pages.post(client, f"{base}/confirm", {"version": "1"}).status_code == 404
    assert pages.post(client, f"{base}/no_such", {"version": "1"}).status_code == 404
    commander = pages.client("commander")
    response = pages.post(commander, f"{base}/accept", {"version": "1"})
    assert response.status_code == 404
    assert client.get(f"{base}/accept").status_code == 303  # a reloaded action URL


def test_the_worklist_filters_and_badges(pages: Pages) -> None:
    early = pages.submit("BQP-NVQS-03")
    pages.clock.advance(dt.timedelta(days=3))  # Friday: overdue
    late_one = pages.submit("BQP-UAV-01")
    client = pages.client("reception")
    everything = client.get("/dossiers")
    assert early.dossier.number in everything.text
    assert late_one.dossier.number in everything.text
    badges = pages.page(everything).find_all("strong", class_="pg-badge")
    assert {b.clean_text for b in badges} >= {"Quá hạn", "Trong hạn"}
    overdue = client.get("/dossiers?status=overdue")
    assert early.dossier.number in overdue.text
    assert late_one.dossier.number not in overdue.text
    by_procedure = client.get("/dossiers?procedure=BQP-UAV-01&lang=en")
    assert late_one.dossier.number in by_procedure.text
    assert early.dossier.number not in by_procedure.text
    assert "Overdue" not in by_procedure.text.split("<tbody>")[1]
    by_step = client.get("/dossiers?step=received")
    assert early.dossier.number in by_step.text
    assert late_one.dossier.number not in by_step.text


def test_a_dossier_due_within_a_working_day_is_badged_due_soon(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")  # due Wednesday 16 April, 17:00
    client = pages.client("reception")
    assert "Trong hạn" in client.get("/dossiers").text
    pages.clock.advance(dt.timedelta(hours=25))  # Wednesday 10:00
    client = pages.client("reception")  # sessions last 12 hours
    page = pages.page(client.get("/dossiers"))
    [badge] = page.find_all("strong", class_="pg-badge")
    assert badge.clean_text == "Sắp đến hạn"
    assert badge.has_class("pg-badge--due-soon")
    soon = client.get("/dossiers?status=due_soon")
    assert filed.dossier.number in soon.text
    dossier = pages.page(client.get(f"/dossiers/{filed.dossier.id}?lang=en"))
    assert "Due soon" in [b.clean_text for b in dossier.find_all("strong", class_="pg-badge")]


def test_the_worklist_is_paged(pages: Pages) -> None:
    numbers = [pages.submit("BQP-NVQS-03").dossier.number for _ in range(27)]
    client = pages.client("reception")
    first = client.get("/dossiers")
    assert "27 hồ sơ" in first.text
    assert "Trang 1/2" in first.text
    assert 'rel="next"' in first.text
    second = client.get("/dossiers?page=2")
    rows = pages.page(second).find_all("tr", class_="pg-worklist__row")
    assert len(rows) == 2
    assert 'rel="prev"' in second.text
    beyond = client.get("/dossiers?page=99")
    assert beyond.status_code == 200
    assert len(pages.page(beyond).find_all("tr", class_="pg-worklist__row")) == 2
    shown = set(re.findall(r">(000\.00\.31\.H29-250415-\d{4})<", first.text + second.text))
    assert shown == set(numbers)
