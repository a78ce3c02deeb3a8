"""Gherkin scenarios generated from a procedure: every action taken at least once.

:func:`feature_for` writes a ``.feature`` file for a procedure (``procgen scenarios CODE``): a
Background that sets the clock, names the procedure and creates one officer per role, then,
for each case of the procedure, a scenario from submission to each final step (shortest
path), then more scenarios until every action of every step has been taken once (the
shortest path to the step, the action, then the shortest path on to the case's first final
step). Expiries (``on_expiry``) count as actions: a scenario lets the step's deadline pass.

Every step is written with :data:`procgen.testing.phrases.PHRASES`, so the step definitions
(:mod:`procgen.testing.steps`) understand it. Each scenario is *simulated* while it is written,
with the same state machine, legal clock and case choice the service uses, so that:

- the submission table holds example data (:func:`procgen.forms.example_payload`) that passes
  validation and selects the scenario's case (a choice or yes/no field named in the case's
  ``when`` is tried with each of its options);
- each action is given its inputs (``requires`` and declared ``inputs``; a guard over the
  inputs is satisfied by trying the options of choice and yes/no inputs), and is taken by the
  user holding its role;
- an apology with a new appointment (``reschedules``) comes after enough working days have
  passed for the dossier to be late, when the workflow allows it, with a later date;
- the first scenario checks the legal due date once it is known, and that the dossier is on
  time; when no scenario finishes after the legal due date, the first is repeated with working
  days passing before the result, and checks that the dossier is late.

Whatever cannot be decided is written as a ``# TODO:`` comment above the step concerned::

    >>> from procgen.registry import Registry
    >>> spec = Registry.from_path("definitions").get("BQP-NVQS-01")         # doctest: +SKIP
    >>> print(feature_for(spec, language="en"))                             # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from procgen.forms import FieldTypeRegistry, example_payload, validate_payload
from procgen.registry import Registry
from procgen.service.catalogue import Catalogue
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import BUILTIN_ROLES, Action, Field, ProcedureSpec, ResolvedCase, Step
from procgen.spec.text import Text
from procgen.testing.phrases import PHRASES
from procgen.workflow import (
    EXPIRY_ACTION,
    ActionNotAllowedError,
    Actor,
    Deadlines,
    DossierClock,
    InvalidWorkflowError,
    StateMachine,
    Timeline,
    TimelineError,
    Timeliness,
)

__all__ = [
    "APPLICANT_USER",
    "DEFAULT_MORNING",
    "DEFAULT_TODAY",
    "Edge",
    "FeaturePlan",
    "PlannedScenario",
    "PlannedStep",
    "Row",
    "coverage_of",
    "declared_actions",
    "feature_for",
    "plan_feature",
    "user_name",
]

Language = Literal["vi", "en"]

#: The day scenarios start on when none is given: a Wednesday, clear of the spring holidays
#: and inside the yearly windows of the bundled procedures (admissions: 25/03 to 20/05).
DEFAULT_TODAY = dt.date(2026, 4, 1)
#: The time of day scenarios start at.
DEFAULT_MORNING = dt.time(9, 0)
#: The applicant's user name in the step library (a citizen without officer roles).
APPLICANT_USER = "applicant"
#: The channel the step library submits through (the applicant's own account).
_CHANNEL = "online"
#: How many working days an apology may wait for the dossier to be late, at most.
_MAX_WAIT = 400
#: How many combinations of options are tried to select a case or satisfy a guard.
_MAX_TRIES = 256

_KEYWORDS: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "feature": "Tính năng",
        "background": "Bối cảnh",
        "scenario": "Kịch bản",
        "given": "Cho",
        "when": "Khi",
        "then": "Thì",
        "and": "Và",
    },
    "en": {
        "feature": "Feature",
        "background": "Background",
        "scenario": "Scenario",
        "given": "Given",
        "when": "When",
        "then": "Then",
        "and": "And",
    },
}
_BOOLEANS: Mapping[str, tuple[str, str]] = {"vi": ("có", "không"), "en": ("yes", "no")}
_EXPIRED: Mapping[str, str] = {"vi": "Hết hạn", "en": "Deadline passes"}
_SAMPLE_TEXT: Mapping[str, Text] = {
    "reason": Text(vi="Hồ sơ cần được làm rõ thêm", en="The dossier needs clarifying"),
    "note": Text(vi="Ghi chú của cán bộ xử lý", en="A note from the officer"),
    "decision_number": Text(vi="15/QĐ-BCH", en="15/QĐ-BCH"),
}
_APPLICANT_REASON = Text(vi="Tôi không còn nhu cầu giải quyết", en="I no longer need it")
_SAMPLE_TYPED: Mapping[str, str] = {
    "email": "can.bo@example.com",
    "phone": "0912345678",
    "citizen_id": "001206123456",
    "tax_code": "0101234567",
}
#: File kinds the step library makes sample files of (others are sent as plain text).
_SAMPLE_KINDS = ("pdf", "png", "jpg", "jpeg")


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Row:
    """A row of a data table: a dotted path, a value (JSON, or a date) and its field type."""

    path: str
    value: Any
    kind: str


@dataclass(frozen=True)
class PlannedStep:
    """A Gherkin step: a phrase key, its placeholder values, an optional table, TODOs."""

    phrase: str
    values: tuple[tuple[str, Any], ...] = ()
    rows: tuple[Row, ...] | None = None
    todos: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edge:
    """A move of the workflow: an action of a step, or the step's expiry (``on_expiry``)."""

    step: str
    action: str
    to: str

    @property
    def expiry(self) -> bool:
        """True for the timed move of an expired step."""
        return self.action == EXPIRY_ACTION


