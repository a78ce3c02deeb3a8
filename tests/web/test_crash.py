"""Crash test: a server killed with SIGKILL in the middle of a stream of submissions keeps every
submission it acknowledged, with its document intact (SQLite and PostgreSQL).

``procgen serve`` runs in a subprocess on a migrated database and an attachments folder.
Client threads post multipart submissions of ``BQP-NVQS-03`` as a citizen, each with a small
PDF or PNG of its own (so its SHA-256 identifies it), without pause. Once some have been
acknowledged the server gets SIGKILL while requests are in flight; it is started again on the
same database and folder, the stream resumes, and the server is killed a second time. After
the last restart:

- every acknowledged submission (a 201 with a number) is there through the API: the dossier
  with its number, its submission event, and its document, whose bytes the server reads back
  through the storage (which verifies the checksum) and which equal what was sent;
- nothing is corrupt: every dossier of the database (acknowledged or not) has exactly its
  submission event and one attachment whose file matches its checksum, the day's numbers run
  from 1 without a gap or a repeat and the sequence row agrees, SQLite's integrity check
  passes, and the next submission gets the next number.

Unacknowledged submissions may or may not have been stored. Readiness is polled on
``/health``; the test never sleeps to synchronise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa

from procgen.forms import example_payload
from procgen.store import DossierStore, FileStorage, create_engine_for
from procgen.store.numbering import parse_number
from procgen.store.tables import daily_sequences, dossiers
from procgen.web.auth.users import Account, hash_token, write_accounts
from tests.conftest import DEFINITIONS
from tests.web.support import registry

CODE = "BQP-NVQS-03"
DOCUMENT = "registration_certificate"
CITIZEN, TOKEN = "citizen-crash", "tok-citizen-crash-7f3a9c"
CLIENTS = 3
#: Acknowledged submissions to wait for before each kill (the first kill, then the second).
KILL_AFTER = (12, 24)
START_TIMEOUT = 60.0
STREAM_TIMEOUT = 60.0

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17


@dataclass
class Sent:
    """One submission: its file, and the server's answer if one came."""

    filename: str
    content: bytes
    status: int | None = None
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def acknowledged(self) -> bool:
        return self.status == 201


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``procgen serve`` in a subprocess, on one database and attachments folder."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.starts = 0

    def start(self) -> None:
        """Start the server and wait until ``/health`` answers 200."""
        self.starts += 1
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROCGEN_")}
        env["PROCGEN_SECRET_KEY"] = "crash-test-session-secret-0123456789"
        command = [
            sys.executable, "-m", "procgen", "serve", str(DEFINITIONS),
            "--db", self.database_url, "--port", str(port),
            "--users", str(self.folder / "users.toml"),
            "--attachments", str(self.folder / "attachments"),
        ]  # fmt: skip
        with (self.folder / f"server-{self.starts}.log").open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(f"the server exited with {self.process.returncode}:\n{self.log()}")
                with contextlib.suppress(httpx.TransportError):
                    if client.get("/health").status_code == 200:
                        return
                with contextlib.suppress(subprocess.TimeoutExpired):  # or until it exits
                    self.process.wait(timeout=0.05)
        pytest.fail(f"the server did not become healthy in {START_TIMEOUT:.0f} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no rollback."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """End the server politely (the end of the test)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def log(self) -> str:
        return (self.folder / f"server-{self.starts}.log").read_text(errors="replace")[-4000:]


class Stream:
    """Client threads posting submissions until told to stop or the server goes away."""

    def __init__(self, url: str, payload: dict[str, Any], counter: Iterator[int]) -> None:
        self.url = url
        self.data = json.dumps(payload, ensure_ascii=False)
        self.counter = counter
        self.sent: list[Sent] = []
        self.lock = threading.Lock()
        self.acked = threading.Condition(self.lock)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(CLIENTS)]

    def __enter__(self) -> Stream:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=STREAM_TIMEOUT)
        assert not any(t.is_alive() for t in self.threads), "a client thread is stuck"

    def acknowledged(self) -> int:
        return sum(1 for s in self.sent if s.acknowledged)

    def wait_for(self, count: int) -> None:
        """Block until ``count`` submissions in all have been acknowledged."""
        with self.acked:
            done = self.acked.wait_for(
                lambda: self.acknowledged() >= count or self.stop.is_set(), STREAM_TIMEOUT
            )
        assert done, f"only {self.acknowledged()} acknowledged in {STREAM_TIMEOUT:.0f} s"
        assert not self.stop.is_set(), f"the server went away after {self.acknowledged()}"

    def _next(self) -> Sent:
        serial = next(self.counter)
        marker = f"crash-test {serial} {os.urandom(8).hex()}".encode()
        if serial % 2:
            return Sent(f"giay-chung-nhan-{serial}.png", PNG + marker)
        return Sent(f"giay-chung-nhan-{serial}.pdf", PDF + b"% " + marker + b"\n")

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as client:
            while not self.stop.is_set():
                sent = self._next()
                with self.lock:
                    self.sent.append(sent)
                try:
                    response = client.post(
                        f"/api/procedures/{CODE}/dossiers",
                        data={"data": self.data},
                        files={DOCUMENT: (sent.filename, sent.content)},
                    )
                except httpx.TransportError:  # the server is gone: this one is unacknowledged
                    with self.acked:
                        self.stop.set()
                        self.acked.notify_all()
                    return
                with self.acked:
                    sent.status = response.status_code
                    if response.status_code == 201:
                        sent.body = response.json()
                    else:
                        sent.body = {"error": response.text[:500]}
                    self.acked.notify_all()


@pytest.fixture
def served(tmp_path: Path, database_url: sa.URL) -> Iterator[Server]:
    folder = tmp_path / "service"
    folder.mkdir()
    write_accounts(folder / "users.toml", [Account(CITIZEN, tokens=(hash_token(TOKEN),))])
    server = Server(folder, database_url.render_as_string(hide_password=False))
    try:
        yield server
    finally:
        server.stop()


def test_acknowledged_submissions_survive_sigkill(served: Server, database_url: sa.URL) -> None:
    spec = registry().get(CODE).spec
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    payload = example_payload(spec, today=today)
    counter = itertools.count(1)
    sent: list[Sent] = []
    for kill_after in KILL_AFTER:
        served.start()
        with Stream(served.url, payload, counter) as stream:
            stream.wait_for(kill_after)
            served.kill()  # requests are in flight: CLIENTS threads post without pause
        sent += stream.sent
    served.start()

    refused = [s for s in sent if s.status is not None and s.status != 201]
    assert not refused, [(s.status, s.body) for s in refused]
    acknowledged = [s for s in sent if s.acknowledged]
    assert len(acknowledged) >= sum(KILL_AFTER)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=served.url, headers=headers, timeout=30) as client:
        for s in acknowledged:  # through the API, the storage verifying checksums on read
            number, dossier_id = s.body["number"], s.body["id"]
            found = client.get(f"/api/dossiers/{dossier_id}")
            assert found.status_code == 200, (number, found.text)
            dossier = found.json()
            assert dossier["number"] == number
            [attachment] = dossier["attachments"]
            assert (attachment["document_id"], attachment["sha256"]) == (DOCUMENT, s.sha256)
            events = client.get(f"/api/dossiers/{dossier_id}/events").json()["items"]
            assert [e["action"] for e in events] == ["submit"]
            file = client.get(f"/dossiers/{dossier_id}/files/{attachment['id']}")
            assert file.status_code == 200, (number, file.text[:300])
            assert file.content == s.content
        after = client.post(
            f"/api/procedures/{CODE}/dossiers",
            data={"data": json.dumps(payload)},
            files={DOCUMENT: ("after.pdf", PDF + b"% after the crashes\n")},
        )
        assert after.status_code == 201, after.text
    served.stop()
    _check_nothing_is_corrupt(database_url, served.folder / "attachments", sent, after.json())


def _check_nothing_is_corrupt(
    url: sa.URL, folder: Path, sent: list[Sent], last: dict[str, Any]
) -> None:
    """Every stored dossier, acknowledged or not, is whole; the numbering has no gap."""
    engine = create_engine_for(url, pool_size=1, max_overflow=0)
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        store = DossierStore(engine)
        storage = FileStorage(folder)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(dossiers.c.id, dossiers.c.number)).all()
            sequences = conn.execute(sa.select(daily_sequences)).all()
        by_sha = {s.sha256: s for s in sent}
        numbers: dict[tuple[str, dt.date], list[int]] = {}
        for dossier_id, number in rows:
            events = store.events(dossier_id)
            assert [(e.seq, e.action) for e in events] == [(1, "submit")], number
            [attachment] = store.attachments(dossier_id)
            content = storage.get(attachment.storage_key)  # raises ChecksumMismatch if corrupt
            assert hashlib.sha256(content).hexdigest() == attachment.sha256
            origin = by_sha.get(attachment.sha256)
            if origin is not None:  # the "after" submission is not in ``sent``
                assert content == origin.content
                if origin.acknowledged:
                    assert origin.body["number"] == number
            parsed = parse_number(number)
            numbers.setdefault((parsed.agency_id, parsed.day), []).append(parsed.sequence)
        for key, found in numbers.items():
            assert sorted(found) == list(range(1, len(found) + 1)), (key, sorted(found))
        assert {(a, d): v for a, d, v in sequences} == {k: len(v) for k, v in numbers.items()}
        stored = {number for _, number in rows}
        assert last["number"] in stored
        assert {s.body["number"] for s in sent if s.acknowledged} <= stored
    finally:
        engine.dispose()
