"""A memo of which days are working days, and an index to jump N working days at once.

Due-date computations ask the same questions about the same few hundred days again and again;
the answers never change for a calendar (its configuration is frozen). This index answers
them from dictionaries after the first time, which keeps a 10-working-day due date to a few
microseconds.

    >>> index = WorkdayIndex(lambda day: day.weekday() < 5)
    >>> index.skip(date(2026, 3, 6), 1)  # Friday + 1 working day
    datetime.date(2026, 3, 9)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from procgen.workflow.errors import ClockRangeError

__all__ = ["CLOCK_FIRST", "CLOCK_LAST", "FIRST_DATE", "LAST_DATE", "WorkdayIndex"]

#: The first day of the supported years (1800 to 2199): the first date a field or an action
#: input takes. The legal clock counts from dates in this range; see ``docs/legal-clock.md``.
FIRST_DATE = date(1800, 1, 1)
#: The last day of the supported years.
LAST_DATE = date(2199, 12, 31)
#: The legal clock steps working days within these days only (a margin of years around the
#: supported ones, far from the ends of Python's calendar): a step past them raises
#: :class:`~procgen.workflow.errors.ClockRangeError` instead of ``OverflowError``.
CLOCK_FIRST = date(1700, 1, 1)
CLOCK_LAST = date(2999, 12, 31)

#: How far to look for the next working day before deciding the configuration is wrong.
MAX_SCAN_DAYS = 400


class WorkdayIndex:
    """Working-day answers for one calendar, computed once per day.

    Args:
        decide: the calendar's own (slow) answer to "is this a working day?".
    """

    def __init__(self, decide: Callable[[date], bool]) -> None:
        self._decide = decide
        self._working: dict[date, bool] = {}
        self._following: dict[date, date | None] = {}
        self._days: list[date] = []
        self._position: dict[date, int] = {}
        self._years = (0, 0)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (decided once, then remembered)."""
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._decide(day)
        return known

    def step(self, day: date, direction: int) -> date | None:
        """The first working day after (``direction=1``) or before (``-1``) ``day``.

        ``None`` when there is none within a year, i.e. the configuration is broken.

        Raises:
            ClockRangeError: when the step leaves :data:`CLOCK_FIRST` to :data:`CLOCK_LAST`.
        """
        if direction == 1 and day in self._following:
            return self._following[day]
        found: date | None = None
        candidate = day
        for _ in range(MAX_SCAN_DAYS):
            if not CLOCK_FIRST < candidate < CLOCK_LAST:
                raise ClockRangeError(candidate)
            candidate += timedelta(days=direction)
            if self.is_working_day(candidate):
                found = candidate
                break
        if direction == 1:
            self._following[day] = found
        return found

    def skip(self, day: date, count: int) -> date | None:
        """The ``count``-th working day after the working day ``day`` (``day`` when 0).

        ``None`` when ``day`` is not a working day (callers then count day by day).

        Raises:
            ClockRangeError: when the answer would be after :data:`CLOCK_LAST`.
        """
        if not CLOCK_FIRST <= day <= CLOCK_LAST:
            raise ClockRangeError(day)
        self._cover(day.year, min(day.year + 1, CLOCK_LAST.year))
        while True:
            position = self._position.get(day)
            if position is None:
                return None
            if position + count < len(self._days):
                return self._days[position + count]
            if self._years[1] >= CLOCK_LAST.year:
                raise ClockRangeError(CLOCK_LAST)
            self._cover(day.year, self._years[1] + 1)

    def _cover(self, first: int, last: int) -> None:
        """Index every working day of the years ``first``..``last`` (and those between)."""
        low, high = self._years if self._days else (first, last)
        low, high = min(low, first), max(high, last)
        if self._days and (low, high) == self._years:
            return
        days: list[date] = []
        cursor, end = date(low, 1, 1), date(high, 12, 31)
        while cursor <= end:
            if self.is_working_day(cursor):
                days.append(cursor)
            cursor += timedelta(days=1)
        self._position = {day: index for index, day in enumerate(days)}
        self._days, self._years = days, (low, high)
