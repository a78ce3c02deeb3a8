"""A dossier's history in plain words: for the applicant (tracking) and for officers.

The applicant sees each move as the spec names it ("Tiếp nhận", then the step the dossier went
to), the reasons given to them (a supplement request, a refusal, an apology with its new date)
and, above all, :class:`NextStep`: what they must do now, if anything. Officers see every
input, notes included, and who acted in which role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from procgen.i18n import format_date, translator
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import NationalStatus, Outcome
from procgen.store.records import EventRecord
from procgen.types import Locale
from procgen.web.pages.dossier import DossierFile
from procgen.web.pages.labels import (
    action_label,
    local_date,
    local_datetime,
    outcome_label,
    role_label,
    status_label,
    step_label,
)

__all__ = [
    "APPLICANT_INPUTS",
    "HistoryLine",
    "NextStep",
    "Tracking",
    "applicant_must_act",
    "history_lines",
    "next_step",
    "tracking",
]

#: Inputs an applicant is shown: what they are told, never officers' internal notes.
APPLICANT_INPUTS = ("reason", "new_appointment", "decision_number", "decision_date")


@dataclass(frozen=True)
class HistoryLine:
    """One event, as a reader sees it.

    Attributes:
        at: the local date and time.
        what: what happened (the action's label).
        step: the step the dossier went to.
        who: who acted ("" for the applicant's view).
        details: ``(label, value)`` pairs of the inputs shown to this reader.
        files: the names of the documents added.
    """

    at: str
    what: str
    step: str
    who: str
    details: tuple[tuple[str, str], ...]
    files: tuple[str, ...]


@dataclass(frozen=True)
class NextStep:
    """What the applicant must do now.

    Attributes:
        kind: ``supplement`` (send documents), ``wait``, ``collect`` (result ready), or
            ``ended``.
        message: the sentence to show.
        reason: the reason the officer gave, when there is one.
        respond_by: the local date by which to act ("" when there is no limit).
    """

    kind: str
    message: str
    reason: str = ""
    respond_by: str = ""


@dataclass(frozen=True)
class Tracking:
    """The tracking page's content."""

    number: str
    procedure: str
    agency: str
    step: str
    status: str
    received_at: str
    appointment: str
    outcome: str
    next: NextStep
    lines: tuple[HistoryLine, ...]


def _value(name: str, value: object, locale: Locale) -> str:
    if isinstance(value, str) and name.endswith(("date", "appointment")):
        try:
            return format_date(dt.date.fromisoformat(value[:10]), locale)
        except ValueError:
            return value
    if isinstance(value, dict):
        return str(value.get("name") or value.get("filename") or "")
    return "" if value is None else str(value)


def _input_label(file: DossierFile, event: EventRecord, name: str, locale: Locale) -> str:
    step = next((s for s in file.case.steps if s.id == event.from_step), None)
    action = next((a for a in step.actions if a.id == event.action), None) if step else None
    declared = {f.id: f for f in action.inputs} if action is not None else {}
    known = declared.get(name) or BUILTIN_INPUTS.get(name)
    return known.label.get(locale) if known is not None else name


def history_lines(file: DossierFile, locale: Locale, *, officer: bool) -> tuple[HistoryLine, ...]:
    """The events, oldest first; ``officer`` shows every input and who acted."""
    _ = translator(locale).gettext
    lines = []
    for event in file.events:
        if event.from_step is None:
            what = _("Dossier submitted")
        else:
            what = action_label(file.case, event.from_step, event.action, locale)
        shown = event.inputs if officer else {
            k: v for k, v in event.inputs.items() if k in APPLICANT_INPUTS
        }  # fmt: skip
        details = tuple(
            (_input_label(file, event, k, locale), _value(k, v, locale))
            for k, v in shown.items()
            if v not in (None, "")
        )
        who = ""
        if officer:
            role = role_label(file.spec, event.role or "applicant", locale)
            who = f"{file.name_of(event.user_id)} ({role})" if event.user_id else role
        lines.append(
            HistoryLine(
                at=local_datetime(event.at, locale),
                what=what,
                step=step_label(file.case, event.to_step, locale),
                who=who,
                details=details,
                files=tuple(a.filename for a in file.files_of(event.seq)),
            )
        )
    return tuple(lines)


def applicant_must_act(file: DossierFile) -> bool:
    """True when the dossier waits for the applicant (e.g. a supplement)."""
    step = file.step
    return file.record.open and step is not None and step.role == "applicant"


def next_step(file: DossierFile, locale: Locale) -> NextStep:
    """What the applicant must do now (see :class:`NextStep`)."""
    _ = translator(locale).gettext
    record, agency = file.record, file.spec.agency.name.get(locale)
    last = file.events[-1] if file.events else None
    reason = str(last.inputs.get("reason") or "") if last is not None else ""
    if record.outcome is not None:
        messages = {
            Outcome.APPROVED: _("Your dossier has been resolved and the result handed over."),
            Outcome.REFUSED: _("Your dossier was refused. The reason is given below."),
            Outcome.NOT_ACCEPTED: _("Your dossier was not accepted. The reason is given below."),
            Outcome.WITHDRAWN: _("Your dossier was withdrawn."),
            Outcome.STOPPED: _("Processing of your dossier was stopped."),
        }
        return NextStep("ended", messages[record.outcome], reason)
    if applicant_must_act(file):
        due = file.reading.step_due if file.reading is not None else None
        message = _("{agency} needs more documents from you.", agency=agency)
        return NextStep("supplement", message, reason, local_date(due, locale))
    step = file.step
    if step is not None and (step.completes or step.status is NationalStatus.RELEASING):
        return NextStep(
            "collect", _("Your result is ready: {agency} will hand it over.", agency=agency)
        )
    appointment = local_date(file.appointment, locale)
    if appointment:
        message = _(
            "Nothing for now: {agency} is handling your dossier. Result expected on {date}.",
            agency=agency,
            date=appointment,
        )
    else:
        message = _("Nothing for now: {agency} is handling your dossier.", agency=agency)
    return NextStep("wait", message)


def tracking(file: DossierFile, locale: Locale) -> Tracking:
    """The tracking page of a dossier, in the applicant's words."""
    record = file.record
    return Tracking(
        number=record.number,
        procedure=file.spec.name.get(locale),
        agency=file.spec.agency.name.get(locale),
        step=step_label(file.case, record.step, locale),
        status=status_label(record.status, locale),
        received_at=local_datetime(record.received_at, locale),
        appointment=local_date(file.appointment, locale),
        outcome=outcome_label(record.outcome, locale),
        next=next_step(file, locale),
        lines=history_lines(file, locale, officer=False),
    )
