"""The built-in field types of plain values: texts, numbers, booleans, choices, dates, files.

Their semantics follow JSON Schema, so that the generated model and the generated schema accept
the same payloads:

- **text** and **textarea**: strings of 1 to ``max_length`` characters (500 and 10,000 when the
  spec sets none), not blank; ``text`` is one line; a spec ``pattern`` must match the whole value;
- **integer** and **money**: JSON numbers without a fractional part (``5`` and ``5.0``, not
  ``"5"``, not ``true``); money is whole đồng, at least 0;
- **decimal**: any JSON number (not a string: ``"2.5"`` is refused like ``"5"`` for integers),
  kept as a :class:`~decimal.Decimal`;
- **boolean**: ``true`` or ``false``;
- **choice** / **multichoice**: option values (a list of distinct ones for multichoice);
- **date**: ``2026-06-25`` or ``25/06/2026`` (a real date: a check); **datetime**: ISO 8601 with
  an offset, ``2026-06-25T08:30:00+07:00``;
- **file**: ``{id, name, size, media_type}``, a reference to a file the web layer stored.

Each type also parses what people type in HTML forms: ``1.500.000 đ``, ``2,5``, ``25-06-2026``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Optional

from pydantic import (
    AfterValidator,
    ConfigDict,
    PlainValidator,
    Strict,
    StringConstraints,
    create_model,
)

from procgen.forms.types import (
    NOT_BLANK,
    FieldType,
    anchored,
    date_bound,
    invalid,
    number_bound,
    search,
)
from procgen.spec.models import Field

__all__ = [
    "DATETIME_PATTERN",
    "DATE_PATTERN",
    "LINE_BREAK",
    "parse_date",
    "parse_datetime",
    "parse_money",
    "parse_number",
    "scalar_types",
]

#: Longest text accepted when a spec sets no ``max_length`` (a bound keeps payloads small).
TEXT_MAX_LENGTH = 500
TEXTAREA_MAX_LENGTH = 10_000
LINE_BREAK = re.compile(r"[\r\n]")
DATE_PATTERN = re.compile(r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})$")
DATETIME_PATTERN = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_TRUE = frozenset({"on", "true", "1", "yes", "y", "có", "co"})
_FALSE = frozenset({"off", "false", "0", "no", "n", "không", "khong"})


def _keep(text: str) -> Any:
    return text


# --------------------------------------------------------------------------- parsing


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


# --------------------------------------------------------------------------- text and numbers


def _text(field: Field, *, single_line: bool) -> tuple[Any, dict[str, Any]]:
    low = max(1, field.min_length or 0)
    high = field.max_length or (TEXT_MAX_LENGTH if single_line else TEXTAREA_MAX_LENGTH)
    own = re.compile(anchored(field.pattern)) if field.pattern else None

    def validate(value: str) -> str:
        if own is None and not search(NOT_BLANK, value):
            raise invalid("blank", "blank")
        if single_line and search(LINE_BREAK, value):
            raise invalid("pattern", "pattern.single_line")
        if own is not None and not search(own, value):
            raise invalid("pattern", "pattern")
        return value

    annotation = Annotated[
        str, Strict(), StringConstraints(min_length=low, max_length=high), AfterValidator(validate)
    ]
    schema: dict[str, Any] = {"type": "string", "minLength": low, "maxLength": high}
    schema["pattern"] = own.pattern if own is not None else NOT_BLANK.pattern
    if single_line:
        schema["not"] = {"pattern": LINE_BREAK.pattern}
    return annotation, schema


def _number(field: Field, *, whole: bool, floor: int | None = None) -> tuple[Any, dict[str, Any]]:
    low, high = number_bound(field, "minimum", floor), number_bound(field, "maximum")
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
        return value if isinstance(value, Decimal) else Decimal(repr(value))

    schema: dict[str, Any] = {"type": "integer" if whole else "number"}
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return Annotated[int if whole else Decimal, PlainValidator(validate)], schema


def _number_form(whole: bool) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = parse_number(text, whole=whole)
        return text if value is None else value

    return parse


def _boolean_form(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return text


# --------------------------------------------------------------------------- choices


def _choice_schema(field: Field) -> dict[str, Any]:
    return {
        "type": "string",
        "oneOf": [
            {
                "const": option.value,
                "title": option.label.vi,
                "x-procgen-label": option.label.model_dump(exclude_none=True),
            }
            for option in field.options
        ],
    }


def _choice_annotation(field: Field) -> Any:
    options = frozenset(option.value for option in field.options)

    def validate(value: object) -> str:
        if not isinstance(value, str) or value not in options:
            raise invalid("choice", "choice")
        return value

    return Annotated[str, PlainValidator(validate)]


def _multichoice(field: Field) -> tuple[Any, dict[str, Any]]:
    options = frozenset(option.value for option in field.options)
    low = max(field.min_items or 0, 1 if field.required else 0)
    high = field.max_items

    def validate(value: object) -> list[str]:
        if not isinstance(value, list | tuple):
            raise invalid("type", "type.list")
        if any(not isinstance(item, str) or item not in options for item in value):
            raise invalid("choice", "choice")
        if len(set(value)) != len(value):
            raise invalid("unique", "unique")
        if len(value) < low:
            raise invalid("min_items", "min_items", min=low)
        if high is not None and len(value) > high:
            raise invalid("max_items", "max_items", max=high)
        return list(value)

    schema: dict[str, Any] = {"type": "array", "items": _choice_schema(field), "uniqueItems": True}
    if low:
        schema["minItems"] = low
    if high is not None:
        schema["maxItems"] = high
    return Annotated[list[str], PlainValidator(validate)], schema


# --------------------------------------------------------------------------- dates


def _date(field: Field) -> tuple[Any, dict[str, Any]]:
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


def _date_form(text: str) -> Any:
    value = parse_date(text, lenient=True)
    return text if value is None else value.isoformat()


def _datetime(field: Field) -> tuple[Any, dict[str, Any]]:
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


def _datetime_form(text: str) -> Any:
    """``<input type=datetime-local>`` sends no offset: the time is Vietnam's."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?", text):
        return text.replace(" ", "T") + "+07:00"
    return text


