"""The issue's "Done when": concurrent actions on one dossier and concurrent filings.

Each thread has its own connection from the pool. On SQLite the writers queue on the write lock
(``BEGIN IMMEDIATE`` under the busy timeout); on PostgreSQL they queue on the dossier's row.
Either way exactly one action per round wins and every other one gets ``VersionConflict``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from procgen.store import DossierStore, VersionConflict, create_engine_for, parse_number
from tests.store.conftest import AGENCY, MACHINE, OFFICER, RECEPTION, T0, new_dossier

THREADS = 50
ROUNDS = 20


def test_one_action_wins_each_round(database_url: sa.URL) -> None:
    engine = create_engine_for(database_url, pool_size=THREADS, max_overflow=0, busy_timeout=30)
    try:
        store = DossierStore(engine)
        dossier = store.create_dossier(new_dossier()).dossier
        accept = MACHINE.apply("reception", "accept", RECEPTION, {})
        store.apply_transition(dossier.id, 1, accept, T0)
        comment = MACHINE.apply("review", "comment", OFFICER, {}, {"note": "xem"})
        # Warm the pool so that every thread holds its own connection.
        connections = [engine.connect() for _ in range(THREADS)]
        for connection in connections:
            connection.close()
        outcomes: Counter[str] = Counter()
        winners_per_round = []
        barrier = threading.Barrier(THREADS)

        def attempt(version: int, at: dt.datetime) -> str:
            barrier.wait()
            try:
                store.apply_transition(dossier.id, version, comment, at)
            except VersionConflict as conflict:
                return f"conflict at {conflict.current_version}"
            return "success"

        with ThreadPoolExecutor(THREADS) as pool:
            for n in range(ROUNDS):
                version = store.get(dossier.id).version
                at = T0 + dt.timedelta(minutes=n + 1)
                tries = [(version, at)] * THREADS
                results = list(pool.map(lambda args: attempt(*args), tries))
                winners_per_round.append(results.count("success"))
                # Every loser is told the version the winner made.
                assert set(results) == {"success", f"conflict at {version + 1}"}
                outcomes.update(r.split(" at ")[0] for r in results)
        assert winners_per_round == [1] * ROUNDS
        assert outcomes == {"success": ROUNDS, "conflict": ROUNDS * (THREADS - 1)}
        events = store.events(dossier.id)
        assert len(events) == 2 + ROUNDS  # submission, accept, one per round: none lost
        assert [e.seq for e in events] == list(range(1, ROUNDS + 3))
        assert store.get(dossier.id).version == ROUNDS + 2
        assert store.outbox.pending() == ROUNDS + 2
    finally:
        engine.dispose()


def test_concurrent_filings_get_unique_sequential_numbers(database_url: sa.URL) -> None:
    threads, each = 8, 25
    engine = create_engine_for(database_url, pool_size=threads, max_overflow=0, busy_timeout=30)
    try:
        store = DossierStore(engine)
        barrier = threading.Barrier(threads)

        def file(n: int) -> list[str]:
            barrier.wait()
            return [
                store.create_dossier(new_dossier(data={"n": n, "i": i})).dossier.number
                for i in range(each)
            ]

        with ThreadPoolExecutor(threads) as pool:
            numbers = [number for batch in pool.map(file, range(threads)) for number in batch]
        parsed = [parse_number(number) for number in numbers]
        assert len(set(numbers)) == threads * each
        assert {(p.agency_id, p.day) for p in parsed} == {(AGENCY, dt.date(2025, 1, 23))}
        assert sorted(p.sequence for p in parsed) == list(range(1, threads * each + 1))
    finally:
        engine.dispose()


def test_concurrent_retries_with_one_idempotency_key_file_once(database_url: sa.URL) -> None:
    threads = 10
    engine = create_engine_for(database_url, pool_size=threads, max_overflow=0, busy_timeout=30)
    try:
        store = DossierStore(engine)
        barrier = threading.Barrier(threads)

        def file(_: int) -> tuple[str, bool]:
            barrier.wait()
            created = store.create_dossier(new_dossier(), idempotency_key="double-click")
            return created.dossier.number, created.created

        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(file, range(threads)))
        assert {number for number, _ in results} == {f"{AGENCY}-250123-0001"}
        assert sum(created for _, created in results) == 1
        assert store.worklist().total == 1
    finally:
        engine.dispose()
