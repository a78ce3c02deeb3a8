"""Vietnamese identifiers: personal ID, phone, tax code, email, address (docs/domain.md §7-8)."""

from __future__ import annotations

from typing import Any

import pytest

from procgen.forms import communes, payload_schema, provinces, validate_payload
from procgen.forms.identifiers import (
    CITIZEN_ID_PROVINCES,
    citizen_id_birth_digits,
    commune,
    normalise_phone,
    normalise_tax_code,
    province,
    tax_code_check_digit,
    tax_code_is_valid,
)
from tests.forms.factory import TODAY, form_spec, one_field


def codes(spec: Any, value: Any, locale: str = "vi") -> list[str]:
    result = validate_payload(spec, {"value": value}, today=TODAY, locale=locale)
    return [error.code for error in result.errors]


def cleaned(spec: Any, value: Any) -> Any:
    result = validate_payload(spec, {"value": value}, today=TODAY)
    assert result.ok, result.errors
    assert result.cleaned is not None
    return result.cleaned["value"]


# --------------------------------------------------------------------------- personal ID


def test_the_63_old_province_codes_are_embedded() -> None:
    assert len(CITIZEN_ID_PROVINCES) == 63
    assert CITIZEN_ID_PROVINCES["001"] == "Hà Nội"
    assert CITIZEN_ID_PROVINCES["079"] == "Hồ Chí Minh"
    assert CITIZEN_ID_PROVINCES["096"] == "Cà Mau"
    # Provinces merged in 2025 keep their codes in numbers already issued.
    assert CITIZEN_ID_PROVINCES["002"] == "Hà Giang"
    assert all(code.isdigit() and len(code) == 3 for code in CITIZEN_ID_PROVINCES)


@pytest.mark.parametrize(
    "number",
    [
        "001095012345",  # Hà Nội, a man born in 1995
        "079301234567",  # Hồ Chí Minh City, a woman born in 2001
        "096188001234",  # Cà Mau, a woman born in 1988
        "002206123456",  # Hà Giang (merged into Tuyên Quang in 2025): still valid
        "038090000001",  # Thanh Hóa
    ],
)
def test_valid_citizen_ids(number: str) -> None:
    assert cleaned(one_field("citizen_id"), number) == number


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("003095012345", "003 is no province code"),
        ("097095012345", "097 is no province code"),
        ("000095012345", "000 is no province code"),
        ("00109501234", "11 digits"),
        ("0010950123456", "13 digits"),
        ("00109501234a", "a letter"),
        ("001 095 012345", "spaces (the form strips them, the API does not)"),
        ("123456789", "an old 9-digit ID card number"),
    ],
)
def test_invalid_citizen_ids(number: str, why: str) -> None:
    assert codes(one_field("citizen_id"), number) == ["citizen_id"], why


def test_citizen_id_must_be_text() -> None:
    assert codes(one_field("citizen_id"), 1095012345) == ["type"]


def test_birth_digits_follow_century_and_sex() -> None:
    assert citizen_id_birth_digits(1995) == ("095", "195")
    assert citizen_id_birth_digits(2006) == ("206", "306")
    assert citizen_id_birth_digits(2100) == ("400", "500")
    assert citizen_id_birth_digits(1899) is None


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


@pytest.mark.parametrize(
    ("born", "number", "ok"),
    [
        ("1995-03-01", "001095012345", True),  # man, 1900s, 95
        ("01/03/1995", "001195012345", True),  # woman
        ("1995-03-01", "001295012345", False),  # 2 means born in the 2000s
        ("1995-03-01", "001096012345", False),  # born in 96, not 95
        ("2006-11-20", "079206123456", True),
        ("2006-11-20", "079306123456", True),
        ("2006-11-20", "079006123456", False),  # 1906
    ],
)
def test_citizen_id_agrees_with_the_sibling_birth_date(born: str, number: str, ok: bool) -> None:
    spec = form_spec(PERSON)
    data = {"person": {"full_name": "Nguyễn Văn An", "birth_date": born, "citizen_id": number}}
    result = validate_payload(spec, data, today=TODAY)
    assert result.ok is ok
    if not ok:
        [error] = result.errors
        assert error.loc == ("person", "citizen_id")
        assert error.code == "citizen_id"
        year = born[-4:] if "/" in born else born[:4]
        assert f"({year})" in error.msg


def test_birth_date_message_says_which_digits_to_expect() -> None:
    spec = form_spec(PERSON)
    data = {"person": {"full_name": "An", "birth_date": "2006-11-20", "citizen_id": "079006123456"}}
    [vi] = validate_payload(spec, data, today=TODAY).errors
    [en] = validate_payload(spec, data, today=TODAY, locale="en").errors
    assert vi.msg == (
        "“Số định danh cá nhân” không khớp với năm sinh (2006): chữ số thứ 4 phải là 2 đối với "
        "nam hoặc 3 đối với nữ, chữ số thứ 5 và thứ 6 phải là 06."
    )
    assert en.msg.startswith("“Personal ID” does not match the date of birth (2006)")


