"""Numbers: ``integer``, ``decimal`` and ``money``, and the numbers people type in forms.

Their semantics follow JSON Schema, so that the generated model and the generated schema accept
the same payloads:

- **integer** and **money**: JSON numbers without a fractional part (``5`` and ``5.0``, not
  ``"5"``, not ``true``); money is whole đồng, at least 0;
- **decimal**: any JSON number (not a string: ``"2.5"`` is refused like ``"5"`` for integers),
  kept as a :class:`~decimal.Decimal`.

:func:`parse_number` and :func:`parse_money` read what people type: ``1.500.000 đ``, ``2,5``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainValidator
from pydantic_core import core_schema
from pydantic_core.core_schema import CoreSchema

from procgen.forms.types import invalid, number_bound
from procgen.spec.models import Field

__all__ = ["parse_money", "parse_number"]


def parse_number(text: str, *, whole: bool) -> int | float | None:
    """A number typed by a person: ``1.500`` or ``1 500`` (thousands), ``2,5`` (decimal comma).

    A lone ``.`` is a decimal point (``<input type=number>`` sends ``2.5``); a lone ``,`` is a
    decimal comma; with both, the last one is the decimal separator.
    """
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if whole and re.fullmatch(r"-?[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*", text):
        text = text.replace(".", "").replace(",", "")
    elif "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("," if decimal == "." else ".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", text):
        return None
    value = Decimal(text)
    if value == value.to_integral_value():
        return int(value)
    return None if whole else float(value)


def parse_money(text: str) -> Any:
    """An amount of đồng as typed: ``1.500.000``, ``1,500,000``, ``1 500 000 đ``, ``500000₫``."""
    cleaned = re.sub(r"(?i)\s*(₫|đồng|đ|vnđ|vnd)\s*$", "", text.strip())
    digits = re.sub(r"[.,\s\u00a0]", "", cleaned)
    return int(digits) if re.fullmatch(r"-?[0-9]+", digits) else text


def number_form(whole: bool) -> Callable[[str], Any]:
    """The ``from_form`` of a number: the parsed number, or the text when it does not parse."""

    def parse(text: str) -> Any:
        value = parse_number(text, whole=whole)
        return text if value is None else value

    return parse


def _bounds(field: Field, floor: int | None) -> tuple[int | float | None, int | float | None]:
    return number_bound(field, "minimum", floor), number_bound(field, "maximum")


def number(field: Field, *, whole: bool, floor: int | None = None) -> tuple[Any, dict[str, Any]]:
    """The exact annotation and the JSON Schema of an integer, a decimal or (``floor=0``) money."""
    low, high = _bounds(field, floor)
    message = "type.integer" if whole else "type.number"
    kind = "money" if floor is not None else "number"

    def validate(value: object) -> int | Decimal:
        # JSON Schema semantics: a bool is not a number, 5.0 is an integer, "5" is a string.
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise invalid("type", message)
        if isinstance(value, float | Decimal) and not Decimal(value).is_finite():
            raise invalid("type", message)
        if whole and value != int(value):
            raise invalid("type", message)
        if low is not None and value < low:
            raise invalid("min", "min", min=low, kind=kind)
        if high is not None and value > high:
            raise invalid("max", "max", max=high, kind=kind)
        if whole:
            return int(value)
        if isinstance(value, Decimal):
            return value
        # A float from its shortest repr (0.1 is Decimal("0.1")), an int exactly; subclasses
        # (IntEnum, numpy's float64) as the plain number they are.
        return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(int(value))

    schema: dict[str, Any] = {"type": "integer" if whole else "number"}
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return Annotated[int if whole else Decimal, PlainValidator(validate)], schema


def number_fast(field: Field, *, whole: bool, floor: int | None = None) -> CoreSchema:
    """An ``int`` (strict: not a bool, not a string) within the bounds, else a ``float``
    (strict, finite): whole, for an integer (pydantic's int from a float refuses a fraction);
    for a decimal, ``Decimal(repr(value))`` as pydantic makes it. A ``Decimal`` passed by
    Python code, or a whole float beyond 64 bits, goes to the exact validator."""
    low, high = _bounds(field, floor)
    # For an int, v >= 0.5 is v >= 1: the bounds as whole numbers, exactly.
    ge = None if low is None else math.ceil(low)
    le = None if high is None else math.floor(high)
    integer = core_schema.int_schema(strict=True, ge=ge, le=le)
    if whole:
        from_float = core_schema.chain_schema(
            [core_schema.is_instance_schema(float), core_schema.int_schema(ge=ge, le=le)]
        )
        return core_schema.union_schema([integer, from_float], mode="left_to_right")
    decimal = core_schema.decimal_schema()
    from_int = core_schema.chain_schema([integer, decimal])
    try:
        float_ge, float_le = _float_bound(low), _float_bound(high)
    except ValueError:  # a bound no float equals: floats go to the exact validator
        return from_int
    from_float = core_schema.chain_schema(
        [
            core_schema.is_instance_schema(float),
            core_schema.float_schema(allow_inf_nan=False, ge=float_ge, le=float_le),
            decimal,
        ]
    )
    return core_schema.union_schema([from_int, from_float], mode="left_to_right")


def _float_bound(limit: int | float | None) -> float | None:
    """``limit`` as the float equal to it (pydantic compares a float with float bounds).

    Raises:
        ValueError: when no float equals ``limit`` (a huge or over-precise integer).
    """
    if limit is None or isinstance(limit, float):
        return limit
    try:
        value = float(limit)
    except OverflowError:
        raise ValueError(limit) from None
    if value != limit:
        raise ValueError(limit)
    return value
