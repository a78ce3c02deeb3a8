"""Hardening found by a probe: cross-site requests that carry a session and another
``Authorization`` header, security headers on every response, the 404 pages, and the SQLite
file's mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection

import procgen
from procgen.forms import example_payload
from procgen.service import User
from procgen.store import create_engine_for, upgrade
from procgen.testing.wizard import make_client
from procgen.web.auth.backends import BEARER, SESSION, request_credential, set_credential
from procgen.web.security import CSP, HSTS
from tests.web.support import CITIZEN, NOW, PASSWORD, SQLITE, Harness, build, registry, token

NVQS = registry().get("BQP-NVQS-03").spec
EVIL = {"Origin": "http://evil.example"}
WITHDRAW = {"inputs": {"reason": "Tôi không cần nữa"}}


def _filed(harness: Harness) -> dict[str, Any]:
    response = harness.submit(NVQS, example_payload(NVQS, today=NOW.date()))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _signed_in(harness: Harness) -> None:
    signed = harness.client.post("/auth/login", json={"username": CITIZEN, "password": PASSWORD})
    assert signed.status_code == 200, signed.text


# ---------------------------------------------------------------------------- cross-site


@SQLITE
@pytest.mark.parametrize(
    "authorization",
    ["Basic YTpi", "Bearer " + "x" * 600, "Negotiate abc", "Bearer", "bearer "],
)
def test_a_session_with_another_authorization_header_is_still_checked(
    harness: Harness, authorization: str
) -> None:
    dossier = _filed(harness)["id"]
    _signed_in(harness)
    path = f"/api/dossiers/{dossier}/actions/withdraw"
    headers = EVIL | {"Authorization": authorization, "If-Match": '"1"'}
    forged = harness.client.post(path, json=WITHDRAW, headers=headers)
    assert (forged.status_code, forged.json()["code"]) == (403, "cross_site"), forged.text
    still = harness.api(CITIZEN).get(f"/dossiers/{dossier}").json()
    assert still["version"] == 1


@SQLITE
def test_a_bearer_token_needs_no_origin_and_a_bad_one_falls_back_to_nothing(
    harness: Harness,
) -> None:
    dossier = _filed(harness)["id"]
    path = f"/api/dossiers/{dossier}/actions/withdraw"
    # a token sent by a script: no browser adds it by itself, so no cross-site check
    headers = EVIL | {"Authorization": f"Bearer {token(CITIZEN)}", "If-Match": '"1"'}
    assert harness.client.post(path, json=WITHDRAW, headers=headers).status_code == 200
    # a wrong token with a session cookie: the cookie does not authenticate it
    other = _filed(harness)["id"]
    _signed_in(harness)
    bad = EVIL | {"Authorization": "Bearer not-a-token", "If-Match": '"1"'}
    refused = harness.client.post(
        f"/api/dossiers/{other}/actions/withdraw", json=WITHDRAW, headers=bad
    )
    assert refused.status_code in (401, 403, 404)
    assert harness.api(CITIZEN).get(f"/dossiers/{other}").json()["version"] == 1


@SQLITE
def test_the_middleware_records_which_credential_authenticated(harness: Harness) -> None:
    seen: list[str | None] = []

    class Recording:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append(request_credential(HTTPConnection(scope)))
            await self.app(scope, receive, send)

    harness.app.user_middleware.append(Middleware(Recording))  # inside AuthMiddleware
    harness.app.middleware_stack = None
    harness.client.get("/api/dossiers", headers={"Authorization": f"Bearer {token(CITIZEN)}"})
    _signed_in(harness)
    harness.client.get("/api/dossiers", headers={"Authorization": "Basic YTpi"})
    harness.client.cookies.clear()
    harness.client.get("/api/dossiers")
    assert seen[0] == BEARER
    assert seen[-2:] == [SESSION, None]


def test_a_backend_that_says_nothing_is_bearer_only_with_a_bearer_header(
    sqlite_url: Any, tmp_path: Path
) -> None:
    class CookieSSO:
        """Authenticates by its own cookie, records nothing."""

        async def authenticate(self, conn: HTTPConnection) -> User | None:
            return User(CITIZEN, frozenset(), "An") if conn.cookies.get("sso") else None

    class TokenSSO:
        """Says how: a session cookie of its own."""

        async def authenticate(self, conn: HTTPConnection) -> User | None:
            if conn.cookies.get("sso"):
                set_credential(conn, SESSION)
                return User(CITIZEN, frozenset(), "An")
            return None

    for backend in (CookieSSO(), TokenSSO()):
        app = procgen.create_app(
            registry(), database_url=sqlite_url, auth=backend, storage=tmp_path / "att"
        )
        with make_client(app) as client:
            client.cookies.set("sso", "1")
            path = "/api/dossiers/00000000-0000-0000-0000-000000000000/actions/withdraw"
            basic = client.post(path, json=WITHDRAW, headers=EVIL | {"Authorization": "Basic YTpi"})
            assert (basic.status_code, basic.json()["code"]) == (403, "cross_site")
        app.state.procgen_service.store.engine.dispose()


# ---------------------------------------------------------------------------- headers


def _assert_secure(response: Any, *, hsts: bool = False) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", response.request.url
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] in ("no-referrer", "same-origin")
    assert ("strict-transport-security" in headers) is hsts
    if hsts:
        assert headers["strict-transport-security"] == HSTS


@SQLITE
def test_every_response_has_the_security_headers(harness: Harness) -> None:
    client = harness.client
    for path in (
        "/",  # a redirect
        "/health",
        "/api/procedures",
        "/api/openapi.json",
        "/api/dossiers/nope",
        "/api/nope",
        "/static/procgen.css",
        "/no-such-page",
        "/dich-vu/",
        "/auth/me",
    ):
        _assert_secure(client.get(path, follow_redirects=False))
    _assert_secure(client.post("/api/procedures/NOPE/dossiers", json={}))
    # a page's own, stricter policy is kept
    assert client.get("/dich-vu/").headers["content-security-policy"] == CSP


@SQLITE
def test_https_only_adds_strict_transport_security(database_url: Any) -> None:
    h = build(database_url, https_only=True)
    try:
        for path in ("/", "/api/procedures", "/nope", "/dich-vu/"):
            _assert_secure(h.client.get(path, follow_redirects=False), hsts=True)
    finally:
        h.close()


# ---------------------------------------------------------------------------- 404


@SQLITE
def test_an_unknown_page_is_the_sites_html_404(harness: Harness) -> None:
    for path, lang in (("/no-such-page", "vi"), ("/dich-vu/x/y/z?lang=en", "en")):
        response = harness.client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}"' in response.text
        assert "<title>" in response.text
        assert ("Page not found" in response.text) is (lang == "en")
        assert 'href="/"' in response.text


@SQLITE
@pytest.mark.parametrize("path", ["/api/nope", "/api/%0A", "/api/%0Afoo", "/api/x%0D%0Ay", "/api"])
def test_unknown_api_paths_answer_json(harness: Harness, path: str) -> None:
    response = harness.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == "not_found"


# ---------------------------------------------------------------------------- files


def test_a_new_sqlite_database_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        engine = create_engine_for(f"sqlite:///{tmp_path / 'new.sqlite3'}")
        upgrade(engine)
        files = sorted(tmp_path.glob("new.sqlite3*"))
        assert {f.name for f in files} >= {"new.sqlite3", "new.sqlite3-wal"}
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
        engine.dispose()
    finally:
        os.umask(old)


def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    path.touch(mode=0o640)
    path.chmod(0o640)
    engine = create_engine_for(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
