"""Texts and choices: ``text``, ``textarea``, ``choice`` and ``multichoice``.

- **text** and **textarea**: strings of 1 to ``max_length`` characters (500 and 10,000 when the
  spec sets none), not blank; ``text`` is one line; a spec ``pattern`` must match the whole value;
  values are normalised to NFC first (lengths count what a person sees), must hold a visible
  character (not only zero-width ones), hold no NUL character (U+0000, which PostgreSQL
  cannot store: refused on every backend alike), and a ``text`` holds no bidirectional controls;
- **choice** / **multichoice**: option values (a list of distinct ones for multichoice).

Each builder gives the exact annotation and the JSON Schema; ``*_fast`` builders give the native
fast path (:mod:`procgen.forms._native`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainValidator, Strict, StringConstraints
from pydantic_core import PydanticCustomError, core_schema
from pydantic_core.core_schema import CoreSchema

from procgen.forms.types import NOT_BLANK, anchored, invalid, search
from procgen.spec.models import Field

__all__ = ["LINE_BREAK", "TEXTAREA_MAX_LENGTH", "TEXT_MAX_LENGTH"]

#: Longest text accepted when a spec sets no ``max_length`` (a bound keeps payloads small).
TEXT_MAX_LENGTH = 500
TEXTAREA_MAX_LENGTH = 10_000
LINE_BREAK = re.compile(r"[\r\n]")
#: Python's ``\S`` for the Rust engine: Python's ``\s`` (``str.isspace``) is Unicode's
#: White_Space and U+001C-U+001F (the information separators), Rust's lacks the latter.
RUST_NOT_SPACE = r"[^\s\x1c-\x1f]"
#: A text on one line that is not blank (:data:`NOT_BLANK`, no :data:`LINE_BREAK`), for Rust.
RUST_ONE_LINE_NOT_BLANK = rf"^[^\r\n]*{RUST_NOT_SPACE}[^\r\n]*\z"
#: No line break anywhere, as a Python look-ahead before a spec's pattern.
_NO_LINE_BREAK = r"(?![^\r\n]*[\r\n])"


#: The check of texts beyond their JSON Schema (``x-procgen-check``): something visible, no
#: NUL, and in a ``text`` no bidirectional controls (lengths and patterns apply to the NFC form).
TEXT_CHECK = "text"
#: Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make a
#: name or identifier show differently from what it is.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters a reader does not see: controls, format characters (zero-width), separators,
# lone marks, unassigned and private code points; and letters drawn as blanks.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def nfc(value: object) -> object:
    """A string in Unicode NFC (what a person sees, one code point per letter where possible)."""
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        return unicodedata.normalize("NFC", value)
    return value


def visible(value: str) -> bool:
    """Whether ``value`` holds a character a reader sees."""
    return any(
        unicodedata.category(c) not in _INVISIBLE_CATEGORIES and c not in _BLANK_LETTERS
        for c in value
    )


def _settled(value: str, single_line: bool) -> str:
    """The fast path's extra check: values it cannot settle go to the exact validator."""
    if (
        "\x00" in value
        or not unicodedata.is_normalized("NFC", value)
        or (single_line and BIDI_CONTROLS.search(value))
        or not visible(value)
    ):
        raise PydanticCustomError("procgen_exact", "checked by the exact validator")
    return value


def _lengths(field: Field, *, single_line: bool) -> tuple[int, int]:
    low = max(1, field.min_length or 0)
    high = field.max_length or (TEXT_MAX_LENGTH if single_line else TEXTAREA_MAX_LENGTH)
    return low, high


