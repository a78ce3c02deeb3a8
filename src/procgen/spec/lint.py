"""Linting a spec: problems a valid spec can still have, found by reading it as a whole.

:func:`lint_spec` runs after :func:`procgen.spec.check.check_spec`, on specs that loaded
without errors, so every reference it follows is known to exist. It looks at each effective
case (:meth:`~procgen.spec.models.ProcedureSpec.effective_cases`, with the workflow pattern's
standard steps added) and reports:

- errors, which make the workflow unusable: ``unreachable-step``, ``no-path-to-final``,
  ``action-without-actor``;
- warnings, which are probably mistakes: ``deadline-exceeds-legal``, ``field-never-shown``,
  ``document-never-required``, ``missing-english``, ``missing-status``, ``unused-role``.

A problem in a step that several cases inherit is reported once, at the step.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from procgen.expr import ExprError, compile_expr
from procgen.spec.check import FORM_CONTEXT
from procgen.spec.diagnostics import Diagnostic, Loc, Severity
from procgen.spec.duration import Duration, DurationUnit
from procgen.spec.graph import closure, longest_path, predecessors, successors
from procgen.spec.models import (
    ClockMode,
    Document,
    Field,
    NationalStatus,
    ProcedureSpec,
    ResolvedCase,
    Step,
)
from procgen.spec.source import Source
from procgen.spec.text import Text

__all__ = ["lint_spec"]

#: Partial paths explored when looking for the longest path; beyond it the deadline check is
#: skipped (a real workflow has a handful of paths, only a pathological graph gets here).

_STATUS_HINT = "add e.g. 'status: 4'; national codes: " + ", ".join(
    f"{s.value} {s.name.lower()}" for s in sorted(NationalStatus)
)


@dataclass(frozen=True)
class _Node:
    """An effective step and where to report it: its own location, or the ``pattern`` key."""

    step: Step
    loc: Loc
    authored: Step | None

    def action_loc(self, index: int) -> Loc:
        """Where the ``index``-th effective action is written, found by id in the authored step.

        An action the pattern adds to an authored step is reported at that step.
        """
        if self.authored is not None:
            action_id = self.step.actions[index].id
            for position, action in enumerate(self.authored.actions):
                if action.id == action_id:
                    return (*self.loc, "actions", position)
        return self.loc


@dataclass
class _Linter:
    spec: ProcedureSpec
    source: Source
    found: dict[tuple[str, Loc, str], Diagnostic] = field(default_factory=dict)

    def report(
        self,
        loc: Loc,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity = Severity.ERROR,
    ) -> None:
        # Keyed by what is reported where: a step inherited by several cases reports once.
        diagnostic = self.source.diagnostic(loc, code, message, hint, severity=severity)
        self.found.setdefault((code, loc, message), diagnostic)

    # ------------------------------------------------------------------ the workflow

    def nodes(self, index: int, case: ResolvedCase) -> list[_Node]:
        """The case's effective steps, each with the location it is reported at."""
        spec = self.spec
        owns = bool(spec.cases) and spec.cases[index].steps is not None
        base: Loc = ("cases", index, "steps") if owns else ("steps",)
        written = spec.cases[index].steps if owns else spec.steps
        authored = {step.id: (position, step) for position, step in enumerate(written or ())}
        nodes: list[_Node] = []
        for step in case.steps:  # already expanded with the pattern by effective_cases()
            if step.id in authored:
                position, own = authored[step.id]
                nodes.append(_Node(step, (*base, position), own))
            else:
                nodes.append(_Node(step, ("pattern",), None))
        return nodes

    def check_graph(self, nodes: Sequence[_Node]) -> None:
        forward = successors([n.step for n in nodes])
        reached = closure([nodes[0].step.id], forward)
        for node in nodes[1:]:
            if node.step.id not in reached:
                self.report(
                    node.loc,
                    "unreachable-step",
                    f"step {node.step.id!r} cannot be reached from the first step "
                    f"{nodes[0].step.id!r}",
                    f"add an action with 'to: {node.step.id}' to a step that is reached, "
                    "or remove the step",
                )
        finals = [n.step.id for n in nodes if n.step.final]
        ending = closure(finals, predecessors(forward))
        hint = "add an action leading towards a final step: " + ", ".join(finals)
        for node in nodes:
            if node.step.final or node.step.id in ending:
                continue
            self.report(
                node.loc,
                "no-path-to-final",
                f"a dossier in step {node.step.id!r} can never finish: no final step "
                "(one with an outcome) can be reached from it",
                hint if finals else "give a step an 'outcome' to make it final",
            )

    def check_actors(self, nodes: Sequence[_Node]) -> None:
        for node in nodes:
            step = node.step
            for index, action in enumerate(step.actions):
                if action.role is None and step.role is None:
                    self.report(
                        node.action_loc(index),
                        "action-without-actor",
                        f"nobody can perform action {action.id!r} of step {step.id!r}: "
                        "neither the action nor the step has a role",
                        f"add 'role: ...' to the action, or to step {step.id!r}",
                    )

    def check_statuses(self, nodes: Sequence[_Node]) -> None:
        for node in nodes:
            if node.step.status is None:
                self.report(
                    node.loc,
                    "missing-status",
                    f"step {node.step.id!r} has no national status code, so dossiers in it "
                    "cannot be reported to the national portal",
                    _STATUS_HINT,
                    severity=Severity.WARNING,
                )

    def check_deadline(self, index: int, case: ResolvedCase, nodes: Sequence[_Node]) -> None:
        legal = case.deadline.within if case.deadline is not None else None
        if legal is None:
            return
        measure = _measure(legal.unit)
        weights = {n.step.id: _weight(n.step, measure) for n in nodes}
        longest = longest_path([n.step for n in nodes], weights)
        if longest is None:
            return
        total, path = longest
        limit = measure(legal)
        if limit is None or total <= limit:
            return
        own = self.spec.cases[index] if self.spec.cases else None
        own_deadline = own is not None and own.deadline is not None
        own_steps = own is not None and own.steps is not None
        loc: Loc = ("cases", index, "deadline") if own_deadline else ("deadline",)
        whose = f" (case {case.id!r})" if own_deadline or own_steps else ""
        shown = " → ".join(_describe_step(s, measure) for s in path)
        self.report(
            loc,
            "deadline-exceeds-legal",
            f"the step deadlines along {shown} add up to {_amount(total, legal.unit)}, "
            f"more than the legal deadline of {legal}{whose}",
            "shorten the step deadlines on this path, or mark steps where the dossier waits "
            "for the applicant 'clock: paused'",
            severity=Severity.WARNING,
        )

    # ------------------------------------------------------------------ the models

    def check_models(self) -> None:
        context = {"today": dt.date.today(), "now": dt.datetime.now(dt.UTC)}
        for loc, model in _walk(self.spec, ()):
            if isinstance(model, Text) and model.en is None:
                self.report(
                    loc,
                    "missing-english",
                    f"{_where(loc)} has no English text",
                    f"write it as {{vi: {model.vi}, en: ...}}",
                    severity=Severity.WARNING,
                )
            elif isinstance(model, Field) and model.when is not None:
                if _always_false(model.when, context):
                    self.report(
                        (*loc, "when"),
                        "field-never-shown",
                        f"field {model.id!r} is never shown: its condition {model.when!r} "
                        "uses no field and is always false",
                        "make the condition depend on a field, or remove 'when' (or the field)",
                        severity=Severity.WARNING,
                    )
            elif isinstance(model, Document) and model.when is not None:
                # `required: false` alone is an optional attachment ("nếu có"): legitimate.
                # A condition that can never hold, or one on an optional document, is not.
                if _always_false(model.when, context):
                    self.report(
                        (*loc, "when"),
                        "document-never-required",
                        f"document {model.id!r} is never required: its condition "
                        f"{model.when!r} uses no field and is always false",
                        "make the condition depend on a field, or remove 'when'",
                        severity=Severity.WARNING,
                    )
                elif not model.required:
                    self.report(
                        (*loc, "when"),
                        "document-never-required",
                        f"document {model.id!r} has 'required: false', so its condition "
                        f"{model.when!r} never makes it required",
                        "remove 'required: false' so the condition decides, or remove 'when' "
                        "if the document is simply optional",
                        severity=Severity.WARNING,
                    )

    def check_roles(self, used: set[str]) -> None:
        for index, role in enumerate(self.spec.roles):
            if role.id not in used:
                self.report(
                    ("roles", index),
                    "unused-role",
                    f"role {role.id!r} is declared but no step or action uses it",
                    f"give a step or an action 'role: {role.id}', or remove the role",
                    severity=Severity.WARNING,
                )

    # ------------------------------------------------------------------ the whole

    def run(self) -> list[Diagnostic]:
        used: set[str] = set()
        for index, case in enumerate(self.spec.effective_cases()):
            nodes = self.nodes(index, case)
            if not nodes:
                continue
            self.check_graph(nodes)
            self.check_actors(nodes)
            self.check_statuses(nodes)
            self.check_deadline(index, case, nodes)
            for step in (n.step for n in nodes):
                used.update(r for r in (step.role, *(a.role for a in step.actions)) if r)
        self.check_models()
        self.check_roles(used)
        return sorted(self.found.values(), key=lambda d: (d.line, d.column, d.code, d.message))


