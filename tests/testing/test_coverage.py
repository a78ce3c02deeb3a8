"""Workflow coverage (``procgen.testing.coverage``): the declared universe of a spec, what
dossiers exercised (steps, actions, timed moves, on time or late), the report and threshold.

The database tests drive the real app through the REST API on SQLite, then read the database
the way the pytest plugin does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

import procgen
from procgen.forms import example_payload
from procgen.registry import Registry
from procgen.store import create_engine_for
from procgen.store.tables import dossiers
from procgen.testing.coverage import (
    LATE,
    ON_TIME,
    CoverageReport,
    Declared,
    ItemCoverage,
    ProcedureCoverage,
    TransitionCoverage,
)
from procgen.workflow import CalendarConfig, Deadlines, WorkingCalendar
from tests.conftest import DEFINITIONS
from tests.store.conftest import (  # noqa: F401 (fixtures, registered by import)
    BACKENDS,
    database_url,
    postgres_schema,
    sqlite_template,
)
from tests.web.support import NOW, SQLITE, Harness, build, officer, registry

# --------------------------------------------------------------------------- a tiny spec

TINY = """\
code: T-COV
version: 1
name: {vi: Thử nghiệm, en: Trial}
sector: test
level: commune
agency: {name: {vi: UBND xã, en: Commune people's committee}}
roles:
  - {id: officer, label: {vi: Cán bộ, en: Officer}}
fields:
  - {id: urgent, type: boolean, label: {vi: Khẩn, en: Urgent}}
steps:
  - id: review
    role: officer
    actions:
      - {id: approve, to: done}
      - {id: ask, to: waiting, requires: [reason]}
  - id: waiting
    role: applicant
    clock: paused
    deadline: 30 days
    on_expiry: stopped
    actions:
      - {id: supplement, to: review}
  - {id: done, outcome: approved}
  - {id: stopped, outcome: stopped}
cases:
  - id: urgent
    name: {vi: Khẩn, en: Urgent}
    when: urgent == true
    deadline: 2 working days
    steps:
      - id: review
        role: officer
        actions:
          - {id: approve, to: done}
          - {id: refuse, to: refused, requires: [reason]}
      - {id: done, outcome: approved}
      - {id: refused, outcome: refused}
  - id: normal
    name: {vi: Thường, en: Normal}
    deadline: 10 working days
"""
TINY_STEPS = ("review", "done", "refused", "waiting", "stopped")
TINY_ACTIONS = (
    "review.approve",
    "review.refuse",
    "review.ask",
    "waiting.supplement",
    "waiting.on_expiry",
)


def tiny(version: int = 1) -> procgen.ProcedureSpec:
    return procgen.loads(TINY.replace("version: 1", f"version: {version}"), f"t{version}.yaml")


@dataclass(frozen=True)
class Dossier:
    """The facts coverage reads of a dossier (a DossierRecord has them too)."""

    procedure_code: str
    procedure_version: int
    due_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Event:
    """The facts coverage reads of an event (an EventRecord has them too)."""

    action: str
    from_step: str | None
    to_step: str
    automatic: bool = False


SUBMIT = Event("submit", None, "review")
#: A due date: Monday 4 May 2026, 17:00 (close of business) in Hà Nội.
DUE = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


def test_declared_items_are_the_union_of_the_cases_in_spec_order() -> None:
    declared = Declared.of(tiny())
    assert declared == Declared(TINY_STEPS, TINY_ACTIONS, (ON_TIME, LATE))
    # no case with a legal deadline (the loader refuses that, a spec built in Python may not):
    # no deadline outcome to exercise
    data = yaml.safe_load(TINY)
    for case in data["cases"]:
        del case["deadline"]
    untimed = procgen.ProcedureSpec.model_validate(data)
    assert Declared.of(untimed) == Declared(TINY_STEPS, TINY_ACTIONS, ())


def test_record_counts_steps_actions_expiries_and_timeliness() -> None:
    coverage = TransitionCoverage(Registry([tiny()]))
    # approved after an exchange with the applicant, finished early: on time
    coverage.record(
        Dossier("T-COV", 1, due_at=DUE, completed_at=DUE - dt.timedelta(days=1)),
        [
            SUBMIT,
            Event("ask", "review", "waiting"),
            Event("supplement", "waiting", "review"),
            Event("approve", "review", "done"),
        ],
    )
    report = coverage.report()
    [row] = report.procedures
    assert (row.label, row.dossiers) == ("T-COV", 1)
    assert row.steps.exercised == ("review", "done", "waiting")
    assert row.actions.exercised == ("review.approve", "review.ask", "waiting.supplement")
    assert row.outcomes.exercised == (ON_TIME,)
    assert row.missed == ("refused", "stopped", "review.refuse", "waiting.on_expiry", LATE)
    assert (row.exercised_count, row.declared_count) == (7, 12)
    # the applicant let the supplement deadline pass: an automatic move, finished late
    coverage.record(
        Dossier("T-COV", 1, due_at=DUE, completed_at=DUE + dt.timedelta(days=3)),
        [
            SUBMIT,
            Event("ask", "review", "waiting"),
            Event("on_expiry", "waiting", "stopped", automatic=True),
        ],
    )
    # open, or finished without a due date: no deadline outcome
    coverage.record(Dossier("T-COV", 1, due_at=DUE), [SUBMIT])
    coverage.record(Dossier("T-COV", 1, completed_at=DUE), [SUBMIT])
    [row] = coverage.report().procedures
    assert row.dossiers == 4
    assert row.missed == ("refused", "review.refuse")
    assert row.outcomes.exercised == (ON_TIME, LATE)
    assert row.percent == pytest.approx(1000 / 12)
    assert str(row.steps) == "4/5"
    assert str(row.actions) == "4/5"
    assert str(row.outcomes) == "2/2"


def test_the_deadline_rules_decide_on_time_or_late() -> None:
    # due 17:00 on Monday in Hà Nội, finished 05:00 on Tuesday there: late...
    finished = Dossier("T-COV", 1, due_at=DUE, completed_at=DUE + dt.timedelta(hours=12))
    hanoi = TransitionCoverage(Registry([tiny()]))
    hanoi.record(finished, [SUBMIT])
    assert hanoi.report().procedures[0].outcomes.exercised == (LATE,)
    # ...but the same Tuesday in an office at UTC+14, by the collector's or the call's rules
    kiritimati = Deadlines(WorkingCalendar(CalendarConfig(timezone="Pacific/Kiritimati")))
    for coverage, rules in (
        (TransitionCoverage(Registry([tiny()]), deadlines=kiritimati), None),
        (TransitionCoverage(Registry([tiny()])), kiritimati),
    ):
        coverage.record(finished, [SUBMIT], deadlines=rules)
        assert coverage.report().procedures[0].outcomes.exercised == (ON_TIME,)


def test_versions_and_procedures_outside_the_registry() -> None:
    coverage = TransitionCoverage(Registry([tiny(1), tiny(2)]))
    filed_under_v1 = Dossier("T-COV", 1)
    coverage.record(filed_under_v1, [SUBMIT, Event("ask", "review", "waiting")])
    coverage.record(Dossier("T-COV", 3), [SUBMIT])
    coverage.record(Dossier("NOPE-01", 1), [SUBMIT])
    coverage.record(Dossier("NOPE-01", 1), [SUBMIT])
    report = coverage.report()
    assert [(p.label, p.version, p.latest, p.dossiers) for p in report.procedures] == [
        ("T-COV", 2, True, 0),
        ("T-COV v1", 1, False, 1),
    ]
    assert report.procedures[1].steps.exercised == ("review", "waiting")
    assert report.ignored == {"T-COV v3": 1, "NOPE-01 v1": 2}
    text = report.render()
    assert "T-COV v1" in text
    assert "Ignored, not in the registry (dossiers): NOPE-01 v1 (2), T-COV v3 (1)" in text
    assert report.as_json()["ignored"] == {"NOPE-01 v1": 2, "T-COV v3": 1}


def test_a_registry_without_any_dossier() -> None:
    report = TransitionCoverage(Registry([tiny()])).report()
    assert (report.exercised_count, report.declared_count, report.percent) == (0, 12, 0.0)
    assert report.below(0.1)
    assert not report.below(0)
    assert "  T-COV: all 12 items" in report.render().splitlines()
    empty = CoverageReport(())
    assert (empty.percent, empty.below(100)) == (100.0, False)
    assert "Never exercised" not in empty.render()


def _report(exercised: int, declared: int) -> CoverageReport:
    items = tuple(f"s{i}" for i in range(declared))
    row = ProcedureCoverage(
        code="X-01",
        version=1,
        latest=True,
        dossiers=1,
        steps=ItemCoverage(items, items[:exercised]),
        actions=ItemCoverage((), ()),
        outcomes=ItemCoverage((), ()),
    )
    return CoverageReport((row,))


def test_threshold_is_exact_and_percentages_are_never_rounded_to_a_lie() -> None:
    almost = _report(9999, 10000)
    assert almost.below(100)
    assert not almost.below(99.99)
    assert "99.9%" in almost.render()
    assert "100.0%" not in almost.render()
    assert almost.threshold_message(100) == (
        "procgen coverage 99.9% is under the threshold of 100% (9999 of 10000 items exercised)"
    )
    assert almost.threshold_message(90) == "procgen coverage 99.9% reaches the threshold of 90%"
    assert "0.1%" in _report(1, 10000).render()
    half = _report(1, 2)
    assert (half.percent, half.below(50), half.below(50.5)) == (50.0, False, True)
    assert half.threshold_message(62.5).startswith("procgen coverage 50.0% is under the thresh")
    for wrong in (-1, 100.5):
        with pytest.raises(ValueError, match="between 0 and 100"):
            half.below(wrong)


def test_missed_items_wrap_to_the_width() -> None:
    text = _report(1, 60).render(width=60)
    listed = text.split("Never exercised:\n")[1].splitlines()
    assert listed[0] == "  X-01:"
    assert listed[1].startswith("    steps: s1, s2, ")
    assert all(len(line) <= 60 for line in listed)
    assert all(line.startswith("      s") for line in listed[2:])
    unwrapped = " ".join(line.strip() for line in listed[1:])
    assert unwrapped == "steps: " + ", ".join(f"s{i}" for i in range(1, 60))


def test_export_and_merge_across_processes() -> None:
    reg = Registry([tiny()])
    worker_a, worker_b = TransitionCoverage(reg), TransitionCoverage(reg)
    worker_a.record(Dossier("T-COV", 1, due_at=DUE, completed_at=DUE), [SUBMIT])
    worker_b.record(Dossier("T-COV", 1), [SUBMIT, Event("approve", "review", "done")])
    worker_b.record(Dossier("OTHER-01", 4), [SUBMIT])
    controller = TransitionCoverage(reg)
    for worker in (worker_a, worker_b):
        controller.merge(json.loads(json.dumps(worker.export())))
    foreign = TransitionCoverage(Registry([tiny(7)]))
    foreign.record(Dossier("T-COV", 7), [SUBMIT])
    controller.merge(foreign.export())
    report = controller.report()
    [row] = report.procedures
    assert row.dossiers == 2
    assert row.steps.exercised == ("review", "done")
    assert row.actions.exercised == ("review.approve",)
    assert row.outcomes.exercised == (ON_TIME,)
    assert report.ignored == {"OTHER-01 v4": 1, "T-COV v7": 1}


# --------------------------------------------------------------------------- a real run


@pytest.fixture
def harness(database_url: sa.URL) -> Iterator[Harness]:  # noqa: F811 (the fixture)
    built = build(database_url)
    yield built
    built.close()


NVQS = registry().get("BQP-NVQS-03").spec
RECEPTION, COMMANDER = officer("reception"), officer("commander")


def _submit(h: Harness) -> tuple[str, int]:
    response = h.submit(NVQS, example_payload(NVQS, today=NOW.date()))
    assert response.status_code == 201, response.text
    return response.json()["id"], 1


def _act(h: Harness, user: str, dossier: str, version: int, action: str, **inputs: Any) -> int:
    response = h.api(user).act(dossier, action, version, {"inputs": inputs})
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


def _to_the_end(h: Harness, dossier: str, version: int) -> dict[str, Any]:
    version = _act(h, RECEPTION, dossier, version, "accept")
    version = _act(h, COMMANDER, dossier, version, "confirm")
    version = _act(h, RECEPTION, dossier, version, "return_result")
    finished: dict[str, Any] = h.api(RECEPTION).get(f"/dossiers/{dossier}").json()
    assert finished["step"]["id"] == "result_returned"
    return finished


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_a_run_through_the_api(harness: Harness) -> None:
    h = harness
    rules = h.service.deadlines
    # 1. accepted, confirmed and returned at once: on time
    on_time = _to_the_end(h, *_submit(h))
    assert rules.classify(
        dt.datetime.fromisoformat(on_time["completed_at"]),
        dt.datetime.fromisoformat(on_time["due_at"]),
    ).value in ("early", "on_time")
    # 2. submitted now, handled ten days later: late (the due date is 1 working day)
    dossier, version = _submit(h)
    h.clock.advance(dt.timedelta(days=10))
    late = _to_the_end(h, dossier, version)
    assert dt.datetime.fromisoformat(late["completed_at"]) > dt.datetime.fromisoformat(
        late["due_at"]
    ) + dt.timedelta(days=5)
    # 3. asked for a supplement that never comes: the expiry worker stops it
    dossier, version = _submit(h)
    _act(h, RECEPTION, dossier, version, "request_supplement", reason="Thiếu giấy tờ")
    waiting = h.api(RECEPTION).get(f"/dossiers/{dossier}").json()
    h.clock.set(dt.datetime.fromisoformat(waiting["step_due_at"]) + dt.timedelta(minutes=1))
    [moved] = h.service.run_expiries()
    assert moved.to_step == "stopped"

    coverage = TransitionCoverage(registry(), deadlines=rules)
    assert coverage.collect(h.service.store.engine) == 3
    report = coverage.report()
    assert [p.code for p in report.procedures] == list(registry().codes())
    row = next(p for p in report.procedures if p.code == "BQP-NVQS-03")
    assert (row.version, row.latest, row.dossiers) == (1, True, 3)
    assert (len(row.steps.declared), len(row.actions.declared), len(row.outcomes.declared)) == (
        9,
        14,
        2,
    )
    assert row.steps.exercised == (
        "received",
        "review",
        "awaiting_supplement",
        "result_ready",
        "result_returned",
        "stopped",
    )
    assert row.steps.missed == ("refused", "not_accepted", "withdrawn")
    assert row.actions.exercised == (
        "received.accept",
        "received.request_supplement",
        "review.confirm",
        "awaiting_supplement.on_expiry",
        "result_ready.return_result",
    )
    assert row.actions.missed == (
        "received.not_accept",
        "received.withdraw",
        "received.apologise",
        "review.request_supplement",
        "review.refuse",
        "review.withdraw",
        "review.apologise",
        "awaiting_supplement.supplement",
        "awaiting_supplement.withdraw",
    )
    assert row.outcomes.exercised == (ON_TIME, LATE)
    assert (row.exercised_count, row.declared_count, row.percent) == (13, 25, 52.0)
    others = [p for p in report.procedures if p.code != "BQP-NVQS-03"]
    assert all(p.exercised_count == 0 and p.dossiers == 0 for p in others)
    assert report.exercised_count == 13
    assert report.declared_count == 25 + sum(p.declared_count for p in others)
    assert report.percent == pytest.approx(1300 / report.declared_count)
    assert report.below(report.percent + 0.01)
    assert not report.below(report.percent)

    text = report.render()
    assert all(code in text for code in registry().codes())
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Procedure"))
    assert header.split("  ")[0] == "Procedure"
    assert [cell.strip() for cell in header.split("  ") if cell.strip()][1:] == [
        "Dossiers", "Steps", "Actions", "Deadline outcomes", "Cover",
    ]  # fmt: skip
    assert next(line for line in lines if line.startswith("BQP-NVQS-03 ")).split() == [
        "BQP-NVQS-03", "3", "6/9", "5/14", "2/2", "52.0%",
    ]  # fmt: skip
    missed = text.split("Never exercised:\n")[1]
    assert "  BQP-NVQS-03:\n    steps: refused, not_accepted, withdrawn\n" in missed
    assert "    actions: received.not_accept, received.withdraw, received.apologise," in missed
    assert "deadline outcomes" not in missed.split("  BQP-NVQS-03:")[1].split("\n  BQP-")[0]
    assert "  BQP-UAV-01: all " in missed
    total = next(line for line in lines if line.startswith("TOTAL")).split()
    assert total[1] == "3"
    assert total[-1] == f"{report.percent:.1f}%"

    data = json.loads(json.dumps(report.as_json()))
    assert data["exercised"] == 13
    assert data["declared"] == report.declared_count
    assert data["percent"] == round(report.percent, 2)
    nvqs = next(p for p in data["procedures"] if p["code"] == "BQP-NVQS-03")
    assert nvqs["percent"] == 52.0
    assert nvqs["outcomes"] == {
        "declared": ["on_time", "late"],
        "exercised": ["on_time", "late"],
        "missed": [],
    }
    assert nvqs["actions"]["missed"] == list(row.actions.missed)
    assert nvqs["steps"]["exercised"] == list(row.steps.exercised)
    assert data["ignored"] == {}

    # the same, from the store's records
    store = h.service.store
    with store.engine.connect() as connection:
        ids = connection.execute(sa.select(dossiers.c.id)).scalars().all()
    by_records = TransitionCoverage(registry(), deadlines=rules)
    for dossier_id in ids:
        by_records.record(store.get(dossier_id), store.events(dossier_id))
    assert by_records.report() == report

    # a second test's database adds to the same collector
    assert coverage.collect(h.service.store.engine) == 3
    again = coverage.report()
    assert next(p for p in again.procedures if p.code == "BQP-NVQS-03").dossiers == 6
    assert again.exercised_count == 13


@SQLITE
def test_an_older_version_gets_its_own_row(harness: Harness) -> None:
    spec = registry().get("BQP-NVQS-01").spec
    response = harness.submit(spec, example_payload(spec, today=NOW.date()))
    assert response.status_code == 201, response.text
    text = (DEFINITIONS / "nvqs-dang-ky-lan-dau.yaml").read_text(encoding="utf-8")
    newer = procgen.loads(
        text.replace("version: 1", "version: 2", 1).replace("id: accept", "id: take", 1),
        "nvqs-v2.yaml",
    )
    coverage = TransitionCoverage(Registry([*registry(), newer]))
    coverage.collect(harness.service.store.engine)
    rows = {p.label: p for p in coverage.report().procedures if p.code == "BQP-NVQS-01"}
    assert list(rows) == ["BQP-NVQS-01", "BQP-NVQS-01 v1"]
    assert (rows["BQP-NVQS-01"].version, rows["BQP-NVQS-01"].dossiers) == (2, 0)
    assert "reception.take" in rows["BQP-NVQS-01"].actions.missed
    assert (rows["BQP-NVQS-01 v1"].version, rows["BQP-NVQS-01 v1"].dossiers) == (1, 1)
    assert rows["BQP-NVQS-01 v1"].steps.exercised == ("reception",)
    assert "reception.accept" in rows["BQP-NVQS-01 v1"].actions.missed


def test_a_database_without_tables_adds_nothing(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        coverage = TransitionCoverage(registry())
        assert coverage.collect(engine) == 0
        assert coverage.report().exercised_count == 0
    finally:
        engine.dispose()
