"""Tests for procgen.store.repository: filing, reading, transitions, idempotency, atomicity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from procgen.errors import ConfigurationError, ProcgenError
from procgen.spec.models import Channel, NationalStatus, Outcome
from procgen.store import (
    EVENT_TOPIC,
    KEEP,
    SUBMIT_ACTION,
    DossierStore,
    IdempotencyConflict,
    NewAttachment,
    OutboxMessage,
    RecordNotFound,
    StoreError,
    VersionConflict,
    parse_number,
)
from procgen.workflow import Actor, CaseDeadlines, TransitionEvent
from tests.store.conftest import (
    AGENCY,
    APPLICANT,
    CASE,
    MACHINE,
    OFFICER,
    RECEPTION,
    T0,
    new_dossier,
)

HOUR = dt.timedelta(hours=1)


def attachment(n: int = 1, **changes: Any) -> NewAttachment:
    values: dict[str, Any] = {
        "document_id": "application",
        "filename": f"đơn-{n}.pdf",
        "content_type": "application/pdf",
        "size": 1000 + n,
        "sha256": f"{n:064x}",
        "storage_key": f"{n:064x}",
    }
    values.update(changes)
    return NewAttachment(**values)


def act(store: DossierStore, dossier_id: uuid.UUID, action: str, actor: Actor, at: dt.datetime,
        inputs: dict[str, Any] | None = None, **options: Any) -> Any:  # fmt: skip
    """Apply ``action`` on the dossier's current step and version."""
    current = store.get(dossier_id)
    transition = MACHINE.apply(current.step, action, actor, dict(current.data), inputs or {})
    return store.apply_transition(dossier_id, current.version, transition, at, **options)


@contextmanager
def failing(engine: sa.Engine, table: str) -> Iterator[None]:
    """Make the next statement that inserts into ``table`` fail, mid-transaction (on
    PostgreSQL a change's rows go in as one statement: ``WITH t0 AS (INSERT ...) INSERT ...``).
    """

    def boom(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if f"INSERT INTO {table.upper()} " in statement.upper():
            raise RuntimeError(f"injected failure on {table}")

    event.listen(engine, "before_cursor_execute", boom)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", boom)


def count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


# --------------------------------------------------------------------------- filing


def test_create_records_dossier_event_attachments_and_outbox(store: DossierStore) -> None:
    created = store.create_dossier(new_dossier(attachments=[attachment(1), attachment(2)]))
    dossier = created.dossier
    assert created.created
    assert dossier.number == f"{AGENCY}-250123-0001"
    assert (dossier.version, dossier.step, dossier.status) == (1, "reception", 2 - 1)
    assert dossier.channel is Channel.ONLINE
    assert dossier.data == {"applicant_name": "Nguyễn Văn A", "flight_date": "2025-02-10"}
    assert dossier.applicant.contact == {"phone": "+84912345678"}
    assert dossier.received_at == T0
    assert dossier.received_at.tzinfo is dt.UTC
    assert dossier.open
    assert not dossier.paused
    assert store.get(dossier.id) == dossier
    assert store.get_by_number(dossier.number) == dossier
    [submitted] = store.events(dossier.id)
    assert (submitted.seq, submitted.action, submitted.from_step, submitted.to_step) == (
        1, SUBMIT_ACTION, None, "reception",
    )  # fmt: skip
    assert (submitted.user_id, submitted.roles, submitted.role) == (
        "citizen-1", ("applicant",), "applicant",
    )  # fmt: skip
    assert submitted.transition is None
    assert store.history(dossier.id) == []
    docs = store.attachments(dossier.id)
    assert [(a.filename, a.event_seq, a.size) for a in docs] == [
        ("đơn-1.pdf", 1, 1001), ("đơn-2.pdf", 1, 1002),
    ]  # fmt: skip
    assert store.attachment(docs[0].id) == docs[0]
    [message] = store.outbox.claim("worker")
    assert message.topic == EVENT_TOPIC
    assert message.payload["number"] == dossier.number
    assert message.payload["action"] == SUBMIT_ACTION


def test_dossier_keeps_its_procedure_version(store: DossierStore) -> None:
    old = store.create_dossier(new_dossier(procedure_version=1)).dossier
    new = store.create_dossier(new_dossier(procedure_version=2)).dossier
    act(store, old.id, "accept", RECEPTION, T0 + HOUR)
    assert store.get(old.id).procedure_version == 1
    assert store.get(new.id).procedure_version == 2


def test_direct_channel_filed_by_reception(store: DossierStore) -> None:
    new = new_dossier(channel="direct", submitted_by=RECEPTION, applicant=dataclasses.replace(
        new_dossier().applicant, user_id=None))  # fmt: skip
    dossier = store.create_dossier(new).dossier
    assert dossier.channel is Channel.DIRECT
    [submitted] = store.events(dossier.id)
    assert (submitted.user_id, submitted.role) == ("reception-1", "reception")


def test_tracking_secret_is_shown_once_and_only_its_hash_stored(
    store: DossierStore, engine: sa.Engine
) -> None:
    created = store.create_dossier(new_dossier())
    number, secret = created.dossier.number, created.tracking_secret
    assert len(secret) == 14
    assert secret.count("-") == 2
    assert store.find_for_tracking(number, secret) == created.dossier
    assert store.find_for_tracking(number, f" {secret.lower().replace('-', ' ')} ") is not None
    assert store.find_for_tracking(number, "AAAA-AAAA-AAAA") is None
    assert store.find_for_tracking("nope-250123-0001", secret) is None
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT tracking_secret_hash FROM dossiers").scalar_one()
    assert secret not in stored
    assert secret.replace("-", "") not in stored
    assert "secret" not in repr(created)


def test_missing_rows_raise_not_found(store: DossierStore) -> None:
    missing = uuid.uuid4()
    for call in (store.get, store.events, store.history, store.attachments, store.attachment):
        with pytest.raises(RecordNotFound):
            call(missing)
    with pytest.raises(RecordNotFound) as caught:
        store.get_by_number("000-250101-0001")
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, ProcgenError)


