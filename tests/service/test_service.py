"""The dossier service itself: versions, expiries, tracking, clock limits, guards, documents."""

from __future__ import annotations

import base64
import datetime as dt
import doctest
import importlib
from typing import Any

import pytest

import procgen
from procgen.forms import example_payload
from procgen.registry import Registry
from procgen.service import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Unauthenticated,
    Upload,
    User,
    WorklistQuery,
)
from tests.conftest import DEFINITIONS
from tests.web.support import (
    CITIZEN,
    NOW,
    OTHER_CITIZEN,
    PDF,
    SQLITE,
    Harness,
    build,
    officer,
    registry,
)

UAV = registry().get("BQP-UAV-01").spec
KN = registry().get("BQP-KN-01").spec
CS = registry().get("BQP-CS-01").spec
CITIZEN_USER = User(CITIZEN)


def _user(role: str) -> User:
    return User(officer(role), frozenset({role}))


def _file(h: Harness, spec: Any) -> Any:
    payload = example_payload(spec, today=NOW.date())
    uploads = {
        doc_id: [Upload(f["filename"], base64.b64decode(f["content_base64"]))]
        for doc_id, f in h.documents(spec, payload).items()
    }
    return h.service.submit(spec.code, payload, uploads, applicant=CITIZEN_USER)


def _act(h: Harness, dossier: Any, action: str, role: str, **inputs: Any) -> Any:
    user = CITIZEN_USER if role == "applicant" else _user(role)
    return h.service.act(dossier, action, user, inputs)


def test_dossiers_stay_on_their_procedure_version(database_url: Any) -> None:
    old = build(database_url)
    try:
        spec = registry().get("BQP-NVQS-01").spec
        filed = _file(old, spec)
    finally:
        old.close()
    text = (DEFINITIONS / "nvqs-dang-ky-lan-dau.yaml").read_text(encoding="utf-8")
    newer = procgen.loads(
        text.replace("version: 1", "version: 2", 1).replace("id: accept", "id: take", 1),
        "nvqs-v2.yaml",
    )
    both = Registry([*registry(), newer])
    h = build(database_url, registry_=both)
    try:
        dossier = filed.dossier.id
        assert h.service.get(dossier, CITIZEN_USER).spec.version == 1
        with pytest.raises(NotFound):
            _act(h, dossier, "take", "military_officer")
        moved = _act(h, dossier, "accept", "military_officer")
        assert (moved.record.procedure_version, moved.step.id) == (1, "review")
        second = _file(h, newer)
        assert second.dossier.procedure_version == 2
        assert _act(h, second.dossier.id, "take", "military_officer").step.id == "review"
        officers = h.service.worklist(_user("military_officer"))
        assert {e.record.procedure_version for e in officers.entries} == {1, 2}
    finally:
        h.close()


@SQLITE
def test_the_expiry_worker(harness: Harness) -> None:
    filed = _file(harness, CS)
    dossier = filed.dossier.id
    asked = _act(harness, dossier, "request_supplement", "commune_officer", reason="Thiếu bản khai")
    assert asked.record.paused
    due = asked.record.step_due_at
    assert due is not None
    assert harness.service.run_expiries(due - dt.timedelta(minutes=1)) == []
    harness.clock.set(due + dt.timedelta(days=3))
    with pytest.raises(Conflict) as late:  # the deadline passed: only the worker may move it
        _act(harness, dossier, "supplement", "applicant")
    assert late.value.code == "step_expired"
    [moved] = harness.service.run_expiries()
    assert (moved.number, moved.to_step, moved.at) == (filed.dossier.number, "stopped", due)
    assert harness.service.run_expiries() == []
    events = harness.service.events(dossier, _user("commune_officer"))
    last = events[-1]
    assert (last.action, last.role, last.automatic, last.at) == ("on_expiry", "system", True, due)
    assert harness.service.get(dossier, CITIZEN_USER).record.outcome == "stopped"


@SQLITE
def test_tracking_by_number_and_secret(harness: Harness) -> None:
    filed = _file(harness, UAV)
    _act(harness, filed.dossier.id, "accept", "reception")
    tracked = harness.service.track(filed.dossier.number, filed.tracking_secret)
    assert tracked.dossier.record.id == filed.dossier.id
    assert [e.action for e in tracked.events] == ["submit", "accept"]
    assert tracked.events[1].user_id is None  # officers stay anonymous to the applicant
    assert tracked.events[0].user_id == CITIZEN
    for number, secret in [
        (filed.dossier.number, "AAAA-BBBB-CCCC"),
        ("nope", filed.tracking_secret),
        ("", ""),
        ("x" * 500, "y"),
    ]:
        with pytest.raises(NotFound):
            harness.service.track(number, secret)


