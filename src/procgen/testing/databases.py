"""A fresh, migrated database for every test, fast.

SQLite (the default): the schema is migrated once per session into a template file, copied
for each test. PostgreSQL (a ``postgresql://`` URL): one schema with a unique name per
session, migrated once and dropped at the end; each test starts with its tables emptied.
Nothing outside that schema is touched, so a shared server (CI's) is safe.

The plugin's ``procgen_database_url`` fixture is built on these; a test suite that needs
something else (both backends in one session, say) can build its own fixtures on them::

    @pytest.fixture(scope="session")
    def template(tmp_path_factory):
        return SqliteTemplate(tmp_path_factory.mktemp("template"))

    @pytest.fixture
    def database_url(template, tmp_path):
        return template.fresh(tmp_path)
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa

from procgen.store import create_engine_for, upgrade
from procgen.store.tables import metadata

__all__ = ["PostgresSchema", "SqliteTemplate"]


class SqliteTemplate:
    """A migrated SQLite file, copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.sqlite3"
        upgrade(f"sqlite:///{self.path}")

    def fresh(self, folder: Path) -> sa.URL:
        """A copy of the template in ``folder`` (as ``procgen.sqlite3``)."""
        path = folder / "procgen.sqlite3"
        shutil.copyfile(self.path, path)
        return sa.make_url(f"sqlite:///{path}")


class PostgresSchema:
    """A schema of its own on a PostgreSQL server (see the module docstring).

    Args:
        url: the server's database (``postgresql+psycopg://...``); only the new schema is
            touched.
        migrate: migrate the schema to the current revision (False: leave it empty, to test
            the migrations themselves).

    Attributes:
        name: the schema's name (``procgen_test_<random>``).
        url: ``url`` with every connection's ``search_path`` set to the schema.
    """

    def __init__(self, url: str | sa.URL, *, migrate: bool = True) -> None:
        self.name = f"procgen_test_{uuid.uuid4().hex[:12]}"
        self._admin = create_engine_for(url, pool_size=1, max_overflow=0)
        with self._admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{self.name}"')
        self.url = sa.make_url(url).update_query_dict({"options": f"-csearch_path={self.name}"})
        if migrate:
            upgrade(self.url)

    #: How long emptying the tables waits for another connection's locks.
    lock_timeout = "30s"

    def fresh(self) -> sa.URL:
        """The schema's URL, every table of procgen's emptied (sequences restarted).

        Raises:
            RuntimeError: a connection still holds a lock on the tables after
                :attr:`lock_timeout` (an earlier test left a transaction open: an engine it
                never disposed), instead of waiting for it forever.
        """
        tables = ", ".join(table.name for table in metadata.sorted_tables)
        engine = create_engine_for(self.url, pool_size=1, max_overflow=0)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{self.lock_timeout}'")
                conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY")
        except sa.exc.OperationalError as exc:
            raise RuntimeError(
                f"could not empty the test schema {self.name} within {self.lock_timeout}: "
                "a connection of an earlier test is still in a transaction (dispose of "
                "every engine a test makes)"
            ) from exc
        finally:
            engine.dispose()
        return self.url

    def drop(self) -> None:
        """Drop the schema and everything in it."""
        with self._admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{self.name}" CASCADE')
        self._admin.dispose()
