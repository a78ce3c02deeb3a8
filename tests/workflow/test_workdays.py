"""Tests for procgen.workflow.workdays: the memo of working days and the N-working-days jump.

The index answers from memory after the first question and jumps within the years it has
indexed; both must give exactly what counting day by day gives, also at year ends and past
the indexed years (a count that runs into a year the index does not hold yet).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procgen.workflow.workdays import MAX_SCAN_DAYS, WorkdayIndex

#: Public holidays of a made-up calendar, so the index is not only about weekends.
HOLIDAYS = frozenset({date(2026, 1, 1), date(2026, 4, 30), date(2026, 9, 2), date(2027, 2, 8)})


def weekdays(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def naive_skip(day: date, count: int) -> date:
    """The ``count``-th working day after ``day``, counted one day at a time."""
    while count:
        day += timedelta(days=1)
        count -= weekdays(day)
    return day


def working_days_in(first_year: int, last_year: int) -> int:
    span = date(last_year, 12, 31) - date(first_year, 1, 1)
    return sum(weekdays(date(first_year, 1, 1) + timedelta(n)) for n in range(span.days + 1))


class CountingDecide:
    """A calendar's slow answer that counts how often it is asked about each day."""

    def __init__(self) -> None:
        self.asked: Counter[date] = Counter()

    def __call__(self, day: date) -> bool:
        self.asked[day] += 1
        return weekdays(day)


def test_each_day_is_decided_once_then_remembered() -> None:
    decide = CountingDecide()
    index = WorkdayIndex(decide)
    friday, saturday = date(2026, 3, 6), date(2026, 3, 7)
    assert [index.is_working_day(d) for d in (friday, saturday, friday, saturday)] == [
        True,
        False,
        True,
        False,
    ]
    assert decide.asked == Counter({friday: 1, saturday: 1})


def test_the_next_working_day_is_remembered_per_day() -> None:
    index = WorkdayIndex(weekdays)
    friday = date(2026, 3, 6)
    assert index.step(friday, 1) == date(2026, 3, 9)
    asked: list[date] = []
    index.is_working_day = lambda day: asked.append(day) or weekdays(day)  # type: ignore[method-assign]
    assert index.step(friday, 1) == date(2026, 3, 9)
    assert asked == []  # answered from memory: not even the memo of days was asked


def test_stepping_back_is_not_mistaken_for_stepping_forward() -> None:
    index = WorkdayIndex(weekdays)
    monday = date(2026, 3, 9)
    assert index.step(monday, 1) == date(2026, 3, 10)
    assert index.step(monday, -1) == date(2026, 3, 6)
    assert index.step(monday, 1) == date(2026, 3, 10)  # the backward answer was not kept


def test_a_calendar_without_working_days_has_no_next_working_day() -> None:
    index = WorkdayIndex(lambda day: False)
    assert index.step(date(2026, 3, 6), 1) is None
    assert index.step(date(2026, 3, 6), 1) is None  # also when remembered
    assert index.step(date(2026, 3, 6), -1) is None


def test_the_search_for_a_working_day_stops_after_max_scan_days() -> None:
    far = date(2026, 1, 1) + timedelta(days=MAX_SCAN_DAYS)
    index = WorkdayIndex(lambda day: day >= far)
    assert index.step(date(2026, 1, 1), 1) == far
    assert WorkdayIndex(lambda day: day > far).step(date(2026, 1, 1), 1) is None


def test_skip_zero_is_the_day_itself_and_a_day_off_has_no_jump() -> None:
    index = WorkdayIndex(weekdays)
    assert index.skip(date(2026, 3, 6), 0) == date(2026, 3, 6)
    assert index.skip(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert index.skip(date(2026, 3, 7), 1) is None  # a Saturday: callers count day by day


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        # The first and last days of the indexed years are indexed too.
        pytest.param(date(2026, 1, 2), 1, date(2026, 1, 5), id="from-2-january"),
        pytest.param(date(2025, 1, 1), 1, date(2025, 1, 2), id="from-1-january"),
        pytest.param(date(2025, 12, 31), 1, date(2026, 1, 2), id="from-31-december"),
        pytest.param(date(2027, 12, 30), 1, date(2027, 12, 31), id="to-31-december"),
        pytest.param(date(2027, 12, 31), 1, date(2028, 1, 3), id="into-next-year"),
    ],
)
def test_skip_at_the_ends_of_the_year(day: date, count: int, expected: date) -> None:
    assert WorkdayIndex(weekdays).skip(day, count) == expected


def test_skip_lands_on_the_last_and_first_days_around_the_indexed_years() -> None:
    # skip() first indexes the day's year and the next; a count that ends exactly on the last
    # indexed working day, or one past it, must still be right.
    start = date(2026, 1, 2)  # the first working day of 2026 (1 January is a holiday here)
    to_last = working_days_in(2026, 2027) - 1  # from the first to the last of the two years
    assert WorkdayIndex(weekdays).skip(start, to_last) == date(2027, 12, 31)
    assert WorkdayIndex(weekdays).skip(start, to_last + 1) == date(2028, 1, 3)


def test_skip_past_the_indexed_years_extends_the_index() -> None:
    index = WorkdayIndex(weekdays)
    assert index.skip(date(2026, 12, 30), 600) == naive_skip(date(2026, 12, 30), 600)
    # The extended index still answers for the earlier years, and for a year before them.
    assert index.skip(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert index.skip(date(2020, 12, 31), 1) == date(2021, 1, 1)
    assert index.skip(date(2029, 6, 1), 5) == naive_skip(date(2029, 6, 1), 5)


@settings(max_examples=60, deadline=None, database=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    count=st.integers(min_value=0, max_value=800),
    earlier=st.dates(min_value=date(2018, 1, 1), max_value=date(2032, 12, 31)),
)
def test_skip_agrees_with_counting_day_by_day(start: date, count: int, earlier: date) -> None:
    index = WorkdayIndex(weekdays)
    index.skip(earlier, 3)  # whatever the index already holds
    expected = naive_skip(start, count) if weekdays(start) else None
    assert index.skip(start, count) == expected
