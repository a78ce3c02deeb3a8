"""Differential: the generated model and the generated JSON Schema accept the same payloads.

*Structural* validity is what JSON Schema 2020-12 decides with the schema's standard keywords
(``type``, ``properties``, ``required``, ``additionalProperties``, ``items``, ``minItems``,
``maxItems``, ``uniqueItems``, ``minLength``, ``maxLength``, ``pattern``, ``not``, ``minimum``,
``maximum``, ``const``/``oneOf``/``anyOf``); ``jsonschema`` ignores the vendor keywords, as every
validator does. On the model's side a payload is structurally valid when ``model_validate``
raises no error, or only errors that come from a check the schema names in
``x-procgen-check`` (:func:`procgen.forms.error_check`): a real calendar date, a known CCCD
province prefix, CCCD/birth-date agreement, a tax code's check digit, an address's units. The
model runs such a check only on a value whose structure is valid, so ignoring them hides no
structural error. ``when`` and rules are not part of the model (``validate_payload`` runs them).

The same payloads also check that the model's native fast paths change nothing: the model and
the model built from the exact annotations alone (every ``FieldType.fast`` removed) give the
same values, of the same types, or the same errors (type, location, message, input, context).

Payloads come from the schema itself (strings, numbers and enumerations drawn by
``hypothesis_jsonschema.from_schema``; objects and lists composed here, because
``hypothesis-jsonschema`` 0.23.1's object strategy calls a Hypothesis internal that current
Hypothesis no longer has: ``'many' object has no attribute 'more'``), and two thirds of the
examples are mutations of them: one value, picked with the schema that describes it, replaced
by a value at or just past a limit (lengths, ranges, list sizes), a number as a string, a
fraction for an integer, a boolean for a number, ``null``, an object with a key missing or an
unknown one, a list with a duplicate, or any JSON value.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from procgen.forms import (
    CompiledForm,
    FieldTypeRegistry,
    compile_form,
    default_field_types,
    error_check,
    example_payload,
    payload_model,
    payload_schema,
)
from procgen.spec.models import ProcedureSpec
from tests.forms.factory import TODAY, bundled, bundled_names, form_spec

EVERY_TYPE = """
- {id: name, type: text, label: Tên, required: true, max_length: 20}
- {id: code, type: text, label: Mã, pattern: '[A-Z]{2}-[0-9]{3}'}
- {id: story, type: textarea, label: Trình bày, max_length: 300}
- {id: count, type: integer, label: Số lượng, minimum: -5, maximum: 50}
- {id: weight, type: decimal, label: Trọng lượng, minimum: 0.01, maximum: 150}
- {id: fee, type: money, label: Lệ phí, maximum: 5000000}
- {id: day, type: date, label: Ngày, required: true}
- {id: at, type: datetime, label: Thời điểm}
- {id: agree, type: boolean, label: Đồng ý}
- {id: kind, type: choice, label: Loại, options: [a, b, c]}
- {id: kinds, type: multichoice, label: Các loại, options: [a, b, c], max_items: 2}
- {id: email, type: email, label: Thư điện tử}
- {id: phone, type: phone, label: Điện thoại}
- {id: tax, type: tax_code, label: Mã số thuế}
- {id: attachment, type: file, label: Tệp, accept: [pdf], max_size: 1MB}
- id: person
  type: group
  label: Người khai
  fields:
    - {id: birth_date, type: date, label: Ngày sinh, required: true}
    - {id: citizen_id, type: citizen_id, label: Số định danh, required: true}
    - {id: address, type: address, label: Địa chỉ}
- id: rows
  type: list
  label: Các dòng
  min_items: 1
  max_items: 3
  fields:
    - {id: label, type: text, label: Nhãn, required: true, max_length: 10}
    - {id: amount, type: integer, label: Số, when: "item.label != ''"}
