"""Between records and table rows: what a transition changes, and rows back into records.

The repository's SQL stays short because the translation lives here: :func:`changes` says
which dossier columns a :class:`~procgen.workflow.Transition` sets, :func:`event_row` writes a
transition whole (so that :attr:`EventRecord.transition` can rebuild it for the legal clock's
replay), and :func:`dossier_record` / :func:`event_record` read rows back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import RowMapping

from procgen.spec.models import Channel, Extension, NationalStatus, Outcome
from procgen.store.records import Applicant, DossierRecord, EventRecord
from procgen.store.tables import dossiers, jsonable
from procgen.workflow import Actor, Transition

__all__ = [
    "DOSSIER_COLUMNS",
    "changes",
    "dossier_record",
    "event_payload",
    "event_record",
    "event_row",
]

#: The dossier columns a record shows (all but the tracking secret's hash).
DOSSIER_COLUMNS = [c for c in dossiers.c if c.name != "tracking_secret_hash"]


def changes(current: DossierRecord, t: Transition, at: dt.datetime) -> dict[str, Any]:
    """The dossier columns ``t`` sets when it happens at ``at``."""
    values: dict[str, Any] = {
        "step": t.to_step,
        "status": None if t.status is None else int(t.status),
    }
    if t.pauses and current.paused_since is None:
        values["paused_since"] = at
    if t.resumes and current.paused_since is not None:
        paused = max(0, int((at - current.paused_since).total_seconds()))
        values |= {"paused_seconds": current.paused_seconds + paused, "paused_since": None}
    if t.extension is not None:  # the workflow's Timeline enforces the limit per action
        values["extensions_used"] = current.extensions_used + 1
    if t.completes and current.completed_at is None:
        values["completed_at"] = at
    if t.outcome is not None:
        values["outcome"] = t.outcome.value
    return values


def event_row(
    record: DossierRecord,
    at: dt.datetime,
    *,
    action: str,
    actor: Actor,
    role: str | None,
    transition: Transition | None = None,
) -> dict[str, Any]:
    """The event row for ``record``'s latest version: a transition, or the submission."""
    t = transition
    extension = t.extension if t is not None else None
    return {
        "dossier_id": record.id,
        "seq": record.version,
        "at": at,
        "action": action,
        "from_step": t.from_step if t else None,
        "to_step": record.step,
        "user_id": actor.user_id,
        "roles": sorted(actor.roles),
        "role": role,
        "inputs": jsonable(t.inputs if t else {}, where="inputs"),
        "side_events": [e.value for e in t.events] if t else [],
        "automatic": t.automatic if t else False,
        "status": None if record.status is None else int(record.status),
        "outcome": None if record.outcome is None else record.outcome.value,
        "extension": None if extension is None else extension.model_dump(mode="json"),
    }


def event_payload(record: DossierRecord, event: Mapping[str, Any]) -> dict[str, Any]:
    """The ``dossier.event`` outbox message for an event row."""
    return {
        "dossier_id": str(record.id),
        "number": record.number,
        "procedure_code": record.procedure_code,
        "procedure_version": record.procedure_version,
        "seq": event["seq"],
        "action": event["action"],
        "from_step": event["from_step"],
        "to_step": event["to_step"],
        "status": None if record.status is None else int(record.status),
        "outcome": None if record.outcome is None else record.outcome.value,
        "at": event["at"].astimezone(dt.UTC).isoformat(),
    }


def event_record(r: RowMapping) -> EventRecord:
    """An events row as a record."""
    return EventRecord(
        seq=r["seq"], at=r["at"], action=r["action"], from_step=r["from_step"],
        to_step=r["to_step"], user_id=r["user_id"], roles=tuple(r["roles"]), role=r["role"],
        inputs=r["inputs"], side_events=tuple(r["side_events"]), automatic=r["automatic"],
        status=None if r["status"] is None else NationalStatus(r["status"]),
        outcome=None if r["outcome"] is None else Outcome(r["outcome"]),
        extension=None if r["extension"] is None else Extension.model_validate(r["extension"]),
    )  # fmt: skip


def dossier_record(m: Mapping[Any, Any]) -> DossierRecord:
    """A dossiers row (:data:`DOSSIER_COLUMNS`, by name) as a record."""
    return DossierRecord(
        id=m["id"], number=m["number"], agency_id=m["agency_id"],
        procedure_code=m["procedure_code"], procedure_version=m["procedure_version"],
        case_id=m["case_id"], step=m["step"],
        status=None if m["status"] is None else NationalStatus(m["status"]),
        channel=Channel(m["channel"]), data=m["data"],
        applicant=Applicant(
            m["applicant_name"], m["applicant_user_id"], m["applicant_subject_id"],
            m["applicant_contact"],
        ),
        received_at=m["received_at"], due_at=m["due_at"], step_due_at=m["step_due_at"],
        appointment_at=m["appointment_at"], completed_at=m["completed_at"],
        paused_seconds=m["paused_seconds"], paused_since=m["paused_since"],
        extensions_used=m["extensions_used"],
        outcome=None if m["outcome"] is None else Outcome(m["outcome"]),
        version=m["version"], updated_at=m["updated_at"],
    )  # fmt: skip
