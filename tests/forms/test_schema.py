"""payload_schema: JSON Schema 2020-12, valid against the meta-schema, nothing silently dropped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from procgen.forms import example_payload, payload_schema
from tests.forms.factory import TODAY, bundled, bundled_names, form_spec, one_field


def _objects(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if "properties" in schema:
            yield schema
        for value in schema.values():
            yield from _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _objects(value)


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_schema_is_valid_2020_12(name: str) -> None:
    schema = payload_schema(bundled()[name])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(schema, ensure_ascii=False)) == schema  # plain JSON
    for node in _objects(schema):
        assert node["additionalProperties"] is False
        for key in node.get("required", ()):
            assert "x-procgen-when" not in node["properties"][key], key


@pytest.mark.parametrize("name", bundled_names())
def test_the_example_payload_is_valid_against_the_schema(name: str) -> None:
    spec = bundled()[name]
    Draft202012Validator(payload_schema(spec)).validate(example_payload(spec, today=TODAY))


def test_each_call_gives_a_new_copy() -> None:
    spec = bundled()["uav-cap-phep-bay"]
    first = payload_schema(spec)
    first["properties"].clear()
    assert payload_schema(spec)["properties"]


def test_what_json_schema_cannot_say_is_named() -> None:
    schema = payload_schema(bundled()["uav-cap-phep-bay"])
    properties = schema["properties"]
    assert schema["$id"] == "urn:procgen:BQP-UAV-01:v1"
    assert schema["x-procgen-procedure"] == {"code": "BQP-UAV-01", "version": 1}
    assert [rule["fields"] for rule in schema["x-procgen-rules"]] == [
        ["flight_end_date"],
        ["daily_end_time"],
        ["pilots"],
        ["pilots"],
    ]
    assert (
        schema["x-procgen-rules"][0]["message"]["en"]
        == "The last day of flight cannot be before the first."
    )
    assert schema["x-procgen-lead-times"] == [
        {"field": "flight_start_date", "at_least": "7 working days"}
    ]
    details = properties["purpose_details"]
    assert details["x-procgen-when"] == "'other' in purposes"
    assert details["x-procgen-required"] is True
    assert "purpose_details" not in schema["required"]
    pilot = properties["pilots"]["items"]["properties"]
    assert pilot["citizen_id"]["x-procgen-check"] == ["citizen_id", "citizen_id_birth_date"]
    assert pilot["birth_date"]["x-procgen-check"] == ["date"]
    assert properties["takeoff_address"]["x-procgen-check"] == ["address"]
    organisation = properties["organisation"]
    assert organisation["anyOf"][0]["properties"]["tax_code"]["x-procgen-check"] == ["tax_code"]


def test_labels_in_both_languages() -> None:
    schema = payload_schema(bundled()["uav-cap-phep-bay"])
    control = schema["properties"]["control_method"]
    assert control["title"] == "Phương pháp điều khiển"
    assert control["x-procgen-label"] == {"vi": "Phương pháp điều khiển", "en": "Control method"}
    assert control["oneOf"][0] == {
        "const": "visual",
        "title": "Quan sát bằng trực quan",
        "x-procgen-label": {"vi": "Quan sát bằng trực quan", "en": "Visual line of sight"},
    }


@pytest.mark.parametrize(
    ("kind", "extra", "fragment"),
    [
        ("text", "max_length: 100", {"type": "string", "minLength": 1, "maxLength": 100,
                                     "pattern": r"\S", "not": {"pattern": r"[\r\n]"}}),
        ("text", "pattern: '[0-9]{6,20}'", {"pattern": "^(?:[0-9]{6,20})$"}),
        ("textarea", "", {"type": "string", "maxLength": 10000, "pattern": r"\S"}),
        ("integer", "minimum: 1, maximum: 10000", {"type": "integer", "minimum": 1,
                                                   "maximum": 10000}),
        ("decimal", "minimum: 0.01", {"type": "number", "minimum": 0.01}),
        ("money", "", {"type": "integer", "minimum": 0}),
        ("boolean", "", {"type": "boolean", "default": False}),
        ("date", "minimum: 1950-01-01", {"type": "string", "x-procgen-minimum": "1950-01-01",
                                         "x-procgen-check": ["date"]}),
        ("datetime", "", {"type": "string", "x-procgen-check": ["datetime"]}),
        ("multichoice", "options: [a, b], max_items: 2", {"type": "array", "uniqueItems": True,
                                                          "minItems": 1, "maxItems": 2}),
        ("citizen_id", "", {"type": "string", "pattern": "^[0-9]{12}$",
                            "x-procgen-check": ["citizen_id"]}),
        ("email", "", {"type": "string", "maxLength": 254}),
        ("file", "accept: [pdf], max_size: 2MB", {"type": "object",
                                                  "required": ["id", "name", "size"]}),
    ],
)  # fmt: skip
def test_fragments(kind: str, extra: str, fragment: dict[str, Any]) -> None:
    schema = payload_schema(one_field(kind, extra))
    value = schema["properties"]["value"]
    assert fragment.items() <= value.items(), value
    assert schema["required"] == ["value"]


def test_a_field_that_is_not_required_also_accepts_null() -> None:
    schema = payload_schema(one_field("phone", required=False))
    value = schema["properties"]["value"]
    assert value["anyOf"][1] == {"type": "null"}
    assert "required" not in schema
    validator = Draft202012Validator(schema)
    assert validator.is_valid({})
    assert validator.is_valid({"value": None})
    assert validator.is_valid({"value": "0912 345 678"})
    assert not validator.is_valid({"value": "12"})


def test_a_group_is_required_when_a_field_in_it_is() -> None:
    spec = form_spec(
        """
        - id: person
          type: group
          label: Người khai
          fields:
            - {id: name, type: text, label: Tên, required: true}
        - id: family
          type: group
          label: Gia đình
          fields:
            - {id: father, type: text, label: Cha}
        """
    )
    schema = payload_schema(spec)
    assert schema["required"] == ["person"]
    assert schema["properties"]["person"]["required"] == ["name"]
    assert "anyOf" in schema["properties"]["family"]


def test_rules_of_a_field_are_on_the_field() -> None:
    spec = form_spec(
        """
        - id: learned_on
          type: date
          label: Ngày biết được
          rules:
            - check: "learned_on <= today"
              message: {vi: Không được sau hôm nay., en: Not after today.}
        """
    )
    schema = payload_schema(spec)
    assert schema["properties"]["learned_on"]["x-procgen-rules"] == [
        {
            "check": "learned_on <= today",
            "message": {"vi": "Không được sau hôm nay.", "en": "Not after today."},
        }
    ]
    assert "x-procgen-rules" not in schema
