"""The values a dossier's legal clock gives: what it reads at an instant, and what it records.

:class:`ClockReading` is what :meth:`~procgen.workflow.timeline.Timeline.read` returns; the
store can save it as the dossier's denormalised due dates and status (recompute it after
every event, and periodically for the live status). :class:`Extended` and
:class:`Rescheduled` are the clock's own records of extensions and apologies;
:class:`Expiry` is a timed transition waiting for a worker::

    >>> from datetime import UTC, datetime
    >>> due = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)
    >>> Expiry(step="awaiting_supplement", to_step="stopped", due_at=due, at=due).to_step
    'stopped'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from procgen.spec.duration import Duration
from procgen.spec.models import Outcome
from procgen.workflow.deadlines import LiveStatus, Timeliness

__all__ = ["ClockReading", "Expiry", "Extended", "Rescheduled"]


@dataclass(frozen=True)
class Extended:
    """An extension of the legal deadline (gia hạn), granted by ``action`` at ``at``."""

    at: datetime
    action: str
    by: Duration


@dataclass(frozen=True)
class Rescheduled:
    """A new appointment date given with an apology (form 04) by ``action`` at ``at``."""

    at: datetime
    action: str
    appointment: date


@dataclass(frozen=True)
class Expiry:
    """A step whose deadline has passed: the system moves the dossier to ``to_step``.

    Attributes:
        step: the step the dossier is in.
        to_step: the step's ``on_expiry``.
        due_at: the step's deadline, counted from entering it.
        at: when to record the timed transition: ``due_at``, or the dossier's last event when
            that is later (a step entered after its deadline, e.g. a supplement asked for
            after the flight date it must precede, expires at once).
    """

    step: str
    to_step: str
    due_at: datetime
    at: datetime


@dataclass(frozen=True)
class ClockReading:
    """What a dossier's legal clock says at one instant. Times are UTC.

    Attributes:
        at: the instant read (never before the dossier's last event).
        step: the step the dossier is in.
        started_at: when the legal clock started; None while a first, paused, step lasts.
        legal_due: the legal due date: the case's deadline from ``started_at``, moved by
            pauses and extensions (not by apologies); what the indicators compare with.
        appointment: the date promised to the applicant (ngày hẹn trả): the legal due date,
            or the latest apology's new date (moved by the pauses after it) when later.
        step_due: the deadline of the current step, counted from entering it.
        paused: the clock stands still now.
        paused_for: elapsed time spent paused so far (up to completion).
        extensions: how many extensions have been granted.
        completed_at: when the result was ready, once it is.
        outcome: how the dossier ended, once it has.
        timeliness: early, on time or late, comparing the completion date with the
            appointment date; None while open.
        legal_timeliness: the same against the legal due date.
        status: on track, due soon or overdue against the appointment; None once completed
            (or when there is no appointment).
    """

    at: datetime
    step: str
    started_at: datetime | None
    legal_due: datetime | None
    appointment: datetime | None
    step_due: datetime | None
    paused: bool
    paused_for: timedelta
    extensions: int
    completed_at: datetime | None
    outcome: Outcome | None
    timeliness: Timeliness | None
    legal_timeliness: Timeliness | None
    status: LiveStatus | None
