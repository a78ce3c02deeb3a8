"""Where the legal clock reads the time: one-method :class:`Clock` protocol and two clocks.

Nothing in :mod:`procgen.workflow` calls :func:`datetime.now` directly. A service is handed a
:class:`Clock`; production uses :class:`SystemClock` and tests or BDD scenarios use
:class:`ManualClock`, which only moves when told to::

    >>> clock = ManualClock(datetime(2025, 1, 24, 3, 0, tzinfo=UTC))
    >>> clock.advance(timedelta(hours=2))
    datetime.datetime(2025, 1, 24, 5, 0, tzinfo=datetime.timezone.utc)

Every instant a clock returns is timezone-aware and in UTC. Naive datetimes are refused
everywhere in the legal clock: a naive 10:00 could be Hà Nội time or UTC, seven hours apart,
which is enough to move an appointment by a working day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from procgen.errors import ConfigurationError

__all__ = ["Clock", "ManualClock", "SystemClock", "as_utc"]


def as_utc(moment: datetime, *, name: str = "moment") -> datetime:
    """Return ``moment`` converted to UTC, refusing naive datetimes.

    Args:
        moment: an aware datetime in any zone.
        name: what the value is, for the error message (e.g. ``"received_at"``).

    Raises:
        TypeError: when ``moment`` is not a datetime.
        ConfigurationError: when ``moment`` is naive.

    Example:
        >>> from zoneinfo import ZoneInfo
        >>> as_utc(datetime(2025, 1, 24, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
        datetime.datetime(2025, 1, 24, 3, 0, tzinfo=datetime.timezone.utc)
    """
    if not isinstance(moment, datetime):
        raise TypeError(
            f"{name} must be a datetime (got {moment!r} that is a {type(moment).__name__})"
        )
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ConfigurationError(
            f"{name} must be timezone-aware (got naive {moment.isoformat()}); attach a zone, "
            "e.g. tzinfo=ZoneInfo('Asia/Ho_Chi_Minh') or tzinfo=datetime.UTC"
        )
    return moment.astimezone(UTC)


@runtime_checkable
class Clock(Protocol):
    """Anything that can tell the current instant.

    Implementations return a timezone-aware datetime in UTC.
    """

    def now(self) -> datetime:
        """Return the current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock: reads the operating system's time, in UTC."""

    __slots__ = ()

    def now(self) -> datetime:
        """Return the current instant, timezone-aware, in UTC."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "<SystemClock>"


class ManualClock:
    """A clock that stands still until moved, for tests and BDD scenarios.

    Args:
        start: the instant the clock shows at first; must be timezone-aware.

    Raises:
        ConfigurationError: when ``start`` is naive.

    Example:
        >>> clock = ManualClock(datetime(2025, 1, 24, 3, 0, tzinfo=UTC))
        >>> clock.set(datetime(2025, 2, 3, 0, 0, tzinfo=UTC))
        >>> clock.now().isoformat()
        '2025-02-03T00:00:00+00:00'
    """

    __slots__ = ("_now",)

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start, name="ManualClock start")

    def now(self) -> datetime:
        """Return the instant the clock was last set or advanced to, in UTC."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Move the clock to ``moment`` (forwards or backwards).

        Raises:
            ConfigurationError: when ``moment`` is naive.
        """
        self._now = as_utc(moment, name="ManualClock.set() moment")

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forwards by ``delta`` and return the new instant.

        Raises:
            TypeError: when ``delta`` is not a timedelta.
            ConfigurationError: when ``delta`` is negative; use :meth:`set` to go back in time on
                purpose.
        """
        if not isinstance(delta, timedelta):
            raise TypeError(
                f"advance() takes a timedelta (got {delta!r} that is a {type(delta).__name__})"
            )
        if delta < timedelta(0):
            raise ConfigurationError(
                f"advance() only moves forwards (got {delta!r}); use set() to go back in time"
            )
        self._now += delta
        return self._now

    def __repr__(self) -> str:
        return f"<ManualClock at {self._now.isoformat()}>"
