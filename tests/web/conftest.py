"""Fixtures for the web tests: a migrated database per test, on SQLite and PostgreSQL.

The databases come from the store tests' fixtures (a copied SQLite template; a PostgreSQL
schema of its own per session, emptied before each test, skipped without
``PROCGEN_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.store.conftest import (  # noqa: F401 (fixtures, registered by import)
    BACKENDS,
    database_url,
    postgres_schema,
    sqlite_template,
)
from tests.web.support import Harness, build


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that takes a database runs on each backend, unless it names its own."""
    if "database_url" not in metafunc.fixturenames:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        if "database_url" in str(mark.args[0] if mark.args else ""):
            return
    metafunc.parametrize("database_url", BACKENDS, indirect=True)


@pytest.fixture
def harness(database_url: sa.URL) -> Iterator[Harness]:  # noqa: F811 (the fixture)
    """The whole app on an empty database, its clock at :data:`tests.web.support.NOW`."""
    built = build(database_url)
    yield built
    built.close()
