"""Engines for SQLite (embedded default) and PostgreSQL (scale-out), and write transactions.

:func:`create_engine_for` takes a database URL and returns an engine set up for procgen:

- **SQLite** (``sqlite:///procgen.sqlite3``, a file next to where you run): WAL journal (readers
  never wait for the writer), ``synchronous=FULL`` (a committed dossier survives a power cut),
  foreign keys on, a busy timeout. pysqlite's own transaction handling is switched off and
  SQLAlchemy emits ``BEGIN`` itself (the recipe of SQLAlchemy's SQLite documentation,
  "Enabling non-legacy SQLite transactional modes"), so that write transactions start with
  ``BEGIN IMMEDIATE``: they take the write lock up front, wait for it under the busy timeout,
  and can never fail half-way with an unretryable "database is locked" when upgrading a read
  lock.
- **PostgreSQL** (``postgresql://user@host/db``, driver psycopg 3): a connection pool with
  pre-ping, so that every process behind a proxy keeps a few warm connections.

:func:`write_transaction` is the one way the store writes: ``BEGIN IMMEDIATE`` on SQLite, and
lock contention (SQLite busy, PostgreSQL serialization failure or deadlock) turned into
:class:`~procgen.store.errors.StoreBusy`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from procgen.errors import ConfigurationError
from procgen.store.errors import StoreBusy

__all__ = [
    "DEFAULT_URL",
    "create_engine_for",
    "insert_or_nothing",
    "is_contention",
    "read_transaction",
    "write_transaction",
    "writer",
]

#: The embedded default: a SQLite file in the current directory.
DEFAULT_URL = "sqlite:///procgen.sqlite3"

# The execution option that makes SQLite's BEGIN take the write lock at once.
_WRITE = "procgen_write"
# SQLite result codes (the low byte of the extended code) that mean "another connection holds
# the lock"; PostgreSQL SQLSTATEs that mean "lost a race, retry".
_SQLITE_CONTENTION = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_PG_CONTENTION = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
# SQLite: one lock per engine (keyed by its dialect, which the engine's execution-option
# copies share) that serialises the writers of this process, with how long to wait for it.
# Writers queue on it in order instead of spinning in SQLite's busy handler; BEGIN IMMEDIATE
# and the busy timeout still arbitrate between processes.
_WRITE_LOCKS: weakref.WeakKeyDictionary[Any, tuple[threading.RLock, float]] = (
    weakref.WeakKeyDictionary()
)
# The statements of insert_or_nothing, per dialect and table.
_INSERT_OR_NOTHING: dict[tuple[str, sa.Table], Any] = {}


def create_engine_for(
    url: str | sa.URL = DEFAULT_URL,
    *,
    busy_timeout: float = 5.0,
    pool_size: int = 5,
    max_overflow: int = 10,
    echo: bool = False,
) -> Engine:
    """An engine for ``url``, set up as described in the module docstring.

    Args:
        url: ``sqlite:///path/to/file.sqlite3`` or ``postgresql://user:password@host/db``
            (``postgresql+psycopg://`` is implied).
        busy_timeout: SQLite: seconds a writer waits for the write lock before giving up
            with :class:`StoreBusy`.
        pool_size, max_overflow: connections kept open, and opened beyond that under load.
        echo: log every SQL statement.

    Raises:
        ConfigurationError: for another database, an in-memory SQLite database (each
            connection would see its own empty database), or a missing driver.
    """
    url = sa.make_url(url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, busy_timeout, pool_size, max_overflow, echo)
    if backend == "postgresql":
        return _postgresql_engine(url, pool_size, max_overflow, echo)
    raise ConfigurationError(
        f"procgen stores dossiers in SQLite or PostgreSQL, not {backend!r} "
        f"({url.render_as_string(hide_password=True)}); use sqlite:///procgen.sqlite3 or "
        "postgresql://user@host/database"
    )


def _sqlite_engine(
    url: sa.URL, busy_timeout: float, pool_size: int, max_overflow: int, echo: bool
) -> Engine:
    if url.get_driver_name() != "pysqlite":
        raise ConfigurationError(f"use the standard sqlite3 driver (sqlite:///...), not {url}")
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise ConfigurationError(
            "an in-memory SQLite database cannot be shared between connections; "
            "use a file, e.g. sqlite:///procgen.sqlite3 (or one in a temporary folder)"
        )
    engine = sa.create_engine(
        url,
        connect_args={"timeout": busy_timeout, "check_same_thread": False},
        poolclass=sa.QueuePool,
        pool_size=pool_size,
        max_overflow=max_overflow,
        echo=echo,
    )
    timeout_ms = int(busy_timeout * 1000)
    database = url.database if not url.query.get("uri") else None

    @event.listens_for(engine, "do_connect")
    def _private_file(*_args: object) -> None:
        # a new database holds personal data: readable by its owner only (SQLite gives the
        # -wal and -shm files the database's mode)
        if database:
            _create_private(database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Stop pysqlite from emitting BEGIN (and COMMIT before DDL) itself; _on_begin does it.
        dbapi_connection.isolation_level = None
        for pragma in (
            f"busy_timeout = {timeout_ms}",
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    _WRITE_LOCKS[engine.dialect] = (threading.RLock(), busy_timeout)
    return engine


def _create_private(path: str) -> None:
    """Create an empty file at ``path``, mode 0600, unless there is one (SQLite then opens it
    as a new database); any failure is left for SQLite to report."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _postgresql_engine(url: sa.URL, pool_size: int, max_overflow: int, echo: bool) -> Engine:
    if url.get_driver_name() in ("psycopg2", "asyncpg", "pg8000"):
        raise ConfigurationError(f"procgen uses psycopg 3: write postgresql+psycopg://, not {url}")
    if importlib.util.find_spec("psycopg") is None:
        raise ConfigurationError("PostgreSQL needs psycopg 3: pip install 'procgen[postgres]'")
    url = url.set(drivername="postgresql+psycopg")
    connect_args: dict[str, Any] = {"connect_timeout": 10}
    if "application_name" not in url.query:
        connect_args["application_name"] = "procgen"
    return sa.create_engine(
        url,
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=3600,
        echo=echo,
    )


def writer(engine: Engine) -> Engine:
    """``engine``, marked so that its transactions take the write lock at BEGIN on SQLite."""
    return engine.execution_options(**{_WRITE: True})


def is_contention(exc: BaseException) -> bool:
    """True when ``exc`` means another transaction held a lock: retrying may succeed."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in _SQLITE_CONTENTION
        return "locked" in str(orig) or "busy" in str(orig)
    return getattr(orig, "sqlstate", None) in _PG_CONTENTION


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction, committed at the end (rolled back on error).

    ``engine`` must come from :func:`writer` for SQLite's ``BEGIN IMMEDIATE``.

    On SQLite the writers of one process first queue on the engine's lock (for at most the
    busy timeout; past it they go on to ``BEGIN IMMEDIATE`` and its busy handler anyway).

    Raises:
        StoreBusy: when the write lock could not be had (nothing was written).
    """
    entry = _WRITE_LOCKS.get(engine.dialect)
    locked = entry is not None and entry[0].acquire(timeout=entry[1])
    try:
        with engine.begin() as connection:
            yield connection
    except DBAPIError as exc:
        if is_contention(exc):
            raise StoreBusy(
                "the database is busy with other writes; nothing was changed, try again"
            ) from exc
        raise
    finally:
        if locked:
            assert entry is not None
            entry[0].release()


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a read transaction: one consistent snapshot for several queries."""
    with engine.connect() as connection, connection.begin():
        yield connection


def insert_or_nothing(connection: Connection, table: sa.Table, values: dict[str, Any]) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING``: True if the row was inserted.

    On PostgreSQL a conflicting row that another transaction has not committed yet makes this
    wait for that transaction, then do nothing if it committed.
    """
    name = connection.dialect.name
    statement = _INSERT_OR_NOTHING.get((name, table))
    if statement is None:
        keys = [c.name for c in table.primary_key.columns]
        dialect = postgresql if name == "postgresql" else sqlite
        statement = (
            dialect.insert(table)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(*table.primary_key.columns)
        )
        _INSERT_OR_NOTHING[name, table] = statement
    return connection.execute(statement, values).first() is not None
