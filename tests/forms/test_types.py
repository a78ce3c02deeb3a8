"""The field-type registry, and the built-in plain types: a table of valid and invalid values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from procgen.errors import ConfigurationError
from procgen.forms import (
    FieldType,
    FieldTypeRegistry,
    compile_form,
    default_field_types,
    payload_model,
    string_type,
    validate_payload,
)
from procgen.forms._native import unlabel
from procgen.spec.models import BUILTIN_FIELD_TYPES, Field
from tests.forms.factory import TODAY, form_spec, one_field

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


def test_a_compiled_form_keeps_the_types_it_was_compiled_with() -> None:
    spec = one_field("text")
    registry = default_field_types()
    form = compile_form(spec, registry)
    before = payload_model(form)
    assert payload_model(form) is before
    registry.register(string_type("text", pattern=r"^[0-9]+$", message="digits"), replace=True)
    assert payload_model(form) is before  # compiled: later registrations do not change it
    assert payload_model(form).model_validate({"value": "words"})
    again = compile_form(spec, registry)
    with pytest.raises(ValidationError):
        payload_model(again).model_validate({"value": "words"})


def test_a_form_compiled_with_other_types_is_refused() -> None:
    form = compile_form(one_field("text"))
    with pytest.raises(ConfigurationError, match="compiled with other field types"):
        payload_model(form, field_types=default_field_types())


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


# --------------------------------------------------------------------------- fast paths

#: Fields whose types have a native fast path, with limits and patterns of every kind.
FAST_FIELDS = """
- {id: name, type: text, label: Tên}
- {id: short, type: text, label: Ngắn, min_length: 3, max_length: 5}
- {id: code, type: text, label: Mã, pattern: '[A-Z]{2}-[0-9]{3}'}
- {id: hhmm, type: text, label: Giờ, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'}
- {id: ahead, type: text, label: Có số, pattern: '(?=.*[0-9])[A-Za-z0-9 ]+'}
- {id: story, type: textarea, label: Trình bày, max_length: 30}
- {id: words, type: textarea, label: Chữ, pattern: '[a-z \\n]+'}
- {id: count, type: integer, label: Số lượng, minimum: -5, maximum: 50}
- {id: whole, type: integer, label: Số}
- {id: half, type: integer, label: Nửa, minimum: 0.5, maximum: 10.5}
- {id: weight, type: decimal, label: Trọng lượng, minimum: 0.01, maximum: 150}
- {id: ratio, type: decimal, label: Tỉ lệ}
- {id: huge, type: decimal, label: Lớn, maximum: 99999999999999999999999}
- {id: fee, type: money, label: Lệ phí, maximum: 5000000}
- {id: day, type: date, label: Ngày, minimum: 1950-01-01, maximum: 2030-12-31}
- {id: any_day, type: date, label: Ngày bất kỳ}
- {id: kind, type: choice, label: Loại, options: [a, b, '1', 'true', 'Hà Nội']}
- {id: email, type: email, label: Thư điện tử}
- {id: phone, type: phone, label: Điện thoại}
- {id: citizen_id, type: citizen_id, label: Số định danh}
"""


class _Text(str):
    pass


class _Choice(enum.StrEnum):
    A = "a"


class _Count(enum.IntEnum):
    THREE = 3


class _Float(float):
    def __repr__(self) -> str:
        return f"_Float({float(self)!r})"


#: Values next to every rule of those types: whitespace Python's ``\s`` and Rust's disagree on
#: (U+001C-U+001F), a final newline (Python's ``$`` accepts it), bounds, fractions, huge and
#: non-finite numbers, subclasses, dates pydantic-core and ``date.fromisoformat`` might read
#: differently, the usual and unusual forms of identifiers, and lone surrogates (JSON allows
#: "\ud800"; the Rust engine cannot read them).
EDGE_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 3, 5, -5, -6, 10, 11, 50, 51, 2**53 + 1, 2**63, 2**64,
    -(2**63) - 1, 10**30, 0.0, -0.0, 5.0, 5.5, 0.5, 10.5, 0.01, 0.009, 150.0, 150.0000001,
    1e18, 1e19, 1e20, 1e300, -1e300, 5e-324, float("nan"), float("inf"), float("-inf"),
    Decimal("7"), Decimal("7.5"), Decimal("NaN"), Decimal("Infinity"), Decimal("1e30"),
    Decimal("5.00"), _Count.THREE, _Float(2.5), _Float(5.0), _Choice.A, _Text("abc"), "", " ",
    "\n", "\r", "\t", "a", "a\n", " a", "a ", "\x1c", "\x1f", "a\x1c", "\u00a0", "\u2028",
    "\u3000 ", "\u200b",
    "abc", "abcdef", "abc\n", "ABC", "AB-123", "AB-123\n", "ab-123", "07:30", "07:30\n", "24:00",
    "abc 1", "abc", "x" * 30, "x" * 31, "dòng một\ndòng hai", "2026-06-25", "2026-06-25\n",
    " 2026-06-25", "2026-06-25 ", "25/06/2026", "5/6/2026", "25/06/2026\n", "2026-02-29",
    "2028-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "0001-01-01",
    "9999-12-31", "1949-12-31", "1950-01-01", "2030-12-31", "2031-01-01", "2026-6-25",
    "20260625", "2026-06-25T00:00:00", "2026-W26-4", "١٩٥٠-٠١-٠١", dt.date(2026, 6, 25),
    dt.datetime(2026, 6, 25), dt.date(1900, 1, 1), "b", "1", "true", "A", "Hà Nội",
    "nguyenvanan@example.com", "a@b.co", "a@b.co\n", " a@b.co", "a@b", "a@b.c", "a@-b.co",
    "x@" + "a" * 61 + ".co", "x@" + "a" * 63 + ".co", "x@" + "a.b" * 90 + ".com", "ä@b.co",
    "a.b+c@d-e.f.gh", "0912345678", "0912 345 678", "0912.345.678", "0912-345-678",
    "+84912345678", "+84 912 345 678", "+840912345678", "+84 0912345678", "02438234567",
    "024 3823 4567", "+842438234567", "0912345678\n", "+84912345678\n", "091234567",
    "09123456789", "0112345678", "+84112345678", "０912345678", "001206123456",
    "096306123456", "003206123456", "999206123456", "001206123456\n", "00120612345",
    "001206123456 ", "٠٠١٢٠٦١٢٣٤٥٦", "\ud800", "a\ud800b", "AB-12\ud800", [], ["a"], {},
    b"abc", 5 + 0j,
]  # fmt: skip


def _outcome(adapter: TypeAdapter[Any], value: Any, *, unions: bool) -> Any:
    """The value (its type and repr) or the errors, branch names taken off for the fast path."""
    try:
        result = adapter.validate_python(value)
    except ValidationError as exc:
        errors = unlabel(exc, {()}).errors() if unions else exc.errors()
        return [
            (e["type"], e["loc"], e["msg"], repr(e["input"]), repr(e.get("ctx"))) for e in errors
        ]
    return type(result), repr(result)


@cache
def _fast_fields() -> list[tuple[Field, TypeAdapter[Any], TypeAdapter[Any]]]:
    """Each field with its model's annotation (fast path, then exact) and its exact one."""
    from procgen.forms._model import compile_form
    from tests.forms.factory import form_spec

    form = compile_form(form_spec(FAST_FIELDS))
    out = []
    for path, field in form.fields.items():
        assert path in form.fast_paths(), field.id
        exact = form.types[path].annotation(field)  # type: ignore[misc]
        out.append((field, TypeAdapter(form.annotation(path)), TypeAdapter(exact)))
    assert len(out) == FAST_FIELD_COUNT
    return out


def _agree(field: Field, both: TypeAdapter[Any], exact: TypeAdapter[Any], value: Any) -> None:
    assert _outcome(both, value, unions=True) == _outcome(exact, value, unions=False), (
        field.id,
        value,
    )


FAST_FIELD_COUNT = 20


@pytest.mark.parametrize("index", range(FAST_FIELD_COUNT))
def test_fast_paths_agree_with_the_exact_annotations_next_to_every_rule(index: int) -> None:
    """Whatever a fast path accepts, the type's annotation accepts, with an equal value of the
    same type; whatever it refuses ends with the annotation's own error."""
    field, both, exact = _fast_fields()[index]
    for value in EDGE_VALUES:
        _agree(field, both, exact, value)


_TEXTS = st.text(
    alphabet=st.sampled_from("aZ09 -.:@+/\n\r\t\x1c\x1f\u00a0\u2028àẠ١٠０_"), max_size=14
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.floats(min_value=-200, max_value=200).map(round),
    st.floats(min_value=-200, max_value=200).map(float).map(lambda f: round(f, 2)),
    st.decimals(),
    _TEXTS,
    st.text(max_size=40),
    st.dates().map(str),
    st.dates().map(lambda d: f"{d.day}/{d.month}/{d.year}"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\n?\Z"),
    st.from_regex(r"\A(?:0|\+84[ .-]?0?)[ .-]?[2-9](?:[ .-]?[0-9]){8,9}\n?\Z"),
    st.from_regex(r"\A[0-9]{12}\n?\Z"),
    st.from_regex(r"\A[a-z.+]{1,5}@[a-z-]{1,4}(?:\.[a-z]{1,3}){1,2}\n?\Z"),
    st.from_regex(r"\A[A-Z]{2}-[0-9]{3}\n?\Z"),
    st.sampled_from(["a", "b", "1", "true", "Hà Nội", "A"]),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=FAST_FIELD_COUNT - 1), _VALUES)
def test_fast_paths_agree_with_the_exact_annotations_anywhere(index: int, value: Any) -> None:
    field, both, exact = _fast_fields()[index]
    _agree(field, both, exact, value)


@pytest.mark.parametrize(
    ("field_id", "value"),
    [
        ("name", "Nguyễn Văn An"),
        ("story", "Dòng một.\nDòng hai."),
        ("code", "AB-123"),
        ("count", 5),
        ("weight", 2.5),
        ("weight", 7),
        ("fee", 1_500_000),
        ("day", "2026-06-25"),
        ("kind", "Hà Nội"),
        ("email", "nguyenvanan@example.com"),
        ("phone", "0912345678"),
        ("phone", "+84912345678"),
        ("phone", "02438234567"),
        ("citizen_id", "001206123456"),
    ],
)
def test_common_values_take_the_fast_path(field_id: str, value: Any) -> None:
    """What payloads usually hold is checked natively (the exact validators are not called)."""
    from pydantic_core import SchemaValidator

    from procgen.forms._model import compile_form
    from tests.forms.factory import form_spec

    form = compile_form(form_spec(FAST_FIELDS))
    fast = SchemaValidator(form.fast_schemas()[(field_id,)])
    exact = TypeAdapter(form.types[(field_id,)].annotation(form.fields[(field_id,)]))  # type: ignore[misc]
    assert fast.validate_python(value) == exact.validate_python(value)


def test_python_values_are_plain_values() -> None:
    """A subclass passed by Python code gives the plain value: a StrEnum member is a str for a
    choice (as for a text), an IntEnum or a float subclass a Decimal for a decimal."""
    spec = form_spec(
        f"""
        - {{id: kind, type: choice, label: Loại, {OPTIONS}}}
        - {{id: ratio, type: decimal, label: Tỉ lệ}}
        - {{id: share, type: decimal, label: Phần}}
        """
    )
    exact = default_field_types()
    for field_types in (None, _exact_only(exact)):
        result = validate_payload(
            spec,
            {"kind": _Spouse.SPOUSE, "ratio": _Count.THREE, "share": _Float(0.1)},
            today=TODAY,
            field_types=field_types,
        )
        assert result.cleaned == {"kind": "spouse", "ratio": Decimal(3), "share": Decimal("0.1")}
        assert [type(value) for value in result.cleaned.values()] == [str, Decimal, Decimal]


class _Spouse(enum.StrEnum):
    SPOUSE = "spouse"


def _exact_only(registry: FieldTypeRegistry) -> FieldTypeRegistry:
    """``registry`` with the fast paths removed: only the exact annotations validate."""
    for field_type in list(registry):
        if field_type.fast is not None:
            registry.register(dataclasses.replace(field_type, fast=None), replace=True)
    return registry


def test_a_custom_type_may_bring_a_fast_path() -> None:
    """A fast path is optional; one that a type brings is tried first, its errors never seen."""
    from pydantic_core import core_schema

    registry = default_field_types()
    unit = string_type("unit_code", pattern=r"^[0-9]{5}$", message="invalid")
    registry.register(
        dataclasses.replace(
            unit, fast=lambda field: core_schema.str_schema(strict=True, pattern=r"^[0-9]{5}\z")
        )
    )
    spec = form_spec(
        "- {id: unit, type: unit_code, label: Đơn vị, required: true}",
        field_types=registry.names(),
    )
    model = payload_model(spec, field_types=registry)
    assert model.model_validate({"unit": "12345"}).model_dump(by_alias=True) == {"unit": "12345"}
    assert model.model_validate({"unit": "12345\n"}).model_dump(by_alias=True) == {"unit": "12345"}
    with pytest.raises(ValidationError) as caught:
        model.model_validate({"unit": "1234"})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("unit_code", ("unit",))]
    result = validate_payload(spec, {"unit": "x"}, today=TODAY, field_types=registry)
    assert [(e.loc, e.code) for e in result.errors] == [(("unit",), "unit_code")]
