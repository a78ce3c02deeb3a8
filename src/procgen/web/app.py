"""Assembling the service: :func:`create_app` returns one Starlette app with everything.

    >>> import procgen
    >>> app = procgen.create_app("definitions", database_url="sqlite:///x.db")  # doctest: +SKIP

URLs, relative to where the app is (every link is built with ``url_for``, so the app can be
mounted under any prefix of a host application; ``docs/embedding.md``)::

    /                 redirects to the services (the form pages)
    /dich-vu/...      the applicant's form pages (``forms_path``)
    /api/...          the REST API (``docs/api.md``); /api/openapi.json its description
    /auth/...         sign in and out, with the development backend (``docs/auth.md``)
    /services, /track, /dossiers, /sign-in
                      the citizen and officer pages: catalogue, tracking, receipts and
                      papers, worklist, dossier page (``docs/pages.md``)
    /static/...       procgen's stylesheet and scripts
    /health           {"status": "ok"} while the database answers

The database schema must be current: the app refuses to start otherwise, naming
``procgen db upgrade`` (``create_schema=True`` creates or upgrades it instead, which
``procgen serve`` does for a new SQLite file).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from pathlib import Path

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from procgen import __version__
from procgen.errors import ConfigurationError
from procgen.forms import FieldTypeRegistry
from procgen.i18n import translator
from procgen.registry import Registry
from procgen.service import DossierService, Filed
from procgen.spec.models import ProcedureSpec
from procgen.store import (
    DEFAULT_URL,
    AttachmentStorage,
    DossierStore,
    FileStorage,
    check_schema,
    create_engine_for,
    upgrade,
)
from procgen.web.api.routes import api_app
from procgen.web.apply.filing import ServiceSubmitHandler, SqlDraftStore
from procgen.web.apply.routes import form_routes
from procgen.web.auth.backends import AuthBackend, AuthMiddleware, DevAuth, SessionCookies
from procgen.web.auth.login import login_routes
from procgen.web.auth.users import UserDirectory
from procgen.web.pages import PagesOptions, page_routes, receipt_link
from procgen.web.security import FormOptions, SecurityHeaders, request_locale
from procgen.web.templating import template_environment
from procgen.workflow import CalendarConfig, Clock, Deadlines, SystemClock, WorkingCalendar

__all__ = ["Definitions", "create_app"]

log = logging.getLogger("procgen")
Definitions = str | os.PathLike[str] | Registry | Iterable[ProcedureSpec]


def _registry(
    definitions: Definitions,
    calendar: CalendarConfig | None,
    field_types: FieldTypeRegistry | None,
) -> Registry:
    """The compiled procedures: ``definitions`` compiled with the app's calendar and field
    types (a registry given compiled with others is compiled again)."""
    deadlines = Deadlines(WorkingCalendar(calendar)) if calendar is not None else None
    if isinstance(definitions, Registry):
        if deadlines is None and field_types is None:
            return definitions
        return definitions.recompiled(calendar=deadlines, field_types=field_types)
    if isinstance(definitions, str | os.PathLike):
        path = Path(definitions)
        if not path.exists():
            raise ConfigurationError(f"no definitions at {path}: give a folder of spec files")
        return Registry.from_path(path, calendar=deadlines, field_types=field_types)
    return Registry(definitions, calendar=deadlines, field_types=field_types)


def create_app(
    definitions: Definitions = "definitions",
    *,
    database_url: str | sa.URL = DEFAULT_URL,
    engine: sa.Engine | None = None,
    auth: AuthBackend | None = None,
    users: str | os.PathLike[str] | UserDirectory | None = None,
    session_secret: str | bytes | None = None,
    https_only: bool = False,
    storage: AttachmentStorage | str | os.PathLike[str] | None = None,
    clock: Clock | None = None,
    calendar: CalendarConfig | None = None,
    options: FormOptions | None = None,
    anonymous_submissions: bool = True,
    create_schema: bool = False,
    forms_path: str = "/dich-vu",
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    field_types: FieldTypeRegistry | None = None,
    receipt_url: Callable[[Filed], str] | None = None,
    expiry_interval: float | None = None,
    title: str = "procgen",
    debug: bool = False,
) -> Starlette:
    """The whole service as a Starlette app (see the module docstring).

    Args:
        definitions: a folder of spec files, a :class:`~procgen.Registry` or specs; compiled
            once (:func:`procgen.compile`) with ``calendar`` and ``field_types``.
        database_url: ``sqlite:///file.sqlite3`` or ``postgresql://...`` (ignored with
            ``engine``).
        engine: an engine from :func:`~procgen.store.create_engine_for`, to share one.
        auth: the authentication backend (a deployment's SSO); default: :class:`DevAuth`
            over ``users``.
        users: the development users file (or directory), when ``auth`` is not given.
        session_secret: the key signing session cookies; every process must share it
            (default: a random key, so sessions end with the process).
        https_only: session cookies only over HTTPS (``Secure``), and
            ``Strict-Transport-Security`` on every response; turn on in production.
        storage: attachment storage, or a folder for :class:`~procgen.store.FileStorage`
            (default: ``attachments`` next to a SQLite file, else in the working folder).
        clock: the only source of time (default: the system clock).
        calendar: working days, office hours and holidays (default: Vietnam's).
        options: body limits, field counts, draft lifetime, trusted origins.
        anonymous_submissions: whether visitors without an account may submit.
        create_schema: create or upgrade the database schema instead of refusing to start.
        forms_path: where the form pages are.
        templates_dir: templates searched before procgen's.
        field_types: the deployment's field types (the specs are loaded and compiled with
            them; every page, the API and the service use the same compiled procedures).
        receipt_url: the confirmation page's link for a dossier just filed from the form
            (default: its receipt, form 01: :func:`procgen.web.pages.receipt_link`).
        expiry_interval: seconds between runs of the expiry worker inside this process
            (when the app runs standalone; None: run ``procgen worker`` instead).
        title: the service's name (OpenAPI title).
        debug: Starlette's debug mode.

    Raises:
        SchemaOutOfDate: the database schema is not current (run ``procgen db upgrade``).
        SpecError: a definition has errors.
        ConfigurationError: a setting is wrong.
    """
    registry = _registry(definitions, calendar, field_types)
    clock = clock or SystemClock()
    options = options or FormOptions()
    engine = engine or create_engine_for(database_url)
    if create_schema:
        upgrade(engine)
    check_schema(engine)
    store = DossierStore(engine, clock=clock)
    service = DossierService(
        registry,
        store,
        _storage(storage, engine),
        clock=clock,
        anonymous_submissions=anonymous_submissions,
    )
    dev: DevAuth | None = None
    if auth is None:
        directory = users if isinstance(users, UserDirectory) else UserDirectory(users)
        sessions = SessionCookies(session_secret, https_only=https_only, clock=clock)
        auth = dev = DevAuth(directory, sessions)
    forms = form_routes(
        registry,
        drafts=SqlDraftStore(store.drafts),
        on_submit=ServiceSubmitHandler(
            service, receipt_url=receipt_url or receipt_link(forms_path)
        ),
        templates_dir=templates_dir,
        options=options,
        clock=clock,
    )

    async def home(request: Request) -> Response:
        return RedirectResponse(str(request.url_for("procgen.forms.index").path), 303)

    async def health(request: Request) -> Response:
        try:
            await run_in_threadpool(_ping, engine)
        except Exception as exc:  # any database failure: unhealthy, never a 500 page
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "version": __version__}, 503)
        content = {"status": "ok", "version": __version__, "procedures": len(registry)}
        return JSONResponse(content, headers={"Cache-Control": "no-store"})

    routes: list[BaseRoute] = [
        Route("/", home, name="procgen.home"),
        Route("/health", health, name="procgen.health"),
        # the app's own ServerErrorMiddleware (same debug) answers the API's unexpected errors
        Mount(
            "/api",
            app=api_app(service, options=options, title=title, debug=debug, server_errors=False),
        ),
        Mount("/static", app=StaticFiles(packages=[("procgen", "static")]), name="procgen.static"),
    ]
    if dev is not None:
        routes.append(
            Mount("/auth", routes=login_routes(dev, trusted_origins=options.trusted_origins))
        )
    routes += page_routes(
        service,
        templates_dir=templates_dir,
        options=PagesOptions(forms=options),
        auth=dev,
    )
    routes.append(Mount(forms_path, routes=forms))
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, https_only=https_only),
            Middleware(AuthMiddleware, backend=auth),
        ],
        exception_handlers={404: _not_found(templates_dir)},
        lifespan=_lifespan(service, engine, expiry_interval),
        debug=debug,
    )
    app.state.procgen_service = service
    app.state.procgen_auth = auth
    return app


def _not_found(
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None,
) -> Callable[[Request, Exception], Response]:
    """The answer to an unknown address: JSON under ``/api`` (whatever the path holds, even
    a line break, which the API's mount does not match), else the site's HTML 404 page."""
    template = template_environment(templates_dir).get_template("not-found.html")

    def not_found(request: Request, exc: Exception) -> Response:
        root = str(request.scope.get("root_path", ""))
        path = request.url.path
        path = path[len(root) :] if root and path.startswith(root) else path
        detail = exc.detail if isinstance(exc, HTTPException) else "Not Found"
        headers = {"Cache-Control": "no-store"}
        if path == "/api" or path.startswith("/api/"):
            return JSONResponse({"code": "not_found", "msg": detail}, 404, headers=headers)
        locale = request_locale(request)
        context = {
            "_": translator(locale).gettext,
            "locale": locale,
            "home_url": request.url_for("procgen.home").path,
            "stylesheet_url": request.url_for("procgen.static", path="procgen.css").path,
        }
        return HTMLResponse(template.render(context), 404, headers=headers)

    return not_found


def _storage(
    storage: AttachmentStorage | str | os.PathLike[str] | None, engine: sa.Engine
) -> AttachmentStorage:
    if storage is None:
        database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        folder = Path(database).parent / "attachments" if database else Path("attachments")
        return FileStorage(folder)
    if isinstance(storage, str | os.PathLike):
        return FileStorage(storage)
    return storage


def _ping(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def _lifespan(
    service: DossierService, engine: sa.Engine, interval: float | None
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_expiry_loop(service, interval)) if interval else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            engine.dispose()

    return lifespan


async def _expiry_loop(service: DossierService, interval: float) -> None:
    while True:
        try:
            moved = await run_in_threadpool(service.run_expiries)
            for expired in moved:
                log.info(
                    "%s: %s -> %s (deadline passed)",
                    expired.number,
                    expired.from_step,
                    expired.to_step,
                )
        except Exception:  # keep the worker alive; the next run tries again
            log.exception("the expiry worker failed")
        await asyncio.sleep(interval)