def test_naive_datetimes_and_bad_arguments_are_refused(store: DossierStore) -> None:
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        new_dossier(received_at=dt.datetime(2025, 1, 23, 10))
    with pytest.raises(ConfigurationError, match="agency e-ID"):
        store.create_dossier(new_dossier(agency_id="bad id"))
    with pytest.raises(ConfigurationError, match="sha256"):
        attachment(sha256="abc")
    with pytest.raises(TypeError, match=r"data\.blob"):
        store.create_dossier(new_dossier(data={"blob": object()}))
    dossier = store.create_dossier(new_dossier()).dossier
    transition = MACHINE.apply("reception", "accept", RECEPTION, {})
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        store.apply_transition(dossier.id, 1, transition, dt.datetime(2025, 1, 23, 10))
    with pytest.raises(ConfigurationError, match="due_at"):
        store.apply_transition(dossier.id, 1, transition, T0, due_at=dt.datetime(2025, 1, 30))


# --------------------------------------------------------------------------- idempotency


def test_same_key_and_body_returns_the_same_dossier(store: DossierStore, engine: sa.Engine) -> None:
    first = store.create_dossier(new_dossier(), idempotency_key="user-1:abc")
    # A retry a second later: the server's times differ, the request does not.
    again = store.create_dossier(
        new_dossier(received_at=T0 + dt.timedelta(seconds=1)), idempotency_key="user-1:abc"
    )
    assert not again.created
    assert again.dossier.id == first.dossier.id
    assert again.dossier.number == first.dossier.number
    assert count(engine, "dossiers") == 1
    assert count(engine, "events") == 1
    # The first answer was lost: the replay issues a new secret, which now works.
    assert store.find_for_tracking(first.dossier.number, again.tracking_secret) is not None
    assert store.find_for_tracking(first.dossier.number, first.tracking_secret) is None
    following = store.create_dossier(new_dossier())
    assert parse_number(following.dossier.number).sequence == 2  # no number consumed


def test_same_key_different_body_is_a_conflict(store: DossierStore, engine: sa.Engine) -> None:
    first = store.create_dossier(new_dossier(), idempotency_key="k")
    with pytest.raises(IdempotencyConflict) as caught:
        store.create_dossier(new_dossier(data={"applicant_name": "B"}), idempotency_key="k")
    assert caught.value.key == "k"
    assert caught.value.dossier_id == first.dossier.id
    assert isinstance(caught.value, ValueError)
    assert count(engine, "dossiers") == 1


def test_explicit_request_hash_wins(store: DossierStore) -> None:
    first = store.create_dossier(new_dossier(), idempotency_key="k", request_hash="a" * 64)
    other_body = new_dossier(data={"x": 1})
    again = store.create_dossier(other_body, idempotency_key="k", request_hash="a" * 64)
    assert again.dossier.id == first.dossier.id
    with pytest.raises(IdempotencyConflict):
        store.create_dossier(new_dossier(), idempotency_key="k", request_hash="b" * 64)


def test_fingerprint_ignores_server_times_but_not_documents() -> None:
    base = new_dossier()
    assert base.fingerprint() == new_dossier(received_at=T0 + HOUR, due_at=None).fingerprint()
    assert base.fingerprint() != new_dossier(attachments=[attachment()]).fingerprint()
    assert base.fingerprint() != new_dossier(channel="postal").fingerprint()


