"""from_form: HTML form posts (dotted names, strings) turned into payloads."""

from __future__ import annotations

from typing import Any

import pytest

from procgen.forms import from_form, validate_payload
from tests.forms.factory import TODAY, bundled, form_spec

SPEC = form_spec(
    """
    - {id: name, type: text, label: Tên}
    - {id: story, type: textarea, label: Trình bày}
    - {id: count, type: integer, label: Số lượng}
    - {id: weight, type: decimal, label: Trọng lượng}
    - {id: fee, type: money, label: Lệ phí}
    - {id: day, type: date, label: Ngày}
    - {id: at, type: datetime, label: Thời điểm}
    - {id: agree, type: boolean, label: Đồng ý}
    - {id: kinds, type: multichoice, label: Các loại, options: [a, b, c]}
    - {id: phone, type: phone, label: Điện thoại}
    - {id: citizen_id, type: citizen_id, label: Số định danh}
    - {id: tax, type: tax_code, label: Mã số thuế}
    - {id: home, type: address, label: Địa chỉ}
    - id: rows
      type: list
      label: Các dòng
      fields:
        - {id: label, type: text, label: Nhãn}
        - {id: amount, type: integer, label: Số}
    """
)


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("name", "  Nguyễn   Văn  An ", "Nguyễn Văn An"),
        ("name", "Nguye\u0302\u0303n", "Nguyễn"),  # decomposed accents are composed (NFC)
        ("story", "Dòng một\r\nDòng hai\r\n", "Dòng một\nDòng hai"),
        ("count", "5", 5),
        ("count", "-3", -3),
        ("count", "1.200", 1200),  # a thousands separator
        ("count", "1 200", 1200),
        ("count", "1,5", "1,5"),  # not a whole number: kept, validation reports it
        ("count", "năm", "năm"),
        ("weight", "2,5", 2.5),  # a decimal comma
        ("weight", "2.5", 2.5),
        ("weight", "1.234,5", 1234.5),
        ("weight", "1,234.5", 1234.5),
        ("weight", "3", 3),
        ("fee", "1.500.000", 1_500_000),
        ("fee", "1,500,000 đ", 1_500_000),
        ("fee", "500000₫", 500_000),
        ("fee", "12 000 VND", 12_000),
        ("fee", "miễn phí", "miễn phí"),
        ("day", "25/06/2026", "2026-06-25"),
        ("day", "2026-06-25", "2026-06-25"),
        ("day", "25-06-2026", "2026-06-25"),
        ("day", "25.06.2026", "2026-06-25"),
        ("day", "31/02/2026", "31/02/2026"),
        ("at", "2026-06-25T08:30", "2026-06-25T08:30+07:00"),  # datetime-local: Vietnam time
        ("at", "2026-06-25T08:30:00Z", "2026-06-25T08:30:00Z"),
        ("agree", "on", True),
        ("agree", "true", True),
        ("agree", "có", True),
        ("agree", "false", False),
        ("agree", "không", False),
        ("agree", "có lẽ", "có lẽ"),
        ("phone", "(024) 3823 4567", "024 3823 4567"),
        ("citizen_id", "001 095 012345", "001095012345"),
        ("tax", "0314409058 - 002", "0314409058-002"),
        ("tax", "0100.233.488", "0100233488"),
    ],
)
def test_values_are_converted_where_they_parse(name: str, text: str, value: Any) -> None:
    assert from_form(SPEC, [(name, text)]) == {name: value}


def test_empty_values_are_absent_and_machinery_is_skipped() -> None:
    pairs = [("name", ""), ("count", "   "), ("_csrf", "abc"), ("_page", "2"), ("agree", "on")]
    assert from_form(SPEC, pairs) == {"agree": True}


def test_repeated_names() -> None:
    pairs = [
        ("kinds", "a"),
        ("kinds", "c"),
        ("agree", "false"),
        ("agree", "on"),
        ("name", "A"),
        ("name", "B"),
    ]
    assert from_form(SPEC, pairs) == {"kinds": ["a", "c"], "agree": True, "name": "B"}
    assert from_form(SPEC, [("agree", "false")]) == {"agree": False}  # the box was not ticked


def test_dotted_names_build_groups_parts_and_rows() -> None:
    pairs = [
        ("home.province", "01"),
        ("home.commune", "00004"),
        ("home.street", " Số 1 Hoàng Diệu "),
        ("rows.3.label", "Ba"),
        ("rows.0.label", "Một"),
        ("rows.0.amount", "1.000"),
        ("rows.1.label", ""),  # a blank row disappears
        ("rows.3.amount", "3"),
    ]
    assert from_form(SPEC, pairs) == {
        "home": {"province": "01", "commune": "00004", "street": "Số 1 Hoàng Diệu"},
        "rows": [{"label": "Một", "amount": 1000}, {"label": "Ba", "amount": 3}],
    }


def test_unknown_names_are_kept_for_validation_to_report() -> None:
    payload = from_form(SPEC, [("nickname", "Tí"), ("rows.0.colour", "đỏ")])
    assert payload == {"nickname": "Tí", "rows": [{"colour": "đỏ"}]}
    result = validate_payload(SPEC, payload, today=TODAY)
    assert [(e.loc, e.code) for e in result.errors] == [
        (("rows", 0, "colour"), "unknown"),
        (("nickname",), "unknown"),  # keys the form does not have come last
    ]


def test_a_real_form_post_validates() -> None:
    spec = bundled()["nvqs-dang-ky-lan-dau"]
    pairs = [
        ("full_name", "Nguyễn Văn An"),
        ("sex", "male"),
        ("birth_date", "05/04/2006"),
        ("citizen_id", "001 206 012345"),
        ("phone", "0912.345.678"),
        ("email", ""),
        ("permanent_address.province", "01"),
        ("permanent_address.commune", "00004"),
        ("permanent_address.street", "Số 1 Hoàng Diệu"),
        ("current_same_as_permanent", "false"),
        ("current_same_as_permanent", "on"),
        ("education_level", "upper_secondary"),
        ("still_at_school", "false"),
        ("has_health_issue", "false"),
        ("family.siblings_count", "2"),
        ("_csrf", "token"),
    ]
    result = validate_payload(spec, from_form(spec, pairs), today=TODAY)
    assert result.ok, result.errors
    assert result.cleaned is not None
    assert result.cleaned["citizen_id"] == "001206012345"
    assert result.cleaned["phone"] == "+84912345678"
    assert result.cleaned["family"] == {"siblings_count": 2}
    assert "current_address" not in result.cleaned
