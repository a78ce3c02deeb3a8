"""Tests for procgen.workflow.deadlines: appointments, pauses, extensions, lead times, statuses.

Expected dates use the official 2024–2026 calendars listed (with their sources) at the top of
tests/workflow/test_calendar.py: Tết 2025 off 25 Jan – 2 Feb (Official Letter 8726/VPCP-KGVX),
Tết 2026 off 14–22 Feb, 30/4–1/5 2025 off 30 Apr – 4 May with the make-up Saturday 26 Apr,
30/4–1/5 2024 with the make-up Saturday 4 May (2450/VPCP-KGVX), 2/9 2025 off 30 Aug – 2 Sep,
2/9 2026 off 29 Aug – 2 Sep with the make-up Saturday 22 Aug, and New Year 2026 (12729/VPCP-KGVX),
which ``holidays`` lacks and the override fixes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procgen.errors import ConfigurationError
from procgen.spec.duration import Duration, DurationUnit, parse_duration
from procgen.workflow.calendar import CalendarConfig, WorkingCalendar
from procgen.workflow.clock import ManualClock
from procgen.workflow.deadlines import (
    DEFAULT_DUE_SOON,
    Deadlines,
    LiveStatus,
    Pause,
    Timeliness,
    next_annual_date,
)
from procgen.workflow.leadtimes import LeadTimeProblem

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINES = Deadlines()
PROPERTIES = settings(max_examples=150, deadline=None, database=None)
D = parse_duration


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in Hà Nội wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


def make_deadlines(*, due_soon_within: Duration = DEFAULT_DUE_SOON, **config: Any) -> Deadlines:
    """The one fixture factory: deadlines over a calendar with the given overrides."""
    return Deadlines(WorkingCalendar(CalendarConfig(**config)), due_soon_within=due_soon_within)


# Appointments from receipt ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "duration", "due"),
    [
        # Tết 2025: off Sat 25 Jan – Sun 2 Feb.
        pytest.param(vn(2025, 1, 24, 10), "1 working day", vn(2025, 2, 3, 17), id="tet25-1wd"),
        pytest.param(vn(2025, 1, 23, 10), "2 working days", vn(2025, 2, 3, 17), id="tet25-2wd"),
        pytest.param(vn(2025, 1, 26, 9), "1 working day", vn(2025, 2, 3, 17), id="tet25-inside"),
        pytest.param(vn(2025, 1, 29, 9), "12 working days", vn(2025, 2, 18, 17), id="tet25-12wd"),
        pytest.param(
            vn(2025, 1, 24, 16, 30), "4 working hours", vn(2025, 2, 3, 10, 30), id="tet25-h"
        ),
        # Tết 2026: off Sat 14 – Sun 22 Feb.
        pytest.param(vn(2026, 2, 13, 14), "1 working day", vn(2026, 2, 23, 17), id="tet26-1wd"),
        pytest.param(vn(2026, 2, 12, 10), "5 working days", vn(2026, 2, 26, 17), id="tet26-5wd"),
        pytest.param(
            vn(2026, 2, 13, 16, 30), "4 working hours", vn(2026, 2, 23, 10, 30), id="tet26-h"
        ),
        # 30/4–1/5 2025: off Wed 30 Apr – Sun 4 May; Sat 26 Apr is a make-up working day.
        pytest.param(vn(2025, 4, 25, 10), "1 working day", vn(2025, 4, 26, 17), id="makeup-sat-25"),
        pytest.param(vn(2025, 4, 29, 10), "1 working day", vn(2025, 5, 5, 17), id="apr30-25"),
        pytest.param(vn(2025, 4, 26, 9), "1 working day", vn(2025, 4, 28, 17), id="on-makeup-sat"),
        pytest.param(
            vn(2025, 4, 28, 10), "2 working days", vn(2025, 5, 5, 17), id="substituted-2may"
        ),
        # 30/4–1/5 2024: off Sat 27 Apr – Wed 1 May; Sat 4 May worked instead of Mon 29 Apr.
        pytest.param(vn(2024, 4, 26, 10), "1 working day", vn(2024, 5, 2, 17), id="apr30-24"),
        pytest.param(vn(2024, 4, 26, 10), "3 working days", vn(2024, 5, 4, 17), id="makeup-sat-24"),
        # 2/9: 2025 off Sat 30 Aug – Tue 2 Sep; 2026 off Sat 29 Aug – Wed 2 Sep, Sat 22 Aug worked.
        pytest.param(vn(2025, 8, 29, 10), "1 working day", vn(2025, 9, 3, 17), id="sep2-25"),
        pytest.param(vn(2026, 8, 21, 10), "1 working day", vn(2026, 8, 22, 17), id="makeup-sat-26"),
        pytest.param(vn(2026, 8, 28, 10), "1 working day", vn(2026, 9, 3, 17), id="sep2-26"),
        # Hùng Kings 2026 on Sunday 26 Apr: Monday 27 Apr off in lieu.
        pytest.param(vn(2026, 4, 24, 10), "1 working day", vn(2026, 4, 28, 17), id="hung-kings-26"),
        # Ordinary weeks (October 2025 has no holiday).
        pytest.param(vn(2025, 10, 6, 10), "1 working day", vn(2025, 10, 7, 17), id="in-hours"),
        pytest.param(vn(2025, 10, 6, 18), "1 working day", vn(2025, 10, 7, 17), id="after-hours"),
        pytest.param(vn(2025, 10, 6, 6), "1 working day", vn(2025, 10, 6, 17), id="before-opening"),
        pytest.param(vn(2025, 10, 4, 10), "1 working day", vn(2025, 10, 6, 17), id="saturday"),
        pytest.param(vn(2025, 10, 5, 22), "2 working hours", vn(2025, 10, 6, 9), id="sunday-hours"),
        pytest.param(vn(2025, 10, 6, 10), "4 working hours", vn(2025, 10, 6, 16), id="lunch"),
        pytest.param(vn(2025, 10, 6, 12), "4 working hours", vn(2025, 10, 7, 7, 30), id="at-lunch"),
        pytest.param(vn(2025, 10, 6, 10), "0.5 working days", vn(2025, 10, 6, 17), id="half-day"),
        # Calendar units: the receipt day is not counted; a day off rolls forward.
        pytest.param(vn(2025, 10, 1, 10), "4 days", vn(2025, 10, 6, 17), id="sunday-to-monday"),
        pytest.param(vn(2025, 10, 1, 10), "3 days", vn(2025, 10, 6, 17), id="saturday-to-monday"),
        pytest.param(vn(2025, 10, 1, 10), "2 days", vn(2025, 10, 3, 17), id="friday"),
        pytest.param(vn(2025, 1, 17, 10), "10 days", vn(2025, 2, 3, 17), id="days-into-tet"),
        pytest.param(vn(2025, 10, 1, 23, 30), "30 days", vn(2025, 10, 31, 17), id="complaint-30d"),
        pytest.param(vn(2025, 10, 3, 10), "24 hours", vn(2025, 10, 6, 17), id="hours-to-saturday"),
        # An appointment is a date: calendar hours end at the first close of business at or
        # after the hours run out (10:00 -> 17:00 the same working day).
        pytest.param(vn(2025, 10, 6, 10), "24 hours", vn(2025, 10, 7, 17), id="hours"),
        pytest.param(vn(2025, 1, 31, 10), "1 month", vn(2025, 2, 28, 17), id="month-end"),
        pytest.param(vn(2025, 3, 31, 10), "1 month", vn(2025, 5, 5, 17), id="month-into-apr30"),
        pytest.param(vn(2025, 6, 10, 10), "3 months", vn(2025, 9, 10, 17), id="months"),
    ],
)
def test_due(received: datetime, duration: str, due: datetime) -> None:
    result = DEADLINES.due(received, D(duration))
    assert result == due, DEADLINES.calendar.local(result).isoformat()
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("received", "due_package", "due_official"),
    [
        (vn(2025, 12, 31, 10), vn(2026, 1, 2, 17), vn(2026, 1, 5, 17)),
        (vn(2026, 1, 9, 10), vn(2026, 1, 12, 17), vn(2026, 1, 10, 17)),
    ],
)
def test_override_fixes_the_new_year_2026_swap(
    received: datetime, due_package: datetime, due_official: datetime
) -> None:
    # holidays 0.109 lacks 12729/VPCP-KGVX (Fri 2 Jan 2026 off, Sat 10 Jan 2026 worked).
    fixed = make_deadlines(extra_days_off={"2026-01-02"}, extra_working_days={"2026-01-10"})
    assert DEADLINES.due(received, D("1 working day")) == due_package
    assert fixed.due(received, D("1 working day")) == due_official


def test_due_refuses_naive_receipt_and_empty_durations() -> None:
    with pytest.raises(ConfigurationError, match="received_at must be timezone-aware"):
        DEADLINES.due(datetime(2025, 10, 6, 10), D("1 working day"))
    with pytest.raises(ConfigurationError, match="longer than zero"):
        DEADLINES.due(vn(2025, 10, 6), Duration(Decimal(0), DurationUnit.DAYS))
    with pytest.raises(ConfigurationError, match="may have a fraction"):
        DEADLINES.due(vn(2025, 10, 6), Duration(Decimal("1.5"), DurationUnit.DAYS))


# Same day, fixed dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (vn(2025, 10, 6, 9), vn(2025, 10, 6, 17)),
        (vn(2025, 10, 6, 14, 59), vn(2025, 10, 6, 17)),
        (vn(2025, 10, 6, 15, 0), vn(2025, 10, 6, 17)),  # "after 15:00" starts after it
        (vn(2025, 10, 6, 15, 1), vn(2025, 10, 7, 17)),
        (vn(2025, 10, 6, 6, 0), vn(2025, 10, 6, 17)),
        (vn(2025, 10, 6, 20, 0), vn(2025, 10, 7, 17)),
        (vn(2025, 10, 4, 10, 0), vn(2025, 10, 6, 17)),  # Saturday
        (vn(2025, 1, 24, 15, 30), vn(2025, 2, 3, 17)),  # Friday before Tết 2025
        (vn(2025, 4, 26, 10, 0), vn(2025, 4, 26, 17)),  # make-up Saturday
    ],
)
def test_same_day_with_cutoff(received: datetime, due: datetime) -> None:
    assert DEADLINES.due_same_day(received) == due


def test_same_day_cutoff_is_configurable() -> None:
    later = make_deadlines(same_day_cutoff="16:00")
    assert later.due_same_day(vn(2025, 10, 6, 15, 30)) == vn(2025, 10, 6, 17)
    assert later.due_same_day(vn(2025, 10, 6, 16, 1)) == vn(2025, 10, 7, 17)


def test_same_day_cutoff_per_procedure_wins() -> None:
    received = vn(2025, 10, 6, 14, 30)
    assert DEADLINES.due_same_day(received) == vn(2025, 10, 6, 17)
    assert DEADLINES.due_same_day(received, cutoff=time(14, 0)) == vn(2025, 10, 7, 17)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2025, 12, 15), vn(2025, 12, 12, 17)),  # Monday flight: ready by Friday
        (date(2025, 12, 17), vn(2025, 12, 16, 17)),
        (date(2025, 2, 3), vn(2025, 1, 24, 17)),  # right after Tết 2025
    ],
)
def test_due_before_an_applicant_date(day: date, due: datetime) -> None:
    assert DEADLINES.due_before(day) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (vn(2026, 5, 10, 9), vn(2026, 6, 25, 17)),  # Thursday
        (vn(2026, 6, 25, 16), vn(2026, 6, 25, 17)),  # on the day itself
        (vn(2026, 6, 26, 9), vn(2027, 6, 25, 17)),  # missed: next year's
        (vn(2027, 6, 26, 9), vn(2028, 6, 26, 17)),  # 25 Jun 2028 is a Sunday
    ],
)
def test_fixed_annual_date(received: datetime, due: datetime) -> None:
    assert DEADLINES.due_on_annual_date(received, month=6, day=25) == due


@pytest.mark.parametrize(
    ("on_or_after", "month", "day", "expected"),
    [
        (date(2026, 3, 1), 6, 25, date(2026, 6, 25)),
        (date(2026, 6, 25), 6, 25, date(2026, 6, 25)),
        (date(2026, 12, 31), 1, 1, date(2027, 1, 1)),
        (date(2027, 3, 1), 2, 29, date(2028, 2, 29)),
        (date(2026, 1, 1), 2, 29, date(2026, 2, 28)),
    ],
)
def test_next_annual_date(on_or_after: date, month: int, day: int, expected: date) -> None:
    assert next_annual_date(on_or_after, month, day) == expected


def test_next_annual_date_rejects_impossible_days() -> None:
    with pytest.raises(ConfigurationError, match="31/6 is not a day of the year"):
        next_annual_date(date(2026, 1, 1), 6, 31)


# Lead times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "lead", "earliest"),
    [
        (vn(2025, 12, 1, 10), "7 working days", date(2025, 12, 10)),  # UAV, old rule
        (vn(2025, 12, 1, 20), "7 working days", date(2025, 12, 10)),
        (vn(2025, 1, 24, 10), "7 working days", date(2025, 2, 11)),  # across Tết 2025
        (vn(2025, 12, 1, 10), "4 days", date(2025, 12, 5)),  # Cam Ranh notice
        (vn(2025, 12, 3, 10), "4 days", date(2025, 12, 7)),  # may be a Sunday
        (vn(2025, 12, 1, 20), "24 hours", date(2025, 12, 2)),
        (vn(2025, 12, 31, 10), "2 months", date(2026, 2, 28)),
    ],
)
def test_earliest_allowed(submitted: datetime, lead: str, earliest: date) -> None:
    assert DEADLINES.earliest_allowed(submitted, D(lead)) == earliest


def test_the_deprecated_lead_time_check_gives_the_earliest_date() -> None:
    submitted, lead = vn(2025, 12, 1, 10), D("7 working days")
    with pytest.deprecated_call():
        assert DEADLINES.check_lead_time(submitted, date(2025, 12, 10), lead) is None
    with pytest.deprecated_call():
        problem = DEADLINES.check_lead_time(submitted, date(2025, 12, 9), lead)
    assert problem is not None
    assert (problem.field, problem.requested, problem.earliest, problem.lead) == (
        "",
        date(2025, 12, 9),
        date(2025, 12, 10),
        lead,
    )
    assert problem.message.en == (
        "The date must be at least 7 working days after submission: the earliest allowed "
        "date is 10/12/2025 (got 09/12/2025)."
    )
    assert problem.message.vi == (
        "Ngày đăng ký phải sau ngày nộp hồ sơ ít nhất 7 ngày làm việc: ngày sớm nhất được "
        "phép là 10/12/2025 (đã nhập 09/12/2025)."
    )


def test_lead_time_violation_is_a_deprecated_name_of_lead_time_problem() -> None:
    import procgen.workflow
    import procgen.workflow.deadlines

    with pytest.deprecated_call():
        assert procgen.workflow.LeadTimeViolation is LeadTimeProblem
    with pytest.deprecated_call():
        assert procgen.workflow.deadlines.LeadTimeViolation is LeadTimeProblem


# Pauses and extensions -------------------------------------------------------------------------

DUE_5WD = vn(2025, 10, 13, 17)  # 5 working days from Monday 6 Oct 2025, 10:00


@pytest.mark.parametrize(
    ("pauses", "unit", "due"),
    [
        pytest.param([], DurationUnit.WORKING_DAYS, DUE_5WD, id="none"),
        pytest.param(
            [(vn(2025, 10, 8, 7), vn(2025, 10, 10, 7))],
            DurationUnit.WORKING_DAYS,
            vn(2025, 10, 15, 17),
            id="two-working-days",
        ),
        pytest.param(
            [(vn(2025, 10, 10, 16), vn(2025, 10, 13, 9))],
            DurationUnit.WORKING_DAYS,
            vn(2025, 10, 14, 10),
            id="over-a-weekend-3h",
        ),
        pytest.param(
            [(vn(2025, 10, 11, 8), vn(2025, 10, 12, 20))],
            DurationUnit.WORKING_DAYS,
            DUE_5WD,
            id="weekend-only-working",
        ),
        pytest.param(
            [(vn(2025, 10, 11, 8), vn(2025, 10, 12, 20))],
            DurationUnit.DAYS,
            # 36 h paused move 13/10 17:00 to 15/10 05:00, rounded up to that day's close.
            vn(2025, 10, 15, 17),
            id="weekend-only-calendar",
        ),
        pytest.param(
            [
                (vn(2025, 10, 8, 7), vn(2025, 10, 9, 7)),
                (vn(2025, 10, 8, 13, 30), vn(2025, 10, 10, 7)),
            ],
            DurationUnit.WORKING_DAYS,
            vn(2025, 10, 15, 17),
            id="overlapping-merged",
        ),
        pytest.param(
            [(vn(2025, 10, 14, 9), vn(2025, 10, 16, 9))],
            DurationUnit.WORKING_DAYS,
            DUE_5WD,
            id="after-the-due-date",
        ),
        pytest.param(
            [Pause(vn(2025, 10, 9, 17), vn(2025, 10, 11, 17))],
            DurationUnit.DAYS,
            vn(2025, 10, 15, 17),
            id="calendar-two-days",
        ),
        pytest.param(
            [Pause(vn(2025, 10, 9, 17), vn(2025, 10, 14, 17))],
            DurationUnit.DAYS,
            vn(2025, 10, 20, 17),
            id="calendar-lands-on-saturday",
        ),
    ],
)
def test_pauses_move_the_due_date(
    pauses: list[tuple[datetime, datetime]], unit: DurationUnit, due: datetime
) -> None:
    assert DEADLINES.with_pauses(DUE_5WD, pauses, unit=unit) == due


def test_pause_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="pause 1 ends before it starts"):
        DEADLINES.with_pauses(
            DUE_5WD, [(vn(2025, 10, 9), vn(2025, 10, 8))], unit=DurationUnit.WORKING_DAYS
        )
    with pytest.raises(ConfigurationError, match="pause 1 end must be timezone-aware"):
        DEADLINES.with_pauses(
            DUE_5WD, [(vn(2025, 10, 8), datetime(2025, 10, 9))], unit=DurationUnit.DAYS
        )


def test_open_pause_ends_now() -> None:
    clock = ManualClock(vn(2025, 10, 8, 7))
    supplement_requested = clock.now()
    clock.advance(timedelta(days=1))
    due = DEADLINES.with_pauses(
        DUE_5WD, [(supplement_requested, clock.now())], unit=DurationUnit.WORKING_DAYS
    )
    assert due == vn(2025, 10, 14, 17)


@pytest.mark.parametrize(
    ("due", "by", "extended"),
    [
        (vn(2025, 10, 31, 17), "15 days", vn(2025, 11, 17, 17)),  # complaint; Sat 15 Nov
        (vn(2025, 10, 31, 17), "30 days", vn(2025, 12, 1, 17)),  # denunciation; Sun 30 Nov
        (DUE_5WD, "2 working days", vn(2025, 10, 15, 17)),
        (vn(2025, 1, 24, 17), "1 working day", vn(2025, 2, 3, 17)),
        (vn(2025, 10, 6, 10), "4 working hours", vn(2025, 10, 6, 16)),
    ],
)
def test_extend(due: datetime, by: str, extended: datetime) -> None:
    assert DEADLINES.extend(due, D(by)) == extended


# Statuses --------------------------------------------------------------------------------------

DUE_TET = vn(2025, 2, 3, 17)


@pytest.mark.parametrize(
    ("completed", "status"),
    [
        (vn(2025, 1, 24, 16), Timeliness.EARLY),
        (vn(2025, 2, 3, 0, 1), Timeliness.ON_TIME),
        (vn(2025, 2, 3, 23, 0), Timeliness.ON_TIME),  # after close, same date
        (datetime(2025, 2, 3, 16, 59, tzinfo=UTC), Timeliness.ON_TIME),  # 23:59 local
        (datetime(2025, 2, 3, 17, 30, tzinfo=UTC), Timeliness.LATE),  # 00:30 local on 4 Feb
        (vn(2025, 2, 4, 7, 0), Timeliness.LATE),
    ],
)
def test_classification_compares_local_dates(completed: datetime, status: Timeliness) -> None:
    assert DEADLINES.classify(completed, DUE_TET) is status


DUE_WED = vn(2025, 10, 8, 17)


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (vn(2025, 10, 6, 10), LiveStatus.ON_TRACK),
        (vn(2025, 10, 7, 16, 59), LiveStatus.ON_TRACK),  # 8 h 1 min of office time left
        (vn(2025, 10, 7, 17, 0), LiveStatus.DUE_SOON),  # exactly one working day left
        (vn(2025, 10, 8, 9, 0), LiveStatus.DUE_SOON),
        (vn(2025, 10, 8, 23, 0), LiveStatus.DUE_SOON),  # past the instant, not the date
        (vn(2025, 10, 9, 0, 1), LiveStatus.OVERDUE),
    ],
)
def test_live_status(now: datetime, status: LiveStatus) -> None:
    assert DEADLINES.live_status(DUE_WED, now) is status


@pytest.mark.parametrize(
    ("threshold", "now", "status"),
    [
        ("2 working days", vn(2025, 10, 6, 10), LiveStatus.ON_TRACK),
        ("2 working days", vn(2025, 10, 7, 10), LiveStatus.DUE_SOON),
        ("24 hours", vn(2025, 10, 7, 16, 59), LiveStatus.ON_TRACK),
        ("24 hours", vn(2025, 10, 7, 17), LiveStatus.DUE_SOON),
        ("3 days", vn(2025, 10, 5, 18), LiveStatus.DUE_SOON),
        ("4 working hours", vn(2025, 10, 8, 10), LiveStatus.ON_TRACK),
        ("4 working hours", vn(2025, 10, 8, 13), LiveStatus.DUE_SOON),
    ],
)
def test_due_soon_threshold_is_configurable(
    threshold: str, now: datetime, status: LiveStatus
) -> None:
    assert make_deadlines(due_soon_within=D(threshold)).live_status(DUE_WED, now) is status


def test_live_status_follows_a_manual_clock() -> None:
    clock = ManualClock(vn(2025, 10, 6, 10))
    seen = [DEADLINES.live_status(DUE_WED, clock.now())]
    for _ in range(3):
        clock.advance(timedelta(days=1))
        seen.append(DEADLINES.live_status(DUE_WED, clock.now()))
    assert seen == [
        LiveStatus.ON_TRACK,
        LiveStatus.ON_TRACK,
        LiveStatus.DUE_SOON,
        LiveStatus.OVERDUE,
    ]


@pytest.mark.parametrize(
    ("due", "now", "allowed"),
    [
        (DUE_WED, vn(2025, 10, 6, 10), True),
        (DUE_WED, vn(2025, 10, 7, 16), True),  # the working day before
        (DUE_WED, vn(2025, 10, 8, 9), False),  # on the due date
        (DUE_WED, vn(2025, 10, 9, 9), True),  # already late
        (DUE_TET, vn(2025, 1, 24, 16), True),  # last working day before Tết
        (DUE_TET, vn(2025, 1, 30, 10), False),  # during Tết: too late to warn in time
        (vn(2025, 10, 6, 17), vn(2025, 10, 4, 10), False),  # Saturday before a Monday due date
    ],
)
def test_apology_allowed(due: datetime, now: datetime, allowed: bool) -> None:
    assert DEADLINES.apology_allowed(due, now) is allowed


def test_apology_deadline_is_the_previous_working_day() -> None:
    assert DEADLINES.apology_deadline(DUE_TET) == date(2025, 1, 24)
    assert DEADLINES.apology_deadline(vn(2025, 5, 5, 17)) == date(2025, 4, 29)


def test_statuses_are_str_enums() -> None:
    assert isinstance(Timeliness.ON_TIME, str)
    assert str(Timeliness.ON_TIME) == "on_time"
    assert f"{LiveStatus.DUE_SOON}" == "due_soon"
    assert [s.value for s in LiveStatus] == ["on_track", "due_soon", "overdue"]


def test_constructor_rejects_bad_threshold_and_has_a_repr() -> None:
    with pytest.raises(ConfigurationError, match="longer than zero"):
        Deadlines(due_soon_within=Duration(Decimal(0), DurationUnit.WORKING_DAYS))
    assert repr(DEADLINES).startswith(
        "<Deadlines due soon within 1 working day on <WorkingCalendar"
    )


# Properties ------------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
durations = st.one_of(
    st.builds(Duration, st.integers(1, 60).map(Decimal), st.just(DurationUnit.WORKING_DAYS)),
    st.builds(Duration, st.integers(1, 200).map(Decimal), st.just(DurationUnit.WORKING_HOURS)),
    st.builds(Duration, st.integers(1, 90).map(Decimal), st.just(DurationUnit.DAYS)),
    st.builds(Duration, st.integers(1, 96).map(Decimal), st.just(DurationUnit.HOURS)),
    st.builds(Duration, st.integers(1, 12).map(Decimal), st.just(DurationUnit.MONTHS)),
)


@st.composite
def pauses(draw: st.DrawFn, after: datetime) -> list[tuple[datetime, datetime]]:
    result = []
    for _ in range(draw(st.integers(0, 3))):
        start = after + timedelta(minutes=draw(st.integers(0, 60 * 24 * 60)))
        result.append((start, start + timedelta(minutes=draw(st.integers(0, 60 * 24 * 10)))))
    return result


@PROPERTIES
@given(received=instants, duration=durations)
def test_due_is_never_before_receipt_and_on_a_working_day(
    received: datetime, duration: Duration
) -> None:
    due = DEADLINES.due(received, duration)
    assert due > received
    assert DEADLINES.calendar.is_working_day(DEADLINES.calendar.local_date(due))
    assert DEADLINES.classify(received, due) in (Timeliness.EARLY, Timeliness.ON_TIME)


@PROPERTIES
@given(data=st.data(), received=instants, duration=durations)
def test_pauses_never_bring_the_due_date_forward(
    data: st.DataObject, received: datetime, duration: Duration
) -> None:
    due = DEADLINES.due(received, duration)
    assert DEADLINES.with_pauses(due, data.draw(pauses(received)), unit=duration.unit) >= due


@PROPERTIES
@given(data=st.data(), received=instants, duration=durations)
def test_paused_time_never_counts(
    data: st.DataObject, received: datetime, duration: Duration
) -> None:
    calendar = DEADLINES.calendar
    due = DEADLINES.due(received, duration)
    before_due = int((due - received) / timedelta(minutes=1))
    start = received + timedelta(minutes=data.draw(st.integers(0, max(before_due - 1, 0))))
    end = start + timedelta(minutes=data.draw(st.integers(0, 60 * 24 * 20)))
    moved = DEADLINES.with_pauses(due, [Pause(start, end)], unit=duration.unit)
    if duration.unit.is_working_time:
        # Office time from receipt to the new due date, less the paused part, is the budget.
        paused = calendar.working_time_between(start, min(end, moved))
        counted = calendar.working_time_between(received, moved) - paused
        assert counted == calendar.working_time_between(received, due)
    else:
        assert moved >= due + (end - start)


@PROPERTIES
@given(received=instants, duration=durations)
def test_extension_never_shortens(received: datetime, duration: Duration) -> None:
    due = DEADLINES.due(received, duration)
    assert DEADLINES.extend(due, duration) > due
