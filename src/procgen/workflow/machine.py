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

Actions that touch the legal clock (``extends``, ``reschedules``) and steps whose applicant
deadline has passed are checked against the dossier's :class:`ClockLimits`, which its
:class:`~procgen.workflow.timeline.Timeline` gives (``timeline.limits(now)``); without them the
machine checks roles, inputs and guards only. The errors are in :mod:`procgen.workflow.errors`,
the inputs in :mod:`procgen.workflow.inputs`, transitions in :mod:`procgen.workflow.transition`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from procgen.expr import Expression, ExprEvaluationError, ExprSyntaxError, compile_expr
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import Action, ClockMode, Field, ResolvedCase, Step
from procgen.workflow.errors import (
    ActionNotAllowedError,
    Denial,
    DenialCode,
    InvalidWorkflowError,
    UnknownStepError,
    WorkflowError,
    did_you_mean,
)
from procgen.workflow.inputs import BasicInputValidator, InputProblem, InputValidator
from procgen.workflow.limits import NEW_APPOINTMENT, NO_LIMITS, ClockLimits
from procgen.workflow.transition import (
    EXPIRY_ACTION,
    SYSTEM,
    Actor,
    Transition,
    TransitionEvent,
)

# Besides GUARD_VARIABLES, ActionOption and StateMachine, the names moved to their own modules
# stay importable from here so existing ``from procgen.workflow.machine import`` lines keep
# working; new code imports them from ``procgen.workflow``.
__all__ = [
    "BUILTIN_INPUTS",
    "EXPIRY_ACTION",
    "GUARD_VARIABLES",
    "SYSTEM",
    "ActionNotAllowedError",
    "ActionOption",
    "Actor",
    "BasicInputValidator",
    "ClockLimits",
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

#: Guard variables the machine sets; they win over dossier fields of the same name.
GUARD_VARIABLES: tuple[str, ...] = ("input", "roles", "today", "now")


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
                    f"{did_you_mean(step.on_expiry, ids)}"
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
            problems.append(f"leads to unknown step {action.to!r}{did_you_mean(action.to, ids)}")
        if action.role is None and step.role is None:
            problems.append("has no role: set role on the action or on its step")
        builtin = list(BUILTIN_INPUTS)
        problems += [
            f"requires unknown input {r!r}{did_you_mean(r, builtin)}; declare it under inputs"
            for r in action.requires
            if r not in BUILTIN_INPUTS
        ]
        fields = tuple(BUILTIN_INPUTS[r] for r in action.requires if r in BUILTIN_INPUTS)
        fields += action.inputs
        names = [f.id for f in fields]
        problems += [
            f"input {n!r} is declared twice" for n in sorted(set(names)) if names.count(n) > 1
        ]
        if action.reschedules and NEW_APPOINTMENT not in names:
            problems.append(f"reschedules but does not require {NEW_APPOINTMENT!r}, the new date")
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
        limits: ClockLimits | None = None,
    ) -> list[ActionOption]:
        """Every action of the step, each allowed or not, with the reason.

        Without ``inputs``, inputs are not checked and guards that read ``input`` are left
        pending (``guard_pending``); with them, the answer is exactly what :meth:`apply` does.
        A final step has no actions, so the list is empty (and :meth:`apply` refuses with
        ``final_step``).

        Args:
            step_id: the dossier's step.
            actor: who asks.
            data: the dossier's data, for guards.
            inputs: the action inputs typed so far, if any.
            today: the local date, for guards that read ``today``.
            now: the current instant, for guards that read ``now``.
            limits: the dossier's clock limits (``timeline.limits(now)``): extensions used,
                whether an apology may be sent, whether the step's deadline has passed.
        """
        step = self.step(step_id)
        ask = _Ask(actor, data, inputs, today, now, limits or NO_LIMITS)
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
        limits: ClockLimits | None = None,
    ) -> Transition:
        """Take an action and return the transition to record.

        The arguments are those of :meth:`available`, plus the action and its inputs.

        Raises:
            UnknownStepError: when ``step_id`` is not a step of the case.
            ActionNotAllowedError: when the actor may not take the action; its ``reason``
                says why.
        """
        step = self.step(step_id)
        ask = _Ask(actor, data, inputs or {}, today, now, limits or NO_LIMITS)
        option, cleaned = self._decide(step, action_id, ask)
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
            hint = did_you_mean(action_id, known)
            message = f"step {step.id!r} has no action {action_id!r}{hint}"
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
        refused = ask.limits.refusal(action)
        if refused is not None:
            return option.deny(*refused), {}
        cleaned: dict[str, Any] = {}
        if ask.inputs is not None:
            cleaned, problems = self.validator.validate(option.inputs, ask.inputs)
            if not problems and action.reschedules:
                problems = ask.limits.check_new_date(cleaned.get(NEW_APPOINTMENT))
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
    limits: ClockLimits

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
