"""The dossier state machine: what an actor may do in a step, why not, and where it leads.

A :class:`StateMachine` is built from one :class:`~procgen.spec.models.ResolvedCase`; the first
step listed is the initial one. It keeps no dossier state, reads no clock and does no I/O: the
caller passes the dossier's step and data, and records the :class:`Transition` it gets back.

    >>> from procgen.spec.models import Action, ResolvedCase, Step
    >>> case = ResolvedCase(id="default", name="Demo", when=None, deadline=None, fee=0,
    ...     channels={}, documents=(), lead_times=(), steps=(
    ...         Step(id="review", role="officer", actions=(
    ...             Action(id="approve", to="done", when="amount < 100"),
    ...             Action(id="refuse", to="refused", requires=("reason",)))),
    ...         Step(id="done", outcome="approved"),
    ...         Step(id="refused", outcome="refused")))
    >>> machine = StateMachine(case)
    >>> officer = Actor(frozenset({"officer"}))
    >>> [(o.action, o.allowed) for o in machine.available("review", officer, {"amount": 500})]
    [('approve', False), ('refuse', True)]
    >>> machine.apply("review", "refuse", officer, {}, {"reason": "Thiếu hồ sơ"}).to_step
    'refused'

Exceptions::

    WorkflowError (ProcgenError, ValueError)
     ├── InvalidWorkflowError   the steps do not make a workable machine (every problem listed)
     ├── UnknownStepError       a dossier is in a step the case does not declare
     └── ActionNotAllowedError  apply() or expire() refused; ``reason`` says why
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal, Protocol

from procgen.errors import ProcgenError
from procgen.expr import Expression, ExprEvaluationError, ExprSyntaxError, compile_expr
from procgen.spec.models import (
    Action,
    ClockMode,
    Extension,
    Field,
    NationalStatus,
    Outcome,
    ResolvedCase,
    Step,
)
from procgen.spec.text import Text

__all__ = [
    "BUILTIN_INPUTS",
    "EXPIRY_ACTION",
    "GUARD_VARIABLES",
    "SYSTEM",
    "ActionNotAllowedError",
    "ActionOption",
    "Actor",
    "BasicInputValidator",
    "Denial",
    "DenialCode",
    "InputProblem",
    "InputValidator",
    "InvalidWorkflowError",
    "StateMachine",
    "Transition",
    "TransitionEvent",
    "UnknownStepError",
    "WorkflowError",
]


def _input(name: str, kind: str, vi: str, en: str, *, required: bool = True) -> Field:
    return Field(id=name, type=kind, required=required, label=Text(vi=vi, en=en))


#: The inputs an action names in ``requires``, as form fields.
BUILTIN_INPUTS: Mapping[str, Field] = MappingProxyType(
    {
        f.id: f
        for f in (
            _input("reason", "textarea", "Lý do", "Reason"),
            _input("note", "textarea", "Ghi chú", "Note", required=False),
            _input("decision_number", "text", "Số quyết định", "Decision number"),
            _input("decision_date", "date", "Ngày quyết định", "Decision date"),
            _input("result_document", "file", "Văn bản kết quả", "Result document"),
            _input("new_appointment", "date", "Ngày hẹn trả kết quả mới", "New appointment date"),
        )
    }
)

#: Guard variables the machine sets; they win over dossier fields of the same name.
GUARD_VARIABLES: tuple[str, ...] = ("input", "roles", "today", "now")

#: The action id recorded when a step's deadline passes and ``on_expiry`` moves the dossier.
EXPIRY_ACTION = "on_expiry"


class WorkflowError(ProcgenError, ValueError):
    """Base of the workflow errors."""


class InvalidWorkflowError(WorkflowError):
    """The steps of a case do not make a workable machine.

    Attributes:
        problems: one message per problem, in step order.
    """

    def __init__(self, case: str, problems: Sequence[str]) -> None:
        super().__init__(f"case {case!r} has an invalid workflow:\n- " + "\n- ".join(problems))
        self.case = case
        self.problems = tuple(problems)


class UnknownStepError(WorkflowError):
    """A dossier names a step its case does not declare."""

    def __init__(self, step: str, known: Sequence[str]) -> None:
        super().__init__(f"unknown step {step!r}{_hint(step, known)}")
        self.step = step


class DenialCode(StrEnum):
    """Why an action is not allowed."""

    FINAL_STEP = "final_step"
    UNKNOWN_ACTION = "unknown_action"
    WRONG_ROLE = "wrong_role"
    MISSING_INPUT = "missing_input"
    INVALID_INPUT = "invalid_input"
    GUARD_FALSE = "guard_false"
    GUARD_ERROR = "guard_error"


@dataclass(frozen=True)
class InputProblem:
    """One bad action input: ``code`` is ``missing``, ``invalid`` or ``unexpected``."""

    input: str
    code: Literal["missing", "invalid", "unexpected"]
    message: str


@dataclass(frozen=True)
class Denial:
    """Why an action is refused: a stable ``code``, a readable ``message``, input problems."""

    code: DenialCode
    message: str
    problems: tuple[InputProblem, ...] = ()


class ActionNotAllowedError(WorkflowError):
    """An action was applied that the actor may not take.

    Attributes:
        step: the dossier's step.
        action: the action asked for.
        reason: the :class:`Denial`, with its code.
    """

    def __init__(self, step: str, action: str, reason: Denial) -> None:
        super().__init__(f"{action!r} is not allowed in step {step!r}: {reason.message}")
        self.step = step
        self.action = action
        self.reason = reason


@dataclass(frozen=True)
class Actor:
    """Who acts: their roles (``applicant`` for the citizen) and, if known, their user id."""

    roles: frozenset[str]
    user_id: str | None = None


#: The service itself, which performs timed transitions (``on_expiry``).
SYSTEM = Actor(frozenset({"system"}))


class InputValidator(Protocol):
    """Checks and cleans an action's inputs; the forms layer provides a full implementation."""

    def validate(
        self, fields: Sequence[Field], inputs: Mapping[str, Any]
    ) -> tuple[dict[str, Any], tuple[InputProblem, ...]]:
        """Return the cleaned inputs (declared fields only) and every problem found."""
        ...


