"""The legal clock never overflows: dates are bounded, and stepping past the years the clock
counts raises :class:`ClockRangeError` (a ``TimelineError`` the service answers), never
``OverflowError``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.workflow import (
    FIRST_DATE,
    LAST_DATE,
    BasicInputValidator,
    ClockRangeError,
    Deadlines,
    Rescheduled,
    RescheduleError,
    TimelineError,
    WorkingCalendar,
)
from procgen.workflow.workdays import CLOCK_FIRST, CLOCK_LAST
from tests.workflow.factory import dossier, vn

UTC = dt.UTC
CALENDAR = WorkingCalendar()


def test_the_supported_range_is_the_documented_one() -> None:
    from procgen.forms import _dates

    assert (dt.date(1800, 1, 1), dt.date(2199, 12, 31)) == (FIRST_DATE, LAST_DATE)
    assert (_dates.FIRST_DATE, _dates.LAST_DATE) == (FIRST_DATE, LAST_DATE)
    assert CLOCK_FIRST < FIRST_DATE
    assert LAST_DATE < CLOCK_LAST
    assert issubclass(ClockRangeError, TimelineError)


@pytest.mark.parametrize(
    "step",
    [
        lambda: CALENDAR.next_working_day(dt.date.max),
        lambda: CALENDAR.previous_working_day(dt.date.min),
        lambda: CALENDAR.shift_working_days(dt.date(2999, 12, 1), 40),
        lambda: CALENDAR.shift_working_days(dt.date(1700, 1, 20), -40),
        lambda: CALENDAR.add_working_days(dt.datetime(9999, 12, 30, tzinfo=UTC), 3),
        lambda: CALENDAR.add_working_time(
            dt.datetime(9999, 12, 30, tzinfo=UTC), dt.timedelta(days=30)
        ),
        lambda: CALENDAR.add_working_hours(dt.datetime(9999, 12, 31, 9, tzinfo=UTC), 100),
        lambda: CALENDAR.local(dt.datetime.max.replace(tzinfo=UTC)),
        lambda: CALENDAR.next_working_moment(dt.datetime.max.replace(tzinfo=UTC)),
        lambda: CALENDAR.opening(dt.date.min),
        lambda: Deadlines().due_on_annual_date(
            dt.datetime(9999, 12, 31, tzinfo=UTC), month=1, day=1
        ),
    ],
    ids=lambda f: "",
)
def test_stepping_past_the_counted_years_raises_a_clock_range_error(step: object) -> None:
    with pytest.raises(ClockRangeError, match="1800 to 2199"):
        step()  # type: ignore[operator]


def test_counting_within_the_supported_years_still_works_at_their_ends() -> None:
    assert CALENDAR.shift_working_days(LAST_DATE, 10) > LAST_DATE
    assert CALENDAR.shift_working_days(FIRST_DATE, -10) < FIRST_DATE
    end = dt.datetime(9999, 12, 31, 12, tzinfo=UTC)
    assert CALENDAR.working_time_between(end - dt.timedelta(days=3), end) >= dt.timedelta(0)


@pytest.mark.parametrize(
    "value", ["9999-12-31", "0001-01-01", "1799-12-31", "2200-01-01", dt.date(9999, 12, 31)]
)
def test_action_dates_outside_the_supported_years_are_input_problems(value: object) -> None:
    cleaned, problems = BasicInputValidator().validate(
        [BUILTIN_INPUTS["new_appointment"]], {"new_appointment": value}
    )
    assert cleaned == {}
    assert [(p.input, p.code) for p in problems] == [("new_appointment", "invalid")]
    assert "1800" in problems[0].message
    assert "2199" in problems[0].message


def test_action_dates_at_the_ends_of_the_range_are_taken() -> None:
    fields = [BUILTIN_INPUTS["new_appointment"]]
    for day in (FIRST_DATE, LAST_DATE):
        assert BasicInputValidator().validate(fields, {"new_appointment": day.isoformat()}) == (
            {"new_appointment": day},
            (),
        )


@pytest.mark.parametrize("text", ["a\x00b", "\x00"])
def test_nul_in_a_text_input_is_an_input_problem(text: str) -> None:
    _, problems = BasicInputValidator().validate([BUILTIN_INPUTS["reason"]], {"reason": text})
    assert [(p.input, p.code) for p in problems] == [("reason", "invalid")]
    assert "NUL" in problems[0].message


def test_an_apology_to_9999_is_refused_by_the_machine() -> None:
    received = vn(2026, 4, 15, 10)
    file = dossier("BQP-NVQS-03", received)
    verdict = file.verdict("apologise", received, new_appointment="9999-12-31")
    assert verdict.denial is not None


def test_the_timeline_refuses_a_new_appointment_past_the_supported_years() -> None:
    received = vn(2026, 4, 15, 10)
    file = dossier("BQP-NVQS-03", received)
    transition = file.act("apologise", received, new_appointment="2026-05-20")
    forced = dataclasses.replace(
        transition,
        inputs={**transition.inputs, "new_appointment": dt.date(9999, 12, 31)},
    )
    with pytest.raises(RescheduleError, match="2199"):
        file.timeline.record(forced, at=received + dt.timedelta(minutes=1))


def test_a_stored_appointment_past_the_supported_years_saturates() -> None:
    """A dossier recorded before dates were bounded (apology to 9999-12-31, then a request
    for a supplement, which pauses the clock) still reads, with its appointment at the last
    supported day's close of business."""
    received = vn(2026, 4, 15, 10)
    file = dossier("BQP-NVQS-03", received)
    file.act("apologise", received, new_appointment="2026-05-20")
    legacy = Rescheduled(file.timeline.reschedules[-1].at, "apologise", dt.date(9999, 12, 31))
    file.timeline = dataclasses.replace(file.timeline, reschedules=(legacy,))
    later = received + dt.timedelta(hours=1)
    file.act("request_supplement", later, reason="Thiếu giấy tờ")
    reading = file.read(later)
    assert reading.appointment is not None
    assert CALENDAR.local_date(reading.appointment) == CALENDAR.roll_forward(LAST_DATE)
    paused = file.read(later + dt.timedelta(days=30)).appointment  # the pause is given back
    assert paused is not None
    assert LAST_DATE < CALENDAR.local_date(paused) < dt.date(2200, 3, 1)
    limits = file.timeline.limits(later)
    assert limits.appointment == CALENDAR.roll_forward(LAST_DATE)
