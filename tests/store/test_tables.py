"""Tests for procgen.store.tables, records and tracking: column types, JSON, ids, secrets."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from procgen.spec.models import Channel, NationalStatus
from procgen.store import (
    Applicant,
    DossierStore,
    WorklistFilter,
    WorklistPage,
    create_engine_for,
)
from procgen.store.records import DossierRecord, EventRecord
from procgen.store.rows import event_row
from procgen.store.tables import UTCDateTime, dossiers, jsonable, new_id
from procgen.store.tracking import hash_secret, matches, new_secret
from procgen.workflow import EXPIRY_ACTION
from tests.store.conftest import CASE, MACHINE, OFFICER, RECEPTION, T0, new_dossier

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


class Colour(enum.Enum):
    RED = "red"


def test_jsonable() -> None:
    value = {
        "day": dt.date(2025, 7, 1),
        "at": dt.datetime(2025, 7, 1, 8, 30, tzinfo=HANOI),
        "time": dt.time(15, 0),
        "fee": Decimal("12000.50"),
        "id": uuid.UUID(int=1),
        "colour": Colour.RED,
        "status": NationalStatus.DONE,
        "rows": ({"n": 1}, [True, None, 1.5]),
        "tags": frozenset({"b", "a"}),
    }
    assert jsonable(value) == {
        "day": "2025-07-01",
        "at": "2025-07-01T08:30:00+07:00",
        "time": "15:00:00",
        "fee": "12000.50",
        "id": "00000000-0000-0000-0000-000000000001",
        "colour": "red",
        "status": 10,
        "rows": [{"n": 1}, [True, None, 1.5]],
        "tags": ["a", "b"],
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({1: "x"}, "keys must be strings"),
        ({"a": [object()]}, r"value\.a\[0\]: cannot store"),
        (b"bytes", "cannot store b'bytes'"),
    ],
)
def test_jsonable_refuses(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        jsonable(value)


def test_new_ids_are_time_ordered_and_unique_across_threads() -> None:
    with ThreadPoolExecutor(8) as pool:
        batches = list(pool.map(lambda _: [new_id() for _ in range(2000)], range(8)))
    every = [i for batch in batches for i in batch]
    assert len(set(every)) == len(every)
    for batch in batches:
        assert batch == sorted(batch)
    assert {i.version for i in every} == {7}
    millis = every[0].int >> 80
    assert abs(millis - dt.datetime.now(dt.UTC).timestamp() * 1000) < 60_000


def test_instants_are_stored_in_utc_and_read_back_aware(
    store: DossierStore, engine: sa.Engine
) -> None:
    received = dt.datetime(2025, 1, 23, 23, 30, tzinfo=HANOI)  # 16:30 UTC
    dossier = store.create_dossier(new_dossier(received_at=received)).dossier
    assert dossier.received_at == received
    assert dossier.received_at.tzinfo is dt.UTC
    assert dossier.received_at.hour == 16
    with engine.connect() as conn:
        with pytest.raises(sa.exc.StatementError, match="timezone-aware"):
            conn.execute(
                sa.update(dossiers).values(due_at=dt.datetime(2025, 1, 1)).where(sa.true())
            )
        conn.rollback()
        stored = conn.execute(sa.select(sa.cast(dossiers.c.received_at, sa.String))).scalar_one()
    assert stored.startswith("2025-01-23 16:30:00")


def test_postgresql_session_time_zone_does_not_leak(database_url: sa.URL) -> None:
    if database_url.get_backend_name() != "postgresql":
        pytest.skip("SQLite has no session time zone")
    options = database_url.query["options"]
    url = database_url.update_query_dict({"options": f"{options} -ctimezone=Asia/Ho_Chi_Minh"})
    engine = create_engine_for(url, pool_size=1, max_overflow=0)
    try:
        store = DossierStore(engine)
        dossier = store.create_dossier(new_dossier()).dossier
        assert dossier.received_at == T0
        assert dossier.received_at.tzinfo is dt.UTC
        assert store.get(dossier.id).received_at.tzinfo is dt.UTC
    finally:
        engine.dispose()


def test_utc_type_passes_none() -> None:
    column_type = UTCDateTime()
    dialect = sa.create_engine("sqlite://").dialect
    assert column_type.process_bind_param(None, dialect) is None
    assert column_type.process_result_value(None, dialect) is None


@given(st.sampled_from([(s.id, a.id) for s in CASE.steps for a in s.actions]))
def test_every_transition_survives_the_round_trip_through_an_event(pair: tuple[str, str]) -> None:
    step, action = pair
    inputs = {"note": "n", "reason": "r"}
    actor = RECEPTION if step == "reception" else OFFICER
    option = next(o for o in MACHINE.available(step, actor, {}) if o.action == action)
    if not option.allowed:  # the applicant's step
        return
    fields = {f.id for f in option.inputs}
    transition = MACHINE.apply(step, action, actor, {}, {k: v for k, v in inputs.items()
                                                         if k in fields})  # fmt: skip
    record = DossierRecord(
        id=uuid.UUID(int=5), number="X-250101-0001", agency_id="X", procedure_code="P",
        procedure_version=1, case_id="default", step=transition.to_step,
        status=transition.status, channel=Channel.ONLINE, data={}, applicant=Applicant("A"),
        received_at=T0, due_at=None, step_due_at=None, appointment_at=None, completed_at=None,
        paused_seconds=0, paused_since=None, extensions_used=0, outcome=transition.outcome,
        version=2, updated_at=T0,
    )  # fmt: skip
    row = event_row(record, T0, action=transition.action, actor=transition.actor,
                    role=transition.role, transition=transition)  # fmt: skip
    names = {f.name for f in EventRecord.__dataclass_fields__.values()}
    stored = EventRecord(**{k: v for k, v in row.items() if k in names} | {
        "roles": tuple(row["roles"]), "side_events": tuple(row["side_events"]),
        "extension": transition.extension,
    })  # fmt: skip
    assert stored.transition == transition


def test_timed_transitions_are_recorded_as_the_system(store: DossierStore) -> None:
    dossier = store.create_dossier(new_dossier()).dossier
    store.apply_transition(dossier.id, 1, MACHINE.apply("reception", "accept", RECEPTION, {}), T0)
    ask = MACHINE.apply("review", "ask", OFFICER, {}, {"reason": "r"})
    store.apply_transition(dossier.id, 2, ask, T0, step_due_at=T0 + dt.timedelta(days=30))
    due = store.worklist(WorklistFilter(step_due_before=T0 + dt.timedelta(days=31))).items
    assert [d.id for d in due] == [dossier.id]
    expired = store.apply_transition(
        dossier.id, 3, MACHINE.expire("waiting"), T0 + dt.timedelta(days=30), step_due_at=None
    )
    assert (expired.step, expired.outcome, expired.paused) == (
        "not_accepted",
        "not_accepted",
        False,
    )
    event = store.events(dossier.id)[-1]
    assert (event.action, event.user_id, event.roles, event.role) == (
        EXPIRY_ACTION, None, ("system",), "system",
    )  # fmt: skip
    assert event.automatic
    assert event.transition is not None
    assert event.transition.automatic


def test_tracking_secrets() -> None:
    secrets = {new_secret() for _ in range(200)}
    assert len(secrets) == 200
    for secret in secrets:
        assert len(secret) == 14
        assert set(secret.replace("-", "")) <= set("ABCDEFGHJKMNPQRSTVWXYZ23456789")
    dossier, secret = uuid.UUID(int=9), "ABCD-EFGH-JKMN"
    stored = hash_secret(dossier, secret)
    assert matches(dossier, "abcd efgh jkmn", stored)
    assert not matches(uuid.UUID(int=10), secret, stored)  # salted with the dossier id
    assert not matches(dossier, "ABCD-EFGH-JKMP", stored)


def test_small_records() -> None:
    assert WorklistPage((), 0, 1, 50).pages == 1
    assert WorklistPage((), 101, 1, 50).pages == 3
    assert Applicant("A").contact == {}
    assert new_dossier(channel="postal").channel is Channel.POSTAL
    assert new_dossier() == new_dossier()  # records are plain values
