"""Legal deadlines: appointment dates, pauses, extensions, lead times and statuses.

:class:`Deadlines` applies the counting rules of ``docs/legal-clock.md`` on top of a
:class:`~procgen.workflow.calendar.WorkingCalendar`. Everything here is pure: the current time
is an argument (read it from a :class:`~procgen.workflow.clock.Clock`), and results are
timezone-aware UTC datetimes, or local dates where the law speaks of dates::

    >>> from datetime import UTC, datetime
    >>> from procgen.spec.duration import parse_duration
    >>> deadlines = Deadlines()
    >>> received = datetime(2025, 1, 24, 3, 0, tzinfo=UTC)  # Friday 10:00 in Hà Nội
    >>> due = deadlines.due(received, parse_duration("2 working days"))
    >>> deadlines.calendar.local(due).isoformat()  # Tết 2025 is skipped
    '2025-02-04T17:00:00+07:00'
    >>> deadlines.classify(datetime(2025, 2, 4, 16, 0, tzinfo=UTC), due)  # 23:00 local
    <Timeliness.ON_TIME: 'on_time'>
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from procgen.errors import ConfigurationError, ProcgenError, deprecated_names
from procgen.spec.duration import Duration, DurationUnit
from procgen.workflow.calendar import WorkingCalendar
from procgen.workflow.clock import as_utc
from procgen.workflow.errors import ClockRangeError
from procgen.workflow.workdays import CLOCK_LAST

if TYPE_CHECKING:
    from procgen.workflow.leadtimes import LeadTimeProblem

__all__ = [
    "DEFAULT_DUE_SOON",
    "Deadlines",
    "LiveStatus",
    "Pause",
    "Timeliness",
    "next_annual_date",
]

#: The default DUE_SOON threshold: one working day.
DEFAULT_DUE_SOON = Duration(Decimal(1), DurationUnit.WORKING_DAYS)


class Timeliness(StrEnum):
    """A finished dossier against its appointment date: trước hạn, đúng hạn, quá hạn."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


class LiveStatus(StrEnum):
    """Where an open dossier stands against its appointment."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class Pause(NamedTuple):
    """An interval during which the clock stood still, e.g. awaiting a supplement."""

    start: datetime
    end: datetime


def _lead_time_problem() -> object:
    from procgen.workflow.leadtimes import LeadTimeProblem

    return LeadTimeProblem


__getattr__ = deprecated_names(  # renamed in 0.2
    __name__, {"LeadTimeViolation": (_lead_time_problem, "use procgen.workflow.LeadTimeProblem")}
)


def _annual(year: int, month: int, day: int) -> date:
    if (month, day) == (2, 29):
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return date(year, 2, 29 if leap else 28)
    return date(year, month, day)


def next_annual_date(on_or_after: date, month: int, day: int) -> date:
    """The first ``day``/``month`` falling on or after ``on_or_after``.

    29 February stands for 28 February in common years.

    Raises:
        ConfigurationError: when ``month``/``day`` is not a date of any year.

    Example:
        >>> next_annual_date(date(2026, 6, 26), 6, 25)
        datetime.date(2027, 6, 25)
    """
    try:
        date(2000, month, day)  # a leap year, so 29 February passes
    except ValueError as exc:
        raise ConfigurationError(
            f"{day}/{month} is not a day of the year (got month={month}, day={day})"
        ) from exc
    candidate = _annual(on_or_after.year, month, day)
    return candidate if candidate >= on_or_after else _annual(on_or_after.year + 1, month, day)


def _add_months(day: date, months: int) -> date:
    """Civil Code 2015 Art. 148: the same day ``months`` later, or that month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _checked(duration: Duration) -> int:
    """Validate ``duration``; return its whole count for calendar units, 0 for working ones."""
    amount = duration.amount
    if amount <= 0:
        raise ConfigurationError(f"a duration must be longer than zero (got {duration})")
    if duration.unit.is_working_time:
        return 0
    if amount != amount.to_integral_value():
        raise ConfigurationError(
            f"{duration}: only working days and working hours may have a fraction"
        )
    return int(amount)