"""


def _specs() -> dict[str, ProcedureSpec]:
    return {**bundled(), "every-type": form_spec(EVERY_TYPE)}


# --------------------------------------------------------------------------- strategies


def _plain(schema: Any) -> Any:
    """The schema without vendor keywords or annotations, for hypothesis-jsonschema."""
    if isinstance(schema, dict):
        return {
            k: _plain(v)
            for k, v in schema.items()
            if not k.startswith("x-") and k not in ("title", "description", "examples", "default")
        }
    if isinstance(schema, list):
        return [_plain(v) for v in schema]
    return schema


def payloads(schema: dict[str, Any], *, full: bool = False) -> st.SearchStrategy[Any]:
    """Values the schema accepts (objects and lists built here, the rest by from_schema);
    ``full``: every property present and not null, lists of one row at least."""
    options = schema.get("anyOf")
    if options and {"type": "null"} in options:
        [inner] = [o for o in options if o != {"type": "null"}]
        return payloads(inner, full=full) if full else st.none() | payloads(inner)
    if schema.get("type") == "object" and "properties" in schema:
        required = set(schema.get("required", ())) if not full else set(schema["properties"])
        properties = schema["properties"]
        return st.fixed_dictionaries(
            {k: payloads(v, full=full) for k, v in properties.items() if k in required},
            optional={k: payloads(v) for k, v in properties.items() if k not in required},
        )
    if schema.get("type") == "array" and schema.get("items", {}).get("type") == "object":
        return st.lists(
            payloads(schema["items"], full=full),
            min_size=max(schema.get("minItems", 0), 1 if full else 0),
            max_size=schema.get("maxItems", 3),
        )
    return from_schema(_plain(schema))


def _branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of a nullable schema."""
    options = schema.get("anyOf")
    if options and {"type": "null"} in options:
        [inner] = [o for o in options if o != {"type": "null"}]
        return _branch(inner)
    return schema


def _slots(schema: dict[str, Any], value: Any, path: tuple[Any, ...] = ()) -> Iterator[Any]:
    """Every value of a payload with the schema that describes it."""
    node = _branch(schema)
    yield path, node, value
    if isinstance(value, dict) and "properties" in node:
        for key, child in value.items():
            if key in node["properties"]:
                yield from _slots(node["properties"][key], child, (*path, key))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, child in enumerate(value):
            yield from _slots(node["items"], child, (*path, index))


def _wrong_types(node: dict[str, Any], value: Any) -> list[Any]:
    out: list[Any] = [None, True, False, 0, 5.5, "5", [], {}]
    if isinstance(value, int | float) and not isinstance(value, bool):
        out += [str(value), float(value), value + 0.25, -value]
    return out


def _limits(node: dict[str, Any], value: Any) -> list[Any]:
    out: list[Any] = []
    for limit in (node.get("minimum"), node.get("maximum")):
        if limit is not None:
            out += [limit, limit - 1, limit + 1, limit - 0.5, limit + 0.5, float(limit)]
    if isinstance(value, str):
        filler = value[-1:] or "a"
        for size in (node.get("minLength"), node.get("maxLength")):
            if size is not None:
                padded = (value + filler * size)[:size]
                out += [padded, padded + filler, padded[:-1]]
    if isinstance(value, list):
        out += [value + value[:1], value[:-1], value * 4, []]
    return out


def _texts(node: dict[str, Any], value: Any) -> list[Any]:
    if not isinstance(value, str):
        return []
    out = ["", " ", value + "\n", " " + value, value.upper(), value[:-1], value + value, 5]
    return out + [option["const"].upper() for option in node.get("oneOf", ())]


def _objects(node: dict[str, Any], value: Any) -> list[Any]:
    if not isinstance(value, dict) or "properties" not in node:
        return []
    out: list[Any] = [{**value, "khac": 1}, [value]]
    out += [{k: v for k, v in value.items() if k != key} for key in value]
    return out + [{**value, key: None} for key in node["properties"]]


MUTATIONS = (_wrong_types, _limits, _texts, _objects)


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[Any], schema: dict[str, Any]) -> Any:
    """A payload with one value replaced: by a wrong type, a value at or just past a limit, a
    string one edit away, an object with a key missing, unknown or null, or any JSON value."""
    payload = copy.deepcopy(draw(base))
    kind = draw(st.sampled_from((*MUTATIONS, None)))
    slots = list(_slots(schema, payload))
    if kind is not None:
        slots = [slot for slot in slots if kind(slot[1], slot[2])] or slots
    path, node, value = draw(st.sampled_from(slots))
    candidates = kind(node, value) if kind is not None else []
    replacement = draw(st.sampled_from(candidates) if candidates else ANY_JSON)
    if not path:
        return replacement
    parent = payload
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = replacement
    return payload


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=4,
)


