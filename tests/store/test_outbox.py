"""Tests for procgen.store.outbox: claims, leases, delivery, concurrent workers."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from procgen.errors import ConfigurationError
from procgen.store import DossierStore, OutboxMessage, create_engine_for
from procgen.workflow import ManualClock
from tests.store.conftest import T0

MINUTE = dt.timedelta(minutes=1)


def publish(store: DossierStore, n: int) -> None:
    store.outbox.publish([OutboxMessage("sync", {"n": i}) for i in range(n)])


def test_claim_deliver_release(store: DossierStore, clock: ManualClock) -> None:
    publish(store, 5)
    first = store.outbox.claim("w1", batch=2)
    assert [m.payload["n"] for m in first] == [0, 1]
    assert {m.attempts for m in first} == {1}
    assert first[0].created_at == T0
    second = store.outbox.claim("w2", batch=10)
    assert [m.payload["n"] for m in second] == [2, 3, 4]
    assert store.outbox.claim("w3") == []
    assert store.outbox.mark_delivered([m.id for m in first], worker="w1") == 2
    assert store.outbox.mark_delivered([first[0].id], worker="w1") == 0  # already delivered
    assert store.outbox.mark_delivered([second[0].id], worker="w1") == 0  # not w1's
    assert store.outbox.release([second[0].id], worker="w2", error="HTTP 503") == 1
    again = store.outbox.claim("w3")
    assert [(m.payload["n"], m.attempts) for m in again] == [(2, 2)]
    assert store.outbox.pending() == 3
    assert store.outbox.mark_delivered([], worker="w1") == 0


def test_an_expired_lease_is_claimed_again(store: DossierStore, clock: ManualClock) -> None:
    publish(store, 1)
    [claimed] = store.outbox.claim("crashed", lease=5 * MINUTE)
    clock.advance(4 * MINUTE)
    assert store.outbox.claim("w2", lease=5 * MINUTE) == []
    clock.advance(2 * MINUTE)
    [reclaimed] = store.outbox.claim("w2", lease=5 * MINUTE)
    assert reclaimed.id == claimed.id
    assert reclaimed.attempts == 2
    # The first worker's late acknowledgement no longer counts; the second's does.
    assert store.outbox.mark_delivered([claimed.id], worker="crashed") == 0
    assert store.outbox.mark_delivered([claimed.id], worker="w2") == 1


def test_purge_delivered(store: DossierStore, clock: ManualClock) -> None:
    publish(store, 3)
    batch = store.outbox.claim("w", batch=2)
    store.outbox.mark_delivered([m.id for m in batch], worker="w")
    clock.advance(dt.timedelta(days=10))
    assert store.outbox.purge_delivered(T0 + dt.timedelta(days=1)) == 2
    assert store.outbox.pending() == 1


def test_bad_batch(store: DossierStore) -> None:
    with pytest.raises(ConfigurationError):
        store.outbox.claim("w", batch=0)
    assert repr(store.outbox).startswith("<Outbox ")


def test_workers_never_claim_the_same_message(database_url: sa.URL) -> None:
    workers, messages = 4, 400
    engine = create_engine_for(database_url, pool_size=workers, max_overflow=0, busy_timeout=30)
    try:
        store = DossierStore(engine)
        publish(store, messages)
        barrier = threading.Barrier(workers)

        def work(name: str) -> list[int]:
            barrier.wait()
            mine: list[int] = []
            while batch := store.outbox.claim(name, batch=7):
                ids = [m.id for m in batch]
                assert store.outbox.mark_delivered(ids, worker=name) == len(ids)
                mine += ids
            return mine

        with ThreadPoolExecutor(workers) as pool:
            claimed = list(pool.map(work, [f"w{i}" for i in range(workers)]))
        every = [i for ids in claimed for i in ids]
        assert len(every) == len(set(every)) == messages
        assert store.outbox.pending() == 0
    finally:
        engine.dispose()


def test_postgresql_claims_skip_rows_locked_by_another_worker(database_url: sa.URL) -> None:
    if database_url.get_backend_name() != "postgresql":
        pytest.skip("SELECT ... FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite serialises claims")
    engine = create_engine_for(database_url, pool_size=2, max_overflow=0)
    try:
        store = DossierStore(engine)
        publish(store, 4)
        with engine.connect() as other, other.begin():  # a worker mid-claim holds rows 1-2
            other.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
            other.exec_driver_sql("SELECT id FROM outbox WHERE id <= 2 FOR UPDATE")
            claimed = store.outbox.claim("w", batch=10)  # does not wait for the lock
        assert [m.payload["n"] for m in claimed] == [2, 3]
    finally:
        engine.dispose()