# --------------------------------------------------------------------------- files


def _extension(ext: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else re.escape(c) for c in ext)


def _file(field: Field) -> tuple[Any, dict[str, Any]]:
    """A reference to a file the web layer stored: ``{id, name, size, media_type}``."""
    accept = [ext.lower().lstrip(".") for ext in field.accept]
    name_pattern = (
        r"\.(?:" + "|".join(_extension(ext) for ext in accept) + r")$"
        if accept
        else NOT_BLANK.pattern
    )
    compiled = re.compile(name_pattern)
    limit = int(field.max_size) if field.max_size is not None else None
    shown_limit = field.max_size.human_readable(decimal=True) if field.max_size else ""

    def check_name(value: str) -> str:
        if not search(compiled, value):
            raise invalid("file", "file.type", accept=", ".join(accept))
        return value

    def check_size(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise invalid("type", "type.integer")
        if value < 0:
            raise invalid("min", "min", min=0)
        if limit is not None and value > limit:
            raise invalid("max", "file.size", max=shown_limit)
        return int(value)

    model = create_model(
        f"File_{field.id}",
        __config__=ConfigDict(extra="forbid"),
        id=(Annotated[str, Strict(), StringConstraints(min_length=1, max_length=200)], ...),
        name=(
            Annotated[
                str,
                Strict(),
                StringConstraints(min_length=1, max_length=255),
                AfterValidator(check_name),
            ],
            ...,
        ),
        size=(Annotated[int, PlainValidator(check_size)], ...),
        media_type=(
            Optional[Annotated[str, Strict(), StringConstraints(max_length=255)]],  # noqa: UP045
            None,
        ),
    )
    size: dict[str, Any] = {"type": "integer", "minimum": 0}
    if limit is not None:
        size["maximum"] = limit
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": 200},
            "name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": name_pattern},
            "size": size,
            "media_type": {"anyOf": [{"type": "string", "maxLength": 255}, {"type": "null"}]},
        },
        "required": ["id", "name", "size"],
        "additionalProperties": False,
        "description": "A file stored by the service: its id, name, size in bytes and type.",
    }
    return model, schema


def _file_form(text: str) -> Any:
    """A file input's value is the web layer's business; a JSON reference is accepted."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, dict) else text


# --------------------------------------------------------------------------- the registry


def _plain(
    name: str,
    build: Callable[[Field], tuple[Any, dict[str, Any]]],
    macro: str,
    cel_type: str,
    from_form: Callable[[str], Any] = _keep,
    input_type: str | None = None,
    **extra: Any,
) -> FieldType:
    return FieldType(
        name=name,
        annotation=lambda field: build(field)[0],
        json_schema=lambda field: build(field)[1],
        macro=macro,
        cel_type=cel_type,
        from_form=from_form,
        input_attributes={"type": input_type, **extra} if input_type else extra,
        checks=(name,) if name in ("date", "datetime") else (),
    )


def scalar_types() -> list[FieldType]:
    """The built-in types of plain values: texts, numbers, booleans, choices and dates."""
    timestamp = "google.protobuf.Timestamp"
    return [
        _plain("text", partial(_text, single_line=True), "text_input", "string",
               lambda value: " ".join(value.split()), "text"),
        _plain("textarea", partial(_text, single_line=False), "textarea", "string",
               lambda value: value.replace("\r\n", "\n").replace("\r", "\n").strip()),
        _plain("integer", partial(_number, whole=True), "text_input", "int",
               _number_form(True), "text", inputmode="numeric"),
        _plain("decimal", partial(_number, whole=False), "text_input", "double",
               _number_form(False), "text", inputmode="decimal"),
        _plain("money", partial(_number, whole=True, floor=0), "money_input", "int",
               parse_money, "text", inputmode="numeric"),
        _plain("date", _date, "date_input", timestamp, _date_form, "date"),
        _plain("datetime", _datetime, "datetime_input", timestamp, _datetime_form,
               "datetime-local"),
        _plain("boolean", lambda field: (Annotated[bool, Strict()], {"type": "boolean"}),
               "checkbox", "bool", _boolean_form, "checkbox"),
        _plain("choice", lambda field: (_choice_annotation(field), _choice_schema(field)),
               "radios", "string"),
        _plain("multichoice", _multichoice, "checkboxes", "list(string)"),
        _plain("file", _file, "file_input", "map(string, dyn)", _file_form, "file"),
    ]  # fmt: skip
