"""The intake papers 01-05, filled from the dossier and its history, in Vietnamese and English."""

from __future__ import annotations

import datetime as dt

import pytest

from procgen.service import User
from procgen.testing.wizard import HtmlPage
from procgen.web.pages import build_paper
from procgen.web.pages.dossier import DossierFile
from tests.pages.conftest import CODES, REGISTRY, Pages, initial_role, walk

LANGS = ["vi", "en"]


def _paper(
    pages: Pages, user: str, dossier_id: object, form: str, lang: str, **query: str
) -> HtmlPage:
    params = "&".join(f"{k}={v}" for k, v in {"lang": lang, **query}.items())
    response = pages.client(user).get(f"/dossiers/{dossier_id}/papers/{form}?{params}")
    assert response.status_code == 200, response.text[:2000]
    assert "print.css" in response.text
    page = HtmlPage(response.text)
    assert page.lang == lang
    assert not page.find_all("nav", class_="pg-nav")  # a paper has no site navigation
    return page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", CODES)
def test_the_receipt_lists_the_documents_and_the_appointment(
    pages: Pages, code: str, lang: str
) -> None:
    filed = pages.submit(code)
    spec = REGISTRY.get(code).spec
    role = initial_role(spec, filed.dossier.case_id)
    page = _paper(pages, role, filed.dossier.id, "01", lang)
    text = page.text()
    assert filed.dossier.number in text
    assert filed.dossier.applicant.name in text
    assert spec.name.get(lang) in text
    assert spec.agency.name.get(lang) in text
    assert ("Mẫu số 01" if lang == "vi" else "Form No. 01") in text
    rows = page.find_all("tr")[1:]
    case = next(c for c in spec.effective_cases() if c.id == filed.dossier.case_id)
    attached = {a.document_id for a in pages.service.store.attachments(filed.dossier.id)}
    for document in case.documents:
        if document.id not in attached and not document.required:
            continue
        row = next(r for r in rows if document.label.get(lang) in r.text)
        cells = [c.clean_text for c in page.elements if c.tag == "td" and row in c.parents]
        assert cells[1:3] == [str(document.originals), str(document.copies)]
    appointment = filed.dossier.appointment_at
    if appointment is not None:
        local = appointment.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
        expected = (
            local.strftime("%d/%m/%Y") if lang == "vi" else f"{local:%b} {local.day}, {local.year}"
        )
        assert expected in text
    received = "09:00 15/04/2025" if lang == "vi" else "15 Apr 2025, 09:00"
    assert received in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", CODES)
def test_the_process_control_slip_follows_every_step(pages: Pages, code: str, lang: str) -> None:
    filed = pages.submit(code)
    steps = walk(pages, filed)
    record = pages.service.store.get(filed.dossier.id)
    assert record.outcome is not None, steps
    role = initial_role(REGISTRY.get(code).spec, filed.dossier.case_id)
    page = _paper(pages, role, filed.dossier.id, "05", lang)
    table = page.find_all("table")[0]
    body_rows = [r for r in page.find_all("tr") if table in r.parents][1:]
    assert len(body_rows) == len(steps) - 1  # every step but the final one
    words = {"vi": ("Trước hạn", "Đúng hạn", "Quá hạn"), "en": ("Early", "On time", "Late")}[lang]
    results = [r.clean_text for r in body_rows]
    timed = [r for r in results if any(w in r for w in words)]
    case = pages.service.compiled(record).case
    with_deadline = [s for s in steps[:-1] if next(x for x in case.steps if x.id == s).deadline]
    assert len(timed) == len(with_deadline)
    # every step took an hour: none is late
    assert not any(words[2] in r for r in timed)


