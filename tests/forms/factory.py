"""Specs for the forms tests: the bundled procedures, and small ones built around a few fields."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable
from functools import cache

import procgen
from procgen.spec.models import ProcedureSpec
from tests.conftest import DEFINITIONS, definition_files

DEFINITIONS_DIR = DEFINITIONS

#: A day inside the military-admissions registration window (25/03-20/05), so that every
#: bundled procedure can be satisfied; dates in the tests are relative to it.
TODAY = dt.date(2026, 4, 15)

_HEAD = """\
code: T-FORMS-01
name: {vi: Thử nghiệm biểu mẫu, en: Form trial}
sector: test
level: commune
agency: {name: {vi: UBND xã, en: Commune people's committee}}
deadline: 3 working days
roles:
  - {id: officer, label: {vi: Cán bộ, en: Officer}}
"""
_STEPS = """\
steps:
  - id: review
    label: {vi: Xem xét, en: Review}
    role: officer
    status: 4
    actions:
      - {id: approve, to: done, label: {vi: Duyệt, en: Approve}}
  - {id: done, label: {vi: Xong, en: Done}, outcome: approved, status: 10}
"""


def form_spec(
    fields: str, rules: str = "", *, field_types: Iterable[str] | None = None
) -> ProcedureSpec:
    """A procedure whose form holds ``fields`` (YAML list items) and top-level ``rules``."""
    text = _HEAD + "fields:\n" + textwrap.indent(textwrap.dedent(fields).strip("\n"), "  ") + "\n"
    if rules:
        text += "rules:\n" + textwrap.indent(textwrap.dedent(rules).strip("\n"), "  ") + "\n"
    return procgen.loads(text + _STEPS, "forms-test.yaml", field_types=field_types)


def one_field(kind: str, extra: str = "", *, required: bool = True) -> ProcedureSpec:
    """A procedure with one field ``value`` of type ``kind`` (``extra``: more YAML keys)."""
    label = "{vi: Giá trị, en: Value}"
    keys = f"id: value, type: {kind}, label: {label}, required: {str(required).lower()}"
    return form_spec(f"- {{{keys}{', ' + extra if extra else ''}}}")


@cache
def bundled() -> dict[str, ProcedureSpec]:
    """Every procedure under ``definitions/``, by file name (without ``.yaml``)."""
    return {path.stem: procgen.load(path) for path in definition_files()}


def bundled_names() -> list[str]:
    return sorted(path.stem for path in definition_files())
