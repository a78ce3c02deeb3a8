"""Fixtures for the store tests: an engine, a store and a clock per test, and a small case.

The database (``database_url``: SQLite and, when configured, PostgreSQL) comes from the
fixtures of ``tests/conftest.py``, built on the shipped :mod:`procgen.testing.databases`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

import tests.conftest
from procgen.spec.models import Action, Channel, Extension, NationalStatus, ResolvedCase, Step
from procgen.spec.text import Text
from procgen.store import Applicant, DossierStore, NewDossier, create_engine_for
from procgen.workflow import Actor, ManualClock, StateMachine

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


def __getattr__(name: str) -> Any:
    """``BACKENDS`` and the database fixtures, for modules that still import them from here
    (tests/testing/test_coverage.py); they live in ``tests/conftest.py``. Looked up on demand,
    so pytest does not register the fixtures a second time for this directory."""
    if name in ("BACKENDS", "database_url", "postgres_schema", "sqlite_template"):
        return getattr(tests.conftest, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
