"""What a dossier's legal clock allows the state machine: :class:`ClockLimits`.

Some actions touch the legal clock: one with ``extends`` may be taken only ``extends.times``
times; one with ``reschedules`` (an apology with a new appointment, form 04) only when
:meth:`~procgen.workflow.deadlines.Deadlines.apology_allowed` says so, and with a later date;
and once a step's deadline on the applicant has passed, only the system's timed transition
remains. The machine does not know the clock: the dossier's
:class:`~procgen.workflow.timeline.Timeline` sums it up in a :class:`ClockLimits` (see
``timeline.limits(now)``), which the machine consults::

    >>> from procgen.spec.models import Action
    >>> extend = Action(id="extend", to="review", extends={"by": "15 days"})
    >>> ClockLimits(extensions={"extend": 1}).refusal(extend)[0]
    <DenialCode.EXTENSION_LIMIT: 'extension_limit'>
    >>> NO_LIMITS.refusal(extend) is None
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from procgen.spec.models import Action
from procgen.workflow.errors import DenialCode
from procgen.workflow.inputs import InputProblem

__all__ = ["NEW_APPOINTMENT", "NO_LIMITS", "ClockLimits"]

#: The input that carries an apology's new appointment date.
NEW_APPOINTMENT = "new_appointment"


@dataclass(frozen=True)
class ClockLimits:
    """What a dossier's legal clock allows now, for the actions that touch it.

    Built by :meth:`procgen.workflow.timeline.Timeline.limits`; the default limits nothing.

    Attributes:
        extensions: how many times each action (by id) has extended the deadline; an action
            with ``extends`` is refused once it reaches ``extends.times``.
        appointment: the current appointment date; a ``new_appointment`` must be later.
        reschedule_refusal: why an apology with a new date cannot be sent now, if it cannot.
        expired: why the step's actions are closed because its deadline has passed (the
            system moves the dossier ``on_expiry``), if they are.
    """

    extensions: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    appointment: dt.date | None = None
    reschedule_refusal: str | None = None
    expired: str | None = None

    def refusal(self, action: Action) -> tuple[DenialCode, str] | None:
        """Why the clock refuses ``action`` now, as ``(code, message)``; None if it does not."""
        if self.expired is not None:
            return DenialCode.STEP_EXPIRED, self.expired
        if action.extends is not None:
            used, times = self.extensions.get(action.id, 0), action.extends.times
            if used >= times:
                return DenialCode.EXTENSION_LIMIT, (
                    f"the deadline has already been extended {used} "
                    f"time{'s' if used != 1 else ''} by {action.id!r}, the most allowed "
                    f"(extends.times: {times})"
                )
        if action.reschedules and self.reschedule_refusal is not None:
            return DenialCode.RESCHEDULE_NOT_ALLOWED, self.reschedule_refusal
        return None

    def check_new_date(self, value: Any) -> tuple[InputProblem, ...]:
        """The problem with an apology's new date ``value``: it must be after the appointment."""
        if self.appointment is None or not isinstance(value, dt.date) or value > self.appointment:
            return ()
        message = (
            f"{NEW_APPOINTMENT}: the new appointment must be after the current one, "
            f"{self.appointment:%d/%m/%Y} (got {value:%d/%m/%Y})"
        )
        return (InputProblem(NEW_APPOINTMENT, "invalid", message),)


#: Limits that limit nothing: what the machine assumes when it is given none.
NO_LIMITS = ClockLimits()
