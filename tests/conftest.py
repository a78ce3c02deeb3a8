"""Shared fixtures: paths of the project's bundled material, and a database per test.

``database_url`` is an empty, migrated database from the shipped
:mod:`procgen.testing.databases` helpers: a copy of a SQLite template migrated once per
session, or (with ``PROCGEN_TEST_POSTGRES_URL``) a PostgreSQL schema of the session's own,
emptied before each test. A test taking it runs on both backends (PostgreSQL skipped without
the URL) unless it names its own with ``@pytest.mark.parametrize("database_url", [...],
indirect=True)`` (``tests.web.support.SQLITE``). ``sqlite_url`` is the SQLite copy alone.

``harness`` is the whole app on ``database_url`` (:func:`tests.web.support.build`), for the
web and service tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:  # imported by the fixtures: tests without a database don't load the store
    import sqlalchemy as sa

    from procgen.testing.databases import PostgresSchema, SqliteTemplate
    from tests.web.support import Harness

# Property tests: no per-example deadline (CI machines are slow and shared); CI runs a fixed,
# reproducible set of examples so a red build can be replayed.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = ROOT / "definitions"
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

POSTGRES_URL = os.environ.get("PROCGEN_TEST_POSTGRES_URL")
#: The backends a ``database_url`` test runs on (``request.param`` of the fixture).
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="set PROCGEN_TEST_POSTGRES_URL to test on PostgreSQL"
        ),
    ),
]


@pytest.fixture
def definitions_dir() -> Path:
    return DEFINITIONS


def definition_files() -> list[Path]:
    """Every bundled spec file."""
    return sorted(DEFINITIONS.glob("*.yaml"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """The migrated SQLite file every test's database is copied from."""
    from procgen.testing.databases import SqliteTemplate

    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[PostgresSchema]:
    """The session's own migrated schema on ``PROCGEN_TEST_POSTGRES_URL``, dropped at the end."""
    from procgen.testing.databases import PostgresSchema

    assert POSTGRES_URL is not None
    schema = PostgresSchema(POSTGRES_URL)
    try:
        yield schema
    finally:
        schema.drop()


@pytest.fixture
def sqlite_url(sqlite_template: SqliteTemplate, tmp_path: Path) -> sa.URL:
    """An empty, migrated SQLite database of this test's own."""
    return sqlite_template.fresh(tmp_path)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> sa.URL:
    """An empty, migrated database of the test's backend (see the module docstring)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        template: SqliteTemplate = request.getfixturevalue("sqlite_template")
        return template.fresh(tmp_path)
    schema: PostgresSchema = request.getfixturevalue("postgres_schema")
    return schema.fresh()


@pytest.fixture
def harness(database_url: sa.URL, tmp_path: Path) -> Iterator[Harness]:
    """The whole app on an empty database, its clock at :data:`tests.web.support.NOW`."""
    from tests.web.support import build

    built = build(database_url, storage=tmp_path / "attachments")
    yield built
    built.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that takes ``database_url`` runs on each backend, unless it names its own."""
    if "database_url" not in metafunc.fixturenames:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        if "database_url" in str(mark.args[0] if mark.args else mark.kwargs.get("argnames", "")):
            return
    metafunc.parametrize("database_url", BACKENDS, indirect=True)
