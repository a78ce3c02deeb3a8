"""What the workflow engine raises, and why an action is refused.

Every error names what was asked for and what stood in the way; refusals carry a stable
:class:`DenialCode` that the web layer can map to a message or an HTTP status::

    WorkflowError (ProcgenError, ValueError)
     ├── InvalidWorkflowError   the steps do not make a workable machine (every problem listed)
     ├── UnknownStepError       a dossier is in a step the case does not declare
     ├── ActionNotAllowedError  apply() or expire() refused; ``reason`` says why
     └── TimelineError          a transition cannot be recorded on the dossier's legal clock
          ├── ClockRangeError       the clock would count past the years it supports
          ├── ExtensionLimitError   the deadline was already extended as often as allowed
          └── RescheduleError       an apology with a new date is not allowed now, or the date
                                    is not later than the current appointment

    >>> error = ActionNotAllowedError("review", "approve", Denial(DenialCode.WRONG_ROLE, "no"))
    >>> str(error)
    "'approve' is not allowed in step 'review': no"
    >>> isinstance(error, ValueError)
    True
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from procgen.errors import ProcgenError

if TYPE_CHECKING:
    from procgen.workflow.inputs import InputProblem

__all__ = [
    "ActionNotAllowedError",
    "ClockRangeError",
    "Denial",
    "DenialCode",
    "ExtensionLimitError",
    "InvalidWorkflowError",
    "RescheduleError",
    "TimelineError",
    "UnknownStepError",
    "WorkflowError",
]


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
        super().__init__(f"unknown step {step!r}{did_you_mean(step, known)}")
        self.step = step


class DenialCode(StrEnum):
    """Why an action is not allowed."""

    FINAL_STEP = "final_step"
    UNKNOWN_ACTION = "unknown_action"
    WRONG_ROLE = "wrong_role"
    STEP_EXPIRED = "step_expired"
    EXTENSION_LIMIT = "extension_limit"
    RESCHEDULE_NOT_ALLOWED = "reschedule_not_allowed"
    MISSING_INPUT = "missing_input"
    INVALID_INPUT = "invalid_input"
    GUARD_FALSE = "guard_false"
    GUARD_ERROR = "guard_error"


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


class TimelineError(WorkflowError):
    """A transition cannot be recorded on a dossier's legal clock (out of order, wrong step,
    after the dossier ended, ...)."""


class ClockRangeError(TimelineError):
    """The legal clock would step outside the days it counts (years 1700 to 2999, around the
    supported 1800 to 2199), which only a date far outside the supported years can cause.

    Attributes:
        day: the day the count reached.
    """

    def __init__(self, day: date) -> None:
        super().__init__(
            f"the legal clock cannot count working days past {day.isoformat()}: dates must be "
            "within the years 1800 to 2199"
        )
        self.day = day


class ExtensionLimitError(TimelineError):
    """An action would extend the legal deadline more often than its ``extends.times``.

    Attributes:
        action: the extending action.
        times: how many extensions the spec allows.
    """

    def __init__(self, action: str, times: int) -> None:
        super().__init__(
            f"action {action!r} has already extended the deadline {times} "
            f"time{'s' if times != 1 else ''}, the most its spec allows (extends.times: {times})"
        )
        self.action = action
        self.times = times


class RescheduleError(TimelineError):
    """An apology with a new appointment (form 04) is refused; the message says why."""


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix naming the closest of ``known``, else ``""``."""
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
