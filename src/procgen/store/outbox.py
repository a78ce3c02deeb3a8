"""The transactional outbox: messages for other systems, committed with the change they report.

A dossier's transaction writes its message rows (every event is published under
:data:`EVENT_TOPIC`, for the national portal's synchronisation; callers add notifications).
Separate worker processes deliver them::

    while True:
        batch = store.outbox.claim("worker-1", batch=100)
        for message in batch:
            send(message)                    # must tolerate a repeat: delivery is at least once
        store.outbox.mark_delivered([m.id for m in batch], worker="worker-1")

:meth:`Outbox.claim` takes rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
any number of workers claim disjoint batches without waiting for each other; on SQLite the
claim is one ``BEGIN IMMEDIATE`` transaction, which serialises claims. A claim is a lease: a
message neither delivered nor released within ``lease`` is claimed again (its worker died).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from procgen.errors import ConfigurationError
from procgen.store.batch import insert_rows
from procgen.store.engine import read_transaction, write_transaction, writer
from procgen.store.records import ClaimedMessage, OutboxMessage, aware
from procgen.store.tables import jsonable, outbox
from procgen.workflow.clock import Clock

__all__ = ["EVENT_TOPIC", "Outbox", "insert_messages", "message_rows"]

#: The topic of the message every dossier event publishes.
EVENT_TOPIC = "dossier.event"


def message_rows(messages: Sequence[OutboxMessage], now: dt.datetime) -> list[dict[str, Any]]:
    """The outbox rows of ``messages`` (for :func:`~procgen.store.batch.insert_rows`)."""
    return [
        {
            "topic": m.topic,
            "payload": jsonable(m.payload, where=f"outbox {m.topic} payload"),
            "created_at": now,
            "attempts": 0,
        }
        for m in messages
    ]


def insert_messages(
    connection: Connection, messages: Sequence[OutboxMessage], now: dt.datetime
) -> None:
    """Add ``messages`` to the outbox inside the caller's transaction."""
    insert_rows(connection, [(outbox, message_rows(messages, now))])


class Outbox:
    """Messages waiting for delivery. Reach it as ``DossierStore.outbox``."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self._clock = clock

    def __repr__(self) -> str:
        return f"<Outbox {self._engine.url.render_as_string(hide_password=True)}>"

    def publish(self, messages: Sequence[OutboxMessage]) -> None:
        """Add messages on their own (not tied to a dossier change)."""
        with write_transaction(self._writer) as conn:
            insert_messages(conn, messages, self._clock.now())

    def claim(
        self,
        worker: str,
        *,
        batch: int = 100,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        now: dt.datetime | None = None,
    ) -> list[ClaimedMessage]:
        """Claim up to ``batch`` undelivered messages, oldest first, for ``worker``.

        Messages claimed by another worker are skipped unless their lease has run out.
        """
        if batch < 1:
            raise ConfigurationError(f"batch must be at least 1 (got {batch})")
        moment = now or self._clock.now()
        aware(moment, "now")
        c = outbox.c
        candidates = (
            sa.select(c.id)
            .where(c.delivered_at.is_(None))
            .where(sa.or_(c.claimed_at.is_(None), c.claimed_at < moment - lease))
            .order_by(c.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        statement = (
            sa.update(outbox)
            .where(c.id.in_(candidates.scalar_subquery()))
            .values(claimed_at=moment, claimed_by=worker, attempts=c.attempts + 1)
            .returning(c.id, c.topic, c.payload, c.created_at, c.attempts)
        )
        with write_transaction(self._writer) as conn:
            rows = conn.execute(statement).all()
        return sorted(
            (ClaimedMessage(r.id, r.topic, r.payload, r.created_at, r.attempts) for r in rows),
            key=lambda m: m.id,
        )

    def mark_delivered(
        self, ids: Iterable[int], *, worker: str, now: dt.datetime | None = None
    ) -> int:
        """Mark messages this worker still holds as delivered; returns how many."""
        moment = now or self._clock.now()
        return self._finish(ids, worker, delivered_at=moment)

    def release(self, ids: Iterable[int], *, worker: str, error: str | None = None) -> int:
        """Give messages back undelivered (e.g. the receiver failed), noting ``error``."""
        return self._finish(ids, worker, claimed_at=None, claimed_by=None, last_error=error)

    def _finish(self, ids: Iterable[int], worker: str, **values: object) -> int:
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        c = outbox.c
        statement = (
            sa.update(outbox)
            .where(c.id.in_(wanted), c.claimed_by == worker, c.delivered_at.is_(None))
            .values(values)
        )
        with write_transaction(self._writer) as conn:
            return conn.execute(statement).rowcount

    def pending(self) -> int:
        """How many messages are not delivered yet."""
        statement = sa.select(sa.func.count()).where(outbox.c.delivered_at.is_(None))
        with read_transaction(self._engine) as conn:
            count: int = conn.execute(statement).scalar_one()
        return count

    def purge_delivered(self, before: dt.datetime) -> int:
        """Delete messages delivered before ``before``; returns how many."""
        aware(before, "before")
        statement = sa.delete(outbox).where(outbox.c.delivered_at < before)
        with write_transaction(self._writer) as conn:
            return conn.execute(statement).rowcount
