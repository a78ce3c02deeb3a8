"""The standard intake papers (Circular 01/2018/TT-VPCP, forms 01 to 05) as view models.

Each paper is filled from a :class:`~procgen.web.pages.dossier.DossierFile`, never typed by
hand, so it says exactly what the history says:

=====  ==========================================  ==========================================
form   paper                                       filled from
=====  ==========================================  ==========================================
01     receipt and appointment slip                the submission, its documents, the first
                                                   appointment
02     supplement request                          the latest (or chosen) move to a step where
                                                   the applicant must act, and its reason
03     refusal                                     the move to a final ``refused`` or
                                                   ``not_accepted`` step, and its reason
04     apology with a new appointment date         the latest (or chosen) ``reschedules``
                                                   action: old and new dates, reason
05     process-control slip                        every stay in a step: handed over, due,
                                                   finished, early / on time / late
=====  ==========================================  ==========================================

:func:`available_papers` says which of them a dossier has; :func:`build_paper` fills one, in
the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date as babel_date

from procgen.i18n import format_date, translator
from procgen.spec.models import NationalStatus, Outcome
from procgen.store.records import EventRecord
from procgen.types import Locale
from procgen.web.pages.dossier import DossierFile, step_timeliness
from procgen.web.pages.labels import (
    VIETNAM,
    action_label,
    channel_label,
    deadline_text,
    find_step,
    local_date,
    local_datetime,
    role_label,
    step_label,
    timeliness_label,
)
from procgen.workflow import TransitionEvent

__all__ = [
    "PAPERS",
    "ControlRow",
    "DocumentLine",
    "Paper",
    "PaperLink",
    "available_papers",
    "build_paper",
    "long_date",
    "paper_events",
]

#: The forms, by number: (slug, msgid of the title).
PAPERS: Mapping[str, str] = {
    "01": "Receipt and appointment slip",
    "02": "Request to supplement the dossier",
    "03": "Refusal to accept or resolve the dossier",
    "04": "Apology and new appointment date",
    "05": "Process-control slip",
}
_REFUSALS = (Outcome.REFUSED, Outcome.NOT_ACCEPTED)


@dataclass(frozen=True)
class PaperLink:
    """A paper a dossier has, with the event it is about (``None`` for 01 and 05)."""

    form: str
    title: str
    event_seq: int | None = None


@dataclass(frozen=True)
class DocumentLine:
    """A row of the documents table: a dossier component and what was received."""

    label: str
    originals: int
    copies: int
    files: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class ControlRow:
    """A row of the process-control slip (form 05): one stay in one step."""

    number: int
    step: str
    handler: str
    handed_over_by: str
    received_at: str
    due_at: str
    finished_at: str
    result: str
    late: bool
    note: str


@dataclass(frozen=True)
class Paper:
    """A filled paper: the header every form shares and the form's own lines.

    Attributes:
        form: ``01`` to ``05``.
        title: the paper's title, in the reader's language.
        number: the dossier number.
        agency: the agency that received (or handles) the dossier.
        procedure: the procedure's name (the request being resolved).
        applicant: name, identifier and contact lines.
        issued_on: the date of the paper (the date of the event it records).
        dated: the same date as a paper's date line writes it (``ngày 24 tháng 06 năm 2025``).
        officer: who acted (user and role), "" when no officer did.
        details: the form's own values (see each builder).
    """

    form: str
    title: str
    number: str
    agency: str
    procedure: str
    applicant: Mapping[str, str]
    issued_on: str
    dated: str
    officer: str
    details: Mapping[str, Any] = field(default_factory=dict)


def _supplement_request(file: DossierFile, event: EventRecord) -> bool:
    step = find_step(file.case, event.to_step)
    if event.from_step is None or step is None or step.final or event.to_step == event.from_step:
        return False
    return step.role == "applicant" or step.status is NationalStatus.WAITING


def paper_events(file: DossierFile, form: str) -> list[EventRecord]:
    """The events form ``form`` can be issued for, oldest first (02, 03 and 04 only)."""
    if form == "02":
        return [e for e in file.events if _supplement_request(file, e)]
    if form == "03":
        return [e for e in file.events if e.outcome in _REFUSALS]
    if form == "04":
        return [e for e in file.events if TransitionEvent.RESCHEDULED in e.side_events]
    return []


def available_papers(file: DossierFile, locale: Locale) -> list[PaperLink]:
    """The papers this dossier has, in form order: 01 and 05 always, the others per event."""
    _ = translator(locale).gettext
    links = [PaperLink("01", _(PAPERS["01"]))]
    for form in ("02", "03", "04"):
        links += [PaperLink(form, _(PAPERS[form]), e.seq) for e in paper_events(file, form)]
    links.append(PaperLink("05", _(PAPERS["05"])))
    return links


def _who(file: DossierFile, event: EventRecord | None, locale: Locale) -> str:
    if event is None or event.role in (None, "applicant", "system"):
        return ""
    role = role_label(file.spec, event.role, locale)
    return f"{file.name_of(event.user_id)} ({role})" if event.user_id else role


def _applicant(file: DossierFile) -> dict[str, str]:
    applicant = file.record.applicant
    lines = {"name": applicant.name, "subject_id": applicant.subject_id or ""}
    for key in ("phone", "email", "address"):
        lines[key] = str(applicant.contact.get(key, ""))
    return lines


def long_date(moment: dt.datetime, locale: Locale) -> str:
    """A paper's date line: ``ngày 24 tháng 06 năm 2025`` (vi), ``24 June 2025`` (en)."""
    day = moment.astimezone(VIETNAM).date()
    if locale == "en":
        return str(babel_date(day, format="d MMMM y", locale="en"))
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _head(
    file: DossierFile, form: str, event: EventRecord | None, locale: Locale
) -> dict[str, Any]:
    _ = translator(locale).gettext
    spec = file.spec
    moment = event.at if event is not None else file.record.received_at
    return {
        "form": form,
        "title": _(PAPERS[form]),
        "number": file.record.number,
        "agency": spec.agency.name.get(locale),
        "procedure": spec.name.get(locale),
        "applicant": _applicant(file),
        "issued_on": local_date(moment, locale),
        "dated": long_date(moment, locale),
        "officer": _who(file, event, locale),
    }