def text(field: Field, *, single_line: bool) -> tuple[Any, dict[str, Any]]:
    """The exact annotation and the JSON Schema of a ``text`` or ``textarea``."""
    low, high = _lengths(field, single_line=single_line)
    own = re.compile(anchored(field.pattern)) if field.pattern else None

    def validate(value: str) -> str:
        if own is None and not search(NOT_BLANK, value):
            raise invalid("blank", "blank")
        if single_line and search(LINE_BREAK, value):
            raise invalid("pattern", "pattern.single_line")
        if own is not None and not search(own, value):
            raise invalid("pattern", "pattern")
        # what the JSON Schema cannot say, once it is satisfied: the check "text"
        if not visible(value):
            raise invalid("blank", "blank", check=TEXT_CHECK)
        if single_line and BIDI_CONTROLS.search(value):
            raise invalid("pattern", "pattern", check=TEXT_CHECK)
        if "\x00" in value:  # PostgreSQL cannot store it: refused on every backend
            raise invalid("pattern", "pattern", check=TEXT_CHECK)
        return value

    annotation = Annotated[
        str,
        Strict(),
        StringConstraints(min_length=low, max_length=high),
        BeforeValidator(nfc),  # runs first: the length and patterns see the NFC text
        AfterValidator(validate),
    ]
    schema: dict[str, Any] = {"type": "string", "minLength": low, "maxLength": high}
    schema["pattern"] = own.pattern if own is not None else NOT_BLANK.pattern
    if single_line:
        schema["not"] = {"pattern": LINE_BREAK.pattern}
    schema["x-procgen-check"] = [TEXT_CHECK]
    return annotation, schema


def text_fast(field: Field, *, single_line: bool) -> CoreSchema:
    """The same checks in one string schema: a Rust pattern for "not blank" (and "one line");
    a spec's own pattern stays a Python one (it may use look-arounds, and ``$`` must mean what
    it means to Python and the JSON Schema), run by pydantic-core without a Python frame; then
    one C-speed check sends values not in NFC, with bidirectional controls or nothing visible
    to the exact validator."""
    low, high = _lengths(field, single_line=single_line)
    if field.pattern is None:
        pattern = RUST_ONE_LINE_NOT_BLANK if single_line else RUST_NOT_SPACE
        plain = core_schema.str_schema(
            strict=True, min_length=low, max_length=high, pattern=pattern
        )
    else:
        own = anchored(field.pattern)
        if single_line:  # "^(?:p)$" after a look-ahead that no line break follows
            own = "^" + _NO_LINE_BREAK + own[1:]
        plain = core_schema.str_schema(
            strict=True, min_length=low, max_length=high, pattern=own, regex_engine="python-re"
        )
    return core_schema.no_info_after_validator_function(
        partial(_settled, single_line=single_line), plain
    )


# --------------------------------------------------------------------------- choices


def choice_schema(field: Field) -> dict[str, Any]:
    """The JSON Schema of a choice: ``oneOf`` the options, with their labels."""
    return {
        "type": "string",
        "oneOf": [
            {
                "const": option.value,
                "title": option.label.vi,
                "x-procgen-label": option.label.model_dump(exclude_none=True),
            }
            for option in field.options
        ],
    }


def choice(field: Field) -> tuple[Any, dict[str, Any]]:
    """The exact annotation and the JSON Schema of a ``choice``."""
    options = frozenset(option.value for option in field.options)

    def validate(value: object) -> str:
        if not isinstance(value, str) or value not in options:
            raise invalid("choice", "choice")
        return str.__str__(value)  # a str, as for texts (not a StrEnum member, say)

    return Annotated[str, PlainValidator(validate)], choice_schema(field)


def choice_fast(field: Field) -> CoreSchema:
    """A literal of the option values."""
    return core_schema.literal_schema([option.value for option in field.options])


def multichoice(field: Field) -> tuple[Any, dict[str, Any]]:
    """The exact annotation and the JSON Schema of a ``multichoice`` (no fast path: pydantic
    has no native check that a list's items are distinct)."""
    options = frozenset(option.value for option in field.options)
    low = max(field.min_items or 0, 1 if field.required else 0)
    high = field.max_items

    def validate(value: object) -> list[str]:
        if not isinstance(value, list | tuple):
            raise invalid("type", "type.list")
        if any(not isinstance(item, str) or item not in options for item in value):
            raise invalid("choice", "choice")
        if len(set(value)) != len(value):
            raise invalid("unique", "unique")
        if len(value) < low:
            raise invalid("min_items", "min_items", min=low)
        if high is not None and len(value) > high:
            raise invalid("max_items", "max_items", max=high)
        return list(value)

    schema: dict[str, Any] = {"type": "array", "items": choice_schema(field), "uniqueItems": True}
    if low:
        schema["minItems"] = low
    if high is not None:
        schema["maxItems"] = high
    return Annotated[list[str], PlainValidator(validate)], schema