def test_the_link_is_named_in_the_schema() -> None:
    person = payload_schema(form_spec(PERSON))["properties"]["person"]
    number = person["properties"]["citizen_id"]
    assert number["x-procgen-check"] == ["citizen_id", "citizen_id_birth_date"]
    assert number["x-procgen-birth-date"] == "birth_date"


@pytest.mark.parametrize(
    "fields",
    [
        # two dates that could be a birth date: ambiguous, no link
        """
        - {id: birth_date, type: date, label: Ngày sinh}
        - {id: ngay_sinh, type: date, label: Ngày sinh (âm lịch)}
        - {id: citizen_id, type: citizen_id, label: Số định danh}
        """,
        # two numbers: whose birth date would it be?
        """
        - {id: birth_date, type: date, label: Ngày sinh}
        - {id: citizen_id, type: citizen_id, label: Số định danh}
        - {id: spouse_id, type: citizen_id, label: Số định danh của vợ/chồng}
        """,
        # a date with another name
        """
        - {id: issue_date, type: date, label: Ngày cấp}
        - {id: citizen_id, type: citizen_id, label: Số định danh}
        """,
    ],
)
def test_no_link_unless_exactly_one_number_and_one_birth_date(fields: str) -> None:
    spec = form_spec(fields)
    data = {"birth_date": "1995-03-01", "ngay_sinh": "1995-03-01", "issue_date": "2020-01-01"}
    data = {k: v for k, v in data.items() if k in {f.id for f in spec.fields}}
    data["citizen_id"] = "001206012345"  # born in 2006: disagrees with 1995
    assert validate_payload(spec, data, today=TODAY).ok


def test_link_is_skipped_when_the_birth_date_is_invalid_or_absent() -> None:
    spec = form_spec(
        PERSON.replace("required: true}\n    - id: citizen_id", "}\n    - id: citizen_id")
    )
    absent = {"person": {"full_name": "An", "citizen_id": "001206012345"}}
    assert validate_payload(spec, absent, today=TODAY).ok
    wrong = {
        "person": {"full_name": "An", "birth_date": "31/02/1995", "citizen_id": "001206012345"}
    }
    assert [e.code for e in validate_payload(spec, wrong, today=TODAY).errors] == ["date"]


# --------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("0912-345-678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("+84 0912 345 678", "+84912345678"),
        ("0383456789", "+84383456789"),  # Viettel 03x (renumbered from 016x in 2018)
        ("0563456789", "+84563456789"),
        ("0701234567", "+84701234567"),
        ("0812345678", "+84812345678"),
        ("02438234567", "+842438234567"),  # Hà Nội landline: 024 + 8 digits
        ("024 3823 4567", "+842438234567"),
        ("0283 822 1234", "+842838221234"),  # Hồ Chí Minh City, 028
        ("0203 3825 123", "+842033825123"),  # Quảng Ninh, 0203
    ],
)
def test_phone_numbers_are_stored_in_e164(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored
    assert cleaned(one_field("phone"), typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "0123456789",  # 01x mobile prefixes were renumbered in 2018
        "01623456789",  # an old 11-digit mobile number
        "091234567",  # 9 digits
        "09123456789",  # 11 digits
        "0412345678",  # 04 is no mobile prefix, and a landline starts 02
        "0243823456",  # a landline needs 11 digits
        "84912345678",  # +84 without the +
        "+1 202 555 0123",
        "0912..345.678",
        "0912 345 67a",
        "",
    ],
)
def test_invalid_phone_numbers(typed: str) -> None:
    assert normalise_phone(typed) is None
    assert codes(one_field("phone"), typed) == ["phone"]


# --------------------------------------------------------------------------- tax code


