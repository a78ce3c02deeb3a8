"""Alembic's environment for procgen's migrations (run by :mod:`procgen.store.migrations`)."""

from __future__ import annotations

from alembic import context

from procgen.store.engine import writer
from procgen.store.migrations import VERSION_TABLE
from procgen.store.tables import metadata

config = context.config


def _run_offline() -> None:
    context.configure(
        url=config.attributes["url"],
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        version_table=VERSION_TABLE,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    engine = config.attributes["engine"]
    # writer(): BEGIN IMMEDIATE on SQLite, so the whole migration is one transaction.
    with writer(engine).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=VERSION_TABLE,
            transactional_ddl=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
