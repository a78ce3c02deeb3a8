"""The REST API: procedures, dossiers, actions and worklists, as JSON over the service.

Relative to where it is mounted (``/api`` in :func:`procgen.create_app`)::

    GET  /procedures                          the catalogue (?sector=, ?online=)
    GET  /procedures/{code}                   a procedure in full (?version=)
    GET  /procedures/{code}/schema            its payload's JSON Schema (?version=)
    POST /procedures/{code}/dossiers          submit: JSON or multipart; Idempotency-Key
    GET  /dossiers                            worklist (filters, pages, by due date)
    GET  /dossiers/{id}                       a dossier (ETag: its version)
    GET  /dossiers/{id}/events                its history
    GET  /dossiers/{id}/actions               what the caller may do now
    POST /dossiers/{id}/actions/{action}      act (If-Match: the version decided on)
    GET  /openapi.json                        OpenAPI 3.1, generated from the procedures

Errors: 422 with the ``[{loc, code, msg}]`` list; ``{code, msg}`` objects otherwise: 400 for
an unreadable body, 401 without credentials, 403 for another role's action or a cross-site
request, 404 for anything the caller may not see, 409 with ``current_version`` (and the
``ETag``) when the dossier moved, 413 past the size limit, 415 for another content type,
503 when the database stays locked. See ``docs/api.md``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from procgen.forms import FieldError
from procgen.procedure import Procedure
from procgen.service import (
    Busy,
    Conflict,
    DossierService,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unauthenticated,
    Upload,
)
from procgen.spec.models import ProcedureSpec
from procgen.types import Locale
from procgen.web.api import representation as rep
from procgen.web.api.openapi import openapi_document
from procgen.web.api.reading import (
    BadRequest,
    Body,
    UnsupportedMedia,
    if_match,
    read_body,
    uploads_from_json,
    worklist_query,
)
from procgen.web.auth.backends import cross_site, request_user
from procgen.web.security import BodyTooLarge, FormOptions, request_locale

__all__ = ["Handler", "api_app", "error_response"]

log = logging.getLogger("procgen.api")
T = TypeVar("T")
Handler = Callable[[Request, Locale], Awaitable[Response]]
_SUBMIT_KEYS = frozenset({"data", "documents", "channel"})
_ACT_KEYS = frozenset({"inputs", "documents"})
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _problem(status: int, code: str, msg: str, **extra: Any) -> JSONResponse:
    headers = dict(_HEADERS)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="procgen"'
    if status == 503:
        headers["Retry-After"] = "1"
    if "current_version" in extra:
        headers["ETag"] = f'"{extra["current_version"]}"'
    return JSONResponse({"code": code, "msg": msg, **extra}, status_code=status, headers=headers)


def error_response(exc: Exception) -> JSONResponse:
    """The HTTP answer to a service error (or a body that could not be read)."""
    if isinstance(exc, Invalid):
        return JSONResponse(exc.to_list(), status_code=422, headers=_HEADERS)
    if isinstance(exc, Conflict):
        return _problem(409, exc.code, str(exc), current_version=exc.current_version)
    statuses: list[tuple[type[Exception], int]] = [
        (Unauthenticated, 401),
        (Forbidden, 403),
        (NotFound, 404),
        (Busy, 503),
    ]
    for kind, status in statuses:
        if isinstance(exc, kind) and isinstance(exc, ServiceError):
            return _problem(status, exc.code, str(exc))
    if isinstance(exc, BodyTooLarge):
        return _problem(413, "too_large", "the request body is larger than this endpoint takes")
    if isinstance(exc, UnsupportedMedia):
        return _problem(415, "media_type", "send application/json or multipart/form-data")
    if isinstance(exc, BadRequest):
        return _problem(400, "malformed", str(exc))
    log.exception("unexpected error in the API", exc_info=exc)
    return _problem(500, "internal", "something went wrong on our side; it has been logged")


def _json(content: Any, status: int = 200, *, version: int | None = None) -> JSONResponse:
    headers = dict(_HEADERS)
    if version is not None:
        headers["ETag"] = f'"{version}"'
    return JSONResponse(content, status_code=status, headers=headers)


class _Api:
    def __init__(self, service: DossierService, options: FormOptions, title: str) -> None:
        self.service = service
        self.options = options
        self.title = title
        self._documents: dict[str, dict[str, Any]] = {}  # OpenAPI, by mount point
        # The body limit of a submission, by procedure code and version (with its spec).
        self._limits: dict[tuple[str, int], tuple[ProcedureSpec, int]] = {}

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await run_in_threadpool(functools.partial(function, *args, **kwargs))

    def endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            if request_user(request) is not None and cross_site(
                request, self.options.trusted_origins
            ):
                return _problem(403, "cross_site", "unsafe requests must come from this site")
            try:
                return await handler(request, request_locale(request))
            except (ServiceError, BodyTooLarge, UnsupportedMedia, BadRequest) as exc:
                return error_response(exc)

        return run

    def _procedure(self, request: Request) -> Procedure:
        code = request.path_params["code"]
        raw = request.query_params.get("version")
        if raw is not None and not (raw.isdigit() and len(raw) <= 6):
            raise Invalid([FieldError(("query", "version"), "type", "version is a number")])
        return self.service.catalogue.procedure(code, int(raw) if raw else None)

    def _spec(self, request: Request) -> ProcedureSpec:
        return self._procedure(request).spec

    # ------------------------------------------------------------------ procedures

    async def procedures(self, request: Request, locale: Locale) -> Response:
        sector, online = request.query_params.get("sector"), request.query_params.get("online")
        registry = self.service.registry
        items = [
            rep.procedure_summary(spec, registry.versions(spec.code), request)
            for spec in registry.specs(latest=True)
            if (sector is None or spec.sector.id == sector)
            and (online is None or spec.online.value == online)
        ]
        return _json({"items": items, "total": len(items)})

    async def procedure(self, request: Request, locale: Locale) -> Response:
        spec = self._spec(request)
        versions = self.service.registry.versions(spec.code)
        return _json(rep.procedure_json(spec, versions, request))

    async def schema(self, request: Request, locale: Locale) -> Response:
        schema = self._procedure(request).schema()
        return JSONResponse(schema, media_type="application/schema+json")

    async def openapi(self, request: Request, locale: Locale) -> Response:
        root = str(request.scope.get("root_path", ""))
        document = self._documents.get(root)
        if document is None:
            document = openapi_document(
                self.service.registry,
                server=root.removesuffix("/api"),
                title=self.title,
            )
            self._documents[root] = document
        return JSONResponse(document)

    def _body_limit(self, spec: ProcedureSpec) -> int:
        """The most bytes a submission's body may have (uploads base64-encoded, plus 1 MiB)."""
        cached = self._limits.get((spec.code, spec.version))
        if cached is not None and cached[0] is spec:
            return cached[1]
        limit = _upload_limit(spec, self.options) * 4 // 3 + 1024 * 1024
        self._limits[spec.code, spec.version] = (spec, limit)
        return limit

    # ------------------------------------------------------------------ dossiers

    async def submit(self, request: Request, locale: Locale) -> Response:
        spec = self._spec(request)
        limit = self._body_limit(spec)
        body = await read_body(request, limit=limit, options=self.options, json_parts=("data",))
        _only(body, _SUBMIT_KEYS)
        if "data" not in body.fields:
            raise Invalid([FieldError(("data",), "required", "data: the form's answers")])
        files = dict(body.files)
        documents = body.fields.get("documents")
        if documents is not None:
            if not isinstance(documents, dict):
                raise Invalid([FieldError(("documents",), "type", "documents: an object")])
            for doc_id, value in documents.items():
                files.setdefault(doc_id, []).extend(uploads_from_json(value, ("documents", doc_id)))
        channel = body.fields.get("channel")
        if channel is not None and not isinstance(channel, str):
            raise Invalid([FieldError(("channel",), "type", "channel: online, direct or postal")])
        key = request.headers.get("idempotency-key")
        if key is not None and not (0 < len(key) <= 200 and key.isprintable()):
            raise Invalid(
                [FieldError(("headers", "Idempotency-Key"), "invalid", "1-200 characters")]
            )
        filed = await self.call(
            self.service.submit,
            spec.code,
            body.fields["data"],
            files,
            applicant=request_user(request),
            channel=channel,
            idempotency_key=key,
            locale=locale,
            version=spec.version if request.query_params.get("version") else None,
        )
        content = rep.filed_json(filed, request)
        response = _json(content, 201 if filed.created else 200, version=filed.dossier.version)
        response.headers["Location"] = content["links"]["self"]
        if not filed.created:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    async def worklist(self, request: Request, locale: Locale) -> Response:
        user = self.service.signed_in(request_user(request))  # 401 before reading the query
        zone = self.service.deadlines.calendar.local(self.service.clock.now()).tzinfo
        assert zone is not None  # calendar.local() gives an aware datetime
        query = worklist_query(request, zone)
        page = await self.call(self.service.worklist, user, query)
        return _json(rep.worklist_json(page, request))

    async def dossier(self, request: Request, locale: Locale) -> Response:
        view = await self.call(
            self.service.get, request.path_params["dossier_id"], request_user(request)
        )
        return _json(rep.dossier_json(view, request), version=view.version)

    async def events(self, request: Request, locale: Locale) -> Response:
        found = await self.call(
            self.service.events, request.path_params["dossier_id"], request_user(request)
        )
        return _json({"items": [rep.event_json(e) for e in found]})

    async def actions(self, request: Request, locale: Locale) -> Response:
        found = await self.call(
            self.service.available_actions,
            request.path_params["dossier_id"],
            request_user(request),
        )
        content = {
            "version": found.dossier.version,
            "step": found.dossier.step.id,
            "items": [rep.action_json(c) for c in found.choices],
        }
        return _json(content, version=found.dossier.version)

    async def act(self, request: Request, locale: Locale) -> Response:
        version = if_match(request)
        body = await read_body(
            request, limit=self.options.max_body, options=self.options, json_parts=("inputs",)
        )
        inputs, files = _act_inputs(body)
        view = await self.call(
            self.service.act,
            request.path_params["dossier_id"],
            request.path_params["action"],
            request_user(request),
            inputs,
            files=files,
            if_match_version=version,
            locale=locale,
        )
        return _json(rep.dossier_json(view, request), version=view.version)


