"""Native fast paths: values checked by pydantic-core alone, the exact validators as a fallback.

A field type's :attr:`~procgen.forms.FieldType.annotation` is the definition of what a value is:
its validators say, in Python, what is accepted, what the value becomes and which error a bad
value gets. Calling Python for every field of every payload is what makes a model slow, so a
type may also give a **fast path** (:attr:`~procgen.forms.FieldType.fast`): a pydantic-core
schema with no Python code in it (strict types, lengths, bounds, Rust regular expressions,
literals, chains) that accepts a *subset* of what the annotation accepts and gives the *same*
value for it. The model validates a field with::

    union(mode="left_to_right")[fast, exact]

so the common value costs one native check, and anything else (a date written ``25/06/2026``,
an integer sent as ``5.0``, an invalid value) goes on to the exact validators, which accept it
or raise the error they always raised. A union names its branches in the locations of its
errors; :func:`unlabel` takes the fast branch's errors out and the branch names off the exact
one's, so that the errors of a payload are exactly those of the exact validators. The payload
model does that when validation fails, and only then (see :mod:`procgen.forms._model`).

``tests/forms/test_types.py`` checks every fast path against its exact annotation: whatever the
fast path accepts, the annotation accepts, with an equal value of the same type.
"""

from __future__ import annotations

import typing
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema
from pydantic_core.core_schema import CoreSchema

__all__ = [
    "EXACT",
    "FAST",
    "FastPath",
    "python_end",
    "unlabel",
]

#: The names of the two branches of a field's union, as they appear in error locations.
FAST = "procgen:fast"
EXACT = "procgen:exact"
_KNOWN_ERRORS = frozenset(typing.get_args(core_schema.ErrorType))

Loc = tuple[str | int, ...]


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes Annotated metadata
class FastPath:
    """``Annotated`` metadata: try ``schema`` (native) first, then the annotated type (exact).

    ``Annotated[exact_annotation, FastPath(schema)]`` validates with a left-to-right union of
    the two, whose branches are named :data:`FAST` and :data:`EXACT`.
    """

    schema: CoreSchema

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        exact = handler(source)
        return core_schema.union_schema([(self.schema, FAST), (exact, EXACT)], mode="left_to_right")


def python_end(pattern: str) -> str:
    """A regular expression ending in ``$`` for the Rust engine, ending at the very end.

    Python's ``$`` also matches before a final ``\\n`` (``re.search("^a$", "a\\n")`` matches)
    where Rust's does not: the fast path accepts only values without that newline, and the
    exact validators (Python's ``re``, as the JSON Schema validator uses) take the others.
    """
    if not pattern.endswith("$") or pattern.endswith("\\$"):
        raise ValueError(f"pattern {pattern!r} does not end with $")
    return pattern[:-1] + r"\z"


def unlabel(
    exc: ValidationError, unions: Collection[Loc], *, json: bool = False
) -> ValidationError:
    """``exc`` without the fast branches' errors and with the exact branches' names taken off.

    Args:
        exc: the error of a model whose fields at ``unions`` are :class:`FastPath` unions.
        unions: the static paths (field ids, without list indices) of those fields.
        json: whether the input was JSON (``model_validate_json``).

    Returns:
        ``exc`` itself when no error came from a union, else an equivalent error holding the
        exact validators' errors, in their order.
    """
    if not unions:
        return exc
    errors = exc.errors(include_url=False)
    details: list[InitErrorDetails] = []
    changed = False
    for error in errors:
        loc, branch = _split(tuple(error["loc"]), unions)
        if branch is None:
            details.append(_detail(error, loc))
            continue
        changed = True
        if branch == EXACT:
            details.append(_detail(error, loc))
    if not changed or not details:  # no union failed (or, impossibly, only a fast branch)
        return exc
    return ValidationError.from_exception_data(
        exc.title, details, input_type="json" if json else "python"
    )


def _split(loc: Loc, unions: Collection[Loc]) -> tuple[Loc, str | None]:
    """The location without the branch name that follows a union field, and that name."""
    static: Loc = ()
    for index, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if part in (FAST, EXACT) and static in unions:
            return (*loc[:index], *loc[index + 1 :]), part
        static = (*static, part)
    return loc, None


def _detail(error: Any, loc: Loc) -> InitErrorDetails:
    kind: str = error["type"]
    context: dict[str, Any] | None = error.get("ctx")
    detail: InitErrorDetails
    if kind in _KNOWN_ERRORS:
        detail = {"type": kind, "loc": loc, "input": error["input"]}
        if context is not None:
            detail["ctx"] = context
        return detail
    return {
        "type": PydanticCustomError(kind, _template(error), context),
        "loc": loc,
        "input": error["input"],
    }


def _template(error: Any) -> str:
    """The message template of a custom error: that of :func:`~procgen.forms.invalid`, whose
    context keeps it, else the message itself (already formatted)."""
    context = error.get("ctx") or {}
    if isinstance(context.get("msgid"), str):
        return str(context["msgid"])
    text = context.get("text")
    if isinstance(text, dict) and text:
        return str(text.get("en") or next(iter(text.values())))
    return str(error["msg"])
