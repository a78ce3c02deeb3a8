"""The store's schema migrations (Alembic, shipped in the package, no ``alembic.ini``).

The ``procgen db upgrade`` command calls :func:`upgrade`; the application calls
:func:`check_schema` at start-up and refuses to run on a schema that is not current::

    from procgen.store.engine import create_engine_for
    from procgen.store.migrations import check_schema, upgrade

    upgrade("sqlite:///procgen.sqlite3")          # create or bring the schema up to date
    engine = create_engine_for("sqlite:///procgen.sqlite3")
    check_schema(engine)                          # SchemaOutOfDate if not current

Alembic's bookkeeping table is ``procgen_schema_version`` (not ``alembic_version``), so an
application that embeds procgen can keep its own Alembic history in the same database.
Migrations run in one transaction on both SQLite and PostgreSQL: one that fails leaves the
schema as it was.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Engine

from procgen.store.engine import create_engine_for
from procgen.store.errors import SchemaOutOfDate

__all__ = [
    "UPGRADE_COMMAND",
    "VERSION_TABLE",
    "Target",
    "check_schema",
    "current_revision",
    "downgrade",
    "head_revision",
    "upgrade",
    "upgrade_sql",
]

#: The command that brings a database up to date.
UPGRADE_COMMAND = "procgen db upgrade"
#: Alembic's version table for procgen's schema.
VERSION_TABLE = "procgen_schema_version"
_SCRIPTS = Path(__file__).resolve().parent

Target = str | sa.URL | Engine


def _config(engine: Engine | None = None, *, url: str | None = None) -> Config:
    config = Config(output_buffer=io.StringIO())
    config.set_main_option("script_location", str(_SCRIPTS).replace("%", "%%"))
    config.attributes["engine"] = engine
    config.attributes["url"] = url
    return config


@contextmanager
def _engine(target: Target) -> Iterator[Engine]:
    if isinstance(target, Engine):
        yield target
        return
    engine = create_engine_for(target, pool_size=1, max_overflow=0)
    try:
        yield engine
    finally:
        engine.dispose()


def upgrade(target: Target, revision: str = "head") -> None:
    """Create the schema, or bring it up to ``revision`` (default: the newest).

    Args:
        target: a database URL or an engine (a URL's engine is disposed afterwards).
        revision: an Alembic revision id, or ``head``.
    """
    with _engine(target) as engine:
        command.upgrade(_config(engine), revision)


def downgrade(target: Target, revision: str) -> None:
    """Take the schema back to ``revision`` (``base``: no tables); dropped tables' data is lost."""
    with _engine(target) as engine:
        command.downgrade(_config(engine), revision)


def upgrade_sql(url: str | sa.URL, revision: str = "head") -> str:
    """The SQL script that :func:`upgrade` would run on an empty database of ``url``'s kind.

    For database administrators who apply changes themselves; nothing is connected to.
    """
    config = _config(url=sa.make_url(url).render_as_string(hide_password=False))
    command.upgrade(config, revision, sql=True)
    buffer = config.output_buffer
    return buffer.getvalue() if isinstance(buffer, io.StringIO) else ""


def head_revision() -> str:
    """The revision this version of procgen needs."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise RuntimeError(f"no migrations found in {_SCRIPTS}")
    return head


def current_revision(target: Target) -> str | None:
    """The database's revision (None when procgen's tables were never created)."""
    with _engine(target) as engine, engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def check_schema(target: Target) -> None:
    """Do nothing if the schema is current; otherwise say what to run.

    Raises:
        SchemaOutOfDate: with a message naming ``procgen db upgrade`` (or, for a database
            upgraded by a newer procgen, asking to upgrade procgen).
    """
    with _engine(target) as engine:
        current = current_revision(engine)
        where = engine.url.render_as_string(hide_password=True)
    expected = head_revision()
    if current == expected:
        return
    if current is None:
        message = (
            f"the database {where} has no procgen tables: run `{UPGRADE_COMMAND}` to create them"
        )
    elif not _known(current):
        message = (
            f"the database {where} is at schema revision {current!r}, which this version of "
            f"procgen does not know (it needs {expected!r}); it was probably upgraded by a newer "
            "procgen: upgrade procgen"
        )
    else:
        message = (
            f"the database {where} is at schema revision {current!r}, but this version of "
            f"procgen needs {expected!r}: run `{UPGRADE_COMMAND}` (back the database up first)"
        )
    raise SchemaOutOfDate(message, current=current, expected=expected)


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False