# --------------------------------------------------------------------------- the property


def structurally_valid(model: type[BaseModel], payload: Any) -> bool:
    try:
        model.model_validate(payload)
    except ValidationError as exc:
        return all(error_check(error) is not None for error in exc.errors())
    return True


@cache
def exact_types() -> FieldTypeRegistry:
    """The built-in types without their fast paths: only the exact annotations validate."""
    registry = default_field_types()
    for field_type in list(registry):
        if field_type.fast is not None:
            registry.register(dataclasses.replace(field_type, fast=None), replace=True)
    return registry


def outcome(model: type[BaseModel], payload: Any) -> Any:
    """The values (with their types) of a valid payload, or its errors, in full."""
    try:
        instance = model.model_validate(payload)
    except ValidationError as exc:
        return [
            (e["type"], e["loc"], e["msg"], repr(e["input"]), repr(e.get("ctx")))
            for e in exc.errors()
        ]
    return _typed(instance.model_dump(by_alias=True))


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return type(value).__name__, repr(value)


@functools.cache
def _forms(name: str) -> tuple[CompiledForm, CompiledForm]:
    """The compiled form of spec ``name`` with its fast paths, and without them (compiled once)."""
    spec = _specs()[name]
    return compile_form(spec), compile_form(spec, exact_types())


def same_as_exact(name: str, payload: Any) -> None:
    """The model with its fast paths and without them agree on ``payload``, errors included."""
    fast, exact = (form.model() for form in _forms(name))
    assert outcome(fast, payload) == outcome(exact, payload), payload


@pytest.mark.parametrize("name", [*bundled_names(), "every-type"])
def test_model_and_schema_accept_the_same_payloads(name: str) -> None:
    form = _forms(name)[0]
    schema = payload_schema(form)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    model = payload_model(form)
    generated = payloads(schema)
    outcomes: list[bool] = []

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.one_of(generated, mutated(generated, schema), mutated(generated, schema)))
    def agree(payload: Any) -> None:
        expected = validator.is_valid(payload)
        assert structurally_valid(model, payload) is expected, (
            f"jsonschema says {expected}: {[e.message for e in validator.iter_errors(payload)][:3]}"
        )
        same_as_exact(name, payload)
        outcomes.append(expected)

    agree()
    # Both sides of the property were exercised, not just one.
    assert outcomes.count(True) >= 20, outcomes.count(True)
    assert outcomes.count(False) >= 20, outcomes.count(False)


def _neighbours(schema: dict[str, Any], base: Any) -> Iterator[Any]:
    """``base`` with one value replaced by each of its mutations, one at a time."""
    for path, node, value in list(_slots(schema, base)):
        for mutation in MUTATIONS:
            for replacement in mutation(node, value):
                if not path:
                    yield replacement
                    continue
                payload = copy.deepcopy(base)
                parent = payload
                for part in path[:-1]:
                    parent = parent[part]
                parent[path[-1]] = replacement
                yield payload


@pytest.mark.parametrize("name", [*bundled_names(), "every-type"])
def test_model_and_schema_agree_next_to_every_value(name: str) -> None:
    """Every value of full payloads (the example payload, and a few with every field present),
    replaced by each of its mutations, one at a time: a systematic check next to the limits."""
    form = _forms(name)[0]
    schema = payload_schema(form)
    validator = Draft202012Validator(schema)
    model = payload_model(form)
    checked: list[int] = []

    def around(base: Any) -> None:
        assert validator.is_valid(base)
        for payload in _neighbours(schema, base):
            expected = validator.is_valid(payload)
            assert structurally_valid(model, payload) is expected, payload
            same_as_exact(name, payload)
            checked.append(1)

    around(example_payload(form, today=TODAY))

    @settings(max_examples=3, deadline=None, phases=[Phase.generate], database=None)
    @given(payloads(schema, full=True))
    def full(base: Any) -> None:
        around(base)

    full()
    assert len(checked) > 200
