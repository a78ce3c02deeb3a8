"""Field errors and their messages: one structure, stable codes, two languages.

Every message is an English message id looked up in ``locale/<lang>/LC_MESSAGES/validation.po``
(Vietnamese is the default language); ``{label}`` is the label of the field in that language.
Pydantic's own errors are mapped onto procgen's codes here, so that the same problem always
gives the same code, whichever layer found it.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from pydantic import ValidationError

from procgen.forms._model import CompiledForm
from procgen.i18n import format_date, format_money, translator
from procgen.spec.models import Field
from procgen.types import Locale

__all__ = [
    "CODES",
    "MESSAGES",
    "FieldError",
    "Message",
    "field_message",
    "from_pydantic",
    "in_form_order",
    "label_of",
]

Loc = tuple[str | int, ...]
#: A message: an English msgid, a (singular, plural) pair counted by ``min``/``max``, or a
#: text per language (``{"vi": ..., "en": ...}``) for field types outside the catalogue.
Message = str | tuple[str, str] | Mapping[str, str]

#: Every error code procgen gives; ``docs/forms.md`` documents each one.
CODES = (
    "required", "blank", "type", "too_short", "too_long", "pattern", "min", "max", "choice",
    "unique", "min_items", "max_items", "email", "phone", "citizen_id", "tax_code", "address",
    "date", "datetime", "file", "unknown", "rule", "invalid",
)  # fmt: skip

#: The message of each problem, by key; the English text is the catalogue's msgid.
MESSAGES: Mapping[str, str | tuple[str, str]] = {
    "required": "Enter “{label}”.",
    "required.choose": "Choose an answer for “{label}”.",
    "required.list": "Add at least one entry to “{label}”.",
    "required.file": "Attach a file for “{label}”.",
    "blank": "“{label}” cannot be blank.",
    "type.text": "“{label}” must be text.",
    "type.integer": "“{label}” must be a whole number, such as 5.",
    "type.number": "“{label}” must be a number, such as 2.5.",
    "type.boolean": "“{label}” must be yes or no (true or false).",
    "type.list": "“{label}” must be a list.",
    "type.object": "“{label}” must be a set of answers (a JSON object).",
    "type.date": "“{label}” must be a date written as text, such as 25/06/2026.",
    "type.datetime": "“{label}” must be a date and time written as text.",
    "too_short": (
        "“{label}” must have at least {min} character.",
        "“{label}” must have at least {min} characters.",
    ),
    "too_long": (
        "“{label}” must have at most {max} character.",
        "“{label}” must have at most {max} characters.",
    ),
    "pattern": "“{label}” is not in the expected format.",
    "pattern.single_line": "“{label}” must be on a single line.",
    "min": "“{label}” must be at least {min}.",
    "max": "“{label}” must be at most {max}.",
    "min.date": "“{label}” must be on or after {min}.",
    "max.date": "“{label}” must be on or before {max}.",
    "choice": "Choose one of the options of “{label}”.",
    "unique": "“{label}” has the same option more than once.",
    "min_items": (
        "Add at least {min} entry to “{label}”.",
        "Add at least {min} entries to “{label}”.",
    ),
    "max_items": (
        "“{label}” can have at most {max} entry.",
        "“{label}” can have at most {max} entries.",
    ),
    "email": "“{label}” must be an email address, such as hoten@example.com.",
    "phone": "“{label}” must be a Vietnamese phone number: a mobile number such as "
    "0912 345 678 or a landline number such as 024 3823 4567.",
    "citizen_id": "“{label}” must be a personal identification number of 12 digits, "
    "such as 001206012345.",
    "citizen_id.province": "“{label}” starts with {prefix}, which is not a province code: the "
    "first three digits are the code of the province where the birth was registered (001 to 096).",
    "citizen_id.birth_date": "“{label}” does not match the date of birth ({year}): its 4th digit "
    "must be {male} for a man or {female} for a woman, and its 5th and 6th digits {yy}.",
    "tax_code": "“{label}” must be a tax code of 10 digits, of 13 digits (such as "
    "0101234567-001), or a personal identification number of 12 digits.",
    "tax_code.check": "“{label}”: {value} is not a valid tax code (its check digit does not "
    "match); check the number.",
    "address": "“{label}” must give the code of a province (2 digits), of a commune (5 digits) "
    "and the street address.",
    "address.province": "“{label}”: there is no province or city with code {code}.",
    "address.commune": "“{label}”: there is no commune or ward with code {code}.",
    "address.mismatch": "“{label}”: {commune} is not in {province}.",
    "date": "“{label}” must be a date such as 25/06/2026 (or 2026-06-25).",
    "date.calendar": "“{label}”: {value} is not a real date.",
    "datetime": "“{label}” must be a date and time with a time zone, such as "
    "2026-06-25T08:30:00+07:00.",
    "datetime.calendar": "“{label}”: {value} is not a real date and time.",
    "file.type": "“{label}”: only these types of file are accepted: {accept}.",
    "file.size": "“{label}” is larger than the limit of {max}.",
    "unknown": "“{label}” is not a field of this form.",
    "invalid": "“{label}” is not valid.",
}  # fmt: skip

#: Labels of the parts of an address or a file, and of a row of a list.
PARTS: Mapping[str, str] = {
    "province": "Province or city",
    "commune": "Commune or ward",
    "street": "House number and street",
    "id": "File identifier",
    "name": "File name",
    "size": "File size",
    "media_type": "File type",
}
ROW = "{label}, entry {number}"
PART = "{label}: {part}"

# pydantic's error types, as (code, message key, context key of the value shown).
_PYDANTIC: Mapping[str, tuple[str, str, str | None]] = {
    "extra_forbidden": ("unknown", "unknown", None),
    "string_type": ("type", "type.text", None),
    "bool_type": ("type", "type.boolean", None),
    "bool_parsing": ("type", "type.boolean", None),
    "model_type": ("type", "type.object", None),
    "model_attributes_type": ("type", "type.object", None),
    "dict_type": ("type", "type.object", None),
    "list_type": ("type", "type.list", None),
    "int_type": ("type", "type.integer", None),
    "int_parsing": ("type", "type.integer", None),
    "int_from_float": ("type", "type.integer", None),
    "string_too_short": ("too_short", "too_short", "min_length"),
    "string_too_long": ("too_long", "too_long", "max_length"),
    "too_short": ("min_items", "min_items", "min_length"),
    "too_long": ("max_items", "max_items", "max_length"),
    "greater_than_equal": ("min", "min", "ge"),
    "less_than_equal": ("max", "max", "le"),
}
_RESERVED = frozenset({"msgid", "text", "check", "field", "part", "kind"})


@dataclass(frozen=True)
class FieldError:
    """One problem with a payload: where (``loc``), a stable ``code``, and ``msg`` for people.

    ``loc`` is the path of the field: ``("applicant", "phone")``, ``("pilots", 0, "full_name")``,
    ``()`` for the whole form.
    """

    loc: Loc
    code: str
    msg: str

    def to_dict(self) -> dict[str, Any]:
        """``{"loc": [...], "code": ..., "msg": ...}``, as in the REST API's 422 body."""
        return {"loc": list(self.loc), "code": self.code, "msg": self.msg}


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _shown_value(value: Any, locale: Locale, kind: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | dt.date):
        return str(value)
    if isinstance(value, dt.date):
        return format_date(value, locale)
    if kind == "money" and isinstance(value, int | Decimal):
        return format_money(value, locale)
    # Years and small counts read better without a thousands separator (1990, not 1.990).
    number = Decimal(value) if isinstance(value, float) else value
    return str(value) if -10_000 < number < 10_000 else format_decimal(value, locale=locale)


