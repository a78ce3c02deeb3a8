"""Conditions and rules: which fields a payload shows (``when``), and the rules it breaks.

Both evaluate CEL (:mod:`procgen.expr`) on the values that are valid so far:

- **visibility**: each field's ``when`` decides whether it is shown; a hidden field's value counts
  as absent for other conditions, so the evaluation repeats until nothing changes; a condition
  that cannot be evaluated because a value it needs is absent is false;
- **rules**: each ``rules`` check (top-level or a field's, per row inside a list) whose fields
  are all valid runs on the cleaned values; one that cannot be evaluated because a value it
  uses is absent is skipped. A failed rule is a ``rule`` error on the fields it names. A rule
  that fails to evaluate on complete values (an arithmetic overflow on large values) is a
  ``rule`` error too, "“{label}” is not valid." followed by the rule's message, and is logged
  (logger ``procgen.forms``) with the procedure and the rule's place in the spec.

:func:`~procgen.forms.validate_payload` runs them around the payload model.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from procgen.expr import Expression, ExprEvaluationError, ExprResultError
from procgen.forms._messages import FieldError, field_message, label_of
from procgen.forms._model import CompiledForm
from procgen.spec.models import Field
from procgen.types import Locale

__all__ = ["Loc", "rule_errors", "shown_paths", "static_path"]

log = logging.getLogger("procgen.forms")

Loc = tuple[str | int, ...]


def static_path(loc: Loc) -> tuple[str, ...]:
    """The path of the field at ``loc`` in the spec: ``loc`` without list indices."""
    return tuple(part for part in loc if isinstance(part, str))


# --------------------------------------------------------------------------- visibility


def _incomplete(fields: Sequence[Field], value: Any) -> bool:
    """Whether a container lacks a value for one of its declared fields, at any depth."""
    if not isinstance(value, Mapping):
        return True
    for field in fields:
        child = value.get(field.id)
        if child is None:
            return True
        if field.type == "group" and _incomplete(field.fields, child):
            return True
        if field.type == "list" and any(_incomplete(field.fields, row) for row in child):
            return True
    return False


def _holds(
    form: CompiledForm,
    expression: Expression,
    variables: Mapping[str, Any],
    row: Sequence[Field] = (),
    *,
    absent: bool,
) -> bool:
    """Evaluate; an error where a value it uses is absent gives ``absent``; others raise (a
    condition that fails on complete data is a mistake in the spec, not in the payload)."""
    used = {name: variables.get(name) for name in expression.names}  # convert no more
    try:
        return expression.is_true(used)
    except ExprEvaluationError:
        for name, value in used.items():
            if name == "item" and _incomplete(row, value):
                return absent
            if name in form.top and _incomplete((form.top[name],), {name: value}):
                return absent
        raise


def shown_paths(
    form: CompiledForm, data: Mapping[str, Any], today: dt.date, now: dt.datetime
) -> frozenset[Loc]:
    shown: frozenset[Loc] | None = None
    values = form.values(data, None, names=form.when_names)
    # A hidden field's value is absent for other conditions: repeat until nothing changes.
    for _ in range(len(form.when) + 1):
        shown = _walk(form, data, {**values, "today": today, "now": now})
        again = form.values(data, shown, names=form.when_names)
        if again == values:
            break
        values = again
    return shown if shown is not None else frozenset()


def _walk(form: CompiledForm, data: Mapping[str, Any], context: dict[str, Any]) -> frozenset[Loc]:
    found: set[Loc] = set()

    def walk(fields: tuple[Field, ...], raw: Any, node: Any, prefix: Loc, static: tuple[str, ...],
             item: Any, row: tuple[Field, ...]) -> None:  # fmt: skip
        container = raw if isinstance(raw, Mapping) else {}
        values = node if isinstance(node, Mapping) else {}
        for field in fields:
            path, here = (*prefix, field.id), (*static, field.id)
            expression = form.when.get(here)
            if expression is not None:
                variables = context if item is None else {**context, "item": item}
                if not _holds(form, expression, variables, row, absent=False):
                    continue
            found.add(path)
            child, child_values = container.get(field.id), values.get(field.id)
            if field.type == "group":
                walk(field.fields, child, child_values, path, here, item, row)
            elif field.type == "list" and isinstance(child, list):
                rows = child_values if isinstance(child_values, list) else []
                for index, entry in enumerate(child):
                    values_of = rows[index] if index < len(rows) else {}
                    walk(
                        field.fields,
                        entry,
                        values_of,
                        (*path, index),
                        here,
                        values_of,
                        field.fields,
                    )

    walk(form.spec.fields, data, context, (), (), None, ())
    return frozenset(found)


# --------------------------------------------------------------------------- rules


def _row(values: Any, path: Loc) -> Any:
    """The values of the innermost list row holding ``path`` (CEL's ``item``), if any."""
    row, node = None, values
    for part in path[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            row = node
        else:
            node = node.get(part) if isinstance(node, Mapping) else None
    return row


def _row_fields(form: CompiledForm, path: Loc) -> tuple[Field, ...]:
    """The fields of the innermost list row holding ``path`` (what ``item`` holds)."""
    fields: tuple[Field, ...] = ()
    for index, part in enumerate(path[:-1]):
        if isinstance(part, int):
            fields = form.fields[static_path(path[:index])].fields
    return fields


def _targets(form: CompiledForm, fields: tuple[str, ...], instance: Loc) -> list[Loc]:
    """Where a rule's message goes: its ``fields`` (with the row indices of ``instance``; a
    path into a list the rule is not inside stops at the list), else the field it belongs to,
    else the whole form."""
    if not fields:
        return [instance]
    out = []
    for dotted in fields:
        loc: list[str | int] = []
        for part in dotted.split("."):
            loc.append(part)
            field = form.fields.get(static_path(tuple(loc)))
            if field is not None and field.type == "list":
                at = len(loc)
                if (
                    len(instance) > at
                    and tuple(loc) == instance[:at]
                    and isinstance(instance[at], int)
                ):
                    loc.append(instance[at])
                else:
                    break
        out.append(tuple(loc))
    return out


def rule_errors(
    form: CompiledForm,
    values: dict[str, Any],
    shown: frozenset[Loc],
    scope: frozenset[str] | None,
    errors: list[FieldError],
    today: dt.date,
    now: dt.datetime,
    locale: Locale,
) -> list[FieldError]:
    broken = {error.loc[0] for error in errors if error.loc}
    context = {**values, "today": today, "now": now}
    out: list[FieldError] = []
    for rule in form.rules:
        if (scope is not None and not rule.names <= scope) or rule.names & broken:
            continue
        if rule.owner is None:
            instances: list[Loc] = [()]
        else:
            if scope is not None and rule.owner[0] not in scope:
                continue
            instances = sorted(
                (p for p in shown if static_path(p) == rule.owner),
                key=lambda p: [str(x) for x in p],
            )
        for instance in instances:
            if instance and any(e.loc[: len(instance)] == instance for e in errors):
                continue
            item = _row(values, instance)
            variables = context if item is None else {**context, "item": item}
            message = rule.rule.message.get(locale)
            targets = _targets(form, rule.rule.fields, instance)
            try:
                if _holds(form, rule.expression, variables, _row_fields(form, instance),
                          absent=True):  # fmt: skip
                    continue
            except ExprResultError:
                raise  # not true or false whatever the values: the spec is wrong, say it loudly
            except ExprEvaluationError as exc:
                log.warning(
                    "procedure %s v%s: the rule at %s could not be evaluated on the "
                    "submitted values: %s",
                    form.spec.code,
                    form.spec.version,
                    rule_position(form, rule.rule, rule.owner),
                    exc,
                )
                out.extend(
                    FieldError(loc, "rule", _not_evaluated(form, loc, message, locale))
                    for loc in targets
                )
                continue
            out.extend(FieldError(loc, "rule", message) for loc in targets)
    return out


def _not_evaluated(form: CompiledForm, loc: Loc, message: str, locale: Locale) -> str:
    """The message of a rule that could not be evaluated: the field is not valid, and why the
    rule is there (its own message)."""
    if not loc:
        return message
    text = field_message("invalid", locale, label_of(form, loc, locale))
    return f"{text} {message}"


def rule_position(form: CompiledForm, rule: Any, owner: tuple[str, ...] | None) -> str:
    """Where ``rule`` is in the spec: ``rules[0]`` or ``fields.leave_on.rules[1]`` (the spec
    models keep no file positions; ``procgen check`` maps these paths to lines)."""
    if owner is None:
        rules: Sequence[Any] = form.spec.rules
        prefix = ""
    else:
        rules = form.fields[owner].rules
        prefix = "fields." + ".".join(owner) + "."
    index = next((i for i, r in enumerate(rules) if r is rule), None)
    where = f"{prefix}rules[{index}]" if index is not None else f"{prefix}rules"
    return f"{where} ({rule.check!r})"
