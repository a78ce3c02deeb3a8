"""What the dossier templates see: the dossier's data, documents, papers, uploads, actions.

Pure functions of a :class:`~procgen.web.pages.dossier.DossierFile` (and of what a failed post
sent back), so the officer's page and the applicant's are built the same way and are easy to
test without a server. Links are passed in as functions: the routes decide the URLs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from procgen.files import accept_attribute, canonical, human_size
from procgen.i18n import translator
from procgen.service.records import ActionChoice
from procgen.spec.models import Document, Field, ProcedureSpec
from procgen.types import Locale
from procgen.web.apply.views import SummaryRow, format_answer
from procgen.web.pages.actions import ActionForm, action_forms
from procgen.web.pages.dossier import DossierFile
from procgen.web.pages.history import applicant_must_act, history_lines, tracking
from procgen.web.pages.labels import (
    channel_label,
    live_status_label,
    local_date,
    local_datetime,
    outcome_label,
    status_label,
    step_label,
)
from procgen.web.pages.papers import available_papers
from procgen.workflow import LiveStatus

__all__ = [
    "DocumentRow",
    "Loc",
    "PaperRow",
    "PaperUrl",
    "UploadView",
    "applicant_context",
    "data_rows",
    "document_rows",
    "officer_context",
    "paper_rows",
    "upload_views",
]

Loc = tuple[str | int, ...]
PaperUrl = Callable[[str, int | None], str]


@dataclass(frozen=True)
class DocumentRow:
    """A document of the dossier (a file received)."""

    label: str
    name: str
    size: str
    added: str
    url: str


@dataclass(frozen=True)
class PaperRow:
    """A link to one of the dossier's papers."""

    form: str
    title: str
    url: str
    when: str


@dataclass(frozen=True)
class UploadView:
    """A file input for a document the applicant may add (a supplement)."""

    id: str
    name: str
    label: str
    hint: str
    accept: str
    multiple: bool
    required: bool
    error: str | None


def data_rows(spec: ProcedureSpec, data: Mapping[str, Any], locale: Locale) -> list[SummaryRow]:
    """The dossier's answers as summary rows (groups and list items as headings)."""
    gettext = translator(locale).gettext
    rows: list[SummaryRow] = []

    def walk(fields: Sequence[Field], values: Mapping[str, Any], depth: int) -> None:
        for f in fields:
            value = values.get(f.id)
            label = f.label.get(locale)
            if f.type == "group":
                if isinstance(value, Mapping):
                    rows.append(SummaryRow(label, (), "", depth, heading=True))
                    walk(f.fields, value, depth + 1)
            elif f.type == "list":
                items = value if isinstance(value, list) else []
                for i, item in enumerate(items):
                    title = gettext("{label}: item {number}", label=label, number=i + 1)
                    rows.append(SummaryRow(title, (), "", depth, heading=True))
                    walk(f.fields, item if isinstance(item, Mapping) else {}, depth + 1)
            elif value is not None and value != "":
                rows.append(SummaryRow(label, format_answer(f, value, locale, gettext), "", depth))

    walk(spec.fields, data, 0)
    return rows


def _document_label(file: DossierFile, document_id: str, locale: Locale) -> str:
    for d in file.case.documents:
        if d.id == document_id:
            return d.label.get(locale)
    return document_id


def document_rows(
    file: DossierFile, locale: Locale, file_url: Callable[[str], str] | None
) -> list[DocumentRow]:
    """The files received, in order, with a download link when ``file_url`` is given."""
    return [
        DocumentRow(
            label=_document_label(file, a.document_id, locale),
            name=a.filename,
            size=human_size(a.size, locale),
            added=local_datetime(a.added_at, locale),
            url=file_url(str(a.id)) if file_url else "",
        )
        for a in file.attachments
    ]


def paper_rows(file: DossierFile, locale: Locale, paper_url: PaperUrl) -> list[PaperRow]:
    """Links to the dossier's papers (02, 03 and 04 once per event they record)."""
    by_seq = {e.seq: e for e in file.events}
    rows = []
    for link in available_papers(file, locale):
        event = by_seq.get(link.event_seq) if link.event_seq is not None else None
        when = local_date(event.at, locale) if event is not None else ""
        rows.append(PaperRow(link.form, link.title, paper_url(link.form, link.event_seq), when))
    return rows


