"""A dossier's legal clock: due dates, pauses, extensions, apologies, completion and status.

:class:`CaseDeadlines` holds the rules of one case (its deadlines, its steps, the calendar);
:class:`Timeline` is the immutable record of one dossier's clock, built from its receipt and
the transitions it went through, each with its UTC time. The store keeps only those events and
rebuilds the timeline by replaying them (:meth:`CaseDeadlines.replay`); everything else is
computed when read, at an instant the caller passes (read it from a
:class:`~procgen.workflow.clock.Clock`)::

    >>> from datetime import UTC, datetime
    >>> from procgen.spec.models import Action, ResolvedCase, Step
    >>> from procgen.workflow import Actor, CaseDeadlines, StateMachine
    >>> case = ResolvedCase(id="default", name="Demo", when=None, deadline="2 working days",
    ...     fee=0, channels={}, documents=(), lead_times=(), steps=(
    ...         Step(id="review", role="officer", actions=(
    ...             Action(id="approve", to="done"), Action(id="ask", to="waiting"))),
    ...         Step(id="waiting", role="applicant", clock="paused",
    ...             actions=(Action(id="supplement", to="review"),)),
    ...         Step(id="done", outcome="approved")))
    >>> clock, machine = CaseDeadlines(case), StateMachine(case)
    >>> timeline = clock.start(datetime(2025, 1, 23, 3, 0, tzinfo=UTC))  # Thu 10:00, Hà Nội
    >>> clock.local(timeline.read(datetime(2025, 1, 23, 3, 0, tzinfo=UTC)).appointment)
    '2025-02-03 17:00'
    >>> officer, citizen = Actor(frozenset({"officer"})), Actor(frozenset({"applicant"}))
    >>> timeline = timeline.record(machine.apply("review", "ask", officer, {}),
    ...     at=datetime(2025, 1, 24, 2, 0, tzinfo=UTC))                      # Fri 09:00
    >>> timeline = timeline.record(machine.apply("waiting", "supplement", citizen, {}),
    ...     at=datetime(2025, 2, 3, 2, 0, tzinfo=UTC))                       # Mon 09:00
    >>> reading = timeline.read(datetime(2025, 2, 3, 2, 0, tzinfo=UTC))
    >>> clock.local(reading.appointment), reading.status  # 8 office hours given back
    ('2025-02-04 17:00', <LiveStatus.ON_TRACK: 'on_track'>)

The rules, in short (``docs/legal-clock.md`` has the details):

- The legal clock starts at receipt, or, when the first step is ``clock: paused`` (e.g. a
  complaint is counted from acceptance), when the dossier first enters a running step.
- Time in paused steps is given back (:meth:`Deadlines.with_pauses`): office time for
  working-time and same-day deadlines, elapsed time for calendar ones. Fixed dates (``by``,
  ``before``) do not move.
- An ``extends`` action moves the legal due date by its amount, at most ``times`` times per
  action id; a ``reschedules`` action (apology, form 04) sets the appointment to the officer's
  ``new_appointment``, which must be later; the legal due date is kept for the indicators.
- Deadlines counted in days (working days, days, months, same day, fixed dates) end at close
  of business, also after pauses and extensions; those in hours end at the exact instant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from procgen.spec.models import Channel, Deadline, Outcome
from procgen.workflow.clock import as_utc
from procgen.workflow.deadlines import Pause
from procgen.workflow.errors import ExtensionLimitError, RescheduleError, TimelineError
from procgen.workflow.limits import NEW_APPOINTMENT, ClockLimits
from procgen.workflow.reading import ClockReading, Expiry, Extended, Rescheduled
from procgen.workflow.transition import Transition
from procgen.workflow.workdays import FIRST_DATE, LAST_DATE

if TYPE_CHECKING:
    from procgen.workflow.legalclock import CaseDeadlines

__all__ = ["Timeline", "due_expiries"]


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Timeline:
    """One dossier's legal clock: immutable; :meth:`record` returns a new timeline.

    Build it with :meth:`CaseDeadlines.start` or :meth:`CaseDeadlines.replay`. Times are UTC.

    Attributes:
        clock: the case's rules.
        received_at: when the dossier was received.
        channel: how it was filed, if known.
        dates: the applicant-entered dates that ``before`` deadlines count back from.
        step: the step the dossier is in.
        entered_at: when it entered that step (a self-loop does not re-enter).
        last_at: when the last transition was recorded (receipt if none).
        started_at: when the legal clock started; None while the first, paused, step lasts.
        pauses: the closed intervals the clock stood still, in order.
        paused_since: when the current pause began, if the clock stands still now.
        extensions: the extensions granted, in order.
        reschedules: the new appointments given with an apology, in order.
        completed_at: when the result was ready (a ``completes`` or final step was entered).
        outcome: how the dossier ended, once it has.
    """

    clock: CaseDeadlines = field(repr=False, compare=False)
    received_at: datetime
    channel: Channel | None
    dates: Mapping[str, date]
    step: str
    entered_at: datetime
    last_at: datetime
    started_at: datetime | None
    pauses: tuple[Pause, ...] = ()
    paused_since: datetime | None = None
    extensions: tuple[Extended, ...] = ()
    reschedules: tuple[Rescheduled, ...] = ()
    completed_at: datetime | None = None
    outcome: Outcome | None = None

    @property
    def final(self) -> bool:
        """True once the dossier has ended."""
        return self.outcome is not None

    def record(self, transition: Transition, *, at: datetime) -> Timeline:
        """The timeline after ``transition`` happened at ``at``.

        Raises:
            TimelineError: when ``at`` is before the last event, the transition does not
                start from the dossier's step, or the dossier has ended.
            ExtensionLimitError: when the action has already extended the deadline
                ``extends.times`` times.
            RescheduleError: when an apology is not allowed at ``at`` (see
                :meth:`Deadlines.apology_allowed`), or its ``new_appointment`` is missing or
                not after the current appointment date.
            UnknownStepError: when the transition leads to a step the case does not declare.
        """
        moment = as_utc(at, name="at")
        self._check(transition, moment)
        target = self.clock.step(transition.to_step)
        changes: dict[str, Any] = {"step": target.id, "last_at": moment, "outcome": None}
        if target.id != self.step:
            changes["entered_at"] = moment
        if target.final:
            changes["outcome"] = target.outcome
        if target.completes or target.final:
            changes["completed_at"] = self.completed_at or moment
        else:  # sent back from a completing step: the result was not ready after all
            changes["completed_at"] = None
        if self.started_at is None:
            if not self.clock.stands_still(target) and not target.final:
                changes["started_at"] = moment
        elif self.paused_since is not None and not self.clock.stands_still(target):
            changes["pauses"] = (*self.pauses, Pause(self.paused_since, moment))
            changes["paused_since"] = None
        elif self.paused_since is None and self.clock.stands_still(target):
            changes["paused_since"] = moment
        if transition.extension is not None:
            granted = Extended(moment, transition.action, transition.extension.by)
            changes["extensions"] = (*self.extensions, granted)
        if transition.reschedules:
            new = self._new_appointment(transition, moment)
            changes["reschedules"] = (
                *self.reschedules,
                Rescheduled(moment, transition.action, new),
            )
        return replace(self, **changes)

    def _check(self, transition: Transition, moment: datetime) -> None:
        if moment < self.last_at:
            raise TimelineError(
                f"transitions are recorded in order: {moment.isoformat()} is before the last "
                f"one, at {self.last_at.isoformat()}"
            )
        if self.final:
            raise TimelineError(
                f"the dossier has ended in step {self.step!r} ({self.outcome}); "
                f"{transition.action!r} cannot be recorded after it"
            )
        if transition.from_step != self.step:
            raise TimelineError(
                f"{transition.action!r} moves a dossier from step {transition.from_step!r}, "
                f"but this one is in step {self.step!r}"
            )
        if transition.extension is not None:
            times = transition.extension.times
            if sum(e.action == transition.action for e in self.extensions) >= times:
                raise ExtensionLimitError(transition.action, times)

    def _new_appointment(self, transition: Transition, moment: datetime) -> date:
        limits = self.limits(moment)
        if limits.reschedule_refusal is not None:
            raise RescheduleError(limits.reschedule_refusal)
        value = transition.inputs.get(NEW_APPOINTMENT)
        new = _as_date(value)
        if new is None:
            raise RescheduleError(
                f"{transition.action!r} reschedules but its input {NEW_APPOINTMENT!r} is not "
                f"a date (got {value!r})"
            )
        if not FIRST_DATE <= new <= LAST_DATE:
            raise RescheduleError(
                f"the new appointment must be from {FIRST_DATE:%d/%m/%Y} to "
                f"{LAST_DATE:%d/%m/%Y} (got {new:%d/%m/%Y})"
            )
        if limits.appointment is not None and new <= limits.appointment:
            raise RescheduleError(
                f"the new appointment must be after the current one, "
                f"{limits.appointment:%d/%m/%Y} (got {new:%d/%m/%Y})"
            )
        return new

    # Reading -----------------------------------------------------------------------------------

    def read(self, now: datetime) -> ClockReading:
        """Everything the clock says at ``now``: due dates, pause, completion, status.

        A ``now`` before the last recorded event reads as of that event. A completed dossier's
        due dates are those of its completion time.
        """
        current = max(as_utc(now, name="now"), self.last_at)
        as_of = self.completed_at or current
        pauses = self._pauses_until(as_of)
        deadline = self.clock.deadline(self.channel)
        legal = self._legal(deadline, pauses) if deadline is not None else None
        appointment = legal
        if deadline is not None and self.reschedules:
            appointment = self._promised(deadline, pauses, legal)
        step = self.clock.step(self.step)
        step_due = None
        if step.deadline is not None and not step.final:
            step_due = self.clock.due(step.deadline, self.entered_at, self.dates)
        rules = self.clock.deadlines
        done = self.completed_at
        return ClockReading(
            at=current,
            step=self.step,
            started_at=self.started_at,
            legal_due=legal,
            appointment=appointment,
            step_due=step_due,
            paused=self.paused_since is not None,
            paused_for=sum((p.end - p.start for p in pauses), timedelta(0)),
            extensions=len(self.extensions),
            completed_at=done,
            outcome=self.outcome,
            timeliness=rules.classify(done, appointment) if done and appointment else None,
            legal_timeliness=rules.classify(done, legal) if done and legal else None,
            status=rules.live_status(appointment, current) if appointment and not done else None,
        )

    def _pauses_until(self, until: datetime) -> list[Pause]:
        pauses = [Pause(p.start, min(p.end, until)) for p in self.pauses if p.start < until]
        if self.paused_since is not None and self.paused_since < until:
            pauses.append(Pause(self.paused_since, until))
        return pauses

    def _legal(self, deadline: Deadline, pauses: list[Pause]) -> datetime | None:
        if self.started_at is None:
            return None
        due = self.clock.due(deadline, self.started_at, self.dates)
        if due is None:
            return None
        pending = pauses
        for granted in self.extensions:
            before = [p for p in pending if p.start <= granted.at]
            pending = pending[len(before) :]
            due = self.clock._extend(deadline, self.clock._shift(deadline, due, before), granted.by)
        return self.clock._shift(deadline, due, pending)

    def _promised(
        self, deadline: Deadline, pauses: list[Pause], legal: datetime | None
    ) -> datetime:
        last = self.reschedules[-1]
        calendar = self.clock.deadlines.calendar
        # An appointment recorded before dates were bounded may lie past the supported years:
        # it saturates at the last supported day rather than overflow the count.
        day = min(max(last.appointment, FIRST_DATE), LAST_DATE)
        promised = calendar.closing(calendar.roll_forward(day))
        later = [Pause(max(p.start, last.at), p.end) for p in pauses if p.end > last.at]
        promised = self.clock._shift(deadline, promised, later)
        return promised if legal is None else max(promised, legal)

    def limits(self, now: datetime) -> ClockLimits:
        """What the clock allows at ``now``, for :meth:`StateMachine.available` and ``apply``.

        An apology (a ``reschedules`` action) is allowed when
        :meth:`Deadlines.apology_allowed` says so for the current appointment: at least one
        working day before its date, or once it has passed.
        """
        moment = as_utc(now, name="now")
        reading = self.read(moment)
        appointment = reading.appointment
        calendar = self.clock.deadlines.calendar
        refusal = None
        if appointment is None:
            refusal = "the dossier has no appointment date yet, so there is nothing to move"
        elif not self.clock.deadlines.apology_allowed(appointment, moment):
            last = self.clock.deadlines.apology_deadline(appointment)
            refusal = (
                f"an apology with a new date (form 04) must be sent by {last:%d/%m/%Y}, at least "
                f"one working day before the appointment date "
                f"{calendar.local_date(appointment):%d/%m/%Y}, or after that date has passed"
            )
        expiry = self.expiry(moment)
        expired = None
        if expiry is not None:
            expired = (
                f"the deadline of step {expiry.step!r} passed at {self.clock.local(expiry.due_at)}"
                f"; the dossier moves to {expiry.to_step!r}"
            )
        return ClockLimits(
            extensions=MappingProxyType(dict(Counter(e.action for e in self.extensions))),
            appointment=calendar.local_date(appointment) if appointment else None,
            reschedule_refusal=refusal,
            expired=expired,
        )

    def expiry(self, now: datetime) -> Expiry | None:
        """The timed transition due at ``now``: the step has ``on_expiry`` and its deadline,
        counted from entering it, has passed. Apply it with :meth:`StateMachine.expire`."""
        step = self.clock.step(self.step)
        if step.final or step.on_expiry is None or step.deadline is None:
            return None
        due = self.clock.due(step.deadline, self.entered_at, self.dates)
        if due is None or as_utc(now, name="now") <= due:
            return None
        return Expiry(step.id, step.on_expiry, due_at=due, at=max(due, self.last_at))


def due_expiries(timelines: Mapping[K, Timeline], now: datetime) -> list[tuple[K, Expiry]]:
    """Which dossiers have a step whose deadline has passed at ``now``, earliest first.

    A worker applies each with ``machine.expire(expiry.step)`` and records it with
    ``timeline.record(transition, at=expiry.at)``, so the history does not depend on when the
    worker ran.

    Args:
        timelines: the open dossiers' timelines, by any key (e.g. the dossier id).
        now: the current instant.
    """
    found = [(key, e) for key, tl in timelines.items() if (e := tl.expiry(now)) is not None]
    return sorted(found, key=lambda item: item[1].due_at)


def _as_date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) and not isinstance(value, datetime) else None