def field_message(
    message: Message, locale: Locale, label: str, values: Mapping[str, Any] | None = None
) -> str:
    """The text of ``message`` (a key of :data:`MESSAGES`, a msgid or a text per language)."""
    values = values or {}
    kind = values.get("kind")
    shown = {k: _shown_value(v, locale, kind) for k, v in values.items() if k not in _RESERVED}
    shown["label"] = label
    if isinstance(message, str):
        message = MESSAGES.get(message, message)
    if isinstance(message, Mapping):
        text = message.get(locale) or message.get("vi") or next(iter(message.values()))
        return string.Formatter().vformat(text, (), _Keep(shown))
    catalogue = translator(locale)
    if isinstance(message, tuple):
        count = values.get("min", values.get("max", 0))
        shown.pop("count", None)
        return catalogue.ngettext(message[0], message[1], int(count), **shown)
    return catalogue.gettext(message, **shown)


def describe(form: CompiledForm, loc: Loc, locale: Locale) -> tuple[Field | None, str, str | None]:
    """The field at ``loc``, its label in ``locale``, and the part of its value (address...)."""
    fields = form.spec.fields
    field: Field | None = None
    label = form.spec.name.get(locale)
    catalogue = translator(locale)
    row: str | None = None
    for part in loc:
        if isinstance(part, int):
            if field is not None and field.type == "list":
                row = catalogue.gettext(ROW, label=field.label.get(locale), number=part + 1)
                label = row
            continue
        if field is not None and field.type not in ("group", "list"):
            name = catalogue.gettext(PARTS[part]) if part in PARTS else part
            return field, catalogue.gettext(PART, label=label, part=name), part
        child = next((f for f in fields if f.id == part), None)
        if child is None:
            return None, part, None
        field, fields, label = child, child.fields, child.label.get(locale)
        if row is not None:  # in a list, say which row: "Pilots, entry 2: Full name"
            label = catalogue.gettext(PART, label=row, part=label)
    return field, label, None


