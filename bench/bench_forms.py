"""Benchmark: payload validations per second for a 30-field procedure.

In the same run:

- generated: ``payload_model(spec).model_validate(payload)``, the pydantic model procgen
  generates from a 30-field spec (texts with limits, integers with ranges, decimals, money,
  dates, booleans, choices, emails, phone numbers);
- reference: a hand-written pydantic model of the same 30 fields with the same constraints
  (strict types, lengths, ranges, enumerations, the same regular expressions);
- full: ``validate_payload(spec, payload)``, which adds ``when`` conditions, CEL rules, cleaning
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

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, StringConstraints

import procgen
from procgen.forms import example_payload, payload_model, validate_payload

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


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^(?:\+84|0)(?:3|5|7|8|9)[0-9]{8}$")


def _email(value: str) -> str:
    if EMAIL.match(value) is None:
        raise ValueError("not an email address")
    return value


def _phone(value: str) -> str:
    digits = re.sub(r"[\s.\-]", "", value)
    if PHONE.match(digits) is None:
        raise ValueError("not a Vietnamese phone number")
    return "+84" + digits.removeprefix("+84").removeprefix("0")


Text = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=200)]
Int = Annotated[int, Field(ge=0, le=1000)]
Dec = Annotated[Decimal, Field(ge=0)]
Money = Annotated[int, Strict(), Field(ge=0)]
Email = Annotated[str, Strict(), AfterValidator(_email)]
Phone = Annotated[str, Strict(), AfterValidator(_phone)]
Choice = Literal["mot", "hai", "ba"]
TYPES: dict[str, Any] = {
    "text": Text,
    "integer": Int,
    "decimal": Dec,
    "money": Money,
    "date": dt.date,
    "boolean": Annotated[bool, Strict()],
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
    f04: dt.date
    f05: Annotated[bool, Strict()]
    f06: Choice
    f07: Email
    f08: Phone
    f09: Text
    f10: Int
    f11: Dec
    f12: Money
    f13: dt.date
    f14: Annotated[bool, Strict()]
    f15: Choice
    f16: Email
    f17: Phone
    f18: Text
    f19: Int
    f20: Dec
    f21: Money
    f22: dt.date
    f23: Annotated[bool, Strict()]
    f24: Choice
    f25: Email
    f26: Phone
    f27: Text
    f28: Int
    f29: Dec


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
    spec = procgen.loads(spec_text(), "bench-30.yaml")
    payload = example_payload(spec)
    model = payload_model(spec)
    model.model_validate(payload)
    HandWritten.model_validate(payload)  # the same payload is valid for both
    generated = best_rate(count, lambda: model.model_validate(payload))
    reference = best_rate(count, lambda: HandWritten.model_validate(payload))
    full = best_rate(max(count // 10, 1), lambda: validate_payload(spec, payload))
    print(f"30-field payload, {count} validations per figure, best of 3:")
    print(f"  generated model (payload_model): {generated:,.0f}/s")
    print(f"  hand-written pydantic model:     {reference:,.0f}/s")
    ratio = reference / generated
    print(f"  hand-written/generated time ratio: {ratio:.2f}x (target within 1.2x)")
    print(f"  -> {'met' if ratio <= 1.2 else 'NOT met'}")
    print(f"  full validate_payload (when, rules, cleaning, messages): {full:,.0f}/s")


if __name__ == "__main__":
    main()
