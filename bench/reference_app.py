"""The hand-written reference for ``bench_api.py``: one submission endpoint, written directly.

``POST /api/procedures/BQP-NVQS-03/dossiers`` takes the same JSON body as procgen's API
(``{"data": {...}, "documents": {"registration_certificate": {"filename", "content_base64"}}}``)
with a bearer token, and does what a careful hand-written Starlette + pydantic + SQLAlchemy
endpoint would do for that one procedure:

- the caller: ``Authorization: Bearer`` looked up by its SHA-256;
- validation: a pydantic model of the procedure's eight fields written by hand (one-line
  texts with limits, ISO dates, the personal ID's province prefix and birth-year digits, a
  Vietnamese phone number normalised to E.164, an address whose commune belongs to its
  province, and the rule "an absence of 90 days or more"), and the document checked by its
  first bytes (PDF, JPEG or PNG), its size (5 MB) and presence; 422 with ``{loc, code, msg}``;
- the document written durably, named by its SHA-256 (temporary file, ``fsync``, rename,
  ``fsync`` of the folder and of the parents of new folders), as procgen's ``FileStorage``
  does;
- one transaction (``BEGIN IMMEDIATE`` on SQLite, with WAL, ``synchronous=FULL``, foreign keys
  and a busy timeout, as procgen sets it up): the day's sequence taken with ``INSERT ... ON
  CONFLICT DO UPDATE ... RETURNING``, then the same rows as procgen's (tables with the same
  columns, types and indexes): the dossier row (number ``<agency>-YYMMDD-<seq>``, case, step
  and national status, JSON data, applicant with subject ID and JSON contact, due and
  appointment dates one working day later, pause and extension counters, hash of a tracking
  secret), its submission event and its attachment row;
- 201 with the answer procgen gives: id, number, procedure, case, step, status, channel,
  dates, version, tracking secret, links (the dossier, the receipt); ``Location``, ``ETag``,
  ``Cache-Control`` and ``X-Content-Type-Options`` headers.

What it leaves out, and procgen does: other procedures, multipart bodies, idempotency keys,
case selection and lead times, the legal calendar (holidays, office hours), an outbox message
per event, bilingual messages.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import os
import re
import secrets
import sqlite3
import tempfile
import threading
import uuid
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from procgen.forms.identifiers import CITIZEN_ID_PROVINCES

CODE = "BQP-NVQS-03"
AGENCY = "000.00.31.H29"
CASE, STEP, STATUS = "default", "received", 2  # the first step, national status 2 (new)
DOCUMENT = "registration_certificate"
MAX_SIZE = 5 * 1000 * 1000
MAX_BODY = MAX_SIZE * 4 // 3 + 1024 * 1024
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# ----------------------------------------------------------------------------- the tables

metadata = sa.MetaData()
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
Instant = sa.DateTime(timezone=True)

ID = sa.String(64)
ref_dossiers = sa.Table(  # the columns of procgen's dossiers table
    "ref_dossiers",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("number", sa.String(80), nullable=False, unique=True),
    sa.Column("agency_id", ID, nullable=False),
    sa.Column("procedure_code", ID, nullable=False),
    sa.Column("procedure_version", sa.Integer(), nullable=False),
    sa.Column("case_id", ID, nullable=False),
    sa.Column("step", ID, nullable=False),
    sa.Column("status", sa.SmallInteger(), nullable=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("data", JSONType, nullable=False),
    sa.Column("applicant_user_id", sa.String(200), nullable=True, index=True),
    sa.Column("applicant_subject_id", sa.String(64), nullable=True),
    sa.Column("applicant_name", sa.String(300), nullable=False),
    sa.Column("applicant_contact", JSONType, nullable=False),
    sa.Column("received_at", Instant, nullable=False),
    sa.Column("due_at", Instant, nullable=True, index=True),
    sa.Column("step_due_at", Instant, nullable=True, index=True),
    sa.Column("appointment_at", Instant, nullable=True),
    sa.Column("completed_at", Instant, nullable=True),
    sa.Column("paused_seconds", sa.Integer(), nullable=False),
    sa.Column("paused_since", Instant, nullable=True),
    sa.Column("extensions_used", sa.Integer(), nullable=False),
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("tracking_secret_hash", sa.String(64), nullable=False),
    sa.Column("updated_at", Instant, nullable=False),
    sa.Index(None, "procedure_code", "step"),
)
ref_events = sa.Table(  # the columns of procgen's events table
    "ref_events",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("dossier_id", sa.Uuid(), sa.ForeignKey("ref_dossiers.id"), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("at", Instant, nullable=False),
    sa.Column("action", ID, nullable=False),
    sa.Column("from_step", ID, nullable=True),
    sa.Column("to_step", ID, nullable=False),
    sa.Column("user_id", sa.String(200), nullable=True),
    sa.Column("roles", JSONType, nullable=False),
    sa.Column("role", ID, nullable=True),
    sa.Column("inputs", JSONType, nullable=False),
    sa.Column("side_events", JSONType, nullable=False),
    sa.Column("automatic", sa.Boolean(), nullable=False),
    sa.Column("status", sa.SmallInteger(), nullable=True),
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("extension", JSONType, nullable=True),
    sa.UniqueConstraint("dossier_id", "seq"),
)
ref_attachments = sa.Table(  # the columns of procgen's attachments table
    "ref_attachments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("dossier_id", sa.Uuid(), sa.ForeignKey("ref_dossiers.id"), nullable=False),
    sa.Column("event_seq", sa.Integer(), nullable=False),
    sa.Column("document_id", ID, nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(200), nullable=False),
    sa.Column("size", sa.BigInteger(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage_key", sa.String(300), nullable=False),
    sa.Column("added_at", Instant, nullable=False),
    sa.Index(None, "dossier_id"),
)
ref_daily_sequences = sa.Table(
    "ref_daily_sequences",
    metadata,
    sa.Column("agency_id", sa.String(64), primary_key=True),
    sa.Column("day", sa.Date(), primary_key=True),
    sa.Column("last_value", sa.Integer(), nullable=False),
)


def make_engine(url: str | sa.URL) -> sa.Engine:
    """SQLite as procgen sets it up (WAL, synchronous=FULL, BEGIN IMMEDIATE), or PostgreSQL
    through psycopg 3 with the same pool settings as procgen's."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(
            parsed.set(drivername="postgresql+psycopg"),
            connect_args={"connect_timeout": 10},
            pool_size=5,
            max_overflow=10,
            pool_pre_ping=True,
        )
    engine = sa.create_engine(
        parsed,
        connect_args={"timeout": 5.0, "check_same_thread": False},
        poolclass=sa.QueuePool,
        pool_size=5,
        max_overflow=10,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        for pragma in ("busy_timeout = 5000", "journal_mode = WAL", "synchronous = FULL"):
            dbapi_connection.execute(f"PRAGMA {pragma}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # this app only writes

    return engine


def create_tables(url: str | sa.URL) -> None:
    """Create the reference's tables (``ref_*``)."""
    engine = make_engine(url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- the model

_ONE_LINE = re.compile(r"^[^\r\n]*\S[^\r\n]*$")
_PHONE = re.compile(r"^(?:0|\+84[ .-]?0?)[ .-]?(?:[35789](?:[ .-]?[0-9]){8}|2(?:[ .-]?[0-9]){9})$")


def _one_line(value: str) -> str:
    if not _ONE_LINE.match(value):
        raise ValueError("one line of text, not blank")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("not blank")
    return value


def _citizen_id(value: str) -> str:
    if value[:3] not in CITIZEN_ID_PROVINCES:
        raise ValueError("an unknown province code")
    return value


def _phone(value: str) -> str:
    if not _PHONE.match(value.strip()):
        raise ValueError("not a Vietnamese phone number")
    digits = re.sub(r"[ .-]", "", value.strip())
    return "+84" + digits.removeprefix("+84").removeprefix("0")


@cache
def _units() -> tuple[frozenset[str], dict[str, str]]:
    from vietnam_provinces import Province, Ward

    provinces = frozenset(f"{p.code:02d}" for p in Province.iter_all())
    communes = {f"{w.code:05d}": f"{w.province_code:02d}" for w in Ward.iter_all()}
    return provinces, communes


Text100 = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_one_line)]
#: A date: in JSON, strict mode takes only an ISO string (YYYY-MM-DD).
Date = Annotated[dt.date, Strict()]


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    province: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
    commune: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
    street: Annotated[
        str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank)
    ]

    @model_validator(mode="after")
    def _units_exist(self) -> Address:
        provinces, communes = _units()
        if self.province not in provinces:
            raise ValueError("an unknown province")
        if communes.get(self.commune) != self.province:
            raise ValueError("the commune is not in the province")
        return self