@dataclass(frozen=True)
class PlannedScenario:
    """One scenario: the case, the moves it makes, and its steps."""

    case: str
    edges: tuple[Edge, ...]
    steps: tuple[PlannedStep, ...]
    late: bool = False
    """The variant that lets the dossier finish after its legal due date."""


@dataclass(frozen=True)
class FeaturePlan:
    """What :func:`feature_for` writes, before it is put in words."""

    spec: ProcedureSpec
    moment: dt.datetime
    users: tuple[tuple[str, str], ...]
    scenarios: tuple[PlannedScenario, ...]
    todos: tuple[str, ...] = ()

    def coverage(self) -> set[tuple[str, str, str]]:
        """The ``(case, step, action)`` triples the scenarios take (expiry: ``on_expiry``)."""
        return {(s.case, e.step, e.action) for s in self.scenarios for e in s.edges}


def user_name(role: str) -> str:
    """The scenario user holding ``role``.

    >>> user_name("reception"), user_name("commune_officer")
    ('reception-officer', 'commune-officer')
    """
    name = role.replace("_", "-")
    return name if name.endswith("officer") else f"{name}-officer"


def declared_actions(spec: ProcedureSpec) -> set[tuple[str, str, str]]:
    """Every ``(case, step, action)`` of the steps reachable from each case's first step,
    expiries (``on_expiry``) included."""
    found: set[tuple[str, str, str]] = set()
    for case in spec.effective_cases():
        if not case.steps:
            continue
        graph = _Graph(case)
        for step_id in graph.reachable():
            found.update((case.id, e.step, e.action) for e in graph.edges(step_id))
    return found


