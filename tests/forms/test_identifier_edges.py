"""Identifiers at their edges: the exact validators behind the fast paths, the messages citizens
read, the form-input cleaners, and what each identifier type declares to browsers and clients.

The usual forms are accepted by the native fast paths, so the Python validators of
:mod:`procgen.forms.identifiers` run only for the other values; these tests call them directly
too (through the type's annotation), so each rule is checked on its own. Found missing by
mutation testing (``scripts/mutation identifiers``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError, SchemaValidator

from procgen.forms import error_check, validate_payload
from procgen.forms.identifiers import (
    EMAIL_PATTERN,
    PHONE_PATTERN,
    TAX_CODE_PATTERN,
    check_birth_date,
    citizen_id_birth_digits,
    identifier_types,
    normalise_tax_code,
    tax_code_check_digit,
    tax_code_is_valid,
)
from procgen.forms.types import FieldType
from procgen.spec.models import Field
from tests.forms.factory import TODAY, form_spec, one_field

KINDS = ("citizen_id", "phone", "tax_code", "email")
FIELDS: dict[str, Field] = {kind: one_field(kind).fields[0] for kind in KINDS}


def field_type(kind: str) -> FieldType:
    """The built-in type ``kind``, built afresh (not the one the registry keeps)."""
    [found] = [t for t in identifier_types() if t.name == kind]
    return found


def exact(kind: str, value: Any) -> Any:
    """``value`` through the type's own (Python) validator, without the fast path."""
    annotation = field_type(kind).annotation
    assert annotation is not None
    return TypeAdapter(annotation(FIELDS[kind])).validate_python(value)


def exact_error(kind: str, value: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as refused:
        exact(kind, value)
    [error] = refused.value.errors()
    return dict(error)


def fast(kind: str) -> SchemaValidator:
    build = field_type(kind).fast
    assert build is not None
    schema = build(FIELDS[kind])
    assert schema is not None
    return SchemaValidator(schema)


def messages(kind: str, value: Any, locale: str = "en") -> list[tuple[str, str]]:
    result = validate_payload(one_field(kind), {"value": value}, today=TODAY, locale=locale)
    return [(e.code, e.msg) for e in result.errors]


# --------------------------------------------------------------------------- personal ID


def test_a_number_with_a_final_newline_is_checked_by_the_exact_validator() -> None:
    # The fast path refuses "...\n" (Rust's end of text); the exact validator accepts it as
    # JSON Schema's pattern does, and stores the number without it.
    with pytest.raises(ValidationError):
        fast("citizen_id").validate_python("001206123456\n")
    assert exact("citizen_id", "001206123456\n") == "001206123456"
    assert validate_payload(
        one_field("citizen_id"), {"value": "079301234567\n"}, today=TODAY
    ).cleaned == {"value": "079301234567"}


def test_an_unknown_province_code_is_named_in_the_message() -> None:
    error = exact_error("citizen_id", "003095012345")
    assert (error["type"], error_check(error)) == ("citizen_id", "citizen_id")
    assert error["ctx"]["prefix"] == "003"
    assert messages("citizen_id", "003095012345") == [
        (
            "citizen_id",
            "“Value” starts with 003, which is not a province code: the first three digits are "
            "the code of the province where the birth was registered (001 to 096).",
        )
    ]
    [(code, vi)] = messages("citizen_id", "097095012345", locale="vi")
    assert code == "citizen_id"
    assert "097" in vi
    assert "0970" not in vi


def test_a_malformed_number_is_a_structural_error() -> None:
    # The JSON Schema's pattern refuses it too: no check is named.
    error = exact_error("citizen_id", "00109501234")
    assert (error["type"], error_check(error)) == ("citizen_id", None)
    assert messages("citizen_id", "00109501234") == [
        (
            "citizen_id",
            "“Value” must be a personal identification number of 12 digits, such as 001206012345.",
        )
    ]


@pytest.mark.parametrize(
    ("year", "digits"),
    [
        (1900, ("000", "100")),
        (1999, ("099", "199")),
        (2000, ("200", "300")),
        (2300, ("800", "900")),
        (2399, ("899", "999")),
        (2400, None),
        (1899, None),
    ],
)
def test_birth_digits_cover_1900_to_2399(year: int, digits: tuple[str, str] | None) -> None:
    assert citizen_id_birth_digits(year) == digits


PERSON = """
- id: person
  type: group
  label: {vi: Người khai, en: Declarant}
  fields:
    - {id: full_name, type: text, label: {vi: Họ và tên, en: Full name}, required: true}
    - {id: birth_date, type: date, label: {vi: Ngày sinh, en: Date of birth}, required: true}
    - id: citizen_id
      type: citizen_id
      label: {vi: Số định danh cá nhân, en: Personal ID}
      required: true
"""


def birth_errors(born: str, number: str) -> list[tuple[str, str]]:
    person = {"full_name": "Nguyễn Văn An", "birth_date": born, "citizen_id": number}
    result = validate_payload(form_spec(PERSON), {"person": person}, today=TODAY, locale="en")
    return [(e.code, e.msg) for e in result.errors]


def test_a_number_that_contradicts_the_birth_year_says_which_digits_to_expect() -> None:
    assert birth_errors("1995-03-01", "001295012345") == [
        (
            "citizen_id",
            "“Personal ID” does not match the date of birth (1995): its 4th digit must be 0 for "
            "a man or 1 for a woman, and its 5th and 6th digits 95.",
        )
    ]


def test_a_birth_year_without_a_century_digit_still_gives_the_year_digits() -> None:
    # Before 1900 no 4th digit fits; the 5th and 6th are still the year's last two (a typo
    # such as 1899 for 1989 should not give a garbled message).
    assert birth_errors("1899-05-01", "001099012345") == [
        (
            "citizen_id",
            "“Personal ID” does not match the date of birth (1899): its 4th digit must be ? for "
            "a man or ? for a woman, and its 5th and 6th digits 99.",
        )
    ]


def test_the_birth_date_check_is_named_for_clients() -> None:
    with pytest.raises(PydanticCustomError) as refused:
        check_birth_date("001295012345", dt.date(1995, 3, 1), "birth_date")
    assert refused.value.type == "citizen_id"
    context = refused.value.context or {}
    assert (context["check"], context["msgid"]) == (
        "citizen_id_birth_date",
        "citizen_id.birth_date",
    )
    assert (context["male"], context["female"], context["yy"]) == ("0", "1", "95")
    assert context["field"] == "birth_date"


# --------------------------------------------------------------------------- tax code


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("0100000003", "an all-zero serial, though its check digit is right"),
        ("0100000003-001", "a branch of an all-zero serial"),
        ("0100233488-000", "branch 000"),
        ("01002334881", "11 digits that start with a valid tax code"),
        ("010023348", "9 digits"),
        ("01002334a8", "a letter"),
        ("０１００２３３４８８", "full-width digits"),
        ("0100233488-00１", "a full-width digit in the branch"),
        ("", "nothing"),
    ],
)
def test_invalid_tax_codes_are_refused_without_raising(code: str, why: str) -> None:
    assert tax_code_is_valid(code) is False, why