def _documents(file: DossierFile, event_seq: int, locale: Locale) -> list[DocumentLine]:
    received: dict[str, list[str]] = {}
    for attachment in file.files_of(event_seq):
        received.setdefault(attachment.document_id, []).append(attachment.filename)
    lines = [
        DocumentLine(
            d.label.get(locale), d.originals, d.copies, tuple(received.pop(d.id, ())), d.required
        )
        for d in file.case.documents
        if d.id in received or d.required
    ]
    lines += [  # documents the spec no longer lists (or result files) keep their id
        DocumentLine(doc_id, 0, 0, tuple(names), False) for doc_id, names in received.items()
    ]
    return lines


def _receipt(file: DossierFile, locale: Locale) -> Paper:
    submission = file.events[0]
    intake = submission if submission.role not in (None, "applicant") else None
    if intake is None:  # filed online: the officer who first handled it
        intake = next((e for e in file.events[1:] if e.role not in ("applicant", "system")), None)
    head = _head(file, "01", submission, locale)
    head["officer"] = _who(file, intake, locale)
    deadline = file.clock.deadline(file.record.channel)
    details = {
        "documents": _documents(file, submission.seq, locale),
        "received_at": local_datetime(file.record.received_at, locale),
        "appointment": local_date(file.first_appointment, locale),
        "appointment_time": local_datetime(file.first_appointment, locale),
        "deadline": deadline_text(deadline, locale),
        "channel": channel_label(file.record.channel, locale),
        "fee": file.case.fee,
    }
    return Paper(**head, details=details)


def _chosen(file: DossierFile, form: str, seq: int | None) -> EventRecord | None:
    events = paper_events(file, form)
    if seq is None:
        return events[-1] if events else None
    return next((e for e in events if e.seq == seq), None)


