"""Drafts: kept as typed, saved and resumed by an unguessable link, expired, submitted once."""

from __future__ import annotations

import datetime as dt

import pytest

from procgen import Registry, forms
from procgen.testing.wizard import FormsHarness, HtmlPage, harness, run_sync, sample_documents
from procgen.web.apply import Draft, DraftConflict, InMemoryDraftStore, StoredFile, new_draft
from procgen.web.apply.encoding import encode_answers
from procgen.web.apply.wizard import (
    apply_action,
    apply_post,
    locate,
    resolve,
    row_count,
    row_maps,
    to_form_loc,
    wizard_pages,
)
from tests.conftest import DEFINITIONS

REGISTRY = Registry.from_path(DEFINITIONS)
TODAY = dt.date(2026, 4, 15)
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
UAV = REGISTRY.get("BQP-UAV-01").spec


class _Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment


# ---------------------------------------------------------------------------- the store


def test_the_store_keeps_copies_and_refuses_stale_saves() -> None:
    store = InMemoryDraftStore(clock=_Clock(NOW))
    draft = new_draft("BQP-UAV-01", 1, ttl=dt.timedelta(days=1), now=NOW)
    run_sync(store.save(draft))
    assert draft.revision == 1
    draft.values["applicant.full_name"] = ["changed after saving"]
    loaded = run_sync(store.load(draft.token))
    assert loaded is not None
    assert loaded.values == {}
    other = run_sync(store.load(draft.token))
    assert other is not None
    loaded.values["x"] = ["1"]
    run_sync(store.save(loaded))
    with pytest.raises(DraftConflict):
        run_sync(store.save(other))


def test_drafts_expire() -> None:
    clock = _Clock(NOW)
    store = InMemoryDraftStore(clock=clock)
    draft = new_draft("BQP-UAV-01", 1, ttl=dt.timedelta(days=30), now=NOW)
    run_sync(store.save(draft))
    clock.moment = NOW + dt.timedelta(days=30)
    assert run_sync(store.load(draft.token)) is None
    assert len(store) == 0


def test_the_store_drops_the_oldest_beyond_its_size() -> None:
    store = InMemoryDraftStore(max_drafts=2, clock=_Clock(NOW))
    drafts = [new_draft("X", 1, ttl=dt.timedelta(days=1), now=NOW) for _ in range(3)]
    for draft in drafts:
        run_sync(store.save(draft))
    assert run_sync(store.load(drafts[0].token)) is None
    assert run_sync(store.load(drafts[2].token)) is not None


def test_tokens_are_long_and_unguessable() -> None:
    tokens = {new_draft("X", 1, ttl=dt.timedelta(days=1)).token for _ in range(200)}
    assert len(tokens) == 200
    assert min(len(t) for t in tokens) >= 43


def test_stored_files_know_their_size_and_digest() -> None:
    stored = StoredFile("a.pdf", "application/pdf", b"%PDF-1.4")
    assert stored.size == 8
    assert len(stored.sha256) == 64
    assert "data" not in repr(stored)


# ---------------------------------------------------------------------------- answers as typed


def test_names_are_checked_against_the_spec() -> None:
    assert resolve(UAV.fields, "pilots.0.full_name") is not None
    assert resolve(UAV.fields, "applicant.address.province") is not None
    assert resolve(UAV.fields, "applicant.address.province.x") is None
    assert resolve(UAV.fields, "pilots.full_name") is None
    assert resolve(UAV.fields, "pilots.0") is None
    assert resolve(UAV.fields, "applicant") is None
    found = locate(UAV.fields, "pilots")
    assert found is not None
    assert found[0].type == "list"


def test_rows_are_added_removed_and_renumbered() -> None:
    page = next(p for p in wizard_pages(UAV) if p.slug == "pilots")
    values: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    posted = [
        ("rows:pilots", "3"),
        ("pilots.0.full_name", "An"),
        ("pilots.1.full_name", "Bình"),
        ("pilots.2.full_name", "Chi"),
    ]
    apply_post(values, rows, page, posted)
    assert row_count(values, rows, "pilots", page.fields[0]) == 3
    apply_action(UAV.fields, values, rows, "remove:pilots.1")
    assert rows["pilots"] == 2
    assert values == {"pilots.0.full_name": ["An"], "pilots.1.full_name": ["Chi"]}
    apply_action(UAV.fields, values, rows, "add:pilots")
    assert rows["pilots"] == 3
    for _ in range(20):
        apply_action(UAV.fields, values, rows, "add:pilots")
    assert rows["pilots"] == 10  # max_items


def test_blank_rows_line_up_with_the_typed_data() -> None:
    values = {"pilots.1.full_name": ["Bình"], "pilots.3.full_name": ["Dũng"]}
    maps = row_maps(UAV.fields, values, {"pilots": 4})
    assert maps["pilots"] == [1, 3]
    assert to_form_loc(("pilots", 1, "full_name"), maps) == ("pilots", 3, "full_name")
    assert to_form_loc(("pilots", 2, "full_name"), maps) is None


@pytest.mark.parametrize("code", REGISTRY.codes())
def test_typed_data_survives_the_form_encoding(code: str) -> None:
    spec = REGISTRY.get(code).spec
    payload = forms.example_payload(spec, today=TODAY)
    values, _ = encode_answers(spec.fields, payload)
    pairs = [(name, value) for name, items in values.items() for value in items]
    again = forms.from_form(spec, pairs)
    left = forms.validate_payload(spec, payload, today=TODAY, now=NOW)
    right = forms.validate_payload(spec, again, today=TODAY, now=NOW)
    assert left.cleaned == right.cleaned
    assert [e.loc for e in left.errors] == [e.loc for e in right.errors]