def _only(body: Body, allowed: frozenset[str]) -> None:
    unknown = sorted(set(body.fields) - allowed)
    if unknown:
        raise Invalid([FieldError((k,), "unknown", f"unknown key {k!r}") for k in unknown])


def _act_inputs(body: Body) -> tuple[dict[str, Any], dict[str, list[Upload]]]:
    """Inputs and files of an action: JSON ``inputs`` (files in it as base64 objects) and
    ``documents``, or multipart parts (text parts are inputs, file parts files)."""
    files = dict(body.files)
    fields = dict(body.fields)
    if not body.multipart:
        _only(body, _ACT_KEYS)
    inputs = fields.pop("inputs", {})
    if not isinstance(inputs, dict):
        raise Invalid([FieldError(("inputs",), "type", "inputs: an object")])
    documents = fields.pop("documents", {}) or {}
    if not isinstance(documents, dict):
        raise Invalid([FieldError(("documents",), "type", "documents: an object")])
    if body.multipart:  # the other text parts are inputs too
        inputs = {**fields, **inputs}
    inputs = dict(inputs)
    for name, value in list(inputs.items()):
        if isinstance(value, dict) and "content_base64" in value:
            files.setdefault(name, []).extend(uploads_from_json(value, ("inputs", name)))
            del inputs[name]
    for doc_id, value in documents.items():
        files.setdefault(doc_id, []).extend(uploads_from_json(value, ("documents", doc_id)))
    return inputs, files


