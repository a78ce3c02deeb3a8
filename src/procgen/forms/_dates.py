"""Dates and times: ``date`` and ``datetime``, and the dates people type in forms.

- **date**: ``2026-06-25`` or ``25/06/2026`` (a real date: a check), within the field's
  ``minimum``/``maximum``;
- **datetime**: ISO 8601 with an offset, ``2026-06-25T08:30:00+07:00`` (a real one: a check).

Every date and date-time a person can enter lies in the supported years,
:data:`FIRST_DATE` to :data:`LAST_DATE` (1800 to 2199): a field's own ``minimum``/``maximum``
narrow that range, never widen it. So no date that reaches the legal clock, CEL rules or the
database is near the ends of Python's calendar (years 1 and 9999), where adding a day overflows.

:func:`parse_date` also reads ``25-06-2026`` and ``25.06.2026`` for HTML forms.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import PlainValidator
from pydantic_core import core_schema
from pydantic_core.core_schema import CoreSchema

from procgen.forms.types import date_bound, invalid, search
from procgen.spec.models import Field

__all__ = [
    "DATETIME_PATTERN",
    "DATE_PATTERN",
    "FIRST_DATE",
    "LAST_DATE",
    "in_supported_range",
    "parse_date",
    "parse_datetime",
]

#: The first day a date field or action input takes (years 1800 to 2199 are supported; the
#: workflow layer's calendar counts working days within the same range).
FIRST_DATE = dt.date(1800, 1, 1)
#: The last day a date field or action input takes.
LAST_DATE = dt.date(2199, 12, 31)

DATE_PATTERN = re.compile(r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})$")
DATETIME_PATTERN = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
#: The ISO form of a date, whole (no final newline), for the Rust engine.
RUST_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\z"


def parse_date(text: str, *, lenient: bool = False) -> dt.date | None:
    """``2026-06-25`` or ``25/06/2026`` (``lenient``: also ``25-06-2026``, ``25.06.2026``)."""
    text = text.strip()
    if lenient:
        text = re.sub(r"^([0-9]{1,2})[.-]([0-9]{1,2})[.-]([0-9]{4})$", r"\1/\2/\3", text)
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """An ISO 8601 date and time with an offset (``Z`` or ``+07:00``)."""
    try:
        value = dt.datetime.fromisoformat(text.strip().upper().replace(" ", "T"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def in_supported_range(value: dt.date) -> bool:
    """Whether ``value`` (a date, or a date-time on its own calendar day) is within
    :data:`FIRST_DATE` to :data:`LAST_DATE`."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST_DATE <= day <= LAST_DATE


def _bounds(field: Field) -> tuple[dt.date, dt.date]:
    """The field's ``minimum``/``maximum``, within the supported range."""
    low, high = date_bound(field, "minimum"), date_bound(field, "maximum")
    low = FIRST_DATE if low is None else max(low, FIRST_DATE)
    high = LAST_DATE if high is None else min(high, LAST_DATE)
    return low, high


def date(field: Field) -> tuple[Any, dict[str, Any]]:
    """The exact annotation and the JSON Schema of a ``date``."""
    low, high = _bounds(field)

    def validate(value: object) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            raise invalid("type", "type.date")
        if isinstance(value, str):
            if not search(DATE_PATTERN, value):
                raise invalid("date", "date")
            parsed = parse_date(value)
            if parsed is None:
                raise invalid("date", "date.calendar", check="date", value=value.strip())
            value = parsed
        if value < low:
            raise invalid("min", "min.date", check="date", min=low)
        if value > high:
            raise invalid("max", "max.date", check="date", max=high)
        return value

    schema: dict[str, Any] = {
        "type": "string",
        "pattern": DATE_PATTERN.pattern,
        "description": "A date, written 2026-06-25 or 25/06/2026.",
    }
    for name, limit, given in (
        ("minimum", low, field.minimum),
        ("maximum", high, field.maximum),
    ):
        if given is not None:
            schema[f"x-procgen-{name}"] = limit.isoformat()
    return Annotated[dt.date, PlainValidator(validate)], schema


def date_fast(field: Field) -> CoreSchema:
    """A string in the ISO form, read by pydantic-core as a date within the bounds; the exact
    validator takes ``25/06/2026``, ``date`` objects, and the dates pydantic-core refuses (for
    the same reasons ``date.fromisoformat`` does: not a real date)."""
    low, high = _bounds(field)
    return core_schema.chain_schema(
        [
            core_schema.str_schema(strict=True, pattern=RUST_ISO_DATE),
            core_schema.date_schema(ge=low, le=high),
        ]
    )


def date_form(text: str) -> Any:
    """The ``from_form`` of a date: ISO when it parses (leniently), else the text."""
    value = parse_date(text, lenient=True)
    return text if value is None else value.isoformat()


def datetime(field: Field) -> tuple[Any, dict[str, Any]]:
    """The exact annotation and the JSON Schema of a ``datetime`` (no fast path: pydantic-core
    would give its own ``tzinfo`` class instead of :class:`datetime.timezone`)."""

    def validate(value: object) -> dt.datetime:
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise invalid("datetime", "datetime")
            parsed = value
        elif not isinstance(value, str):
            raise invalid("type", "type.datetime")
        elif not search(DATETIME_PATTERN, value):
            raise invalid("datetime", "datetime")
        else:
            found = parse_datetime(value)
            if found is None:
                raise invalid(
                    "datetime", "datetime.calendar", check="datetime", value=value.strip()
                )
            parsed = found
        if parsed.date() < FIRST_DATE:
            raise invalid("min", "min.date", check="datetime", min=FIRST_DATE)
        if parsed.date() > LAST_DATE:
            raise invalid("max", "max.date", check="datetime", max=LAST_DATE)
        return parsed

    schema = {
        "type": "string",
        "pattern": DATETIME_PATTERN.pattern,
        "description": "A date and time with its UTC offset, e.g. 2026-06-25T08:30:00+07:00.",
    }
    return Annotated[dt.datetime, PlainValidator(validate)], schema


def datetime_form(text: str) -> Any:
    """``<input type=datetime-local>`` sends no offset: the time is Vietnam's."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?", text):
        return text.replace(" ", "T") + "+07:00"
    return text
