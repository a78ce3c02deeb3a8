"""The rows one change writes, inside the caller's transaction.

- :func:`file_dossier`: a new dossier (its number taken from the day's sequence), its
  submission event, attachments and outbox messages;
- :func:`append_event`: an event with the attachments it added and its outbox messages
  (every event publishes a :data:`~procgen.store.outbox.EVENT_TOPIC` message);
- :func:`replay_key` and :func:`keep_key`: idempotency keys.

A change's rows go in through :func:`~procgen.store.batch.insert_rows`: on PostgreSQL several
tables per statement (a submission with one document: two statements besides its number), on
SQLite one statement per table. A new dossier's record is built from the values inserted
(:func:`new_record`) as the database gives them back, instead of being read back.

:class:`~procgen.store.repository.DossierStore` opens the transactions and decides; these
functions only write.
"""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from procgen.store.batch import insert_rows
from procgen.store.engine import insert_or_nothing
from procgen.store.errors import IdempotencyConflict
from procgen.store.numbering import format_number, next_sequence
from procgen.store.outbox import EVENT_TOPIC, message_rows
from procgen.store.records import Created, DossierRecord, NewAttachment, NewDossier, OutboxMessage
from procgen.store.rows import DOSSIER_COLUMNS, dossier_record, event_payload, event_row
from procgen.store.tables import (
    UTCDateTime,
    attachments,
    dossiers,
    events,
    idempotency_keys,
    jsonable,
    new_id,
)
from procgen.store.tables import outbox as outbox_table
from procgen.store.tracking import hash_secret, new_secret
from procgen.workflow import Actor

__all__ = [
    "SUBMIT_ACTION",
    "append_event",
    "as_jsonb",
    "file_dossier",
    "keep_key",
    "new_record",
    "replay_key",
]

#: The action recorded for a dossier's first event.
SUBMIT_ACTION = "submit"


def file_dossier(
    conn: Connection,
    new: NewDossier,
    outbox: Sequence[OutboxMessage],
    *,
    now: dt.datetime,
    timezone: ZoneInfo,
) -> Created:
    """Insert ``new`` with the next number of its agency and receipt day (in ``timezone``)."""
    day = new.received_at.astimezone(timezone).date()
    number = format_number(new.agency_id, day, next_sequence(conn, new.agency_id, day))
    dossier_id, secret = new_id(), new_secret()
    applicant = new.applicant
    values = {
        "id": dossier_id,
        "number": number,
        "agency_id": new.agency_id,
        "procedure_code": new.procedure_code,
        "procedure_version": new.procedure_version,
        "case_id": new.case_id,
        "step": new.step,
        "status": None if new.status is None else int(new.status),
        "channel": new.channel.value,
        "data": jsonable(new.data, where="data"),
        "applicant_user_id": applicant.user_id,
        "applicant_subject_id": applicant.subject_id,
        "applicant_name": applicant.name,
        "applicant_contact": jsonable(applicant.contact, where="applicant.contact"),
        "received_at": new.received_at,
        "due_at": new.due_at,
        "step_due_at": new.step_due_at,
        "appointment_at": new.appointment_at,
        "paused_seconds": 0,
        "paused_since": new.received_at if new.clock_paused else None,
        "extensions_used": 0,
        "version": 1,
        "tracking_secret_hash": hash_secret(dossier_id, secret),
        "updated_at": now,
    }
    record = new_record(values, jsonb=conn.dialect.name == "postgresql")
    role: str | None
    if new.submitted_by is None:
        actor, role = Actor(frozenset({"applicant"}), applicant.user_id), "applicant"
    else:  # e.g. a reception officer filing a paper dossier
        actor = new.submitted_by
        role = next(iter(actor.roles)) if len(actor.roles) == 1 else None
    event = event_row(record, new.received_at, action=SUBMIT_ACTION, actor=actor, role=role)
    append_event(conn, record, event, new.attachments, outbox, now=now, dossier=values)
    return Created(record, secret, created=True)