def _upload_limit(spec: ProcedureSpec, options: FormOptions) -> int:
    """The most bytes a submission of ``spec`` may carry: its largest case's documents."""
    largest = max(
        (
            sum(int(d.max_size) * d.max_files for d in case.documents)
            for case in spec.effective_cases()
        ),
        default=0,
    )
    return min(options.max_body, largest)


def api_app(
    service: DossierService,
    *,
    options: FormOptions | None = None,
    title: str = "procgen",
    debug: bool = False,
    server_errors: bool = True,
) -> Starlette:
    """The REST API as a Starlette app, to mount (``Mount("/api", app=api_app(service))``).

    Routes are named ``procgen.api.*``. Unknown paths and methods get JSON errors too.
    ``server_errors=False`` leaves unexpected exceptions to the app it is mounted in, which
    must answer them as Starlette does (as :func:`procgen.create_app` does, with the same
    ``debug``): one error middleware per request instead of two.
    """
    api = _Api(service, options or FormOptions(), title)
    e, n = api.endpoint, "procgen.api."
    routes = [
        Route("/procedures", e(api.procedures), name=n + "procedures"),
        Route("/procedures/{code}", e(api.procedure), name=n + "procedure"),
        Route("/procedures/{code}/schema", e(api.schema), name=n + "schema"),
        Route("/procedures/{code}/dossiers", e(api.submit), methods=["POST"], name=n + "submit"),
        Route("/dossiers", e(api.worklist), name=n + "worklist"),
        Route("/dossiers/{dossier_id}", e(api.dossier), name=n + "dossier"),
        Route("/dossiers/{dossier_id}/events", e(api.events), name=n + "events"),
        Route("/dossiers/{dossier_id}/actions", e(api.actions), name=n + "actions"),
        Route(
            "/dossiers/{dossier_id}/actions/{action}",
            e(api.act),
            methods=["POST"],
            name=n + "act",
        ),
        Route("/openapi.json", e(api.openapi), name=n + "openapi"),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "error")
        detail = exc.detail if isinstance(exc, HTTPException) else "error"
        return _problem(status, code, str(detail))

    kind = Starlette if server_errors else _Mounted
    return kind(routes=routes, exception_handlers={HTTPException: http_error}, debug=debug)


class _Mounted(Starlette):
    """The API inside an app whose ``ServerErrorMiddleware`` answers unexpected errors (with
    the same ``debug`` and no handler of its own, so the answer is the same): only the
    exception middleware, which turns ``HTTPException`` into JSON, around the routes."""

    def build_middleware_stack(self) -> ASGIApp:
        handlers = {k: v for k, v in self.exception_handlers.items() if k not in (500, Exception)}
        return ExceptionMiddleware(self.router, handlers=handlers, debug=self.debug)
