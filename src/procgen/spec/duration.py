"""Durations as people write them: ``7 working days``, ``4 working hours``, ``30 days``.

A :class:`Duration` is an amount and a :class:`DurationUnit`. It is parsed from the text a spec
author writes (English or Vietnamese) and written back in one canonical English form, so a spec
survives a dump/load round trip unchanged::

    >>> parse_duration("7 ngày làm việc")
    Duration(amount=Decimal('7'), unit=<DurationUnit.WORKING_DAYS: 'working_days'>)
    >>> str(parse_duration("0.5 working days"))
    '0.5 working days'

Working units count office time only (weekends, public holidays and off-hours excluded); the
calendar that does the counting lives in :mod:`procgen.workflow.calendar`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

__all__ = ["JSON_PATTERN", "Duration", "DurationUnit", "parse_duration"]


class DurationUnit(StrEnum):
    """The units a legal or internal deadline is counted in."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    DAYS = "days"
    HOURS = "hours"
    MONTHS = "months"

    @property
    def is_working_time(self) -> bool:
        """True when the unit counts office time only."""
        return self in (DurationUnit.WORKING_DAYS, DurationUnit.WORKING_HOURS)


# Canonical English phrases (singular, plural) used when writing a duration back.
_PHRASES: dict[DurationUnit, tuple[str, str]] = {
    DurationUnit.WORKING_DAYS: ("working day", "working days"),
    DurationUnit.WORKING_HOURS: ("working hour", "working hours"),
    DurationUnit.DAYS: ("day", "days"),
    DurationUnit.HOURS: ("hour", "hours"),
    DurationUnit.MONTHS: ("month", "months"),
}

# Every spelling accepted, lower-cased, whitespace collapsed.
_ALIASES: dict[str, DurationUnit] = {
    "working day": DurationUnit.WORKING_DAYS,
    "working days": DurationUnit.WORKING_DAYS,
    "business day": DurationUnit.WORKING_DAYS,
    "business days": DurationUnit.WORKING_DAYS,
    "ngày làm việc": DurationUnit.WORKING_DAYS,
    "working hour": DurationUnit.WORKING_HOURS,
    "working hours": DurationUnit.WORKING_HOURS,
    "business hour": DurationUnit.WORKING_HOURS,
    "business hours": DurationUnit.WORKING_HOURS,
    "giờ làm việc": DurationUnit.WORKING_HOURS,
    "day": DurationUnit.DAYS,
    "days": DurationUnit.DAYS,
    "calendar day": DurationUnit.DAYS,
    "calendar days": DurationUnit.DAYS,
    "ngày": DurationUnit.DAYS,
    "hour": DurationUnit.HOURS,
    "hours": DurationUnit.HOURS,
    "giờ": DurationUnit.HOURS,
    "month": DurationUnit.MONTHS,
    "months": DurationUnit.MONTHS,
    "tháng": DurationUnit.MONTHS,
}

# Units whose amount may have a fraction (half a working day is a real internal budget).
_FRACTIONAL = frozenset({DurationUnit.WORKING_DAYS, DurationUnit.WORKING_HOURS})

_SHAPE = re.compile(r"^\s*(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>\D.*?)\s*$")

_EXAMPLES = ("7 working days", "4 working hours", "30 days", "2 months")

#: The pattern the meta-schema publishes for editors (lower-case spellings; the parser also
#: accepts other cases and is the authority).
JSON_PATTERN = (
    r"^\s*\d+([.,]\d+)?\s*("
    + "|".join(re.escape(a).replace("\\ ", r"\s+") for a in sorted(_ALIASES, key=len, reverse=True))
    + r")\s*$"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of time in one unit, e.g. ``Duration(Decimal(7), DurationUnit.WORKING_DAYS)``."""

    amount: Decimal
    unit: DurationUnit

    def __str__(self) -> str:
        singular, plural = _PHRASES[self.unit]
        amount = _format_amount(self.amount)
        return f"{amount} {singular if self.amount == 1 else plural}"

    @property
    def working_hours(self) -> Decimal:
        """The amount in working hours (8 working hours make a working day).

        Raises:
            ValueError: when the unit is not a working-time unit.
        """
        if self.unit is DurationUnit.WORKING_HOURS:
            return self.amount
        if self.unit is DurationUnit.WORKING_DAYS:
            return self.amount * 8
        raise ValueError(f"{self} is not counted in working time")

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``text``; see :func:`parse_duration`."""
        return parse_duration(text)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": JSON_PATTERN,
            "description": (
                "A duration: a number and a unit, e.g. "
                + ", ".join(f"'{e}'" for e in _EXAMPLES)
                + ". Units: working days, working hours, days, hours, months "
                "(Vietnamese: ngày làm việc, giờ làm việc, ngày, giờ, tháng)."
            ),
            "examples": list(_EXAMPLES),
        }


def _format_amount(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def _validate(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        return parse_duration(value)
    raise _error(
        f"a duration must be text, not {type(value).__name__}",
        "write a number then a unit, e.g. '7 working days'",
    )


def _error(problem: str, hint: str) -> PydanticCustomError:
    # The loader shows ``problem`` as the diagnostic's message and ``hint`` as its hint; the
    # error's own message, for callers of parse_duration, says both. Pydantic fills in only
    # the two placeholders, so braces in the author's text are kept as they are.
    return PydanticCustomError(
        "bad_duration", "{problem}; {hint}", {"problem": problem, "hint": hint}
    )


def parse_duration(text: str) -> Duration:
    """Parse a duration written as people write it.

    Accepts English and Vietnamese units: ``7 working days``, ``0.5 ngày làm việc``,
    ``4 working hours``, ``30 days``, ``24 giờ``, ``2 months``.

    Raises:
        pydantic_core.PydanticCustomError: of type ``bad_duration``, a ``ValueError`` subclass
            in spirit. Its context holds ``problem`` (what is wrong) and ``hint`` (how to fix
            it: for a misspelt unit, which unit was probably meant); its message says both.
    """
    match = _SHAPE.match(text)
    if match is None:
        examples = ", ".join(repr(e) for e in _EXAMPLES)
        raise _error(
            f"cannot read {text!r} as a duration", f"write a number then a unit, e.g. {examples}"
        )
    unit_text = " ".join(match["unit"].lower().split())
    unit = _ALIASES.get(unit_text)
    if unit is None:
        guess = difflib.get_close_matches(unit_text, _ALIASES, n=1, cutoff=0.6)
        units = "units are working days, working hours, days, hours, months"
        raise _error(
            f"unknown duration unit {match['unit']!r} in {text!r}",
            f"did you mean {guess[0]!r}? ({units})" if guess else units,
        )
    try:
        amount = Decimal(match["amount"].replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise _error(f"bad amount in {text!r}", "write the amount in digits") from exc
    if amount != amount.to_integral_value() and unit not in _FRACTIONAL:
        raise _error(
            f"{text!r}: only working days and working hours may have a fraction",
            f"write a whole number of {_PHRASES[unit][1]}",
        )
    if amount == 0:
        raise _error(
            f"{text!r}: a duration must be longer than zero", "write an amount of at least 1"
        )
    if unit is DurationUnit.WORKING_HOURS and (amount * 60) != (amount * 60).to_integral_value():
        raise _error(
            f"{text!r}: working hours are counted to the minute",
            "round the amount to whole minutes, e.g. '0.25 working hours' for 15 minutes",
        )
    integral = amount == amount.to_integral_value()
    return Duration(Decimal(int(amount)) if integral else amount.normalize(), unit)