def coverage_of(
    spec: ProcedureSpec,
    *,
    today: dt.date | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> set[tuple[str, str, str]]:
    """The ``(case, step, action)`` triples the generated scenarios take."""
    return plan_feature(spec, today=today, field_types=field_types).coverage()


def feature_for(
    spec: ProcedureSpec,
    *,
    language: Language = "vi",
    today: dt.date | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> str:
    """The ``.feature`` text for ``spec`` in ``language`` (see the module docstring).

    Args:
        spec: the procedure.
        language: ``vi`` (the default) or ``en``: keywords, steps, titles and typed values.
        today: the day the scenarios start on, at 09:00 (default :data:`DEFAULT_TODAY`).
        field_types: the deployment's field types, for example data and validation.
    """
    plan = plan_feature(spec, today=today, field_types=field_types)
    return _Writer(plan, language).write()


def plan_feature(
    spec: ProcedureSpec,
    *,
    today: dt.date | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> FeaturePlan:
    """The scenarios of :func:`feature_for`, simulated, before they are put in words."""
    deadlines = Deadlines()
    calendar = deadlines.calendar
    day = today or DEFAULT_TODAY
    local = dt.datetime.combine(day, DEFAULT_MORNING)
    moment = local.replace(tzinfo=ZoneInfo(calendar.config.timezone))
    registry = Registry()
    registry.add(spec)
    catalogue = Catalogue(registry, deadlines, field_types=field_types)
    todos: list[str] = []
    scenarios: list[PlannedScenario] = []
    roles: list[str] = []
    due_checked = finished_late = False
    first: tuple[_CaseContext, _Graph, tuple[Edge, ...]] | None = None
    for case in spec.effective_cases():
        try:
            StateMachine(case)
        except InvalidWorkflowError as exc:
            todos.append(f"{exc}; the case is left out")
            continue
        graph = _Graph(case)
        for step_id in graph.reachable():
            for edge in graph.edges(step_id):
                role = graph.role(edge)
                if role and role not in BUILTIN_ROLES and role not in roles:
                    roles.append(role)
        unreachable = [s.id for s in case.steps if s.id not in graph.reachable()]
        if unreachable:
            todos.append(
                f"case {case.id!r}: steps {', '.join(unreachable)} cannot be reached from "
                f"{case.steps[0].id!r}, so their actions are not taken"
            )
        context = _CaseContext.build(spec, case, catalogue, moment, field_types)
        if context.payload is None:
            todos.extend(context.problems)
            continue
        for edges in graph.paths():
            run = _Run(context, graph, check_due=not due_checked)
            steps = run.play(edges)
            due_checked = due_checked or run.due_checked
            finished_late = finished_late or run.finished_late
            scenarios.append(PlannedScenario(case.id, edges, tuple(steps)))
            if first is None:
                first = (context, graph, edges)
    if not finished_late and first is not None:  # one dossier finishes late, for the record
        context, graph, edges = first
        run = _Run(context, graph, check_due=False, late=True)
        steps = run.play(edges)
        if run.finished_late:
            scenarios.append(PlannedScenario(context.case.id, edges, tuple(steps), late=True))
    users = tuple((user_name(role), role) for role in roles)
    return FeaturePlan(spec, moment, users, tuple(scenarios), tuple(todos))


# --------------------------------------------------------------------------- paths


class _Graph:
    """The moves of one case: actions and expiries, in declaration order."""

    def __init__(self, case: ResolvedCase) -> None:
        self.case = case
        self.steps: dict[str, Step] = {s.id: s for s in case.steps}
        self.initial = case.steps[0].id
        self.finals = [s.id for s in case.steps if s.final]

    def edges(self, step_id: str) -> list[Edge]:
        step = self.steps[step_id]
        if step.final:
            return []
        found = [Edge(step.id, a.id, a.to) for a in step.actions if a.to in self.steps]
        if step.on_expiry is not None and step.deadline is not None:
            found.append(Edge(step.id, EXPIRY_ACTION, step.on_expiry))
        return found

    def action(self, edge: Edge) -> Action | None:
        return next((a for a in self.steps[edge.step].actions if a.id == edge.action), None)

    def role(self, edge: Edge) -> str | None:
        if edge.expiry:
            return "system"
        action = self.action(edge)
        return (action.role if action else None) or self.steps[edge.step].role

    def reachable(self) -> list[str]:
        seen = [self.initial]
        queue = deque(seen)
        while queue:
            for edge in self.edges(queue.popleft()):
                if edge.to not in seen:
                    seen.append(edge.to)
                    queue.append(edge.to)
        return [s.id for s in self.case.steps if s.id in seen]

    def shortest(self, start: str, goals: Iterable[str]) -> tuple[Edge, ...] | None:
        """The shortest path from ``start`` to the first of ``goals`` it meets (BFS, moves in
        declaration order, so the answer is always the same)."""
        wanted = set(goals)
        if start in wanted:
            return ()
        back: dict[str, Edge] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            here = queue.popleft()
            for edge in self.edges(here):
                if edge.to in seen:
                    continue
                seen.add(edge.to)
                back[edge.to] = edge
                if edge.to in wanted:
                    path = [edge]
                    while path[0].step != start:
                        path.insert(0, back[path[0].step])
                    return tuple(path)
                queue.append(edge.to)
        return None

    def finish(self, start: str) -> tuple[Edge, ...] | None:
        """From ``start`` on to the case's first final step, else the nearest final step."""
        for goals in (self.finals[:1], self.finals):
            path = self.shortest(start, goals)
            if path is not None:
                return path
        return None

    def paths(self) -> list[tuple[Edge, ...]]:
        """A path to each final step, then one for each move not taken yet."""
        found: list[tuple[Edge, ...]] = []
        taken: set[Edge] = set()
        for final in self.finals:
            path = self.shortest(self.initial, [final])
            if path:
                found.append(path)
                taken.update(path)
        for step_id in self.reachable():
            for edge in self.edges(step_id):
                if edge in taken:
                    continue
                before = self.shortest(self.initial, [edge.step])
                after = self.finish(edge.to)
                if before is None:  # pragma: no cover - the step is reachable
                    continue
                path = (*before, edge, *(after or ()))
                found.append(path)
                taken.update(path)
        return found


# --------------------------------------------------------------------------- simulation


@dataclass
class _CaseContext:
    """One case with the example data that selects it, its machine and its clock."""

    spec: ProcedureSpec
    case: ResolvedCase
    catalogue: Catalogue
    moment: dt.datetime
    field_types: FieldTypeRegistry | None
    machine: StateMachine
    clock: DossierClock
    payload: dict[str, Any] | None
    typed: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        spec: ProcedureSpec,
        case: ResolvedCase,
        catalogue: Catalogue,
        moment: dt.datetime,
        field_types: FieldTypeRegistry | None,
    ) -> _CaseContext:
        machine = StateMachine(case)
        clock = DossierClock(case, catalogue.deadlines)
        context = cls(spec, case, catalogue, moment, field_types, machine, clock, None, {})
        context.payload = context._find_payload()
        if context.payload is not None:
            context.typed = catalogue.typed(spec, context.payload)
        return context

    def _find_payload(self) -> dict[str, Any] | None:
        """The example data, or a variant of it, that passes validation (lead times included)
        and selects the case; failing that, one that selects it, with its errors as TODOs."""
        today = self.moment.date()
        base = example_payload(self.spec, today=today, field_types=self.field_types)
        fallback: dict[str, Any] | None = None
        for payload in itertools.chain([base], self._variants(base, today)):
            selects, valid = self._fits(payload)
            if selects and valid:
                return payload
            if selects and fallback is None:
                fallback = payload
        if fallback is not None:
            self.problems.extend(self._errors(fallback))
            return fallback
        self.problems.append(
            f"case {self.case.id!r}: no example data found that selects it "
            f"(when: {self.case.when}); its actions are not taken"
        )
        return None

    def _fits(self, payload: dict[str, Any]) -> tuple[bool, bool]:
        """Whether the payload selects the case, and whether it is valid (lead times too)."""
        now = self.moment.astimezone(dt.UTC)  # as the service's clock gives it
        result = validate_payload(
            self.spec, payload, today=self.moment.date(), now=now, field_types=self.field_types
        )
        data = result.cleaned if result.cleaned is not None else payload
        selects = self.catalogue.pick_case(self.spec, data, now=now).id == self.case.id
        late = self.clock.check_lead_times(data, submitted_at=now) if result.ok else ()
        return selects, result.ok and not late

    def _errors(self, payload: dict[str, Any]) -> list[str]:
        now = self.moment.astimezone(dt.UTC)
        result = validate_payload(
            self.spec,
            payload,
            locale="en",
            today=self.moment.date(),
            now=now,
            field_types=self.field_types,
        )
        found = [
            f"the example data is not valid on {self.moment:%d/%m/%Y}: "
            f"{'.'.join(map(str, e.loc)) or 'the form'}: {e.msg}"
            for e in result.errors
        ]
        if result.cleaned is not None:
            found += [
                f"the example data breaks a lead time: {p.field}: {p.message.get('en')}"
                for p in self.clock.check_lead_times(result.cleaned, submitted_at=now)
            ]
        return found

    def _variants(self, base: dict[str, Any], today: dt.date) -> Iterator[dict[str, Any]]:
        """Example data with the choice and yes/no fields the case's condition names set to
        each combination of their options: first as the fields' defaults (so the fields they
        show are filled in), then set directly."""
        from procgen.expr import ExprError, compile_expr

        if self.case.when is None:
            return
        try:
            names = compile_expr(self.case.when).names
        except ExprError:
            return
        fields = [f for f in self.spec.fields if f.id in names and f.type in ("choice", "boolean")]
        options = [_options(f) for f in fields]
        combos = list(itertools.islice(itertools.product(*options), _MAX_TRIES))
        for combo in combos:
            chosen = dict(zip((f.id for f in fields), combo, strict=True))
            top = tuple(
                f.model_copy(update={"default": chosen[f.id]}) if f.id in chosen else f
                for f in self.spec.fields
            )
            variant = self.spec.model_copy(update={"fields": top})
            yield example_payload(variant, today=today, field_types=self.field_types)
        for combo in combos:
            yield {**base, **dict(zip((f.id for f in fields), combo, strict=True))}


def _options(field: Field) -> list[Any]:
    if field.type == "boolean":
        return [True, False]
    return [o.value for o in field.options]


class _Run:
    """One scenario played on the case's machine and clock while its steps are written."""

    def __init__(
        self, context: _CaseContext, graph: _Graph, *, check_due: bool, late: bool = False
    ) -> None:
        self.context = context
        self.graph = graph
        self.calendar = context.catalogue.deadlines.calendar
        self.now = context.moment.astimezone(dt.UTC)
        self.timeline: Timeline | None = context.clock.start(
            self.now, channel=_CHANNEL, data=context.typed
        )
        self.step = graph.initial
        self.check_due = check_due
        self.due_checked = False
        self.late = late
        self.finished_late = False

    @property
    def today(self) -> dt.date:
        return self.calendar.local_date(self.now)

    def play(self, edges: Sequence[Edge]) -> list[PlannedStep]:
        context = self.context
        assert context.payload is not None
        rows = tuple(_payload_rows(context.spec, context.payload))
        out = [
            PlannedStep("submit_with", rows=rows, todos=tuple(context.problems)),
            PlannedStep("accepted"),
        ]
        out += self._due()
        out.append(PlannedStep("at_step", (("step", self.step),)))
        waited = False
        for edge in edges:
            if self.late and not waited and self._completes(edge):
                out += self._wait_until_late(edge, apology=False)
                waited = True
            out += self._expire(edge) if edge.expiry else self._act(edge)
            out.append(PlannedStep("at_step", (("step", edge.to),)))
            out += self._due()
        out += self._timeliness()
        return out

    def _completes(self, edge: Edge) -> bool:
        target = self.graph.steps[edge.to]
        return (target.completes or target.final) and not self.graph.steps[edge.step].completes

    def _timeliness(self) -> list[PlannedStep]:
        """The dossier's timeliness against its legal due date, when it has one."""
        if self.timeline is None:
            return []
        reading = self.timeline.read(self.now)
        if reading.legal_due is None or reading.completed_at is None:
            return []
        self.finished_late = reading.legal_timeliness is Timeliness.LATE
        if self.late:
            todos = () if self.finished_late else ("the dossier was meant to finish late",)
            return [PlannedStep("late", todos=todos)]
        if self.due_checked and not self.finished_late:
            return [PlannedStep("on_time")]
        return []

    def _due(self) -> list[PlannedStep]:
        if not self.check_due or self.due_checked or self.timeline is None:
            return []
        due = self.timeline.read(self.now).legal_due
        if due is None:
            return []
        self.due_checked = True
        return [PlannedStep("due_date", (("date", self.calendar.local_date(due)),))]

    # ------------------------------------------------------------------ time

    def _advance(self, moment: dt.datetime) -> list[str]:
        """Move the clock and run the expiry worker, as the step library does."""
        self.now = moment
        if self.timeline is None:
            return []
        moved: list[str] = []
        while len(moved) < 100 and (expiry := self.timeline.expiry(self.now)) is not None:
            transition = self.context.machine.expire(expiry.step)
            self.timeline = self.timeline.record(transition, at=expiry.at)
            moved.append(f"{expiry.step} -> {expiry.to_step}")
        if moved:
            self.step = self.timeline.step
        return moved

    def _expire(self, edge: Edge) -> list[PlannedStep]:
        todos: list[str] = []
        days = 1
        if self.timeline is not None:
            due = self.timeline.read(self.now).step_due
            if due is None:
                todos.append(f"step {edge.step!r} has no deadline date yet: set how long to wait")
            else:
                days = max((self.calendar.local_date(due) - self.today).days + 1, 1)
        moved = self._advance(self.now + dt.timedelta(days=days))
        if self.timeline is not None and self.timeline.step != edge.to:
            todos.append(f"after {days} days the dossier is at step {self.timeline.step!r}")
        elif not moved and self.timeline is not None:
            todos.append(f"step {edge.step!r} did not expire after {days} days")
        if self.timeline is None:
            todos.append("the clock could not be followed here: check the number of days")
        self.step = edge.to
        return [PlannedStep("days_pass", (("count", days),), todos=tuple(todos))]

    def _wait_until_late(self, edge: Edge, *, apology: bool) -> list[PlannedStep]:
        """Working days pass until the dossier is late (past its appointment, for an apology,
        which the workflow must then allow; else past its legal due date)."""
        timeline = self.timeline
        if timeline is None:
            return []
        reading = timeline.read(self.now)
        due = reading.appointment if apology else reading.legal_due
        if due is None:
            return []  # an apology is refused below, with the workflow's reason
        due_day = self.calendar.local_date(due)
        local = self.calendar.local(self.now)
        for count in range(1, _MAX_WAIT + 1):
            day = self.calendar.shift_working_days(local.date(), count)
            moment = local.replace(year=day.year, month=day.month, day=day.day)
            at = moment.astimezone(dt.UTC)
            if day <= due_day:
                continue
            if apology and timeline.limits(at).reschedule_refusal is not None:
                continue
            if timeline.expiry(at) is not None:
                break
            self._advance(at)
            return [PlannedStep("working_days_pass", (("count", count),))]
        return [
            PlannedStep(
                "working_days_pass",
                (("count", 1),),
                todos=(f"{edge.action!r} should come late: set how many working days pass",),
            )
        ]

    # ------------------------------------------------------------------ actions

    def _act(self, edge: Edge) -> list[PlannedStep]:
        action = self.graph.action(edge)
        assert action is not None
        role = self.graph.role(edge) or ""
        out: list[PlannedStep] = []
        if action.reschedules:
            out += self._wait_until_late(edge, apology=True)
        todos: list[str] = []
        tries = list(self._inputs(action, role))
        chosen = tries[0]
        if self.timeline is not None:
            chosen, problem = self._apply(edge, action, role, tries)
            if problem is not None:
                todos.append(problem)
        rows, notes = chosen.rows, chosen.todos
        todos += notes
        if role == "system":
            todos.append(f"{edge.action!r} is taken by the system: no step takes it")
        phrase, values = self._phrase(edge, action, role, rows)
        if phrase in ("applicant_performs", "supplement") and rows:
            phrase = "perform_with"
            values = (("user", APPLICANT_USER), ("action", edge.action))
        table = rows if phrase == "perform_with" else None
        out.append(PlannedStep(phrase, values, table, tuple(todos)))
        self.step = edge.to
        return out

    def _phrase(
        self, edge: Edge, action: Action, role: str, rows: Sequence[Row]
    ) -> tuple[str, tuple[tuple[str, Any], ...]]:
        if role == "applicant":
            if edge.action == "supplement" and not rows:
                return "supplement", ()
            return "applicant_performs", (("action", edge.action),)
        user = user_name(role) if role and role != "system" else role
        phrase = "perform_with" if rows else "perform"
        return phrase, (("user", user), ("action", edge.action))

    def _apply(
        self, edge: Edge, action: Action, role: str, tries: Sequence[_Inputs]
    ) -> tuple[_Inputs, str | None]:
        assert self.timeline is not None
        context = self.context
        actor = Actor(frozenset({role}), user_name(role) if role != "applicant" else None)
        first: str | None = None
        for attempt in tries:
            try:
                transition = context.machine.apply(
                    edge.step,
                    action.id,
                    actor,
                    context.typed,
                    attempt.machine,
                    today=self.today,
                    now=self.now,
                    limits=self.timeline.limits(self.now),
                )
                self.timeline = self.timeline.record(transition, at=self.now)
            except ActionNotAllowedError as exc:
                first = first or f"the workflow refuses {action.id!r} here: {exc.reason.message}"
                continue
            except TimelineError as exc:
                first = first or f"the legal clock refuses {action.id!r} here: {exc}"
                continue
            return attempt, None
        self.timeline = None  # the rest of the scenario cannot be followed
        return tries[0], first

    def _inputs(self, action: Action, role: str) -> Iterator[_Inputs]:
        """The action's inputs, then variants of its choice and yes/no inputs (for guards)."""
        fields = [BUILTIN_INPUTS[r] for r in action.requires if r in BUILTIN_INPUTS]
        guard = action.when or ""
        fields += [f for f in action.inputs if f.required or f"input.{f.id}" in guard]
        variable = [f for f in fields if f.type in ("choice", "boolean") and _options(f)]
        choices = [_ordered_options(f) for f in variable]
        for combo in itertools.islice(itertools.product(*choices), _MAX_TRIES):
            picked = dict(zip((f.id for f in variable), combo, strict=True))
            yield self._fill(fields, picked, role)

    def _fill(self, fields: Sequence[Field], picked: Mapping[str, Any], role: str) -> _Inputs:
        rows: list[Row] = []
        machine: dict[str, Any] = {}
        todos: list[str] = []
        for f in fields:
            if f.id in picked:
                value: Any = picked[f.id]
            elif f.type == "file":
                kinds = [k.lower() for k in f.accept]
                kind = next((k for k in kinds if k in _SAMPLE_KINDS), None)
                if kinds and kind is None:
                    todos.append(f"input {f.id!r} accepts {', '.join(kinds)}: attach such a file")
                    kind = kinds[0]
                name = f"ket-qua.{kind or 'pdf'}"
                machine[f.id] = {"id": "sample", "name": name, "size": 1024}
                if kinds and "pdf" not in kinds:  # the step library attaches a PDF otherwise
                    rows.append(Row(f.id, name, "file"))
                continue
            else:
                value = self._sample(f, todos, role)
            if value is None:
                continue
            rows.append(Row(f.id, value, f.type))
            machine[f.id] = _machine_value(value)
        return _Inputs(tuple(rows), machine, tuple(todos))

    def _sample(self, f: Field, todos: list[str], role: str) -> Any:
        """A value for the input ``f``, typed as the step library sends it."""
        kind = f.type
        if kind == "date":
            return self._new_appointment() if f.id == "new_appointment" else self.today
        if kind in ("text", "textarea"):
            if f.id == "reason" and role == "applicant":
                return _APPLICANT_REASON
            if f.id in _SAMPLE_TEXT:
                return _SAMPLE_TEXT[f.id]
            return Text(vi=f"{f.label.vi} (ví dụ)", en=f"{f.label.get('en')} (example)")
        if kind in _SAMPLE_TYPED:
            return _SAMPLE_TYPED[kind]
        if kind in ("integer", "money", "decimal"):
            low = f.minimum if isinstance(f.minimum, Decimal) else Decimal(1)
            return math.ceil(low) if kind != "decimal" else low
        if kind == "multichoice" and f.options:
            return [f.options[0].value]
        example = None
        registry = self.context.field_types
        if registry is not None and kind in registry:
            make = registry.get(kind).example
            example = make(f, 0) if make is not None else None
        if isinstance(example, str):
            return example
        todos.append(f"input {f.id!r} of type {kind!r}: give its value")
        return None

    def _new_appointment(self) -> dt.date:
        appointment = None
        if self.timeline is not None:
            appointment = self.timeline.limits(self.now).appointment
        start = max(self.today, appointment) if appointment else self.today
        return self.calendar.shift_working_days(start, 5)


def _machine_value(value: Any) -> Any:
    """An input as the API passes it to the machine (JSON: dates in ISO form)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Text):
        return value.vi
    if isinstance(value, Decimal):
        return float(value)
    return value


def _ordered_options(field: Field) -> list[Any]:
    options = _options(field)
    if field.default in options:
        options.remove(field.default)
        options.insert(0, field.default)
    return options


@dataclass(frozen=True)
class _Inputs:
    rows: tuple[Row, ...]
    machine: dict[str, Any]
    todos: tuple[str, ...] = ()


# --------------------------------------------------------------------------- data tables


def _payload_rows(spec: ProcedureSpec, payload: Mapping[str, Any]) -> Iterator[Row]:
    """The payload as ``(dotted path, value, type)`` rows, in the form's order."""
    yield from _container_rows(spec.fields, payload, "")


def _container_rows(fields: Sequence[Field], data: Mapping[str, Any], prefix: str) -> Iterator[Row]:
    by_id = {f.id: f for f in fields}
    for key, value in data.items():
        path = f"{prefix}{key}"
        f = by_id.get(key)
        if value is None:
            continue
        if f is None:
            yield Row(path, value, "text")
        elif f.type == "group" and isinstance(value, Mapping):
            yield from _container_rows(f.fields, value, f"{path}.")
        elif f.type == "list" and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from _container_rows(f.fields, item, f"{path}.{index}.")
        elif isinstance(value, Mapping) and f.type != "file":  # e.g. an address
            for part, inner in value.items():
                if inner is not None:
                    yield Row(f"{path}.{part}", inner, "text")
        else:
            yield Row(path, value, f.type)


def _typed_text(row: Row, language: Language) -> str:
    """A value as a person types it in the form."""
    value, kind = row.value, row.kind
    if isinstance(value, Text):
        return value.get(language)
    if isinstance(value, bool):
        yes, no = _BOOLEANS[language]
        return yes if value else no
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if kind == "datetime" and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone(dt.timedelta(hours=7)))
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float | Decimal):
        text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        return text.replace(".", ",") if language == "vi" else text
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _todo(text: str, indent: str) -> list[str]:
    """A ``# TODO:`` comment, its further lines indented under it."""
    first, *more = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    return [f"{indent}# TODO: {first}"] + [f"{indent}#   {line}" for line in more]


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "\\n")


