"""Concurrent actions on one dossier through HTTP: exactly one wins each round, the others get
409 with the current version, nothing fails, no event is lost (SQLite and PostgreSQL).

Fifty threads post the same action with the same ``If-Match`` at once, twenty rounds in a row,
on the one-off allowance (``BQP-CS-01``): its review and approval steps send a dossier back and
forth (``propose``, then ``send_back``), so every round has an action to fight over.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from procgen.forms import example_payload
from tests.web.support import NOW, Harness, inputs_for, registry

THREADS = 50
ROUNDS = 20


def test_fifty_concurrent_actions_twenty_rounds(harness: Harness) -> None:
    spec = registry().get("BQP-CS-01").spec
    case = spec.effective_cases()[0]
    steps = {s.id: s for s in case.steps}
    staff = harness.api("all-staff")
    with harness.client:  # one event loop for every thread's requests, as a server has
        filed = harness.submit(spec, example_payload(spec, today=NOW.date())).json()
        dossier = filed["id"]
        assert staff.act(dossier, "accept", 1).status_code == 200
        version, step = 2, "commune_review"
        statuses: list[Counter[int]] = []
        for _ in range(ROUNDS):
            action_id = "propose" if step == "commune_review" else "send_back"
            action = next(a for a in steps[step].actions if a.id == action_id)
            body = {"inputs": inputs_for(action, NOW.date(), None)}
            barrier = threading.Barrier(THREADS)

            def attempt(
                _: int,
                action_id: str = action_id,
                body: dict[str, Any] = body,
                version: int = version,
                barrier: threading.Barrier = barrier,
            ) -> tuple[int, str]:
                barrier.wait()
                response = staff.act(dossier, action_id, version, body)
                return response.status_code, response.headers.get("etag", "")

            with ThreadPoolExecutor(THREADS) as pool:
                results = list(pool.map(attempt, range(THREADS)))
            counts = Counter(status for status, _ in results)
            statuses.append(counts)
            assert counts[200] == 1, counts
            assert counts[409] == THREADS - 1, counts
            assert {etag for status, etag in results if status == 409} == {f'"{version + 1}"'}
            version += 1
            step = action.to
        events = staff.get(f"/dossiers/{dossier}/events").json()["items"]
    assert len(events) == 2 + ROUNDS  # submit, accept, one per round: none lost
    assert [e["seq"] for e in events] == list(range(1, 3 + ROUNDS))
    final = staff.get(f"/dossiers/{dossier}").json()
    assert final["version"] == 2 + ROUNDS
    assert sum(c[200] for c in statuses) == ROUNDS
