"""Data tables: a payload as rows, and a row's value as a person types it.

:func:`payload_rows` flattens the submission's data into dotted paths in the form's order
(``pilots.0.full_name``, ``address.province``); :func:`typed_text` writes a value the way
the form's own parsing reads it back, in the feature's language (``có``/``yes``, ``2,5``/
``2.5``, ``25/06/2026``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from procgen.spec.models import Field, ProcedureSpec
from procgen.spec.text import Text
from procgen.testing.scenarios.plan import Language, Row

__all__ = ["payload_rows", "typed_text"]

_BOOLEANS: Mapping[str, tuple[str, str]] = {"vi": ("có", "không"), "en": ("yes", "no")}


def payload_rows(spec: ProcedureSpec, payload: Mapping[str, Any]) -> Iterator[Row]:
    """The payload as ``(dotted path, value, type)`` rows, in the form's order."""
    yield from _container_rows(spec.fields, payload, "")


def _container_rows(fields: Sequence[Field], data: Mapping[str, Any], prefix: str) -> Iterator[Row]:
    by_id = {f.id: f for f in fields}
    for key, value in data.items():
        path = f"{prefix}{key}"
        f = by_id.get(key)
        if value is None:
            continue
        if f is None:
            yield Row(path, value, "text")
        elif f.type == "group" and isinstance(value, Mapping):
            yield from _container_rows(f.fields, value, f"{path}.")
        elif f.type == "list" and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from _container_rows(f.fields, item, f"{path}.{index}.")
        elif isinstance(value, Mapping) and f.type != "file":  # e.g. an address
            for part, inner in value.items():
                if inner is not None:
                    yield Row(f"{path}.{part}", inner, "text")
        else:
            yield Row(path, value, f.type)


def typed_text(row: Row, language: Language) -> str:
    """A value as a person types it in the form."""
    value, kind = row.value, row.kind
    if isinstance(value, Text):
        return value.get(language)
    if isinstance(value, bool):
        yes, no = _BOOLEANS[language]
        return yes if value else no
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if kind == "datetime" and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone(dt.timedelta(hours=7)))
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float | Decimal):
        text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        return text.replace(".", ",") if language == "vi" else text
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