def test_idempotency_keys_are_purged(store: DossierStore, clock: Any) -> None:
    store.create_dossier(new_dossier(), idempotency_key="old")
    clock.advance(dt.timedelta(days=2))
    store.create_dossier(new_dossier(data={"n": 2}), idempotency_key="new")
    assert store.purge_idempotency_keys(T0 + dt.timedelta(days=1)) == 1
    # The old key is forgotten: it may now file a new dossier.
    assert store.create_dossier(new_dossier(), idempotency_key="old").created


# --------------------------------------------------------------------------- atomicity


@pytest.mark.parametrize("table", ["events", "attachments", "idempotency_keys", "outbox"])
def test_failed_create_commits_nothing(store: DossierStore, engine: sa.Engine, table: str) -> None:
    with failing(engine, table), pytest.raises(RuntimeError, match="injected"):
        store.create_dossier(new_dossier(attachments=[attachment()]), idempotency_key="k")
    for name in ("dossiers", "events", "attachments", "idempotency_keys", "outbox"):
        assert count(engine, name) == 0, name
    # The number was given back with the rolled-back transaction.
    assert store.create_dossier(new_dossier()).dossier.number.endswith("-0001")


@pytest.mark.parametrize("table", ["events", "attachments", "outbox"])
def test_failed_transition_commits_nothing(
    store: DossierStore, engine: sa.Engine, table: str
) -> None:
    dossier = store.create_dossier(new_dossier()).dossier
    transition = MACHINE.apply("reception", "accept", RECEPTION, {})
    with failing(engine, table), pytest.raises(RuntimeError, match="injected"):
        store.apply_transition(
            dossier.id, 1, transition, T0 + HOUR, due_at=None, attachments=[attachment()]
        )
    assert store.get(dossier.id) == dossier
    assert len(store.events(dossier.id)) == 1
    assert (count(engine, "attachments"), count(engine, "outbox")) == (0, 1)
    assert store.apply_transition(dossier.id, 1, transition, T0 + HOUR).version == 2


# --------------------------------------------------------------------------- transitions


def test_transitions_move_step_clock_and_history(store: DossierStore) -> None:
    dossier = store.create_dossier(new_dossier()).dossier
    due, step_due = T0 + dt.timedelta(days=8), T0 + dt.timedelta(days=2)
    accepted = act(store, dossier.id, "accept", RECEPTION, T0 + HOUR, due_at=due,
                   step_due_at=step_due)  # fmt: skip
    assert (accepted.step, accepted.status, accepted.version) == (
        "review", NationalStatus.PROCESSING, 2,
    )  # fmt: skip
    assert accepted.due_at == T0 + dt.timedelta(days=8)
    assert accepted.appointment_at == dossier.appointment_at  # kept
    asked = act(store, dossier.id, "ask", OFFICER, T0 + 2 * HOUR, {"reason": "Thiếu ảnh"})
    assert asked.paused
    assert asked.paused_since == T0 + 2 * HOUR
    supplement = [attachment(7, document_id="photo")]
    resumed = act(store, dossier.id, "supplement", APPLICANT, T0 + 5 * HOUR,
                  data={**dossier.data, "photo": "added"}, attachments=supplement)  # fmt: skip
    assert not resumed.paused
    assert resumed.paused_seconds == 3 * 3600
    assert resumed.data["photo"] == "added"
    assert [a.event_seq for a in store.attachments(dossier.id)] == [4]
    extended = act(store, dossier.id, "extend", OFFICER, T0 + 6 * HOUR)
    assert extended.extensions_used == 1
    done = act(store, dossier.id, "approve", OFFICER, T0 + 7 * HOUR, step_due_at=None)
    assert (done.outcome, done.status, done.completed_at) == (
        Outcome.APPROVED, NationalStatus.DONE, T0 + 7 * HOUR,
    )  # fmt: skip
    assert not done.open
    assert done.step_due_at is None
    assert done.version == 6
    history = store.events(dossier.id)
    assert [e.seq for e in history] == [1, 2, 3, 4, 5, 6]
    assert [e.action for e in history] == [
        SUBMIT_ACTION, "accept", "ask", "supplement", "extend", "approve",
    ]  # fmt: skip
    assert history[2].inputs == {"reason": "Thiếu ảnh"}
    assert history[2].side_events == (TransitionEvent.CLOCK_PAUSED,)
    assert history[4].extension is not None
    assert str(history[4].extension.by) == "5 working days"
    assert set(history[5].side_events) == {"completed", "closed"}
    payloads = [m.payload for m in store.outbox.claim("w", batch=10)]
    assert [p["seq"] for p in payloads] == [1, 2, 3, 4, 5, 6]
    assert payloads[-1]["outcome"] == "approved"
    assert payloads[-1]["status"] == 10


