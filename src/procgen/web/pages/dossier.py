"""One dossier with everything the pages read about it: spec, case, history, documents, clock.

A :class:`DossierFile` is a snapshot gathered for one request. The papers
(:mod:`~procgen.web.pages.papers`), the tracking history (:mod:`~procgen.web.pages.history`)
and the officer's dossier page all read it; none of them goes back to the store.

:meth:`DossierFile.visits` cuts the history into the stays of the dossier in each step (when it
entered, when it left, by which events): the rows of the process-control slip (form 05) and of
the tracking page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from procgen.spec.models import ProcedureSpec, ResolvedCase, Step
from procgen.store.records import AttachmentRecord, DossierRecord, EventRecord
from procgen.web.pages.labels import find_case, find_step
from procgen.workflow import (
    CaseDeadlines,
    Deadlines,
    HistoryEntry,
    Timeline,
    Timeliness,
    WorkflowError,
)
from procgen.workflow.reading import ClockReading

__all__ = ["DossierFile", "StepVisit", "step_timeliness"]


@dataclass(frozen=True)
class StepVisit:
    """A stay of the dossier in one step.

    Attributes:
        step: the step (None when the spec no longer declares it).
        step_id: its id.
        entered: the event that brought the dossier in (the submission for the first step).
        left: the event that moved it on, or None while it is still there.
        due_at: the step's own deadline counted from entering it, if it has one.
    """

    step: Step | None
    step_id: str
    entered: EventRecord
    left: EventRecord | None
    due_at: dt.datetime | None

    @property
    def entered_at(self) -> dt.datetime:
        """When the dossier entered the step."""
        return self.entered.at

    @property
    def left_at(self) -> dt.datetime | None:
        """When it left, or None."""
        return self.left.at if self.left is not None else None


def step_timeliness(deadlines: Deadlines, finished: dt.datetime, due: dt.datetime) -> Timeliness:
    """Early, on time or late for one step of the process-control slip.

    A step deadline is often a few working hours, so a step finished after its due instant is
    late even on the same day; otherwise the dates decide (before the due date: early).
    """
    if finished > due:
        return Timeliness.LATE
    calendar = deadlines.calendar
    if calendar.local_date(finished) < calendar.local_date(due):
        return Timeliness.EARLY
    return Timeliness.ON_TIME


@dataclass(frozen=True)
class DossierFile:
    """A dossier, its procedure version and everything recorded about it.

    Attributes:
        spec: the procedure version the dossier was filed under.
        record: the dossier.
        events: its history, oldest first (the submission is ``seq`` 1).
        attachments: its documents, in the order they were added.
        deadlines: the deployment's counting rules.
        now: the instant the request is answered at.
        names: display names of the users who acted, by user id (what the papers print).
    """

    spec: ProcedureSpec
    record: DossierRecord
    events: Sequence[EventRecord]
    attachments: Sequence[AttachmentRecord]
    deadlines: Deadlines
    now: dt.datetime
    names: Mapping[str, str] = field(default_factory=dict)

    def name_of(self, user_id: str | None) -> str:
        """How to print who acted: the user's display name when known, else their id."""
        if user_id is None:
            return ""
        return self.names.get(user_id) or user_id

    @cached_property
    def case(self) -> ResolvedCase:
        """The dossier's case of the procedure."""
        return find_case(self.spec, self.record.case_id)

    @cached_property
    def clock(self) -> CaseDeadlines:
        """The legal-clock rules of the case."""
        return CaseDeadlines(self.case, self.deadlines)

    @property
    def step(self) -> Step | None:
        """The step the dossier is in now."""
        return find_step(self.case, self.record.step)

    @cached_property
    def timeline(self) -> Timeline | None:
        """The legal clock replayed from the history (None if the history does not replay)."""
        history = [HistoryEntry(e.at, e.transition) for e in self.events if e.transition]
        try:
            return self.clock.replay(
                self.record.received_at,
                history,
                channel=self.record.channel,
                data=self.record.data,
            )
        except (WorkflowError, ValueError):
            return None

    @cached_property
    def reading(self) -> ClockReading | None:
        """What the legal clock says now (None when the history does not replay)."""
        timeline = self.timeline
        if timeline is None:
            return None
        try:
            return timeline.read(max(self.now, timeline.last_at))
        except (WorkflowError, ValueError):
            return None

    @property
    def appointment(self) -> dt.datetime | None:
        """The date promised to the applicant: the clock's, else the stored copy."""
        reading = self.reading
        if reading is not None and reading.appointment is not None:
            return reading.appointment
        return self.record.appointment_at

    @cached_property
    def first_appointment(self) -> dt.datetime | None:
        """The appointment given at receipt, as printed on the receipt (form 01)."""
        try:
            start = self.clock.start(
                self.record.received_at, channel=self.record.channel, data=self.record.data
            )
            promised = start.read(self.record.received_at).appointment
        except (WorkflowError, ValueError):
            promised = None
        return promised or self.record.appointment_at

    def appointment_before(self, event: EventRecord) -> dt.datetime | None:
        """The appointment as it stood just before ``event`` (what an apology moves)."""
        history = [
            HistoryEntry(e.at, e.transition)
            for e in self.events
            if e.transition and e.seq < event.seq
        ]
        try:
            timeline = self.clock.replay(
                self.record.received_at, history, channel=self.record.channel,
                data=self.record.data,
            )  # fmt: skip
            return timeline.read(event.at).appointment
        except (WorkflowError, ValueError):
            return None

    def files_of(self, event_seq: int) -> list[AttachmentRecord]:
        """The documents added by event ``event_seq``."""
        return [a for a in self.attachments if a.event_seq == event_seq]

    def visits(self) -> list[StepVisit]:
        """The stays in each step, in order; a self-loop (e.g. an apology) is not a new stay."""
        dates = self.timeline.dates if self.timeline is not None else {}
        visits: list[StepVisit] = []
        for event in self.events:
            if visits and visits[-1].step_id == event.to_step and event.from_step is not None:
                continue
            if visits:
                last = visits[-1]
                visits[-1] = StepVisit(last.step, last.step_id, last.entered, event, last.due_at)
            step = find_step(self.case, event.to_step)
            due = None
            if step is not None and step.deadline is not None and not step.final:
                try:
                    due = self.clock.due(step.deadline, event.at, dates)
                except (WorkflowError, ValueError):
                    due = None
            visits.append(StepVisit(step, event.to_step, event, None, due))
        return visits

    def last_event(
        self, *, to_step: str | None = None, action: str | None = None
    ) -> EventRecord | None:
        """The latest event into ``to_step`` and/or of ``action``."""
        for event in reversed(self.events):
            if to_step is not None and event.to_step != to_step:
                continue
            if action is not None and event.action != action:
                continue
            return event
        return None
