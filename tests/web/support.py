"""The tests' one app harness: the whole service on a test database, users, a client.

:func:`build` makes the whole app (``procgen.create_app``) on a migrated database (the
``database_url`` or ``sqlite_url`` fixture of ``tests/conftest.py``) with a
:class:`ManualClock`, attachments in a folder of their own, and by default a users directory
holding, for every role of the bundled procedures, an officer ``officer-<role>`` (token
``tok-officer-<role>``), two citizens and an outsider. :class:`Api` sends JSON requests as one
of them. The web, service, testing, pages and browser tests all build on it (the pages tests
drive it through ``tests.pages.conftest.Pages``).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

import procgen
from procgen.registry import Registry
from procgen.service import DossierService
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import BUILTIN_ROLES, Action, ProcedureSpec
from procgen.store import AttachmentStorage, FileStorage
from procgen.testing.wizard import make_client, sample_documents
from procgen.web.auth.users import Account, UserDirectory, hash_password, hash_token
from procgen.workflow import ManualClock
from tests.conftest import DEFINITIONS

if TYPE_CHECKING:
    from starlette.testclient import TestClient

#: Wednesday 15 April 2026, 10:00 in Hà Nội: inside the military admissions window.
NOW = dt.datetime(2026, 4, 15, 3, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CITIZEN, OTHER_CITIZEN, OUTSIDER = "citizen-1", "citizen-2", "outsider"
PASSWORD = "mật-khẩu-thử"

#: Run a test on SQLite only (the e2e and concurrency tests cover PostgreSQL).
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The bundled procedures (loaded once)."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry.from_path(DEFINITIONS)
    return _REGISTRY


def officer(role: str) -> str:
    """The user id of the officer holding ``role``."""
    return f"officer-{role}"


def token(user_id: str) -> str:
    """The API token of ``user_id``."""
    return f"tok-{user_id}"


@functools.cache
def _password_hash() -> str:
    """:data:`PASSWORD` hashed once per process (scrypt is slow on purpose; the salt need
    not change between tests)."""
    return hash_password(PASSWORD, n=2**10)


def directory(specs: Iterable[ProcedureSpec]) -> UserDirectory:
    """Officers for every role of ``specs``, two citizens (one with a password), an outsider."""
    roles = sorted({r for s in specs for r in s.role_ids()} - set(BUILTIN_ROLES))
    accounts = [
        Account(officer(r), roles=(r,), tokens=(hash_token(token(officer(r))),)) for r in roles
    ]
    accounts.append(
        Account(
            CITIZEN,
            name="Nguyễn Văn An",
            password=_password_hash(),
            tokens=(hash_token(token(CITIZEN)),),
        )
    )
    accounts.append(Account(OTHER_CITIZEN, tokens=(hash_token(token(OTHER_CITIZEN)),)))
    accounts.append(Account(OUTSIDER, roles=("not_a_role",), tokens=(hash_token(token(OUTSIDER)),)))
    accounts.append(
        Account("all-staff", roles=tuple(roles), tokens=(hash_token(token("all-staff")),))
    )
    return UserDirectory(accounts=accounts)


@dataclass
class Harness:
    """An app, its client, service and clock (made by :func:`build`)."""

    app: Starlette
    client: TestClient
    service: DossierService
    clock: ManualClock
    #: the attachments' folder :func:`build` made (removed by :meth:`close`)
    scratch: Path | None = None

    def close(self) -> None:
        """Close the client and the database connections."""
        self.client.close()
        self.service.store.engine.dispose()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def api(self, user: str | None) -> Api:
        """Requests as ``user`` (None: anonymous)."""
        return Api(self.client, user)

    def documents(self, spec: ProcedureSpec, data: dict[str, Any]) -> dict[str, Any]:
        """A sample file for each document the dossier's case asks for, given ``data``."""
        now = self.clock.now()
        procedure = self.service.catalogue.procedure(spec.code, spec.version)
        cleaned = procedure.validate(data, today=self.service.today(now), now=now).cleaned
        assert cleaned is not None, "the payload must be valid"
        case = procedure.pick_case(cleaned, now=now)
        found = procedure.documents_for(case, cleaned, now=now)
        return {
            doc_id: file_json(name, data)
            for doc_id, (name, data, _) in sample_documents(found).items()
        }

    def submit(
        self, spec: ProcedureSpec, data: dict[str, Any], user: str | None = CITIZEN, **body: Any
    ) -> Any:
        """Submit ``data`` (with its documents) as ``user``."""
        content = {"data": data, "documents": self.documents(spec, data)} | body
        return self.api(user).post(f"/procedures/{spec.code}/dossiers", json=content)


def build(
    database_url: sa.URL | str,
    *,
    now: dt.datetime = NOW,
    registry_: Registry | None = None,
    users: UserDirectory | None = None,
    storage: AttachmentStorage | Path | None = None,
    **options: Any,
) -> Harness:
    """The whole app on ``database_url`` (already migrated), its clock at ``now``.

    ``users`` defaults to :func:`directory` of the registry's procedures; ``storage`` (a
    folder, or storage) to a temporary folder removed by :meth:`Harness.close`; ``options``
    go to ``procgen.create_app`` (``auth``, ``session_secret``, ``options``, ...).
    """
    clock = ManualClock(now)
    reg = registry_ or registry()
    scratch = None
    if storage is None:
        storage = scratch = Path(tempfile.mkdtemp(prefix="procgen-att-"))
    if isinstance(storage, Path):
        storage = FileStorage(storage, durable=False)
    engine = procgen.store.create_engine_for(database_url, pool_size=5, max_overflow=60)
    app = procgen.create_app(
        reg,
        engine=engine,
        users=directory(reg.specs()) if users is None else users,
        clock=clock,
        storage=storage,
        **options,
    )
    return Harness(app, make_client(app), app.state.procgen_service, clock, scratch)


class Api:
    """JSON requests to ``/api`` as one user (bearer token)."""

    def __init__(self, client: TestClient, user: str | None) -> None:
        self.client = client
        self.user = user

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token(self.user)}"} if self.user else {}
        return headers | (extra or {})

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(
            f"/api{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(
            f"/api{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def act(self, dossier: str, action: str, version: int | None, body: Any = None) -> Any:
        headers = {"If-Match": f'"{version}"'} if version is not None else {}
        return self.post(f"/dossiers/{dossier}/actions/{action}", json=body or {}, headers=headers)


def file_json(name: str = "giay-to.pdf", data: bytes = PDF) -> dict[str, str]:
    """A file as the JSON API takes it."""
    return {"filename": name, "content_base64": base64.b64encode(data).decode()}


def inputs_for(action: Action, today: dt.date, appointment: dt.date | None) -> dict[str, Any]:
    """Inputs that satisfy ``action`` (the first option of a choice)."""
    fields = [BUILTIN_INPUTS[r] for r in action.requires if r in BUILTIN_INPUTS]
    fields += list(action.inputs)
    values: dict[str, Any] = {}
    for f in fields:
        if f.type == "file":
            values[f.id] = file_json("ket-qua.pdf")
        elif f.id == "new_appointment":
            values[f.id] = ((appointment or today) + dt.timedelta(days=10)).isoformat()
        elif f.type == "date":
            values[f.id] = today.isoformat()
        elif f.type == "choice":
            values[f.id] = f.options[0].value
        elif f.type == "boolean":
            values[f.id] = True
        elif f.type in ("integer", "money"):
            values[f.id] = 1
        else:
            values[f.id] = "Nội dung kiểm thử" if f.type == "textarea" else "15/QĐ-BCH"
    return values