# --------------------------------------------------------------------------- writing


class _Writer:
    def __init__(self, plan: FeaturePlan, language: Language) -> None:
        self.plan = plan
        self.language = language
        self.words = _KEYWORDS[language]
        self.lines: list[str] = []

    def write(self) -> str:
        spec, lang = self.plan.spec, self.language
        if lang == "vi":
            self.lines.append("# language: vi")
        self.lines += [
            f"# Generated by `procgen scenarios {spec.code}` from {spec.code} v{spec.version}.",
            "# Edit freely: every step comes from procgen.testing.phrases.",
        ]
        for todo in self.plan.todos:
            self.lines += _todo(todo, "")
        self.lines += [f"{self.words['feature']}: {spec.name.get(lang)} ({spec.code})", ""]
        self.lines.append(f"  {self.words['background']}:")
        background = [
            PlannedStep("today", (("moment", self.plan.moment.replace(tzinfo=None)),)),
            PlannedStep("procedure", (("code", spec.code),)),
        ]
        background += [
            PlannedStep("user", (("name", name), ("role", role))) for name, role in self.plan.users
        ]
        self._steps(background)
        titles: set[str] = set()
        for scenario in self.plan.scenarios:
            title = self._title(scenario)
            unique, number = title, 2
            while unique in titles:
                unique, number = f"{title} ({number})", number + 1
            titles.add(unique)
            self.lines += ["", f"  {self.words['scenario']}: {unique}"]
            self._steps(scenario.steps)
        return "\n".join(self.lines) + "\n"

    def _title(self, scenario: PlannedScenario) -> str:
        lang = self.language
        cases = self.plan.spec.effective_cases()
        case = next(c for c in cases if c.id == scenario.case)
        steps = {s.id: s for s in case.steps}
        words: list[str] = []
        for edge in scenario.edges:
            if edge.expiry:
                words.append(_EXPIRED[lang])
                continue
            action = next(a for a in steps[edge.step].actions if a.id == edge.action)
            words.append(action.label.get(lang) if action.label else action.id)
        last = scenario.edges[-1].to if scenario.edges else case.steps[0].id
        label = steps[last].label
        end = label.get(lang) if label is not None else last
        title = f"{' → '.join(words)} ⇒ {end}" if words else end
        if scenario.late:
            title = f"{title} ({PHRASES['late'].render(lang)})"
        if len(cases) > 1:
            title = f"{case.name.get(lang)}: {title}"
        return title

    def _steps(self, steps: Sequence[PlannedStep]) -> None:
        previous: str | None = None
        for step in steps:
            phrase = PHRASES[step.phrase]
            for todo in step.todos:
                self.lines += _todo(todo, "    ")
            keyword = self.words["and"] if phrase.kind == previous else self.words[phrase.kind]
            previous = phrase.kind
            values = {name: self._value(value) for name, value in step.values}
            self.lines.append(f"    {keyword} {phrase.render(self.language, **values)}")
            if step.rows is not None:
                header = phrase.header(self.language)
                assert header is not None
                self._table(header, [(r.path, _typed_text(r, self.language)) for r in step.rows])

    def _value(self, value: Any) -> object:
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y %H:%M")
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return value

    def _table(self, header: Sequence[str], rows: Sequence[tuple[str, str]]) -> None:
        cells = [[_cell(c) for c in header]] + [[_cell(a), _cell(b)] for a, b in rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
        for row in cells:
            padded = " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=False))
            self.lines.append(f"      | {padded} |")
