"""Error messages: one catalogue entry per message in both languages, every code documented."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from babel.messages.pofile import read_po

from procgen.forms import validate_payload
from procgen.forms._messages import CODES, MESSAGES, PART, PARTS, ROW, field_message
from tests.conftest import DOCS, ROOT
from tests.forms.factory import TODAY, form_spec, one_field

LOCALE = ROOT / "src" / "procgen" / "locale"


def _msgids() -> list[str]:
    ids: list[str] = []
    for message in MESSAGES.values():
        ids.extend(message if isinstance(message, tuple) else (message,))
    return [*ids, *PARTS.values(), ROW, PART]


def _catalogue(lang: str) -> dict[str, str]:
    with (LOCALE / lang / "LC_MESSAGES" / "validation.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_is_in_the_catalogue_and_nothing_else(lang: str) -> None:
    catalogue = _catalogue(lang)
    assert set(catalogue) == set(_msgids())
    for msgid, text in catalogue.items():
        assert text, f"{msgid!r} has no {lang} text"
        assert _fields(text) == _fields(msgid), msgid


def test_vietnamese_is_really_translated() -> None:
    vi = _catalogue("vi")
    same = [msgid for msgid, text in vi.items() if text == msgid]
    assert same == [PART]  # only "{label}: {part}" reads the same in both languages
    assert vi["Enter “{label}”."] == "Vui lòng nhập “{label}”."


def test_every_code_is_documented() -> None:
    page = (DOCS / "forms.md").read_text(encoding="utf-8")
    section = page.split("#### Error codes", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == set(CODES), (set(CODES) - documented, documented - set(CODES))


PAYLOADS: list[tuple[str, str, Any, str]] = [
    ("text", "", None, "required"),
    ("text", "", "  ", "blank"),
    ("text", "", 5, "type"),
    ("text", "min_length: 3", "ab", "too_short"),
    ("text", "max_length: 3", "abcd", "too_long"),
    ("text", "pattern: '[0-9]+'", "abc", "pattern"),
    ("integer", "minimum: 1", 0, "min"),
    ("integer", "maximum: 1", 2, "max"),
    ("choice", "options: [a, b]", "c", "choice"),
    ("multichoice", "options: [a, b]", ["a", "a"], "unique"),
    ("multichoice", "options: [a, b], min_items: 2", ["a"], "min_items"),
    ("multichoice", "options: [a, b, c], max_items: 1", ["a", "b"], "max_items"),
    ("email", "", "an@", "email"),
    ("phone", "", "0123", "phone"),
    ("citizen_id", "", "123", "citizen_id"),
    ("tax_code", "", "123", "tax_code"),
    ("address", "", {"province": "x", "commune": "00004", "street": "Số 1"}, "address"),
    ("date", "", "hôm qua", "date"),
    ("datetime", "", "hôm qua", "datetime"),
    ("file", "accept: [pdf]", {"id": "1", "name": "a.exe", "size": 1}, "file"),
]


@pytest.mark.parametrize(("kind", "extra", "value", "code"), PAYLOADS)
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_each_code_has_a_message_in_each_language(
    kind: str, extra: str, value: Any, code: str, locale: str
) -> None:
    [error] = validate_payload(one_field(kind, extra), {"value": value}, locale=locale).errors
    assert error.code == code
    label = "Giá trị" if locale == "vi" else "Value"
    assert f"“{label}" in error.msg
    assert "{" not in error.msg, error.msg


def test_every_code_can_happen() -> None:
    spec = form_spec(
        "- {id: a, type: text, label: A}", "- {check: \"a != 'x'\", message: Không được là x.}"
    )
    seen = {code for _, _, _, code in PAYLOADS}
    seen |= {e.code for e in validate_payload(spec, {"a": "x", "b": 1}, today=TODAY).errors}
    assert seen | {"invalid"} == set(CODES)  # "invalid" only for errors procgen does not expect


def test_numbers_and_dates_in_messages_follow_the_language() -> None:
    spec = one_field("integer", "maximum: 10000")
    vi = validate_payload(spec, {"value": 20000}).errors[0].msg
    en = validate_payload(spec, {"value": 20000}, locale="en").errors[0].msg
    assert vi == "“Giá trị” không được lớn hơn 10.000."
    assert en == "“Value” must be at most 10,000."
    year = validate_payload(one_field("integer", "minimum: 1990"), {"value": 1900}).errors[0].msg
    assert year == "“Giá trị” không được nhỏ hơn 1990."  # no thousands separator in a year


def test_plural_forms_in_english() -> None:
    one = validate_payload(
        one_field("text", "min_length: 1, max_length: 1"), {"value": "ab"}, locale="en"
    )
    many = validate_payload(one_field("text", "max_length: 3"), {"value": "abcd"}, locale="en")
    assert one.errors[0].msg == "“Value” must have at most 1 character."
    assert many.errors[0].msg == "“Value” must have at most 3 characters."


def test_a_type_may_bring_its_own_texts() -> None:
    text = {"vi": "“{label}” sai ({value}, {unknown}).", "en": "“{label}” is wrong."}
    assert field_message(text, "vi", "Số hiệu", {"value": "12"}) == "“Số hiệu” sai (12, {unknown})."
    assert field_message(text, "en", "Unit", {}) == "“Unit” is wrong."
    assert field_message({"vi": "Chỉ tiếng Việt"}, "en", "x") == "Chỉ tiếng Việt"


LABELS = form_spec(
    """
    - {id: home, type: address, label: {vi: Nơi ở, en: Home}, required: true}
    - {id: scan, type: file, label: {vi: Bản quét, en: Scan}, accept: [pdf], max_size: 1KB}
    - id: pilots
      type: list
      label: {vi: Người điều khiển, en: Pilots}
      fields:
        - {id: name, type: text, label: {vi: Họ và tên, en: Full name}, required: true}
    """
)


@pytest.mark.parametrize(
    ("data", "locale", "expected"),
    [
        ({"home": {"province": "01", "street": "Số 1"}}, "vi",
         [(("home", "commune"), "Vui lòng chọn “Nơi ở: Xã, phường, đặc khu”.")]),
        ({"home": {"province": "01", "street": "Số 1"}}, "en",
         [(("home", "commune"), "Choose an answer for “Home: Commune or ward”.")]),
        ({"home": {"province": "01", "commune": "00004", "street": ""}}, "en",
         [(("home", "street"), "“Home: House number and street” cannot be blank.")]),
        ({"home": {"province": "01", "commune": "00004", "street": "1"},
          "scan": {"id": "t", "name": "a.pdf", "size": 5000}}, "vi",
         [(("scan", "size"), "“Bản quét: Dung lượng tệp” vượt quá dung lượng cho phép (1.0KB).")]),
        ({"home": {"province": "01", "commune": "00004", "street": "1"},
          "scan": {"id": "t", "name": "a.doc", "size": 5}}, "en",
         [(("scan", "name"), "“Scan: File name”: only these types of file are accepted: pdf.")]),
        ({"home": {"province": "01", "commune": "00004", "street": "1"}, "pilots": [{}, "x"]}, "en",
         [(("pilots", 0, "name"), "Enter “Pilots, entry 1: Full name”."),
          (("pilots", 1), "“Pilots, entry 2” must be a set of answers (a JSON object).")]),
        ({"home": {"province": "01", "commune": "00004", "street": "1"},
          "pilots": [{"name": "An", "nick": "Tí"}]}, "vi",
         [(("pilots", 0, "nick"), "“nick” không phải là trường thông tin của biểu mẫu này.")]),
    ],
)  # fmt: skip
def test_labels_name_the_part_and_the_row(
    data: dict[str, Any], locale: str, expected: list[tuple[tuple[Any, ...], str]]
) -> None:
    result = validate_payload(LABELS, data, locale=locale)
    assert [(e.loc, e.msg) for e in result.errors] == expected


def test_messages_never_show_a_placeholder() -> None:
    values = {"min": 1, "max": 2, "prefix": "003", "year": 1995, "male": "0", "female": "1",
              "yy": "95", "value": "x", "code": "99", "commune": "A", "province": "B",
              "accept": "pdf"}  # fmt: skip
    for key in MESSAGES:
        for locale in ("vi", "en"):
            text = field_message(key, locale, "Nhãn", values)
            assert "{" not in text, (key, locale, text)
            assert "Nhãn" in text, (key, locale, text)
