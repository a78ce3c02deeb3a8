"""Tests for procgen.workflow.calendar: working days, office hours and working-time arithmetic.

Official calendars the expected dates come from (public servants' days off; each date below was
also checked against ``holidays`` 0.109, and where the package disagrees the test says so):

- 2024: Tết 8–14 Feb (29 Tết to mùng 5). 30/4–1/5: off Sat 27 Apr – Wed 1 May, Mon 29 Apr swapped
  with the make-up working Saturday 4 May (Official Letter 2450/VPCP-KGVX, 12 Apr 2024).
  2/9: Mon 2 and Tue 3 Sep.
- 2025: Official Letter 8726/VPCP-KGVX (26 Nov 2024), announced by MOLISA in Announcement
  6150/TB-BLĐTBXH: Tết off Sat 25 Jan – Sun 2 Feb (5 statutory days Mon 27 – Fri 31 Jan plus
  weekends); 30/4–1/5 off Wed 30 Apr – Sun 4 May, Fri 2 May swapped with the make-up working
  Saturday 26 Apr; 2/9 off Sat 30 Aug – Tue 2 Sep (1 and 2 Sep). Hùng Kings: Mon 7 Apr.
- 2026: New Year off Thu 1 – Sun 4 Jan, Fri 2 Jan swapped with the make-up working Saturday
  10 Jan (Official Letter 12729/VPCP-KGVX, 25 Dec 2025) — NOT in ``holidays`` 0.109, which
  keeps 2 Jan a working day and 10 Jan a day off: deployments fix it with overrides (tested
  below). Tết off Sat 14 – Sun 22 Feb (statutory Mon 16 – Fri 20 Feb) and 2/9 off Sat 29 Aug –
  Wed 2 Sep with Mon 31 Aug swapped with the make-up working Saturday 22 Aug (Government
  Office letter of Oct 2025 conveying the Prime Minister's approval of the Ministry of Home
  Affairs' plan). Hùng Kings (10/3 lunar) falls on Sun 26 Apr, so Mon 27 Apr is the day in lieu
  (Labour Code 2019 Art. 111(3)); 30 Apr and 1 May are Thu and Fri.
- 24 Nov 2026, "Vietnam Cultural Day": ``holidays`` makes it a day off from 2026 after
  Politburo Resolution 80-NQ/TW (Jan 2026); Government Resolution 30/NQ-CP (Feb 2026) only
  tasks amending Labour Code Art. 112 to add it. Whether it was a paid day off in 2026 is
  unverified here; the test shows the override a deployment uses if it was not.
"""

from __future__ import annotations

import doctest
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import procgen.workflow.calendar
import procgen.workflow.clock
import procgen.workflow.deadlines
from procgen.errors import ConfigurationError
from procgen.workflow.calendar import CalendarConfig, WorkingCalendar

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkingCalendar()
PROPERTIES = settings(max_examples=150, deadline=None, database=None)


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in Hà Nội wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


def make_calendar(**config: Any) -> WorkingCalendar:
    """The one fixture factory: a calendar with the given configuration overrides."""
    return WorkingCalendar(CalendarConfig(**config))


