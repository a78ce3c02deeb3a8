"""The workflow engine and the legal clock: pure functions of a procedure's spec.

Everything here is pure: no I/O, no global state, and time is read only from arguments or an
injected :class:`Clock`. The store and web layers call it.

- :class:`StateMachine`: which actions an actor may take in a step and why not; applying one
  gives the :class:`Transition` to record.
- :class:`WorkingCalendar` and :class:`Deadlines`: Vietnamese working days and the counting
  rules of legal deadlines.
- :class:`CaseDeadlines`: the legal-clock rules of one case; :class:`Timeline`: one dossier's
  legal clock, replayed from its transitions: due dates, pauses, extensions, apologies,
  completion, live status, expiries.
- :func:`check_lead_times`: dates the applicant enters that must be far enough ahead.
- :func:`to_mermaid`, :func:`to_dot`, :func:`render_diagrams_page`: workflow diagrams.

    >>> import procgen.workflow as workflow
    >>> "Timeline" in workflow.__all__
    True
"""

from procgen.errors import deprecated_names
from procgen.workflow.calendar import WorkingCalendar
from procgen.workflow.calendar_config import CalendarConfig
from procgen.workflow.clock import Clock, ManualClock, SystemClock, as_utc
from procgen.workflow.deadlines import (
    DEFAULT_DUE_SOON,
    Deadlines,
    LiveStatus,
    Pause,
    Timeliness,
    next_annual_date,
)
from procgen.workflow.diagrams import render_diagrams_page, to_dot, to_mermaid
from procgen.workflow.errors import (
    ActionNotAllowedError,
    ClockRangeError,
    Denial,
    DenialCode,
    ExtensionLimitError,
    InvalidWorkflowError,
    RescheduleError,
    TimelineError,
    UnknownStepError,
    WorkflowError,
)
from procgen.workflow.inputs import BasicInputValidator, InputProblem, InputValidator
from procgen.workflow.leadtimes import LeadTimeProblem, check_lead_times, date_at
from procgen.workflow.legalclock import CaseDeadlines, HistoryEntry
from procgen.workflow.limits import NEW_APPOINTMENT, NO_LIMITS, ClockLimits
from procgen.workflow.machine import GUARD_VARIABLES, ActionOption, StateMachine
from procgen.workflow.reading import ClockReading, Expiry, Extended, Rescheduled
from procgen.workflow.timeline import Timeline, due_expiries
from procgen.workflow.transition import (
    EXPIRY_ACTION,
    SYSTEM,
    Actor,
    Transition,
    TransitionEvent,
)
from procgen.workflow.workdays import CLOCK_FIRST, CLOCK_LAST, FIRST_DATE, LAST_DATE, WorkdayIndex

__all__ = [
    "CLOCK_FIRST",
    "CLOCK_LAST",
    "DEFAULT_DUE_SOON",
    "EXPIRY_ACTION",
    "FIRST_DATE",
    "GUARD_VARIABLES",
    "LAST_DATE",
    "NEW_APPOINTMENT",
    "NO_LIMITS",
    "SYSTEM",
    "ActionNotAllowedError",
    "ActionOption",
    "Actor",
    "BasicInputValidator",
    "CalendarConfig",
    "CaseDeadlines",
    "Clock",
    "ClockLimits",
    "ClockRangeError",
    "ClockReading",
    "Deadlines",
    "Denial",
    "DenialCode",
    "Expiry",
    "Extended",
    "ExtensionLimitError",
    "HistoryEntry",
    "InputProblem",
    "InputValidator",
    "InvalidWorkflowError",
    "LeadTimeProblem",
    "LiveStatus",
    "ManualClock",
    "Pause",
    "RescheduleError",
    "Rescheduled",
    "StateMachine",
    "SystemClock",
    "Timeline",
    "TimelineError",
    "Timeliness",
    "Transition",
    "TransitionEvent",
    "UnknownStepError",
    "WorkdayIndex",
    "WorkflowError",
    "WorkingCalendar",
    "as_utc",
    "check_lead_times",
    "date_at",
    "due_expiries",
    "next_annual_date",
    "render_diagrams_page",
    "to_dot",
    "to_mermaid",
]


__getattr__ = deprecated_names(  # renamed in 0.2
    __name__,
    {
        "DossierClock": (lambda: CaseDeadlines, "use CaseDeadlines (a clock is a time source)"),
        "LeadTimeViolation": (lambda: LeadTimeProblem, "use LeadTimeProblem"),
    },
)