def test_a_late_step_is_marked_late_in_words(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")  # intake has no budget; review has 4 working hours
    reception = User("reception", frozenset({"reception"}))
    pages.service.act(filed.dossier.id, "accept", reception)
    pages.clock.advance(dt.timedelta(days=1))
    pages.service.act(filed.dossier.id, "confirm", User("commander", frozenset({"commander"})))
    page = _paper(pages, "reception", filed.dossier.id, "05", "en")
    late = page.find_all("tr", class_="pg-paper__row--late")
    assert len(late) == 1
    assert "Late" in late[0].clean_text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", CODES)
def test_the_supplement_request_and_the_refusal(pages: Pages, code: str, lang: str) -> None:
    filed = pages.submit(code)
    spec = REGISTRY.get(code).spec
    role = initial_role(spec, filed.dossier.case_id)
    officer = User(f"{role}", frozenset({role}))
    choices = {
        c.action.id: c for c in pages.service.available_actions(filed.dossier.id, officer).allowed
    }
    assert _paper_status(pages, role, filed.dossier.id, "02") == 404
    assert _paper_status(pages, role, filed.dossier.id, "03") == 404
    if "request_supplement" in choices:
        pages.clock.advance(dt.timedelta(minutes=20))
        pages.service.act(
            filed.dossier.id, "request_supplement", officer, {"reason": "Thiếu bản sao <CCCD>"}
        )
        page = _paper(pages, role, filed.dossier.id, "02", lang)
        text = page.text()
        assert "Thiếu bản sao <CCCD>" in text
        assert "&lt;CCCD&gt;" in page.source
        assert filed.dossier.number in text
        assert role in text
        waiting = pages.service.store.get(filed.dossier.id)
        if waiting.step_due_at is not None:
            due = waiting.step_due_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
            assert (due.strftime("%d/%m/%Y") if lang == "vi" else str(due.year)) in text
        pages.service.act(
            filed.dossier.id, "withdraw", User("citizen-1"), _withdraw_inputs(pages, filed)
        )
        return
    reject = next(c for c in choices.values() if c.action.to == "not_accepted")
    pages.service.act(
        filed.dossier.id, reject.action.id, officer, {"reason": "Không thuộc thẩm quyền"}
    )
    page = _paper(pages, role, filed.dossier.id, "03", lang)
    assert "Không thuộc thẩm quyền" in page.text()
    assert ("không tiếp nhận" if lang == "vi" else "cannot accept") in page.text()


def _withdraw_inputs(pages: Pages, filed: object) -> dict[str, str]:
    record = pages.service.store.get(filed.dossier.id)  # type: ignore[attr-defined]
    case = pages.service.compiled(record).case
    step = next(s for s in case.steps if s.id == record.step)
    withdraw = next(a for a in step.actions if a.id == "withdraw")
    return {"reason": "Tôi rút hồ sơ"} if "reason" in withdraw.requires else {}


def _paper_status(pages: Pages, user: str, dossier_id: object, form: str) -> int:
    return int(pages.client(user).get(f"/dossiers/{dossier_id}/papers/{form}").status_code)


@pytest.mark.parametrize("lang", LANGS)
def test_the_refusal_after_processing(pages: Pages, lang: str) -> None:
    filed = pages.submit("BQP-NVQS-03")
    pages.service.act(filed.dossier.id, "accept", User("reception", frozenset({"reception"})))
    commander = User("commander", frozenset({"commander"}))
    pages.service.act(filed.dossier.id, "refuse", commander, {"reason": "Không đủ điều kiện"})
    page = _paper(pages, "commander", filed.dossier.id, "03", lang)
    assert "Không đủ điều kiện" in page.text()
    assert ("không giải quyết" if lang == "vi" else "cannot resolve") in page.text()


@pytest.mark.parametrize("lang", LANGS)
def test_the_apology_gives_the_old_and_the_new_date(pages: Pages, lang: str) -> None:
    filed = pages.submit("BQP-NVQS-03")  # due Wednesday 16 April 2025
    reception = User("reception", frozenset({"reception"}))
    pages.clock.advance(dt.timedelta(minutes=10))
    pages.service.act(
        filed.dossier.id,
        "apologise",
        reception,
        {"reason": "Chờ xác minh nơi đến", "new_appointment": "2025-04-22"},
    )
    page = _paper(pages, "reception", filed.dossier.id, "04", lang)
    text = page.text()
    assert "Chờ xác minh nơi đến" in text
    if lang == "vi":
        assert "16/04/2025" in text
        assert "22/04/2025" in text
        assert "Mẫu số 04" in text
    else:
        assert "Apr 16, 2025" in text
        assert "Apr 22, 2025" in text
    assert "reception" in text
    dossier_page = pages.client("reception").get(f"/dossiers/{filed.dossier.id}")
    assert f"/dossiers/{filed.dossier.id}/papers/04?event=2" in dossier_page.text


def test_papers_are_404_for_unknown_forms_and_events(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    base = f"/dossiers/{filed.dossier.id}/papers"
    client = pages.client("reception")
    for form in ("06", "00", "1", "x" * 300, "%00", "04"):
        assert client.get(f"{base}/{form}").status_code == 404, form
    for event in ("999", "abc", "-1", "9" * 40):
        assert client.get(f"{base}/02?event={event}").status_code == 404
    assert client.get(f"{base}/01?event=abc").status_code == 200
    assert client.get(f"{base}/01?format=pdf").status_code in (200, 501)


def test_build_paper_is_a_pure_function_of_the_dossier(pages: Pages) -> None:
    filed = pages.submit("BQP-UAV-01")
    service = pages.service
    officer = User("reception", frozenset({"reception"}))
    view = service.get(filed.dossier.id, officer)
    file = DossierFile(
        spec=view.spec,
        record=view.record,
        events=service.events(filed.dossier.id, officer),
        attachments=view.attachments,
        deadlines=service.deadlines,
        now=pages.clock.now(),
    )
    first = build_paper(file, "01", "vi")
    assert first is not None
    assert first == build_paper(file, "01", "vi")
    assert first.dated == "ngày 15 tháng 04 năm 2025"
    assert first.details["appointment"] == "24/04/2025"
    assert first.details["deadline"] == "7 ngày làm việc"
    english = build_paper(file, "01", "en")
    assert english is not None
    assert english.dated == "15 April 2025"
    assert english.details["deadline"] == "7 working days"
    assert build_paper(file, "02", "vi") is None
    assert build_paper(file, "99", "vi") is None


@pytest.mark.parametrize("lang", LANGS)
def test_the_apology_through_the_pages_after_a_transfer(pages: Pages, lang: str) -> None:
    """The one-off allowance: commune, then province, where the policy officer apologises."""
    filed = pages.submit("BQP-CS-01")  # 12 working days: due Monday 5 May 2025
    service = pages.service
    for role, action in (
        ("commune_officer", "accept"),
        ("commune_officer", "propose"),
        ("commune_commander", "transfer"),
        ("province_clerk", "accept"),
    ):
        pages.clock.advance(dt.timedelta(hours=1))
        service.act(filed.dossier.id, action, User(role, frozenset({role})))
    client = pages.client("policy_officer")
    page = client.get(f"/dossiers/{filed.dossier.id}")
    assert 'action="/dossiers/' + str(filed.dossier.id) + '/actions/apologise"' in page.text
    pages.clock.advance(dt.timedelta(hours=1))
    response = pages.post(
        client,
        f"/dossiers/{filed.dossier.id}/actions/apologise",
        {
            "version": "5",
            "apologise.reason": "Chờ kết quả xác minh của Bảo hiểm xã hội",
            "apologise.new_appointment": "12/05/2025",
        },
    )
    assert response.status_code == 303, response.text[:2000]
    paper = _paper(pages, "policy_officer", filed.dossier.id, "04", lang)
    text = paper.text()
    assert "Chờ kết quả xác minh của Bảo hiểm xã hội" in text
    old, new = ("05/05/2025", "12/05/2025") if lang == "vi" else ("May 5, 2025", "May 12, 2025")
    assert old in text
    assert new in text
    record = service.store.get(filed.dossier.id)
    assert record.step == "province_review"  # an apology keeps the dossier where it is
