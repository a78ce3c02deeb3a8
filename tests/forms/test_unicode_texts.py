"""Texts in Unicode: NFC before lengths and storage, no bidirectional controls in one-line
texts (names, identifiers), nothing made only of invisible characters; the fast paths agree."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

from procgen.forms import error_check
from procgen.forms._texts import TEXT_CHECK, text, text_fast
from procgen.spec.models import Field

NAME = Field(id="full_name", type="text", label={"vi": "Họ và tên"}, max_length=12)
STORY = Field(id="story", type="textarea", label={"vi": "Nội dung"}, max_length=12)
CODE = Field(id="code", type="text", label={"vi": "Mã"}, pattern="[A-Z]{2}-[0-9]{3}")


def _exact(field: Field, value: Any) -> Any:
    annotation, _ = text(field, single_line=field.type == "text")
    return TypeAdapter(annotation).validate_python(value)


def _fast(field: Field, value: Any) -> Any:
    return SchemaValidator(text_fast(field, single_line=field.type == "text")).validate_python(
        value
    )


def _error(field: Field, value: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        _exact(field, value)
    errors = caught.value.errors()
    assert len(errors) == 1
    return dict(errors[0])


NGUYEN = "Nguyễn Văn Ấn"  # 13 characters in NFC: one too many for NAME
DECOMPOSED = unicodedata.normalize("NFD", "Nguyễn Văn Ấ")


def test_texts_are_stored_in_nfc_and_lengths_count_what_a_person_sees() -> None:
    assert len(DECOMPOSED) > 12
    for field in (NAME, STORY):
        value = _exact(field, DECOMPOSED)
        assert value == "Nguyễn Văn Ấ"
        assert unicodedata.is_normalized("NFC", value)
    assert _error(NAME, NGUYEN)["type"] == "string_too_long"


def test_a_spec_pattern_sees_the_nfc_text() -> None:
    field = Field(id="x", type="text", label={"vi": "X"}, pattern="[a-zà-ỹ ]+")
    assert _exact(field, unicodedata.normalize("NFD", "ấn độ")) == "ấn độ"


@pytest.mark.parametrize(
    "value",
    ["An\u202e", "\u202aAn", "A\u202bn", "A\u202cn", "A\u202dn", "A\u2066n\u2069", "\u2067A\u2068"],
)
def test_one_line_texts_refuse_bidirectional_controls(value: str) -> None:
    error = _error(NAME, value)
    assert (error["type"], error_check(error)) == ("pattern", TEXT_CHECK)
    assert _exact(STORY, value) == value  # free text: kept as written


@pytest.mark.parametrize(
    "value", ["\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", "\u3164", "\u115f\u1160", "\u0301"]
)
def test_texts_of_invisible_characters_only_are_blank(value: str) -> None:
    for field in (NAME, STORY):
        error = _error(field, value)
        assert (error["type"], error_check(error)) == ("blank", TEXT_CHECK)


def test_the_schema_names_the_check() -> None:
    assert text(NAME, single_line=True)[1]["x-procgen-check"] == [TEXT_CHECK]


@pytest.mark.parametrize(
    "value",
    [NGUYEN[:12], DECOMPOSED, "An\u202e", "\u200b", "Ａｎ", "a\u200db", "AB-123", "ab-123"],
)
def test_the_fast_path_accepts_only_what_the_exact_one_gives_unchanged(value: str) -> None:
    for field in (NAME, STORY, CODE):
        try:
            fast = _fast(field, value)
        except ValidationError:
            continue
        assert _exact(field, value) == fast == value
