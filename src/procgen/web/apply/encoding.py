"""A payload as form answers: what the browser would have posted for it.

The wizard keeps the applicant's answers as posted (``{dotted name: [strings]}``); these
functions go the other way, for a draft's defaults and for a payload that exists before the
applicant types anything (a prefill, a test's ``example_payload``): ``True`` → ``"true"``, a
date → ``2026-06-25``, a multichoice → one value per option, an address → one value per part,
list rows → indexed names.

    >>> encode_answers((), {})
    ({}, {})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from procgen.spec.models import Field, ProcedureSpec

__all__ = ["Answers", "Rows", "defaults", "encode_answers", "initial_answers"]

#: The applicant's answers as posted, strings as typed: ``{dotted name: [strings]}``.
Answers = dict[str, list[str]]
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


def encode_answers(
    spec_fields: Sequence[Field], payload: Mapping[str, Any]
) -> tuple[Answers, Rows]:
    """A payload (e.g. ``example_payload``, a prefill) as form answers and list row counts."""
    answers: Answers = {}
    rows: Rows = {}
    for f in spec_fields:
        for name, value in _encode(f, payload.get(f.id), f.id):
            answers.setdefault(name, []).append(value)
    for path, (_, items) in _lists(spec_fields, "", payload):
        rows[path] = len(items)
    return answers, rows


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


def initial_answers(spec: ProcedureSpec) -> Answers:
    """The answers a new draft starts with: the fields' ``default`` values."""
    return dict(defaults(spec.fields, ""))
