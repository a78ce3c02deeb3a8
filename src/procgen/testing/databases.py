"""A fresh, migrated database for every test, fast.

SQLite (the default): the schema is migrated once per session into a template file, copied
for each test. PostgreSQL (a ``postgresql://`` URL): one schema with a unique name per
session, migrated once and dropped at the end; each test starts with its tables emptied.
Nothing outside that schema is touched, so a shared server (CI's) is safe.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa

from procgen.store import create_engine_for, upgrade

__all__ = ["PostgresSchema", "SqliteTemplate"]

_TABLES = (
    "outbox",
    "idempotency_keys",
    "attachments",
    "events",
    "drafts",
    "daily_sequences",
    "dossiers",
)


class SqliteTemplate:
    """A migrated SQLite file, copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.sqlite3"
        upgrade(f"sqlite:///{self.path}")

    def fresh(self, folder: Path) -> sa.URL:
        """A copy of the template in ``folder``."""
        path = folder / "procgen.sqlite3"
        shutil.copyfile(self.path, path)
        return sa.make_url(f"sqlite:///{path}")


class PostgresSchema:
    """A schema of the session's own on a PostgreSQL server (see the module docstring)."""

    def __init__(self, url: str | sa.URL) -> None:
        self.name = f"procgen_test_{uuid.uuid4().hex[:12]}"
        self._admin = create_engine_for(url, pool_size=1, max_overflow=0)
        with self._admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{self.name}"')
        self.url = sa.make_url(url).update_query_dict({"options": f"-csearch_path={self.name}"})
        upgrade(self.url)

    def fresh(self) -> sa.URL:
        """The schema's URL, its tables emptied."""
        engine = create_engine_for(self.url, pool_size=1, max_overflow=0)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY")
        finally:
            engine.dispose()
        return self.url

    def drop(self) -> None:
        """Drop the schema and everything in it."""
        with self._admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{self.name}" CASCADE')
        self._admin.dispose()
