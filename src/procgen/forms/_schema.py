"""The JSON Schema (2020-12) of a procedure's payload, for API clients and form tools.

The schema says what JSON Schema can say: types, required fields, lengths, patterns, ranges,
options (``oneOf`` of ``const`` with a ``title``), list sizes, no unknown keys. It agrees with
:func:`~procgen.forms.payload_model` on every payload (a property test checks it). What it cannot
say is named in vendor keywords, never dropped:

``x-procgen-when``
    the CEL condition that shows the field. Such a field is never in ``required`` (JSON
    Schema cannot evaluate the condition); ``x-procgen-required: true`` says it is required
    while shown.
``x-procgen-rules``
    the CEL rules of the form (on the root) or of a field, with their messages.
``x-procgen-check``
    checks of a value beyond its schema: ``date``/``datetime`` (a real date), ``citizen_id``
    (a known province prefix), ``citizen_id_birth_date`` (agrees with the sibling date named
    in ``x-procgen-birth-date``), ``tax_code`` (the check digit), ``address`` (the province and
    commune exist and the commune is in the province), and those of custom field types.
``x-procgen-minimum`` / ``x-procgen-maximum``
    the earliest and latest dates of a date field.
``x-procgen-lead-times``
    dates that must be far enough ahead of submission (checked by the workflow).
``x-procgen-label``
    the bilingual label (``title`` holds the Vietnamese one).

A field that is not required also accepts ``null``, which means absent.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from procgen.forms._model import CompiledForm, birth_date_link, form_of
from procgen.forms.types import FieldTypeRegistry
from procgen.spec.models import Field, ProcedureSpec, Rule

__all__ = ["DIALECT", "payload_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def payload_schema(
    spec: CompiledForm | ProcedureSpec, *, field_types: FieldTypeRegistry | None = None
) -> dict[str, Any]:
    """The JSON Schema 2020-12 of the payload of ``spec`` (a new copy each call).

    >>> import procgen
    >>> spec = procgen.load("definitions/uav-cap-phep-bay.yaml")
    >>> altitude = payload_schema(spec)["properties"]["max_altitude_m"]
    >>> altitude["type"], altitude["minimum"], altitude["maximum"]
    ('integer', 1, 10000)
    """
    form = form_of(spec, field_types)
    schema = form.cache.get("schema")
    if schema is None:
        schema = _root(form)
        form.cache["schema"] = schema
    return copy.deepcopy(schema)


def _root(form: CompiledForm) -> dict[str, Any]:
    spec = form.spec
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"urn:procgen:{spec.code}:v{spec.version}",
        "title": spec.name.vi,
        "x-procgen-label": spec.name.model_dump(exclude_none=True),
        "x-procgen-procedure": {"code": spec.code, "version": spec.version},
        **_object(form, spec.fields, ()),
    }
    if spec.rules:
        schema["x-procgen-rules"] = [_rule(rule) for rule in spec.rules]
    leads: list[dict[str, Any]] = []
    for case in spec.effective_cases():
        for lead in case.lead_times:
            entry = {"field": lead.field, "at_least": str(lead.at_least)}
            if len(spec.cases) > 1:
                entry["case"] = case.id
            if entry not in leads:
                leads.append(entry)
    if leads:
        schema["x-procgen-lead-times"] = leads
    return schema


def _object(form: CompiledForm, fields: Sequence[Field], prefix: tuple[str, ...]) -> dict[str, Any]:
    link = birth_date_link(fields)
    properties = {f.id: _property(form, f, (*prefix, f.id), link) for f in fields}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [f.id for f in fields if form.in_required(f)]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _property(
    form: CompiledForm, field: Field, path: tuple[str, ...], link: tuple[Field, Field] | None
) -> dict[str, Any]:
    if field.type == "group":
        value = _object(form, field.fields, path)
    elif field.type == "list":
        value = {"type": "array", "items": _object(form, field.fields, path)}
        low = max(field.min_items or 0, 1 if field.required else 0)
        if low:
            value["minItems"] = low
        if field.max_items is not None:
            value["maxItems"] = field.max_items
    else:
        field_type = form.types[path]
        build = field_type.json_schema
        value = build(field) if build is not None else {}
        checks = list(field_type.checks)
        if link is not None and link[0] is field:
            checks.append("citizen_id_birth_date")
            value["x-procgen-birth-date"] = link[1].id
        if checks:
            value["x-procgen-check"] = checks
    notes: dict[str, Any] = {
        "title": field.label.vi,
        "x-procgen-label": field.label.model_dump(exclude_none=True),
    }
    if field.help is not None:
        notes["description"] = field.help.vi
    if field.type == "boolean":
        notes["default"] = field.default if isinstance(field.default, bool) else False
    if field.when is not None:
        notes["x-procgen-when"] = field.when
        if field.required:
            notes["x-procgen-required"] = True
    if field.rules:
        notes["x-procgen-rules"] = [_rule(rule) for rule in field.rules]
    if form.in_required(field):
        return {**notes, **{k: v for k, v in value.items() if k not in notes}}
    return {**notes, "anyOf": [value, {"type": "null"}]}


def _rule(rule: Rule) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "check": rule.check,
        "message": rule.message.model_dump(exclude_none=True),
    }
    if rule.fields:
        entry["fields"] = list(rule.fields)
    return entry
