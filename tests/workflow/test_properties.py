"""Property tests of the workflow and the legal clock over every bundled procedure.

For random dossiers of every case of every definition in ``definitions/`` (random receipt
around Tết 2025 and 2026, 30/4–1/5 and 2/9, random channel, random flight date for the UAV
permit), hypothesis walks random allowed actions with valid inputs, separated by random gaps
(minutes to months, so weekends, holidays and applicant deadlines are crossed), and sometimes
lets the worker apply a due expiry. After every move:

- the dossier is in a declared step, the one the transition led to;
- in a final step nothing is allowed, nothing expires and nothing can be recorded;
- the legal due date and the appointment never move earlier (an apology can only set a later
  date; nothing else moves them back);
- paused time is never counted: the legal due date equals the one computed independently by
  walking the receipt-to-due interval with the paused intervals cut out (office time for
  working-time deadlines, elapsed time for calendar ones, then close of business of that day);
  fixed dates do not move; with extensions it is never earlier than without pauses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from procgen.spec.duration import DurationUnit
from procgen.spec.models import Deadline
from procgen.workflow import (
    DenialCode,
    Pause,
    TimelineError,
    WorkingCalendar,
)
from tests.workflow.factory import DEADLINES, HANOI, Dossier, bundled_cases, dossier, make_case

CALENDAR: WorkingCalendar = DEADLINES.calendar
WALKS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],  # each example walks up to 40 moves
)

#: Days around the holidays the tests of the calendar cite (Tết 2025 and 2026, 30/4, 2/9).
ANCHORS = (
    dt.date(2025, 1, 20),
    dt.date(2025, 1, 24),
    dt.date(2025, 4, 24),
    dt.date(2025, 8, 28),
    dt.date(2026, 2, 9),
    dt.date(2026, 2, 13),
    dt.date(2026, 4, 24),
    dt.date(2026, 8, 20),
)

receipts = st.builds(
    lambda day, minute: dt.datetime.combine(day, dt.time(minute // 60, minute % 60), HANOI),
    st.one_of(
        st.sampled_from(ANCHORS),
        st.dates(dt.date(2025, 1, 1), dt.date(2026, 10, 31)),
    ),
    st.integers(0, 24 * 60 - 1),
)
gaps = st.one_of(
    st.integers(1, 600).map(lambda m: dt.timedelta(minutes=m)),
    st.integers(1, 96).map(lambda h: dt.timedelta(hours=h)),
    st.integers(1, 21).map(lambda d: dt.timedelta(days=d)),
    st.integers(60, 400).map(lambda d: dt.timedelta(days=d)),
)
moves = st.lists(st.tuples(st.integers(0, 50), gaps, st.booleans()), max_size=40)


@pytest.mark.parametrize(("code", "case"), bundled_cases())
@WALKS
@given(
    received=receipts,
    moves=moves,
    channel_pick=st.integers(0, 3),
    flight_in=st.integers(-3, 90),
)
def test_random_walks_keep_the_clock_honest(
    code: str,
    case: str,
    received: dt.datetime,
    moves: list[tuple[int, dt.timedelta, bool]],
    channel_pick: int,
    flight_in: int,
) -> None:
    flight = received.date() + dt.timedelta(days=flight_in)
    probe = dossier(code, received, case=case)
    channels = [None, *sorted(probe.case.channels)]
    channel = channels[channel_pick % len(channels)]
    d = dossier(
        code, received, case=case, channel=channel, data={"flight_start_date": flight.isoformat()}
    )
    walk(d, received, moves)


#: Deadlines the bundled definitions do not use, on a small workflow with every clock feature.
SYNTHETIC = ("30 days", "2 months", "48 hours", "16 working hours", "3 working days", "same day")


@pytest.mark.parametrize("deadline", SYNTHETIC)
@WALKS
@given(received=receipts, moves=moves)
def test_random_walks_on_every_deadline_form(
    deadline: str, received: dt.datetime, moves: list[tuple[int, dt.timedelta, bool]]
) -> None:
    case = make_case(
        {
            "id": "review",
            "role": "officer",
            "actions": [
                {"id": "ask", "to": "waiting", "requires": ["reason"]},
                {"id": "extend", "to": "review", "extends": {"by": "5 days", "times": 2}},
                {
                    "id": "apologise",
                    "to": "review",
                    "reschedules": True,
                    "requires": ["new_appointment"],
                },
                {"id": "approve", "to": "ready"},
            ],
        },
        {
            "id": "waiting",
            "role": "applicant",
            "clock": "paused",
            "deadline": "10 days",
            "on_expiry": "stopped",
            "actions": [{"id": "supplement", "to": "review"}],
        },
        {
            "id": "ready",
            "role": "officer",
            "completes": True,
            "actions": [{"id": "reopen", "to": "review"}, {"id": "hand_over", "to": "done"}],
        },
        {"id": "done", "outcome": "approved"},
        {"id": "stopped", "outcome": "stopped"},
        deadline=deadline,
    )
    walk(dossier(case, received), received, moves)


def walk(d: Dossier, received: dt.datetime, moves: list[tuple[int, dt.timedelta, bool]]) -> None:
    """Move ``d`` by ``moves``, checking the invariants after each one."""
    now = received
    previous = d.read(now)
    for pick, gap, worker_runs in moves:
        now += gap
        if d.timeline.final:
            check_final_absorbs(d, now)
            continue
        if worker_runs and d.timeline.expiry(now) is not None:
            transition = d.expire(now)
        else:
            transition = take_an_allowed_action(d, now, pick)
            if transition is None:
                continue
        event(f"move: {'expiry' if transition.automatic else 'action'}")
        event(f"events: {', '.join(e.value for e in transition.events) or 'none'}")
        assert d.step == transition.to_step
        assert d.step in d.machine.steps
        current = d.read(now)
        assert_never_earlier(previous, current)
        assert_paused_time_not_counted(d, now)
        previous = current


def take_an_allowed_action(d: Dossier, now: dt.datetime, pick: int) -> Any:
    options = [o for o in d.available(now) if o.allowed or o.guard_pending]
    # Mostly stay in the workflow, so walks are long enough to pause, resume, extend, apologise.
    ongoing = [o for o in options if o.target and not d.machine.steps[o.target].final]
    if ongoing and pick % 8:
        options = ongoing
    if not options:
        return None
    option = options[pick % len(options)]
    given: dict[str, Any] = {}
    if any(f.id == "new_appointment" for f in option.inputs):
        appointment = d.timeline.limits(now).appointment or CALENDAR.local_date(now)
        given["new_appointment"] = appointment + dt.timedelta(days=1 + pick % 10)
    verdict = d.verdict(option.action, now, **given)
    if verdict.denial is not None:  # only a guard reading the inputs may still say no
        assert verdict.denial.code in (DenialCode.GUARD_FALSE, DenialCode.GUARD_ERROR)
        return None
    return d.act(option.action, now, **given)


def check_final_absorbs(d: Dossier, now: dt.datetime) -> None:
    assert d.machine.steps[d.step].final
    assert d.available(now) == []
    assert d.timeline.expiry(now) is None
    assert d.read(now).status is None
    with pytest.raises(TimelineError, match="has ended"):
        d.timeline.record(d.history[-1][1], at=now)


def assert_never_earlier(previous: Any, current: Any) -> None:
    for name in ("legal_due", "appointment"):
        before, after = getattr(previous, name), getattr(current, name)
        if before is not None:
            assert after is not None, name
            assert after >= before, (name, before, after)


# --------------------------------------------------------------------------- the reference


def paused_intervals(d: Dossier, until: dt.datetime) -> list[Pause]:
    """The intervals the clock stood still, from the history alone (not the timeline)."""
    steps = d.machine.steps
    started = steps[d.machine.initial].clock.value == "running"
    pauses: list[Pause] = []
    since: dt.datetime | None = None
    for at, transition in d.history:
        target = steps[transition.to_step]
        still = target.clock.value == "paused" and not target.final
        if not started:
            started = not still and not target.final
            continue
        if since is not None and not still:
            pauses.append(Pause(since, at))
            since = None
        elif since is None and still:
            since = at
    if since is not None:
        pauses.append(Pause(since, until))
    return [Pause(p.start, min(p.end, until)) for p in pauses if p.start < until]


def counted_end(start: dt.datetime, budget: dt.timedelta, pauses: list[Pause], office: bool) -> Any:
    """Where ``budget`` of (office or elapsed) time runs out from ``start``, pauses cut out."""

    def measure(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        return CALENDAR.working_time_between(a, b) if office else max(b - a, dt.timedelta(0))

    def forward(a: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        return CALENDAR.add_working_time(a, amount) if office else a + amount

    cursor, remaining = start, budget
    for pause in sorted(pauses):
        if pause.end <= cursor:
            continue
        before = measure(cursor, pause.start)
        if before >= remaining:
            break
        remaining -= before
        cursor = max(cursor, pause.end)
    return forward(cursor, remaining)


def assert_paused_time_not_counted(d: Dossier, now: dt.datetime) -> None:
    timeline, reading = d.timeline, d.read(now)
    deadline: Deadline | None = d.clock.deadline(timeline.channel)
    if deadline is None or timeline.started_at is None or reading.legal_due is None:
        return
    until = timeline.completed_at or max(now, timeline.last_at)
    pauses = paused_intervals(d, until)
    recorded = list(timeline.pauses)
    if timeline.paused_since is not None:
        recorded.append(Pause(timeline.paused_since, until))
    assert pauses == [Pause(p.start, min(p.end, until)) for p in recorded if p.start < until]
    base = d.clock.due(deadline, timeline.started_at, timeline.dates)
    assert base is not None
    without_pauses = base
    for granted in timeline.extensions:
        without_pauses = CALENDAR.closing(
            CALENDAR.roll_forward(CALENDAR.local_date(DEADLINES.extend(without_pauses, granted.by)))
        )
    assert reading.legal_due >= without_pauses
    if deadline.by is not None or deadline.before is not None:  # fixed: pauses do not move it
        assert reading.legal_due == without_pauses
        return
    if timeline.extensions:
        return
    unit = deadline.within.unit if deadline.within is not None else None
    office = unit is None or unit.is_working_time  # same day counts office time
    budget = (
        CALENDAR.working_time_between(timeline.started_at, base)
        if office
        else base - timeline.started_at
    )
    end = counted_end(timeline.started_at, budget, pauses, office)
    if unit is DurationUnit.WORKING_HOURS:
        expected = end
    elif office:  # working days: office time ends by the close of its own day
        expected = CALENDAR.closing(CALENDAR.roll_forward(CALENDAR.local_date(end)))
    else:  # calendar units: the first close of business of a working day at or after the end
        day = CALENDAR.roll_forward(CALENDAR.local_date(end))
        expected = CALENDAR.closing(day)
        if expected < end:
            expected = CALENDAR.closing(CALENDAR.next_working_day(day))
    assert reading.legal_due == expected, (base, pauses, end)
