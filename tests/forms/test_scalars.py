"""The parsing helpers behind from_form, string_type and invalid: the pieces of a field type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from procgen.errors import ConfigurationError
from procgen.forms import (
    default_field_types,
    error_check,
    example_payload,
    from_form,
    invalid,
    payload_schema,
    string_type,
    validate_payload,
)
from procgen.forms._scalars import parse_date, parse_datetime, parse_money, parse_number
from procgen.forms.types import anchored, json_number, number_bound
from tests.forms.factory import TODAY, form_spec, one_field

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "whole", "value"),
    [
        ("5", True, 5),
        (" -12 ", True, -12),
        ("1.200", True, 1200),
        ("1,200", True, 1200),
        ("1.200.000", True, 1_200_000),
        ("1 200", True, 1200),
        ("1\u00a0200", True, 1200),
        ("2,5", True, None),
        ("1.20", True, None),  # not a thousands group: 1.2, not whole
        ("2,5", False, 2.5),
        ("2.5", False, 2.5),
        ("1.234,5", False, 1234.5),
        ("1,234.5", False, 1234.5),
        ("3", False, 3),
        ("3,0", False, 3),
        ("", False, None),
        ("abc", False, None),
        ("1e3", False, None),
        ("--1", True, None),
    ],
)
def test_parse_number(text: str, whole: bool, value: int | float | None) -> None:
    assert parse_number(text, whole=whole) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000 đ", 1_500_000),
        ("500000₫", 500_000),
        ("12.000 VNĐ", 12_000),
        ("12000 vnd", 12_000),
        ("200.000 đồng", 200_000),
        ("miễn phí", "miễn phí"),
        ("1,5 triệu", "1,5 triệu"),
    ],
)
def test_parse_money(text: str, value: int | str) -> None:
    assert parse_money(text) == value


@pytest.mark.parametrize(
    ("text", "lenient", "value"),
    [
        ("2026-06-25", False, dt.date(2026, 6, 25)),
        ("25/06/2026", False, dt.date(2026, 6, 25)),
        (" 5/6/2026 ", False, dt.date(2026, 6, 5)),
        ("25-06-2026", False, None),
        ("25-06-2026", True, dt.date(2026, 6, 25)),
        ("25.06.2026", True, dt.date(2026, 6, 25)),
        ("31/04/2026", True, None),
        ("2026-13-01", False, None),
        ("ngày mai", True, None),
    ],
)
def test_parse_date(text: str, lenient: bool, value: dt.date | None) -> None:
    assert parse_date(text, lenient=lenient) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-06-25T08:30:00+07:00", dt.datetime(2026, 6, 25, 8, 30, tzinfo=VN)),
        ("2026-06-25t08:30z", dt.datetime(2026, 6, 25, 8, 30, tzinfo=dt.UTC)),
        ("2026-06-25 08:30+07:00", dt.datetime(2026, 6, 25, 8, 30, tzinfo=VN)),
        ("2026-06-25T08:30:00", None),  # no offset
        ("2026-06-31T08:30:00+07:00", None),
    ],
)
def test_parse_datetime(text: str, value: dt.datetime | None) -> None:
    assert parse_datetime(text) == value


def test_number_helpers() -> None:
    assert anchored("[0-9]+") == "^(?:[0-9]+)$"
    assert json_number(5) == 5
    assert isinstance(json_number(5.0), int)
    assert json_number(2.5) == 2.5
    integer = one_field("integer", "minimum: 3").fields[0]
    assert number_bound(integer, "minimum") == 3
    assert number_bound(integer, "minimum", floor=5) == 5
    assert number_bound(integer, "maximum", floor=0) == 0
    date = one_field("date", "minimum: 2026-01-01").fields[0]
    with pytest.raises(ConfigurationError, match="must be a number"):
        number_bound(date, "minimum")


def test_a_date_limit_on_a_number_is_a_configuration_error() -> None:
    spec = form_spec("- {id: n, type: integer, label: Số, minimum: 2026-01-01}")
    with pytest.raises(ConfigurationError, match="'n': minimum must be a number"):
        validate_payload(spec, {"n": 1})


def test_a_number_limit_on_a_date_is_a_configuration_error() -> None:
    spec = form_spec("- {id: d, type: date, label: Ngày, maximum: 5}")
    with pytest.raises(ConfigurationError, match="'d': maximum must be a date"):
        validate_payload(spec, {"d": "2026-01-01"})


# --------------------------------------------------------------------------- building types


def test_invalid_carries_code_message_and_check() -> None:
    error = invalid(
        "unit_code", {"vi": "“{label}” sai.", "en": "“{label}” is wrong."}, check="unit_code"
    )
    assert error.type == "unit_code"
    assert error.context == {
        "text": {"vi": "“{label}” sai.", "en": "“{label}” is wrong."},
        "check": "unit_code",
    }
    plain = invalid("phone", "phone", value="12")
    assert plain.context == {"msgid": "phone", "value": "12"}


def test_string_type_builds_a_whole_type() -> None:
    plate = string_type(
        "plate",
        pattern=r"^[0-9]{2}[A-Z]-[0-9]{5}$",
        message={
            "vi": "“{label}” phải là biển số như 29A-12345.",
            "en": "“{label}” must be a plate.",
        },
        check=lambda value: not value.startswith("00"),
        check_message={"vi": "“{label}”: không có biển số {value}.", "en": "No plate {value}."},
        from_form=lambda text: text.upper().replace(" ", ""),
        input_attributes={"type": "text", "autocapitalize": "characters"},
        example="29A-12345",
        description="A vehicle plate.",
    )
    registry = default_field_types()
    registry.register(plate)
    spec = form_spec(
        "- {id: plate, type: plate, label: Biển số, required: true}", field_types=registry.names()
    )
    schema = payload_schema(spec, field_types=registry)["properties"]["plate"]
    assert schema["pattern"] == r"^[0-9]{2}[A-Z]-[0-9]{5}$"
    assert schema["x-procgen-check"] == ["plate"]
    assert schema["description"] == "A vehicle plate."

    def check(value: Any, locale: str = "vi") -> list[tuple[str, str]]:
        result = validate_payload(spec, {"plate": value}, locale=locale, field_types=registry)
        return [(e.code, e.msg) for e in result.errors]

    assert check("29A-12345") == []
    assert check("29a12345") == [("plate", "“Biển số” phải là biển số như 29A-12345.")]
    assert check("00A-12345") == [("plate", "“Biển số”: không có biển số 00A-12345.")]
    assert check("00A-12345", "en") == [("plate", "No plate 00A-12345.")]
    assert from_form(spec, [("plate", "29a 12345")], field_types=registry) == {"plate": "29A12345"}
    assert example_payload(spec, field_types=registry) == {"plate": "29A-12345"}
    adapter = TypeAdapter(plate.annotation(spec.fields[0]))  # type: ignore[misc]
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python("00A-12345")
    assert error_check(caught.value.errors()[0]) == "plate"


def test_a_type_without_its_own_messages_falls_back_to_english() -> None:
    code = string_type("code", pattern="^[0-9]+$", message="“{label}” must be digits.")
    registry = default_field_types()
    registry.register(code)
    spec = form_spec("- {id: c, type: code, label: Mã}", field_types=registry.names())
    [error] = validate_payload(spec, {"c": "x"}, field_types=registry).errors
    assert error.msg == "“Mã” must be digits."


def test_a_type_can_replace_a_builtin() -> None:
    registry = default_field_types()
    registry.register(
        string_type("phone", pattern=r"^\+84[0-9]{9,10}$", message="phone"), replace=True
    )
    spec = one_field("phone")
    assert validate_payload(spec, {"value": "+84912345678"}, field_types=registry).ok
    assert not validate_payload(spec, {"value": "0912345678"}, field_types=registry).ok
    assert validate_payload(spec, {"value": "0912345678"}).ok  # the default registry is untouched


def test_every_type_has_an_example_that_validates() -> None:
    from tests.forms.test_differential import EVERY_TYPE

    spec = form_spec(EVERY_TYPE)
    payload = example_payload(spec, today=TODAY)
    result = validate_payload(spec, payload, today=TODAY)
    assert result.ok, result.errors
    assert set(payload) == {f.id for f in spec.fields}
    assert payload["attachment"]["name"].endswith(".pdf")
    assert payload["at"].endswith("+07:00")