def test_history_replays_on_the_legal_clock(store: DossierStore) -> None:
    dossier = store.create_dossier(new_dossier()).dossier
    act(store, dossier.id, "accept", RECEPTION, T0 + HOUR)
    act(store, dossier.id, "ask", OFFICER, T0 + 2 * HOUR, {"reason": "x"})
    act(store, dossier.id, "supplement", APPLICANT, T0 + 26 * HOUR)
    recorded = [MACHINE.apply("reception", "accept", RECEPTION, {})]
    history = store.history(dossier.id)
    assert [entry.at for entry in history] == [T0 + HOUR, T0 + 2 * HOUR, T0 + 26 * HOUR]
    assert history[0].transition == recorded[0]
    timeline = CaseDeadlines(CASE).replay(dossier.received_at, history, channel=dossier.channel)
    assert timeline.step == store.get(dossier.id).step == "review"
    assert len(timeline.pauses) == 1
    assert timeline.pauses[0].start == T0 + 2 * HOUR


def test_keep_and_clear_deadlines(store: DossierStore) -> None:
    dossier = store.create_dossier(new_dossier(step_due_at=T0 + HOUR)).dossier
    kept = act(store, dossier.id, "accept", RECEPTION, T0, step_due_at=KEEP)
    assert kept.step_due_at == T0 + HOUR
    assert kept.due_at == dossier.due_at
    cleared = act(store, dossier.id, "comment", OFFICER, T0, {"note": "n"},
                  due_at=None, appointment_at=None, completed_at=None)  # fmt: skip
    assert (cleared.due_at, cleared.appointment_at, cleared.completed_at) == (None, None, None)


def test_stale_version_is_a_conflict_and_writes_nothing(store: DossierStore) -> None:
    dossier = store.create_dossier(new_dossier()).dossier
    transition = MACHINE.apply("reception", "accept", RECEPTION, {})
    store.apply_transition(dossier.id, 1, transition, T0 + HOUR)
    with pytest.raises(VersionConflict) as caught:
        store.apply_transition(dossier.id, 1, transition, T0 + HOUR)
    assert caught.value.current_version == 2
    assert "version 2, not 1" in str(caught.value)
    assert len(store.events(dossier.id)) == 2


def test_transition_from_another_step_is_refused(store: DossierStore) -> None:
    dossier = store.create_dossier(new_dossier()).dossier
    wrong = MACHINE.apply("review", "approve", OFFICER, {})
    with pytest.raises(StoreError, match="is in step 'reception'"):
        store.apply_transition(dossier.id, 1, wrong, T0)
    with pytest.raises(RecordNotFound):
        store.apply_transition(uuid.uuid4(), 1, wrong, T0)


def test_initial_paused_step_starts_paused(store: DossierStore) -> None:
    dossier = store.create_dossier(new_dossier(clock_paused=True)).dossier
    assert dossier.paused_since == T0


def test_caller_outbox_messages_commit_with_the_change(store: DossierStore) -> None:
    note = OutboxMessage("notify.sms", {"to": "+84912345678", "when": T0})
    dossier = store.create_dossier(new_dossier(), outbox=[note]).dossier
    act(store, dossier.id, "accept", RECEPTION, T0, outbox=[OutboxMessage("notify.email", {})])
    topics = [m.topic for m in store.outbox.claim("w")]
    assert topics == [EVENT_TOPIC, "notify.sms", EVENT_TOPIC, "notify.email"]


# --------------------------------------------------------------------------- append-only


def test_events_cannot_be_updated_or_deleted_in_the_database(
    store: DossierStore, engine: sa.Engine
) -> None:
    dossier = store.create_dossier(new_dossier()).dossier
    for statement in ("UPDATE events SET action = 'forged'", "DELETE FROM events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert [e.action for e in store.events(dossier.id)] == [SUBMIT_ACTION]


def test_store_api_offers_no_way_to_change_events() -> None:
    public = {name for name in dir(DossierStore) if not name.startswith("_")}
    assert not {n for n in public if "event" in n and n != "events"}
    assert not {n for n in public if n.startswith(("delete", "update", "remove"))}


def test_repr(store: DossierStore) -> None:
    assert repr(store).startswith("<DossierStore ")
    dossier = store.create_dossier(new_dossier()).dossier
    assert repr(dossier) == (
        f"<Dossier {dossier.number} QP-VT-01 v2: step reception, open, version 1>"
    )
