"""The extension point: examples/custom_field_type.py registers a military unit code type."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from procgen.forms import default_field_types, from_form, payload_schema, validate_payload
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def example() -> ModuleType:
    path = EXAMPLES / "custom_field_type.py"
    spec = importlib.util.spec_from_file_location("custom_field_type", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["custom_field_type"] = module
    spec.loader.exec_module(module)
    return module


def test_main_runs_and_says_what_happened(
    example: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    example.main()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "JSON Schema of unit.code: pattern ^[0-9]{5}$, x-procgen-check ['unit_code']"
    assert "valid: True" in out[1]
    assert "'code': '12342'" in out[1]
    assert out[2] == (
        "[vi] unit.code: unit_code: “Số hiệu đơn vị”: 12345 không phải là số hiệu đơn vị hợp lệ "
        "(sai chữ số kiểm tra)."
    )
    assert out[3].startswith(
        "[en] unit.code: unit_code: “Unit code”: 12345 is not a valid unit code"
    )
    assert out[4].startswith("example payload: {")


@pytest.mark.parametrize(
    ("code", "ok"), [("12342", True), ("00000", True), ("12345", False), ("99990", False)]
)
def test_check_digit(example: ModuleType, code: str, ok: bool) -> None:
    assert (int(code[4]) == example.check_digit(code[:4])) is ok


def test_the_type_works_everywhere(example: ModuleType) -> None:
    import procgen

    registry = default_field_types()
    registry.register(example.UNIT_CODE)
    spec = procgen.loads(example.SPEC, field_types=registry.names())
    schema = payload_schema(spec, field_types=registry)
    assert schema["properties"]["unit"]["properties"]["code"]["x-procgen-check"] == ["unit_code"]
    shape = validate_payload(
        spec, {"full_name": "An", "unit": {"code": "12"}}, field_types=registry
    )
    assert [(e.loc, e.code) for e in shape.errors] == [(("unit", "code"), "unit_code")]
    assert (
        shape.errors[0].msg == "“Số hiệu đơn vị” phải là số hiệu đơn vị gồm 5 chữ số, ví dụ 12342."
    )
    zeros = validate_payload(
        spec, {"full_name": "An", "unit": {"code": "00000"}}, field_types=registry
    )
    assert [(e.loc, e.code) for e in zeros.errors] == [
        (("unit", "code"), "rule")
    ]  # the spec's rule
    assert from_form(spec, [("unit.code", " 12 342 ")], field_types=registry) == {
        "unit": {"code": "12342"}
    }
    assert registry.get("unit_code").input_attributes["inputmode"] == "numeric"
