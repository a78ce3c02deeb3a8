"""The condition language: CEL, compiled once and evaluated many times.

Field visibility (``when``), cross-field checks (``rules``) and action guards are written in the
Common Expression Language (https://cel.dev), a standard, side-effect free, non-Turing-complete
language. procgen never uses ``eval`` and has no expression parser of its own: parsing and
evaluation are done by the ``common-expression-language`` package.

    >>> e = compile_expr("age >= 18 && nationality == 'VN'")
    >>> sorted(e.names)
    ['age', 'nationality']
    >>> e.evaluate({"age": 20, "nationality": "VN"})
    True

Python values are converted for CEL by :func:`to_cel`: a ``date`` becomes a timestamp at
midnight UTC (so ``flight_date > today`` compares dates), a ``Decimal`` a double.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import cel

from procgen.errors import ProcgenError

__all__ = [
    "ExprError",
    "ExprEvaluationError",
    "ExprResultError",
    "ExprSyntaxError",
    "Expression",
    "compile_expr",
    "to_cel",
]

_LOCATION = re.compile(r"<input>:(?P<line>\d+):(?P<column>\d+): (?P<message>[^\n]*)")
# Comprehension macros bind a variable: ``pilots.all(p, p.age >= 18)`` binds ``p``.
_BOUND = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")


class ExprError(ProcgenError, ValueError):
    """Base of the errors raised by the condition language."""


class ExprSyntaxError(ExprError):
    """A CEL expression does not parse.

    Attributes:
        line: 1-based line inside the expression.
        column: 1-based column inside the expression.
        reason: the parser's message, without the location prefix.
    """

    def __init__(self, source: str, line: int, column: int, reason: str) -> None:
        super().__init__(f"{reason} (at line {line}, column {column} of {source!r})")
        self.source = source
        self.line = line
        self.column = column
        self.reason = reason


class ExprEvaluationError(ExprError):
    """A CEL expression failed while being evaluated (e.g. comparing null with a number, an
    arithmetic overflow on large values)."""


class ExprResultError(ExprEvaluationError):
    """A condition gave something other than true or false: a mistake in the spec, whatever
    the values."""


@dataclass(frozen=True)
class Expression:
    """A compiled CEL expression.

    Attributes:
        source: the expression as written.
        names: the variables it refers to (comprehension-bound names excluded).
    """

    source: str
    names: frozenset[str]
    _program: Any = field(repr=False, compare=False)

    def evaluate(self, variables: Mapping[str, Any]) -> Any:
        """Evaluate with ``variables`` (converted by :func:`to_cel`).

        Raises:
            ExprEvaluationError: when evaluation fails, e.g. an undefined variable or a type
                mismatch; the message names the expression.
        """
        context = {name: to_cel(value) for name, value in variables.items()}
        try:
            return self._program.execute(context)
        except Exception as exc:  # the binding raises RuntimeError/TypeError/ValueError
            raise ExprEvaluationError(f"{self.source!r}: {exc}") from exc

    def is_true(self, variables: Mapping[str, Any]) -> bool:
        """Evaluate and require a boolean result.

        Raises:
            ExprEvaluationError: when evaluation fails; :class:`ExprResultError` when the
                result is not a boolean.
        """
        result = self.evaluate(variables)
        if not isinstance(result, bool):
            raise ExprResultError(
                f"{self.source!r} must give true or false, got {type(result).__name__}"
            )
        return result


def compile_expr(source: str) -> Expression:
    """Parse and compile ``source``.

    Raises:
        ExprSyntaxError: with the line and column of the problem inside ``source``.
    """
    try:
        program = cel.compile(source)
    except (ValueError, RuntimeError) as exc:
        text = str(exc)
        match = _LOCATION.search(text)
        if match is None:
            raise ExprSyntaxError(source, 1, 1, text) from exc
        reason = match["message"]
        reason = reason.removeprefix("Syntax error: ")
        raise ExprSyntaxError(source, int(match["line"]), int(match["column"]), reason) from exc
    bound = set(_BOUND.findall(source))
    names = frozenset(program.variables()) - bound
    return Expression(source=source, names=names, _program=program)


def to_cel(value: Any) -> Any:
    """Convert a Python value to one the CEL binding accepts.

    Dates become timestamps at midnight UTC, naive datetimes are rejected by being taken as UTC
    (procgen stores aware datetimes only), Decimals become floats, tuples and sets become lists.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): to_cel(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_cel(v) for v in value]
    return value
