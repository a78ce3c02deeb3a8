"""The field-type registry, and the built-in plain types: a table of valid and invalid values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from procgen.errors import ConfigurationError
from procgen.forms import (
    FieldType,
    FieldTypeRegistry,
    default_field_types,
    payload_model,
    string_type,
    validate_payload,
)
from procgen.spec.models import BUILTIN_FIELD_TYPES
from tests.forms.factory import TODAY, one_field

VN = dt.timezone(dt.timedelta(hours=7))


def check(kind: str, extra: str, value: Any, expected: Any, *, required: bool = True) -> None:
    """``expected`` is the cleaned value, or an error code."""
    result = validate_payload(
        one_field(kind, extra, required=required), {"value": value}, today=TODAY
    )
    if isinstance(expected, Invalid):
        assert [e.code for e in result.errors] == [expected.code], result.errors
    else:
        assert result.ok, result.errors
        assert result.cleaned == {"value": expected}
        assert type(result.cleaned["value"]) is type(expected)


class Invalid:
    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return f"Invalid({self.code})"


# --------------------------------------------------------------------------- the registry


def test_default_registry_holds_every_builtin_type_and_is_new_each_time() -> None:
    first, second = default_field_types(), default_field_types()
    assert first is not second
    assert first.names() == frozenset(BUILTIN_FIELD_TYPES)
    first.register(string_type("unit_code", pattern=r"^[0-9]{5}$", message="invalid"))
    assert "unit_code" in first
    assert "unit_code" not in second
    assert len(first) == len(second) + 1


def test_registering_twice_needs_replace() -> None:
    registry = default_field_types()
    phone = registry.get("phone")
    with pytest.raises(ConfigurationError, match="already registered"):
        registry.register(phone)
    registry.register(phone, replace=True)
    with pytest.raises(ConfigurationError, match="structural"):
        registry.register(registry.get("group"), replace=True)


def test_unknown_type_names_the_closest() -> None:
    with pytest.raises(KeyError, match="did you mean 'phone'"):
        default_field_types().get("phon")


def test_field_type_checks_itself() -> None:
    with pytest.raises(ConfigurationError, match="lower-case"):
        FieldType(
            name="Unit", annotation=str, json_schema=dict, macro="text_input", cel_type="string"
        )
    with pytest.raises(ConfigurationError, match="needs an annotation"):
        FieldType(name="unit", annotation=None, json_schema=None, macro="x", cel_type="string")
    phone = default_field_types().get("phone")
    with pytest.raises(TypeError):
        phone.input_attributes["type"] = "text"  # type: ignore[index]
    assert repr(phone) == "<FieldType phone: macro text_input, CEL string>"
    assert repr(FieldTypeRegistry()) == "<FieldTypeRegistry: 0 types ()>"


@pytest.mark.parametrize(
    ("name", "macro", "cel", "attributes"),
    [
        ("text", "text_input", "string", {"type": "text"}),
        ("textarea", "textarea", "string", {}),
        ("integer", "text_input", "int", {"type": "text", "inputmode": "numeric"}),
        ("decimal", "text_input", "double", {"type": "text", "inputmode": "decimal"}),
        ("money", "money_input", "int", {"type": "text", "inputmode": "numeric"}),
        ("date", "date_input", "google.protobuf.Timestamp", {"type": "date"}),
        ("datetime", "datetime_input", "google.protobuf.Timestamp", {"type": "datetime-local"}),
        ("boolean", "checkbox", "bool", {"type": "checkbox"}),
        ("choice", "radios", "string", {}),
        ("multichoice", "checkboxes", "list(string)", {}),
        ("email", "text_input", "string", {"type": "email", "autocomplete": "email"}),
        ("phone", "text_input", "string", {"type": "tel", "autocomplete": "tel"}),
        ("citizen_id", "text_input", "string", {"inputmode": "numeric", "autocomplete": "off"}),
        ("tax_code", "text_input", "string", {"autocomplete": "off"}),
        ("address", "address", "map(string, string)", {}),
        ("file", "file_input", "map(string, dyn)", {"type": "file"}),
        ("group", "fieldset", "map(string, dyn)", {}),
        ("list", "list_rows", "list(map(string, dyn))", {}),
    ],
)
def test_builtin_types_describe_their_html_and_cel(
    name: str, macro: str, cel: str, attributes: dict[str, str]
) -> None:
    field_type = default_field_types().get(name)
    assert (field_type.macro, field_type.cel_type) == (macro, cel)
    assert attributes.items() <= field_type.input_attributes.items()
    assert field_type.nested is (name in ("group", "list"))


def test_models_are_rebuilt_when_the_registry_changes() -> None:
    spec = one_field("text")
    registry = default_field_types()
    before = payload_model(spec, field_types=registry)
    assert payload_model(spec, field_types=registry) is before
    registry.register(string_type("unit_code", pattern=r"^[0-9]{5}$", message="invalid"))
    assert payload_model(spec, field_types=registry) is not before


def test_an_unregistered_type_is_a_configuration_error() -> None:
    registry = default_field_types()
    registry.register(string_type("unit_code", pattern=r"^[0-9]{5}$", message="invalid"))
    from tests.forms.factory import form_spec

    spec = form_spec("- {id: code, type: unit_code, label: Số hiệu}", field_types=registry.names())
    with pytest.raises(ConfigurationError, match="unit_code"):
        payload_model(spec)


# --------------------------------------------------------------------------- plain types


@pytest.mark.parametrize(
    ("extra", "value", "expected"),
    [
        ("", "Nguyễn Văn An", "Nguyễn Văn An"),
        ("", " Lê Thị Hoa ", " Lê Thị Hoa "),  # the API keeps what it gets; forms strip
        ("", 5, Invalid("type")),
        ("", "", Invalid("blank")),
        ("", "   ", Invalid("blank")),
        ("", "Nguyễn\nVăn An", Invalid("pattern")),
        ("", "x" * 500, "x" * 500),  # the default limit of a text
        ("", "x" * 501, Invalid("too_long")),
        ("max_length: 5", "Hà Nội", Invalid("too_long")),
        ("min_length: 3", "An", Invalid("too_short")),
        ("pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'", "07:30", "07:30"),
        ("pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'", "7:30", Invalid("pattern")),
        ("pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'", "24:00", Invalid("pattern")),
        ("pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'", "07:30\n", Invalid("pattern")),
        ("pattern: '[0-9]{6,20}'", "0123456789", "0123456789"),  # the whole value must match
        ("pattern: '[0-9]{6,20}'", "STK 0123456789", Invalid("pattern")),
    ],
)
def test_text(extra: str, value: Any, expected: Any) -> None:
    check("text", extra, value, expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dòng một.\nDòng hai.", "Dòng một.\nDòng hai."),
        ("x" * 10_000, "x" * 10_000),
        ("x" * 10_001, Invalid("too_long")),
        ("\n\n", Invalid("blank")),
        (["a"], Invalid("type")),
    ],
)
def test_textarea(value: Any, expected: Any) -> None:
    check("textarea", "", value, expected)


@pytest.mark.parametrize(
    ("extra", "value", "expected"),
    [
        ("", 5, 5),
        ("", 5.0, 5),  # JSON Schema's integer: a number with no fractional part
        ("", 1e3, 1000),
        ("", -12, -12),
        ("", "5", Invalid("type")),  # strict: a string is not a number
        ("", True, Invalid("type")),  # nor is a boolean
        ("", 5.5, Invalid("type")),
        ("", float("nan"), Invalid("type")),
        ("", float("inf"), Invalid("type")),
        ("", Decimal("7"), 7),  # Python callers may pass Decimals
        ("minimum: 1, maximum: 10000", 0, Invalid("min")),
        ("minimum: 1, maximum: 10000", 10_001, Invalid("max")),
        ("minimum: 1, maximum: 10000", 10_000.0, 10_000),
    ],
)
def test_integer(extra: str, value: Any, expected: Any) -> None:
    check("integer", extra, value, expected)


@pytest.mark.parametrize(
    ("extra", "value", "expected"),
    [
        ("", 2.5, Decimal("2.5")),
        ("", 0.1, Decimal("0.1")),  # from the float's shortest repr, not its binary value
        ("", 5, Decimal("5")),
        ("", Decimal("0.25"), Decimal("0.25")),
        ("", "2.5", Invalid("type")),  # decided: numbers only, as for integers
        ("", "2,5", Invalid("type")),
        ("", False, Invalid("type")),
        ("minimum: 0.01, maximum: 10000", 0.01, Decimal("0.01")),
        ("minimum: 0.01, maximum: 10000", 0.009, Invalid("min")),
        ("minimum: 0.01, maximum: 10000", 10000.5, Invalid("max")),
    ],
)
def test_decimal(extra: str, value: Any, expected: Any) -> None:
    check("decimal", extra, value, expected)


@pytest.mark.parametrize(
    ("extra", "value", "expected"),
    [
        ("", 1_500_000, 1_500_000),
        ("", 0, 0),
        ("", 2e6, 2_000_000),
        ("", -1, Invalid("min")),  # never negative
        ("", 1500.5, Invalid("type")),  # whole đồng
        ("", "1.500.000", Invalid("type")),
        ("maximum: 5000000", 5_000_001, Invalid("max")),
        ("minimum: 100000", 99_999, Invalid("min")),
    ],
)
def test_money(extra: str, value: Any, expected: Any) -> None:
    check("money", extra, value, expected)


def test_money_limits_are_shown_as_money() -> None:
    spec = one_field("money", "minimum: 100000")
    [vi] = validate_payload(spec, {"value": 5}, today=TODAY).errors
    [en] = validate_payload(spec, {"value": 5}, today=TODAY, locale="en").errors
    assert vi.msg == "“Giá trị” không được nhỏ hơn 100.000 ₫."
    assert en.msg == "“Value” must be at least VND 100,000."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", Invalid("type")),
        (1, Invalid("type")),
        ("on", Invalid("type")),
    ],
)
def test_boolean(value: Any, expected: Any) -> None:
    check("boolean", "", value, expected)


OPTIONS = "options: [{value: spouse, label: Vợ hoặc chồng}, {value: child, label: Con}, parent]"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("spouse", "spouse"),
        ("parent", "parent"),
        ("Con", Invalid("choice")),
        (1, Invalid("choice")),
    ],
)
def test_choice(value: Any, expected: Any) -> None:
    check("choice", OPTIONS, value, expected)


@pytest.mark.parametrize(
    ("extra", "value", "expected"),
    [
        ("", ["spouse", "child"], ["spouse", "child"]),
        ("", ["spouse", "spouse"], Invalid("unique")),
        ("", ["spouse", "cousin"], Invalid("choice")),
        ("", "spouse", Invalid("type")),
        ("", [], Invalid("min_items")),  # required: at least one
        ("max_items: 2", ["spouse", "child", "parent"], Invalid("max_items")),
        ("min_items: 2", ["spouse"], Invalid("min_items")),
    ],
)
def test_multichoice(extra: str, value: Any, expected: Any) -> None:
    check("multichoice", f"{OPTIONS}{', ' + extra if extra else ''}", value, expected)


def test_optional_multichoice_may_be_empty() -> None:
    check("multichoice", OPTIONS, [], [], required=False)


@pytest.mark.parametrize(
    ("extra", "value", "expected"),
    [
        ("", "2026-06-25", dt.date(2026, 6, 25)),
        ("", "25/06/2026", dt.date(2026, 6, 25)),
        ("", "5/6/2026", dt.date(2026, 6, 5)),
        ("", "29/02/2028", dt.date(2028, 2, 29)),
        ("", "2026-02-30", Invalid("date")),
        ("", "29/02/2026", Invalid("date")),
        ("", "2026/06/25", Invalid("date")),
        ("", "25-06-2026", Invalid("date")),  # the API is strict; forms accept it
        ("", "25/06/26", Invalid("date")),
        ("", 20260625, Invalid("type")),
        ("minimum: 1950-01-01", "31/12/1949", Invalid("min")),
        ("maximum: 2030-12-31", "2031-01-01", Invalid("max")),
    ],
)
def test_date(extra: str, value: Any, expected: Any) -> None:
    check("date", extra, value, expected)


def test_date_limits_are_shown_as_dates() -> None:
    spec = one_field("date", "minimum: 1950-01-01")
    [error] = validate_payload(spec, {"value": "1949-12-31"}, today=TODAY).errors
    assert error.msg == "“Giá trị” phải từ ngày 01/01/1950 trở về sau."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-06-25T08:30:00+07:00", dt.datetime(2026, 6, 25, 8, 30, tzinfo=VN)),
        ("2026-06-25T08:30+07:00", dt.datetime(2026, 6, 25, 8, 30, tzinfo=VN)),
        ("2026-06-25 08:30:00+07:00", dt.datetime(2026, 6, 25, 8, 30, tzinfo=VN)),
        ("2026-06-25T01:30:00Z", dt.datetime(2026, 6, 25, 1, 30, tzinfo=dt.UTC)),
        ("2026-06-25T08:30:00.250+07:00", dt.datetime(2026, 6, 25, 8, 30, 0, 250_000, tzinfo=VN)),
        ("2026-06-25T08:30:00", Invalid("datetime")),  # no offset: ambiguous
        ("2026-06-25T25:00:00+07:00", Invalid("datetime")),
        ("25/06/2026 08:30", Invalid("datetime")),
        (1782361800, Invalid("type")),
    ],
)
def test_datetime(value: Any, expected: Any) -> None:
    check("datetime", "", value, expected)


FILE = "accept: [pdf, jpg], max_size: 1MB"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"id": "f1", "name": "don-de-nghi.pdf", "size": 2048},
         {"id": "f1", "name": "don-de-nghi.pdf", "size": 2048}),
        ({"id": "f1", "name": "ANH.JPG", "size": 1_000_000, "media_type": "image/jpeg"},
         {"id": "f1", "name": "ANH.JPG", "size": 1_000_000, "media_type": "image/jpeg"}),
        ({"id": "f1", "name": "virus.exe", "size": 10}, Invalid("file")),
        ({"id": "f1", "name": "big.pdf", "size": 1_000_001}, Invalid("max")),
        ({"id": "f1", "name": "a.pdf", "size": -1}, Invalid("min")),
        ({"name": "a.pdf", "size": 1}, Invalid("required")),
        ("a.pdf", Invalid("type")),
    ],
)  # fmt: skip
def test_file(value: Any, expected: Any) -> None:
    check("file", FILE, value, expected)
