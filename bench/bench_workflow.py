"""Benchmark: due-date computations and allowed-action queries per second.

In the same run, against hand-written references:

- due dates: ``Deadlines.due(received_at, 10 working days)`` over receipts spread across
  2025-2026 (Tết, 30/4, 2/9 included) vs a hand-written loop that steps day by day over a
  precomputed set of Vietnamese holidays (no office hours, no overrides, no time zones);
- allowed actions: ``StateMachine.available(step, actor, data)`` on the UAV permit's review
  step (roles, guards, inputs) vs a hand-written dict lookup of action ids by (step, role).

Target (issue 4): over 100,000 due-date computations per second. Usage:
``python bench/bench_workflow.py [N]`` (default 50,000 computations per figure).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

import procgen
from procgen.spec.duration import parse_duration
from procgen.workflow import Actor, Deadlines, StateMachine, WorkingCalendar

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def rate(count: int, work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return count / (time.perf_counter() - start)


def receipts(count: int) -> list[dt.datetime]:
    base = dt.datetime(2025, 1, 2, 8, 0, tzinfo=TZ)
    # A receipt every 97 minutes cycles through office hours, nights and weekends.
    return [(base + dt.timedelta(minutes=97 * i)).astimezone(dt.UTC) for i in range(count)]


def reference_due(days_off: frozenset[dt.date], received: dt.datetime, n: int) -> dt.date:
    day = received.astimezone(TZ).date()
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in days_off:
            n -= 1
    return day


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    moments = receipts(count)
    ten = parse_duration("10 working days")
    deadlines = Deadlines(WorkingCalendar())
    deadlines.due(moments[0], ten)  # build the holiday tables once, as a server does
    ours = rate(count, lambda: [deadlines.due(m, ten) for m in moments])
    days_off = frozenset(holidays.country_holidays("VN", years=range(2024, 2028)))
    reference = rate(count, lambda: [reference_due(days_off, m, 10) for m in moments])
    print(f"due dates (10 working days), {count} receipts over 2025-2026:")
    print(f"  procgen Deadlines.due: {ours:,.0f}/s")
    print(f"  hand-written day loop: {reference:,.0f}/s")
    print(f"  ratio procgen/reference: {ours / reference:.2f}x")
    print(f"  target over 100,000/s -> {'met' if ours > 100_000 else 'NOT met'}")

    spec = procgen.load(ROOT / "definitions" / "uav-cap-phep-bay.yaml")
    case = spec.effective_cases()[0]
    machine = StateMachine(case)
    step = next(s for s in case.steps if s.actions and s.role and s.role != "applicant")
    actor = Actor(frozenset({step.role or ""}))
    data: dict[str, object] = {}
    queries = count // 5
    ours = rate(queries, lambda: [machine.available(step.id, actor, data) for _ in range(queries)])
    table = {
        (s.id, a.role or s.role): [a.id for a in s.actions] for s in case.steps for a in s.actions
    }
    reference = rate(queries, lambda: [table.get((step.id, step.role)) for _ in range(queries)])
    print(f"allowed-action queries on step {step.id!r} ({len(step.actions)} actions):")
    print(f"  procgen StateMachine.available: {ours:,.0f}/s")
    print(f"  hand-written dict lookup (no guards, inputs or reasons): {reference:,.0f}/s")
    print(f"  ratio procgen/reference: {ours / reference:.3f}x")


if __name__ == "__main__":
    main()
