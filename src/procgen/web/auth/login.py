"""Signing in and out with the development backend: ``/auth/login``, ``/auth/logout``, ``/auth/me``.

    POST /auth/login    username, password (a form or JSON); ``next``: where to go after
    POST /auth/logout   ends the session
    GET  /auth/me       who the request is signed in as (401 if nobody)

A form post with a ``next`` path (on this site) is answered with ``303 See Other`` to it; other
posts get JSON. A wrong name or password gets 401 after the same work as a right one. Posts
from another site are refused (403), so a page elsewhere cannot sign a visitor in or out.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from procgen.service import User
from procgen.web.auth.backends import DevAuth, app_root, request_user
from procgen.web.security import BodyTooLarge, limited, same_origin

__all__ = ["login_routes"]

_MAX_BODY = 16 * 1024


def _problem(status: int, code: str, msg: str) -> JSONResponse:
    return JSONResponse({"code": code, "msg": msg}, status_code=status)


def _me(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "roles": sorted(user.roles)}


def _next(value: Any, root: str) -> str | None:
    """A local path to go to after signing in; anything else (another site) is dropped."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 32 for c in value):
        return None
    return value if value.startswith(root or "/") else None


async def _credentials(request: Request) -> dict[str, Any]:
    body = limited(request, _MAX_BODY)
    if request.headers.get("content-type", "").startswith("application/json"):
        raw = json.loads(await body.body())
        return raw if isinstance(raw, dict) else {}
    form = await body.form(max_files=0, max_fields=10)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def login_routes(auth: DevAuth, *, trusted_origins: tuple[str, ...] = ()) -> list[BaseRoute]:
    """The routes of :mod:`procgen.web.auth.login`, named ``procgen.auth.*``."""

    async def login(request: Request) -> Response:
        if same_origin(request, trusted_origins) is False:
            return _problem(403, "cross_site", "sign-in requests must come from this site")
        try:
            sent = await _credentials(request)
        except BodyTooLarge:
            return _problem(413, "too_large", "the request is too large")
        except Exception:  # broken JSON or form: the parsers raise various errors
            return _problem(400, "malformed", "send username and password as a form or JSON")
        username, password = sent.get("username"), sent.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return _problem(422, "required", "username and password are required")
        if len(username) > 200 or len(password) > 1024:
            return _problem(401, "bad_credentials", "wrong user name or password")
        user = await run_in_threadpool(auth.users.check_password, username, password)
        if user is None:
            return _problem(401, "bad_credentials", "wrong user name or password")
        root = app_root(request)
        target = _next(sent.get("next"), root)
        response: Response = (
            RedirectResponse(target, status_code=303) if target else JSONResponse(_me(user))
        )
        auth.sessions.set(response, user.id, path=root or "/")
        return response

    async def logout(request: Request) -> Response:
        if same_origin(request, trusted_origins) is False:
            return _problem(403, "cross_site", "sign-out requests must come from this site")
        response = Response(status_code=204)
        auth.sessions.clear(response, path=app_root(request) or "/")
        return response

    async def me(request: Request) -> Response:
        user = request_user(request)
        if user is None:
            return _problem(401, "unauthenticated", "not signed in")
        return JSONResponse(_me(user), headers={"Cache-Control": "no-store"})

    return [
        Route("/login", login, methods=["POST"], name="procgen.auth.login"),
        Route("/logout", logout, methods=["POST"], name="procgen.auth.logout"),
        Route("/me", me, methods=["GET"], name="procgen.auth.me"),
    ]