def upload_views(
    documents: Sequence[Document], errors: Mapping[Loc, str], locale: Locale
) -> list[UploadView]:
    """File inputs for ``documents`` (``document-<id>``), with the service's errors."""
    gettext = translator(locale).gettext
    views = []
    for d in documents:
        kinds = ", ".join(dict.fromkeys(canonical(a).upper() for a in d.accept))
        hint = gettext(
            "Accepted: {types}; up to {size} per file.",
            types=kinds,
            size=human_size(int(d.max_size), locale),
        )
        error = next((m for loc, m in errors.items() if loc[:2] == ("documents", d.id)), None)
        views.append(
            UploadView(
                id=f"document-{d.id}",
                name=f"document-{d.id}",
                label=d.label.get(locale),
                hint=hint,
                accept=accept_attribute(d.accept),
                multiple=d.max_files > 1,
                required=False,
                error=error,
            )
        )
    return views


def _forms(
    file: DossierFile,
    choices: Sequence[ActionChoice],
    locale: Locale,
    field_type: Callable[[str], Any],
    action_url: Callable[[str], str],
    values: Mapping[str, list[str]] | None,
    errors: Mapping[Loc, str] | None,
) -> list[ActionForm]:
    forms = action_forms(
        choices, file.case, code=file.spec.code, locale=locale, field_type=field_type,
        values=values, errors=errors,
    )  # fmt: skip
    for form in forms:
        form.url = action_url(form.id)
    return forms


def officer_context(
    file: DossierFile,
    choices: Sequence[ActionChoice],
    locale: Locale,
    *,
    field_type: Callable[[str], Any],
    action_url: Callable[[str], str],
    paper_url: PaperUrl,
    file_url: Callable[[str], str],
    values: Mapping[str, list[str]] | None = None,
    errors: Mapping[Loc, str] | None = None,
) -> dict[str, Any]:
    """The officer's dossier page."""
    record, reading = file.record, file.reading
    forms = _forms(file, choices, locale, field_type, action_url, values, errors)
    live = reading.status if reading is not None and record.open and not record.paused else None
    badge = {LiveStatus.OVERDUE: "overdue", LiveStatus.DUE_SOON: "due-soon"}.get(
        live, "on-track"
    ) if live else ""  # fmt: skip
    return {
        "record": record,
        "title": record.number,
        "procedure": file.spec.name.get(locale),
        "step": step_label(file.case, record.step, locale),
        "status": status_label(record.status, locale),
        "live": live_status_label(live, locale),
        "badge": badge,
        "paused": record.paused and record.open,
        "received": local_datetime(record.received_at, locale),
        "channel": channel_label(record.channel, locale),
        "appointment": local_date(file.appointment, locale),
        "legal_due": local_date(reading.legal_due if reading else record.due_at, locale),
        "step_due": local_datetime(reading.step_due if reading else record.step_due_at, locale),
        "outcome": outcome_label(record.outcome, locale),
        "actions": [f for f in forms if f.allowed],
        "blocked": [f for f in forms if not f.allowed],
        "data": data_rows(file.spec, record.data, locale),
        "documents": document_rows(file, locale, file_url),
        "history": history_lines(file, locale, officer=True),
        "papers": paper_rows(file, locale, paper_url),
    }


def applicant_context(
    file: DossierFile,
    choices: Sequence[ActionChoice],
    locale: Locale,
    *,
    field_type: Callable[[str], Any],
    action_url: Callable[[str], str] | None,
    paper_url: PaperUrl,
    values: Mapping[str, list[str]] | None = None,
    errors: Mapping[Loc, str] | None = None,
) -> dict[str, Any]:
    """The applicant's view: tracking, what to do now, their actions (when they can act)."""
    allowed = [c for c in choices if c.option.allowed] if action_url is not None else []
    forms = (
        _forms(file, allowed, locale, field_type, action_url, values, errors)
        if action_url is not None
        else []
    )
    upload_action = None
    uploads: list[UploadView] = []
    if applicant_must_act(file):
        final = {s.id for s in file.case.steps if s.final}
        targets = {c.action.id: c.action.to for c in allowed}
        upload_action = next((a for a, to in targets.items() if to not in final), None)
        uploads = upload_views(file.case.documents, errors or {}, locale)
    return {
        "t": tracking(file, locale),
        "title": file.record.number,
        "version": file.record.version,
        "actions": forms,
        "upload_action": upload_action,
        "uploads": uploads,
        "documents": document_rows(file, locale, None),
        "papers": paper_rows(file, locale, paper_url),
    }
