"""Benchmark: payload validations per second for a 30-field procedure.

In the same run:

- generated: ``payload_model(form).model_validate(payload)``, the pydantic model procgen
  generates from a 30-field spec (texts with limits, integers with ranges, decimals, money,
  dates, booleans, choices, emails, phone numbers);
- reference: a hand-written pydantic model of the same 30 fields with the same rules (strict
  numbers, whole floats for integers, one-line non-blank texts, ISO and dd/mm/yyyy dates,
  options, procgen's email and phone expressions, E.164 phones), checked to agree with the
  generated model on valid and invalid values of every field before anything is timed;
- full: ``validate_payload(form, payload)``, which adds ``when`` conditions, CEL rules, cleaning
  and bilingual error messages on top of the generated model (no hand-written equivalent).

Target (issue 3): the generated model within 1.2x of the hand-written one. Usage:
``python bench/bench_forms.py [N]`` (default 20,000 validations per figure, best of 3).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
)

import procgen
from procgen.forms import example_payload, payload_model, validate_payload
from procgen.forms._dates import DATE_PATTERN
from procgen.forms.identifiers import EMAIL_PATTERN, PHONE_PATTERN

KINDS = ["text", "integer", "decimal", "money", "date", "boolean", "choice", "email", "phone"]


def spec_text() -> str:
    lines = []
    for index in range(30):
        kind = KINDS[index % len(KINDS)]
        extra = {
            "text": ", max_length: 200",
            "integer": ", minimum: 0, maximum: 1000",
            "decimal": ", minimum: 0",
            "choice": ", options: [mot, hai, ba]",
        }.get(kind, "")
        lines.append(
            f"  - {{id: f{index:02d}, type: {kind}, label: Trường {index}, required: true{extra}}}"
        )
    return (
        "code: BENCH-30\nname: {vi: Thủ tục 30 trường, en: 30-field procedure}\n"
        "sector: bench\nlevel: unit\nagency: {name: Đơn vị}\ndeadline: 5 working days\n"
        "fields:\n" + "\n".join(lines) + "\nsteps: [{id: done, outcome: approved}]\n"
    )


# ----------------------------------------------------------------------------- the reference
#
# The same rules as the generated model (docs/forms.md, "Field types"), written by hand with
# pydantic's public annotations: native checks where pydantic has them (strict types, lengths,
# bounds, patterns for its Rust engine, literals), a Python validator where it has none
# (phone normalisation, a Decimal that refuses strings and booleans, a date written 25/06/2026,
# a whole float as an integer). The regular expressions are procgen's, so that both accept the
# same values; check_equivalence() below checks it.

#: Python's \s (str.isspace) also holds U+001C-U+001F, which Rust's \s does not.
ONE_LINE_NOT_BLANK = r"^[^\r\n]*[^\s\x1c-\x1f][^\r\n]*\z"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\z"
#: Python's $ also matches before a final newline, Rust's does not: the Rust pattern takes the
#: usual value, a Python validator the rest.
EMAIL_RUST = EMAIL_PATTERN.pattern[:-1] + r"\z"


def _whole(value: float) -> int:
    if not value.is_integer():
        raise ValueError("not a whole number")
    return int(value)


def _json_number(value: Any) -> Any:
    """A number, as JSON has them (pydantic's Decimal then takes it, a float by its repr)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("not a number")
    return value


def _date(value: str) -> dt.date:
    """25/06/2026, 5/6/2026, or an ISO date with a final newline."""
    if DATE_PATTERN.search(value) is None:
        raise ValueError("not a date")
    text = value.strip()
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def _email(value: str) -> str:
    if EMAIL_PATTERN.search(value) is None:
        raise ValueError("not an email address")
    return value.strip()


def _phone(value: str) -> str:
    if PHONE_PATTERN.search(value) is None:
        raise ValueError("not a Vietnamese phone number")
    digits = re.sub(r"[ .-]", "", value.strip())
    return "+84" + digits.removeprefix("+84").removeprefix("0")


def _whole_number(ge: int | None = None, le: int | None = None) -> Any:
    """JSON Schema's integer: an int (not a bool, not a string), or a whole finite float."""
    integer = Annotated[int, Strict(), Field(ge=ge, le=le)]
    floating = Annotated[float, Strict(), AllowInfNan(False), Field(ge=ge, le=le)]
    return Annotated[
        integer | Annotated[floating, AfterValidator(_whole)], Field(union_mode="left_to_right")
    ]


Text = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=200, pattern=ONE_LINE_NOT_BLANK)
]
Int = _whole_number(0, 1000)
Dec = Annotated[Decimal, BeforeValidator(_json_number), Field(ge=0)]
Money = _whole_number(0)
Date = Annotated[
    Annotated[
        str, Strict(), StringConstraints(pattern=ISO_DATE), AfterValidator(dt.date.fromisoformat)
    ]
    | Annotated[str, Strict(), AfterValidator(_date)]
    | Annotated[dt.date, Strict()],
    Field(union_mode="left_to_right"),
]
Bool = Annotated[bool, Strict()]
Choice = Literal["mot", "hai", "ba"]
Email = Annotated[
    Annotated[str, Strict(), StringConstraints(max_length=254, pattern=EMAIL_RUST)]
    | Annotated[str, Strict(), StringConstraints(max_length=254), AfterValidator(_email)],
    Field(union_mode="left_to_right"),
]
Phone = Annotated[str, Strict(), AfterValidator(_phone)]
TYPES: dict[str, Any] = {
    "text": Text,
    "integer": Int,
    "decimal": Dec,
    "money": Money,
    "date": Date,
    "boolean": Bool,
    "choice": Choice,
    "email": Email,
    "phone": Phone,
}