# --------------------------------------------------------------------------- graphs


# --------------------------------------------------------------------------- deadlines


def _measure(unit: DurationUnit) -> Callable[[Duration], Decimal | None]:
    """How to count a duration against a legal deadline in ``unit``; ``None``: not comparable.

    Working days and working hours are comparable (8 working hours make a working day) and
    counted in working hours; a calendar unit compares only with itself.
    """
    if unit.is_working_time:
        return lambda d: d.working_hours if d.unit.is_working_time else None
    return lambda d: d.amount if d.unit is unit else None


def _weight(step: Step, measure: Callable[[Duration], Decimal | None]) -> Decimal:
    # A step whose clock is paused, or whose budget is not comparable, adds nothing; so the
    # total is a lower bound and a warning is never raised wrongly.
    if step.clock is ClockMode.PAUSED or step.deadline is None or step.deadline.within is None:
        return Decimal(0)
    return measure(step.deadline.within) or Decimal(0)


def _amount(value: Decimal, unit: DurationUnit) -> str:
    """``value`` (working hours for working units, else ``unit``) written in ``unit``."""
    if unit is DurationUnit.WORKING_DAYS:
        days = str(Duration(value / 8, unit))
        return f"{days} ({Duration(value, DurationUnit.WORKING_HOURS)})"
    return str(Duration(value, unit))