# Working days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2025, 1, 24), True, "Friday before Tết 2025"),
        (date(2025, 1, 27), False, "29 Tết 2025 (statutory)"),
        (date(2025, 1, 29), False, "Tết Ất Tỵ, mùng 1"),
        (date(2025, 1, 31), False, "mùng 3 Tết 2025"),
        (date(2025, 2, 3), True, "first working day after Tết 2025"),
        (date(2025, 4, 7), False, "Hùng Kings 2025"),
        (date(2025, 4, 26), True, "make-up working Saturday for 2 May 2025"),
        (date(2025, 4, 30), False, "Reunification Day 2025"),
        (date(2025, 5, 1), False, "Labour Day 2025"),
        (date(2025, 5, 2), False, "substituted day off (swapped with 26 Apr 2025)"),
        (date(2025, 5, 5), True, "Monday after 30/4–1/5 2025"),
        (date(2025, 9, 1), False, "day adjacent to National Day 2025"),
        (date(2025, 9, 2), False, "National Day 2025"),
        (date(2025, 9, 3), True, "Wednesday after National Day 2025"),
        (date(2024, 4, 29), False, "substituted day off (swapped with 4 May 2024)"),
        (date(2024, 5, 4), True, "make-up working Saturday 2024"),
        (date(2024, 9, 3), False, "day adjacent to National Day 2024"),
        (date(2026, 2, 13), True, "Friday before Tết 2026"),
        (date(2026, 2, 16), False, "Tết Bính Ngọ eve"),
        (date(2026, 2, 20), False, "mùng 4 Tết 2026"),
        (date(2026, 2, 23), True, "first working day after Tết 2026"),
        (date(2026, 4, 27), False, "day in lieu for Hùng Kings on Sunday 26 Apr 2026"),
        (date(2026, 8, 22), True, "make-up working Saturday for 31 Aug 2026"),
        (date(2026, 8, 31), False, "substituted day off 2026"),
        (date(2026, 9, 1), False, "day adjacent to National Day 2026"),
        (date(2026, 9, 2), False, "National Day 2026"),
        (date(2025, 10, 4), False, "ordinary Saturday"),
        (date(2025, 10, 5), False, "ordinary Sunday"),
        (date(2025, 10, 6), True, "ordinary Monday"),
    ],
)
def test_is_working_day_follows_the_official_calendar(day: date, working: bool, why: str) -> None:
    assert CALENDAR.is_working_day(day) is working, why


def test_new_year_2026_swap_is_missing_from_holidays_and_fixed_by_overrides() -> None:
    # Official Letter 12729/VPCP-KGVX: Fri 2 Jan 2026 off, Sat 10 Jan 2026 worked instead.
    assert CALENDAR.is_working_day(date(2026, 1, 2))  # what holidays 0.109 says
    assert not CALENDAR.is_working_day(date(2026, 1, 10))
    fixed = make_calendar(extra_days_off={date(2026, 1, 2)}, extra_working_days={date(2026, 1, 10)})
    assert not fixed.is_working_day(date(2026, 1, 2))
    assert fixed.is_working_day(date(2026, 1, 10))
    assert fixed.next_working_day(date(2025, 12, 31)) == date(2026, 1, 5)
    assert fixed.next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)
    assert fixed.holiday_name(date(2026, 1, 2)) == "Ngày nghỉ (theo cấu hình triển khai)"
    assert fixed.holiday_name(date(2026, 1, 2), language="en") == "Day off (deployment override)"


