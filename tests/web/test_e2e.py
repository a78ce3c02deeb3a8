"""Every bundled procedure end to end through the REST API: submit, then every path to every
final outcome, each action by the right role, with events, due dates and permissions checked.

Paths are the shortest ones from the first step to each final step of the dossier's case
(timed ``on_expiry`` moves included: the clock is moved past the step's deadline and the
expiry worker runs). Self-loops (extensions, apologies) are covered by the service tests.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from typing import Any

import pytest

from procgen.forms import example_payload, validate_payload
from procgen.spec.models import Action, ProcedureSpec, ResolvedCase
from procgen.workflow import CaseDeadlines
from tests.web.support import (
    CITIZEN,
    NOW,
    OTHER_CITIZEN,
    OUTSIDER,
    Harness,
    inputs_for,
    officer,
    registry,
)

#: Each bundled procedure with its example payload, and the other cases made reachable.
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    *((code, {}) for code in registry().codes()),
    ("BQP-KN-01", {"remote_area": True}),
    (
        "BQP-TSQS-01",
        {
            "candidate_type": "serviceman",
            "unit": {"name": "Trung đoàn 1", "rank": "ha_si", "enlistment_date": "2025-02-20"},
        },
    ),
]


@dataclass(frozen=True)
class Edge:
    """A move: an action (by a role), or the step's deadline passing (``action`` None)."""

    step: str
    to: str
    action: Action | None
    role: str


def paths(case: ResolvedCase) -> dict[str, list[Edge]]:
    """The shortest path from the first step to each final step (breadth first)."""
    steps = {s.id: s for s in case.steps}
    start = case.steps[0].id
    found: dict[str, list[Edge]] = {start: []}
    queue = deque([start])
    while queue:
        here = steps[queue.popleft()]
        edges = [Edge(here.id, a.to, a, a.role or here.role or "") for a in here.actions]
        if here.on_expiry is not None and here.deadline is not None:
            edges.append(Edge(here.id, here.on_expiry, None, "system"))
        for edge in edges:
            if edge.to not in found:
                found[edge.to] = [*found[here.id], edge]
                queue.append(edge.to)
    return {step: path for step, path in found.items() if steps[step].final}


def _payload(code: str, overrides: dict[str, Any]) -> tuple[ProcedureSpec, dict[str, Any]]:
    spec = registry().get(code).spec
    payload = example_payload(spec, today=NOW.date()) | overrides
    assert validate_payload(spec, payload, today=NOW.date()).ok
    return spec, payload


def _local(moment: str | None) -> dt.date | None:
    if moment is None:
        return None
    return (dt.datetime.fromisoformat(moment) + dt.timedelta(hours=7)).date()


def _check_permissions(
    h: Harness, dossier: str, spec: ProcedureSpec, edge: Edge, version: int
) -> None:
    assert edge.action is not None
    path = f"/dossiers/{dossier}/actions/{edge.action.id}"
    assert h.api(None).post(path, json={}).status_code == 401
    for stranger in (OUTSIDER, OTHER_CITIZEN):
        assert h.api(stranger).get(f"/dossiers/{dossier}").status_code == 404
        assert h.api(stranger).act(dossier, edge.action.id, version).status_code == 404
    others = sorted(spec.role_ids() - {edge.role, "applicant", "system"})
    if others:  # an officer of the procedure, in another role
        response = h.api(officer(others[0])).act(dossier, edge.action.id, version)
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "wrong_role"
    if edge.role != "applicant":  # the applicant sees the dossier but may not act for staff
        assert h.api(CITIZEN).act(dossier, edge.action.id, version).status_code == 403


