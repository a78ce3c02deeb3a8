"""Tests for procgen.store.batch and the filing path built on it: rows written as Core writes
them, statements per backend, records built without reading back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from procgen.spec.models import Channel, NationalStatus
from procgen.store import Applicant, DossierStore, NewAttachment, OutboxMessage
from procgen.store.batch import PSYCOPG_CACHED, Prepared, insert_rows
from procgen.store.engine import write_transaction, writer
from procgen.store.tables import attachments, dossiers, events, idempotency_keys, new_id, outbox
from procgen.store.writing import as_jsonb, new_record
from tests.store.conftest import RECEPTION, T0, new_dossier

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def attachment(n: int) -> NewAttachment:
    return NewAttachment("application", f"tệp-{n}.pdf", "application/pdf", n, f"{n:064x}",
                         f"{n:064x}")  # fmt: skip


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements sent to the driver meanwhile, with their parameters."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def dossier_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": new_id(), "number": f"N-{uuid.uuid4().hex}", "agency_id": "H29",
        "procedure_code": "QP-VT-01", "procedure_version": 2, "case_id": "default",
        "step": "reception", "status": 2, "channel": "online",
        "data": {"name": "Nguyễn Văn A", "n": [1, 2.5, None, True], "nested": {"x": "\u00e9"}},
        "applicant_user_id": "citizen-1", "applicant_subject_id": None,
        "applicant_name": "Nguyễn Văn A", "applicant_contact": {"phone": "+84912345678"},
        "received_at": dt.datetime(2025, 1, 23, 10, 0, 0, 123456, tzinfo=HANOI),
        "due_at": T0, "step_due_at": None, "appointment_at": T0 + dt.timedelta(days=7),
        "paused_seconds": 0, "paused_since": None, "extensions_used": 0, "version": 1,
        "tracking_secret_hash": "a" * 64, "updated_at": T0,
    }  # fmt: skip
    values.update(changes)
    return values


def event_values(dossier_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "dossier_id": dossier_id, "seq": 1, "at": T0, "action": "submit", "from_step": None,
        "to_step": "reception", "user_id": None, "roles": ["applicant"], "role": "applicant",
        "inputs": {}, "side_events": [], "automatic": False, "status": None, "outcome": None,
        "extension": None,
    }  # fmt: skip
    values.update(changes)
    return values


def raw(
    engine: sa.Engine, table: sa.Table, where: str, leave_out: tuple[str, ...] = ()
) -> list[tuple[Any, ...]]:
    """The rows as the driver gives them (no SQLAlchemy result processing), without the primary
    key and the columns ``leave_out``."""
    names = ", ".join(c.name for c in table.c if not c.primary_key and c.name not in leave_out)
    with engine.connect() as conn:
        return list(conn.exec_driver_sql(f"SELECT {names} FROM {table.name} WHERE {where}"))


# --------------------------------------------------------------------------- insert_rows


def test_rows_are_stored_exactly_as_core_stores_them(engine: sa.Engine) -> None:
    """Every column type, None included (a JSON column stores JSON null for it, as Core does)."""
    rows = {}
    for how in ("core", "batch"):
        d = dossier_values(number=f"N-{how}", paused_since=T0, status=None)
        e = event_values(d["id"], user_id=how, extension={"by": "5 working days"})
        e2 = event_values(d["id"], seq=2, user_id=how, from_step="reception")
        a = {"id": new_id(), "dossier_id": d["id"], "event_seq": 1, "document_id": how,
             "filename": "đơn.pdf", "content_type": "application/pdf", "size": 12,
             "sha256": "b" * 64, "storage_key": "b" * 64, "added_at": T0}  # fmt: skip
        o = {"topic": how, "payload": {"n": 1, "at": "x"}, "created_at": T0, "attempts": 0}
        with write_transaction(writer(engine)) as conn:
            if how == "core":
                for table, values in ((dossiers, [d]), (events, [e, e2]), (attachments, [a]),
                                      (outbox, [o])):  # fmt: skip
                    conn.execute(sa.insert(table), values)
            else:
                insert_rows(
                    conn, [(dossiers, [d]), (events, [e, e2]), (attachments, [a]), (outbox, [o])]
                )
        # each row as stored, but for the columns that tell the two apart
        rows[how] = {
            "dossiers": raw(engine, dossiers, f"number = 'N-{how}'", ("number",)),
            "events": raw(engine, events, f"user_id = '{how}'", ("dossier_id", "user_id")),
            "attachments": raw(
                engine, attachments, f"document_id = '{how}'", ("dossier_id", "document_id")
            ),
            "outbox": raw(engine, outbox, f"topic = '{how}'", ("topic",)),
        }
    assert [len(v) for v in rows["batch"].values()] == [1, 2, 1, 1]
    assert rows["batch"] == rows["core"]


def test_postgresql_sends_a_change_in_statements_psycopg_caches(engine: sa.Engine) -> None:
    d = dossier_values()
    file = {"id": new_id(), "dossier_id": d["id"], "event_seq": 1, "document_id": "d",
            "filename": "f", "content_type": "c", "size": 1, "sha256": "c" * 64,
            "storage_key": "c" * 64, "added_at": T0}  # fmt: skip
    rows = [
        (dossiers, [d]),
        (events, [event_values(d["id"])]),
        (idempotency_keys, []),
        (attachments, [file]),
        (outbox, [{"topic": "t", "payload": {}, "created_at": T0, "attempts": 0}] * 2),
    ]
    with statements(engine) as sent, write_transaction(writer(engine)) as conn:
        insert_rows(conn, rows)
    inserts = [(s, p) for s, p in sent if "INSERT" in s]
    if engine.dialect.name == "postgresql":
        # dossier + event + attachment (24 + 15 + 10 parameters), then the messages (8)
        assert [s.split()[:3] for s, _ in inserts] == [["WITH", "t0", "AS"],
                                                       ["INSERT", "INTO", "outbox"]]  # fmt: skip
        assert [len(p) for _, p in inserts] == [49, 8]
        assert PSYCOPG_CACHED == 50
    else:
        assert len(inserts) == 4  # one per table with rows (two messages in one VALUES list)
    with engine.connect() as conn:
        counts = [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in
                  (dossiers, events, attachments, outbox)]  # fmt: skip
    assert counts == [1, 1, 1, 2]


def test_many_rows_and_shapes(engine: sa.Engine) -> None:
    for n in (1, 2, 7, 1, 7):  # 7 attachments: more parameters than one statement should take
        d = dossier_values()
        rows = [(dossiers, [d]), (events, [event_values(d["id"])])]
        files = [
            {"id": new_id(), "dossier_id": d["id"], "event_seq": 1, "document_id": f"d{i}",
             "filename": "f", "content_type": "c", "size": i, "sha256": "c" * 64,
             "storage_key": "c" * 64, "added_at": T0}
            for i in range(n)
        ]  # fmt: skip
        with write_transaction(writer(engine)) as conn:
            insert_rows(conn, [*rows, (attachments, files)])
        with engine.connect() as conn:
            stored = conn.execute(
                sa.select(attachments.c.size).where(attachments.c.dossier_id == d["id"])
            ).scalars()
            assert sorted(stored) == list(range(n))
    with write_transaction(writer(engine)) as conn:
        insert_rows(conn, [(dossiers, []), (events, [])])  # nothing to do


def test_a_violation_in_one_table_fails_the_whole_change(engine: sa.Engine) -> None:
    d = dossier_values()
    orphan = event_values(uuid.uuid4())  # no such dossier
    with pytest.raises(sa.exc.IntegrityError), write_transaction(writer(engine)) as conn:
        insert_rows(conn, [(dossiers, [d]), (events, [event_values(d["id"]), orphan])])
    assert raw(engine, dossiers, "1 = 1") == []


def test_prepared_sends_literals_and_converts_parameters(engine: sa.Engine) -> None:
    statement = Prepared(
        lambda dialect: sa.select(
            sa.bindparam("day", type_=sa.Date()), sa.literal(41) + 1, sa.bindparam("text")
        )
    )
    with engine.connect() as conn:
        for _ in range(2):  # compiled once, then reused
            row = statement.execute(conn, {"day": dt.date(2025, 1, 2), "text": "ả"}).one()
            assert (str(row[0]), row[1], row[2]) == ("2025-01-02", 42, "ả")


# --------------------------------------------------------------------------- records


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"status": None, "due_at": None, "appointment_at": None, "clock_paused": True},
        {"received_at": dt.datetime(2025, 1, 23, 23, 30, 0, 999999, tzinfo=HANOI),
         "step_due_at": dt.datetime(2025, 2, 1, 17, 0, tzinfo=HANOI)},
        {"channel": "direct", "submitted_by": RECEPTION, "status": NationalStatus.NEW,
         "applicant": Applicant("Công ty A", None, "0101234567", {"email": "a@b.vn"})},
        {"data": {"when": dt.date(2025, 2, 10), "fee": 1.5, "rows": [{"n": 1}, None, True],
                  "big": 2**70, "text": "Đi làm ăn xa\n\t\"'"},
         "attachments": [attachment(1), attachment(2), attachment(3)]},
    ],
)  # fmt: skip
def test_the_record_filed_is_what_a_read_gives_back(
    store: DossierStore, changes: dict[str, Any]
) -> None:
    created = store.create_dossier(new_dossier(**changes), outbox=[OutboxMessage("x", {"a": 1})])
    read = store.get(created.dossier.id)
    assert created.dossier == read
    for field in dataclasses.fields(read):
        mine, theirs = getattr(created.dossier, field.name), getattr(read, field.name)
        assert type(mine) is type(theirs), field.name
        if isinstance(mine, dt.datetime):
            assert mine.tzinfo is theirs.tzinfo is dt.UTC, field.name
    assert store.get_by_number(read.number) == created.dossier
    assert len(store.attachments(read.id)) == len(changes.get("attachments", ()))


# What both databases store as JSON (PostgreSQL refuses NUL characters and lone surrogates).
_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=False, allow_infinity=False) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(_text, _json, max_size=5))
def test_any_json_data_reads_back_as_filed(store: DossierStore, data: dict[str, Any]) -> None:
    created = store.create_dossier(new_dossier(data=data))
    assert store.get(created.dossier.id).data == created.dossier.data


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (2.096989833634335e16, 20969898336343350),
        (-1e16, -(10**16)),
        (1e300, 10**300),
        (9007199254740993.0, 9007199254740992.0),  # below 1e16: kept
        (1e-05, 1e-05),
        ({"a": [1.5e17, True, None, "1e16"]}, {"a": [150000000000000000, True, None, "1e16"]}),
    ],
)
def test_as_jsonb(value: Any, stored: Any) -> None:
    result = as_jsonb(value)
    assert result == stored
    assert type(result) is type(stored)


def test_big_floats_read_back_as_filed(store: DossierStore) -> None:
    data = {"x": 2.096989833634335e16, "y": [1e16, 1.5], "z": {"w": -3.3e20}}
    created = store.create_dossier(new_dossier(data=data))
    read = store.get(created.dossier.id)
    assert read.data == created.dossier.data
    assert [type(v) for v in read.data["y"]] == [type(v) for v in created.dossier.data["y"]]


def test_new_record_normalises_like_the_column_types() -> None:
    values = dossier_values(status=4, channel="postal", paused_since=T0.astimezone(HANOI))
    record = new_record(values)
    assert record.received_at == values["received_at"]
    assert record.received_at.tzinfo is dt.UTC
    assert record.paused_since is not None
    assert record.paused_since.tzinfo is dt.UTC
    assert record.status is NationalStatus.PROCESSING
    assert record.channel is Channel.POSTAL
    assert (record.completed_at, record.outcome, record.version) == (None, None, 1)
    assert record.applicant == Applicant("Nguyễn Văn A", "citizen-1", None,
                                         {"phone": "+84912345678"})  # fmt: skip
