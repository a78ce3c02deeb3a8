"""Fixtures for the service tests: the same as the web tests' (a migrated database per test,
on SQLite and PostgreSQL, and the whole app as a harness)."""

from __future__ import annotations

from tests.web.conftest import (  # noqa: F401 (fixtures and hooks, registered by import)
    BACKENDS,
    database_url,
    harness,
    postgres_schema,
    pytest_generate_tests,
    sqlite_template,
)