@SQLITE
def test_who_sees_what(harness: Harness) -> None:
    filed = _file(harness, UAV)
    dossier = filed.dossier.id
    assert harness.service.get(dossier, _user("reception")).staff
    assert not harness.service.get(dossier, CITIZEN_USER).staff
    for stranger in (User(OTHER_CITIZEN), User("x", frozenset({"commune_officer"}))):
        with pytest.raises(NotFound):
            harness.service.get(dossier, stranger)
    with pytest.raises(Unauthenticated):
        harness.service.get(dossier, None)
    with pytest.raises(NotFound):
        harness.service.get("not-a-uuid", _user("reception"))
    with pytest.raises(Forbidden):
        _act(harness, dossier, "accept", "commander")
    record, data = harness.service.attachment(
        dossier, harness.service.get(dossier, CITIZEN_USER).attachments[0].id, CITIZEN_USER
    )
    assert data == PDF
    assert record.sha256
    with pytest.raises(NotFound):
        harness.service.attachment(dossier, "00000000-0000-0000-0000-000000000000", CITIZEN_USER)


@SQLITE
def test_clock_limits_extensions(harness: Harness) -> None:
    filed = _file(harness, KN)
    dossier = filed.dossier.id
    _act(harness, dossier, "accept", "reception")
    before = harness.service.get(dossier, CITIZEN_USER).record
    extended = _act(harness, dossier, "extend", "investigator", reason="Vụ việc phức tạp")
    assert extended.record.extensions_used == 1
    assert extended.record.due_at is not None
    assert before.due_at is not None
    # 15 May + 15 days is Saturday 30 May: the deadline moves to Monday's close of business
    assert before.due_at == dt.datetime(2026, 5, 15, 10, 0, tzinfo=dt.UTC)
    assert extended.record.due_at == dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    with pytest.raises(Conflict) as again:
        _act(harness, dossier, "extend", "investigator", reason="Lần nữa")
    assert again.value.code == "extension_limit"


@SQLITE
def test_guards_on_inputs_and_stale_versions(harness: Harness) -> None:
    spec = registry().get("BQP-TSQS-01").spec
    dossier = _file(harness, spec).dossier.id
    _act(harness, dossier, "accept", "commune_officer")
    _act(harness, dossier, "schedule_health_check", "admissions_secretary")
    health = _user("health_board")
    upload = {"result_document": [Upload("phieu.pdf", PDF)]}
    with pytest.raises(Invalid) as failed:
        harness.service.act(dossier, "pass", health, {"health_grade": "3"}, files=upload)
    assert failed.value.errors[0].code == "guard_false"
    with pytest.raises(Conflict) as stale:
        harness.service.act(
            dossier, "pass", health, {"health_grade": "1"}, files=upload, if_match_version=2
        )
    assert stale.value.current_version == 3
    passed = harness.service.act(
        dossier, "pass", health, {"health_grade": "1"}, files=upload, if_match_version=3
    )
    assert passed.step.id == "board_decision"


@SQLITE
def test_a_supplement_brings_documents(harness: Harness) -> None:
    filed = _file(harness, UAV)
    dossier = filed.dossier.id
    _act(harness, dossier, "request_supplement", "reception", reason="Thiếu sơ đồ khu vực bay")
    document = UAV.effective_cases()[0].documents[0].id
    with pytest.raises(Invalid) as wrong:
        harness.service.act(
            dossier,
            "supplement",
            CITIZEN_USER,
            {},
            files={document: [Upload("a.pdf", b"\x00\x01")]},
        )
    assert wrong.value.errors[0].loc == ("documents", document, 0)
    back = harness.service.act(
        dossier, "supplement", CITIZEN_USER, {}, files={document: [Upload("bo-sung.pdf", PDF)]}
    )
    assert back.step.id == "review"
    assert not back.record.paused
    added = [a for a in back.attachments if a.event_seq == back.version]
    assert [(a.document_id, a.filename) for a in added] == [(document, "bo-sung.pdf")]


@SQLITE
def test_the_applicant_is_read_from_the_answers(harness: Harness) -> None:
    filed = _file(harness, CS)
    applicant = filed.dossier.applicant
    payload = example_payload(CS, today=NOW.date())
    assert applicant.name == payload["beneficiary"]["full_name"]
    assert applicant.subject_id == payload["beneficiary"]["citizen_id"]
    assert applicant.contact["phone"].startswith("+84")
    assert applicant.user_id == CITIZEN


@SQLITE
def test_worklist_queries(harness: Harness) -> None:
    for spec in (UAV, KN, CS):
        _file(harness, spec)
    chief = User("chief", frozenset({"reception", "commune_officer"}))
    every = harness.service.worklist(chief)
    assert {e.spec.code for e in every.entries} == {"BQP-UAV-01", "BQP-KN-01", "BQP-CS-01"}
    one = harness.service.worklist(chief, WorklistQuery(role="commune_officer"))
    assert {e.spec.code for e in one.entries} == {"BQP-CS-01"}
    step = harness.service.worklist(chief, WorklistQuery(step="reception", procedure="BQP-KN-01"))
    assert [e.step.id for e in step.entries] == ["reception"]
    with pytest.raises(Invalid):
        harness.service.worklist(chief, WorklistQuery(size=0))
    with pytest.raises(Unauthenticated):
        harness.service.worklist(None)
    mine = harness.service.worklist(chief, WorklistQuery(mine=True))
    assert mine.total == 0


@pytest.mark.parametrize(
    "module",
    [
        "procgen.service.records",
        "procgen.service.dossiers",
        "procgen.web.auth.users",
        "procgen.web.auth.backends",
    ],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
