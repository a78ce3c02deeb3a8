"""Fixtures for the store tests: one database per test, on SQLite and (when configured) PostgreSQL.

SQLite: the schema is migrated once per session into a template file, copied for each test.
PostgreSQL (``PROCGEN_TEST_POSTGRES_URL``): one schema per session with a unique name, migrated
once and dropped at the end; each test empties that schema's tables first. Nothing outside the
session's own schema is touched.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from procgen.spec.models import Action, Channel, Extension, NationalStatus, ResolvedCase, Step
from procgen.spec.text import Text
from procgen.store import Applicant, DossierStore, NewDossier, create_engine_for, upgrade
from procgen.workflow import Actor, ManualClock, StateMachine

POSTGRES_URL = os.environ.get("PROCGEN_TEST_POSTGRES_URL")
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
TABLES = ("outbox", "idempotency_keys", "attachments", "events", "drafts", "daily_sequences")

#: 10:00 in Hà Nội on Thursday 23 January 2025.
T0 = dt.datetime(2025, 1, 23, 3, 0, tzinfo=dt.UTC)
AGENCY = "000.00.31.H29"
OFFICER = Actor(frozenset({"officer"}), user_id="officer-1")
RECEPTION = Actor(frozenset({"reception"}), user_id="reception-1")
APPLICANT = Actor(frozenset({"applicant"}), user_id="citizen-1")

CASE = ResolvedCase(
    id="default",
    name=Text(vi="Mặc định", en="Default"),
    when=None,
    deadline="5 working days",
    fee=0,
    channels={},
    documents=(),
    lead_times=(),
    steps=(
        Step(
            id="reception",
            role="reception",
            status=NationalStatus.RECEIVING,
            actions=(Action(id="accept", to="review"), Action(id="reject", to="not_accepted")),
        ),
        Step(
            id="review",
            role="officer",
            status=NationalStatus.PROCESSING,
            actions=(
                Action(id="comment", to="review", requires=("note",)),
                Action(id="ask", to="waiting", requires=("reason",)),
                Action(id="extend", to="review", extends=Extension(by="5 working days")),
                Action(id="approve", to="done"),
            ),
        ),
        Step(
            id="waiting",
            role="applicant",
            clock="paused",
            status=NationalStatus.WAITING,
            deadline="30 days",
            on_expiry="not_accepted",
            actions=(Action(id="supplement", to="review"),),
        ),
        Step(id="done", outcome="approved", status=NationalStatus.DONE),
        Step(id="not_accepted", outcome="not_accepted", status=NationalStatus.DENIED),
    ),
)
MACHINE = StateMachine(CASE)


def schema_url(base: str, schema: str) -> sa.URL:
    """``base`` with every connection's ``search_path`` set to ``schema``."""
    return sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[sa.URL]:
    assert POSTGRES_URL is not None
    schema = f"procgen_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine_for(POSTGRES_URL, pool_size=1, max_overflow=0)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = schema_url(POSTGRES_URL, schema)
        upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> sa.URL:
    """A URL to an empty, migrated database of the test's backend."""
    if request.param == "sqlite":
        path = tmp_path / "procgen.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return sa.make_url(f"sqlite:///{path}")
    url: sa.URL = request.getfixturevalue("postgres_schema")
    engine = create_engine_for(url, pool_size=1, max_overflow=0)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)}, dossiers RESTART IDENTITY")
    engine.dispose()
    return url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and "backend" not in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True)


@pytest.fixture
def engine(database_url: sa.URL) -> Iterator[sa.Engine]:
    engine = create_engine_for(database_url, pool_size=2, max_overflow=60)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def store(engine: sa.Engine, clock: ManualClock) -> DossierStore:
    return DossierStore(engine, clock=clock)


def new_dossier(**changes: Any) -> NewDossier:
    """A dossier for :data:`CASE`, received at :data:`T0`; ``changes`` override fields."""
    values: dict[str, Any] = {
        "agency_id": AGENCY,
        "procedure_code": "QP-VT-01",
        "procedure_version": 2,
        "case_id": "default",
        "step": "reception",
        "status": NationalStatus.RECEIVING,
        "channel": Channel.ONLINE,
        "data": {"applicant_name": "Nguyễn Văn A", "flight_date": dt.date(2025, 2, 10)},
        "applicant": Applicant(
            "Nguyễn Văn A", user_id="citizen-1", subject_id="001099012345",
            contact={"phone": "+84912345678"},
        ),
        "received_at": T0,
        "due_at": T0 + dt.timedelta(days=7),
        "appointment_at": T0 + dt.timedelta(days=7),
    }  # fmt: skip
    values.update(changes)
    return NewDossier(**values)


@pytest.fixture
def make_dossier() -> Callable[..., NewDossier]:
    return new_dossier