_TEXT_TYPES = frozenset({"text", "textarea", "email", "phone", "citizen_id", "tax_code"})


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | Sequence | Mapping) and len(value) == 0)


class BasicInputValidator:
    """Presence and basic types: texts are non-empty strings, dates are dates or ISO strings.

    Unknown inputs are errors; strings are stripped; empty optional inputs are left out.
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
                f"unexpected input {name!r}{_hint(name, declared)}; "
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
    got = f"got {value!r} that is a {type(value).__name__}"
    if spec.type in _TEXT_TYPES and not isinstance(value, str):
        raise TypeError(f"must be text ({got})")
    if spec.type == "date" and (isinstance(value, dt.datetime) or not isinstance(value, dt.date)):
        if not isinstance(value, str):
            raise TypeError(f"must be a date such as 2025-07-01 ({got})")
        return dt.date.fromisoformat(value)
    if spec.type in ("integer", "money") and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        raise TypeError(f"must be a whole number ({got})")
    if spec.type == "boolean" and not isinstance(value, bool):
        raise TypeError(f"must be true or false ({got})")
    if spec.type == "choice" and spec.options and value not in {o.value for o in spec.options}:
        raise ValueError(f"must be one of {', '.join(o.value for o in spec.options)} ({got})")
    return value


@dataclass(frozen=True)
class ActionOption:
    """An action of a step, as one actor sees it.

    Attributes:
        action: the action id.
        target: the step it leads to (``None`` for an unknown action).
        role: the acting role (the action's ``role``, else its step's).
        allowed: whether the actor may take it now.
        denial: why not, when not allowed.
        inputs: the input fields it asks for (built-in ``requires`` first).
        guard_pending: the guard reads ``input`` and no inputs were given, so it was not
            evaluated; :meth:`StateMachine.apply` evaluates it.
    """

    action: str
    target: str | None
    role: str | None
    allowed: bool
    denial: Denial | None = None
    inputs: tuple[Field, ...] = ()
    guard_pending: bool = False

    def deny(
        self, code: DenialCode, message: str, problems: tuple[InputProblem, ...] = ()
    ) -> ActionOption:
        """This option, refused for ``code``."""
        return replace(self, allowed=False, denial=Denial(code, message, problems))


class TransitionEvent(StrEnum):
    """Side events of a transition that the store records besides the move itself."""

    CLOCK_PAUSED = "clock_paused"
    CLOCK_RESUMED = "clock_resumed"
    EXTENSION_REQUESTED = "extension_requested"
    RESCHEDULED = "rescheduled"
    COMPLETED = "completed"
    CLOSED = "closed"


@dataclass(frozen=True)
class Transition:
    """A move from one step to another, with everything the store must record.

    Attributes:
        from_step: the step the dossier was in.
        to_step: the step it is in now.
        action: the action taken (:data:`EXPIRY_ACTION` for a timed transition).
        actor: who took it.
        role: the role they acted in.
        inputs: the cleaned inputs.
        pauses: the legal clock stops (running step to paused step).
        resumes: the legal clock restarts (paused step to running step).
        completes: the dossier's completion time is now: the target ``completes`` or is
            final, and the step left had not already completed it.
        outcome: the outcome when the target is final.
        status: the national status of the target step.
        extension: the deadline extension the action requests (``action.extends``).
        reschedules: the action sets a new appointment date.
        automatic: a timed transition performed by the system.
    """

    from_step: str
    to_step: str
    action: str
    actor: Actor
    role: str
    inputs: Mapping[str, Any]
    pauses: bool
    resumes: bool
    completes: bool
    outcome: Outcome | None
    status: NationalStatus | None
    extension: Extension | None = None
    reschedules: bool = False
    automatic: bool = False

    @property
    def final(self) -> bool:
        """True when the dossier has ended."""
        return self.outcome is not None

    @property
    def events(self) -> tuple[TransitionEvent, ...]:
        """The side events, in a fixed order."""
        flags = (
            (self.pauses, TransitionEvent.CLOCK_PAUSED),
            (self.resumes, TransitionEvent.CLOCK_RESUMED),
            (self.extension is not None, TransitionEvent.EXTENSION_REQUESTED),
            (self.reschedules, TransitionEvent.RESCHEDULED),
            (self.completes, TransitionEvent.COMPLETED),
            (self.final, TransitionEvent.CLOSED),
        )
        return tuple(event for present, event in flags if present)


class StateMachine:
    """The workflow of one case: its steps, who may act in each, and where actions lead.

    Args:
        case: the resolved case; its first step is the initial one.
        validator: checks action inputs; defaults to :class:`BasicInputValidator`.

    Raises:
        InvalidWorkflowError: listing every problem (unknown targets, duplicate ids, actions
            without a role, unknown ``requires``, guards that do not compile, ...).
    """

    def __init__(self, case: ResolvedCase, *, validator: InputValidator | None = None) -> None:
        self.case = case
        self.validator: InputValidator = validator or BasicInputValidator()
        self._steps: dict[str, Step] = {}
        self._guards: dict[tuple[str, str], Expression] = {}
        self._inputs: dict[tuple[str, str], tuple[Field, ...]] = {}
        problems = self._build(case.steps)
        if problems:
            raise InvalidWorkflowError(case.id, problems)
        self.initial: str = case.steps[0].id

    def _build(self, steps: Sequence[Step]) -> list[str]:
        problems: list[str] = [] if steps else ["it has no steps"]
        for step in steps:
            if step.id in self._steps:
                problems.append(f"step {step.id!r} is declared twice")
            self._steps[step.id] = step
        ids = list(self._steps)
        for step in steps:
            where = f"step {step.id!r}"
            if step.on_expiry is not None and step.on_expiry not in self._steps:
                problems.append(
                    f"{where}: on_expiry names unknown step {step.on_expiry!r}"
                    f"{_hint(step.on_expiry, ids)}"
                )
            if step.final and (step.actions or step.on_expiry):
                problems.append(
                    f"{where} is final (outcome {step.outcome}) but has actions "
                    "or on_expiry; a final step ends the dossier"
                )
            seen: set[str] = set()
            for action in step.actions:
                problems += [
                    f"{where}, action {action.id!r}: {p}"
                    for p in self._build_action(step, action, seen, ids)
                ]
        return problems

    def _build_action(
        self, step: Step, action: Action, seen: set[str], ids: list[str]
    ) -> list[str]:
        problems = []
        if action.id in seen:
            problems.append("declared twice in the step")
        seen.add(action.id)
        if action.to not in self._steps:
            problems.append(f"leads to unknown step {action.to!r}{_hint(action.to, ids)}")
        if action.role is None and step.role is None:
            problems.append("has no role: set role on the action or on its step")
        unknown = [r for r in action.requires if r not in BUILTIN_INPUTS]
        problems += [
            f"requires unknown input {r!r}{_hint(r, list(BUILTIN_INPUTS))}; declare it under inputs"
            for r in unknown
        ]
        fields = tuple(BUILTIN_INPUTS[r] for r in action.requires if r in BUILTIN_INPUTS)
        fields += action.inputs
        names = [f.id for f in fields]
        problems += [
            f"input {n!r} is declared twice" for n in sorted(set(names)) if names.count(n) > 1
        ]
        self._inputs[step.id, action.id] = fields
        if action.when is not None:
            try:
                self._guards[step.id, action.id] = compile_expr(action.when)
            except ExprSyntaxError as exc:
                problems.append(f"guard does not compile: {exc}")
        return problems

    def __repr__(self) -> str:
        finals = sum(step.final for step in self._steps.values())
        return (
            f"<StateMachine {self.case.id}: {len(self._steps)} steps, "
            f"initial {self.initial}, {finals} final>"
        )

    @property
    def steps(self) -> Mapping[str, Step]:
        """The steps by id, in declaration order."""
        return MappingProxyType(self._steps)

    def step(self, step_id: str) -> Step:
        """The step called ``step_id``.

        Raises:
            UnknownStepError: when the case has no such step.
        """
        try:
            return self._steps[step_id]
        except KeyError:
            raise UnknownStepError(step_id, list(self._steps)) from None

    def expiry(self, step_id: str) -> str | None:
        """The step a dossier moves to, as ``system``, when ``step_id``'s deadline passes."""
        return self.step(step_id).on_expiry

    def available(
        self,
        step_id: str,
        actor: Actor,
        data: Mapping[str, Any],
        *,
        inputs: Mapping[str, Any] | None = None,
        today: dt.date | None = None,
        now: dt.datetime | None = None,
    ) -> list[ActionOption]:
        """Every action of the step, each allowed or not, with the reason.

        Without ``inputs``, inputs are not checked and guards that read ``input`` are left
        pending (``guard_pending``); with them, the answer is exactly what :meth:`apply` does.
        A final step has no actions, so the list is empty (and :meth:`apply` refuses with
        ``final_step``).
        """
        step = self.step(step_id)
        ask = _Ask(actor, data, inputs, today, now)
        return [self._decide(step, action.id, ask)[0] for action in step.actions]

    def apply(
        self,
        step_id: str,
        action_id: str,
        actor: Actor,
        data: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
        *,
        today: dt.date | None = None,
        now: dt.datetime | None = None,
    ) -> Transition:
        """Take an action and return the transition to record.

        Raises:
            UnknownStepError: when ``step_id`` is not a step of the case.
            ActionNotAllowedError: when the actor may not take the action; its ``reason``
                says why.
        """
        step = self.step(step_id)
        option, cleaned = self._decide(step, action_id, _Ask(actor, data, inputs or {}, today, now))
        if option.denial is not None:
            raise ActionNotAllowedError(step_id, action_id, option.denial)
        action = next(a for a in step.actions if a.id == action_id)
        return self._move(step, action, actor, option.role or "", cleaned)

    def expire(self, step_id: str) -> Transition:
        """The timed transition, by ``system``, of a step whose deadline has passed.

        Raises:
            ActionNotAllowedError: when the step has no ``on_expiry``.
        """
        step = self.step(step_id)
        if step.on_expiry is None:
            denial = Denial(DenialCode.UNKNOWN_ACTION, f"step {step_id!r} has no on_expiry")
            raise ActionNotAllowedError(step_id, EXPIRY_ACTION, denial)
        timed = Action(id=EXPIRY_ACTION, to=step.on_expiry)
        return self._move(step, timed, SYSTEM, "system", {}, automatic=True)

    def _move(
        self,
        step: Step,
        action: Action,
        actor: Actor,
        role: str,
        inputs: dict[str, Any],
        *,
        automatic: bool = False,
    ) -> Transition:
        target, paused = self._steps[action.to], ClockMode.PAUSED
        return Transition(
            from_step=step.id,
            to_step=target.id,
            action=action.id,
            actor=actor,
            role=role,
            inputs=MappingProxyType(inputs),
            pauses=step.clock is not paused and target.clock is paused,
            resumes=step.clock is paused and target.clock is not paused,
            completes=(target.completes or target.final) and not step.completes,
            outcome=target.outcome,
            status=target.status,
            extension=action.extends,
            reschedules=action.reschedules,
            automatic=automatic,
        )

    def _decide(self, step: Step, action_id: str, ask: _Ask) -> tuple[ActionOption, dict[str, Any]]:
        action = next((a for a in step.actions if a.id == action_id), None)
        if step.final:
            message = f"step {step.id!r} is final ({step.outcome}): the dossier has ended"
            denial = Denial(DenialCode.FINAL_STEP, message)
            return ActionOption(action_id, None, None, False, denial), {}
        if action is None:
            known = [a.id for a in step.actions]
            message = f"step {step.id!r} has no action {action_id!r}{_hint(action_id, known)}"
            denial = Denial(DenialCode.UNKNOWN_ACTION, message)
            return ActionOption(action_id, None, None, False, denial), {}
        role = action.role or step.role or ""
        option = ActionOption(
            action.id, action.to, role, True, None, self._inputs[step.id, action.id]
        )
        if role not in ask.actor.roles:
            mine = ", ".join(sorted(ask.actor.roles)) or "no role"
            return option.deny(
                DenialCode.WRONG_ROLE, f"it is for role {role!r}; the actor has {mine}"
            ), {}
        cleaned: dict[str, Any] = {}
        if ask.inputs is not None:
            cleaned, problems = self.validator.validate(option.inputs, ask.inputs)
            if problems:
                missing = any(p.code == "missing" for p in problems)
                code = DenialCode.MISSING_INPUT if missing else DenialCode.INVALID_INPUT
                return option.deny(code, "; ".join(p.message for p in problems), problems), {}
        guard = self._guards.get((step.id, action.id))
        if guard is not None and ask.inputs is None and "input" in guard.names:
            return replace(option, guard_pending=True), cleaned
        if guard is not None:
            try:
                if not guard.is_true(ask.variables(guard, cleaned)):
                    return option.deny(DenialCode.GUARD_FALSE, f"{guard.source!r} is false"), {}
            except ExprEvaluationError as exc:
                return option.deny(DenialCode.GUARD_ERROR, f"the condition failed: {exc}"), {}
        return option, cleaned


@dataclass(frozen=True)
class _Ask:
    """Who asks, about which dossier, with which inputs, when."""

    actor: Actor
    data: Mapping[str, Any]
    inputs: Mapping[str, Any] | None
    today: dt.date | None
    now: dt.datetime | None

    def variables(self, guard: Expression, inputs: Mapping[str, Any]) -> dict[str, Any]:
        # Fields the dossier lacks are null; the machine's own names win over fields.
        variables: dict[str, Any] = dict.fromkeys(guard.names)
        variables.update(self.data)
        variables.update(input=dict(inputs), roles=sorted(self.actor.roles))
        for name, value in (("today", self.today), ("now", self.now)):
            if value is None:  # left undefined: a guard reading it fails with a clear error
                variables.pop(name, None)
            else:
                variables[name] = value
        return variables


def _hint(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
