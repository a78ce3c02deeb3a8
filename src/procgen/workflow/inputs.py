"""Action inputs: checking what an actor types when taking an action.

An action asks for the built-in inputs it names in ``requires`` (the fields of
:data:`procgen.spec.inputs.BUILTIN_INPUTS`) and for those it declares under ``inputs``. The
:class:`~procgen.workflow.machine.StateMachine` checks them with an :class:`InputValidator`,
a one-method protocol: :class:`BasicInputValidator` checks presence and basic types, and the
forms layer provides a full field validator with the same method::

    >>> from procgen.spec.inputs import BUILTIN_INPUTS
    >>> fields = [BUILTIN_INPUTS["reason"], BUILTIN_INPUTS["decision_date"]]
    >>> cleaned, problems = BasicInputValidator().validate(
    ...     fields, {"reason": "  Thiếu giấy tờ ", "decision_date": "2025-07-01"})
    >>> cleaned
    {'reason': 'Thiếu giấy tờ', 'decision_date': datetime.date(2025, 7, 1)}
    >>> BasicInputValidator().validate(fields, {})[1][0].message
    'reason is required'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from procgen.spec.models import Field
from procgen.workflow.errors import did_you_mean
from procgen.workflow.workdays import FIRST_DATE, LAST_DATE

__all__ = ["BasicInputValidator", "InputProblem", "InputValidator"]


@dataclass(frozen=True)
class InputProblem:
    """One bad action input: ``code`` is ``missing``, ``invalid`` or ``unexpected``."""

    input: str
    code: Literal["missing", "invalid", "unexpected"]
    message: str


class InputValidator(Protocol):
    """Checks and cleans an action's inputs; the forms layer provides a full implementation."""

    def validate(
        self, fields: Sequence[Field], inputs: Mapping[str, Any]
    ) -> tuple[dict[str, Any], tuple[InputProblem, ...]]:
        """Return the cleaned inputs (declared fields only) and every problem found."""
        ...


_TEXT_TYPES = frozenset({"text", "textarea", "email", "phone", "citizen_id", "tax_code"})


def _shown(value: Any) -> str:
    """``value`` for a message: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | Sequence | Mapping) and len(value) == 0)


class BasicInputValidator:
    """Presence and basic types: texts are non-empty strings, dates are dates or ISO strings.

    Unknown inputs are errors; strings are stripped; empty optional inputs are left out. Dates
    must be within the supported years (:data:`~procgen.workflow.workdays.FIRST_DATE` to
    :data:`~procgen.workflow.workdays.LAST_DATE`, 1800 to 2199), so that the legal clock can
    count from them; texts must not hold the NUL character (no database stores it).
    """

    def validate(
        self, fields: Sequence[Field], inputs: Mapping[str, Any]
    ) -> tuple[dict[str, Any], tuple[InputProblem, ...]]:
        """Check ``inputs`` against ``fields``; see :class:`InputValidator`."""
        declared = [f.id for f in fields]
        problems = [
            InputProblem(
                name,
                "unexpected",
                f"unexpected input {name!r}{did_you_mean(name, declared)}; "
                f"this action takes: {', '.join(declared) or 'no inputs'}",
            )
            for name in sorted(set(inputs) - set(declared))
        ]
        cleaned: dict[str, Any] = {}
        for spec in fields:
            value = inputs.get(spec.id)
            value = value.strip() if isinstance(value, str) else value
            if _is_empty(value):
                if spec.required:
                    problems.append(InputProblem(spec.id, "missing", f"{spec.id} is required"))
                continue
            try:
                cleaned[spec.id] = _coerce(spec, value)
            except (TypeError, ValueError) as exc:
                problems.append(InputProblem(spec.id, "invalid", f"{spec.id}: {exc}"))
        return cleaned, tuple(problems)


def _coerce(spec: Field, value: Any) -> Any:
    got = f"got {_shown(value)} that is a {type(value).__name__}"
    if spec.type in _TEXT_TYPES and not isinstance(value, str):
        raise TypeError(f"must be text ({got})")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain the NUL character (\\x00)")
    if spec.type == "date":
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            raise TypeError(f"must be a date such as 2025-07-01 ({got})")
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        if not FIRST_DATE <= day <= LAST_DATE:
            raise ValueError(
                f"must be a date from {FIRST_DATE:%d/%m/%Y} to {LAST_DATE:%d/%m/%Y} "
                f"(got {day:%d/%m/%Y})"
            )
        return day
    if spec.type in ("integer", "money") and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        raise TypeError(f"must be a whole number ({got})")
    if spec.type == "boolean" and not isinstance(value, bool):
        raise TypeError(f"must be true or false ({got})")
    if spec.type == "choice" and spec.options and value not in {o.value for o in spec.options}:
        raise ValueError(f"must be one of {', '.join(o.value for o in spec.options)} ({got})")
    return value