# ---------------------------------------------------------------------------- save and resume


@pytest.fixture
def app() -> FormsHarness:
    return harness(REGISTRY, now=NOW)


def test_save_as_draft_gives_a_resume_link(app: FormsHarness) -> None:
    driver = app.driver(UAV)
    first = driver.start(lang="en")
    response = driver.post(
        [("applicant.full_name", "Trần Thị Bình"), ("applicant.phone", "12")], button="save"
    )
    assert response.status_code == 303
    saved = driver.get(response.headers["location"])
    assert saved.h1 == "Your answers have been saved"
    link = saved.find_all(class_="pg-resume-link")[0]
    resume = link.clean_text
    token = first.url.split("/draft/")[1].split("/")[0]
    assert resume == f"http://testserver/BQP-UAV-01/draft/{token}"
    assert "May 15, 2026" in saved.text()  # kept 30 days
    # a new visitor with the link comes back to the page, answers as typed, no errors yet
    other = app.driver(UAV)
    other.client.cookies.clear()
    page = other.get(resume)
    assert page.url.endswith("/applicant")
    assert page.by_id("applicant.full_name").attrs["value"] == "Trần Thị Bình"
    assert page.by_id("applicant.phone").attrs["value"] == "12"
    assert page.error_summary() == []


def test_an_expired_link_says_so(app: FormsHarness) -> None:
    driver = app.driver(UAV)
    first = driver.start()
    app.clock.moment = NOW + dt.timedelta(days=31)
    response = app.client.get(first.url)
    assert response.status_code == 404
    assert "Đường dẫn đã hết hạn" in response.text


def test_resume_goes_to_the_first_unanswered_page_then_to_check_then_to_the_receipt(
    app: FormsHarness,
) -> None:
    spec = REGISTRY.get("BQP-NVQS-01").spec
    driver = app.driver(spec)
    first = driver.start()
    resume = first.url.rsplit("/", 1)[0]
    assert driver.get(resume).url == first.url
    payload = forms.example_payload(spec, today=TODAY)
    docs = sample_documents(d for c in spec.effective_cases() for d in c.documents)
    check = driver.fill(payload, documents=docs)
    assert driver.get(resume).url == check.url
    done = driver.send()
    assert driver.get(resume).url == done.url
    # sending twice files one application
    response = app.client.post(
        check.url, data={"csrf_token": check.csrf_token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/application-sent")
    assert len(app.submissions.submissions) == 1
    # and the pages can no longer change it
    page = app.client.get(first.url, follow_redirects=False)
    assert page.headers["location"].endswith("/application-sent")


def test_an_incomplete_draft_cannot_be_sent(app: FormsHarness) -> None:
    driver = app.driver(UAV)
    first = driver.start()
    check = first.url.rsplit("/", 1)[0] + "/check-answers"
    response = app.client.post(check, data={"csrf_token": first.csrf_token}, follow_redirects=True)
    assert response.url.path.endswith("/check-answers")
    summary = HtmlPage(response.text).error_summary()
    assert summary
    assert all(href and "/applicant?return=check#" in href for href, _ in summary[:3])
    assert app.submissions.submissions == []


def test_a_draft_saved_meanwhile_is_not_overwritten(app: FormsHarness) -> None:
    driver = app.driver(UAV)
    first = driver.start()
    token = first.url.split("/draft/")[1].split("/")[0]
    stale = run_sync(app.drafts.load(token))
    assert isinstance(stale, Draft)
    driver.post([("applicant.full_name", "An")], button="save")
    with pytest.raises(DraftConflict):
        run_sync(app.drafts.save(stale))


def test_a_draft_round_trips_through_json() -> None:
    import json

    from procgen.web.apply import SubmissionReceipt, draft_from_data, draft_to_data

    draft = new_draft("BQP-UAV-01", 1, ttl=dt.timedelta(days=1), now=NOW)
    draft.values = {"applicant.full_name": ["Đỗ Văn Em"], "purposes": ["research", "other"]}
    draft.rows = {"pilots": 2}
    draft.attempted = {"applicant"}
    draft.files = {"application": [StoredFile("đơn.pdf", "application/pdf", b"%PDF-1.4\x00\xff")]}
    draft.receipt = SubmissionReceipt("000.00.45.G12-260415-0001", "/track/1")
    data = json.loads(json.dumps(draft_to_data(draft)))
    again = draft_from_data(
        draft.token, draft.code, draft.version, expires_at=draft.expires_at, revision=3, data=data
    )
    assert again.values == draft.values
    assert again.rows == draft.rows
    assert again.attempted == draft.attempted
    assert again.files == draft.files
    assert again.receipt == draft.receipt
    assert again.revision == 3


def test_a_failed_send_can_be_tried_again(app: FormsHarness) -> None:
    spec = REGISTRY.get("BQP-KN-01").spec
    driver = app.driver(spec)
    driver.start()
    docs = sample_documents(d for c in spec.effective_cases() for d in c.documents)
    check = driver.fill(forms.example_payload(spec, today=TODAY), documents=docs)
    working = app.submissions.submit

    async def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the dossier store is down")

    app.submissions.submit = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="store is down"):
        driver.send()
    assert app.draft(check.url).submitting_since is None
    app.submissions.submit = working  # type: ignore[method-assign]
    driver.page = driver.get(check.url)
    done = driver.send()
    assert done.h1 == "Đã gửi hồ sơ"
    assert len(app.submissions.submissions) == 1