def test_vietnam_cultural_day_2026_can_be_overridden() -> None:
    assert not CALENDAR.is_working_day(date(2026, 11, 24))
    assert CALENDAR.holiday_name(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    worked = make_calendar(extra_working_days={date(2026, 11, 24)})
    assert worked.is_working_day(date(2026, 11, 24))
    assert worked.holiday_name(date(2026, 11, 24)) is None


@pytest.mark.parametrize(
    ("day", "language", "name"),
    [
        (date(2025, 1, 29), "vi", "Tết Nguyên Đán"),
        (date(2025, 1, 29), "en", "Lunar New Year"),
        (date(2025, 9, 2), "en", "National Day"),
        (date(2025, 5, 2), "vi", "Ngày nghỉ (thay cho ngày 26/04/2025)"),
        (date(2026, 4, 27), "vi", "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
        (date(2025, 10, 4), "vi", None),
        (date(2025, 10, 6), "en", None),
        (date(2025, 4, 26), "vi", None),
    ],
)
def test_holiday_name(day: date, language: str, name: str | None) -> None:
    assert CALENDAR.holiday_name(day, language=language) == name


def test_holiday_name_rejects_unknown_language() -> None:
    with pytest.raises(ConfigurationError, match="unsupported language 'fr'; use one of"):
        CALENDAR.holiday_name(date(2025, 1, 1), language="fr")


@pytest.mark.parametrize(
    ("day", "after", "before", "rolled"),
    [
        (date(2025, 1, 24), date(2025, 2, 3), date(2025, 1, 23), date(2025, 1, 24)),
        (date(2025, 1, 28), date(2025, 2, 3), date(2025, 1, 24), date(2025, 2, 3)),
        (date(2025, 4, 25), date(2025, 4, 26), date(2025, 4, 24), date(2025, 4, 25)),
        (date(2025, 4, 29), date(2025, 5, 5), date(2025, 4, 28), date(2025, 4, 29)),
        (date(2025, 5, 3), date(2025, 5, 5), date(2025, 4, 29), date(2025, 5, 5)),
        (date(2024, 5, 3), date(2024, 5, 4), date(2024, 5, 2), date(2024, 5, 3)),
        (date(2025, 8, 29), date(2025, 9, 3), date(2025, 8, 28), date(2025, 8, 29)),
        (date(2026, 8, 21), date(2026, 8, 22), date(2026, 8, 20), date(2026, 8, 21)),
        (date(2026, 8, 29), date(2026, 9, 3), date(2026, 8, 28), date(2026, 9, 3)),
        (date(2026, 2, 14), date(2026, 2, 23), date(2026, 2, 13), date(2026, 2, 23)),
    ],
)
def test_next_previous_and_roll_forward(day: date, after: date, before: date, rolled: date) -> None:
    assert CALENDAR.next_working_day(day) == after
    assert CALENDAR.previous_working_day(day) == before
    assert CALENDAR.roll_forward(day) == rolled


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2025, 1, 23), 2, date(2025, 2, 3)),
        (date(2025, 1, 29), 12, date(2025, 2, 18)),
        (date(2025, 2, 3), -1, date(2025, 1, 24)),
        (date(2025, 1, 28), 0, date(2025, 2, 3)),
        (date(2025, 4, 24), 3, date(2025, 4, 28)),  # Fri 25, make-up Sat 26, Mon 28
    ],
)
def test_shift_working_days(day: date, count: int, expected: date) -> None:
    assert CALENDAR.shift_working_days(day, count) == expected


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2025, 1, 24), date(2025, 2, 3), 1),  # all of Tết in between
        (date(2025, 1, 24), date(2025, 1, 24), 0),
        (date(2025, 4, 25), date(2025, 5, 5), 4),  # Sat 26 Apr, Mon 28, Tue 29 Apr, Mon 5 May
        (date(2026, 2, 13), date(2026, 2, 27), 5),
        (date(2025, 2, 3), date(2025, 1, 24), -1),
        # 2026: 261 weekdays, 13 of them days off in holidays 0.109, plus Saturday 22 Aug
        (date(2025, 12, 31), date(2026, 12, 31), 249),
        (date(2024, 1, 1), date(2023, 12, 29), -1),  # backwards: [end, start)
    ],
)
def test_working_days_between_excludes_the_start(start: date, end: date, count: int) -> None:
    assert CALENDAR.working_days_between(start, end) == count


def test_working_days_between_differs_from_holidays_count_by_the_start() -> None:
    import holidays

    table = holidays.country_holidays("VN", years=2025)
    start, end = date(2025, 1, 23), date(2025, 2, 4)
    assert CALENDAR.working_days_between(start, end) == table.get_working_days_count(start, end) - 1


# Instants --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "working", "next_moment"),
    [
        (vn(2025, 10, 6, 10, 0), True, vn(2025, 10, 6, 10, 0)),
        (vn(2025, 10, 6, 7, 0), True, vn(2025, 10, 6, 7, 0)),
        (vn(2025, 10, 6, 6, 59), False, vn(2025, 10, 6, 7, 0)),
        (vn(2025, 10, 6, 11, 30), False, vn(2025, 10, 6, 13, 30)),  # lunch break
        (vn(2025, 10, 6, 12, 15), False, vn(2025, 10, 6, 13, 30)),
        (vn(2025, 10, 6, 17, 0), False, vn(2025, 10, 7, 7, 0)),
        (vn(2025, 10, 6, 23, 59), False, vn(2025, 10, 7, 7, 0)),
        (vn(2025, 10, 4, 9, 0), False, vn(2025, 10, 6, 7, 0)),  # Saturday
        (vn(2025, 1, 24, 18, 0), False, vn(2025, 2, 3, 7, 0)),  # Friday evening before Tết
        (vn(2025, 4, 26, 9, 0), True, vn(2025, 4, 26, 9, 0)),  # make-up Saturday
    ],
)
def test_working_moments(moment: datetime, working: bool, next_moment: datetime) -> None:
    assert CALENDAR.is_working_moment(moment) is working
    assert CALENDAR.next_working_moment(moment) == next_moment


