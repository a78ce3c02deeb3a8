"""How one deployment counts working time: office hours, time zone, overrides, cut-off.

>>> CalendarConfig(extra_days_off=frozenset({date(2026, 1, 2)})).timezone
'Asia/Ho_Chi_Minh'
"""

from __future__ import annotations

from datetime import date, time
from itertools import pairwise
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = ["CalendarConfig"]

_Periods: TypeAlias = tuple[tuple[time, time], ...]


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


class CalendarConfig(BaseModel):
    """How one deployment counts working time. Frozen; load it from configuration.

    Attributes:
        timezone: IANA zone of the office, ``Asia/Ho_Chi_Minh`` by default.
        office_hours: the day's working periods as ``(start, end)`` local times, in order and not
            overlapping; by default 07:00–11:30 and 13:30–17:00.
        same_day_cutoff: same-day procedures received after this local time are due the next
            working day; 15:00 by default.
        extra_days_off: dates to treat as days off whatever the ``holidays`` package says.
        extra_working_days: dates to treat as working days whatever the package says (e.g. a
            make-up Saturday the package does not know).

    Example:
        >>> config = CalendarConfig(
        ...     office_hours=[("08:00", "12:00"), ("13:00", "17:00")],
        ...     extra_days_off={"2026-01-02"},
        ...     extra_working_days={"2026-01-10"},
        ... )
        >>> config.same_day_cutoff
        datetime.time(15, 0)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str = "Asia/Ho_Chi_Minh"
    office_hours: _Periods = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
    same_day_cutoff: time = time(15, 0)
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as 'Asia/Ho_Chi_Minh'"
            ) from exc
        return value

    @field_validator("office_hours")
    @classmethod
    def _ordered_periods(cls, value: _Periods) -> _Periods:
        if not value:
            raise ValueError("office_hours needs at least one (start, end) period")
        for number, (start, end) in enumerate(value, start=1):
            if start >= end:
                raise ValueError(
                    f"office_hours period {number} ({hhmm(start)}–{hhmm(end)}) must end "
                    "after it starts"
                )
        for (_, end), (start, _) in pairwise(value):
            if start < end:
                raise ValueError(
                    "office_hours periods must be in order and not overlap: one ends at "
                    f"{hhmm(end)} but the next starts at {hhmm(start)}"
                )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CalendarConfig:
        both = sorted(self.extra_days_off & self.extra_working_days)
        if both:
            listed = ", ".join(day.isoformat() for day in both)
            raise ValueError(
                f"dates in both extra_days_off and extra_working_days: {listed}; "
                "keep each date in one of them"
            )
        opening, closing = self.office_hours[0][0], self.office_hours[-1][1]
        if not opening <= self.same_day_cutoff <= closing:
            raise ValueError(
                f"same_day_cutoff {hhmm(self.same_day_cutoff)} must lie within office hours "
                f"({hhmm(opening)}–{hhmm(closing)})"
            )
        return self
