"""Drafts: dossiers in progress, found by a secret token whose hash is the key.

The token (``secrets.token_urlsafe(32)``, the resume link's secret) is never stored, only its
SHA-256. ``revision`` guards against two requests overwriting each other: save with the
revision you loaded (0 for a new draft) and get :class:`VersionConflict` if another save came
first. Expired drafts are invisible, and :meth:`Drafts.purge_expired` deletes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from procgen.errors import ConfigurationError
from procgen.store.engine import insert_or_nothing, read_transaction, write_transaction, writer
from procgen.store.errors import RecordNotFound, VersionConflict
from procgen.store.records import DraftRecord, aware
from procgen.store.tables import drafts, jsonable
from procgen.workflow.clock import Clock

__all__ = ["Drafts"]


def _key(token: str) -> str:
    if len(token) < 16:
        raise ConfigurationError("a draft token must be a long random secret (16+ characters)")
    return hashlib.sha256(token.encode()).hexdigest()


class Drafts:
    """Draft storage. Reach it as ``DossierStore.drafts``."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self._clock = clock

    def __repr__(self) -> str:
        return f"<Drafts {self._engine.url.render_as_string(hide_password=True)}>"

    def load(self, token: str, *, now: dt.datetime | None = None) -> DraftRecord | None:
        """The draft, or None when the token is unknown or the draft has expired."""
        moment = now or self._clock.now()
        aware(moment, "now")
        statement = sa.select(drafts).where(
            drafts.c.token_hash == _key(token), drafts.c.expires_at > moment
        )
        with read_transaction(self._engine) as conn:
            row = conn.execute(statement).first()
        if row is None:
            return None
        return DraftRecord(
            procedure_code=row.procedure_code,
            procedure_version=row.procedure_version,
            data=row.data,
            revision=row.revision,
            created_at=row.created_at,
            updated_at=row.updated_at,
            expires_at=row.expires_at,
        )

    def save(
        self,
        token: str,
        *,
        procedure_code: str,
        procedure_version: int,
        data: Mapping[str, Any],
        expires_at: dt.datetime,
        revision: int,
        now: dt.datetime | None = None,
    ) -> int:
        """Insert (``revision=0``) or update the draft; returns its new revision.

        Raises:
            VersionConflict: another save came first (``current_version`` is its revision),
                or a draft with this token exists already.
            RecordNotFound: updating a draft that expired or was deleted.
        """
        moment = now or self._clock.now()
        aware(moment, "now")
        aware(expires_at, "expires_at")
        key = _key(token)
        values = {
            "procedure_code": procedure_code,
            "procedure_version": procedure_version,
            "data": jsonable(data, where="draft data"),
            "expires_at": expires_at,
            "updated_at": moment,
        }
        with write_transaction(self._writer) as conn:
            if revision == 0:
                expired = (drafts.c.token_hash == key) & (drafts.c.expires_at <= moment)
                conn.execute(sa.delete(drafts).where(expired))
                values |= {"token_hash": key, "revision": 1, "created_at": moment}
                if insert_or_nothing(conn, drafts, values):
                    return 1
            else:
                updated = conn.execute(
                    sa.update(drafts)
                    .where(drafts.c.token_hash == key, drafts.c.revision == revision)
                    .where(drafts.c.expires_at > moment)
                    .values({**values, "revision": drafts.c.revision + 1})
                    .returning(drafts.c.revision)
                ).first()
                if updated is not None:
                    new_revision: int = updated.revision
                    return new_revision
            current = conn.execute(
                sa.select(drafts.c.revision).where(
                    drafts.c.token_hash == key, drafts.c.expires_at > moment
                )
            ).scalar_one_or_none()
        if current is None:
            raise RecordNotFound("no such draft (it expired or was deleted); start again")
        raise VersionConflict(
            f"the draft is at revision {current}, not {revision}: it was saved by another "
            "request; load it again",
            current_version=current,
        )

    def delete(self, token: str) -> bool:
        """Delete the draft (e.g. once submitted); True if there was one."""
        statement = sa.delete(drafts).where(drafts.c.token_hash == _key(token))
        with write_transaction(self._writer) as conn:
            return conn.execute(statement).rowcount > 0

    def purge_expired(self, *, now: dt.datetime | None = None) -> int:
        """Delete expired drafts; returns how many."""
        moment = now or self._clock.now()
        aware(moment, "now")
        statement = sa.delete(drafts).where(drafts.c.expires_at <= moment)
        with write_transaction(self._writer) as conn:
            return conn.execute(statement).rowcount