def test_a_tax_code_with_the_right_check_digit_is_valid() -> None:
    assert tax_code_check_digit("010000000") == 3
    assert tax_code_is_valid("0101000009") is (tax_code_check_digit("010100000") == 9)
    assert tax_code_is_valid("0100233488")
    assert tax_code_is_valid(" 0314409058-002 ")


def test_dashes_are_ignored_alike_by_the_check_and_the_stored_form() -> None:
    assert tax_code_is_valid("0100-233-488")
    assert normalise_tax_code("0100-233-488") == "0100233488"
    assert normalise_tax_code("0314-409-058-002") == "0314409058-002"


@pytest.mark.parametrize("first", ["01002334", "0100233488", ""])
def test_the_check_digit_needs_exactly_nine_digits(first: str) -> None:
    with pytest.raises(ValueError, match="zip"):
        tax_code_check_digit(first)


def test_a_wrong_check_digit_is_named_for_clients_and_quotes_the_number() -> None:
    error = exact_error("tax_code", "0100233480\n")
    assert (error["type"], error_check(error)) == ("tax_code", "tax_code")
    assert error["ctx"]["value"] == "0100233480"
    assert messages("tax_code", "0100233480") == [
        (
            "tax_code",
            "“Value”: 0100233480 is not a valid tax code (its check digit does not match); "
            "check the number.",
        )
    ]


def test_a_malformed_tax_code_is_a_structural_error() -> None:
    error = exact_error("tax_code", "0100 233 488")
    assert (error["type"], error_check(error)) == ("tax_code", None)
    assert messages("tax_code", "01002334") == [
        (
            "tax_code",
            "“Value” must be a tax code of 10 digits, of 13 digits (such as 0101234567-001), or a "
            "personal identification number of 12 digits.",
        )
    ]


# --------------------------------------------------------------------------- phone, email


def test_a_wrong_phone_number_says_what_a_number_looks_like() -> None:
    assert messages("phone", "0412345678") == [
        (
            "phone",
            "“Value” must be a Vietnamese phone number: a mobile number such as 0912 345 678 or a "
            "landline number such as 024 3823 4567.",
        )
    ]
    assert exact("phone", "0912 345 678") == "+84912345678"


def test_a_wrong_email_address_gives_an_example() -> None:
    assert messages("email", "an@example") == [
        ("email", "“Value” must be an email address, such as hoten@example.com.")
    ]
    assert exact("email", "an@example.vn\n") == "an@example.vn"


