"""Vietnamese working days and office hours: :class:`WorkingCalendar`.

A working day is Monday to Friday, minus the public holidays of the Labour Code 2019 Art. 112
(lunar ones included), minus the days off the government substitutes each year (nghỉ bù,
hoán đổi), plus the Saturdays it turns into make-up working days. Those come from the
``holidays`` package. A deployment corrects or completes them with ``extra_days_off`` and
``extra_working_days``, which win over the package.

Office hours are local wall-clock periods, by default 07:00–11:30 and 13:30–17:00 in
Asia/Ho_Chi_Minh (eight hours, so a working day and eight working hours are the same amount of
office time). Public methods take and return timezone-aware datetimes; results are in UTC and
the local zone is only used inside::

    >>> calendar = WorkingCalendar()
    >>> calendar.is_working_day(date(2025, 1, 29))  # first day of Tết Ất Tỵ
    False
    >>> calendar.next_working_moment(datetime(2025, 1, 24, 11, 0, tzinfo=UTC))  # 18:00 local
    datetime.datetime(2025, 2, 3, 0, 0, tzinfo=datetime.timezone.utc)

Holiday tables are built per year on first use and cached on the instance; importing this
module builds nothing.

Dates people enter are within the supported years, 1800 to 2199
(:data:`~procgen.workflow.workdays.FIRST_DATE`, ``LAST_DATE``); the calendar counts working
days from 1700 to 2999 and raises :class:`~procgen.workflow.errors.ClockRangeError` (a
``TimelineError``) rather than step past them, never ``OverflowError``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from procgen.errors import ConfigurationError
from procgen.workflow.calendar_config import CalendarConfig, hhmm
from procgen.workflow.clock import as_utc
from procgen.workflow.errors import ClockRangeError
from procgen.workflow.workdays import MAX_SCAN_DAYS, WorkdayIndex

__all__ = ["CalendarConfig", "WorkingCalendar"]

_LANGUAGES = {"vi": "vi", "en": "en_US", "en_US": "en_US", "th": "th"}

_OVERRIDE_NAMES = {"vi": "Ngày nghỉ (theo cấu hình triển khai)"}
_OVERRIDE_NAME = "Day off (deployment override)"


class WorkingCalendar:
    """Working days and office hours of one deployment.

    Args:
        config: hours, zone, cut-off and overrides; the Vietnamese defaults when omitted.

    Example:
        >>> calendar = WorkingCalendar()
        >>> calendar.next_working_day(date(2025, 1, 24))  # Friday before Tết 2025
        datetime.date(2025, 2, 3)
        >>> calendar.holiday_name(date(2025, 9, 2), language="en")
        'National Day'
    """

    def __init__(self, config: CalendarConfig | None = None) -> None:
        self._config = config if config is not None else CalendarConfig()
        self._zone = ZoneInfo(self._config.timezone)
        periods = self._config.office_hours
        self._day_length = sum(
            (datetime.combine(date.min, e) - datetime.combine(date.min, s) for s, e in periods),
            timedelta(0),
        )
        self._tables: dict[tuple[int, str], Any] = {}
        self._index = WorkdayIndex(self._decide)

    def __repr__(self) -> str:
        c = self._config
        hours = ", ".join(f"{hhmm(s)}–{hhmm(e)}" for s, e in c.office_hours)
        off, on = len(c.extra_days_off), len(c.extra_working_days)
        return f"<WorkingCalendar {c.timezone} {hours}; +{off} days off, +{on} working days>"

    @property
    def config(self) -> CalendarConfig:
        """The configuration this calendar was built with."""
        return self._config

    @property
    def day_length(self) -> timedelta:
        """Office time in one working day (8 hours with the default hours)."""
        return self._day_length

    def _table(self, year: int, language: str = "vi") -> Any:
        table = self._tables.get((year, language))
        if table is None:
            # Deferred: importing ``holidays`` costs about 0.1 s and no caller may need it.
            import holidays

            table = holidays.country_holidays("VN", years=year, language=language)
            self._tables[(year, language)] = table
        return table

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` is a working day after holidays, swaps and overrides."""
        return self._index.is_working_day(day)

    def _decide(self, day: date) -> bool:
        if day in self._config.extra_working_days:
            return True
        if day in self._config.extra_days_off:
            return False
        return bool(self._table(day.year).is_working_day(day))

    def holiday_name(self, day: date, *, language: str = "vi") -> str | None:
        """Why ``day`` is a day off (in ``"vi"``, ``"en"`` or ``"th"``), else None.

        Ordinary weekends and working days have no name.

        Raises:
            ConfigurationError: for an unsupported language.
        """
        code = _LANGUAGES.get(language)
        if code is None:
            raise ConfigurationError(
                f"unsupported language {language!r}; use one of 'vi', 'en', 'th'"
            )
        if day in self._config.extra_working_days:
            return None
        if day in self._config.extra_days_off:
            return _OVERRIDE_NAMES.get(code, _OVERRIDE_NAME)
        name = self._table(day.year, code).get(day)
        return None if name is None else str(name)

    def _step(self, day: date, direction: int) -> date:
        found = self._index.step(day, direction)
        if found is None:
            raise ConfigurationError(
                f"no working day within {MAX_SCAN_DAYS} days of {day.isoformat()}; "
                "check extra_days_off in the calendar configuration"
            )
        return found

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self._step(day, +1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self._step(day, -1)

    def roll_forward(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next working day."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def shift_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (before it when ``count`` is negative).

        ``day`` itself is never counted; a ``count`` of 0 rolls ``day`` forward.

        Example:
            >>> WorkingCalendar().shift_working_days(date(2025, 4, 29), 1)  # over 30/4–1/5
            datetime.date(2025, 5, 5)
        """
        for _ in range(abs(count)):
            day = self._step(day, 1 if count > 0 else -1)
        return day if count else self.roll_forward(day)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``.

        The interval is half-open, ``(start, end]`` (``holidays``' ``get_working_days_count``
        counts both ends), so ``working_days_between(d, shift_working_days(d, n)) == n`` for
        any ``n``: going backwards the result is minus the working days in ``[end, start)``.
        """
        if end < start:
            span = range((start - end).days)
            return -sum(self.is_working_day(end + timedelta(days=k)) for k in span)
        span = range(1, (end - start).days + 1)
        return sum(self.is_working_day(start + timedelta(days=k)) for k in span)

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the office's time zone.

        Raises:
            ClockRangeError: for an instant at the very end of Python's calendar, which has no
                local time (instead of ``OverflowError``).
        """
        try:
            return as_utc(moment).astimezone(self._zone)
        except OverflowError as exc:
            raise ClockRangeError(moment.date()) from exc

    def local_date(self, moment: datetime) -> date:
        """The office's calendar date at ``moment``."""
        return self.local(moment).date()

    def _wall(self, moment: datetime, name: str) -> datetime:
        try:
            return as_utc(moment, name=name).astimezone(self._zone).replace(tzinfo=None)
        except OverflowError as exc:
            raise ClockRangeError(moment.date()) from exc

    def _instant(self, wall: datetime) -> datetime:
        try:
            return wall.replace(tzinfo=self._zone).astimezone(UTC)
        except OverflowError as exc:
            raise ClockRangeError(wall.date()) from exc

    def _periods(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, start), datetime.combine(day, end))
            for start, end in self._config.office_hours
        ]

    def opening(self, day: date) -> datetime:
        """When the office opens on ``day`` (UTC), whether or not it is a working day."""
        return self._instant(datetime.combine(day, self._config.office_hours[0][0]))

    def closing(self, day: date) -> datetime:
        """Close of business on ``day`` (UTC), whether or not it is a working day."""
        return self._instant(datetime.combine(day, self._config.office_hours[-1][1]))

    def _next_working_wall(self, wall: datetime) -> datetime:
        day = wall.date()
        for start, end in self._periods(day):
            if wall < end:
                return max(wall, start)
        return datetime.combine(self.next_working_day(day), self._config.office_hours[0][0])

    def is_working_moment(self, moment: datetime) -> bool:
        """True when the office is open at ``moment`` (period starts count, ends do not)."""
        wall = self._wall(moment, "moment")
        return any(start <= wall < end for start, end in self._periods(wall.date()))

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` when the office is open then, else the next opening of a period.

        Received after hours or on a day off, a dossier starts counting here: the next working
        morning, or 13:30 when received over lunch.
        """
        return self._instant(self._next_working_wall(self._wall(moment, "moment")))

    def add_working_time(self, moment: datetime, amount: timedelta) -> datetime:
        """Count ``amount`` of office time from ``moment``.

        Counting starts at :meth:`next_working_moment`. When the amount runs out exactly at
        the end of a period the result is that end (e.g. 17:00), not the next opening, so the
        result always lies within office hours. Adding zero returns ``moment`` unchanged.

        Raises:
            ConfigurationError: when ``amount`` is negative or ``moment`` naive.
        """
        if amount < timedelta(0):
            raise ConfigurationError(f"working time to add must not be negative (got {amount})")
        wall = self._wall(moment, "moment")
        if amount == timedelta(0):
            return as_utc(moment)
        remaining = amount
        cursor = self._next_working_wall(wall)
        opening_time = self._config.office_hours[0][0]
        while True:
            day = cursor.date()
            # Whole days in one jump: every working day has the same periods.
            if cursor.time() == opening_time and remaining > self._day_length:
                whole = -(-remaining // self._day_length) - 1
                target = self._index.skip(day, whole)
                if target is not None:
                    remaining -= whole * self._day_length
                    cursor = datetime.combine(target, opening_time)
                    continue
            for start, end in self._periods(day):
                if cursor >= end:
                    continue
                cursor = max(cursor, start)
                if remaining <= end - cursor:
                    return self._instant(cursor + remaining)
                remaining -= end - cursor
            cursor = datetime.combine(self.next_working_day(day), opening_time)

    def add_working_hours(self, moment: datetime, hours: Decimal | int) -> datetime:
        """Count ``hours`` working hours from ``moment``; see :meth:`add_working_time`.

        Example:
            >>> calendar = WorkingCalendar()
            >>> start = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)  # Monday 10:00 local
            >>> calendar.local(calendar.add_working_hours(start, 4)).time()  # over lunch
            datetime.time(16, 0)
        """
        amount = Decimal(hours)
        if amount <= 0:
            raise ConfigurationError(f"working hours to add must be positive (got {hours})")
        return self.add_working_time(moment, _span(amount * 3600))

    def add_working_days(self, moment: datetime, days: Decimal | int) -> datetime:
        """Close of business of the working day on which ``days`` working days from ``moment`` end.

        Counting starts at :meth:`next_working_moment` and runs ``days`` office days (a
        fraction is that share of a day). With 1 working day, a dossier received on Monday in
        office hours or that evening is due Tuesday at close; one received over the weekend
        or before Monday's opening is due Monday at close.

        Raises:
            ConfigurationError: when ``days`` is not positive.

        Example:
            >>> start = datetime(2025, 1, 24, 3, 0, tzinfo=UTC)  # Friday 10:00, before Tết
            >>> calendar = WorkingCalendar()
            >>> calendar.local(calendar.add_working_days(start, 1)).isoformat()
            '2025-02-03T17:00:00+07:00'
        """
        amount = Decimal(days)
        if amount <= 0:
            raise ConfigurationError(f"working days to add must be positive (got {days})")
        if amount == amount.to_integral_value():
            # Whole days: the count starts at the next working moment; from an opening it ends
            # at that day's close after n-1 more days, from later in a day on the n-th next day.
            start = self._next_working_wall(self._wall(moment, "moment"))
            opens = start.time() == self._config.office_hours[0][0]
            last = self._index.skip(start.date(), int(amount) - 1 if opens else int(amount))
            if last is not None:
                return self.closing(last)
        end = self.add_working_time(
            moment, _span(amount * Decimal(self._day_length.total_seconds()))
        )
        return self.closing(self.local_date(end))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time within ``[start, end)``; zero when ``end`` is not after ``start``."""
        first, last = self._wall(start, "start"), self._wall(end, "end")
        total = timedelta(0)
        for offset in range((last.date() - first.date()).days + 1):  # no day past ``last``
            day = first.date() + timedelta(days=offset)
            for period_start, period_end in self._periods(day):
                total += max(min(period_end, last) - max(period_start, first), timedelta(0))
        return total


def _span(seconds: Decimal) -> timedelta:
    micros = (seconds * 1_000_000).to_integral_value(rounding=ROUND_HALF_UP)
    return timedelta(microseconds=int(micros))
