"""The JSON the REST API sends: procedures, dossiers, events, actions, worklists.

One function per resource, each a pure function of the service's records (and the request,
for links, which are paths so they stay right behind any proxy and under any mount prefix).
Bilingual texts are ``{"vi": ..., "en": ...}`` objects; times are ISO 8601 in UTC; national
status codes come with their DVCQG key (``{"code": 4, "key": "processing"}``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import string
import weakref
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.routing import NoMatchFound

from procgen.service import ActionChoice, DossierView, Filed, Worklist, WorklistEntry
from procgen.spec.models import Document, Field, NationalStatus, ProcedureSpec, ResolvedCase, Step
from procgen.spec.text import Text
from procgen.store import AttachmentRecord, DossierRecord, EventRecord
from procgen.store.tables import jsonable
from procgen.workflow import LiveStatus

__all__ = [
    "action_json",
    "dossier_json",
    "event_json",
    "filed_json",
    "procedure_json",
    "procedure_summary",
    "status_json",
    "worklist_json",
]


def _text(text: Text | None) -> dict[str, str] | None:
    if text is None:
        return None
    return {"vi": text.vi, "en": text.en or text.vi}


def _time(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


_SAFE = frozenset(string.ascii_letters + string.digits + "-._~")
_MARK = "PROCGENPARAM{}X"
_MISSING = ("",)  # no route of that name (cached like a pattern, so a miss is cheap too)
_Patterns = dict[tuple[str, str, tuple[str, ...], int], tuple[str, ...] | None]
# The paths of named routes with their parameters left out, by router (URLs of one app and
# mount point never change, so url_for's walk through the routes is done once per link kind).
# Keyed by the router's id, with a weak reference to it: a Starlette Router defines __eq__
# without __hash__, so it cannot be a dictionary key itself.
_patterns: dict[int, tuple[weakref.ref[Any], _Patterns]] = {}


def _cache_for(provider: Any) -> _Patterns | None:
    """The pattern cache of a router (None when it cannot be weakly referenced)."""
    key = id(provider)
    entry = _patterns.get(key)
    if entry is not None and entry[0]() is provider:
        return entry[1]
    try:
        ref = weakref.ref(provider, lambda _: _patterns.pop(key, None))
    except TypeError:
        return None
    cache: _Patterns = {}
    _patterns[key] = (ref, cache)
    return cache


def _pattern(request: Request, name: str, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """The path of route ``name`` split around its parameters (None: not cacheable)."""
    scope = request.scope
    provider = scope.get("router") or scope.get("app")
    root = str(scope.get("app_root_path", scope.get("root_path", "")))
    routes = getattr(provider, "routes", None)
    key = (root, name, names, len(routes) if isinstance(routes, list) else -1)
    cache = _cache_for(provider)
    if cache is None:
        return None
    if key in cache:
        return cache[key]
    marks = [_MARK.format(i) for i in range(len(names))]
    try:
        path = str(request.url_for(name, **dict(zip(names, marks, strict=True))).path)
    except NoMatchFound:
        cache[key] = _MISSING
        return _MISSING
    except Exception:  # a convertor that will not take the marks: no pattern
        cache[key] = None
        return None
    parts: list[str] = []
    for mark in marks:
        before, found, path = path.partition(mark)
        if not found or mark in path:
            cache[key] = None
            return None
        parts.append(before)
    parts.append(path)
    cache[key] = pattern = tuple(parts)
    return pattern


def _path(request: Request, name: str, **params: Any) -> str:
    """``request.url_for(name, **params).path``, from a cached pattern when it can be."""
    values = params.values()
    if all(type(v) is str and v and _SAFE.issuperset(v) for v in values):
        pattern = _pattern(request, name, tuple(params))
        if pattern is _MISSING:
            raise NoMatchFound(name, params)
        if pattern is not None:
            out = [pattern[0]]
            for value, part in zip(values, pattern[1:], strict=True):
                out += (value, part)
            return "".join(out)
    return str(request.url_for(name, **params).path)


def status_json(status: NationalStatus | None) -> dict[str, Any] | None:
    """A national status code with its DVCQG key."""
    if status is None:
        return None
    return {"code": int(status), "key": NationalStatus(status).name.lower()}


# ---------------------------------------------------------------------- procedures


def procedure_summary(
    spec: ProcedureSpec, versions: Iterable[int], request: Request
) -> dict[str, Any]:
    """A procedure in the catalogue: what it is, who handles it, how long, how much."""
    case = spec.effective_cases()[0]
    return {
        "code": spec.code,
        "catalogue_code": spec.catalogue_code,
        "version": spec.version,
        "versions": list(versions),
        "name": _text(spec.name),
        "summary": _text(spec.summary),
        "sector": {"id": spec.sector.id, "name": _text(spec.sector.name)},
        "level": spec.level.value,
        "online": spec.online.value,
        "agency": {"id": spec.agency.id, "name": _text(spec.agency.name)},
        "fee": case.fee,
        "deadline": str(case.deadline) if case.deadline else None,
        "links": {
            "self": _path(request, "procgen.api.procedure", code=spec.code),
            "schema": _path(request, "procgen.api.schema", code=spec.code),
            "dossiers": _path(request, "procgen.api.submit", code=spec.code),
        },
    }


def _document(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "label": _text(d.label),
        "required": d.required,
        "when": d.when,
        "originals": d.originals,
        "copies": d.copies,
        "accept": list(d.accept),
        "max_size": int(d.max_size),
        "max_files": d.max_files,
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "label": _text(step.label),
        "role": step.role,
        "status": status_json(step.status),
        "final": step.final,
        "outcome": step.outcome.value if step.outcome else None,
        "completes": step.completes,
        "clock": step.clock.value,
        "deadline": str(step.deadline) if step.deadline else None,
        "actions": [
            {"id": a.id, "label": _text(a.label), "to": a.to, "role": a.role or step.role}
            for a in step.actions
        ],
    }


def _case(case: ResolvedCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "name": _text(case.name),
        "when": case.when,
        "deadline": str(case.deadline) if case.deadline else None,
        "fee": case.fee,
        "channels": {
            channel.value: {
                "fee": terms.fee,
                "processing_time": str(terms.processing_time) if terms.processing_time else None,
            }
            for channel, terms in case.channels.items()
        },
        "documents": [_document(d) for d in case.documents],
        "steps": [_step(s) for s in case.steps],
    }


def procedure_json(
    spec: ProcedureSpec, versions: Iterable[int], request: Request
) -> dict[str, Any]:
    """A procedure version in full: the summary, its roles, cases, documents and steps."""
    return procedure_summary(spec, versions, request) | {
        "subjects": [s.value for s in spec.subjects],
        "conditions": [_text(c) for c in spec.conditions],
        "legal_basis": [
            {"number": doc.number, "title": _text(doc.title), "date": doc.date.isoformat()}
            for doc in spec.legal_basis
        ],
        "roles": sorted(spec.role_ids()),
        "cases": [_case(c) for c in spec.effective_cases()],
    }


# ---------------------------------------------------------------------- dossiers


def _attachment(a: AttachmentRecord) -> dict[str, Any]:
    return {
        "id": str(a.id),
        "document_id": a.document_id,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "added_at": _time(a.added_at),
        "event_seq": a.event_seq,
    }


def _dates(record: DossierRecord) -> dict[str, Any]:
    return {
        "received_at": _time(record.received_at),
        "due_at": _time(record.due_at),
        "appointment_at": _time(record.appointment_at),
        "step_due_at": _time(record.step_due_at),
        "completed_at": _time(record.completed_at),
    }


def dossier_json(view: DossierView, request: Request) -> dict[str, Any]:
    """A dossier as its applicant or an officer sees it."""
    record, step = view.record, view.step
    applicant = record.applicant
    key = str(record.id)
    return {
        "id": key,
        "number": record.number,
        "procedure": {
            "code": record.procedure_code,
            "version": record.procedure_version,
            "name": _text(view.spec.name),
        },
        "case": {"id": view.case.id, "name": _text(view.case.name)},
        "step": {"id": step.id, "label": _text(step.label), "role": step.role},
        "status": status_json(record.status),
        "channel": record.channel.value,
        "applicant": {
            "name": applicant.name,
            "user_id": applicant.user_id,
            "subject_id": applicant.subject_id,
            "contact": dict(applicant.contact),
        },
        "data": jsonable(record.data),
        **_dates(record),
        "paused": record.paused,
        "paused_seconds": record.paused_seconds,
        "extensions_used": record.extensions_used,
        "outcome": record.outcome.value if record.outcome else None,
        "live_status": view.live.value if view.live else None,
        "overdue": view.live is LiveStatus.OVERDUE,
        "due_soon": view.live is LiveStatus.DUE_SOON,
        "version": record.version,
        "updated_at": _time(record.updated_at),
        "attachments": [_attachment(a) for a in view.attachments],
        "links": {
            "self": _path(request, "procgen.api.dossier", dossier_id=key),
            "events": _path(request, "procgen.api.events", dossier_id=key),
            "actions": _path(request, "procgen.api.actions", dossier_id=key),
        },
    }


def filed_json(filed: Filed, request: Request) -> dict[str, Any]:
    """The answer to a submission: the dossier's number, step, dates and tracking secret."""
    record = filed.dossier
    key = str(record.id)
    links = {"self": _path(request, "procgen.api.dossier", dossier_id=key)}
    # the printable receipt (form 01), when the citizen pages are mounted (else NoMatchFound)
    with contextlib.suppress(Exception):
        receipt = _path(request, "procgen.pages.tracked_paper", number=record.number, form="01")
        links["receipt"] = f"{receipt}?{urlencode({'secret': filed.tracking_secret})}"
    return {
        "id": key,
        "number": record.number,
        "procedure": {"code": record.procedure_code, "version": record.procedure_version},
        "case": record.case_id,
        "step": record.step,
        "status": status_json(record.status),
        "channel": record.channel.value,
        **_dates(record),
        "version": record.version,
        "tracking_secret": filed.tracking_secret,
        "links": links,
    }


