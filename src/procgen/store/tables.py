"""The store's tables (SQLAlchemy Core), their column types and identifiers.

The schema is created and changed only by the Alembic migrations in
:mod:`procgen.store.migrations`; a test checks that the migrated database matches these
definitions. Every table works the same on SQLite and PostgreSQL:

- instants are :class:`UTCDateTime`: aware datetimes in UTC in and out (``timestamptz`` on
  PostgreSQL, ISO text in UTC on SQLite, so that text order is time order); naive ones are
  refused;
- JSON columns are ``jsonb`` on PostgreSQL and JSON text on SQLite; values go through
  :func:`jsonable` first, so dates and decimals come back as ISO strings;
- row identifiers that leave the database (dossiers, attachments) are time-ordered UUIDs
  (:func:`new_id`), so they can be made before the insert and cannot be enumerated, and still
  insert at the end of B-tree indexes.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

__all__ = [
    "BigId",
    "JSONType",
    "UTCDateTime",
    "attachments",
    "daily_sequences",
    "dossiers",
    "drafts",
    "events",
    "idempotency_keys",
    "jsonable",
    "metadata",
    "new_id",
    "outbox",
]

#: A 64-bit integer primary key that is still SQLite's auto-incrementing ``rowid``.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
#: JSON: ``jsonb`` on PostgreSQL, text on SQLite.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """A timezone-aware instant, stored in UTC and read back with ``tzinfo=UTC``."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"instants must be timezone-aware (got naive {value.isoformat()}); "
                "attach a zone, e.g. tzinfo=datetime.UTC"
            )
        try:
            value = value.astimezone(dt.UTC)
        except OverflowError as exc:
            raise ValueError(
                f"the instant {value.isoformat()} has no UTC equivalent within years 1 to 9999"
            ) from exc
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


_last_id = 0
_id_lock = threading.Lock()


def new_id() -> uuid.UUID:
    """A new random UUID whose first 48 bits are the time in milliseconds (RFC 9562 v7).

    Within a process the ids only grow, even within one millisecond, so rows inserted in one
    transaction sort in insertion order.

    >>> a, b = new_id(), new_id()
    >>> a.version, a < b
    (7, True)
    """
    global _last_id
    random = secrets.randbits(73)
    value = (time.time_ns() // 1_000_000 & (1 << 48) - 1) << 80
    value |= 0x7 << 76 | (random >> 61) << 64  # version 7, 12 random bits
    value |= 0x2 << 62 | random & (1 << 61) - 1  # RFC 4122 variant, 61 random bits (room to count)
    with _id_lock:
        if value <= _last_id:
            value = _last_id + 1
        _last_id = value
    return uuid.UUID(int=value)


def jsonable(value: Any, *, where: str = "value") -> Any:
    """``value`` as plain JSON data: dates and times in ISO 8601, decimals and UUIDs as strings.

    Mappings must have string keys; tuples become lists, sets sorted lists, enums their values.

    >>> jsonable({"day": dt.date(2025, 7, 1), "fee": Decimal("1.50"), "tags": {"b", "a"}})
    {'day': '2025-07-01', 'fee': '1.50', 'tags': ['a', 'b']}

    Raises:
        TypeError: for anything else (naming where it was found).
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value, where=where)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: JSON keys must be strings (got {key!r})")
            out[key] = jsonable(item, where=f"{where}.{key}")
        return out
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v, where=where) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [jsonable(v, where=f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(
        f"{where}: cannot store {value!r} that is a {type(value).__name__} as JSON; "
        "convert it to text, a number, a list or a mapping"
    )


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_ID = sa.String(64)  # procedure codes, step ids, agency e-IDs, ...

dossiers = sa.Table(
    "dossiers",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("number", sa.String(80), nullable=False, unique=True),
    sa.Column("agency_id", _ID, nullable=False),
    sa.Column("procedure_code", _ID, nullable=False),
    sa.Column("procedure_version", sa.Integer(), nullable=False),
    sa.Column("case_id", _ID, nullable=False),
    sa.Column("step", _ID, nullable=False),
    sa.Column("status", sa.SmallInteger(), nullable=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("data", JSONType, nullable=False),
    sa.Column("applicant_user_id", sa.String(200), nullable=True, index=True),
    sa.Column("applicant_subject_id", sa.String(64), nullable=True),
    sa.Column("applicant_name", sa.String(300), nullable=False),
    sa.Column("applicant_contact", JSONType, nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("due_at", UTCDateTime(), nullable=True, index=True),
    sa.Column("step_due_at", UTCDateTime(), nullable=True, index=True),
    sa.Column("appointment_at", UTCDateTime(), nullable=True),
    sa.Column("completed_at", UTCDateTime(), nullable=True),
    sa.Column("paused_seconds", sa.Integer(), nullable=False),
    sa.Column("paused_since", UTCDateTime(), nullable=True),
    sa.Column("extensions_used", sa.Integer(), nullable=False),
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("tracking_secret_hash", sa.String(64), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.CheckConstraint("channel IN ('online', 'direct', 'postal')", name="channel"),
    sa.CheckConstraint("version >= 1", name="version"),
    sa.Index(None, "procedure_code", "step"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("dossier_id", sa.Uuid(), sa.ForeignKey("dossiers.id"), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("action", _ID, nullable=False),
    sa.Column("from_step", _ID, nullable=True),
    sa.Column("to_step", _ID, nullable=False),
    sa.Column("user_id", sa.String(200), nullable=True),
    sa.Column("roles", JSONType, nullable=False),
    sa.Column("role", _ID, nullable=True),
    sa.Column("inputs", JSONType, nullable=False),
    sa.Column("side_events", JSONType, nullable=False),
    sa.Column("automatic", sa.Boolean(), nullable=False),
    sa.Column("status", sa.SmallInteger(), nullable=True),
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("extension", JSONType, nullable=True),
    sa.UniqueConstraint("dossier_id", "seq"),
)

attachments = sa.Table(
    "attachments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("dossier_id", sa.Uuid(), sa.ForeignKey("dossiers.id"), nullable=False, index=True),
    sa.Column("event_seq", sa.Integer(), nullable=False),
    sa.Column("document_id", _ID, nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(200), nullable=False),
    sa.Column("size", sa.BigInteger(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage_key", sa.String(300), nullable=False),
    sa.Column("added_at", UTCDateTime(), nullable=False),
    sa.CheckConstraint("size >= 0", name="size"),
)

drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("procedure_code", _ID, nullable=False),
    sa.Column("procedure_version", sa.Integer(), nullable=False),
    sa.Column("data", JSONType, nullable=False),
    sa.Column("revision", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("dossier_id", sa.Uuid(), sa.ForeignKey("dossiers.id"), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("topic", sa.String(100), nullable=False),
    sa.Column("payload", JSONType, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("claimed_at", UTCDateTime(), nullable=True),
    sa.Column("claimed_by", sa.String(200), nullable=True),
    sa.Column("delivered_at", UTCDateTime(), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Index(
        "ix_outbox_pending",
        "id",
        postgresql_where=sa.text("delivered_at IS NULL"),
        sqlite_where=sa.text("delivered_at IS NULL"),
    ),
)

daily_sequences = sa.Table(
    "daily_sequences",
    metadata,
    sa.Column("agency_id", _ID, primary_key=True),
    sa.Column("day", sa.Date(), primary_key=True),
    sa.Column("last_value", sa.Integer(), nullable=False),
)
