"""What a move of a dossier is made of: who acted, from where to where, and its side events.

A :class:`Transition` is what :meth:`~procgen.workflow.machine.StateMachine.apply` returns and
what the store records, with the time it happened, as the dossier's history. The legal clock
(:class:`~procgen.workflow.timeline.Timeline`) is rebuilt by replaying those records::

    >>> t = Transition(from_step="review", to_step="waiting", action="ask", actor=SYSTEM,
    ...     role="system", inputs={}, pauses=True, resumes=False, completes=False,
    ...     outcome=None, status=None)
    >>> t.events
    (<TransitionEvent.CLOCK_PAUSED: 'clock_paused'>,)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from procgen.spec.models import Extension, NationalStatus, Outcome

__all__ = ["EXPIRY_ACTION", "SYSTEM", "Actor", "Transition", "TransitionEvent"]

#: The action id recorded when a step's deadline passes and ``on_expiry`` moves the dossier.
EXPIRY_ACTION = "on_expiry"


@dataclass(frozen=True)
class Actor:
    """Who acts: their roles (``applicant`` for the citizen) and, if known, their user id."""

    roles: frozenset[str]
    user_id: str | None = None


#: The service itself, which performs timed transitions (``on_expiry``).
SYSTEM = Actor(frozenset({"system"}))


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
