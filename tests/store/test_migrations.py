"""Tests for procgen.store.migrations: upgrade from empty, schema checks, metadata in sync."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from procgen.store import (
    UPGRADE_COMMAND,
    SchemaOutOfDate,
    check_schema,
    create_engine_for,
    current_revision,
    head_revision,
    upgrade,
)
from procgen.store.migrations import VERSION_TABLE, downgrade, upgrade_sql
from procgen.store.tables import metadata
from procgen.testing.databases import PostgresSchema
from tests.conftest import BACKENDS, POSTGRES_URL


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.URL]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield sa.make_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        return
    assert POSTGRES_URL is not None
    schema = PostgresSchema(POSTGRES_URL, migrate=False)
    try:
        yield schema.url
    finally:
        schema.drop()


def test_upgrade_from_empty_and_check(empty_url: sa.URL) -> None:
    assert current_revision(empty_url) is None
    with pytest.raises(SchemaOutOfDate) as caught:
        check_schema(empty_url)
    assert UPGRADE_COMMAND in str(caught.value)
    assert "no procgen tables" in str(caught.value)
    assert caught.value.current is None
    assert caught.value.expected == head_revision()
    upgrade(empty_url)
    assert current_revision(empty_url) == head_revision()
    check_schema(empty_url)
    upgrade(empty_url)  # a second upgrade does nothing
    engine = create_engine_for(empty_url)
    try:
        check_schema(engine)
        tables = set(sa.inspect(engine).get_table_names())
        assert tables == {*metadata.tables, VERSION_TABLE}
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_tables(empty_url: sa.URL) -> None:
    upgrade(empty_url)
    engine = create_engine_for(empty_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
            )
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_old_schema_fails_the_check_naming_the_command(empty_url: sa.URL) -> None:
    upgrade(empty_url)
    engine = create_engine_for(empty_url)
    try:
        with engine.begin() as conn:  # a database left by an older procgen
            conn.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = '0000'"))
        with pytest.raises(SchemaOutOfDate, match="does not know"):
            check_schema(engine)
        with engine.begin() as conn:
            conn.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = :v"), {"v": "0001"})
        check_schema(engine)
    finally:
        engine.dispose()


def test_downgrade_to_base_then_upgrade(empty_url: sa.URL) -> None:
    upgrade(empty_url)
    downgrade(empty_url, "base")
    assert current_revision(empty_url) is None
    with pytest.raises(SchemaOutOfDate, match=UPGRADE_COMMAND):
        check_schema(empty_url)
    upgrade(empty_url)
    check_schema(empty_url)


def test_out_of_date_message_names_the_command(monkeypatch: pytest.MonkeyPatch,
                                               empty_url: sa.URL) -> None:  # fmt: skip
    upgrade(empty_url)
    import procgen.store.migrations as migrations

    monkeypatch.setattr(migrations, "head_revision", lambda: "0002")
    monkeypatch.setattr(migrations, "_known", lambda revision: True)
    with pytest.raises(SchemaOutOfDate) as caught:
        check_schema(empty_url)
    message = str(caught.value)
    assert f"run `{UPGRADE_COMMAND}`" in message
    assert "'0001'" in message
    assert "'0002'" in message
    assert (caught.value.current, caught.value.expected) == ("0001", "0002")


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "sqlite:///x.sqlite3"])
def test_offline_sql_script(url: str) -> None:
    script = upgrade_sql(url)
    assert "CREATE TABLE dossiers" in script
    assert VERSION_TABLE in script
    assert "%%" not in script
    assert not os.path.exists("x.sqlite3")