def new_record(values: Mapping[str, Any], *, jsonb: bool = False) -> DossierRecord:
    """The record of a dossier just inserted with ``values``, as a read would give it back:
    instants in UTC, JSON values as stored (``values`` holds them already through
    :func:`~procgen.store.tables.jsonable`; ``jsonb``: as PostgreSQL's ``jsonb`` gives them
    back, see :func:`as_jsonb`), the columns not inserted at their defaults."""
    row = dict(values, completed_at=None, outcome=None)
    for name in _INSTANTS:
        moment = row[name]
        if moment is not None:
            row[name] = moment.astimezone(dt.UTC)
    if jsonb:
        for name in _JSON:
            row[name] = as_jsonb(row[name])
    return dossier_record(row)


def as_jsonb(value: Any) -> Any:
    """JSON data as PostgreSQL's ``jsonb`` gives it back: the same, but for floats of 1e16 and
    more, which Python writes with an exponent (``2.5e+16``) and ``jsonb`` gives back as the
    integer they denote (``25000000000000000``)."""
    if type(value) is float:
        return int(Decimal(repr(value))) if abs(value) >= 1e16 else value
    if type(value) is dict:
        return {key: as_jsonb(item) for key, item in value.items()}
    if type(value) is list:
        return [as_jsonb(item) for item in value]
    return value


# The instants of a dossier row (UTCDateTime reads them back in UTC) and its JSON values.
_INSTANTS = tuple(c.name for c in DOSSIER_COLUMNS if isinstance(c.type, UTCDateTime))
_JSON = tuple(c.name for c in DOSSIER_COLUMNS if isinstance(c.type, sa.JSON))


def append_event(
    conn: Connection,
    record: DossierRecord,
    event: Mapping[str, Any],
    new_attachments: Sequence[NewAttachment],
    messages: Sequence[OutboxMessage],
    *,
    now: dt.datetime,
    dossier: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``event`` (for ``record``'s latest version), its attachments and messages, and
    first the ``dossier`` row itself when it is new (its values)."""
    attachment_rows = [
        {
            "id": new_id(),
            "dossier_id": record.id,
            "event_seq": record.version,
            "document_id": a.document_id,
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
            "storage_key": a.storage_key,
            "added_at": now,
        }
        for a in new_attachments
    ]
    standard = OutboxMessage(EVENT_TOPIC, event_payload(record, event))
    insert_rows(
        conn,
        [
            (dossiers, [dossier] if dossier is not None else []),
            (events, [event]),
            (attachments, attachment_rows),
            (outbox_table, message_rows([standard, *messages], now)),
        ],
    )


def replay_key(conn: Connection, key: str, body_hash: str) -> Created | None:
    """The dossier ``key`` created, with a new tracking secret; None for an unknown key.

    Raises:
        IdempotencyConflict: the key was used with another request body.
    """
    row = conn.execute(
        sa.select(idempotency_keys.c.request_hash, idempotency_keys.c.dossier_id).where(
            idempotency_keys.c.key == key
        )
    ).first()
    if row is None:
        return None
    if not hmac.compare_digest(row.request_hash, body_hash):
        raise IdempotencyConflict(
            f"idempotency key {key!r} was already used for a different request; "
            "use a new key for a new submission",
            key=key,
            dossier_id=row.dossier_id,
        )
    secret = new_secret()  # the first answer was lost, and only its hash is stored
    statement = (
        sa.update(dossiers)
        .where(dossiers.c.id == row.dossier_id)
        .values(tracking_secret_hash=hash_secret(row.dossier_id, secret))
        .returning(*DOSSIER_COLUMNS)
    )
    return Created(dossier_record(conn.execute(statement).mappings().one()), secret, created=False)


def keep_key(
    conn: Connection, key: str, body_hash: str, dossier_id: uuid.UUID, *, now: dt.datetime
) -> bool:
    """Store ``key`` for ``dossier_id``; False if another transaction stored it first."""
    values = {"key": key, "request_hash": body_hash, "dossier_id": dossier_id, "created_at": now}
    return insert_or_nothing(conn, idempotency_keys, values)
