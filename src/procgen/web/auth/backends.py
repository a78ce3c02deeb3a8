"""Who is calling: a one-method backend protocol, signed session cookies, bearer tokens.

A deployment plugs its single sign-on in by implementing :class:`AuthBackend`, one method
that turns a request into a :class:`~procgen.service.User` (or None for an anonymous
visitor)::

    class PortalSSO:
        async def authenticate(self, conn: HTTPConnection) -> User | None:
            claims = await verify(conn.headers.get("authorization"))   # the SSO's own check
            if claims is None:
                return None
            return User(claims["sub"], frozenset(claims["roles"]), claims["name"])

    app = procgen.create_app(auth=PortalSSO(), ...)

An existing Starlette ``AuthenticationBackend`` works too, wrapped in
:class:`StarletteBackend` (its scopes become roles). Without one, procgen uses
:class:`DevAuth`: users, hashed passwords, roles and API tokens from a users file
(:mod:`procgen.web.auth.users`), sessions in signed cookies (:class:`SessionCookies`: HMAC-SHA256,
``HttpOnly``, ``SameSite=Lax``, ``Secure`` when ``https_only``), and ``Authorization: Bearer``
tokens for API clients.

:class:`AuthMiddleware` runs the backend once per request and keeps the result in the scope
(:func:`request_user`) and in :data:`CURRENT_USER`. Credentials a
browser sends on its own (cookies) make unsafe cross-site requests dangerous:
:func:`cross_site` tells the API to refuse them (``Sec-Fetch-Site``/``Origin``, else an
``X-CSRF-Token`` header matching the CSRF cookie).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

from starlette.authentication import AuthenticationBackend, AuthenticationError
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from procgen.service import User
from procgen.web.auth.users import UserDirectory
from procgen.web.security import CSRF_COOKIE, same_origin
from procgen.workflow import Clock, SystemClock

__all__ = [
    "BEARER",
    "CURRENT_USER",
    "SESSION",
    "SESSION_COOKIE",
    "AuthBackend",
    "AuthMiddleware",
    "DevAuth",
    "SessionCookies",
    "StarletteBackend",
    "app_root",
    "bearer_token",
    "cross_site",
    "request_credential",
    "request_user",
    "set_credential",
]

#: The user of the request being served (set by :class:`AuthMiddleware`), for code that has
#: no request at hand, such as a :class:`~procgen.web.apply.SubmitHandler`.
CURRENT_USER: ContextVar[User | None] = ContextVar("procgen_current_user", default=None)

#: The session cookie's name.
SESSION_COOKIE = "procgen_session"
_SCOPE_KEY = "procgen.user"
_ROOT_KEY = "procgen.root"
_CREDENTIAL_KEY = "procgen.credential"
#: :func:`request_credential` of a request authenticated by an ``Authorization: Bearer`` token.
BEARER = "bearer"
#: :func:`request_credential` of a request authenticated by the session cookie.
SESSION = "session"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger("procgen.auth")


@runtime_checkable
class AuthBackend(Protocol):
    """Finds the user of a request: the one extension point of authentication."""

    async def authenticate(self, conn: HTTPConnection) -> User | None:
        """The signed-in user or API client, or None for an anonymous visitor.

        Raise nothing for bad credentials: return None (the caller is then anonymous).
        """
        ...


class StarletteBackend:
    """A Starlette ``AuthenticationBackend`` as an :class:`AuthBackend`: the user's
    ``identity`` is the id, ``display_name`` the name, and the credentials' scopes the roles."""

    def __init__(self, backend: AuthenticationBackend) -> None:
        self.backend = backend

    async def authenticate(self, conn: HTTPConnection) -> User | None:
        """Run the wrapped backend; an ``AuthenticationError`` means anonymous."""
        try:
            result = await self.backend.authenticate(conn)
        except AuthenticationError:
            return None
        if result is None or not result[1].is_authenticated:
            return None
        credentials, user = result
        return User(user.identity, frozenset(credentials.scopes), user.display_name)


class SessionCookies:
    """Signed session cookies: ``base64(json).base64(hmac-sha256)``, with their issue time.

    Args:
        secret: the signing key; every process of a deployment must share it (a random one
            means sessions end when the process does).
        max_age: seconds a session lasts.
        https_only: send the cookie over HTTPS only (``Secure``).
        clock: where the time comes from.
    """

    def __init__(
        self,
        secret: str | bytes | None = None,
        *,
        max_age: int = 12 * 3600,
        https_only: bool = False,
        clock: Clock | None = None,
    ) -> None:
        raw = secret if secret is not None else secrets.token_bytes(32)
        self._key = hashlib.sha256(
            b"procgen-session:" + (raw.encode() if isinstance(raw, str) else raw)
        ).digest()
        self.max_age = max_age
        self.https_only = https_only
        self.clock: Clock = clock or SystemClock()

    def __repr__(self) -> str:
        return f"<SessionCookies max_age={self.max_age} https_only={self.https_only}>"

    def sign(self, user_id: str) -> str:
        """The cookie value for a session of ``user_id`` starting now."""
        payload = json.dumps({"u": user_id, "t": int(self.clock.now().timestamp())}).encode()
        body = base64.urlsafe_b64encode(payload).rstrip(b"=")
        mac = base64.urlsafe_b64encode(hmac.digest(self._key, body, "sha256")).rstrip(b"=")
        return (body + b"." + mac).decode()

    def read(self, value: str) -> str | None:
        """The user id of a valid, unexpired cookie value; None otherwise."""
        body, _, mac = value.encode("ascii", "replace").partition(b".")
        expected = base64.urlsafe_b64encode(hmac.digest(self._key, body, "sha256")).rstrip(b"=")
        if not mac or not hmac.compare_digest(mac, expected):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
            user_id, issued = str(payload["u"]), int(payload["t"])
        except (ValueError, KeyError, TypeError):
            return None
        age = self.clock.now().timestamp() - issued
        return user_id if 0 <= age <= self.max_age else None

    def set(self, response: Response, user_id: str, *, path: str) -> None:
        """Start a session: set the cookie on ``response`` (scoped to ``path``)."""
        response.set_cookie(
            SESSION_COOKIE,
            self.sign(user_id),
            max_age=self.max_age,
            path=path,
            secure=self.https_only,
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response, *, path: str) -> None:
        """End the session."""
        response.delete_cookie(
            SESSION_COOKIE, path=path, secure=self.https_only, httponly=True, samesite="lax"
        )