def test_check_digit_algorithm() -> None:
    # 0100233488: 0*31 + 1*29 + 0*23 + 0*19 + 2*17 + 3*13 + 3*7 + 4*5 + 8*3 = 167;
    # 167 mod 11 = 2; 10 - 2 = 8.
    assert tax_code_check_digit("010023348") == 8
    assert tax_code_check_digit("031440905") == 8
    # A remainder of 0 would need a check digit of 10: no tax code starts with these digits.
    assert all(
        tax_code_check_digit(f"{n:09d}") is None
        for n in range(0, 2000)
        if sum(
            w * int(d) for w, d in zip((31, 29, 23, 19, 17, 13, 7, 5, 3), f"{n:09d}", strict=True)
        )
        % 11
        == 0
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0100233488", "0100233488"),
        ("0100112437", "0100112437"),
        ("0314409058-002", "0314409058-002"),  # a branch (đơn vị phụ thuộc)
        ("0314409058002", "0314409058-002"),
        ("001095012345", "001095012345"),  # a person's ID, a tax code since 1 July 2025
    ],
)
def test_valid_tax_codes(typed: str, stored: str) -> None:
    assert tax_code_is_valid(typed)
    assert normalise_tax_code(typed) == stored
    assert cleaned(one_field("tax_code"), typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0100233480", "tax_code"),  # wrong check digit
        ("0100233487", "tax_code"),
        ("0314409058-000", "tax_code"),  # branch 000
        ("0100000008", "tax_code"),  # serial 0000000
        ("003095012345", "tax_code"),  # 12 digits but no province code
        ("01002334", "tax_code"),  # 8 digits
        ("0100233488-01", "tax_code"),  # a 2-digit branch
        ("0100 233 488", "tax_code"),  # spaces: the form strips them, the API does not
        ("MST0100233488", "tax_code"),
    ],
)
def test_invalid_tax_codes(typed: str, code: str) -> None:
    assert codes(one_field("tax_code"), typed) == [code]


def test_a_wrong_check_digit_is_a_check_the_schema_names() -> None:
    schema = payload_schema(one_field("tax_code"))["properties"]["value"]
    assert schema["x-procgen-check"] == ["tax_code"]
    [error] = validate_payload(one_field("tax_code"), {"value": "0100233480"}, today=TODAY).errors
    assert "0100233480" in error.msg
    assert "kiểm tra" in error.msg


# --------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    "address", ["nguyen.van.an@example.com", "an+bqp@mod.gov.vn", "a@b.co", "AN@EXAMPLE.VN"]
)
def test_valid_emails(address: str) -> None:
    assert cleaned(one_field("email"), address) == address


@pytest.mark.parametrize(
    "address",
    [
        "an@",
        "an@example",
        "an example@x.vn",
        "an@@x.vn",
        "an@ex_ample.vn",
        "an@example.c",
        "an@-example.vn",
        "nguyễn@example.vn",
        "@example.vn",
        "a" * 250 + "@x.vn",
    ],
)
def test_invalid_emails(address: str) -> None:
    assert codes(one_field("email"), address) in (["email"], ["too_long"])


# --------------------------------------------------------------------------- address


def test_administrative_units_of_2025() -> None:
    assert len(provinces()) == 34
    assert province("01") == "Thành phố Hà Nội"
    assert province("02") is None  # Hà Giang was merged into Tuyên Quang
    assert commune("00004") == ("Phường Ba Đình", "01")
    assert sum(len(communes(code)) for code, _ in provinces()) == 3321


def saigon_ward() -> str:
    return communes("79")[0][0]


@pytest.mark.parametrize(
    "address",
    [
        {"province": "01", "commune": "00004", "street": "Số 1 Hoàng Diệu"},
        {"province": "79", "commune": saigon_ward(), "street": "45 Lê Duẩn"},
    ],
)
def test_valid_addresses(address: dict[str, str]) -> None:
    assert cleaned(one_field("address"), address) == address


@pytest.mark.parametrize(
    ("address", "loc", "code"),
    [
        (
            {"province": "02", "commune": "00004", "street": "Số 1"},
            ("value", "province"),
            "address",
        ),
        ({"province": "01", "commune": "99999", "street": "Số 1"}, ("value", "commune"), "address"),
        (
            {"province": "01", "commune": saigon_ward(), "street": "Số 1"},
            ("value", "commune"),
            "address",
        ),
        ({"province": "1", "commune": "00004", "street": "Số 1"}, ("value", "province"), "address"),
        ({"province": "01", "commune": 4, "street": "Số 1"}, ("value", "commune"), "type"),
        ({"province": "01", "commune": "00004"}, ("value", "street"), "required"),
        ({"province": "01", "commune": "00004", "street": "  "}, ("value", "street"), "blank"),
        (
            {"province": "01", "commune": "00004", "street": "Số 1", "ward": "x"},
            ("value", "ward"),
            "unknown",
        ),
        ("Số 1 Hoàng Diệu, Ba Đình, Hà Nội", ("value",), "type"),
    ],
)
def test_invalid_addresses(address: Any, loc: tuple[str, ...], code: str) -> None:
    result = validate_payload(one_field("address"), {"value": address}, today=TODAY)
    assert [(e.loc, e.code) for e in result.errors] == [(loc, code)]


def test_a_commune_of_another_province_is_named_in_the_message() -> None:
    ward = saigon_ward()
    name = (commune(ward) or ("?", "?"))[0]
    data = {"value": {"province": "01", "commune": ward, "street": "Số 1"}}
    [error] = validate_payload(one_field("address"), data, today=TODAY).errors
    assert error.msg == f"“Giá trị: Xã, phường, đặc khu”: {name} không thuộc Thành phố Hà Nội."
