"""What templates see: one plain view object per field, answer and error.

Templates stay simple (and easy to override) because every decision is taken here: which
widget renders a field, its HTML id (the dotted name, ``pilots.0.full_name``, so an error's
``loc`` is its anchor), the value as typed, the message in the user's language, which ids
``aria-describedby`` names, and how an answer reads on the check-your-answers page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from procgen.files import accept_attribute
from procgen.i18n import format_date, format_datetime, format_money
from procgen.spec.models import Field
from procgen.types import Locale
from procgen.web.apply.encoding import Answers, Rows
from procgen.web.apply.wizard import Loc, row_count
from procgen.web.templating import field_templates

__all__ = [
    "AddressOptions",
    "ErrorItem",
    "FieldView",
    "OptionView",
    "RowView",
    "SummaryRow",
    "ViewBuilder",
    "dom_id",
    "format_answer",
]

_VIETNAM = dt.timezone(dt.timedelta(hours=7))
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# group and list are always registered; a missing registry entry falls back to these
_STRUCTURAL = {"group": "fieldset", "list": "list_rows"}
# attributes the templates set themselves
_RESERVED = frozenset({"type", "id", "name", "value", "class", "aria-describedby"})


def dom_id(loc: Loc) -> str:
    """The HTML id of the field at ``loc``: its dotted form name (``pilots.0.full_name``)."""
    return ".".join(str(part) for part in loc)


@dataclass(frozen=True)
class OptionView:
    """One radio, checkbox or select option."""

    value: str
    label: str
    id: str
    checked: bool


@dataclass
class FieldView:
    """A field as a template renders it (see the module docstring)."""

    field: Field
    loc: Loc
    id: str
    name: str
    type: str
    macro: str
    label: str
    hint: str | None
    placeholder: str | None
    required: bool
    values: tuple[str, ...]
    error: str | None
    visible: bool
    conditional: bool
    templates: list[str]
    fragment_url: str
    attrs: dict[str, str] = dataclass_field(default_factory=dict)
    options: tuple[OptionView, ...] = ()
    children: tuple[FieldView, ...] = ()
    rows: tuple[RowView, ...] = ()
    parts: dict[str, str] = dataclass_field(default_factory=dict)
    row_count: int = 0
    can_add: bool = False
    autofocus: bool = False
    address: AddressOptions | None = None
    file: dict[str, Any] | None = None

    @property
    def value(self) -> str:
        """The (last) typed value, "" when none."""
        return self.values[-1] if self.values else ""

    @property
    def described_by(self) -> str:
        """The ids of the hint and the error message, for ``aria-describedby``."""
        ids = [f"{self.id}-hint"] if self.hint else []
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    def part(self, name: str) -> str:
        """The typed value of part ``name`` of a compound widget (``address.province``)."""
        return self.parts.get(name, "")

    @property
    def input_type(self) -> str:
        """The ``type`` of an ``<input>``: the field type's choice (``tel``, ``email``), or text."""
        return self.attrs.get("type", "text")

    @property
    def html_attrs(self) -> dict[str, str]:
        """Extra attributes from the field type and the spec (``maxlength``, ``inputmode``)."""
        attrs = {k: v for k, v in self.attrs.items() if k not in _RESERVED}
        if self.autofocus:
            attrs["autofocus"] = "autofocus"
        return attrs


@dataclass(frozen=True)
class RowView:
    """One row of a list field."""

    index: int
    legend: str
    children: tuple[FieldView, ...]
    remove_name: str
    remove_label: str


@dataclass(frozen=True)
class ErrorItem:
    """An entry of the error summary: the message and the anchor of the field it is about."""

    msg: str
    href: str | None
    loc: Loc


@dataclass(frozen=True)
class SummaryRow:
    """A row of the check-your-answers page (``heading`` rows title a group or list row)."""

    key: str
    lines: tuple[str, ...]
    change_url: str
    depth: int = 0
    heading: bool = False


