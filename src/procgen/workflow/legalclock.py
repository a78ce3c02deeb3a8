"""The legal-clock rules of one case: :class:`CaseDeadlines`.

A :class:`CaseDeadlines` knows a case's legal deadline (per channel), its steps and their
deadlines, and the deployment's calendar (:class:`~procgen.workflow.deadlines.Deadlines`). It
starts and replays dossiers' :class:`~procgen.workflow.timeline.Timeline` values, which do the
reading; it keeps no dossier state and reads no clock::

    >>> from datetime import UTC, datetime
    >>> from procgen.spec.models import ResolvedCase, Step
    >>> case = ResolvedCase(id="default", name="Demo", when=None, deadline="1 working day",
    ...     fee=0, channels={"online": {"processing_time": "4 working hours"}}, documents=(),
    ...     lead_times=(), steps=(Step(id="done", outcome="approved"),))
    >>> clock = CaseDeadlines(case)
    >>> str(clock.deadline()), str(clock.deadline("online"))
    ('1 working day', '4 working hours')
    >>> received = datetime(2025, 4, 29, 3, 0, tzinfo=UTC)  # Tue 10:00, before 30/4-1/5
    >>> clock.local(clock.start(received).read(received).appointment)
    '2025-05-05 17:00'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, NamedTuple

from procgen.spec.duration import Duration, DurationUnit
from procgen.spec.models import Channel, ClockMode, Deadline, ResolvedCase, Step
from procgen.workflow.clock import as_utc
from procgen.workflow.deadlines import Deadlines, Pause
from procgen.workflow.errors import InvalidWorkflowError, UnknownStepError
from procgen.workflow.leadtimes import LeadTimeProblem, check_lead_times, date_at
from procgen.workflow.timeline import Timeline
from procgen.workflow.transition import Transition

__all__ = ["CaseDeadlines", "HistoryEntry"]

_HOUR_UNITS = frozenset({DurationUnit.HOURS, DurationUnit.WORKING_HOURS})


class HistoryEntry(NamedTuple):
    """A recorded transition and the instant (timezone-aware) it happened."""

    at: datetime
    transition: Transition


class CaseDeadlines:
    """The legal-clock rules of one case: its deadlines and steps, on a calendar.

    Args:
        case: the resolved case (its steps, legal deadline, channel times, lead times).
        deadlines: the deployment's counting rules; the Vietnamese defaults when omitted.

    Raises:
        InvalidWorkflowError: when the case has no steps.
    """

    def __init__(self, case: ResolvedCase, deadlines: Deadlines | None = None) -> None:
        if not case.steps:
            raise InvalidWorkflowError(case.id, ["it has no steps"])
        self.case = case
        self.deadlines = deadlines if deadlines is not None else Deadlines()
        self._steps = {step.id: step for step in case.steps}
        self._by_channel = {
            channel: Deadline(within=terms.processing_time)
            for channel, terms in case.channels.items()
            if terms.processing_time is not None
        }
        befores = [case.deadline, *(step.deadline for step in case.steps)]
        self._dated = tuple(sorted({d.before for d in befores if d and d.before is not None}))

    def __repr__(self) -> str:
        return f"<CaseDeadlines {self.case.id}: deadline {self.case.deadline}>"

    def step(self, step_id: str) -> Step:
        """The step called ``step_id``.

        Raises:
            UnknownStepError: when the case has no such step.
        """
        try:
            return self._steps[step_id]
        except KeyError:
            raise UnknownStepError(step_id, list(self._steps)) from None

    def deadline(self, channel: Channel | str | None = None) -> Deadline | None:
        """The legal deadline for dossiers filed through ``channel``.

        A channel's ``processing_time`` wins over the case's deadline.
        """
        if channel is None:
            return self.case.deadline
        return self._by_channel.get(Channel(channel), self.case.deadline)

    def local(self, moment: datetime | None) -> str | None:
        """``moment`` as local ``YYYY-MM-DD HH:MM`` (for messages and examples)."""
        if moment is None:
            return None
        return self.deadlines.calendar.local(moment).strftime("%Y-%m-%d %H:%M")

    def check_lead_times(
        self, data: Mapping[str, Any], *, submitted_at: datetime
    ) -> tuple[LeadTimeProblem, ...]:
        """The case's lead times checked against ``data``; see :func:`check_lead_times`."""
        return check_lead_times(
            self.case, data, submitted_at=submitted_at, deadlines=self.deadlines
        )

    def start(
        self,
        received_at: datetime,
        *,
        channel: Channel | str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Timeline:
        """The timeline of a dossier just received, in the case's first step.

        Args:
            received_at: when the dossier was received (timezone-aware).
            channel: how it was filed, for the channel's processing time.
            data: the dossier's data; the dates that ``before`` deadlines count back from
                are read from it now.

        Raises:
            ConfigurationError: for a naive ``received_at`` or a date field that holds
                something else than a date.
        """
        received = as_utc(received_at, name="received_at")
        first = self.case.steps[0]
        dates = {path: day for path in self._dated if (day := date_at(data or {}, path))}
        return Timeline(
            clock=self,
            received_at=received,
            channel=Channel(channel) if channel is not None else None,
            dates=MappingProxyType(dates),
            step=first.id,
            entered_at=received,
            last_at=received,
            started_at=None if self.stands_still(first) else received,
        )

    def replay(
        self,
        received_at: datetime,
        history: Iterable[HistoryEntry | tuple[datetime, Transition]],
        *,
        channel: Channel | str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Timeline:
        """Rebuild a timeline from the recorded transitions, oldest first.

        Raises:
            TimelineError: when an entry cannot be recorded (see :meth:`Timeline.record`).
        """
        timeline = self.start(received_at, channel=channel, data=data)
        for at, transition in history:
            timeline = timeline.record(transition, at=at)
        return timeline

    @staticmethod
    def stands_still(step: Step) -> bool:
        """True when the legal clock stands still in ``step`` (a final step stops it anyway)."""
        return step.clock is ClockMode.PAUSED and not step.final

    # Counting ----------------------------------------------------------------------------------

    def due(
        self, deadline: Deadline, start: datetime, dates: Mapping[str, date]
    ) -> datetime | None:
        """When ``deadline`` ends if counted from ``start``; None for a ``before`` deadline
        whose date the applicant left empty."""
        rules = self.deadlines
        if deadline.within is not None:
            return rules.due(start, deadline.within)
        if deadline.same_day:
            return rules.due_same_day(start, cutoff=deadline.cutoff)
        if deadline.by is not None:
            return rules.due_on_annual_date(start, month=deadline.by.month, day=deadline.by.day)
        day = dates.get(deadline.before or "")
        return None if day is None else rules.due_before(day)

    def _settle(self, deadline: Deadline, due: datetime) -> datetime:
        if deadline.within is not None and deadline.within.unit in _HOUR_UNITS:
            return due
        calendar = self.deadlines.calendar
        return calendar.closing(calendar.roll_forward(calendar.local_date(due)))

    def _shift(self, deadline: Deadline, due: datetime, pauses: list[Pause]) -> datetime:
        if deadline.within is not None:
            unit = deadline.within.unit
        elif deadline.same_day:
            unit = DurationUnit.WORKING_HOURS
        else:  # a fixed date (by, before) does not move
            return due
        if not pauses:
            return due
        return self._settle(deadline, self.deadlines.with_pauses(due, pauses, unit=unit))

    def _extend(self, deadline: Deadline, due: datetime, by: Duration) -> datetime:
        return self._settle(deadline, self.deadlines.extend(due, by))
