"""Fixtures for the citizen and officer pages: the whole app, users, signed-in clients.

Every test gets the whole app (:func:`tests.web.support.build`) on a fresh SQLite database
(``sqlite_url``), a clock standing still on Tuesday 15 April 2025, 09:00 in Hà Nội (inside
the military admissions' registration window), and one account per role of the bundled
procedures (user id = role). :class:`Pages` drives it as a browser does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.middleware import Middleware

from procgen.forms import example_payload
from procgen.service import DossierService, Filed, Upload, User
from procgen.spec.models import Action, ProcedureSpec
from procgen.testing.wizard import HtmlPage, make_client, sample_documents, sample_file
from procgen.web.auth.backends import SESSION_COOKIE, AuthMiddleware, DevAuth, SessionCookies
from procgen.web.auth.users import Account, UserDirectory, hash_password
from procgen.web.pages import page_routes
from procgen.web.pages.actions import action_fields
from procgen.workflow import ManualClock
from tests.web.support import Harness, build, registry

if TYPE_CHECKING:
    from starlette.testclient import TestClient

#: Tuesday 15 April 2025, 09:00 in Hà Nội.
T0 = dt.datetime(2025, 4, 15, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2025, 4, 15)
PASSWORD = "mật khẩu đúng"
REGISTRY = registry()
CODES = REGISTRY.codes()
ROLES = sorted(
    {r for spec in REGISTRY.specs(latest=True) for r in spec.role_ids()} - {"applicant", "system"}
)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def initial_role(spec: ProcedureSpec, case_id: str = "") -> str:
    """The role acting in the first step of the procedure's case."""
    cases = spec.effective_cases()
    case = next((c for c in cases if c.id == case_id), cases[0])
    return str(case.steps[0].role)


def fill(action: Action, *, appointment: dt.date | None = None) -> dict[str, Any]:
    """Form data (and files) that satisfy ``action``'s inputs, as a browser posts them."""
    data: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for f in action_fields(action):
        name = f"{action.id}.{f.id}"
        if f.type == "file":
            files[f"upload:{name}"] = sample_file(f.accept or ("pdf",))
        elif f.type == "date":
            base = appointment or TODAY
            data[name] = (base + dt.timedelta(days=10)).isoformat()
        elif f.type == "choice":
            data[name] = f.options[0].value
        elif f.type == "boolean":
            data[name] = "true"
        else:
            data[name] = f"Nội dung {f.id} <b>thử</b>"
    return {"data": data, "files": files}


@dataclass
class Pages:
    """The app (a :class:`~tests.web.support.Harness`) driven as a browser: helpers to sign
    in, submit and post."""

    harness: Harness
    clients: list[TestClient] = field(default_factory=list)

    @property
    def app(self) -> Starlette:
        return self.harness.app

    @property
    def service(self) -> DossierService:
        return self.harness.service

    @property
    def clock(self) -> ManualClock:
        return self.harness.clock

    @property
    def sessions(self) -> SessionCookies:
        """The app's session cookies (signing one signs a user in)."""
        auth: DevAuth = self.app.state.procgen_auth
        return auth.sessions

    def close(self) -> None:
        """Close the clients and the app."""
        for client in self.clients:
            client.close()
        self.harness.close()

    def client(self, user: str | None = None, *, raise_errors: bool = True) -> TestClient:
        """A client, signed in as ``user`` (an account id) when given."""
        client = make_client(self.app, follow_redirects=False, raise_server_exceptions=raise_errors)
        self.clients.append(client)
        if user is not None:
            client.cookies.set(SESSION_COOKIE, self.sessions.sign(user))
        return client

    def submit(self, code: str, user: str | None = "citizen-1") -> Filed:
        """File a dossier of ``code`` with example answers and sample documents."""
        procedure = self.service.catalogue.procedure(code)
        now = self.clock.now()
        data = example_payload(procedure.form, today=TODAY)
        case = procedure.pick_case(data, now=now)
        documents = procedure.documents_for(case, data, now=now)
        files = {k: [Upload(n, b)] for k, (n, b, _) in sample_documents(documents).items()}
        applicant = User(user) if user is not None else None
        return self.service.submit(code, data, files, applicant=applicant)

    def officer(self, role: str) -> User:
        return User(role, frozenset({role}))

    @staticmethod
    def post(
        client: TestClient,
        url: str,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        csrf: bool = True,
        **kwargs: Any,
    ) -> Any:
        """POST a form the way a browser without ``Sec-Fetch-Site`` does: with the token."""
        body = dict(data or {})
        if csrf:
            if "procgen_csrf" not in client.cookies:
                client.get("/services")
            body.setdefault("csrf_token", client.cookies.get("procgen_csrf", ""))
        return client.post(url, data=body, files=dict(files) if files else None, **kwargs)

    @staticmethod
    def page(response: Any) -> HtmlPage:
        return HtmlPage(response.text, str(response.url))

    def act(self, client: TestClient, dossier_id: Any, action: Action, **kwargs: Any) -> Any:
        """Post ``action``'s form on the dossier page, filled in by :func:`fill`."""
        page = client.get(f"/dossiers/{dossier_id}")
        version = re.search(r'name="version" value="(\d+)"', page.text)
        filled = fill(action, **kwargs)
        data = {**filled["data"], "version": version[1] if version else ""}
        return self.post(
            client, f"/dossiers/{dossier_id}/actions/{action.id}", data, filled["files"]
        )


