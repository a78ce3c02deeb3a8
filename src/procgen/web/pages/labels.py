"""Words for the pages: steps, actions, roles, outcomes and times in the reader's language.

Labels of steps, actions, roles and documents come from the spec (bilingual ``Text``);
everything else (outcomes, national statuses, channels, live status badges) from the ``ui``
catalogue. Times are stored in UTC and shown in the office's time zone::

    >>> import datetime as dt
    >>> local_date(dt.datetime(2025, 6, 24, 18, 0, tzinfo=dt.UTC), "vi")
    '25/06/2025'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_datetime

from procgen.i18n import format_date, format_datetime, translator
from procgen.spec.models import (
    Action,
    Channel,
    Deadline,
    NationalStatus,
    Outcome,
    ProcedureSpec,
    ResolvedCase,
    Step,
)
from procgen.types import Locale
from procgen.workflow import LiveStatus, Timeliness

__all__ = [
    "VIETNAM",
    "Gettext",
    "action_label",
    "channel_label",
    "deadline_text",
    "find_action",
    "find_case",
    "find_step",
    "humanise",
    "live_status_label",
    "local_date",
    "local_datetime",
    "outcome_label",
    "role_label",
    "status_label",
    "step_label",
    "timeliness_label",
]

#: The office's time zone: every date and time on the pages is shown in it.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

Gettext = Callable[..., str]

# The national status codes (docs/domain.md §3.1): msgids, translated in ui.po.
_STATUS = {
    NationalStatus.INTEROPERATING: "Transferred between agencies",
    NationalStatus.RECEIVING: "Submitted, not yet accepted",
    NationalStatus.NEW: "Accepted",
    NationalStatus.DENIED: "Not accepted",
    NationalStatus.PROCESSING: "In processing",
    NationalStatus.WAITING: "Awaiting a supplement",
    NationalStatus.PAYING: "Awaiting payment",
    NationalStatus.CANCELLED: "Withdrawn by the applicant",
    NationalStatus.UNRESOLVED: "Processing stopped",
    NationalStatus.RELEASING: "Result ready",
    NationalStatus.DONE: "Result returned",
}
_OUTCOME = {
    Outcome.APPROVED: "Approved: the result has been issued",
    Outcome.REFUSED: "Refused",
    Outcome.NOT_ACCEPTED: "Not accepted",
    Outcome.WITHDRAWN: "Withdrawn",
    Outcome.STOPPED: "Processing stopped",
}
_CHANNEL = {Channel.ONLINE: "Online", Channel.DIRECT: "In person", Channel.POSTAL: "By post"}
_LIVE = {
    LiveStatus.ON_TRACK: "On track",
    LiveStatus.DUE_SOON: "Due soon",
    LiveStatus.OVERDUE: "Overdue",
}
_TIMELINESS = {
    Timeliness.EARLY: "Early",
    Timeliness.ON_TIME: "On time",
    Timeliness.LATE: "Late",
}


def humanise(identifier: str) -> str:
    """An id as words, for anything without a label: ``send_back`` → ``Send back``."""
    words = identifier.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else identifier


def find_case(spec: ProcedureSpec, case_id: str) -> ResolvedCase:
    """The case ``case_id`` of ``spec`` (the first one when the id is unknown)."""
    cases = spec.effective_cases()
    return next((c for c in cases if c.id == case_id), cases[0])


def find_step(case: ResolvedCase, step_id: str | None) -> Step | None:
    """The step called ``step_id``, or None."""
    return next((s for s in case.steps if s.id == step_id), None)


def find_action(case: ResolvedCase, step_id: str | None, action_id: str) -> Action | None:
    """The action ``action_id`` of step ``step_id``, or None."""
    step = find_step(case, step_id)
    return next((a for a in step.actions if a.id == action_id), None) if step else None


def step_label(case: ResolvedCase, step_id: str | None, locale: Locale) -> str:
    """What a step is called in the spec (its id as words when it has no label)."""
    step = find_step(case, step_id)
    if step is not None and step.label is not None:
        return step.label.get(locale)
    return humanise(step_id or "")


def action_label(case: ResolvedCase, step_id: str | None, action_id: str, locale: Locale) -> str:
    """What an action is called: the spec's label, else built-in words for known ids."""
    action = find_action(case, step_id, action_id)
    if action is not None and action.label is not None:
        return action.label.get(locale)
    _ = translator(locale).gettext
    if action_id == "submit" and step_id is None:
        return _("Dossier submitted")
    if action_id == "on_expiry":
        return _("Time limit passed")
    return humanise(action_id)


def role_label(spec: ProcedureSpec, role: str | None, locale: Locale) -> str:
    """What a role is called (the applicant and the service itself included)."""
    _ = translator(locale).gettext
    if role == "applicant":
        return _("Applicant")
    if role == "system":
        return _("Automatic")
    found = next((r for r in spec.roles if r.id == role), None)
    if found is not None and found.label is not None:
        return found.label.get(locale)
    return humanise(role or "")


def status_label(status: NationalStatus | None, locale: Locale) -> str:
    """The national status in words ("" when the step has none)."""
    return translator(locale).gettext(_STATUS[status]) if status is not None else ""


def outcome_label(outcome: Outcome | None, locale: Locale) -> str:
    """How a dossier ended, in words ("" while open)."""
    return translator(locale).gettext(_OUTCOME[outcome]) if outcome is not None else ""


def channel_label(channel: Channel, locale: Locale) -> str:
    """How a dossier was filed."""
    return translator(locale).gettext(_CHANNEL[Channel(channel)])


def live_status_label(status: LiveStatus | None, locale: Locale) -> str:
    """The text of a due-date badge (never colour alone)."""
    return translator(locale).gettext(_LIVE[status]) if status is not None else ""


def timeliness_label(timeliness: Timeliness | None, locale: Locale) -> str:
    """Early, on time or late, in words."""
    return translator(locale).gettext(_TIMELINESS[timeliness]) if timeliness else ""


_UNITS = {  # the form pages' msgids (ui.po): the same words on the start page and the papers
    "working_days": ("{amount} working day", "{amount} working days"),
    "working_hours": ("{amount} working hour", "{amount} working hours"),
    "days": ("{amount} day", "{amount} days"),
    "hours": ("{amount} hour", "{amount} hours"),
    "months": ("{amount} month", "{amount} months"),
}


def deadline_text(deadline: Deadline | None, locale: Locale) -> str:
    """A legal time limit in words (``7 ngày làm việc``), "" when it is not a duration."""
    if deadline is None or deadline.within is None:
        return ""
    amount = deadline.within.amount
    one, many = _UNITS.get(deadline.within.unit.value, ("{amount}", "{amount}"))
    text = one if amount == 1 else many
    return translator(locale).gettext(text, amount=f"{amount.normalize():f}")


def local_date(moment: dt.datetime | None, locale: Locale) -> str:
    """The local date of ``moment`` as the reader writes dates ("" for None)."""
    if moment is None:
        return ""
    return format_date(moment.astimezone(VIETNAM).date(), locale)


def local_datetime(moment: dt.datetime | None, locale: Locale) -> str:
    """The local date and time of ``moment`` to the minute ("" for None):
    ``09:00 15/04/2025`` (vi), ``15 Apr 2025, 09:00`` (en)."""
    if moment is None:
        return ""
    local = moment.astimezone(VIETNAM)
    if locale == "en":
        return str(babel_datetime(local, "d MMM y, HH:mm", locale="en"))
    return format_datetime(local, locale)