def _describe_step(step: Step, measure: Callable[[Duration], Decimal | None]) -> str:
    within = step.deadline.within if step.deadline is not None else None
    if within is None or step.clock is ClockMode.PAUSED or measure(within) is None:
        return step.id
    return f"{step.id} ({within})"


# --------------------------------------------------------------------------- models


def _walk(root: BaseModel, loc: Loc) -> Iterator[tuple[Loc, BaseModel]]:
    """Yield ``(loc, model)`` for every model inside ``root``, in declaration order.

    Only the attributes whose annotation can hold a model are visited (see :func:`_nested`),
    and an explicit stack replaces recursion: linting runs on every spec of a folder.
    """
    stack: list[tuple[Loc, Any]] = [(loc, root)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, BaseModel):
            yield here, value
            children = [((*here, name), getattr(value, name)) for name in _nested(type(value))]
            stack.extend(reversed(children))
        elif isinstance(value, tuple | list):
            stack.extend(reversed([((*here, i), item) for i, item in enumerate(value)]))
        elif isinstance(value, dict):
            stack.extend(reversed([((*here, str(k)), item) for k, item in value.items()]))


@functools.cache
def _nested(model: type[BaseModel]) -> tuple[str, ...]:
    """The attributes of ``model`` whose annotation mentions a pydantic model."""
    return tuple(
        name for name, info in model.model_fields.items() if _mentions_model(info.annotation)
    )


def _mentions_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_mentions_model(arg) for arg in typing.get_args(annotation))


def _always_false(text: str, context: dict[str, Any]) -> bool:
    """True when ``text`` uses no field (only literals, ``today``, ``now``) and is false."""
    try:
        expression = compile_expr(text)
        if not expression.names <= FORM_CONTEXT:
            return False
        return expression.evaluate(context) is False
    except ExprError:
        return False  # reported by the checker, or an error only at run time


def _where(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return f"'{text}'"


def lint_spec(spec: ProcedureSpec, source: Source) -> list[Diagnostic]:
    """Every lint problem in ``spec`` (which loaded without errors), located in ``source``.

    Args:
        spec: the validated, checked procedure.
        source: the file it was read from, to locate each problem.

    Returns:
        The diagnostics, sorted by line, column and code; each is reported once even when
        several cases inherit the step it is about.

    Example:
        >>> from procgen.spec.loader import read_spec
        >>> loaded = read_spec('''
        ... code: T-1
        ... name: {vi: Thử, en: Trial}
        ... sector: test
        ... level: commune
        ... agency: {name: {vi: UBND xã, en: Commune}}
        ... deadline: 1 working day
        ... steps:
        ...   - {id: review, role: applicant, status: 4, actions: [{id: ok, to: done}]}
        ...   - {id: done, status: 10, outcome: approved}
        ...   - {id: lost, status: 8, outcome: stopped}
        ... ''')
        >>> [(d.code, d.line, d.column) for d in lint_spec(loaded.spec, loaded.source)]
        [('unreachable-step', 11, 5)]
    """
    return _Linter(spec, source).run()
