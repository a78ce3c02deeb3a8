"""A custom field type: the military unit code (số hiệu đơn vị), registered in one place.

A :class:`~procgen.forms.FieldType` bundles everything procgen needs about a type of field:
the pydantic annotation that validates a value, its JSON Schema, the template macro that
renders it, its CEL type, how an HTML form's text becomes a value, and the ``<input>``
attributes. Register it in a registry, load specs with the registry's names, and pass the
registry to the forms functions.

The unit code here is illustrative: five digits, the last a check digit computed from the
first four with weights 3, 1, 3, 1 (modulo 10), so that a mistyped digit is caught.

Once registered, the type works everywhere procgen reads specs; :func:`field_types` is the
registry to hand over (as an object, or as ``custom_field_type:field_types`` where a setting
names it)::

    registry = procgen.Registry.from_path("definitions", field_types=field_types())
    app = procgen.create_app(registry)            # API, wizard, pages: one compiled registry
    app = procgen.create_app("definitions", field_types=field_types())      # the same

    # the pytest plugin (pyproject.toml, [tool.pytest.ini_options]):
    #     procgen_field_types = "custom_field_type:field_types"
    # the command line (or [tool.procgen] field_types = "..." in pyproject.toml):
    #     procgen check --field-types custom_field_type:field_types
    #     procgen serve --field-types custom_field_type:field_types

Run it with ``python examples/custom_field_type.py``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Strict

import procgen
from procgen.forms import (
    FieldType,
    FieldTypeRegistry,
    default_field_types,
    example_payload,
    from_form,
    invalid,
    payload_schema,
    validate_payload,
)
from procgen.spec.models import Field

PATTERN = re.compile(r"^[0-9]{5}$")
WEIGHTS = (3, 1, 3, 1)
WRONG_SHAPE = {
    "vi": "“{label}” phải là số hiệu đơn vị gồm 5 chữ số, ví dụ 12342.",
    "en": "“{label}” must be a unit code of 5 digits, such as 12342.",
}
WRONG_CHECK = {
    "vi": "“{label}”: {value} không phải là số hiệu đơn vị hợp lệ (sai chữ số kiểm tra).",
    "en": "“{label}”: {value} is not a valid unit code (its check digit is wrong); check it.",
}


def check_digit(first_four: str) -> int:
    """The fifth digit of a unit code starting with ``first_four``."""
    total = sum(weight * int(digit) for weight, digit in zip(WEIGHTS, first_four, strict=True))
    return (10 - total % 10) % 10


def _validate(value: str) -> str:
    # The pattern is the one the JSON Schema holds: model and schema agree on the shape.
    if PATTERN.search(value) is None:
        raise invalid("unit_code", WRONG_SHAPE)
    code = value.strip()
    if int(code[4]) != check_digit(code[:4]):
        # A check JSON Schema cannot express: named, so the schema lists it.
        raise invalid("unit_code", WRONG_CHECK, check="unit_code", value=code)
    return code


def _example(field: Field, variant: int) -> str:
    first_four = f"{1234 + variant:04d}"
    return first_four + str(check_digit(first_four))


UNIT_CODE = FieldType(
    name="unit_code",
    annotation=lambda field: Annotated[str, Strict(), AfterValidator(_validate)],
    json_schema=lambda field: {
        "type": "string",
        "pattern": PATTERN.pattern,
        "description": "A military unit code: 5 digits, the last one a check digit.",
    },
    macro="text_input",
    cel_type="string",
    from_form=lambda text: "".join(text.split()),  # "12 342" -> "12342"
    input_attributes={"type": "text", "inputmode": "numeric", "autocomplete": "off"},
    checks=("unit_code",),
    example=_example,
)


def field_types() -> FieldTypeRegistry:
    """The built-in field types and ``unit_code``: the deployment's registry."""
    registry = default_field_types()
    registry.register(UNIT_CODE)
    return registry


SPEC = """\
code: EX-UNIT-01
name: {vi: Đăng ký tham gia huấn luyện, en: Registration for training}
sector: military-service
level: unit
agency: {name: {vi: Ban Chỉ huy quân sự, en: Military command}}
deadline: 3 working days
roles:
  - {id: officer, label: {vi: Trợ lý, en: Officer}}
fields:
  - {id: full_name, type: text, label: {vi: Họ và tên, en: Full name}, required: true}
  - id: unit
    type: group
    label: {vi: Đơn vị, en: Unit}
    fields:
      - {id: code, type: unit_code, label: {vi: Số hiệu đơn vị, en: Unit code}, required: true}
      - {id: name, type: text, label: {vi: Tên đơn vị, en: Unit name}}
rules:
  - check: "unit.code != '00000'"
    message: {vi: Số hiệu đơn vị không được toàn số 0., en: The unit code cannot be all zeros.}
    fields: [unit.code]
steps:
  - id: review
    label: {vi: Xem xét, en: Review}
    role: officer
    status: 4
    actions:
      - {id: approve, to: done, label: {vi: Duyệt, en: Approve}}
  - {id: done, label: {vi: Xong, en: Done}, outcome: approved, status: 10}
"""


def main() -> None:
    """Register the type, load a spec that uses it, and validate a few payloads."""
    registry = field_types()
    spec = procgen.loads(SPEC, "custom-field-type.yaml", field_types=registry.names())

    schema = payload_schema(spec, field_types=registry)
    unit_code: dict[str, Any] = schema["properties"]["unit"]["properties"]["code"]
    print(f"JSON Schema of unit.code: pattern {unit_code['pattern']}, "
          f"x-procgen-check {unit_code['x-procgen-check']}")  # fmt: skip

    posted = [("full_name", " Nguyễn Văn An "), ("unit.code", "12 342")]
    payload = from_form(spec, posted, field_types=registry)
    result = validate_payload(spec, payload, field_types=registry)
    print(f"form post {posted} -> {payload} -> valid: {result.ok}, cleaned {result.cleaned}")

    for locale in ("vi", "en"):
        bad = validate_payload(
            spec, {"full_name": "Nguyễn Văn An", "unit": {"code": "12345"}}, locale=locale,
            field_types=registry,
        )  # fmt: skip
        for error in bad.errors:
            print(f"[{locale}] {'.'.join(map(str, error.loc))}: {error.code}: {error.msg}")

    example = example_payload(spec, field_types=registry)
    print(f"example payload: {example}")


if __name__ == "__main__":
    main()
