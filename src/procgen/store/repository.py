"""The dossier repository: every change to a dossier is one transaction.

:class:`DossierStore` files dossiers (number, submission event, attachments, idempotency key
and outbox message commit together) and applies workflow transitions with optimistic locking::

    UPDATE dossiers SET step = ?, ..., version = version + 1 WHERE id = ? AND version = ?

Zero rows updated means someone else acted first: :class:`VersionConflict` with the current
version, and nothing written. ``version`` counts events, so each event's ``seq`` is the version
it produced. Dossiers keep the procedure version they were filed under; the store never reads
specs: the caller's :class:`~procgen.workflow.StateMachine` and
:class:`~procgen.workflow.CaseDeadlines` decide, the store records (and gives the history back
for :meth:`CaseDeadlines.replay <procgen.workflow.CaseDeadlines.replay>`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from procgen.errors import ConfigurationError
from procgen.store.drafts import Drafts
from procgen.store.engine import read_transaction, write_transaction, writer
from procgen.store.errors import (
    RecordNotFound,
    StoreBusy,
    StoreError,
    VersionConflict,
)
from procgen.store.numbering import check_agency_id
from procgen.store.outbox import Outbox
from procgen.store.records import (
    AttachmentRecord,
    Created,
    DossierRecord,
    EventRecord,
    NewAttachment,
    NewDossier,
    OutboxMessage,
    WorklistFilter,
    WorklistPage,
    aware,
)
from procgen.store.rows import (
    DOSSIER_COLUMNS,
    changes,
    dossier_record,
    event_record,
    event_row,
)
from procgen.store.tables import attachments, dossiers, events, idempotency_keys, jsonable
from procgen.store.tracking import hash_secret, matches
from procgen.store.worklist import query_worklist
from procgen.store.writing import SUBMIT_ACTION, append_event, file_dossier, keep_key, replay_key
from procgen.workflow import Clock, HistoryEntry, SystemClock, Transition

__all__ = ["KEEP", "SUBMIT_ACTION", "DossierStore"]


class _KeyTaken(Exception):
    """A concurrent transaction stored the same idempotency key first (PostgreSQL)."""


class _Keep(Enum):
    KEEP = "keep"


#: Leave this column as it is (the default of :meth:`DossierStore.apply_transition`'s options).
KEEP: Final = _Keep.KEEP


class DossierStore:
    """Dossiers, their events and attachments; ``drafts`` and ``outbox`` alongside.

    Args:
        engine: from :func:`~procgen.store.engine.create_engine_for`; the schema must be
            current (:func:`~procgen.store.migrations.check_schema`).
        clock: the time of bookkeeping columns (``updated_at``, ``added_at``, ...); the legal
            times (``received_at``, ``at``) are always given by the caller.
        timezone: the zone of the date in dossier numbers.

    Every method is synchronous and opens its own short transaction; call it from a thread
    pool in an async application. It is safe to share one store between threads.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        timezone: str | ZoneInfo = "Asia/Ho_Chi_Minh",
    ) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.timezone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self._writer = writer(engine)
        self.drafts = Drafts(engine, self.clock)
        self.outbox = Outbox(engine, self.clock)

    def __repr__(self) -> str:
        return f"<DossierStore {self.engine.url.render_as_string(hide_password=True)}>"

    # ------------------------------------------------------------------------------ filing

    def create_dossier(
        self,
        new: NewDossier,
        *,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
        outbox: Sequence[OutboxMessage] = (),
    ) -> Created:
        """File a dossier: number, row, submission event, attachments and outbox, atomically.

        Args:
            new: the dossier.
            idempotency_key: a client's key (namespace it per client, e.g. ``user:key``). The
                same key with the same request returns the dossier it created
                (``created=False``); with another request it raises.
            request_hash: the request's hash; default :meth:`NewDossier.fingerprint`.
            outbox: messages to other systems besides the ``dossier.event`` one.

        Raises:
            IdempotencyConflict: the key was used with a different request.
            StoreBusy: the database stayed locked (nothing was written; retry).
        """
        check_agency_id(new.agency_id)
        if idempotency_key is not None and not 0 < len(idempotency_key) <= 255:
            raise ConfigurationError("an idempotency key has 1 to 255 characters")
        if request_hash is not None and not 0 < len(request_hash) <= 64:
            raise ConfigurationError("a request hash has 1 to 64 characters (e.g. SHA-256 hex)")
        body_hash = ""  # only an idempotency key needs the request's hash
        if idempotency_key is not None:
            body_hash = request_hash or new.fingerprint()
        for _ in range(3):
            try:
                with write_transaction(self._writer) as conn:
                    if idempotency_key is not None:
                        replay = replay_key(conn, idempotency_key, body_hash)
                        if replay is not None:
                            return replay
                    created = file_dossier(
                        conn, new, outbox, now=self.clock.now(), timezone=self.timezone
                    )
                    if idempotency_key is None or keep_key(
                        conn, idempotency_key, body_hash, created.dossier.id, now=self.clock.now()
                    ):
                        return created
                    raise _KeyTaken  # rolls back; the next attempt replays the winner
            except _KeyTaken:
                continue
        raise StoreBusy(f"idempotency key {idempotency_key!r} is contended; try again")

    # ------------------------------------------------------------------------------ acting

    def apply_transition(
        self,
        dossier_id: uuid.UUID,
        expected_version: int,
        transition: Transition,
        at: dt.datetime,
        *,
        due_at: dt.datetime | _Keep | None = KEEP,
        step_due_at: dt.datetime | _Keep | None = KEEP,
        appointment_at: dt.datetime | _Keep | None = KEEP,
        completed_at: dt.datetime | _Keep | None = KEEP,
        data: Mapping[str, Any] | _Keep = KEEP,
        attachments: Sequence[NewAttachment] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> DossierRecord:
        """Record a transition: step, clock, deadlines, event, attachments and outbox at once.

        From the transition the store sets the step, national status and outcome, starts or
        ends a pause (``paused_since``, ``paused_seconds``), counts an extension and sets
        ``completed_at`` when the transition completes. The legal clock itself is the
        workflow's (:class:`~procgen.workflow.Timeline`, replayed from :meth:`history`):
        pass what it computes as ``due_at``, ``appointment_at``, ``step_due_at`` and, when a
        dossier is sent back from a completing step, ``completed_at``.

        Args:
            dossier_id: the dossier.
            expected_version: the version the caller read and decided on.
            transition: what :meth:`StateMachine.apply` (or ``expire``) returned.
            at: when it happened (the legal clock's time).
            due_at, step_due_at, appointment_at, completed_at: new values (``None`` clears
                one; by default the column is kept or derived from the transition).
            data: replaces the dossier's data (e.g. after a supplement).
            attachments: documents added by this action.
            outbox: messages besides the ``dossier.event`` one.

        Raises:
            RecordNotFound: no such dossier.
            VersionConflict: the dossier is not at ``expected_version`` any more, or the
                database stayed locked by other writers; nothing was written.
            StoreError: the transition starts from another step than the dossier's.
        """
        aware(at, "at")
        given = {
            "due_at": due_at,
            "step_due_at": step_due_at,
            "appointment_at": appointment_at,
            "completed_at": completed_at,
        }
        overrides = {k: v for k, v in given.items() if not isinstance(v, _Keep)}
        for name, value in overrides.items():
            aware(value, name)
        try:
            with write_transaction(self._writer) as conn:
                current = self._one(conn, dossiers.c.id == dossier_id, f"dossier {dossier_id}")
                if current.version != expected_version:
                    raise _conflict(current.number, expected_version, current.version)
                if current.step != transition.from_step:
                    raise StoreError(
                        f"dossier {current.number} is in step {current.step!r}, but the "
                        f"transition starts from {transition.from_step!r}"
                    )
                values = changes(current, transition, at) | overrides
                if not isinstance(data, _Keep):
                    values["data"] = jsonable(data, where="data")
                now = self.clock.now()
                row = (
                    conn.execute(
                        sa.update(dossiers)
                        .where(dossiers.c.id == dossier_id, dossiers.c.version == expected_version)
                        .values({**values, "version": dossiers.c.version + 1, "updated_at": now})
                        .returning(*DOSSIER_COLUMNS)
                    )
                    .mappings()
                    .first()
                )
                if row is None:  # PostgreSQL: a concurrent transaction committed first
                    now_at = self._one(conn, dossiers.c.id == dossier_id, "dossier").version
                    raise _conflict(current.number, expected_version, now_at)
                record = dossier_record(row)
                event = event_row(
                    record, at, action=transition.action, actor=transition.actor,
                    role=transition.role, transition=transition,
                )  # fmt: skip
                append_event(conn, record, event, attachments, outbox, now=now)
                return record
        except StoreBusy as exc:
            version = self.get(dossier_id).version
            raise VersionConflict(
                f"dossier {dossier_id} is being changed by others (database busy); "
                f"reload it (version {version}) and try again",
                current_version=version,
            ) from exc

    # ------------------------------------------------------------------------------ reading

    def get(self, dossier_id: uuid.UUID) -> DossierRecord:
        """The dossier with ``dossier_id``. Raises :class:`RecordNotFound`."""
        with read_transaction(self.engine) as conn:
            return self._one(conn, dossiers.c.id == dossier_id, f"dossier {dossier_id}")

    def get_by_number(self, number: str) -> DossierRecord:
        """The dossier numbered ``number``. Raises :class:`RecordNotFound`."""
        with read_transaction(self.engine) as conn:
            return self._one(conn, dossiers.c.number == number, f"dossier {number}")

    def find_for_tracking(self, number: str, secret: str) -> DossierRecord | None:
        """The dossier, if ``secret`` is its tracking secret (case, spaces, dashes ignored).

        Returns None for an unknown number and a wrong secret alike.
        """
        with read_transaction(self.engine) as conn:
            row = (
                conn.execute(
                    sa.select(*DOSSIER_COLUMNS, dossiers.c.tracking_secret_hash).where(
                        dossiers.c.number == number
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            hash_secret(uuid.UUID(int=0), secret)  # same work either way
            return None
        return (
            dossier_record(row) if matches(row["id"], secret, row["tracking_secret_hash"]) else None
        )

    def history(self, dossier_id: uuid.UUID) -> list[HistoryEntry]:
        """The recorded transitions with their times, oldest first, for
        :meth:`CaseDeadlines.replay <procgen.workflow.CaseDeadlines.replay>` (from
        ``received_at``). Raises :class:`RecordNotFound`."""
        return [HistoryEntry(e.at, e.transition) for e in self.events(dossier_id) if e.transition]

    def events(self, dossier_id: uuid.UUID) -> list[EventRecord]:
        """The dossier's history, oldest first. Raises :class:`RecordNotFound`."""
        with read_transaction(self.engine) as conn:
            rows = (
                conn.execute(
                    sa.select(events)
                    .where(events.c.dossier_id == dossier_id)
                    .order_by(events.c.seq)
                )
                .mappings()
                .all()
            )
        if not rows:  # every dossier has its submission event
            raise RecordNotFound(f"no dossier {dossier_id}")
        return [event_record(r) for r in rows]

    def attachments(self, dossier_id: uuid.UUID) -> list[AttachmentRecord]:
        """The dossier's documents, in the order they were added. Raises :class:`RecordNotFound`."""
        with read_transaction(self.engine) as conn:
            self._one(conn, dossiers.c.id == dossier_id, f"dossier {dossier_id}")
            rows = (
                conn.execute(
                    sa.select(attachments)
                    .where(attachments.c.dossier_id == dossier_id)
                    .order_by(attachments.c.event_seq, attachments.c.id)
                )
                .mappings()
                .all()
            )
        return [AttachmentRecord(**r) for r in rows]

    def attachment(self, attachment_id: uuid.UUID) -> AttachmentRecord:
        """One document's metadata. Raises :class:`RecordNotFound`."""
        with read_transaction(self.engine) as conn:
            row = (
                conn.execute(sa.select(attachments).where(attachments.c.id == attachment_id))
                .mappings()
                .first()
            )
        if row is None:
            raise RecordNotFound(f"no attachment {attachment_id}")
        return AttachmentRecord(**row)

    def worklist(
        self,
        query: WorklistFilter | None = None,
        *,
        page: int = 1,
        size: int = 50,
        now: dt.datetime | None = None,
    ) -> WorklistPage:
        """A page of the dossiers matching ``query``, by due date (``now`` is for overdue)."""
        moment = now or self.clock.now()
        aware(moment, "now")
        with read_transaction(self.engine) as conn:
            total, rows = query_worklist(
                conn, query or WorklistFilter(), DOSSIER_COLUMNS, now=moment, page=page, size=size
            )
        return WorklistPage(tuple(dossier_record(r) for r in rows), total, page, size)

    def purge_idempotency_keys(self, before: dt.datetime) -> int:
        """Forget idempotency keys created before ``before``; returns how many."""
        aware(before, "before")
        with write_transaction(self._writer) as conn:
            result = conn.execute(
                sa.delete(idempotency_keys).where(idempotency_keys.c.created_at < before)
            )
            return result.rowcount

    def _one(self, conn: Connection, where: sa.ColumnElement[bool], what: str) -> DossierRecord:
        row = conn.execute(sa.select(*DOSSIER_COLUMNS).where(where)).mappings().first()
        if row is None:
            raise RecordNotFound(f"no {what}")
        return dossier_record(row)


def _conflict(number: str, expected: int, current: int) -> VersionConflict:
    return VersionConflict(
        f"dossier {number} is at version {current}, not {expected}: someone acted on it "
        "first; reload it and decide again",
        current_version=current,
    )