def test_results_are_utc() -> None:
    result = CALENDAR.next_working_moment(vn(2025, 10, 4, 9, 0))
    assert result.tzinfo is UTC
    assert result == datetime(2025, 10, 6, 0, 0, tzinfo=UTC)
    assert CALENDAR.closing(date(2025, 10, 6)) == datetime(2025, 10, 6, 10, 0, tzinfo=UTC)
    assert CALENDAR.opening(date(2025, 10, 6)) == datetime(2025, 10, 6, 0, 0, tzinfo=UTC)
    assert CALENDAR.local_date(datetime(2025, 10, 5, 17, 30, tzinfo=UTC)) == date(2025, 10, 6)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (vn(2025, 10, 6, 10, 0), 2, vn(2025, 10, 6, 14, 0)),  # spans lunch
        (vn(2025, 10, 6, 10, 0), 4, vn(2025, 10, 6, 16, 0)),
        (vn(2025, 10, 6, 10, 0), Decimal("1.5"), vn(2025, 10, 6, 11, 30)),  # ends at lunch
        (vn(2025, 10, 6, 12, 0), 4, vn(2025, 10, 7, 7, 30)),  # received over lunch
        (vn(2025, 10, 6, 7, 0), 8, vn(2025, 10, 6, 17, 0)),
        (vn(2025, 10, 6, 18, 0), 2, vn(2025, 10, 7, 9, 0)),  # after hours
        (vn(2025, 10, 4, 10, 0), 2, vn(2025, 10, 6, 9, 0)),  # Saturday
        (vn(2025, 1, 24, 16, 30), 4, vn(2025, 2, 3, 10, 30)),  # across Tết 2025
        (vn(2026, 2, 13, 16, 30), 4, vn(2026, 2, 23, 10, 30)),  # across Tết 2026
        (vn(2025, 10, 6, 10, 0), 96, vn(2025, 10, 22, 10, 0)),  # 12 working days
        (vn(2025, 10, 6, 10, 0), Decimal("0.25"), vn(2025, 10, 6, 10, 15)),
    ],
)
def test_add_working_hours(start: datetime, hours: Decimal | int, expected: datetime) -> None:
    assert CALENDAR.add_working_hours(start, hours) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (vn(2025, 10, 6, 10, 0), 1, vn(2025, 10, 7, 17, 0)),  # receipt day not counted
        (vn(2025, 10, 6, 18, 0), 1, vn(2025, 10, 7, 17, 0)),  # after hours: from Tue morning
        (vn(2025, 10, 6, 6, 0), 1, vn(2025, 10, 6, 17, 0)),  # before opening: Monday counts
        (vn(2025, 10, 4, 10, 0), 1, vn(2025, 10, 6, 17, 0)),  # Saturday
        (vn(2025, 1, 24, 10, 0), 1, vn(2025, 2, 3, 17, 0)),  # Tết 2025
        (vn(2025, 1, 29, 9, 0), 12, vn(2025, 2, 18, 17, 0)),  # received during Tết
        (vn(2025, 10, 6, 10, 0), Decimal("0.5"), vn(2025, 10, 6, 17, 0)),
        (vn(2025, 10, 6, 10, 0), Decimal("1.5"), vn(2025, 10, 7, 17, 0)),
    ],
)
def test_add_working_days_ends_at_close_of_business(
    start: datetime, days: Decimal | int, expected: datetime
) -> None:
    assert CALENDAR.add_working_days(start, days) == expected


