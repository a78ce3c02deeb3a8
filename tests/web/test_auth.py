"""Authentication: the backend protocol, the development users file, sessions, tokens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    SimpleUser,
)
from starlette.requests import HTTPConnection

import procgen
from procgen.errors import ConfigurationError
from procgen.service import User
from procgen.testing.wizard import make_client
from procgen.web.auth.backends import AuthBackend, DevAuth, SessionCookies, StarletteBackend
from procgen.web.auth.users import (
    UserDirectory,
    hash_password,
    hash_token,
    read_accounts,
    verify_password,
)
from procgen.workflow import ManualClock
from tests.web.support import CITIZEN, NOW, PASSWORD, SQLITE, Harness, build, registry


@SQLITE
def test_sign_in_session_cookie_and_sign_out(harness: Harness) -> None:
    client = harness.client
    assert client.get("/auth/me").status_code == 401
    wrong = client.post("/auth/login", json={"username": CITIZEN, "password": "nope"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "bad_credentials")
    nobody = client.post("/auth/login", json={"username": "ghost", "password": "x"})
    assert nobody.status_code == 401
    signed = client.post("/auth/login", json={"username": CITIZEN, "password": PASSWORD})
    assert signed.json() == {"id": CITIZEN, "name": "Nguyễn Văn An", "roles": []}
    cookie = signed.headers["set-cookie"]
    assert "procgen_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie
    assert client.get("/auth/me").json()["id"] == CITIZEN
    assert client.get("/api/dossiers").status_code == 200
    out = client.post("/auth/logout", headers={"Origin": "http://testserver"})
    assert out.status_code == 204
    assert client.get("/auth/me").status_code == 401


@SQLITE
def test_form_sign_in_redirects_to_a_local_page_only(harness: Harness) -> None:
    form = {"username": CITIZEN, "password": PASSWORD, "next": "/dich-vu/"}
    response = harness.client.post("/auth/login", data=form, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/dich-vu/")
    for elsewhere in ("https://evil.example/", "//evil.example", "/\\evil"):
        sent = form | {"next": elsewhere}
        assert (
            harness.client.post("/auth/login", data=sent, follow_redirects=False).status_code == 200
        )
    cross = harness.client.post(
        "/auth/login", data=form, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403


@SQLITE
def test_bearer_tokens(harness: Harness) -> None:
    client = harness.client
    me = client.get("/auth/me", headers={"Authorization": f"Bearer tok-{CITIZEN}"})
    assert me.json()["id"] == CITIZEN
    assert client.get("/auth/me", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/api/dossiers", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_session_cookies_are_signed_and_expire() -> None:
    clock = ManualClock(NOW)
    sessions = SessionCookies("key", max_age=3600, clock=clock)
    value = sessions.sign("an")
    assert sessions.read(value) == "an"
    assert SessionCookies("other key", clock=clock).read(value) is None
    body, _, mac = value.partition(".")
    assert sessions.read(body[:-2] + "xx." + mac) is None
    assert sessions.read("garbage") is None
    assert sessions.read("") is None
    clock.advance(dt.timedelta(hours=2))
    assert sessions.read(value) is None


@SQLITE
def test_https_only_cookies(database_url: object) -> None:
    h = build(database_url, https_only=True)  # type: ignore[arg-type]
    try:
        signed = h.client.post("/auth/login", json={"username": CITIZEN, "password": PASSWORD})
        assert "Secure" in signed.headers["set-cookie"]
    finally:
        h.close()


@SQLITE
def test_a_deployments_backend_plugs_in(database_url: object) -> None:
    class HeaderSSO:
        async def authenticate(self, conn: HTTPConnection) -> User | None:
            name = conn.headers.get("x-sso-user")
            return User(name, frozenset({"reception"})) if name else None

    assert isinstance(HeaderSSO(), AuthBackend)
    h = build(database_url, auth=HeaderSSO())  # type: ignore[arg-type]
    try:
        assert h.client.get("/api/dossiers", headers={"X-SSO-User": "an"}).status_code == 200
        assert h.client.get("/api/dossiers").status_code == 401
        assert h.client.post("/auth/login", json={}).status_code == 404  # no dev sign-in
    finally:
        h.close()


@SQLITE
def test_starlette_backends_and_broken_backends(database_url: object) -> None:
    class Basic(AuthenticationBackend):
        async def authenticate(
            self, conn: HTTPConnection
        ) -> tuple[AuthCredentials, SimpleUser] | None:
            if conn.headers.get("x-fail"):
                raise AuthenticationError("bad")
            if conn.headers.get("x-user"):
                return AuthCredentials(["commander"]), SimpleUser(conn.headers["x-user"])
            return None

    class Broken:
        async def authenticate(self, conn: HTTPConnection) -> User | None:
            raise RuntimeError("the SSO is down")

    h = build(database_url, auth=StarletteBackend(Basic()))  # type: ignore[arg-type]
    try:
        page = h.client.get("/api/dossiers", headers={"X-User": "chief"})
        assert page.status_code == 200
        assert h.client.get("/api/dossiers", headers={"X-Fail": "1"}).status_code == 401
    finally:
        h.close()
    broken = build(database_url, auth=Broken())  # type: ignore[arg-type]
    try:
        assert broken.client.get("/api/dossiers").status_code == 401
        assert broken.client.get("/api/procedures").status_code == 200
    finally:
        broken.close()


@SQLITE
def test_users_file(tmp_path: Path, database_url: object) -> None:
    path = tmp_path / "users.toml"
    users = UserDirectory(path)
    assert users.accounts() == {}
    users.add("an", roles=["reception"], password="một hai ba", name="Nguyễn An")
    users.add("an", roles=["commander", "reception"], token="secret-token")
    account = read_accounts(path)["an"]
    assert account.roles == ("reception", "commander")
    assert account.name == "Nguyễn An"
    assert account.password
    assert verify_password("một hai ba", account.password)
    assert account.tokens == (hash_token("secret-token"),)
    assert "một hai ba" not in path.read_text()
    assert "secret-token" not in path.read_text()
    assert path.stat().st_mode & 0o077 == 0
    assert users.check_password("an", "một hai ba") == User(
        "an", frozenset({"reception", "commander"}), "Nguyễn An"
    )
    assert users.check_password("an", "wrong") is None
    assert users.by_token("secret-token") is not None
    other = UserDirectory(path)  # a second process sees the change
    users.add("binh", roles=["officer"])
    assert other.user("binh") is not None
    with pytest.raises(ConfigurationError, match="role"):
        users.add("an", roles=["Bad Role"])
    with pytest.raises(ConfigurationError, match="user name"):
        users.add("../etc", roles=[])
    yaml_file = tmp_path / "users.yaml"
    UserDirectory(yaml_file).add("chi", roles=["reception"], password="x")
    assert read_accounts(yaml_file)["chi"].roles == ("reception",)
    broken = tmp_path / "broken.toml"
    broken.write_text("[users\n")
    with pytest.raises(ConfigurationError, match=r"broken\.toml"):
        read_accounts(broken)
    app = procgen.create_app(
        registry(), database_url=str(database_url), users=path, session_secret="k"
    )
    client = make_client(app)
    assert (
        client.post("/auth/login", json={"username": "an", "password": "một hai ba"}).status_code
        == 200
    )
    assert client.get("/api/dossiers").status_code == 200


def test_password_hashes() -> None:
    hashed = hash_password("pw", n=2**10)
    assert hashed.startswith("scrypt$1024$8$1$")
    assert hash_password("pw", n=2**10) != hashed  # salted
    assert not verify_password("pw", "md5$whatever")
    assert not verify_password("pw", "scrypt$x$y")


def test_devauth_repr() -> None:
    assert "UserDirectory" in repr(DevAuth(UserDirectory()))