class Payload(BaseModel):
    """The form of BQP-NVQS-03 (temporary absence registration), by hand."""

    model_config = ConfigDict(extra="forbid")

    full_name: Text100
    birth_date: Date
    citizen_id: Annotated[
        str, StringConstraints(pattern=r"^[0-9]{12}$"), AfterValidator(_citizen_id)
    ]
    phone: Annotated[str, AfterValidator(_phone)]
    destination: Address
    leave_on: Date
    return_on: Date
    reason: Annotated[
        str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_not_blank)
    ]

    @model_validator(mode="after")
    def _rules(self) -> Payload:
        born = self.birth_date
        century = born.year // 100 - 19
        if not 0 <= century <= 4 or self.citizen_id[3] not in (
            str(2 * century),
            str(2 * century + 1),
        ):
            raise ValueError("citizen_id does not match the birth date")
        if self.citizen_id[4:6] != f"{born.year % 100:02d}":
            raise ValueError("citizen_id does not match the birth date")
        if self.return_on < self.leave_on + dt.timedelta(days=90):
            raise ValueError("an absence of 90 days or more")
        return self


def _base64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None


class FileJson(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    content_base64: Annotated[bytes, BeforeValidator(_base64)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: Payload
    documents: dict[str, FileJson] = {}
    channel: str = "online"


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


# ----------------------------------------------------------------------------- storing


class Files:
    """Files named by their SHA-256 under ``root/ab/cd/``, written atomically and durably."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        target = self.root / key[:2] / key[2:4] / key
        if target.exists():
            return key
        created = [d for d in (target.parent.parent, target.parent) if not d.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        for folder in [target.parent, *(d.parent for d in reversed(created))]:
            fd = os.open(folder, os.O_RDONLY)  # the new names must reach the disk too
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return key


def _due(received: dt.datetime) -> dt.datetime:
    """One working day later (Monday to Friday)."""
    due = received + dt.timedelta(days=1)
    while due.astimezone(VIETNAM).weekday() >= 5:
        due += dt.timedelta(days=1)
    return due


class Store:
    def __init__(self, engine: sa.Engine, files: Files) -> None:
        self.engine = engine
        self.files = files
        # SQLite takes one writer at a time: this process's writers queue here, in order,
        # instead of sleeping in SQLite's busy handler (PostgreSQL: no lock needed).
        self._writing = threading.Lock() if engine.dialect.name == "sqlite" else None
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._sequence = (
            dialect.insert(ref_daily_sequences)
            .values(agency_id=sa.bindparam("agency_id"), day=sa.bindparam("day"), last_value=1)
            .on_conflict_do_update(
                index_elements=["agency_id", "day"],
                set_={"last_value": ref_daily_sequences.c.last_value + 1},
            )
            .returning(ref_daily_sequences.c.last_value)
        )

    def file(self, body: Body, document: FileJson, user_id: str | None) -> dict[str, Any]:
        content = document.content_base64
        kind = _kind(content)
        assert kind is not None
        key = self.files.put(content)
        now = dt.datetime.now(dt.UTC)
        dossier_id = uuid.uuid4()
        secret = secrets.token_urlsafe(9)
        data = body.data.model_dump(mode="json")
        due = _due(now)
        with self._writing or contextlib.nullcontext(), self.engine.begin() as conn:
            day = now.astimezone(VIETNAM).date()
            sequence = conn.execute(self._sequence, {"agency_id": AGENCY, "day": day}).scalar_one()
            number = f"{AGENCY}-{day:%y%m%d}-{sequence:04d}"
            conn.execute(
                ref_dossiers.insert(),
                {
                    "id": dossier_id,
                    "number": number,
                    "agency_id": AGENCY,
                    "procedure_code": CODE,
                    "procedure_version": 1,
                    "case_id": CASE,
                    "step": STEP,
                    "status": STATUS,
                    "channel": body.channel,
                    "data": data,
                    "applicant_user_id": user_id,
                    "applicant_subject_id": body.data.citizen_id,
                    "applicant_name": body.data.full_name,
                    "applicant_contact": {"phone": body.data.phone},
                    "received_at": now,
                    "due_at": due,
                    "step_due_at": None,
                    "appointment_at": due,
                    "completed_at": None,
                    "paused_seconds": 0,
                    "paused_since": None,
                    "extensions_used": 0,
                    "outcome": None,
                    "version": 1,
                    "tracking_secret_hash": hashlib.sha256(
                        f"{dossier_id}:{secret}".encode()
                    ).hexdigest(),
                    "updated_at": now,
                },
            )
            conn.execute(
                ref_events.insert(),
                {
                    "dossier_id": dossier_id,
                    "seq": 1,
                    "at": now,
                    "action": "submit",
                    "from_step": None,
                    "to_step": STEP,
                    "user_id": user_id,
                    "roles": ["applicant"],
                    "role": "applicant",
                    "inputs": {},
                    "side_events": [],
                    "automatic": False,
                    "status": STATUS,
                    "outcome": None,
                    "extension": None,
                },
            )
            conn.execute(
                ref_attachments.insert(),
                {
                    "id": uuid.uuid4(),
                    "dossier_id": dossier_id,
                    "event_seq": 1,
                    "document_id": DOCUMENT,
                    "filename": document.filename,
                    "content_type": kind,
                    "size": len(content),
                    "sha256": key,
                    "storage_key": key,
                    "added_at": now,
                },
            )
        receipt = f"/track/{number}/papers/01?{urlencode({'secret': secret})}"
        return {
            "id": str(dossier_id),
            "number": number,
            "procedure": {"code": CODE, "version": 1},
            "case": CASE,
            "step": STEP,
            "status": {"code": STATUS, "key": "new"},
            "channel": body.channel,
            "received_at": _time(now),
            "due_at": _time(due),
            "appointment_at": _time(due),
            "step_due_at": None,
            "completed_at": None,
            "version": 1,
            "tracking_secret": secret,
            "links": {"self": f"/api/dossiers/{dossier_id}", "receipt": receipt},
        }


def _time(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# ----------------------------------------------------------------------------- the app


HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _problem(status: int, code: str, msg: str) -> JSONResponse:
    return JSONResponse({"code": code, "msg": msg}, status_code=status, headers=HEADERS)


def reference_app(database_url: str | sa.URL, folder: Path, tokens: dict[str, str]) -> Starlette:
    """The reference app on ``database_url`` (tables made with :func:`create_tables`),
    documents under ``folder``; ``tokens`` maps an API token to its user id."""
    engine = make_engine(database_url)
    store = Store(engine, Files(folder))
    by_hash = {hashlib.sha256(token.encode()).hexdigest(): user for token, user in tokens.items()}

    async def submit(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        user = by_hash.get(hashlib.sha256(token.strip().encode()).hexdigest())
        if scheme.lower() != "bearer" or user is None:
            return _problem(401, "unauthenticated", "a bearer token is required")
        if request.path_params["code"] != CODE:
            return _problem(404, "not_found", "no such procedure")
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return _problem(413, "too_large", "the body is too large")
        raw = await request.body()
        try:
            body = Body.model_validate_json(raw)
        except ValidationError as exc:
            errors = [
                {"loc": list(e["loc"]), "code": e["type"], "msg": e["msg"]} for e in exc.errors()
            ]
            return JSONResponse(errors, status_code=422, headers=HEADERS)
        problems: list[dict[str, Any]] = []
        if set(body.documents) - {DOCUMENT}:
            problems.append({"loc": ["documents"], "code": "unknown", "msg": "unknown document"})
        document = body.documents.get(DOCUMENT)
        if document is None:
            problems.append({"loc": ["documents", DOCUMENT], "code": "required", "msg": "needed"})
        else:
            content = document.content_base64
            if not content or len(content) > MAX_SIZE or _kind(content) is None:
                loc: list[str | int] = ["documents", DOCUMENT, 0]
                problems.append({"loc": loc, "code": "file_type", "msg": "a PDF, JPG or PNG file"})
        if body.channel != "online":
            problems.append({"loc": ["channel"], "code": "choice", "msg": "online only"})
        if problems or document is None:
            return JSONResponse(problems, status_code=422, headers=HEADERS)
        filed = await run_in_threadpool(store.file, body, document, user)
        headers = {**HEADERS, "ETag": '"1"', "Location": filed["links"]["self"]}
        return JSONResponse(filed, status_code=201, headers=headers)

    async def health(request: Request) -> Response:
        def ping() -> None:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))

        await run_in_threadpool(ping)
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/api/procedures/{code}/dossiers", submit, methods=["POST"]),
            Route("/health", health),
        ]
    )