def _reason(event: EventRecord) -> str:
    return str(event.inputs.get("reason") or event.inputs.get("note") or "")


def _supplement(file: DossierFile, event: EventRecord, locale: Locale) -> Paper:
    waiting = next((v for v in file.visits() if v.entered.seq == event.seq), None)
    details = {
        "reason": _reason(event),
        "documents": _documents(file, 1, locale),
        "step": step_label(file.case, event.from_step, locale),
        "respond_by": local_date(waiting.due_at, locale) if waiting else "",
        "answered_on": local_date(waiting.left_at, locale) if waiting else "",
    }
    return Paper(**_head(file, "02", event, locale), details=details)


def _refusal(file: DossierFile, event: EventRecord, locale: Locale) -> Paper:
    details = {
        "reason": _reason(event),
        "at_intake": event.outcome is Outcome.NOT_ACCEPTED,
        "step": step_label(file.case, event.from_step, locale),
        "action": action_label(file.case, event.from_step, event.action, locale),
    }
    return Paper(**_head(file, "03", event, locale), details=details)


def _apology(file: DossierFile, event: EventRecord, locale: Locale) -> Paper:
    new = event.inputs.get("new_appointment")
    details = {
        "reason": _reason(event),
        "received_on": local_date(file.record.received_at, locale),
        "old_appointment": local_date(file.appointment_before(event), locale),
        "new_appointment": _iso_date(new, locale),
    }
    return Paper(**_head(file, "04", event, locale), details=details)


def _iso_date(value: Any, locale: Locale) -> str:
    if isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value[:10]), locale)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return format_date(value, locale)
    return ""


def _control(file: DossierFile, locale: Locale) -> Paper:
    _ = translator(locale).gettext
    rows: list[ControlRow] = []
    for visit in file.visits():
        step = visit.step
        if step is not None and step.final:
            continue
        timeliness = None
        if visit.left_at is not None and visit.due_at is not None:
            timeliness = step_timeliness(file.deadlines, visit.left_at, visit.due_at)
        if timeliness is not None:
            result = timeliness_label(timeliness, locale)
        elif visit.left_at is None:
            result = _("In progress")
        else:
            result = _("No time limit")
        paused = step is not None and file.clock.stands_still(step)
        rows.append(
            ControlRow(
                number=len(rows) + 1,
                step=step_label(file.case, visit.step_id, locale),
                handler=role_label(file.spec, step.role if step else None, locale),
                handed_over_by=_who(file, visit.entered, locale)
                or role_label(file.spec, visit.entered.role or "applicant", locale),
                received_at=local_datetime(visit.entered_at, locale),
                due_at=local_datetime(visit.due_at, locale),
                finished_at=local_datetime(visit.left_at, locale),
                result=result,
                late=timeliness is not None and timeliness.value == "late",
                note=_("Legal clock paused") if paused else "",
            )
        )
    reading = file.reading
    overall = timeliness_label(reading.timeliness, locale) if reading else ""
    details = {
        "rows": rows,
        "received_at": local_datetime(file.record.received_at, locale),
        "appointment": local_date(file.appointment, locale),
        "completed_at": local_datetime(reading.completed_at if reading else None, locale),
        "overall": overall,
        "coordinating": [a.name.get(locale) for a in file.spec.coordinating_agencies],
    }
    return Paper(**_head(file, "05", None, locale), details=details)


def build_paper(
    file: DossierFile, form: str, locale: Locale, *, seq: int | None = None
) -> Paper | None:
    """Form ``form`` filled for the dossier, or None when it does not have that paper.

    Args:
        file: the dossier.
        form: ``01`` to ``05``.
        locale: the reader's language.
        seq: for 02, 03 and 04, the event to issue it for (default: the latest).
    """
    if form == "01":
        return _receipt(file, locale)
    if form == "05":
        return _control(file, locale)
    builders = {"02": _supplement, "03": _refusal, "04": _apology}
    if form not in builders:
        return None
    event = _chosen(file, form, seq)
    return builders[form](file, event, locale) if event is not None else None
