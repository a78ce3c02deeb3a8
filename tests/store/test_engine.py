"""Tests for procgen.store.engine: SQLite set-up, BEGIN IMMEDIATE, busy mapping, URLs."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from procgen.errors import ConfigurationError
from procgen.store import DossierStore, StoreBusy, VersionConflict, create_engine_for, upgrade
from procgen.store.engine import is_contention, write_transaction, writer
from tests.store.conftest import MACHINE, RECEPTION, T0, new_dossier


def test_sqlite_pragmas(sqlite_url: sa.URL) -> None:
    engine = create_engine_for(sqlite_url, busy_timeout=2.5)
    with engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    engine.dispose()
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                      "busy_timeout": 2500}  # fmt: skip


def test_sqlite_writes_begin_immediate_and_reads_do_not_wait(sqlite_url: sa.URL) -> None:
    engine = create_engine_for(sqlite_url, busy_timeout=0.2)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        holding, release = threading.Event(), threading.Event()

        def hold_the_write_lock() -> None:
            with write_transaction(writer(engine)) as conn:
                conn.exec_driver_sql("SELECT 1")  # no write yet: only BEGIN IMMEDIATE locks
                holding.set()
                release.wait(5)

        holder = threading.Thread(target=hold_the_write_lock)
        holder.start()
        assert holding.wait(5)
        try:
            with pytest.raises(StoreBusy) as caught, write_transaction(writer(engine)):
                pass
            assert is_contention(caught.value.__cause__ or caught.value)
            with engine.connect() as conn:  # WAL: a reader is not blocked by the writer
                assert conn.exec_driver_sql("SELECT count(*) FROM dossiers").scalar_one() == 0
        finally:
            release.set()
            holder.join()
    finally:
        engine.dispose()
    assert "BEGIN IMMEDIATE" in statements
    assert "BEGIN" in statements


def test_sqlite_busy_maps_to_conflicts_not_errors(sqlite_url: sa.URL) -> None:
    engine = create_engine_for(sqlite_url, busy_timeout=0.1)
    store = DossierStore(engine)
    dossier = store.create_dossier(new_dossier()).dossier
    blocker = sqlite3.connect(str(sqlite_url.database), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        transition = MACHINE.apply("reception", "accept", RECEPTION, {})
        with pytest.raises(VersionConflict, match="busy") as caught:
            store.apply_transition(dossier.id, 1, transition, T0)
        assert caught.value.current_version == 1
        with pytest.raises(StoreBusy):
            store.create_dossier(new_dossier())
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        engine.dispose()


def test_sqlite_transactional_ddl(sqlite_url: sa.URL) -> None:
    engine = create_engine_for(sqlite_url)

    def create_then_fail() -> None:
        with write_transaction(writer(engine)) as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not sa.inspect(engine).has_table("scratch")
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("mysql://u@h/db", "SQLite or PostgreSQL"),
        ("postgresql+psycopg2://u@h/db", "psycopg 3"),
        ("sqlite+aiosqlite:///x.db", "standard sqlite3 driver"),
    ],
)
def test_unsupported_urls(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        create_engine_for(url)


def test_postgresql_url_uses_psycopg_with_a_pool() -> None:
    engine = create_engine_for("postgresql://user:secret@db.example/procgen", pool_size=7)
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.pool.size() == 7  # type: ignore[attr-defined]
    assert "secret" not in repr(DossierStore(engine))
    engine.dispose()


def test_migrated_database_accepts_a_default_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    upgrade("sqlite:///procgen.sqlite3")
    assert (tmp_path / "procgen.sqlite3").exists()
    engine = create_engine_for()
    assert engine.url.database == "procgen.sqlite3"
    engine.dispose()


def test_is_contention_ignores_other_errors() -> None:
    assert not is_contention(ValueError("x"))
    error = sa.exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))
    assert not is_contention(error)