def event_json(event: EventRecord) -> dict[str, Any]:
    """One entry of a dossier's history."""
    return {
        "seq": event.seq,
        "at": _time(event.at),
        "action": event.action,
        "from_step": event.from_step,
        "to_step": event.to_step,
        "user_id": event.user_id,
        "role": event.role,
        "inputs": jsonable(event.inputs),
        "side_events": list(event.side_events),
        "automatic": event.automatic,
        "status": status_json(event.status),
        "outcome": event.outcome.value if event.outcome else None,
    }


def _input(f: Field) -> dict[str, Any]:
    return {
        "id": f.id,
        "type": f.type,
        "label": _text(f.label),
        "required": f.required,
        "options": [{"value": o.value, "label": _text(o.label)} for o in f.options],
    }


def action_json(choice: ActionChoice) -> dict[str, Any]:
    """An action of the dossier's step, allowed or with the reason it is not."""
    option, action = choice.option, choice.action
    denial = option.denial
    return {
        "id": option.action,
        "label": _text(action.label),
        "to": option.target,
        "role": option.role,
        "allowed": option.allowed,
        "denial": {"code": denial.code.value, "msg": denial.message} if denial else None,
        "inputs": [_input(f) for f in option.inputs],
        "guard_pending": option.guard_pending,
        "extends": str(action.extends.by) if action.extends else None,
        "reschedules": action.reschedules,
    }


def _entry(entry: WorklistEntry, request: Request) -> dict[str, Any]:
    record = entry.record
    key = str(record.id)
    return {
        "id": key,
        "number": record.number,
        "procedure": {
            "code": record.procedure_code,
            "version": record.procedure_version,
            "name": _text(entry.spec.name),
        },
        "step": {"id": entry.step.id, "label": _text(entry.step.label), "role": entry.step.role},
        "status": status_json(record.status),
        "applicant": record.applicant.name,
        **_dates(record),
        "paused": record.paused,
        "outcome": record.outcome.value if record.outcome else None,
        "live_status": entry.live.value if entry.live else None,
        "overdue": entry.overdue,
        "due_soon": entry.due_soon,
        "version": record.version,
        "links": {"self": _path(request, "procgen.api.dossier", dossier_id=key)},
    }


def worklist_json(page: Worklist, request: Request) -> dict[str, Any]:
    """A page of a worklist with its paging."""
    return {
        "items": [_entry(e, request) for e in page.entries],
        "total": page.total,
        "page": page.page,
        "size": page.size,
        "pages": page.pages,
    }
