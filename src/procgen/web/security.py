"""Request hygiene for the form pages: cross-site posts, body limits, language, headers.

Cross-site request forgery is refused the way current browsers make cheap: a browser says where
a request comes from (``Sec-Fetch-Site``, else ``Origin``) and only same-origin posts are
accepted. Clients that send neither (old browsers, scripts) must echo the ``csrf_token`` hidden
field, which matches a cookie only this site can set (double submit).

Bodies are capped before they are parsed (:func:`limited`): a page of text fields needs little,
a documents page what its documents allow; Starlette's form parser then caps the number of
fields and files and the size of each text field.

Every response, the API's JSON, redirects, 404s and static files included, gets the security
headers it lacks from :class:`SecurityHeaders` (pages set theirs in :func:`secure_headers`).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import FormData, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from procgen.i18n import LOCALES, negotiate
from procgen.types import Locale

__all__ = [
    "CSP",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "HSTS",
    "LANG_COOKIE",
    "BodyTooLarge",
    "FormOptions",
    "SecurityHeaders",
    "changed_cookies",
    "csrf_ok",
    "csrf_token",
    "limited",
    "request_locale",
    "same_origin",
    "secure_headers",
]

CSRF_COOKIE = "procgen_csrf"
CSRF_FIELD = "csrf_token"
LANG_COOKIE = "procgen_lang"

#: The Content-Security-Policy of every page: nothing but this site's own files.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
#: ``Strict-Transport-Security`` sent by :class:`SecurityHeaders` when ``https_only`` is on.
HSTS = "max-age=31536000"


@dataclass(frozen=True)
class FormOptions:
    """Settings of the form pages.

    Attributes:
        draft_ttl: how long an untouched draft is kept; each save starts it again.
        max_body: the largest request body accepted, in bytes, whatever the documents allow.
        max_form_body: the largest body of a page without documents, in bytes.
        max_fields: the most form fields one post may carry.
        max_field_size: the largest text field, in bytes.
        trusted_origins: other origins whose posts are accepted (``https://portal.example``),
            e.g. when a proxy rewrites the ``Host`` header.
        submit_retry_after: a submission still unfinished after this long may be tried again.
    """

    draft_ttl: dt.timedelta = dt.timedelta(days=30)
    max_body: int = 64 * 1024 * 1024
    max_form_body: int = 2 * 1024 * 1024
    max_fields: int = 2000
    max_field_size: int = 64 * 1024
    trusted_origins: tuple[str, ...] = field(default=())
    submit_retry_after: dt.timedelta = dt.timedelta(minutes=2)


def same_origin(request: Request, trusted: tuple[str, ...] = ()) -> bool | None:
    """Whether the browser says the request comes from this site; None when it does not say."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return None
    if origin in trusted:
        return True
    host = request.headers.get("host", "")
    return origin != "null" and urlsplit(origin).netloc.lower() == host.lower()


def csrf_ok(request: Request, form: FormData, trusted: tuple[str, ...] = ()) -> bool:
    """Whether an unsafe request may proceed (see the module docstring)."""
    verdict = same_origin(request, trusted)
    if verdict is not None:
        return verdict
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD)
    return bool(cookie) and isinstance(sent, str) and hmac.compare_digest(cookie, sent)


def csrf_token(request: Request) -> str:
    """The double-submit token: the visitor's cookie, or a new one (set it on the response)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) < 32 or not token.replace("-", "").replace("_", "").isalnum():
        token = secrets.token_urlsafe(32)
    return token


class BodyTooLarge(Exception):
    """The request body is larger than allowed (answered with 413)."""


def limited(request: Request, limit: int) -> Request:
    """The same request, whose body raises :class:`BodyTooLarge` past ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(declared)
    received = 0
    upstream = request.receive

    async def receive() -> Message:
        nonlocal received
        message = await upstream()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(str(received))
        return message

    return Request(request.scope, receive)


def request_locale(request: Request) -> Locale:
    """``?lang=``, else the language cookie, else ``Accept-Language``, else Vietnamese."""
    query = request.query_params.get("lang")
    chosen = query if query in LOCALES else request.cookies.get(LANG_COOKIE)
    return negotiate(query=chosen, accept_language=request.headers.get("accept-language"))


def changed_cookies(request: Request, locale: str, token: str | None) -> dict[str, str]:
    """The CSRF and language cookies a response must set: only those that change."""
    cookies: dict[str, str] = {}
    if token is not None and request.cookies.get(CSRF_COOKIE) != token:
        cookies[CSRF_COOKIE] = token
    chosen = request.query_params.get("lang")
    if chosen in LOCALES and request.cookies.get(LANG_COOKIE) != locale:
        cookies[LANG_COOKIE] = locale
    return cookies


def secure_headers(
    response: Response,
    request: Request,
    *,
    cookies: Mapping[str, str],
    path: str | None = None,
) -> None:
    """Add the security headers, and set the given cookies.

    Cookies are scoped to ``path``, by default the forms' root.
    """
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # pages hold personal data: never keep them in a shared computer's cache
    response.headers.setdefault("Cache-Control", "no-store")
    root = path if path is not None else str(request.url_for("procgen.forms.index").path)
    secure = request.url.scheme == "https"
    for name, value in cookies.items():
        response.set_cookie(
            name,
            value,
            max_age=365 * 24 * 3600 if name == LANG_COOKIE else None,
            path=root,
            secure=secure,
            httponly=True,
            samesite="strict" if name == CSRF_COOKIE else "lax",
        )


class SecurityHeaders:
    """ASGI middleware adding the security headers a response lacks, whatever answered it.

    ``X-Content-Type-Options: nosniff``, :data:`CSP` (whose ``frame-ancestors 'none'`` forbids
    framing), ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``, and with
    ``https_only`` ``Strict-Transport-Security`` (:data:`HSTS`). A header already set (a page's
    own, a deployment's) is kept.
    """

    def __init__(self, app: ASGIApp, *, https_only: bool = False) -> None:
        self.app = app
        defaults = [
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", CSP),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
        ]
        if https_only:
            defaults.append(("Strict-Transport-Security", HSTS))
        self.defaults = tuple(defaults)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.defaults:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