def test_add_working_time_zero_is_identity_and_negative_is_refused() -> None:
    moment = vn(2025, 10, 4, 10, 0)
    assert CALENDAR.add_working_time(moment, timedelta(0)) == moment
    with pytest.raises(ConfigurationError, match="must not be negative"):
        CALENDAR.add_working_time(moment, timedelta(hours=-1))
    with pytest.raises(ConfigurationError, match=r"must be positive \(got 0\)"):
        CALENDAR.add_working_days(moment, 0)
    with pytest.raises(ConfigurationError, match=r"must be positive \(got -2\)"):
        CALENDAR.add_working_hours(moment, -2)


def test_working_time_between() -> None:
    assert CALENDAR.working_time_between(vn(2025, 10, 6, 10), vn(2025, 10, 6, 14)) == timedelta(
        hours=2
    )
    assert CALENDAR.working_time_between(vn(2025, 10, 3, 16), vn(2025, 10, 6, 9)) == timedelta(
        hours=3
    )
    assert CALENDAR.working_time_between(vn(2025, 1, 24, 7), vn(2025, 2, 4, 7)) == timedelta(
        hours=16
    )
    assert CALENDAR.working_time_between(vn(2025, 10, 6, 14), vn(2025, 10, 6, 10)) == timedelta(0)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: CALENDAR.next_working_moment(datetime(2025, 1, 1, 9)), id="next"),
        pytest.param(lambda: CALENDAR.add_working_days(datetime(2025, 1, 1, 9), 1), id="days"),
        pytest.param(lambda: CALENDAR.local_date(datetime(2025, 1, 1, 9)), id="local_date"),
        pytest.param(
            lambda: CALENDAR.working_time_between(datetime(2025, 1, 1, 9), vn(2025, 1, 2)),
            id="between",
        ),
    ],
)
def test_naive_datetimes_are_refused(call: Any) -> None:
    with pytest.raises(ConfigurationError, match="must be timezone-aware"):
        call()


# Configuration ---------------------------------------------------------------------------------


def test_custom_office_hours() -> None:
    calendar = make_calendar(office_hours=[("08:00", "12:00"), ("13:00", "16:30")])
    assert calendar.day_length == timedelta(hours=7, minutes=30)
    assert calendar.add_working_hours(vn(2025, 10, 6, 11, 0), 2) == vn(2025, 10, 6, 14, 0)
    assert calendar.add_working_days(vn(2025, 10, 6, 11, 0), 1) == vn(2025, 10, 7, 16, 30)
    assert calendar.next_working_moment(vn(2025, 10, 6, 7, 30)) == vn(2025, 10, 6, 8, 0)


def test_config_loads_from_plain_data() -> None:
    config = CalendarConfig.model_validate(
        {
            "timezone": "Asia/Ho_Chi_Minh",
            "office_hours": [["07:30", "11:30"], ["13:30", "17:30"]],
            "same_day_cutoff": "15:30",
            "extra_days_off": ["2026-01-02"],
            "extra_working_days": ["2026-01-10"],
        }
    )
    assert config.office_hours == ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 30)))
    assert config.same_day_cutoff == time(15, 30)
    assert config.extra_days_off == frozenset({date(2026, 1, 2)})
    assert CalendarConfig.model_validate(config.model_dump()) == config


