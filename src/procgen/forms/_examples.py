"""Example payloads: a deterministic, valid payload for any procedure, for tests and scenarios.

:func:`example_payload` fills every visible field with real-looking Vietnamese data and keeps
the first of a few candidates that :func:`~procgen.forms.validate_payload` accepts:

- dates follow the form: a date of birth makes the person 20 years old; a date the applicant
  must enter ahead of time (a lead time, or a deadline ``before`` it) is 60 days ahead; other
  dates are in the past and increase in the order of the form (a start before its end), 5 days
  apart (later candidates: 100, 400 and 1 day apart);
- a personal identification number agrees with its sibling date of birth and ``sex``;
- a text with a pattern uses the field's placeholder when it fits, else a string generated
  from the pattern; numbers sit inside their range; choices take their default, else the first
  option;
- later candidates also flip booleans and rotate choices, for rules the first one breaks.

Rules about ``today`` alone (a registration window) hold only if ``today`` is inside it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Sequence
from typing import Any

from procgen.forms._model import CompiledForm, birth_date_link, form_of
from procgen.forms._validate import _prepare, validate_payload, visible
from procgen.forms.identifiers import BIRTH_DATE_NAMES, citizen_id_birth_digits
from procgen.forms.types import VIETNAM_TZ, FieldTypeRegistry, anchored, json_number, number_bound
from procgen.spec.models import Field, ProcedureSpec

__all__ = ["example_from_pattern", "example_payload"]

#: How many candidates :func:`example_payload` tries.
CANDIDATES = 16
#: Days between successive dates of the form, by candidate (a rule may want them far apart).
_STEPS = (5, 100, 400, 1)
_NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thu Dung", "Hoàng Văn Em")
_FEMALE = frozenset({"female", "f", "nu", "nữ", "woman"})
_SEX = ("sex", "gender", "gioi_tinh")


def example_payload(
    spec: CompiledForm | ProcedureSpec,
    *,
    today: dt.date | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> dict[str, Any]:
    """A payload of JSON values that passes :func:`~procgen.forms.validate_payload` on ``today``.

    The same spec and ``today`` always give the same payload. When no candidate passes (a rule
    only ``today`` decides, for instance), the one with the fewest errors is returned.
    """
    form = form_of(spec, field_types)
    today = today or dt.datetime.now(VIETNAM_TZ).date()
    best: tuple[int, dict[str, Any]] | None = None
    for variant in range(CANDIDATES):
        draft = _Example(form, today, variant).container(form.spec.fields, ())
        shown = visible(form, draft, today=today)
        payload = _prepare(form, draft, shown, None)
        result = validate_payload(form, payload, today=today)
        if result.ok:
            return payload
        if best is None or len(result.errors) < best[0]:
            best = (len(result.errors), payload)
    return best[1] if best is not None else {}


class _Example:
    def __init__(self, form: CompiledForm, today: dt.date, candidate: int) -> None:
        self.form, self.today = form, today
        self.step = dt.timedelta(days=_STEPS[candidate % len(_STEPS)])
        self.variant = candidate // len(_STEPS)
        self.serial = 0
        self.booleans = 0
        self.dates = self._plan_dates()

    def _plan_dates(self) -> dict[tuple[str, ...], dt.date]:
        spec = self.form.spec
        ahead = {lead.field for case in spec.effective_cases() for lead in case.lead_times}
        deadlines = [spec.deadline] + [c.deadline for c in spec.cases]
        deadlines += [s.deadline for case in spec.effective_cases() for s in case.steps]
        ahead |= {d.before for d in deadlines if d is not None and d.before is not None}
        dates = [p for p, f in self.form.fields.items() if f.type in ("date", "datetime")]
        others = [p for p in dates if p[-1] not in BIRTH_DATE_NAMES and ".".join(p) not in ahead]
        cursor = self.today - self.step * (len(others) + 1)
        plan = {}
        for path in dates:
            if path[-1] in BIRTH_DATE_NAMES or "birth" in path[-1]:
                plan[path] = _years_before(self.today, 20) - dt.timedelta(days=10)
                continue
            if ".".join(path) in ahead:
                cursor = max(cursor + self.step, self.today + dt.timedelta(days=60))
            else:
                cursor += self.step
            plan[path] = cursor
        return plan

    # ------------------------------------------------------------------ containers

    def container(self, fields: Sequence[Field], static: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in fields:
            value = self.value(field, (*static, field.id))
            if value is not None:
                out[field.id] = value
        link = birth_date_link(fields)
        if link is not None and isinstance(out.get(link[1].id), str):
            born = dt.date.fromisoformat(out[link[1].id])
            female = any(str(out.get(name, "")).lower() in _FEMALE for name in _SEX)
            out[link[0].id] = self.citizen_id(born.year, female=female)
        return out

    def value(self, field: Field, path: tuple[str, ...]) -> Any:
        kind, variant = field.type, self.variant
        if kind == "group":
            return self.container(field.fields, path)
        if kind == "list":
            rows = max(field.min_items or 0, 1)
            return [self.container(field.fields, path) for _ in range(rows)]
        if kind == "boolean":
            self.booleans += 1
            default = field.default if isinstance(field.default, bool) else False
            return default ^ bool((variant >> (self.booleans % 3)) & 1)
        if kind == "choice":
            values = [o.value for o in field.options]
            start = values.index(field.default) if field.default in values else 0
            return values[(start + variant * (len(path) + 1)) % len(values)]
        if kind == "multichoice":
            values = [o.value for o in field.options]
            count = max(field.min_items or 0, 1)
            return [values[(variant + i) % len(values)] for i in range(min(count, len(values)))]
        if kind in ("text", "textarea"):
            return self.text(field)
        if kind in ("integer", "money", "decimal"):
            return self.number(field)
        if kind == "date":
            return self.dates[path].isoformat()
        if kind == "datetime":
            return f"{self.dates[path].isoformat()}T08:30:00+07:00"
        if kind == "citizen_id":
            return self.citizen_id(self.today.year - 20, female=False)
        if kind == "file":
            accept = field.accept or ("pdf",)
            return {"id": f"tep-{self._next()}", "name": f"ho-so.{accept[0]}", "size": 102_400}
        example = self.form.types[path].example
        return None if example is None else example(field, self._next())

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def citizen_id(self, year: int, *, female: bool) -> str:
        digits = citizen_id_birth_digits(year) or ("206", "306")
        return f"001{digits[1] if female else digits[0]}{123450 + self._next():06d}"

    def text(self, field: Field) -> str:
        high = field.max_length or 500
        if field.pattern:
            compiled = re.compile(anchored(field.pattern))
            hints = [field.placeholder.vi, field.placeholder.en] if field.placeholder else []
            hints += [field.default] if isinstance(field.default, str) else []
            hints.append(example_from_pattern(field.pattern, self.variant))
            for hint in hints:
                if isinstance(hint, str) and compiled.search(hint) and len(hint) <= high:
                    return hint
        if field.id in ("full_name", "account_holder", "holder_name"):
            text = _NAMES[self.serial % len(_NAMES)]
            self._next()
        elif field.type == "textarea":
            text = f"{field.label.vi}: nội dung điền làm ví dụ."
        else:
            text = field.placeholder.vi if field.placeholder else field.label.vi
        text = text[:high].strip()
        return text.ljust(max(field.min_length or 1, len(text)), "x")

    def number(self, field: Field) -> int | float:
        floor = 0 if field.type == "money" else None
        low, high = number_bound(field, "minimum", floor), number_bound(field, "maximum")
        wanted: int | float = {"integer": 100, "decimal": 2.5, "money": 100_000}[field.type]
        if field.type == "integer" and "year" in field.id:
            wanted = self.today.year - 2
        elif field.type == "integer" and "count" in field.id:
            wanted = 1
        if low is not None and wanted < low:
            wanted = low
        if high is not None and wanted > high:
            wanted = high
        return json_number(wanted) if field.type != "decimal" else wanted


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def example_from_pattern(pattern: str, variant: int = 0) -> str | None:
    """A string matching ``pattern`` (a common subset of regular expressions), or ``None``.

    >>> example_from_pattern(r"^[0-9]{6,20}$")
    '000000'
    >>> example_from_pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", 1)
    '21:11'
    """
    try:
        # The standard library's own regular-expression parser (public as sre_parse until 3.11).
        parser: Any = importlib.import_module("re._parser")
        tree = parser.parse(pattern)
    except (ImportError, re.error):
        return None
    out: list[str] = []
    try:
        _emit(tree, out, variant)
    except _Unsupported:
        return None
    text = "".join(out)
    return text if re.search(pattern, text) else None


class _Unsupported(Exception):
    pass


_CATEGORIES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_WORD": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_NOT_SPACE": "a",
}


def _emit(items: Any, out: list[str], variant: int) -> None:
    for op, argument in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(argument))
        elif name in ("ANY", "NOT_LITERAL"):
            out.append("a" if argument != ord("a") else "b")
        elif name == "IN":
            out.append(_pick(argument, variant))
        elif name == "CATEGORY":
            out.append(_CATEGORIES.get(str(argument), "a"))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = argument
            for _ in range(max(low, 1) if low == 0 and variant else low):
                _emit(sub, out, variant)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            _emit(argument[-1], out, variant)
        elif name == "BRANCH":
            branches = argument[1]
            _emit(branches[variant % len(branches)], out, variant)
        elif name != "AT":
            raise _Unsupported(name)


def _pick(members: Any, variant: int) -> str:
    for op, argument in members:
        name = str(op)
        if name == "NEGATE":
            raise _Unsupported(name)
        if name == "LITERAL":
            return chr(argument)
        if name == "RANGE":
            low, high = argument
            return chr(low + variant % (high - low + 1))
        if name == "CATEGORY":
            return _CATEGORIES.get(str(argument), "a")
    raise _Unsupported("IN")
