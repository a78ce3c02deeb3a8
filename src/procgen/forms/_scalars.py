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
The types live by concept in :mod:`~procgen.forms._texts`, :mod:`~procgen.forms._numbers` and
:mod:`~procgen.forms._dates`; this module holds booleans and files, and the registry's list.
Most types also have a native fast path (:mod:`procgen.forms._native`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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
from pydantic_core.core_schema import CoreSchema

from procgen.forms import _dates as dates
from procgen.forms import _numbers as numbers
from procgen.forms import _texts as texts
from procgen.forms._dates import DATE_PATTERN, DATETIME_PATTERN, parse_date, parse_datetime
from procgen.forms._numbers import parse_money, parse_number
from procgen.forms._texts import LINE_BREAK
from procgen.forms.types import NOT_BLANK, FieldType, invalid, search
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

_TRUE = frozenset({"on", "true", "1", "yes", "y", "có", "co"})
_FALSE = frozenset({"off", "false", "0", "no", "n", "không", "khong"})


def _keep(text: str) -> Any:
    return text


def _boolean_form(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
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
    *,
    fast: Callable[[Field], CoreSchema | None] | None = None,
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
        fast=fast,
    )


def scalar_types() -> list[FieldType]:
    """The built-in types of plain values: texts, numbers, booleans, choices and dates."""
    timestamp = "google.protobuf.Timestamp"
    line, lines = partial(texts.text, single_line=True), partial(texts.text, single_line=False)
    integer, decimal = partial(numbers.number, whole=True), partial(numbers.number, whole=False)
    money = partial(numbers.number, whole=True, floor=0)
    return [
        _plain("text", line, "text_input", "string",
               lambda value: " ".join(value.split()), "text",
               fast=partial(texts.text_fast, single_line=True)),
        _plain("textarea", lines, "textarea", "string",
               lambda value: value.replace("\r\n", "\n").replace("\r", "\n").strip(),
               fast=partial(texts.text_fast, single_line=False)),
        _plain("integer", integer, "text_input", "int", numbers.number_form(True), "text",
               fast=partial(numbers.number_fast, whole=True), inputmode="numeric"),
        _plain("decimal", decimal, "text_input", "double", numbers.number_form(False), "text",
               fast=partial(numbers.number_fast, whole=False), inputmode="decimal"),
        _plain("money", money, "money_input", "int", parse_money, "text",
               fast=partial(numbers.number_fast, whole=True, floor=0), inputmode="numeric"),
        _plain("date", dates.date, "date_input", timestamp, dates.date_form, "date",
               fast=dates.date_fast),
        _plain("datetime", dates.datetime, "datetime_input", timestamp, dates.datetime_form,
               "datetime-local"),
        _plain("boolean", lambda field: (Annotated[bool, Strict()], {"type": "boolean"}),
               "checkbox", "bool", _boolean_form, "checkbox"),
        _plain("choice", texts.choice, "radios", "string", fast=texts.choice_fast),
        _plain("multichoice", texts.multichoice, "checkboxes", "list(string)"),
        _plain("file", _file, "file_input", "map(string, dyn)", _file_form, "file"),
    ]  # fmt: skip