def test_config_is_frozen_and_keyword_only() -> None:
    config = CalendarConfig()
    with pytest.raises(ValidationError, match="frozen"):
        config.timezone = "UTC"  # type: ignore[misc]
    with pytest.raises(TypeError):
        CalendarConfig("Asia/Ho_Chi_Minh")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"timezone": "Asia/Hanoi_City"}, "unknown time zone 'Asia/Hanoi_City'"),
        ({"office_hours": []}, "needs at least one"),
        ({"office_hours": [("11:30", "07:00")]}, r"period 1 \(11:30–07:00\) must end after"),
        (
            {"office_hours": [("07:00", "12:00"), ("11:00", "17:00")]},
            "ends at 12:00 but the next starts at 11:00",
        ),
        (
            {"extra_days_off": ["2026-01-02"], "extra_working_days": ["2026-01-02"]},
            "both extra_days_off and extra_working_days: 2026-01-02",
        ),
        ({"same_day_cutoff": "18:00"}, r"18:00 must lie within office hours \(07:00–17:00\)"),
        ({"office_hour": []}, "office_hour"),
    ],
)
def test_config_errors_say_what_is_wrong(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CalendarConfig(**config)


def test_repr() -> None:
    calendar = make_calendar(extra_days_off={date(2026, 1, 2)})
    assert repr(calendar) == (
        "<WorkingCalendar Asia/Ho_Chi_Minh 07:00–11:30, 13:30–17:00; +1 days off, +0 working days>"
    )


def test_the_documented_configuration_loads_and_runs() -> None:
    page = (Path(__file__).parents[2] / "docs" / "legal-clock.md").read_text(encoding="utf-8")
    settings = yaml.safe_load(re.search(r"```yaml\n(.*?)```", page, re.S)[1])  # type: ignore[index]
    config = CalendarConfig.model_validate(settings["legal_clock"])
    assert config.extra_days_off == frozenset({date(2026, 1, 2)})
    assert not WorkingCalendar(config).is_working_day(date(2026, 1, 2))
    namespace: dict[str, Any] = {"settings": settings}
    exec(re.search(r"```python\n(.*?)```", page, re.S)[1], namespace)  # type: ignore[index]
    assert namespace["status"] in ("on_track", "due_soon")


@pytest.mark.parametrize(
    "module",
    [procgen.workflow.clock, procgen.workflow.calendar, procgen.workflow.deadlines],
    ids=lambda module: module.__name__,
)
def test_docstring_examples_run(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# Properties ------------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


def _in_office_hours(calendar: WorkingCalendar, moment: datetime) -> bool:
    local = calendar.local(moment)
    return calendar.is_working_day(local.date()) and any(
        start <= local.time() <= end for start, end in calendar.config.office_hours
    )


@PROPERTIES
@given(start=instants, first=st.integers(1, 40), second=st.integers(1, 40))
def test_adding_n_then_m_working_days_equals_adding_n_plus_m(
    start: datetime, first: int, second: int
) -> None:
    step = CALENDAR.add_working_days(CALENDAR.add_working_days(start, first), second)
    assert step == CALENDAR.add_working_days(start, first + second)


@PROPERTIES
@given(start=instants, first=st.integers(1, 200), second=st.integers(1, 200))
def test_adding_working_hours_is_additive(start: datetime, first: int, second: int) -> None:
    step = CALENDAR.add_working_hours(CALENDAR.add_working_hours(start, first), second)
    assert step == CALENDAR.add_working_hours(start, first + second)


@PROPERTIES
@given(start=instants, minutes=st.integers(1, 60 * 8 * 30))
def test_added_working_time_lands_in_office_hours_and_is_recovered(
    start: datetime, minutes: int
) -> None:
    amount = timedelta(minutes=minutes)
    end = CALENDAR.add_working_time(start, amount)
    assert end > start
    assert _in_office_hours(CALENDAR, end)
    assert CALENDAR.working_time_between(start, end) == amount


@PROPERTIES
@given(start=instants, count=st.integers(1, 60))
def test_working_days_land_at_close_of_a_working_day(start: datetime, count: int) -> None:
    end = CALENDAR.add_working_days(start, count)
    assert _in_office_hours(CALENDAR, end)
    assert CALENDAR.local(end).time() == time(17, 0)
    assert end > start


@PROPERTIES
@given(day=days, count=st.integers(-60, 60))
def test_shift_and_count_agree(day: date, count: int) -> None:
    shifted = CALENDAR.shift_working_days(day, count)
    assert CALENDAR.is_working_day(shifted)
    if count:
        assert CALENDAR.working_days_between(day, shifted) == count


@PROPERTIES
@given(moment=instants)
def test_next_working_moment_is_open_and_not_earlier(moment: datetime) -> None:
    following = CALENDAR.next_working_moment(moment)
    assert following >= moment
    assert CALENDAR.is_working_moment(following)
    assert CALENDAR.working_time_between(moment, following) == timedelta(0)