def bearer_token(conn: HTTPConnection) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    scheme, _, token = conn.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and 0 < len(token) <= 512 else None


class DevAuth:
    """The development backend: a :class:`~procgen.web.auth.users.UserDirectory` (users file),
    bearer tokens, and signed session cookies set by ``POST /auth/login``.

    Args:
        users: the accounts.
        sessions: the session cookies (default: a random key, 12 hours).
    """

    def __init__(self, users: UserDirectory, sessions: SessionCookies | None = None) -> None:
        self.users = users
        self.sessions = sessions or SessionCookies()

    def __repr__(self) -> str:
        return f"<DevAuth {self.users!r}>"

    async def authenticate(self, conn: HTTPConnection) -> User | None:
        """A bearer token first, else the session cookie (recorded: :func:`set_credential`)."""
        token = bearer_token(conn)
        if token is not None:
            user = self.users.by_token(token)
            if user is not None:
                set_credential(conn, BEARER)
            return user
        cookie = conn.cookies.get(SESSION_COOKIE)
        user_id = self.sessions.read(cookie) if cookie else None
        user = self.users.user(user_id) if user_id is not None else None
        if user is not None:
            set_credential(conn, SESSION)
        return user


class AuthMiddleware:
    """Runs an :class:`AuthBackend` once per HTTP request (pure ASGI, so context variables
    reach the endpoint): the user is in ``scope`` (:func:`request_user`) and in
    :data:`CURRENT_USER`, with the credential that authenticated them
    (:func:`request_credential`). A backend that fails leaves the caller anonymous
    (and logs why)."""

    def __init__(self, app: ASGIApp, backend: AuthBackend) -> None:
        self.app = app
        self.backend = backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.pop(_CREDENTIAL_KEY, None)  # only the backend below may say how
        conn = HTTPConnection(scope)
        try:
            user = await self.backend.authenticate(conn)
        except Exception:  # a broken SSO must not turn every page into a 500
            log.exception("authentication backend %r failed", self.backend)
            user = None
        if user is None:
            scope.pop(_CREDENTIAL_KEY, None)
        elif _CREDENTIAL_KEY not in scope:
            # a backend that does not say: a browser never adds a Bearer header by itself
            scheme = conn.headers.get("authorization", "").partition(" ")[0]
            scope[_CREDENTIAL_KEY] = BEARER if scheme.lower() == "bearer" else "other"
        scope[_SCOPE_KEY] = user
        scope.setdefault(_ROOT_KEY, scope.get("root_path", ""))
        token = CURRENT_USER.set(user)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT_USER.reset(token)


def request_user(conn: HTTPConnection) -> User | None:
    """The user :class:`AuthMiddleware` found for this request (None: anonymous)."""
    user = conn.scope.get(_SCOPE_KEY)
    return user if isinstance(user, User) else None


def set_credential(conn: HTTPConnection, kind: str) -> None:
    """Record how a backend authenticated the request: :data:`BEARER` for a token the client
    sent itself (no cross-site check), :data:`SESSION` or anything else for credentials a
    browser may send on its own (cookies, HTTP Basic, client certificates)."""
    conn.scope[_CREDENTIAL_KEY] = kind


def request_credential(conn: HTTPConnection) -> str | None:
    """How the request's user was authenticated (see :func:`set_credential`); None when
    anonymous. A backend that records nothing counts as :data:`BEARER` when the request has
    an ``Authorization: Bearer`` header, else as ``"other"``."""
    kind = conn.scope.get(_CREDENTIAL_KEY)
    return kind if isinstance(kind, str) else None


def app_root(conn: HTTPConnection) -> str:
    """Where procgen's app is mounted (``""`` at the root): the path cookies are scoped to."""
    root = conn.scope.get(_ROOT_KEY, conn.scope.get("root_path", ""))
    return str(root) if root else ""


def cross_site(request: Request, trusted: tuple[str, ...] = ()) -> bool:
    """Whether an unsafe request must be refused as cross-site request forgery.

    Only requests authenticated by a bearer token (:func:`request_credential` is
    :data:`BEARER`) are exempt: no browser adds that header by itself. Any other request, even
    one with another ``Authorization`` header (``Basic``, which browsers do resend, or a token
    the backend ignored) when its session cookie authenticated it, must say it comes from this
    site (``Sec-Fetch-Site``, else ``Origin``), or, from clients that send neither, carry an
    ``X-CSRF-Token`` header equal to the ``procgen_csrf`` cookie.
    """
    if request.method not in _UNSAFE or request_credential(request) == BEARER:
        return False
    verdict = same_origin(request, trusted)
    if verdict is not None:
        return not verdict
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get("x-csrf-token", "")
    return not (cookie and hmac.compare_digest(cookie.encode(), sent.encode()))