class ViewBuilder:
    """Builds field views for one request.

    Args:
        code: the procedure's code (template overrides are looked up under it).
        locale: the interface language.
        gettext: the interface catalogue's lookup.
        field_type: ``FieldTypeRegistry.get``: the registered type of a field type name.
        values, rows: the answers as typed and the list row counts.
        data: the payload the answers make (``from_form``), for the summary.
        is_visible: whether the field at a location is shown (its ``when`` holds).
        errors: messages by location.
        fragment_url: the URL of the fragment endpoint of a dotted field name.
    """

    def __init__(
        self,
        *,
        code: str,
        locale: Locale,
        gettext: Callable[..., str],
        field_type: Callable[[str], Any],
        values: Answers,
        rows: Rows,
        is_visible: Callable[[Loc], bool],
        errors: Mapping[Loc, str],
        fragment_url: Callable[[str], str],
    ) -> None:
        self.code = code
        self.locale = locale
        self._ = gettext
        self._type = field_type
        self.values = values
        self.rows = rows
        self.is_visible = is_visible
        self.errors = errors
        self.fragment_url = fragment_url

    def _field_type(self, type_name: str) -> tuple[str, dict[str, str]]:
        try:
            registered = self._type(type_name)
        except LookupError:  # a type the deployment did not register: a plain text input
            return _STRUCTURAL.get(type_name, "text_input"), {}
        macro = str(getattr(registered, "macro", None) or "text_input")
        attrs = getattr(registered, "input_attributes", None) or {}
        return macro, {str(k): str(v) for k, v in dict(attrs).items()}

    def error_for(self, loc: Loc, *, exact: bool = False) -> str | None:
        """The first message at ``loc`` (or, unless ``exact``, below it)."""
        if loc in self.errors:
            return self.errors[loc]
        if not exact:
            for where, msg in self.errors.items():
                if where[: len(loc)] == loc:
                    return msg
        return None

    def build(self, f: Field, loc: Loc) -> FieldView:
        """The view of field ``f`` at ``loc`` (children and rows included)."""
        name = dom_id(loc)
        macro, attrs = self._field_type(f.type)
        if f.max_length and macro in ("text_input", "textarea"):
            attrs.setdefault("maxlength", str(f.max_length))
        hint = f.help.get(self.locale) if f.help else None
        raw = tuple(self.values.get(name, ()))
        if macro == "date_input":
            raw, attrs["type"] = _date_value(raw, attrs.get("type", "text"))
            if attrs["type"] == "text":
                example = self._("For example, {example}", example="27/03/2007")
                hint = f"{hint} {example}" if hint else example
        parts = {
            key[len(name) + 1 :]: items[-1]
            for key, items in self.values.items()
            if key.startswith(name + ".") and items and f.type not in ("group", "list")
        }
        leaf = f.type not in ("group", "list")
        view = FieldView(
            field=f,
            loc=loc,
            id=name,
            name=name,
            type=f.type,
            macro=macro,
            label=f.label.get(self.locale),
            hint=hint,
            placeholder=f.placeholder.get(self.locale) if f.placeholder else None,
            required=f.required,
            values=raw,
            error=self.error_for(loc, exact=not leaf),
            visible=self.is_visible(loc),
            conditional=f.when is not None,
            templates=field_templates(f.type, macro, self.code),
            fragment_url=self.fragment_url(name),
            attrs=attrs,
            parts=parts,
        )
        if f.options:
            view.options = self._options(f, name, raw)
        if macro == "address":
            view.address = _address_options(view.part("province"))
        if macro == "file_input":
            view.file = _file_reference(view.value)
            if f.accept:
                view.attrs["accept"] = accept_attribute(f.accept)
        if f.type == "group":
            view.children = tuple(self.build(c, (*loc, c.id)) for c in f.fields)
        elif f.type == "list":
            count = row_count(self.values, self.rows, name, f)
            view.row_count = count
            view.can_add = count < min(f.max_items or 100, 100)
            view.rows = tuple(self._row(f, loc, i) for i in range(count))
        return view

    def _options(self, f: Field, name: str, raw: Sequence[str]) -> tuple[OptionView, ...]:
        pairs = [(o.value, o.label.get(self.locale)) for o in f.options]
        return tuple(
            OptionView(value, label, name if i == 0 else f"{name}-{i}", value in raw)
            for i, (value, label) in enumerate(pairs)
        )

    def _row(self, f: Field, loc: Loc, index: int) -> RowView:
        row_loc = (*loc, index)
        label = f.label.get(self.locale)
        return RowView(
            index=index,
            legend=self._("{label}: item {number}", label=label, number=index + 1),
            children=tuple(self.build(c, (*row_loc, c.id)) for c in f.fields),
            remove_name=f"remove:{dom_id(row_loc)}",
            remove_label=self._("Remove item {number}", number=index + 1),
        )


