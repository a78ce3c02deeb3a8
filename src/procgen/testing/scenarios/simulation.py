"""One scenario played on the case's state machine and legal clock while it is planned.

A :class:`Run` takes the moves of a path one by one, as the step library will: it submits
the case's example data, then gives each action its inputs (``requires`` and declared
``inputs``; a guard over the inputs is satisfied by trying the options of choice and yes/no
inputs) and applies it as the user holding its role, or lets days pass for an expiry. An
apology with a new appointment (``reschedules``) comes after enough working days have passed
for the dossier to be late, with a later date. The run checks the legal due date once it is
known and, at the end, whether the dossier finished on time; the *late* variant lets working
days pass before the result. Whatever the machine or the clock refuses becomes a TODO.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import Action, Field
from procgen.spec.text import Text
from procgen.testing.phrases import PHRASES
from procgen.testing.scenarios.cases import MAX_TRIES, CaseContext, field_options
from procgen.testing.scenarios.paths import StepGraph
from procgen.testing.scenarios.plan import Edge, PlannedStep, Row, user_name
from procgen.testing.scenarios.tables import payload_rows
from procgen.workflow import (
    ActionNotAllowedError,
    Actor,
    Timeline,
    TimelineError,
    Timeliness,
)

__all__ = ["Run"]

#: The channel the step library submits through (the applicant's own account).
_CHANNEL = "online"
#: How many working days an apology may wait for the dossier to be late, at most.
_MAX_WAIT = 400

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


class Run:
    """One scenario played on the case's machine and clock while its steps are written."""

    def __init__(
        self, context: CaseContext, graph: StepGraph, *, check_due: bool, late: bool = False
    ) -> None:
        self.context = context
        self.graph = graph
        self.calendar = context.procedure.calendar
        self.now = context.moment.astimezone(dt.UTC)
        self.timeline: Timeline | None = context.deadlines.start(
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
        rows = tuple(payload_rows(context.spec, context.payload))
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
        phrase, values = self._phrase(edge, role, rows)
        table = rows if PHRASES[phrase].table is not None else None
        out.append(PlannedStep(phrase, values, table, tuple(todos)))
        self.step = edge.to
        return out

    def _phrase(
        self, edge: Edge, role: str, rows: Sequence[Row]
    ) -> tuple[str, tuple[tuple[str, Any], ...]]:
        """The phrase that takes the move, and its values (the table is the inputs' rows)."""
        if role == "applicant":
            if rows:  # a supplement with inputs too: they go in the table
                return "applicant_performs_with", (("action", edge.action),)
            if edge.action == "supplement":
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
        variable = [f for f in fields if f.type in ("choice", "boolean") and field_options(f)]
        choices = [_ordered_options(f) for f in variable]
        for combo in itertools.islice(itertools.product(*choices), MAX_TRIES):
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
        if kind in registry:
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
    options = field_options(field)
    if field.default in options:
        options.remove(field.default)
        options.insert(0, field.default)
    return options


@dataclass(frozen=True)
class _Inputs:
    rows: tuple[Row, ...]
    machine: dict[str, Any]
    todos: tuple[str, ...] = ()
