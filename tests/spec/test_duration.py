"""Durations as people write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from procgen.spec.duration import Duration, DurationUnit, parse_duration

U = DurationUnit


@pytest.mark.parametrize(
    ("text", "amount", "unit", "canonical"),
    [
        ("7 working days", 7, U.WORKING_DAYS, "7 working days"),
        ("1 working day", 1, U.WORKING_DAYS, "1 working day"),
        ("0.5 working days", Decimal("0.5"), U.WORKING_DAYS, "0.5 working days"),
        ("0,5 ngày làm việc", Decimal("0.5"), U.WORKING_DAYS, "0.5 working days"),
        ("4 working hours", 4, U.WORKING_HOURS, "4 working hours"),
        ("4 giờ làm việc", 4, U.WORKING_HOURS, "4 working hours"),
        ("30 days", 30, U.DAYS, "30 days"),
        ("10 ngày", 10, U.DAYS, "10 days"),
        ("30 calendar days", 30, U.DAYS, "30 days"),
        ("24 hours", 24, U.HOURS, "24 hours"),
        ("2 months", 2, U.MONTHS, "2 months"),
        ("3 tháng", 3, U.MONTHS, "3 months"),
        ("  7   Working   Days ", 7, U.WORKING_DAYS, "7 working days"),
        ("12 business days", 12, U.WORKING_DAYS, "12 working days"),
    ],
)
def test_parse(text: str, amount: int | Decimal, unit: DurationUnit, canonical: str) -> None:
    duration = parse_duration(text)
    assert duration == Duration(Decimal(amount), unit)
    assert str(duration) == canonical
    assert parse_duration(str(duration)) == duration


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("7 workdays", "did you mean 'working days'"),
        ("seven days", "write a number then a unit"),
        ("7", "write a number then a unit"),
        ("1.5 months", "only working days and working hours may have a fraction"),
        ("0 days", "longer than zero"),
        ("0.001 working hours", "to the minute"),
        ("3 fortnights", "units are working days"),
    ],
)
def test_bad_durations_say_how_to_fix(text: str, words: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        parse_duration(text)
    assert caught.value.type == "bad_duration"
    assert words in str(caught.value)


def test_working_hours() -> None:
    assert parse_duration("1.5 working days").working_hours == 12
    assert parse_duration("4 working hours").working_hours == 4
    with pytest.raises(ValueError, match="not counted in working time"):
        _ = parse_duration("3 days").working_hours


@given(st.integers(1, 10_000), st.sampled_from(list(DurationUnit)))
def test_canonical_text_round_trips(amount: int, unit: DurationUnit) -> None:
    duration = Duration(Decimal(amount), unit)
    assert parse_duration(str(duration)) == duration
