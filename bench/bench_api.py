"""Benchmark: submissions per second through the REST API, procgen vs a hand-written endpoint.

``POST /api/procedures/BQP-NVQS-03/dossiers`` (8 fields: texts, dates, a personal ID, a phone
number, an address, a cross-field rule; one required document), in the same run, on SQLite (a
temporary file) and on PostgreSQL (``--pg URL`` or ``PROCGEN_TEST_POSTGRES_URL``; a fresh
schema per app, dropped afterwards):

- procgen: ``procgen.create_app`` with the bundled definitions and a bearer token from a
  development users file;
- reference: ``bench/reference_app.py``, a hand-written Starlette + pydantic + SQLAlchemy
  endpoint for the same procedure and the same JSON body, storing the same things (the
  document, durably, by its SHA-256; the same dossier, event and attachment rows as procgen,
  in tables with the same columns and indexes, in one transaction, on the same SQLite
  settings, its writers queued on a lock as procgen's are) and giving the same answer.
  procgen also writes an outbox message per event in that transaction.

Each app runs in its own server process: uvicorn, one process, one event loop (asyncio, h11),
no access log, on 127.0.0.1 and a free port. The load generator is this process: one
``httpx.AsyncClient`` with ``C`` keep-alive connections posting JSON bodies built beforehand
(``example_payload`` and a small PDF made unique per request, so every document is really
written). Rounds alternate between the apps; each stops after ``N`` requests or its time
share, and the whole run stops by itself within ``--seconds`` (plus start-up). Every answer
must be a 201; afterwards the database must hold one dossier, event and attachment per 201,
with unique numbers.

Prints, for each app on each backend, requests per second, p50 and p99 latency (of the median
round) and the server's CPU time per request (from ``/proc``; the client shares the machine),
then the ratio procgen/reference: the median of the per-round ratios, since rounds of the two
apps alternate (ABBA...) and a shared machine drifts; and the same median for the server CPU
time per request, which what else runs on the machine disturbs less. Target (issue 5): at
least 0.8x of the reference's requests per second.
``--profile DIR`` runs both servers under cProfile (every thread, CPU time) and prints
procgen's top costs.

Usage: ``python bench/bench_api.py [-n 300] [-c 8] [--rounds 7] [--seconds 60] [--pg URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import cProfile
import datetime as dt
import json
import os
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import reference_app
import sqlalchemy as sa

from procgen.forms import example_payload
from procgen.registry import Registry
from procgen.store import create_engine_for, upgrade
from procgen.web.auth.users import Account, hash_token, write_accounts

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = ROOT / "definitions"
CODE = reference_app.CODE
PATH = f"/api/procedures/{CODE}/dossiers"
USER, TOKEN = "citizen-bench", "bench-token-5f0c2b7e9a4d41c8b3e6"
APPS = ("procgen", "reference")
TABLES = {
    "procgen": ("dossiers", "events", "attachments"),
    "reference": ("ref_dossiers", "ref_events", "ref_attachments"),
}


# ----------------------------------------------------------------------------- the servers


def _profile_threads() -> tuple[cProfile.Profile, list[cProfile.Profile]]:
    """cProfile for the main thread and every thread started from now on (the thread pool
    where both apps run their synchronous work), counting each thread's CPU time (so threads
    waiting for a lock or the database cost nothing)."""
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start(frame: FrameType, event: str, arg: Any) -> None:
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()  # replaces this hook in this thread

    threading.setprofile(start)
    main = cProfile.Profile(time.thread_time)
    main.enable()
    return main, profiles


def serve(app_name: str, db: str, folder: Path, port: int, profile: Path | None) -> None:
    """Run one app with uvicorn until SIGINT/SIGTERM (the ``--serve`` mode of this script)."""
    import uvicorn

    if app_name == "procgen":
        import procgen

        app = procgen.create_app(
            DEFINITIONS,
            database_url=db,
            users=folder / "users.toml",
            storage=folder / "attachments",
            session_secret="bench-session-secret-0123456789abcdef",
        )
    else:
        app = reference_app.reference_app(db, folder / "attachments", {TOKEN: USER})
    main, threads = _profile_threads() if profile is not None else (None, [])
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
    )
    if main is not None and profile is not None:
        main.disable()
        threading.setprofile(None)
        stats = pstats.Stats(main)
        for other in threads:
            with contextlib.suppress(TypeError):  # a thread that never ran a call
                stats.add(other)
        stats.dump_stats(profile)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """One app in a uvicorn subprocess."""

    app: str
    db: str
    folder: Path
    profile: Path | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, __file__, "--serve", self.app, "--db", self.db]
        command += ["--folder", str(self.folder), "--port", str(self.port)]
        if self.profile is not None:
            command += ["--profile-file", str(self.profile)]
        log = (self.folder / "server.log").open("ab")
        with log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the {self.app} server exited:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.05)
        raise SystemExit(f"the {self.app} server did not answer /health:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def cpu(self) -> float | None:
        """Seconds of CPU the server process has used (Linux ``/proc``; None elsewhere)."""
        if self.process is None:
            return None
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log(self) -> str:
        return (self.folder / "server.log").read_text(errors="replace")[-3000:]


# ----------------------------------------------------------------------------- the load


@dataclass
class Round:
    latencies: list[float]
    elapsed: float
    errors: list[str]
    cpu: float | None = None  # the server's CPU seconds during the round

    @property
    def cpu_ms(self) -> float | None:
        """The server's CPU milliseconds per acknowledged request."""
        if self.cpu is None or not self.latencies:
            return None
        return self.cpu / len(self.latencies) * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def make_bodies(payload: dict[str, Any], count: int) -> list[bytes]:
    """``count`` JSON bodies, each with its own small PDF (so each document is written)."""
    bodies = []
    for _ in range(count):
        pdf = (
            b"%PDF-1.4\n% bench " + uuid.uuid4().hex.encode() + b"\n"
            b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        )
        content = base64.b64encode(pdf).decode()
        document = {"filename": "giay-chung-nhan.pdf", "content_base64": content}
        body = {"data": payload, "documents": {"registration_certificate": document}}
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return bodies