def _date_value(raw: tuple[str, ...], input_type: str) -> tuple[tuple[str, ...], str]:
    """The value a date input shows, and the input's type.

    A native ``<input type=date>`` only holds ISO dates: a value typed another way is shown as
    it was typed in a text input, so it is never lost.
    """
    if input_type != "date" or not raw or not raw[-1].strip():
        return raw, input_type
    text = raw[-1].strip()
    if _ISO_DATE.match(text):
        return (text,), "date"
    match = _DMY_DATE.match(text)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        try:
            return (dt.date(year, month, day).isoformat(),), "date"
        except ValueError:
            pass
    return raw, "text"


@dataclass(frozen=True)
class AddressOptions:
    """The options of an address widget: every province, and the chosen province's communes."""

    provinces: tuple[tuple[str, str], ...]
    communes: tuple[tuple[str, str], ...]


def _address_options(province_code: str) -> AddressOptions:
    from procgen.forms.identifiers import communes, provinces

    chosen = communes(province_code) if province_code else ()
    return AddressOptions(provinces(), chosen)


def format_answer(
    f: Field, value: Any, locale: Locale, gettext: Callable[..., str]
) -> tuple[str, ...]:
    """An answer as it reads on the check-your-answers page, one string per line.

    ``value`` is as ``from_form`` gives it: dates are ISO strings, addresses codes.
    """
    if value is None or value == "" or value == [] or value == {}:
        return (gettext("Not provided"),)
    labels = {o.value: o.label.get(locale) for o in f.options}
    if isinstance(value, bool):
        return (gettext("Yes") if value else gettext("No"),)
    if isinstance(value, list | tuple):
        return tuple(labels.get(str(v), str(v)) for v in value)
    if f.type in ("date", "datetime") and isinstance(value, str):
        value = _parse_moment(value, f.type)
    if isinstance(value, dt.datetime):
        return (format_datetime(value.astimezone(_VIETNAM), locale),)
    if isinstance(value, dt.date):
        return (format_date(value, locale),)
    if f.type == "money" and isinstance(value, int | Decimal):
        return (format_money(value, locale),)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return (str(format_decimal(value, locale=locale)),)
    if isinstance(value, Mapping) and f.type == "file":
        return (str(value.get("name", "")),)
    if isinstance(value, Mapping):
        return (_address_text(value),)
    text = str(value)
    return (labels.get(text, text),)


def _file_reference(text: str) -> dict[str, Any] | None:
    """The ``{id, name, size, media_type}`` reference a ``file`` field holds as JSON."""
    try:
        ref = json.loads(text) if text.startswith("{") else None
    except ValueError:
        return None
    return ref if isinstance(ref, dict) and isinstance(ref.get("name"), str) else None


def _parse_moment(text: str, kind: str) -> Any:
    try:
        return (
            dt.datetime.fromisoformat(text) if kind == "datetime" else dt.date.fromisoformat(text)
        )
    except ValueError:
        return text  # shown as typed


def _address_text(value: Mapping[str, Any]) -> str:
    """``{province, commune, street}`` codes as "street, commune, province" names."""
    from procgen.forms.identifiers import commune, province

    found = commune(str(value.get("commune", "")))
    parts = [
        str(value.get("street") or ""),
        found[0] if found else str(value.get("commune") or ""),
        province(str(value.get("province", ""))) or str(value.get("province") or ""),
    ]
    return ", ".join(part for part in parts if part)