def accounts() -> list[Account]:
    hashed = hash_password(PASSWORD, n=2**4)
    people = [Account(role, f"Cán bộ {role}", hashed, (role,)) for role in ROLES]
    people += [Account(f"citizen-{i}", f"Công dân {i}", hashed) for i in (1, 2)]
    return people


def open_pages(database_url: sa.URL | str, storage: Path) -> Pages:
    """The whole app on ``database_url`` (migrated) with :func:`accounts`, its clock at
    :data:`T0`, attachments in ``storage``."""
    users = UserDirectory(accounts=accounts())
    return Pages(
        build(
            database_url,
            now=T0,
            registry_=REGISTRY,
            users=users,
            storage=storage,
            session_secret="test-secret",
        )
    )


def pages_only(service: DossierService, sessions: SessionCookies, **options: Any) -> Starlette:
    """The pages alone (``page_routes``, ``options`` passed on) on ``service``, behind the
    authentication middleware with :func:`accounts` signed in by ``sessions``."""
    auth = DevAuth(UserDirectory(accounts=accounts()), sessions)
    routes = page_routes(service, auth=auth, **options)
    return Starlette(routes=routes, middleware=[Middleware(AuthMiddleware, backend=auth)])


@pytest.fixture
def pages(sqlite_url: sa.URL, tmp_path: Path) -> Iterator[Pages]:
    opened = open_pages(sqlite_url, tmp_path / "files")
    yield opened
    opened.close()


def csrf_of(text: str) -> str:
    found = _CSRF.search(text)
    assert found, "no CSRF field on the page"
    return found[1]


#: Targets a happy-path walk avoids: the applicant's steps and the bad endings.
_DETOURS = frozenset({"refused", "not_accepted", "withdrawn", "stopped"})


def next_action(pages: Pages, dossier_id: Any) -> Action | None:
    """The first action of the dossier's step that moves it forward (no detour, no loop)."""
    record = pages.service.store.get(dossier_id)
    case = pages.service.compiled(record).case
    step = next(s for s in case.steps if s.id == record.step)
    targets = {s.id: s for s in case.steps}
    for action in step.actions:
        target = targets[action.to]
        role = action.role or step.role
        if action.to == step.id or action.to in _DETOURS or target.role == "applicant":
            continue
        if role in ("applicant", "system", None):
            continue
        return action
    return None


def walk(pages: Pages, filed: Filed, *, limit: int = 20) -> list[str]:
    """Take the forward actions through the officer pages until the dossier ends."""
    import datetime as _dt

    steps = [filed.dossier.step]
    for _ in range(limit):
        action = next_action(pages, filed.dossier.id)
        if action is None:
            break
        record = pages.service.store.get(filed.dossier.id)
        case = pages.service.compiled(record).case
        step = next(s for s in case.steps if s.id == record.step)
        client = pages.client(str(action.role or step.role))
        pages.clock.advance(_dt.timedelta(hours=1))
        response = pages.act(client, filed.dossier.id, action)
        assert response.status_code == 303, (action.id, response.status_code, response.text[:3000])
        steps.append(pages.service.store.get(filed.dossier.id).step)
    return steps