async def _load(url: str, bodies: list[bytes], concurrency: int, seconds: float) -> Round:
    headers = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    errors: list[str] = []
    todo = iter(bodies)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker(stop: float) -> None:
            for body in todo:
                if time.perf_counter() > stop:
                    return
                began = time.perf_counter()
                response = await client.post(PATH, content=body, headers=headers)
                if response.status_code == 201:
                    latencies.append(time.perf_counter() - began)
                else:
                    errors.append(f"{response.status_code}: {response.text[:300]}")

        # open the connections before the clock starts
        await asyncio.gather(*(client.get("/health") for _ in range(concurrency)))
        start = time.perf_counter()
        await asyncio.gather(*(worker(start + seconds) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return Round(latencies, elapsed, errors)


def load(url: str, bodies: list[bytes], concurrency: int, seconds: float) -> Round:
    return asyncio.run(_load(url, bodies, concurrency, seconds))


# ----------------------------------------------------------------------------- databases


@contextlib.contextmanager
def databases(backend: str, pg: str | None, folder: Path) -> Iterator[dict[str, str]]:
    """A migrated, empty database per app: SQLite files, or PostgreSQL schemas (dropped)."""
    if backend == "sqlite":
        urls = {app: f"sqlite:///{folder / app}.sqlite3" for app in APPS}
        _prepare(urls)
        yield urls
        return
    assert pg is not None
    admin = create_engine_for(pg, pool_size=1, max_overflow=0)
    schemas = {app: f"procgen_bench_{app}_{uuid.uuid4().hex[:10]}" for app in APPS}
    try:
        with admin.begin() as conn:
            for schema in schemas.values():
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        urls = {
            app: sa.make_url(pg)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
            for app, schema in schemas.items()
        }
        _prepare(urls)
        yield urls
    finally:
        with admin.begin() as conn:
            for schema in schemas.values():
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def _prepare(urls: dict[str, str]) -> None:
    upgrade(urls["procgen"])
    reference_app.create_tables(urls["reference"])


def stored(app: str, url: str) -> tuple[int, int, int, int]:
    """Dossiers, distinct numbers, events and attachments in ``app``'s database."""
    dossiers, events, attachments = TABLES[app]
    engine = create_engine_for(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    f"SELECT (SELECT count(*) FROM {dossiers}), "
                    f"(SELECT count(DISTINCT number) FROM {dossiers}), "
                    f"(SELECT count(*) FROM {events}), (SELECT count(*) FROM {attachments})"
                )
            ).one()
    finally:
        engine.dispose()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


# ----------------------------------------------------------------------------- the run


def run_backend(
    backend: str, args: argparse.Namespace, payload: dict[str, Any], share: float, work: Path
) -> dict[str, list[Round]]:
    """Both apps on ``backend``: servers started together, rounds alternating between them."""
    folder = work / backend
    folder.mkdir()
    rounds: dict[str, list[Round]] = {app: [] for app in APPS}
    with databases(backend, args.pg, folder) as urls:
        servers = {}
        for app in APPS:
            app_folder = folder / app
            app_folder.mkdir()
            write_accounts(app_folder / "users.toml", [Account(USER, tokens=(hash_token(TOKEN),))])
            profile = args.profile / f"{app}-{backend}.prof" if args.profile else None
            servers[app] = Server(app, urls[app], app_folder, profile)
        acknowledged = dict.fromkeys(APPS, 0)
        try:
            for server in servers.values():
                server.start()
            for app, server in servers.items():  # warm-up: imports, caches, pools
                warm = load(server.url, make_bodies(payload, args.warmup), args.concurrency, 30)
                if warm.errors:
                    raise SystemExit(f"{app} on {backend}: {warm.errors[0]}")
                acknowledged[app] += len(warm.latencies)
            for index in range(args.rounds):
                order = APPS if index % 2 == 0 else APPS[::-1]
                for app in order:
                    server = servers[app]
                    bodies = make_bodies(payload, args.requests)
                    before = server.cpu()
                    result = load(server.url, bodies, args.concurrency, share)
                    after = server.cpu()
                    if before is not None and after is not None:
                        result.cpu = after - before
                    acknowledged[app] += len(result.latencies)
                    if result.errors:
                        print(f"  {app} on {backend}: {len(result.errors)} errors, first: "
                              f"{result.errors[0]}")  # fmt: skip
                    rounds[app].append(result)
        finally:
            for server in servers.values():
                server.stop()
        for app in APPS:
            count, numbers, events, attachments = stored(app, urls[app])
            expected = acknowledged[app]
            if not count == numbers == events == attachments == expected:
                raise SystemExit(
                    f"{app} on {backend}: {expected} acknowledged, but {count} dossiers "
                    f"({numbers} numbers), {events} events, {attachments} attachments stored"
                )
    return rounds


def _median_round(rounds: list[Round]) -> Round:
    return sorted(rounds, key=lambda r: r.rate)[(len(rounds) - 1) // 2]


def report_profile(path: Path, limit: int = 25) -> None:
    """The top costs in a server's profile: CPU time in the function itself, and with what
    it calls (the figures include the warm-up and start-up)."""
    stats = pstats.Stats(str(path))
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(item[2] for item in entries.values())
    print(f"\nprofile {path.name}: {total:.2f} s of CPU in all threads")
    for title, key in (("own time", 2), ("with callees", 3)):
        print(f"-- top {limit} by {title}\n{'own s':>8} {'total s':>8} {'calls':>8}  function")
        ranked = sorted(entries.items(), key=lambda item: item[1][key], reverse=True)
        for (file, line, name), (_, calls, own, cumulative, _) in ranked[:limit]:
            where = file.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            print(f"{own:8.3f} {cumulative:8.3f} {calls:8d}  {name} ({where}:{line})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("-n", "--requests", type=int, default=300, help="requests per round")
    parser.add_argument("-c", "--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per app and backend")
    parser.add_argument("--warmup", type=int, default=40, help="requests before timing")
    parser.add_argument("--seconds", type=float, default=60, help="time budget of the timing")
    parser.add_argument("--pg", default=os.environ.get("PROCGEN_TEST_POSTGRES_URL"))
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--profile", type=Path, help="profile the servers into this folder")
    parser.add_argument("--serve", choices=APPS, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.db, args.folder, args.port, args.profile_file)
        return
    backends = ["sqlite"] + ([] if args.sqlite_only or not args.pg else ["postgresql"])
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    form = Registry.from_path(DEFINITIONS).get(CODE).form
    payload = example_payload(form, today=today)
    share = args.seconds / (len(backends) * len(APPS) * args.rounds)
    print(
        f"POST {PATH}: {args.requests} requests per round (at most {share:.1f} s), "
        f"{args.concurrency} concurrent clients, {args.rounds} rounds per app "
        f"(alternating), "
        f"{args.warmup} warm-up requests"
    )
    print(
        f"servers: uvicorn, 1 process each, asyncio + h11, no access log, on 127.0.0.1; "
        f"client: httpx.AsyncClient in this process; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}"
    )
    results: dict[str, dict[str, list[Round]]] = {}
    with tempfile.TemporaryDirectory(prefix="procgen-bench-") as tmp:
        for backend in backends:
            results[backend] = run_backend(backend, args, payload, share, Path(tmp))
    print(
        f"\n{'backend':<11} {'app':<10} {'requests':>8} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'server CPU ms/req':>18}   (median round; req/s of each round)"
    )
    for backend, by_app in results.items():
        for app in APPS:
            r = _median_round(by_app[app])
            cpu = statistics.median(x.cpu_ms for x in by_app[app] if x.cpu_ms is not None)
            each = " ".join(f"{x.rate:.0f}" for x in by_app[app])
            print(
                f"{backend:<11} {app:<10} {len(r.latencies):>8} {r.rate:>8.1f} "
                f"{r.quantile(0.5):>8.1f} {r.quantile(0.99):>8.1f} {cpu:>18.2f}   ({each})"
            )
    print()
    for backend, by_app in results.items():
        pairs = list(zip(by_app["procgen"], by_app["reference"], strict=True))
        ratios = sorted(ours.rate / ref.rate for ours, ref in pairs if ref.rate)
        ratio = statistics.median(ratios)
        ours, ref = _median_round(by_app["procgen"]), _median_round(by_app["reference"])
        verdict = "met" if ratio >= 0.8 else "NOT met"
        print(
            f"{backend}: procgen/reference {ratio:.2f}x throughput (median of {len(ratios)} "
            f"paired rounds, {ratios[0]:.2f}-{ratios[-1]:.2f}); latency p50 "
            f"{ours.quantile(0.5) / max(ref.quantile(0.5), 1e-9):.2f}x, p99 "
            f"{ours.quantile(0.99) / max(ref.quantile(0.99), 1e-9):.2f}x; "
            f"target at least 0.8x -> {verdict}"
        )
        cpu = sorted(
            r.cpu_ms / o.cpu_ms for o, r in pairs if o.cpu_ms is not None and r.cpu_ms is not None
        )
        if cpu:  # less sensitive to what else the machine runs than requests per second
            print(
                f"{'':>{len(backend) + 1}} server CPU per request: reference/procgen "
                f"{statistics.median(cpu):.2f}x (median of {len(cpu)} paired rounds, "
                f"{cpu[0]:.2f}-{cpu[-1]:.2f})"
            )
    if not args.pg and not args.sqlite_only:
        print("postgresql: skipped (give --pg URL or set PROCGEN_TEST_POSTGRES_URL)")
    if args.profile:
        for backend in backends:
            report_profile(args.profile / f"procgen-{backend}.prof")


if __name__ == "__main__":
    main()
