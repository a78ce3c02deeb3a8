"""The REST API: catalogue, submissions (JSON and multipart), errors, idempotency, If-Match,
worklists, cross-site refusal. End-to-end walks are in ``test_e2e.py``."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from procgen.forms import example_payload, payload_schema
from procgen.web.security import FormOptions
from tests.web.support import (
    CITIZEN,
    NOW,
    OTHER_CITIZEN,
    PDF,
    SQLITE,
    Harness,
    build,
    file_json,
    officer,
    registry,
)

UAV = registry().get("BQP-UAV-01").spec
NVQS = registry().get("BQP-NVQS-03").spec


def _payload(spec: Any = NVQS, **changes: Any) -> dict[str, Any]:
    return example_payload(spec, today=NOW.date()) | changes


def _filed(h: Harness, spec: Any = NVQS, user: str | None = CITIZEN) -> dict[str, Any]:
    response = h.submit(spec, _payload(spec), user)
    assert response.status_code == 201, response.text
    return response.json()


# ---------------------------------------------------------------------------- the catalogue


@SQLITE
def test_catalogue_detail_and_schema(harness: Harness) -> None:
    api = harness.api(None)
    listed = api.get("/procedures").json()
    assert [p["code"] for p in listed["items"]] == list(registry().codes())
    assert listed["items"][0]["links"]["schema"].startswith("/api/procedures/")
    partial = api.get("/procedures", params={"online": "partial"}).json()["items"]
    assert {p["code"] for p in partial} == {
        s.code for s in registry().specs(latest=True) if s.online == "partial"
    }
    sector = api.get("/procedures", params={"sector": UAV.sector.id}).json()["items"]
    assert [p["code"] for p in sector] == ["BQP-UAV-01"]
    detail = api.get("/procedures/BQP-UAV-01").json()
    assert detail["versions"] == [1]
    assert {c["id"] for c in detail["cases"]} == {c.id for c in UAV.effective_cases()}
    assert "reception" in detail["roles"]
    schema = api.get("/procedures/BQP-UAV-01/schema")
    assert schema.headers["content-type"].startswith("application/schema+json")
    assert schema.json() == payload_schema(UAV)
    assert api.get("/procedures/NOPE").status_code == 404
    assert api.get("/procedures/BQP-UAV-01", params={"version": "9"}).status_code == 404
    assert api.get("/procedures/BQP-UAV-01", params={"version": "x"}).status_code == 422


# ---------------------------------------------------------------------------- submitting


def test_submit_multipart_with_files(harness: Harness) -> None:
    import json

    documents = harness.documents(NVQS, _payload())
    files = [
        (doc_id, (f["filename"], base64.b64decode(f["content_base64"]), "application/pdf"))
        for doc_id, f in documents.items()
    ]
    response = harness.client.post(
        "/api/procedures/BQP-NVQS-03/dossiers",
        data={"data": json.dumps(_payload()), "channel": "online"},
        files=files,
        headers={"Authorization": f"Bearer tok-{CITIZEN}"},
    )
    assert response.status_code == 201, response.text
    filed = response.json()
    assert response.headers["location"] == filed["links"]["self"]
    receipt = filed["links"]["receipt"]  # the printable receipt (form 01), with the secret
    assert receipt.startswith(f"/track/{filed['number']}/papers/01?secret=")
    dossier = harness.api(CITIZEN).get(f"/dossiers/{filed['id']}").json()
    assert {a["document_id"] for a in dossier["attachments"]} == set(documents)
    assert {a["content_type"] for a in dossier["attachments"]} == {"application/pdf"}
    assert dossier["applicant"]["user_id"] == CITIZEN
    assert dossier["status"] == {"code": 2, "key": "new"}


@SQLITE
def test_submission_errors_are_field_errors_in_the_users_language(harness: Harness) -> None:
    api = harness.api(CITIZEN)
    path = "/procedures/BQP-NVQS-03/dossiers"
    bad = api.post(path, json={"data": _payload(full_name=None)})
    assert bad.status_code == 422
    assert {
        "loc": ["full_name"],
        "code": "required",
        "msg": "Vui lòng nhập “Họ, chữ đệm và tên”.",
    } in bad.json()
    english = api.post(
        path, json={"data": _payload(full_name=None)}, headers={"Accept-Language": "en"}
    )
    assert any(e["msg"].startswith("Enter") for e in english.json())
    missing = api.post(path, json={"data": _payload()}).json()
    assert {(tuple(e["loc"]), e["code"]) for e in missing} == {
        (("documents", d), "required") for d in harness.documents(NVQS, _payload())
    }
    wrong = harness.documents(NVQS, _payload())
    first = next(iter(wrong))
    wrong[first] = file_json("scan.pdf", b"\x00\x01\x02 not a document")
    typed = api.post(path, json={"data": _payload(), "documents": wrong}).json()
    assert typed[0]["loc"] == ["documents", first, 0]
    assert typed[0]["code"] == "file_type"
    extra = harness.documents(NVQS, _payload()) | {"nope": file_json()}
    assert (
        api.post(path, json={"data": _payload(), "documents": extra}).json()[0]["code"] == "unknown"
    )
    assert api.post(path, json={"payload": {}}).json()[0]["code"] in ("unknown", "required")
    assert api.post(path, json={}).json() == [
        {"loc": ["data"], "code": "required", "msg": "data: the form's answers"}
    ]
    broken = {
        "data": _payload(),
        "documents": {first: {"filename": "a.pdf", "content_base64": "%%"}},
    }
    assert api.post(path, json=broken).json()[0]["loc"] == ["documents", first, "content_base64"]
    assert api.post(path, json={"data": [1, 2]}).json()[0]["code"] == "type"
    assert (
        api.post(path, content=b"{nope", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    assert api.post(path, content=b"hi", headers={"Content-Type": "text/plain"}).status_code == 415
    direct = harness.submit(NVQS, _payload(), CITIZEN, channel="direct")
    assert direct.status_code == 422
    assert direct.json()[0]["loc"] == ["channel"]


@SQLITE
def test_lead_times_are_checked_at_submission(harness: Harness) -> None:
    soon = (NOW + dt.timedelta(days=2)).date().isoformat()
    payload = _payload(UAV, flight_start_date=soon, flight_end_date=soon)
    response = harness.submit(UAV, payload)
    assert response.status_code == 422, response.text
    [error] = response.json()
    assert error["loc"] == ["flight_start_date"]
    assert error["code"] == "lead_time"
    assert "7 ngày làm việc" in error["msg"]


def test_idempotency_key(harness: Harness) -> None:
    payload = _payload()
    first = harness.submit(NVQS, payload, CITIZEN, **{})
    key = {"Idempotency-Key": "3f1c2a"}
    body = {"data": payload, "documents": harness.documents(NVQS, payload)}
    api = harness.api(CITIZEN)
    one = api.post("/procedures/BQP-NVQS-03/dossiers", json=body, headers=key)
    again = api.post("/procedures/BQP-NVQS-03/dossiers", json=body, headers=key)
    assert (one.status_code, again.status_code) == (201, 200)
    assert one.json()["id"] == again.json()["id"] != first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert one.json()["tracking_secret"] != again.json()["tracking_secret"]
    other = api.post(
        "/procedures/BQP-NVQS-03/dossiers",
        json=body | {"data": payload | {"reason": "Một lý do khác hẳn"}},
        headers=key,
    )
    assert other.status_code == 422
    assert other.json()[0]["code"] == "idempotency"
    # another user's key is another key
    theirs = harness.api(OTHER_CITIZEN).post(
        "/procedures/BQP-NVQS-03/dossiers", json=body, headers=key
    )
    assert theirs.status_code == 201


@SQLITE
def test_anonymous_and_staff_submissions(harness: Harness) -> None:
    anonymous = harness.submit(NVQS, _payload(), None)
    assert anonymous.status_code == 201
    filed = anonymous.json()
    assert harness.api(None).get(f"/dossiers/{filed['id']}").status_code == 401
    tracked = harness.service.track(filed["number"], filed["tracking_secret"].lower())
    assert tracked.dossier.record.applicant.user_id is None
    staff = harness.submit(NVQS, _payload(), officer("reception"), channel="direct")
    assert staff.status_code == 201, staff.text
    events = harness.api(officer("reception")).get(f"/dossiers/{staff.json()['id']}/events").json()
    assert events["items"][0]["user_id"] == officer("reception")
    assert events["items"][0]["role"] == "reception"
    closed = build(harness.service.store.engine.url, anonymous_submissions=False)
    try:
        assert closed.submit(NVQS, _payload(), None).status_code == 401
    finally:
        closed.close()


# ---------------------------------------------------------------------------- acting


@SQLITE
def test_action_errors(harness: Harness) -> None:
    filed = _filed(harness)
    staff, dossier = harness.api(officer("reception")), filed["id"]
    unknown = staff.act(dossier, "acept", 1)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_action")
    assert "did you mean 'accept'" in unknown.json()["msg"]
    missing = staff.act(dossier, "request_supplement", 1)
    assert missing.status_code == 422
    assert missing.json() == [
        {"loc": ["inputs", "reason"], "code": "required", "msg": "Vui lòng nhập “Lý do”."}
    ]
    extra = staff.act(dossier, "accept", 1, {"inputs": {"colour": "blue"}})
    assert extra.json()[0]["loc"] == ["inputs", "colour"]
    assert staff.act(dossier, "accept", 1, {"nope": 1}).json()[0]["code"] == "unknown"
    garbage = staff.post(
        f"/dossiers/{dossier}/actions/accept", json={}, headers={"If-Match": "abc"}
    )
    assert garbage.status_code == 422
    stale = staff.act(dossier, "accept", 7)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1
    assert stale.headers["etag"] == '"1"'
    assert staff.act(dossier, "accept", None).status_code == 200  # no If-Match: the current one
    assert staff.act(dossier, "confirm", 2).status_code == 403  # the commander's action


@SQLITE
def test_file_inputs_are_files(harness: Harness) -> None:
    dossier = _filed(harness, UAV)["id"]
    walk = [("reception", "accept"), ("head_of_staff", "assign"), ("staff_officer", "propose")]
    walk.append(("head_of_staff", "submit"))
    for version, (role, action) in enumerate(walk, start=1):
        response = harness.api(officer(role)).act(dossier, action, version)
        assert response.status_code == 200, response.text
    commander = harness.api(officer("commander"))
    decision = {"decision_number": "15/QĐ", "decision_date": NOW.date().isoformat()}
    as_text = commander.act(dossier, "approve", 5, {"inputs": decision | {"result_document": "qd"}})
    assert as_text.status_code == 422, as_text.text
    assert as_text.json()[0]["loc"] == ["inputs", "result_document"]
    assert as_text.json()[0]["code"] == "required"
    not_pdf = {"result_document": file_json("qd.pdf", b"\x00\x01 binary")}
    refused = commander.act(dossier, "approve", 5, {"inputs": decision | not_pdf})
    assert refused.json()[0]["code"] == "file_type"
    multipart = harness.client.post(
        f"/api/dossiers/{dossier}/actions/approve",
        data=decision,
        files={"result_document": ("qd-15.pdf", PDF, "application/pdf")},
        headers={"Authorization": f"Bearer tok-{officer('commander')}", "If-Match": '"5"'},
    )
    assert multipart.status_code == 200, multipart.text
    attached = multipart.json()["attachments"][-1]
    assert (attached["document_id"], attached["filename"]) == ("result_document", "qd-15.pdf")
    assert attached["event_seq"] == 6
    inputs = harness.api(CITIZEN).get(f"/dossiers/{dossier}/events").json()["items"][-1]["inputs"]
    assert inputs["result_document"]["name"] == "qd-15.pdf"
    assert inputs["result_document"]["media_type"] == "application/pdf"
    assert inputs["decision_date"] == NOW.date().isoformat()


@SQLITE
def test_what_the_caller_may_do(harness: Harness) -> None:
    filed = _filed(harness)
    mine = harness.api(CITIZEN).get(f"/dossiers/{filed['id']}/actions")
    assert mine.headers["etag"] == '"1"'
    assert [a["id"] for a in mine.json()["items"]] == ["withdraw"]
    staff = harness.api(officer("reception")).get(f"/dossiers/{filed['id']}/actions").json()
    ids = [a["id"] for a in staff["items"]]
    assert "accept" in ids
    assert "withdraw" not in ids
    ask = next(a for a in staff["items"] if a["id"] == "request_supplement")
    assert ask["inputs"][0]["id"] == "reason"
    assert ask["label"] == {"vi": "Yêu cầu bổ sung", "en": "Request a supplement"}


# ---------------------------------------------------------------------------- limits


@SQLITE
def test_bodies_over_the_limit_get_413(database_url: Any) -> None:
    h = build(database_url, options=FormOptions(max_body=4096))
    try:
        big = {"data": _payload(), "documents": {"x": file_json(data=b"%PDF-" + b"0" * 10_000)}}
        response = h.api(CITIZEN).post("/procedures/BQP-NVQS-03/dossiers", json=big)
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        dossier = "00000000-0000-0000-0000-000000000000"
        act = h.api(CITIZEN).post(f"/dossiers/{dossier}/actions/x", content=b"{" * 5000)
        assert act.status_code == 413
    finally:
        h.close()


# ---------------------------------------------------------------------------- worklists


def test_worklists(harness: Harness) -> None:
    filed = [_filed(harness) for _ in range(3)]
    other = _filed(harness, user=OTHER_CITIZEN)
    uav = _filed(harness, UAV)
    reception = harness.api(officer("reception"))
    page = reception.get("/dossiers").json()
    ids = [i["id"] for i in page["items"]]
    assert set(ids) == {f["id"] for f in [*filed, other, uav]}  # both procedures have reception
    only = reception.get("/dossiers", params={"procedure": "BQP-UAV-01"}).json()
    assert [i["id"] for i in only["items"]] == [uav["id"]]
    paged = reception.get("/dossiers", params={"size": 2, "page": 2}).json()
    assert (paged["total"], paged["pages"], len(paged["items"])) == (5, 3, 2)
    commander = harness.api(officer("commander")).get("/dossiers").json()
    assert commander["total"] == 0  # nothing in the commander's steps yet
    mine = harness.api(CITIZEN).get("/dossiers").json()
    assert {i["id"] for i in mine["items"]} == {f["id"] for f in [*filed, uav]}
    assert harness.api(None).get("/dossiers").status_code == 401
    assert reception.get("/dossiers", params={"role": "commander"}).status_code == 422
    assert reception.get("/dossiers", params={"page": "0"}).status_code == 422
    assert reception.get("/dossiers", params={"overdue": "maybe"}).status_code == 422
    # time passes: the one-day registrations become overdue, the drone permit is not yet
    harness.clock.advance(dt.timedelta(days=5))
    overdue = reception.get("/dossiers", params={"overdue": "true"}).json()
    assert {i["id"] for i in overdue["items"]} == {f["id"] for f in [*filed, other]}
    assert all(i["overdue"] and i["live_status"] == "overdue" for i in overdue["items"])
    due = reception.get("/dossiers", params={"due_before": NOW.date().isoformat()}).json()
    assert due["total"] == 0
    soon = reception.get("/dossiers", params={"due_before": "2026-04-16"}).json()
    assert soon["total"] == 4


# ---------------------------------------------------------------------------- cross-site


@SQLITE
def test_cross_site_requests_with_a_session_are_refused(harness: Harness) -> None:
    client = harness.client
    signed = client.post("/auth/login", json={"username": CITIZEN, "password": "mật-khẩu-thử"})
    assert signed.status_code == 200, signed.text
    path = "/api/procedures/BQP-NVQS-03/dossiers"
    body = {"data": _payload(), "documents": harness.documents(NVQS, _payload())}
    evil = client.post(path, json=body, headers={"Origin": "https://evil.example"})
    assert (evil.status_code, evil.json()["code"]) == (403, "cross_site")
    fetch = client.post(path, json=body, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403
    silent = client.post(path, json=body)  # neither Origin nor Sec-Fetch-Site, no token
    assert silent.status_code == 403
    client.cookies.set("procgen_csrf", "t" * 43)
    token = client.post(path, json=body, headers={"X-CSRF-Token": "t" * 43})
    assert token.status_code == 201, token.text
    same = client.post(path, json=body, headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 201
    assert client.get("/api/dossiers").status_code == 200  # reading is always fine


@SQLITE
def test_the_apology_sets_a_new_appointment_and_keeps_the_legal_date(harness: Harness) -> None:
    # BQP-NVQS-03 is on the one_stop pattern, which adds `apologise` (form 04) to officers' steps.
    filed = _filed(harness)
    reception, dossier = harness.api(officer("reception")), filed["id"]
    accepted = reception.act(dossier, "accept", 1)
    assert accepted.status_code == 200, accepted.text
    commander = harness.api(officer("commander"))
    # Long after the appointment the dossier is late: the apology is offered.
    harness.clock.advance(dt.timedelta(days=10))
    offered = commander.get(f"/dossiers/{dossier}/actions").json()["items"]
    apologise = next(a for a in offered if a["id"] == "apologise")
    assert apologise["allowed"], apologise
    assert apologise["reschedules"]
    before = commander.get(f"/dossiers/{dossier}").json()
    new_date = dt.date(2026, 5, 6)  # a Wednesday: a new date on a day off rolls forward
    inputs = {"reason": "Cần xác minh thêm", "new_appointment": new_date.isoformat()}
    done = commander.act(dossier, "apologise", before["version"], {"inputs": inputs})
    assert done.status_code == 200, done.text
    after = done.json()
    assert after["step"]["id"] == "review"  # the apology loops back to the same step
    assert after["appointment_at"][:10] == new_date.isoformat()
    assert after["due_at"] == before["due_at"]  # the legal due date is kept for indicators
    # A new date that is not later than the current appointment is refused.
    again = commander.act(dossier, "apologise", after["version"], {"inputs": inputs})
    assert again.status_code in (409, 422)
    assert again.status_code != 500
