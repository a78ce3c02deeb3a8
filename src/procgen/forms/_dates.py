"""Dates and times: ``date`` and ``datetime``, and the dates people type in forms.

- **date**: ``2026-06-25`` or ``25/06/2026`` (a real date: a check), within the field's
  ``minimum``/``maximum``;
- **datetime**: ISO 8601 with an offset, ``2026-06-25T08:30:00+07:00`` (a real one: a check).

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

__all__ = ["DATETIME_PATTERN", "DATE_PATTERN", "parse_date", "parse_datetime"]

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


def date(field: Field) -> tuple[Any, dict[str, Any]]:
    """The exact annotation and the JSON Schema of a ``date``."""
    low, high = date_bound(field, "minimum"), date_bound(field, "maximum")

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
        if low is not None and value < low:
            raise invalid("min", "min.date", check="date", min=low)
        if high is not None and value > high:
            raise invalid("max", "max.date", check="date", max=high)
        return value

    schema: dict[str, Any] = {
        "type": "string",
        "pattern": DATE_PATTERN.pattern,
        "description": "A date, written 2026-06-25 or 25/06/2026.",
    }
    for name, limit in (("minimum", low), ("maximum", high)):
        if limit is not None:
            schema[f"x-procgen-{name}"] = limit.isoformat()
    return Annotated[dt.date, PlainValidator(validate)], schema


def date_fast(field: Field) -> CoreSchema:
    """A string in the ISO form, read by pydantic-core as a date within the bounds; the exact
    validator takes ``25/06/2026``, ``date`` objects, and the dates pydantic-core refuses (for
    the same reasons ``date.fromisoformat`` does: not a real date)."""
    low, high = date_bound(field, "minimum"), date_bound(field, "maximum")
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
            return value
        if not isinstance(value, str):
            raise invalid("type", "type.datetime")
        if not search(DATETIME_PATTERN, value):
            raise invalid("datetime", "datetime")
        parsed = parse_datetime(value)
        if parsed is None:
            raise invalid("datetime", "datetime.calendar", check="datetime", value=value.strip())
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