class Deadlines:
    """The legal clock's rules for one deployment's calendar.

    Args:
        calendar: the working calendar; the Vietnamese defaults when omitted.
        due_soon_within: an open dossier is DUE_SOON when its appointment is at most this far
            ahead; 1 working day by default.
    """

    def __init__(
        self,
        calendar: WorkingCalendar | None = None,
        *,
        due_soon_within: Duration = DEFAULT_DUE_SOON,
    ) -> None:
        _checked(due_soon_within)
        self._calendar = calendar if calendar is not None else WorkingCalendar()
        self._due_soon_within = due_soon_within

    def __repr__(self) -> str:
        return f"<Deadlines due soon within {self._due_soon_within} on {self._calendar!r}>"

    @property
    def calendar(self) -> WorkingCalendar:
        """The working calendar used for counting."""
        return self._calendar

    def _close_of(self, day: date) -> datetime:
        cal = self._calendar
        return cal.closing(cal.roll_forward(day))

    def _close_after(self, moment: datetime) -> datetime:
        """The first close of business of a working day at or after ``moment``."""
        cal = self._calendar
        day = cal.local_date(moment)
        close = self._close_of(day)
        return close if close >= moment else cal.closing(cal.next_working_day(day))

    def _after(self, start: datetime, duration: Duration, *, exact: bool) -> datetime:
        """``duration`` after ``start``; ``exact`` keeps calendar instants unrounded.

        Raises:
            ClockRangeError: when the end would be past the days the clock counts (instead of
                ``OverflowError`` at the end of Python's calendar).
        """
        try:
            return self._counted(start, duration, exact=exact)
        except OverflowError as exc:
            raise ClockRangeError(as_utc(start).date()) from exc
        except ValueError as exc:
            if isinstance(exc, ProcgenError):
                raise
            raise ClockRangeError(as_utc(start).date()) from exc  # date(10000, ...)

    def _counted(self, start: datetime, duration: Duration, *, exact: bool) -> datetime:
        cal, count = self._calendar, _checked(duration)
        match duration.unit:
            case DurationUnit.WORKING_DAYS if not exact:
                return cal.add_working_days(start, duration.amount)
            case DurationUnit.WORKING_DAYS:
                return cal.add_working_time(start, cal.day_length * float(duration.amount))
            case DurationUnit.WORKING_HOURS:
                return cal.add_working_hours(start, duration.amount)
            case DurationUnit.HOURS:
                end = as_utc(start) + timedelta(hours=count)
                # An appointment is a date: rounding every end up to a close of business keeps
                # it monotonic (an exact instant on working days but 17:00 after a day off let
                # a longer pause give an earlier appointment: Sun 23:00 -> Mon 17:00 > Mon 01:00).
                return end if exact else self._close_after(end)
            case DurationUnit.DAYS:
                if exact:
                    return as_utc(start) + timedelta(days=count)
                return self._close_of(cal.local_date(start) + timedelta(days=count))
            case DurationUnit.MONTHS:
                local = cal.local(start)
                shifted = _add_months(local.date(), count)
                if exact:
                    return as_utc(datetime.combine(shifted, local.timetz()))
                return self._close_of(shifted)
        raise ConfigurationError(f"unknown duration unit {duration.unit!r}")  # pragma: no cover

    def due(self, received_at: datetime, duration: Duration) -> datetime:
        """The appointment (hẹn trả) for a dossier received at ``received_at``.

        Working days end at close of business of the day the count ends on, counted from the
        next working moment (:meth:`WorkingCalendar.add_working_days`); working hours end at
        the exact instant. Days and months are calendar arithmetic on the local receipt date,
        the day of receipt itself not counted (Civil Code 2015 Art. 147), ending at close of
        business; calendar hours end at close of business of the day they run out on (an
        appointment is a date). A calendar result that falls on a day off moves to close of
        business of the next working day (Civil Code 2015 Art. 148).

        Raises:
            ConfigurationError: for a naive ``received_at`` or a duration that is not positive.
        """
        return self._after(as_utc(received_at, name="received_at"), duration, exact=False)

    def due_same_day(self, received_at: datetime, *, cutoff: time | None = None) -> datetime:
        """Appointment for a same-day (trong ngày) procedure: close of business today.

        Received after the cut-off (``cutoff``, else the calendar's, 15:00 by default) or on a
        day off, it is close of business of the next working day.
        """
        cal = self._calendar
        local = cal.local(as_utc(received_at, name="received_at"))
        limit = cal.config.same_day_cutoff if cutoff is None else cutoff
        if cal.is_working_day(local.date()) and local.time() <= limit:
            return cal.closing(local.date())
        return cal.closing(cal.next_working_day(local.date()))

    def due_before(self, day: date) -> datetime:
        """Appointment for a result needed before an applicant-entered ``day`` (e.g. a flight).

        Close of business of the last working day before ``day``.
        """
        return self._calendar.closing(self._calendar.previous_working_day(day))

    def due_on_annual_date(self, received_at: datetime, *, month: int, day: int) -> datetime:
        """Close of business of the next ``day``/``month`` on or after the receipt date.

        For procedures with fixed dates (e.g. military admissions: dossiers by 25 June). A date
        falling on a day off moves to the next working day.
        """
        cal = self._calendar
        received = cal.local_date(as_utc(received_at, name="received_at"))
        if received.year >= CLOCK_LAST.year:  # the next one could be in year 10000
            raise ClockRangeError(received)
        return self._close_of(next_annual_date(received, month, day))

    def extend(self, due_at: datetime, by: Duration) -> datetime:
        """Move an appointment later by a declared extension (gia hạn).

        The extension is counted from the current appointment with the rules of :meth:`due`.
        """
        return self._after(as_utc(due_at, name="due_at"), by, exact=False)

    def with_pauses(
        self, due_at: datetime, pauses: Iterable[tuple[datetime, datetime]], *, unit: DurationUnit
    ) -> datetime:
        """The appointment once the time the clock stood still is given back.

        Overlapping pauses are merged, so no time is given back twice. Each pause that begins
        before the (already moved) appointment moves it by the working time inside the pause
        for working units, or by the elapsed time for calendar units; a pause that begins
        after the appointment moves nothing, because the dossier was late before it paused.
        A calendar result ends at close of business of its day, or of the next working day
        when that day is a day off.

        Args:
            due_at: the appointment computed without pauses.
            pauses: ``(start, end)`` pairs, e.g. :class:`Pause`; an open pause ends now.
            unit: the unit the deadline is counted in.

        Raises:
            ConfigurationError: for naive datetimes or a pause that ends before it starts.
        """
        cal = self._calendar
        due = as_utc(due_at, name="due_at")
        for start, end in _merged(pauses):
            if start >= due:
                break
            if unit.is_working_time:
                due = cal.add_working_time(due, cal.working_time_between(start, end))
            else:
                due += end - start
        # Calendar units round up to a close of business, as in ``_after``: monotonic, and
        # never shorter than the time paused.
        return due if unit.is_working_time else self._close_after(due)

    def earliest_allowed(self, submitted_at: datetime, lead: Duration) -> date:
        """The earliest date an applicant may enter when ``lead`` notice is required.

        It is the date on which ``lead`` counted from submission ends: for working units the
        day :meth:`due` would give, for calendar units plain arithmetic with no rolling (the
        applicant's date may be a day off, e.g. a weekend flight).

        Example:
            >>> from datetime import UTC
            >>> from procgen.spec.duration import parse_duration
            >>> Deadlines().earliest_allowed(
            ...     datetime(2025, 12, 1, 3, 0, tzinfo=UTC), parse_duration("7 working days")
            ... )
            datetime.date(2025, 12, 10)
        """
        submitted = as_utc(submitted_at, name="submitted_at")
        return self._calendar.local_date(
            self._after(submitted, lead, exact=not lead.unit.is_working_time)
        )

    def check_lead_time(
        self, submitted_at: datetime, requested: date, lead: Duration
    ) -> LeadTimeProblem | None:
        """Deprecated: use :func:`~procgen.workflow.check_lead_times` or :meth:`earliest_allowed`.

        None when ``requested`` respects the lead time, else the problem (with an empty
        ``field``).
        """
        import warnings

        from procgen.workflow.leadtimes import _check_lead_time

        warnings.warn(
            "Deadlines.check_lead_time is deprecated: use procgen.workflow.check_lead_times, "
            "or Deadlines.earliest_allowed",
            DeprecationWarning,
            stacklevel=2,
        )
        return _check_lead_time(self, submitted_at, requested, lead)

    def classify(self, completed_at: datetime, due_at: datetime) -> Timeliness:
        """EARLY, ON_TIME or LATE, comparing local dates, not timestamps."""
        cal = self._calendar
        done = cal.local_date(as_utc(completed_at, name="completed_at"))
        due = cal.local_date(as_utc(due_at, name="due_at"))
        if done < due:
            return Timeliness.EARLY
        return Timeliness.ON_TIME if done == due else Timeliness.LATE

    def live_status(self, due_at: datetime, now: datetime) -> LiveStatus:
        """OVERDUE once the appointment date is before today, DUE_SOON within the threshold."""
        cal = self._calendar
        due = as_utc(due_at, name="due_at")
        current = as_utc(now, name="now")
        if cal.local_date(due) < cal.local_date(current):
            return LiveStatus.OVERDUE
        if due <= self._after(current, self._due_soon_within, exact=True):
            return LiveStatus.DUE_SOON
        return LiveStatus.ON_TRACK

    def apology_deadline(self, due_at: datetime) -> date:
        """The last date to send an apology with a new date (mẫu 04) before it is too late.

        It is the working day before the appointment date.
        """
        cal = self._calendar
        return cal.previous_working_day(cal.local_date(as_utc(due_at, name="due_at")))

    def apology_allowed(self, due_at: datetime, now: datetime) -> bool:
        """True at least one working day before the appointment date, or once it has passed."""
        cal = self._calendar
        today = cal.local_date(as_utc(now, name="now"))
        due_day = cal.local_date(as_utc(due_at, name="due_at"))
        return today > due_day or today <= self.apology_deadline(due_at)


def _merged(pauses: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    intervals: list[tuple[datetime, datetime]] = []
    for number, (start, end) in enumerate(pauses, start=1):
        first = as_utc(start, name=f"pause {number} start")
        last = as_utc(end, name=f"pause {number} end")
        if last < first:
            raise ConfigurationError(
                f"pause {number} ends before it starts ({last.isoformat()} < {first.isoformat()})"
            )
        intervals.append((first, last))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
