"""Checking what the models cannot: references between the parts of a spec, and CEL.

:func:`check_spec` walks a validated :class:`~procgen.spec.models.ProcedureSpec` and reports
every problem as a :class:`~procgen.spec.diagnostics.Diagnostic` located in the source file:
duplicate ids, references to unknown fields, roles and steps (with "did you mean"), unknown
field types, attributes that do not apply to a field's type, and CEL expressions that do not
parse or refer to undeclared names.

Names visible to CEL expressions:

- in form conditions (``when``, ``rules``): every top-level field id, ``today`` and ``now``;
  inside a ``list`` field, ``item`` is the current row;
- in action guards: the same, plus ``input`` (the action's inputs) and ``roles`` (the actor's).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from procgen.expr import ExprSyntaxError, compile_expr
from procgen.spec.diagnostics import Diagnostic, Loc, Severity
from procgen.spec.inputs import BUILTIN_INPUT_NAMES
from procgen.spec.models import (
    BUILTIN_FIELD_TYPES,
    BUILTIN_ROLES,
    Action,
    Field,
    ProcedureSpec,
    Step,
)
from procgen.spec.patterns import PATTERNS, expand
from procgen.spec.source import Source

__all__ = [
    "ACTION_INPUTS",
    "FORM_CONTEXT",
    "GUARD_CONTEXT",
    "check_spec",
]

#: Names every form condition may use besides the fields.
FORM_CONTEXT = frozenset({"today", "now"})
#: Names every action guard may use besides the fields.
GUARD_CONTEXT = FORM_CONTEXT | {"input", "roles"}
#: Built-in action inputs an action can ``require`` by name (see :mod:`procgen.spec.inputs`).
ACTION_INPUTS = BUILTIN_INPUT_NAMES

_CHOICE = {"choice", "multichoice"}
_NESTED = {"group", "list"}
_TEXTUAL = {"text", "textarea", "email", "phone", "citizen_id", "tax_code"}
_ORDERED = {"integer", "decimal", "money", "date", "datetime"}
_DATES = {"date", "datetime"}
_STRING = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'")
_PATH = re.compile(r"\b([a-z_][a-z0-9_]*)((?:\s*\.\s*[a-z_][a-z0-9_]*)+)(\s*\()?", re.IGNORECASE)


@dataclass
class _Checker:
    spec: ProcedureSpec
    source: Source
    field_types: frozenset[str]
    found: list[Diagnostic] = field(default_factory=list)

    # ------------------------------------------------------------------ reporting

    def report(
        self,
        loc: Loc,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        key: bool = False,
        at: tuple[int, int] | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.found.append(
            self.source.diagnostic(loc, code, message, hint, severity=severity, key=key, at=at)
        )

    def unknown(self, loc: Loc, kind: str, name: str, known: Iterable[str], code: str) -> None:
        known = sorted(set(known))
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if guess:
            hint = f"did you mean {guess[0]!r}?"
        elif known:
            hint = f"declared {kind}s: " + ", ".join(known)
        else:
            hint = f"declare the {kind} first"
        self.report(loc, code, f"unknown {kind} {name!r}", hint)

    def duplicates(self, items: Sequence[object], loc: Loc, kind: str) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            ident = str(getattr(item, "id", ""))
            if ident in seen:
                first_line, _ = self.source.position((*loc, seen[ident], "id"))
                self.report(
                    (*loc, index, "id"),
                    "duplicate-id",
                    f"{kind} id {ident!r} is used twice (first on line {first_line})",
                    f"give each {kind} its own id",
                )
            else:
                seen[ident] = index

    # ------------------------------------------------------------------ the form

    def check_fields(self, fields: Sequence[Field], loc: Loc, scope: frozenset[str]) -> None:
        self.duplicates(fields, loc, "field")
        for index, item in enumerate(fields):
            self.check_field(item, (*loc, index), scope)

    def check_field(self, item: Field, loc: Loc, scope: frozenset[str]) -> None:
        kind = item.type
        if kind not in self.field_types:
            self.unknown((*loc, "type"), "field type", kind, self.field_types, "unknown-field-type")
        applicable = {
            "options": kind in _CHOICE,
            "fields": kind in _NESTED,
            "min_length": kind in _TEXTUAL,
            "max_length": kind in _TEXTUAL,
            "pattern": kind in _TEXTUAL,
            "minimum": kind in _ORDERED,
            "maximum": kind in _ORDERED,
            "min_items": kind in {"list", "multichoice"},
            "max_items": kind in {"list", "multichoice"},
            "accept": kind == "file",
            "max_size": kind == "file",
        }
        if kind in self.field_types and kind not in BUILTIN_FIELD_TYPES:
            applicable = dict.fromkeys(applicable, True)  # custom types decide for themselves
        for attribute, ok in applicable.items():
            if not ok and self.source.has((*loc, attribute)):
                self.report(
                    (*loc, attribute),
                    "not-applicable",
                    f"{attribute!r} does not apply to a field of type {kind!r}",
                    "remove it, or change the field's type",
                    key=True,
                )
        if kind in _CHOICE and not item.options:
            self.report(
                loc,
                "missing-options",
                f"choice field {item.id!r} has no options",
                "add 'options: [...]'",
            )
        if kind in _CHOICE:
            self.duplicates_by_value(item, loc)
        if kind in _NESTED and not item.fields:
            self.report(
                loc,
                "missing-fields",
                f"{kind} field {item.id!r} has no nested fields",
                "add 'fields: [...]'",
            )
        for low, high in (
            ("min_length", "max_length"),
            ("minimum", "maximum"),
            ("min_items", "max_items"),
        ):
            lo, hi = getattr(item, low), getattr(item, high)
            if lo is not None and hi is not None and type(lo) is type(hi) and lo > hi:
                self.report(
                    (*loc, low),
                    "bad-range",
                    f"{low} {lo} is above {high} {hi}",
                    f"make {low} at most {high}",
                )
        inner = scope | {"item"} if kind == "list" else scope
        if item.when is not None:
            self.check_expr(item.when, (*loc, "when"), inner)
        for index, rule in enumerate(item.rules):
            self.check_expr(rule.check, (*loc, "rules", index, "check"), inner)
            for position, path in enumerate(rule.fields):
                self.check_path(path, (*loc, "rules", index, "fields", position))
        if item.fields:
            self.check_fields(item.fields, (*loc, "fields"), inner)

    def duplicates_by_value(self, item: Field, loc: Loc) -> None:
        seen: set[str] = set()
        for index, option in enumerate(item.options):
            if option.value in seen:
                self.report(
                    (*loc, "options", index),
                    "duplicate-id",
                    f"option {option.value!r} appears twice in {item.id!r}",
                )
            seen.add(option.value)

    def field_at(self, path: str) -> Field | None:
        fields: Sequence[Field] = self.spec.fields
        found: Field | None = None
        for part in path.split("."):
            found = next((f for f in fields if f.id == part), None)
            if found is None:
                return None
            fields = found.fields
        return found

    def check_path(self, path: str, loc: Loc, *, dates: bool = False) -> None:
        target = self.field_at(path)
        if target is None:
            known = [".".join(p) for p, _ in self.spec.walk_fields()]
            self.unknown(loc, "field", path, known, "unknown-field")
        elif dates and target.type not in _DATES:
            self.report(
                loc,
                "not-a-date-field",
                f"field {path!r} is of type {target.type!r}, not a date",
                "point at a field of type date or datetime",
            )

    # ------------------------------------------------------------------ CEL

    def check_expr(self, text: str, loc: Loc, scope: frozenset[str]) -> None:
        try:
            expression = compile_expr(text)
        except ExprSyntaxError as exc:
            reason = _shorten(exc.reason)
            self.report(
                loc,
                "cel-syntax",
                f"invalid condition: {reason}",
                "conditions are CEL, e.g. \"age >= 18 && nationality == 'VN'\"",
                at=self.source.inner_position(loc, exc.line, exc.column),
            )
            return
        for name in sorted(expression.names - scope):
            known = sorted(scope)
            guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = (
                f"did you mean {guess[0]!r}?"
                if guess
                else (
                    "a condition may use the declared field ids and "
                    + ", ".join(sorted(scope - {f.id for f in self.spec.fields}))
                )
            )
            self.report(
                loc,
                "cel-unknown-name",
                f"the condition uses {name!r}, which is not a declared field or a context name",
                hint,
                at=self.at_offset(loc, text, _find_name(text, name)),
            )
        self.check_members(text, loc)

    def check_members(self, text: str, loc: Loc) -> None:
        """Check ``group.child`` paths in an expression against the declared groups."""
        masked = _STRING.sub(lambda m: " " * len(m.group()), text)
        for match in _PATH.finditer(masked):
            root = next((f for f in self.spec.fields if f.id == match[1]), None)
            if root is None or root.type != "group":
                continue
            parts = [p.strip() for p in match[2].split(".")[1:]]
            current = root
            offset = match.start(2)
            for index, part in enumerate(parts):
                offset = masked.index(part, offset)
                is_call = index == len(parts) - 1 and match[3] is not None
                if current.type != "group" or is_call:
                    break
                child = next((f for f in current.fields if f.id == part), None)
                if child is None:
                    guess = difflib.get_close_matches(part, [f.id for f in current.fields], 1)
                    self.report(
                        loc,
                        "cel-unknown-name",
                        f"group {current.id!r} has no field {part!r}",
                        f"did you mean {guess[0]!r}?"
                        if guess
                        else "its fields: " + ", ".join(f.id for f in current.fields),
                        at=self.at_offset(loc, text, offset),
                    )
                    break
                current = child

    def at_offset(self, loc: Loc, text: str, offset: int) -> tuple[int, int]:
        before = text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return self.source.inner_position(loc, line, column)

    # ------------------------------------------------------------------ workflow

    def check_steps(self, steps: Sequence[Step], loc: Loc, form: frozenset[str]) -> None:
        self.duplicates(steps, loc, "step")
        pattern = self.spec.pattern
        effective = expand(tuple(steps), pattern if pattern in PATTERNS else None)
        # Every pattern step may be targeted, even one pruned because nothing reaches it yet.
        offered = PATTERNS[pattern].steps if pattern is not None and pattern in PATTERNS else ()
        step_ids = {s.id for s in effective} | {s.id for s in offered}
        roles = self.spec.role_ids()
        for index, step in enumerate(steps):
            here = (*loc, index)
            if step.role is not None and step.role not in roles:
                self.unknown((*here, "role"), "role", step.role, roles, "unknown-role")
            if step.on_expiry is not None and step.on_expiry not in step_ids:
                self.unknown((*here, "on_expiry"), "step", step.on_expiry, step_ids, "unknown-step")
            if step.final and step.actions:
                self.report(
                    (*here, "actions"),
                    "final-step-actions",
                    f"step {step.id!r} is final (outcome {step.outcome}) but has actions",
                    "remove the actions, or remove the outcome",
                    key=True,
                )
            if step.deadline is not None and step.deadline.before is not None:
                self.check_path(step.deadline.before, (*here, "deadline", "before"), dates=True)
            self.duplicates(step.actions, (*here, "actions"), "action")
            for position, action in enumerate(step.actions):
                self.check_action(action, (*here, "actions", position), step_ids, roles, form)

    def check_action(
        self,
        action: Action,
        loc: Loc,
        step_ids: set[str],
        roles: frozenset[str],
        form: frozenset[str],
    ) -> None:
        if action.to not in step_ids:
            self.unknown((*loc, "to"), "step", action.to, step_ids, "unknown-step")
        if action.role is not None and action.role not in roles:
            self.unknown((*loc, "role"), "role", action.role, roles, "unknown-role")
        for index, name in enumerate(action.requires):
            if name not in ACTION_INPUTS:
                self.unknown(
                    (*loc, "requires", index), "input", name, ACTION_INPUTS, "unknown-input"
                )
        if action.inputs:
            self.check_fields(action.inputs, (*loc, "inputs"), form)
        if action.when is not None:
            self.check_expr(action.when, (*loc, "when"), form | GUARD_CONTEXT)

    # ------------------------------------------------------------------ the whole

    def run(self) -> list[Diagnostic]:
        spec = self.spec
        form = frozenset(f.id for f in spec.fields) | FORM_CONTEXT
        self.check_fields(spec.fields, ("fields",), form)
        for index, rule in enumerate(spec.rules):
            self.check_expr(rule.check, ("rules", index, "check"), form)
            for position, path in enumerate(rule.fields):
                self.check_path(path, ("rules", index, "fields", position))
        self.duplicates(spec.pages, ("pages",), "page")
        top = {f.id for f in spec.fields}
        placed: dict[str, int] = {}
        for index, page in enumerate(spec.pages):
            for position, name in enumerate(page.fields):
                where = ("pages", index, "fields", position)
                if name not in top:
                    self.unknown(where, "field", name, top, "unknown-field")
                elif name in placed:
                    self.report(
                        where,
                        "duplicate-id",
                        f"field {name!r} is already on page {placed[name] + 1}",
                    )
                placed.setdefault(name, index)
        self.duplicates(spec.roles, ("roles",), "role")
        for index, role in enumerate(spec.roles):
            if role.id in BUILTIN_ROLES:
                self.report(
                    ("roles", index),
                    "duplicate-id",
                    f"role {role.id!r} is built in; do not declare it",
                    "remove it from roles",
                )
        self.duplicates(spec.results, ("results",), "result")
        if spec.pattern is not None and spec.pattern not in PATTERNS:
            self.unknown(("pattern",), "pattern", spec.pattern, PATTERNS, "unknown-pattern")
        self.check_container((), spec.documents, spec.lead_times, spec.steps, form)
        self.duplicates(spec.cases, ("cases",), "case")
        for index, case in enumerate(spec.cases):
            here = ("cases", index)
            if case.when is not None:
                self.check_expr(case.when, (*here, "when"), form)
            self.check_container(
                here, case.documents or (), case.lead_times or (), case.steps or (), form
            )
        self.check_completeness(form)
        return self.found

    def check_container(
        self,
        loc: Loc,
        documents: Sequence[object],
        lead_times: Sequence[object],
        steps: Sequence[Step],
        form: frozenset[str],
    ) -> None:
        self.duplicates(documents, (*loc, "documents"), "document")
        for index, document in enumerate(documents):
            when = getattr(document, "when", None)
            if when is not None:
                self.check_expr(when, (*loc, "documents", index, "when"), form)
        for index, lead in enumerate(lead_times):
            self.check_path(
                str(getattr(lead, "field", "")), (*loc, "lead_times", index, "field"), dates=True
            )
        deadline = (
            self.spec.deadline
            if not loc
            else getattr(self.spec.cases[int(loc[1])], "deadline", None)
        )
        if deadline is not None and deadline.before is not None:
            self.check_path(deadline.before, (*loc, "deadline", "before"), dates=True)
        if steps:
            self.check_steps(steps, (*loc, "steps"), form)

    def check_completeness(self, form: frozenset[str]) -> None:
        spec = self.spec
        cases = spec.cases or ()
        if not cases:
            if not spec.steps and spec.pattern is None:
                self.report(
                    (),
                    "missing-steps",
                    "the procedure has no steps",
                    "add 'steps:' (the first step is where a dossier starts)",
                )
            if spec.deadline is None:
                self.report(
                    (),
                    "missing-deadline",
                    "the procedure has no legal deadline",
                    "add e.g. 'deadline: 7 working days'",
                )
            return
        for index, case in enumerate(cases):
            if case.steps is None and not spec.steps and spec.pattern is None:
                self.report(
                    ("cases", index),
                    "missing-steps",
                    f"case {case.id!r} has no steps and the procedure declares none",
                    "add 'steps:' to the case or to the procedure",
                )
            if case.deadline is None and spec.deadline is None:
                self.report(
                    ("cases", index),
                    "missing-deadline",
                    f"case {case.id!r} has no deadline and the procedure declares none",
                    "add e.g. 'deadline: 7 working days'",
                )


def _find_name(text: str, name: str) -> int:
    masked = _STRING.sub(lambda m: " " * len(m.group()), text)
    match = re.search(rf"(?<![\w.]){re.escape(name)}\b", masked)
    return match.start() if match else 0


def _shorten(reason: str) -> str:
    """Turn the parser's token lists into something a domain author can read."""
    if "'<EOF>'" in reason:
        return "the condition ends too early (something is missing at the end)"
    return re.sub(r" expecting \{[^}]{60,}\}", "", reason)


def check_spec(
    spec: ProcedureSpec, source: Source, *, field_types: Iterable[str] | None = None
) -> list[Diagnostic]:
    """Every reference and CEL problem in ``spec``, located in ``source``."""
    types = frozenset(field_types) if field_types is not None else frozenset(BUILTIN_FIELD_TYPES)
    return _Checker(spec, source, types | frozenset(BUILTIN_FIELD_TYPES)).run()