def _walk(
    h: Harness, spec: ProcedureSpec, payload: dict[str, Any], path: list[Edge], *, check: bool
) -> None:
    h.clock.set(NOW)
    created = h.submit(spec, payload)
    assert created.status_code == 201, created.text
    filed = created.json()
    dossier, version = filed["id"], filed["version"]
    assert version == 1
    assert created.headers["etag"] == '"1"'
    # Due dates: what the legal clock says for this case, channel and data.
    cleaned = validate_payload(spec, payload, today=NOW.date()).cleaned
    assert cleaned is not None
    case = next(c for c in spec.effective_cases() if c.id == filed["case"])
    reading = CaseDeadlines(case).start(NOW, channel="online", data=cleaned).read(NOW)
    expected_due = (
        reading.legal_due.isoformat().replace("+00:00", "Z") if reading.legal_due else None
    )
    assert filed["due_at"] == expected_due
    assert filed["appointment_at"] == filed["due_at"] or reading.appointment is not None
    assert filed["step"] == case.steps[0].id
    expected_actions = ["submit"]
    for edge in path:
        if edge.action is None:  # the step's deadline passes: the worker moves the dossier
            current = h.api(CITIZEN).get(f"/dossiers/{dossier}").json()
            assert current["step_due_at"] is not None
            due = dt.datetime.fromisoformat(current["step_due_at"])
            h.clock.set(due + dt.timedelta(minutes=1))
            moved = h.service.run_expiries()
            assert [(m.number, m.to_step) for m in moved] == [(filed["number"], edge.to)]
            expected_actions.append("on_expiry")
        else:
            if check:
                _check_permissions(h, dossier, spec, edge, version)
            user = CITIZEN if edge.role == "applicant" else officer(edge.role)
            seen = h.api(user).get(f"/dossiers/{dossier}/actions").json()
            offered = {a["id"]: a for a in seen["items"]}
            assert offered[edge.action.id]["allowed"], offered[edge.action.id]
            appointment = _local(h.api(user).get(f"/dossiers/{dossier}").json()["appointment_at"])
            today = (h.clock.now() + dt.timedelta(hours=7)).date()
            body = {"inputs": inputs_for(edge.action, today, appointment)}
            response = h.api(user).act(dossier, edge.action.id, version, body)
            assert response.status_code == 200, (edge, response.text)
            after = response.json()
            assert after["step"]["id"] == edge.to
            assert after["version"] == version + 1
            assert response.headers["etag"] == f'"{version + 1}"'
            expected_actions.append(edge.action.id)
            if any(f == "result_document" for f in edge.action.requires):
                assert any(a["document_id"] == "result_document" for a in after["attachments"])
        version += 1
        h.clock.advance(dt.timedelta(hours=1))
    final = h.api(CITIZEN).get(f"/dossiers/{dossier}").json()
    step = next(s for s in case.steps if s.id == path[-1].to) if path else case.steps[0]
    assert final["outcome"] == (step.outcome.value if step.outcome else None)
    assert final["version"] == len(path) + 1
    assert final["live_status"] is None  # closed
    events = h.api(officer(case.steps[0].role or "")).get(f"/dossiers/{dossier}/events").json()
    assert [e["action"] for e in events["items"]] == expected_actions
    assert [e["seq"] for e in events["items"]] == list(range(1, len(path) + 2))
    assert [e["to_step"] for e in events["items"][1:]] == [edge.to for edge in path]


@pytest.mark.parametrize(
    ("code", "overrides"),
    VARIANTS,
    ids=lambda v: v if isinstance(v, str) else ",".join(v) or "example",
)
def test_every_outcome_through_the_api(
    harness: Harness, code: str, overrides: dict[str, Any]
) -> None:
    spec, payload = _payload(code, overrides)
    procedure = harness.service.catalogue.procedure(spec.code, spec.version)
    case = procedure.pick_case(
        procedure.validate(payload, today=NOW.date()).cleaned or {}, now=NOW
    ).case
    outcomes = paths(case)
    finals = {s.id for s in case.steps if s.final}
    assert set(outcomes) == finals, f"unreachable final steps: {finals - set(outcomes)}"
    for index, (_, path) in enumerate(sorted(outcomes.items())):
        _walk(harness, spec, payload, path, check=index == 0)