def label_of(form: CompiledForm, loc: Loc, locale: Locale) -> str:
    """The label of the field at ``loc`` in ``locale``."""
    return describe(form, loc, locale)[1]


def required_message(field: Field | None, part: str | None = None) -> str:
    """The key of the "required" message that fits the field (enter, choose, add, attach)."""
    if part is not None:
        return "required.choose" if part in ("province", "commune") else "required"
    if field is None:
        return "required"
    if field.type == "list":
        return "required.list"
    if field.type == "file":
        return "required.file"
    return "required.choose" if field.type in ("choice", "multichoice", "boolean") else "required"


def from_pydantic(form: CompiledForm, exc: ValidationError, locale: Locale) -> list[FieldError]:
    """The errors of a failed model validation, mapped onto procgen's codes and messages."""
    out = []
    for error in exc.errors(include_url=False):
        context = error.get("ctx") or {}
        loc: Loc = tuple(error["loc"])
        for key in ("field", "part"):
            if isinstance(context.get(key), str):
                loc = (*loc, context[key])
        field, label, part = describe(form, loc, locale)
        if field is not None and field.type == "multichoice" and loc and isinstance(loc[-1], int):
            loc = loc[:-1]
        kind, value = error["type"], error.get("input")
        message: Message
        if kind == "missing" or (value is None and kind != "extra_forbidden"):
            code, message, values = "required", required_message(field, part), {}
        elif "msgid" in context or "text" in context:
            code, message = kind, context.get("text") or context["msgid"]
            values = context
        else:
            code, key, shown = _PYDANTIC.get(kind, ("invalid", "invalid", None))
            if kind == "string_too_short" and value == "":
                code, key = "blank", "blank"
            message = key
            values = {}
            if shown is not None:
                values = {
                    "min" if key in ("too_short", "min_items", "min") else "max": context.get(shown)
                }
        out.append(FieldError(loc, code, field_message(message, locale, label, values)))
    return out


def in_form_order(form: CompiledForm, errors: list[FieldError]) -> tuple[FieldError, ...]:
    """Errors in the order of the form's fields (as an error summary lists them), once each;
    keys the form does not have come last."""

    def position(error: FieldError) -> list[int]:
        # Each field's place in the form, each row's index: row 1 comes before row 2.
        key: list[int] = [-1]
        static: tuple[str, ...] = ()
        for part in error.loc:
            if isinstance(part, int):
                key.append(part)
            else:
                static = (*static, part)
                key.append(form.order.get(static, len(form.order)))
        return key

    return tuple(sorted(dict.fromkeys(errors), key=position))
