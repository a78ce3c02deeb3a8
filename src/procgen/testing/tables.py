"""Gherkin data tables and step values turned into what the API takes.

A submission table is a list of rows ``[path, value]`` under a header row; the paths are
dotted (``pilots.0.full_name``) and the values are typed as a person types them in the form,
so they go through the form's own parsing (:func:`procgen.forms.from_form` with the
procedure's compiled form, so a deployment's own field types parse theirs): ``25/06/2026``,
``1.500.000``, ``có``. A multiple choice is written ``a, b``::

    >>> table_pairs([["field", "value"], ["purposes", "a, b"], ["name", "An"]], {"purposes"})
    [('purposes', 'a'), ('purposes', 'b'), ('name', 'An')]

Moments are local (Hà Nội) times as people write them::

    >>> parse_local_moment("29/04/2026 09:30")
    datetime.datetime(2026, 4, 29, 9, 30)
    >>> parse_local_moment("29/04/2026")
    datetime.datetime(2026, 4, 29, 8, 0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from procgen.forms import CompiledForm, FieldTypeRegistry, form_of, from_form
from procgen.procedure import Procedure
from procgen.spec.models import ProcedureSpec

__all__ = [
    "OPENING",
    "Table",
    "TableError",
    "input_values",
    "parse_due",
    "parse_local_date",
    "parse_local_moment",
    "payload_from_table",
    "table_pairs",
    "table_values",
    "typed_input",
]

Table = Sequence[Sequence[str]]
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_MOMENT_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
#: The time of day a bare date stands for: the office opens.
OPENING = dt.time(8, 0)


class TableError(AssertionError):
    """A data table or a step value the step cannot read (said in the failing step)."""


def parse_local_date(text: str) -> dt.date:
    """``29/04/2026`` or ``2026-04-29``."""
    cleaned = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise TableError(f"{text!r} is not a date: write it dd/mm/yyyy, e.g. 29/04/2026")


def parse_local_moment(text: str) -> dt.datetime:
    """A naive local time: ``29/04/2026 09:30``, ``29/04/2026`` (08:00) or ISO 8601."""
    cleaned = text.strip()
    for fmt in _MOMENT_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    try:
        return dt.datetime.combine(parse_local_date(cleaned), OPENING)
    except TableError:
        raise TableError(
            f"{text!r} is not a time: write dd/mm/yyyy HH:MM, e.g. 29/04/2026 09:30"
        ) from None


def _rows(table: Table, *, columns: int) -> list[Sequence[str]]:
    if not table:
        raise TableError("the data table is empty: give a header row and one row per value")
    header, *rows = table
    if len(header) != columns:
        raise TableError(
            f"the data table has {len(header)} columns ({' | '.join(header)}); "
            f"it must have {columns}"
        )
    return rows


def table_values(table: Table) -> list[str]:
    """The first column of a one-column table, without its header."""
    return [row[0].strip() for row in _rows(table, columns=1)]


def table_pairs(table: Table, multichoice: Collection[str] = ()) -> list[tuple[str, str]]:
    """``(path, value)`` pairs of a two-column table; ``multichoice`` paths split on commas."""
    pairs: list[tuple[str, str]] = []
    for row in _rows(table, columns=2):
        path, value = row[0].strip(), row[1]
        if not path:
            raise TableError(f"a row of the data table has no field path: {list(row)}")
        static = ".".join(p for p in path.split(".") if not p.isdigit())
        if static in multichoice:
            pairs += [(path, v.strip()) for v in value.split(",") if v.strip()]
        else:
            pairs.append((path, value))
    return pairs


def payload_from_table(
    form: Procedure | CompiledForm | ProcedureSpec,
    table: Table,
    *,
    field_types: FieldTypeRegistry | None = None,
) -> dict[str, Any]:
    """The payload a table describes, each value parsed by its field's type.

    Args:
        form: the procedure (or its compiled form): its field types parse the values, a
            deployment's own types included. A bare spec is compiled with ``field_types``
            (default: the built-in types).
        table: the data table, a header row then ``[path, value]`` rows.
        field_types: only with a bare spec.
    """
    compiled = form_of(form.form if isinstance(form, Procedure) else form, field_types)
    multichoice = {".".join(path) for path, f in compiled.fields.items() if f.type == "multichoice"}
    return from_form(compiled, table_pairs(table, multichoice))


def input_values(table: Table | None, inputs: Sequence[dict[str, Any]]) -> dict[str, str]:
    """An action's inputs from a table, checked against the inputs the action takes
    (``inputs`` as ``GET /api/dossiers/{id}/actions`` lists them)."""
    if table is None:
        return {}
    known = {i["id"] for i in inputs}
    values: dict[str, str] = {}
    for path, value in table_pairs(table):
        if path not in known:
            raise TableError(
                f"the action takes no input {path!r}; its inputs: {', '.join(sorted(known)) or '-'}"
            )
        values[path] = value
    return values


def parse_due(text: str) -> tuple[dt.date, dt.time | None]:
    """A due date written ``08/05/2026`` or ``08/05/2026 17:00``."""
    cleaned = text.strip()
    if " " in cleaned:
        moment = parse_local_moment(cleaned)
        return moment.date(), moment.time()
    return parse_local_date(cleaned), None


def typed_input(kind: str, text: str) -> Any:
    """An action input typed as a person types it, as the JSON API takes it."""
    value = text.strip()
    if kind == "date":
        return parse_local_date(value).isoformat()
    if kind in ("integer", "money"):
        digits = value.replace(".", "").replace(",", "").replace(" ", "")
        return int(digits) if digits.lstrip("-").isdigit() else value
    if kind == "number":
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return value
    if kind == "boolean":
        lowered = value.lower()
        if lowered in ("có", "yes", "true", "1"):
            return True
        if lowered in ("không", "no", "false", "0"):
            return False
    if kind == "multichoice":
        return [v.strip() for v in value.split(",") if v.strip()]
    return value