# --------------------------------------------------------------------------- fast paths


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("citizen_id", "001206123456", "001206123456"),
        ("phone", "0912345678", "+84912345678"),
        ("phone", "02438234567", "+842438234567"),
        ("phone", "+84912345678", "+84912345678"),
        ("email", "an@example.vn", "an@example.vn"),
    ],
)
def test_the_fast_paths_take_text_and_never_bytes(kind: str, typed: str, stored: str) -> None:
    validator = fast(kind)
    assert validator.validate_python(typed) == stored
    with pytest.raises(ValidationError) as refused:
        validator.validate_python(typed.encode())
    assert {e["type"] for e in refused.value.errors()} == {"string_type"}
    with pytest.raises(ValidationError) as exact_refused:
        exact(kind, typed.encode())
    assert {e["type"] for e in exact_refused.value.errors()} == {"string_type"}
    assert messages(kind, typed.encode()) == [("type", "“Value” must be text.")]


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        ("citizen_id", "003095012345"),  # no province: the exact validator says why
        ("citizen_id", "001206123456\n"),
        ("phone", "0912 345 678"),
        ("phone", "0123456789"),
        ("email", "an@example.vn\n"),
    ],
)
def test_the_fast_paths_leave_the_other_forms_to_the_exact_validators(
    kind: str, typed: str
) -> None:
    with pytest.raises(ValidationError):
        fast(kind).validate_python(typed)


def test_the_tax_code_has_no_fast_path() -> None:
    # Its check digit needs Python: every value goes through the exact validator.
    assert field_type("tax_code").fast is None


# --------------------------------------------------------------------------- form inputs


@pytest.mark.parametrize(
    ("kind", "typed", "value"),
    [
        # A citizen types the number as printed on the card, with spaces or dots.
        ("citizen_id", " 001 206.123 456\n", "001206123456"),
        ("citizen_id", "001\t206\u00a0123456", "001206123456"),
        # Brackets around the area code and runs of spaces go; the separators stay.
        ("phone", " (024)  3823\t4567 ", "024 3823 4567"),
        ("phone", "0912.345-678", "0912.345-678"),
        ("tax_code", " 0314 409.058-002 ", "0314409058-002"),
        ("email", "  an@example.vn \n", "an@example.vn"),
    ],
)
def test_form_inputs_are_cleaned_before_validation(kind: str, typed: str, value: str) -> None:
    assert field_type(kind).from_form(typed) == value


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("citizen_id", "001 206 123 456", "001206123456"),
        ("phone", "(024) 3823 4567", "+842438234567"),
        ("tax_code", "0314 409 058-002", "0314409058-002"),
    ],
)
def test_a_cleaned_form_input_is_valid(kind: str, typed: str, stored: str) -> None:
    cleaned = field_type(kind).from_form(typed)
    result = validate_payload(one_field(kind), {"value": cleaned}, today=TODAY)
    assert result.cleaned == {"value": stored}


# --------------------------------------------------------------------------- declarations

NUMERIC = {"type": "text", "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}


@pytest.mark.parametrize(
    ("kind", "schema", "attributes", "checks"),
    [
        (
            "citizen_id",
            {"type": "string", "pattern": "^[0-9]{12}$"},
            NUMERIC,
            ("citizen_id",),
        ),
        (
            "phone",
            {
                "type": "string",
                "pattern": PHONE_PATTERN.pattern,
                "description": "A Vietnamese mobile or landline number; stored as +84...",
            },
            {"type": "tel", "autocomplete": "tel"},
            (),
        ),
        (
            "tax_code",
            {"type": "string", "pattern": TAX_CODE_PATTERN.pattern},
            {**NUMERIC, "inputmode": "text"},  # a branch code has a dash
            ("tax_code",),
        ),
        (
            "email",
            {"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN.pattern},
            {"type": "email", "autocomplete": "email", "spellcheck": "false"},
            (),
        ),
    ],
)
def test_each_identifier_declares_its_schema_and_html_input(
    kind: str, schema: dict[str, Any], attributes: dict[str, str], checks: tuple[str, ...]
) -> None:
    # The JSON Schema is the API's contract; the attributes pick the keyboard on a phone.
    declared = field_type(kind)
    assert declared.json_schema is not None
    assert declared.json_schema(FIELDS[kind]) == schema
    assert dict(declared.input_attributes) == attributes
    assert (declared.macro, declared.cel_type, declared.checks) == (
        "text_input",
        "string",
        checks,
    )


@pytest.mark.parametrize(
    ("kind", "examples"),
    [
        ("citizen_id", {0: "001206123456", 1: "001206123457", 99: "001206123555"}),
        ("phone", {0: "0912345600", 7: "0912345607", 100: "0912345600", 123: "0912345623"}),
        ("tax_code", {0: "0100233488", 1: "0314409058-002", 2: "0100233488"}),
        ("email", {0: "nguyenvanan@example.com", 5: "nguyenvanan@example.com"}),
    ],
)
def test_examples_are_valid_and_vary(kind: str, examples: dict[int, str]) -> None:
    example = field_type(kind).example
    assert example is not None
    for variant, value in examples.items():
        assert example(FIELDS[kind], variant) == value
        assert validate_payload(one_field(kind), {"value": value}, today=TODAY).ok, value
