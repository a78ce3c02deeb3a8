"""Typed data as form answers: what the browser would have posted for it.

The wizard keeps answers as posted (``{dotted name: [values]}``); these functions go the other
way, for a draft's defaults and for data that exists before the applicant types it (a prefill,
a test's ``example_payload``): ``True`` → ``"true"``, a date → ``2026-06-25``, a multichoice →
one value per option, an address → one value per part, list rows → indexed names.

    >>> encode_values((), {})
    ({}, {})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from procgen.spec.models import Field, ProcedureSpec

__all__ = ["Rows", "Values", "defaults", "encode_values", "initial_values"]

#: Answers as posted: ``{dotted name: [values]}``.
Values = dict[str, list[str]]
#: How many rows each list shows: ``{dotted path of the list: count}``.
Rows = dict[str, int]


def _encode_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _encode(f: Field, value: Any, name: str) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if f.type == "group" and isinstance(value, Mapping):
        for child in f.fields:
            yield from _encode(child, value.get(child.id), f"{name}.{child.id}")
    elif f.type == "list" and isinstance(value, list | tuple):
        for i, row in enumerate(value):
            if isinstance(row, Mapping):
                for child in f.fields:
                    yield from _encode(child, row.get(child.id), f"{name}.{i}.{child.id}")
    elif isinstance(value, Mapping):  # a compound widget (address): one input per part
        for part, item in value.items():
            if item is not None:
                yield f"{name}.{part}", _encode_scalar(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield name, _encode_scalar(item)
    else:
        yield name, _encode_scalar(value)


def encode_values(spec_fields: Sequence[Field], data: Mapping[str, Any]) -> tuple[Values, Rows]:
    """Typed data (e.g. ``example_payload``, a prefill) as form answers and list row counts."""
    values: Values = {}
    rows: Rows = {}
    for f in spec_fields:
        for name, value in _encode(f, data.get(f.id), f.id):
            values.setdefault(name, []).append(value)
    for path, (_, items) in _lists(spec_fields, "", data):
        rows[path] = len(items)
    return values, rows


def _lists(
    fields: Sequence[Field], prefix: str, data: Any
) -> Iterator[tuple[str, tuple[Field, Sequence[Any]]]]:
    if not isinstance(data, Mapping):
        return
    for f in fields:
        value = data.get(f.id)
        path = f"{prefix}{f.id}"
        if f.type == "list" and isinstance(value, list | tuple):
            yield path, (f, value)
            for i, row in enumerate(value):
                yield from _lists(f.fields, f"{path}.{i}.", row)
        elif f.type == "group":
            yield from _lists(f.fields, f"{path}.", value)


def defaults(fields: Sequence[Field], prefix: str) -> Iterator[tuple[str, list[str]]]:
    for f in fields:
        name = f"{prefix}.{f.id}" if prefix else f.id
        if f.type == "group":
            yield from defaults(f.fields, name)
        elif f.type != "list" and f.default is not None:
            encoded = [v for _, v in _encode(f, f.default, name)]
            if encoded:
                yield name, encoded


def initial_values(spec: ProcedureSpec) -> Values:
    """The answers a new draft starts with: the fields' ``default`` values."""
    return dict(defaults(spec.fields, ""))