class HandWritten(BaseModel):
    """The same 30 fields, written by hand."""

    model_config = ConfigDict(extra="forbid")

    f00: Text
    f01: Int
    f02: Dec
    f03: Money
    f04: Date
    f05: Bool
    f06: Choice
    f07: Email
    f08: Phone
    f09: Text
    f10: Int
    f11: Dec
    f12: Money
    f13: Date
    f14: Bool
    f15: Choice
    f16: Email
    f17: Phone
    f18: Text
    f19: Int
    f20: Dec
    f21: Money
    f22: Date
    f23: Bool
    f24: Choice
    f25: Email
    f26: Phone
    f27: Text
    f28: Int
    f29: Dec


#: Values for each kind of field, valid and not, on which both models must agree.
PROBES: dict[str, list[Any]] = {
    "text": ["Nguyễn Văn An", " An ", "", "  ", "a\nb", "\x1c", "x" * 200, "x" * 201, 5, None],
    "integer": [0, 1000, 1001, -1, 5.0, 5.5, "5", True, float("nan"), 1e3, None],
    "decimal": [2.5, 0.1, 0, 7, -0.5, "2.5", False, float("inf"), None],
    "money": [1_500_000, 2e6, 0, -1, 1500.5, "1.500.000", None],
    "date": ["2026-06-25", "25/06/2026", "5/6/2026", "2026-06-25\n", "2026-02-30", "29/02/2026",
             "25-06-2026", "2026-06-25T00:00:00", 20260625, dt.date(2026, 6, 25),
             dt.datetime(2026, 6, 25), None],
    "boolean": [True, False, "true", 1, None],
    "choice": ["mot", "ba", "bon", "Mot", 1, None],
    "email": ["nguyenvanan@example.com", "a@b.co\n", " a@b.co", "a@b", "ä@b.co",
              "x@" + "a" * 250 + ".com", None],
    "phone": ["0912345678", "0912 345 678", "+84 912 345 678", "024 3823 4567", "+84912345678",
              "0112345678", "0912345678\n", 912345678, None],
}  # fmt: skip


def _outcome(model: type[BaseModel], payload: dict[str, Any]) -> Any:
    try:
        values = model.model_validate(payload).model_dump(by_alias=True)
    except ValidationError as exc:
        return "invalid", sorted({str(error["loc"][0]) for error in exc.errors()})
    return "valid", {key: (type(value), repr(value)) for key, value in values.items()}


def check_equivalence(model: type[BaseModel], payload: dict[str, Any]) -> int:
    """Assert that the generated and the hand-written models agree on every probe of every
    field (valid or not, and the value each gives); return the number of probes."""
    checked = 0
    for index, kind in enumerate(KINDS[i % len(KINDS)] for i in range(30)):
        for value in PROBES[kind]:
            probe = {**payload, f"f{index:02d}": value}
            generated, reference = _outcome(model, probe), _outcome(HandWritten, probe)
            assert generated == reference, (kind, value, generated, reference)
            checked += 1
    return checked


def best_rate(count: int, work: Callable[[], object], rounds: int = 3) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(count):
            work()
        best = max(best, count / (time.perf_counter() - start))
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    form = procgen.compile(procgen.loads(spec_text(), "bench-30.yaml")).form
    payload = example_payload(form)
    model = payload_model(form)
    probes = check_equivalence(model, payload)
    generated = best_rate(count, lambda: model.model_validate(payload))
    reference = best_rate(count, lambda: HandWritten.model_validate(payload))
    full = best_rate(max(count // 10, 1), lambda: validate_payload(form, payload))
    print(f"30-field payload, {count} validations per figure, best of 3")
    print(f"  (both models agree on {probes} probe payloads, valid and invalid)")
    print(f"  generated model (payload_model): {generated:,.0f}/s")
    print(f"  hand-written pydantic model:     {reference:,.0f}/s")
    ratio = reference / generated
    print(f"  hand-written/generated time ratio: {ratio:.2f}x (target within 1.2x)")
    print(f"  -> {'met' if ratio <= 1.2 else 'NOT met'}")
    print(f"  full validate_payload (when, rules, cleaning, messages): {full:,.0f}/s")


if __name__ == "__main__":
    main()
