"""Edge cases of the legal clock that its main tests leave out, and the messages it gives.

Each test pins a rule of ``docs/legal-clock.md`` at its boundary (a pause that starts exactly
at the due instant, 29 February in a century year, pauses that touch, an apology at or after
the legal date, ...) or the exact text an author or officer reads when the clock refuses
something. Found missing by mutation testing (``scripts/mutation``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from procgen.errors import ConfigurationError
from procgen.spec.duration import DurationUnit, parse_duration
from procgen.spec.models import Outcome
from procgen.workflow import (
    EXPIRY_ACTION,
    ActionNotAllowedError,
    Actor,
    ClockLimits,
    DenialCode,
    InvalidWorkflowError,
    RescheduleError,
    StateMachine,
    due_expiries,
)
from procgen.workflow.deadlines import Deadlines, next_annual_date
from tests.workflow.factory import HANOI, Dossier, dossier, local, make_case, vn

DEADLINES = Deadlines()
D = parse_duration


def naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


# Deadlines: 29 February, pauses at the boundary -------------------------------------------------


@pytest.mark.parametrize(
    ("on_or_after", "expected"),
    [
        pytest.param(date(2100, 1, 10), date(2100, 2, 28), id="2100-is-no-leap-year"),
        pytest.param(date(1900, 2, 1), date(1900, 2, 28), id="1900-is-no-leap-year"),
        pytest.param(date(2000, 1, 10), date(2000, 2, 29), id="2000-is-a-leap-year"),
        pytest.param(date(2400, 2, 29), date(2400, 2, 29), id="2400-is-a-leap-year"),
        pytest.param(date(2028, 1, 1), date(2028, 2, 29), id="2028"),
        pytest.param(date(2027, 3, 1), date(2028, 2, 29), id="next-year"),
        pytest.param(date(2099, 3, 1), date(2100, 2, 28), id="into-2100"),
    ],
)
def test_an_annual_29_february_in_century_years(on_or_after: date, expected: date) -> None:
    assert next_annual_date(on_or_after, 2, 29) == expected


def test_a_pause_starting_exactly_at_the_due_instant_moves_nothing() -> None:
    # The time ran out at 16:00: the dossier was due before it paused.
    due = vn(2026, 3, 6, 16)  # a Friday
    pauses = [(vn(2026, 3, 6, 16), vn(2026, 3, 9, 10))]
    for unit in (DurationUnit.WORKING_HOURS, DurationUnit.WORKING_DAYS):
        assert DEADLINES.with_pauses(due, pauses, unit=unit) == due
    # One minute earlier, the whole office time inside the pause is given back.
    earlier = [(vn(2026, 3, 6, 15, 59), vn(2026, 3, 9, 10))]
    moved = DEADLINES.with_pauses(due, earlier, unit=DurationUnit.WORKING_HOURS)
    assert moved.astimezone(HANOI) == vn(2026, 3, 9, 10, 1)  # 61 + 180 minutes


def test_pauses_that_touch_count_as_one() -> None:
    # The clock stood still from Saturday to Monday 09:00, recorded as two pauses that touch
    # at Monday's opening, the appointment: it is one pause that began before the appointment.
    due = vn(2026, 3, 9, 7)
    one = [(vn(2026, 3, 7, 10), vn(2026, 3, 9, 9))]
    two = [(vn(2026, 3, 7, 10), vn(2026, 3, 9, 7)), (vn(2026, 3, 9, 7), vn(2026, 3, 9, 9))]
    for pauses in (one, two, two[::-1]):
        moved = DEADLINES.with_pauses(due, pauses, unit=DurationUnit.WORKING_HOURS)
        assert moved.astimezone(HANOI) == vn(2026, 3, 9, 9), pauses


# Deadlines: the naive-datetime errors name the argument -----------------------------------------

MONDAY = vn(2026, 3, 9, 10)
FRIDAY = vn(2026, 3, 13, 17)

NAIVE_ARGUMENTS: list[tuple[str, Callable[[], Any]]] = [
    ("received_at", lambda: DEADLINES.due(naive(MONDAY), D("2 working days"))),
    ("received_at", lambda: DEADLINES.due_same_day(naive(MONDAY))),
    ("received_at", lambda: DEADLINES.due_on_annual_date(naive(MONDAY), month=6, day=25)),
    ("due_at", lambda: DEADLINES.extend(naive(FRIDAY), D("5 working days"))),
    ("due_at", lambda: DEADLINES.with_pauses(naive(FRIDAY), [], unit=DurationUnit.DAYS)),
    ("submitted_at", lambda: DEADLINES.earliest_allowed(naive(MONDAY), D("3 days"))),
    ("completed_at", lambda: DEADLINES.classify(naive(MONDAY), FRIDAY)),
    ("due_at", lambda: DEADLINES.classify(MONDAY, naive(FRIDAY))),
    ("due_at", lambda: DEADLINES.live_status(naive(FRIDAY), MONDAY)),
    ("now", lambda: DEADLINES.live_status(FRIDAY, naive(MONDAY))),
    ("due_at", lambda: DEADLINES.apology_deadline(naive(FRIDAY))),
    ("now", lambda: DEADLINES.apology_allowed(FRIDAY, naive(MONDAY))),
    ("due_at", lambda: DEADLINES.apology_allowed(naive(FRIDAY), MONDAY)),
    (
        "pause 2 start",
        lambda: DEADLINES.with_pauses(
            FRIDAY, [(MONDAY, FRIDAY), (naive(MONDAY), FRIDAY)], unit=DurationUnit.DAYS
        ),
    ),
]


@pytest.mark.parametrize(
    ("name", "call"), NAIVE_ARGUMENTS, ids=[f"{i}-{n}" for i, (n, _) in enumerate(NAIVE_ARGUMENTS)]
)
def test_a_naive_datetime_is_refused_by_name(name: str, call: Callable[[], Any]) -> None:
    with pytest.raises(ConfigurationError) as refused:
        call()
    message = str(refused.value)
    assert message.startswith(f"{name} must be timezone-aware (got naive 2026-03-"), message
    assert "ZoneInfo('Asia/Ho_Chi_Minh')" in message


def test_a_pause_message_gives_both_instants() -> None:
    start, end = datetime(2026, 3, 9, 3, tzinfo=UTC), datetime(2026, 3, 9, 2, tzinfo=UTC)
    with pytest.raises(ConfigurationError) as refused:
        DEADLINES.with_pauses(FRIDAY, [(end, start), (start, end)], unit=DurationUnit.DAYS)
    assert str(refused.value) == (
        "pause 2 ends before it starts (2026-03-09T02:00:00+00:00 < 2026-03-09T03:00:00+00:00)"
    )


def test_an_empty_pause_is_allowed_and_gives_nothing_back() -> None:
    due = vn(2026, 3, 13, 17)
    moment = vn(2026, 3, 10, 9)
    assert DEADLINES.with_pauses(due, [(moment, moment)], unit=DurationUnit.DAYS) == due
    assert DEADLINES.with_pauses(due, [(moment, moment)], unit=DurationUnit.WORKING_DAYS) == due


# The state machine: what an author and an officer read ----------------------------------------

OFFICER = Actor(frozenset({"officer"}))
#: The dossier's fields the guards read.
DATA = {"last_day": date(2025, 7, 10), "cutoff": datetime(2025, 7, 1, 5, tzinfo=UTC)}

APOLOGY_STEPS: list[dict[str, Any]] = [
    {
        "id": "review",
        "role": "officer",
        "actions": [
            {"id": "approve", "to": "done", "requires": ["decision_number", "decision_date"]},
            {
                "id": "postpone",
                "to": "review",
                "requires": ["new_appointment", "reason"],
                "reschedules": True,
            },
            {"id": "timely", "to": "done", "when": "today <= last_day"},
            {"id": "before_noon", "to": "done", "when": "now < cutoff"},
            {"id": "undated", "to": "done", "when": "today == null"},
        ],
    },
    {"id": "done", "outcome": "approved"},
]


@pytest.fixture
def officer_machine() -> StateMachine:
    return StateMachine(make_case(*APOLOGY_STEPS))


def test_an_apology_without_its_other_inputs_is_refused(officer_machine: StateMachine) -> None:
    # A valid, later date does not excuse the missing reason.
    limits = ClockLimits(appointment=date(2025, 7, 1))
    with pytest.raises(ActionNotAllowedError) as refused:
        officer_machine.apply(
            "review", "postpone", OFFICER, {}, {"new_appointment": "2025-08-01"}, limits=limits
        )
    denial = refused.value.reason
    assert denial.code is DenialCode.MISSING_INPUT
    assert [(p.input, p.code) for p in denial.problems] == [("reason", "missing")]
    assert str(refused.value) == "'postpone' is not allowed in step 'review': reason is required"


def test_an_apology_without_its_new_date_is_refused(officer_machine: StateMachine) -> None:
    limits = ClockLimits(appointment=date(2025, 7, 1))
    with pytest.raises(ActionNotAllowedError) as refused:
        officer_machine.apply(
            "review", "postpone", OFFICER, {}, {"reason": "Chờ ý kiến"}, limits=limits
        )
    assert refused.value.reason.code is DenialCode.MISSING_INPUT
    assert refused.value.reason.message == "new_appointment is required"


def test_every_input_problem_is_in_the_message(officer_machine: StateMachine) -> None:
    [option] = [
        o
        for o in officer_machine.available("review", OFFICER, {}, inputs={})
        if o.action == "approve"
    ]
    assert option.denial is not None
    assert option.denial.message == "decision_number is required; decision_date is required"


@pytest.mark.parametrize(
    ("actor", "holds"),
    [
        (Actor(frozenset({"chief", "applicant"})), "applicant, chief"),
        (Actor(frozenset()), "no role"),
    ],
)
def test_a_wrong_role_names_the_role_needed_and_those_held(
    officer_machine: StateMachine, actor: Actor, holds: str
) -> None:
    with pytest.raises(ActionNotAllowedError) as refused:
        officer_machine.apply("review", "timely", actor, DATA, today=date(2025, 7, 1))
    assert refused.value.reason.code is DenialCode.WRONG_ROLE
    assert refused.value.reason.message == f"it is for role 'officer'; the actor has {holds}"


def test_apply_passes_today_and_now_to_guards(officer_machine: StateMachine) -> None:
    early = datetime(2025, 7, 1, 2, tzinfo=UTC)  # 09:00 in Hà Nội
    timely = officer_machine.apply("review", "timely", OFFICER, DATA, today=date(2025, 7, 10))
    assert timely.to_step == "done"
    assert (
        officer_machine.apply("review", "before_noon", OFFICER, DATA, now=early).to_step == "done"
    )
    with pytest.raises(ActionNotAllowedError) as late:
        officer_machine.apply("review", "timely", OFFICER, DATA, today=date(2025, 7, 11))
    assert late.value.reason.code is DenialCode.GUARD_FALSE


def test_a_guard_reading_today_fails_when_today_is_not_given(
    officer_machine: StateMachine,
) -> None:
    # Left undefined, not null: "today == null" must not pass for want of a date.
    [option] = [
        o for o in officer_machine.available("review", OFFICER, {}) if o.action == "undated"
    ]
    assert option.denial is not None
    assert option.denial.code is DenialCode.GUARD_ERROR
    assert option.denial.message.startswith("the condition failed: 'today == null': ")
    assert "'today'" in option.denial.message


def test_a_final_step_refuses_every_action_saying_the_dossier_ended(
    officer_machine: StateMachine,
) -> None:
    with pytest.raises(ActionNotAllowedError) as refused:
        officer_machine.apply("done", "approve", OFFICER, {})
    assert refused.value.reason.code is DenialCode.FINAL_STEP
    assert str(refused.value) == (
        "'approve' is not allowed in step 'done': step 'done' is final (approved): "
        "the dossier has ended"
    )


def test_expiring_a_step_without_on_expiry_names_the_step(officer_machine: StateMachine) -> None:
    with pytest.raises(ActionNotAllowedError) as refused:
        officer_machine.expire("review")
    assert refused.value.step == "review"
    assert refused.value.action == EXPIRY_ACTION
    assert refused.value.reason.message == "step 'review' has no on_expiry"


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        pytest.param([], "it has no steps", id="no-steps"),
        pytest.param(
            [{"id": "a", "actions": [{"id": "go", "to": "a"}]}],
            "step 'a', action 'go': has no role: set role on the action or on its step",
            id="no-role",
        ),
        pytest.param(
            [{"id": "z", "outcome": "approved", "on_expiry": "z"}],
            "step 'z' is final (outcome approved) but has actions or on_expiry; a final step "
            "ends the dossier",
            id="final-with-on-expiry",
        ),
    ],
)
def test_an_invalid_workflow_says_what_to_fix(steps: list[dict[str, Any]], problem: str) -> None:
    with pytest.raises(InvalidWorkflowError) as refused:
        StateMachine(make_case(*steps))
    assert refused.value.problems == (problem,)
    assert str(refused.value) == f"case 'default' has an invalid workflow:\n- {problem}"


# The timeline: pauses with extensions, apologies, expiries, readings ----------------------------

TIMELINE_STEPS: list[dict[str, Any]] = [
    {
        "id": "review",
        "role": "officer",
        "actions": [
            {"id": "approve", "to": "done"},
            {"id": "ask", "to": "waiting"},
            {"id": "extend", "to": "review", "extends": {"by": "5 working days", "times": 2}},
            {
                "id": "postpone",
                "to": "review",
                "requires": ["new_appointment"],
                "reschedules": True,
            },
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
    {"id": "done", "outcome": "approved"},
    {"id": "stopped", "outcome": "stopped"},
]
#: Received Monday 2 March 2026, 09:00: 3 working days end on Thursday 5 March.
RECEIVED = vn(2026, 3, 2, 9)


def three_day_dossier() -> Dossier:
    return dossier(make_case(*TIMELINE_STEPS, deadline="3 working days"), RECEIVED)


def test_a_pause_before_an_extension_is_given_back_before_extending() -> None:
    d = three_day_dossier()
    d.act("ask", vn(2026, 3, 3, 9))
    d.act("supplement", vn(2026, 3, 4, 9))  # 8 office hours paused: due Friday 6 March
    d.act("extend", vn(2026, 3, 5, 10))  # 5 working days from Friday 6: Friday 13
    reading = d.read(vn(2026, 3, 5, 10))
    assert local(reading.legal_due) == vn(2026, 3, 13, 17)
    assert reading.extensions == 1
    [granted] = d.timeline.extensions
    assert (granted.at, granted.action, str(granted.by)) == (
        vn(2026, 3, 5, 10),
        "extend",
        "5 working days",
    )


@pytest.mark.parametrize(
    ("promised", "appointment"),
    [
        # The extension takes the legal date (Thursday 12) past the apology's Friday 6 March:
        # the applicant is not promised a date before the law's.
        pytest.param(date(2026, 3, 6), vn(2026, 3, 12, 17), id="legal-date-wins"),
        pytest.param(date(2026, 3, 20), vn(2026, 3, 20, 17), id="apology-date-wins"),
    ],
)
def test_the_appointment_after_an_apology_is_never_before_the_legal_date(
    promised: date, appointment: datetime
) -> None:
    d = three_day_dossier()
    d.act("postpone", vn(2026, 3, 2, 10), new_appointment=promised)
    d.act("extend", vn(2026, 3, 3, 10))
    reading = d.read(vn(2026, 3, 3, 10))
    assert local(reading.legal_due) == vn(2026, 3, 12, 17)
    assert local(reading.appointment) == appointment
    [apology] = d.timeline.reschedules
    assert (apology.at, apology.action, apology.appointment) == (
        vn(2026, 3, 2, 10),
        "postpone",
        promised,
    )


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(20260316, id="a-number"),
        pytest.param(datetime(2026, 3, 16, 17, tzinfo=UTC), id="a-datetime"),
        pytest.param(None, id="nothing"),
    ],
)
def test_an_apology_whose_new_date_is_not_a_date_is_not_recorded(value: Any) -> None:
    d = three_day_dossier()
    transition = d.machine.apply(
        "review", "postpone", d.actor, {}, {"new_appointment": date(2026, 3, 16)}
    )
    garbled = replace(transition, inputs={"new_appointment": value})
    with pytest.raises(RescheduleError) as refused:
        d.timeline.record(garbled, at=vn(2026, 3, 2, 10))
    assert str(refused.value) == (
        f"'postpone' reschedules but its input 'new_appointment' is not a date (got {value!r})"
    )


def test_no_apology_before_there_is_an_appointment() -> None:
    d = dossier(make_case(*TIMELINE_STEPS), RECEIVED)  # a case without a deadline
    limits = d.timeline.limits(vn(2026, 3, 2, 10))
    assert limits.appointment is None
    assert limits.reschedule_refusal == (
        "the dossier has no appointment date yet, so there is nothing to move"
    )


def test_an_expired_step_says_when_and_where_the_dossier_goes() -> None:
    d = three_day_dossier()
    d.act("ask", vn(2026, 3, 3, 9))  # 10 days from Tuesday 3 March: Friday 13, 17:00
    assert d.timeline.limits(vn(2026, 3, 13, 17)).expired is None
    limits = d.timeline.limits(vn(2026, 3, 13, 17, 1))
    assert limits.expired == (
        "the deadline of step 'waiting' passed at 2026-03-13 17:00; the dossier moves to 'stopped'"
    )


def test_due_expiries_come_earliest_first_whatever_their_keys() -> None:
    early, later = three_day_dossier(), three_day_dossier()
    early.act("ask", vn(2026, 3, 3, 9))  # expires Friday 13 March
    later.act("ask", vn(2026, 3, 4, 9))  # expires Saturday 14 March, so Monday 16
    timelines = {"a-later": later.timeline, "b-early": early.timeline}
    found = due_expiries(timelines, vn(2026, 3, 20))
    assert [(key, local(e.due_at)) for key, e in found] == [
        ("b-early", vn(2026, 3, 13, 17)),
        ("a-later", vn(2026, 3, 16, 17)),
    ]


def test_a_reading_names_the_step_and_the_outcome() -> None:
    d = three_day_dossier()
    reading = d.read(vn(2026, 3, 2, 10))
    assert (reading.step, reading.step_due, reading.outcome) == ("review", None, None)
    d.act("ask", vn(2026, 3, 3, 9))
    waiting = d.read(vn(2026, 3, 3, 10))
    assert (waiting.step, local(waiting.step_due)) == ("waiting", vn(2026, 3, 13, 17))
    d.act("supplement", vn(2026, 3, 4, 9))
    d.act("approve", vn(2026, 3, 5, 9))
    done = d.read(vn(2026, 3, 6))
    assert (done.step, done.step_due, done.outcome) == ("done", None, Outcome.APPROVED)


INTAKE_STEPS: list[dict[str, Any]] = [
    {
        "id": "intake",
        "role": "officer",
        "clock": "paused",
        "actions": [
            {"id": "accept", "to": "review"},
            {"id": "ask", "to": "waiting"},
            {"id": "reject", "to": "refused"},
        ],
    },
    {
        "id": "waiting",
        "role": "applicant",
        "clock": "paused",
        "actions": [{"id": "supplement", "to": "intake"}],
    },
    {"id": "review", "role": "officer", "actions": [{"id": "approve", "to": "done"}]},
    {"id": "done", "outcome": "approved"},
    {"id": "refused", "outcome": "refused"},
]


@pytest.mark.parametrize("action", ["ask", "reject"])
def test_the_clock_counted_from_acceptance_does_not_start_before_it(action: str) -> None:
    # Asking for more before accepting, or refusing at intake, does not start the clock.
    d = dossier(make_case(*INTAKE_STEPS, deadline="3 working days"), RECEIVED)
    d.act(action, vn(2026, 3, 2, 10))
    reading = d.read(vn(2026, 3, 3, 10))
    assert (reading.started_at, reading.legal_due, reading.paused) == (None, None, False)


def test_the_clock_starts_when_the_dossier_is_accepted_after_a_supplement() -> None:
    d = dossier(make_case(*INTAKE_STEPS, deadline="3 working days"), RECEIVED)
    d.act("ask", vn(2026, 3, 2, 10))
    d.act("supplement", vn(2026, 3, 3, 9))
    d.act("accept", vn(2026, 3, 3, 10))
    reading = d.read(vn(2026, 3, 3, 10))
    assert reading.started_at == vn(2026, 3, 3, 10)
    assert local(reading.legal_due) == vn(2026, 3, 6, 17)
    assert reading.paused_for == timedelta(0)  # waiting before acceptance is no pause


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("now", lambda t: t.read(naive(MONDAY))),
        ("now", lambda t: t.limits(naive(MONDAY))),
        ("now", lambda t: t.expiry(naive(MONDAY))),
    ],
)
def test_a_timeline_refuses_naive_times_by_name(name: str, call: Callable[[Any], Any]) -> None:
    d = three_day_dossier()
    d.act("ask", vn(2026, 3, 3, 9))
    with pytest.raises(ConfigurationError, match=f"^{name} must be timezone-aware"):
        call(d.timeline)


def test_recording_refuses_a_naive_time_by_name() -> None:
    d = three_day_dossier()
    transition = d.machine.apply("review", "ask", d.actor, {})
    with pytest.raises(ConfigurationError, match=r"^at must be timezone-aware"):
        d.timeline.record(transition, at=naive(MONDAY))
