"""The OpenAPI 3.1 document of the REST API, generated from the compiled procedures.

Each procedure gets its own submission path (``POST /procedures/BQP-UAV-01/dossiers``) whose
body refers to that procedure's payload schema, so a client generator or schemathesis sees
every field; every version's payload schema is a component (``BQP-UAV-01.v1``), the same
JSON Schema 2020-12 as ``GET /procedures/{code}/schema`` (the dialect of OpenAPI 3.1). The
``servers`` URL is where the API is mounted, so the document stays right under any prefix.

    >>> import procgen
    >>> doc = openapi_document(procgen.Registry.from_path("definitions"))   # doctest: +SKIP
    >>> doc["openapi"], "/procedures/BQP-UAV-01/dossiers" in doc["paths"]   # doctest: +SKIP
    ('3.1.0', True)
"""

from __future__ import annotations

from typing import Any

from procgen import __version__
from procgen.registry import Registry
from procgen.spec.models import Channel, ProcedureSpec
from procgen.web.api.components import ERRORS, common_schemas, ref, response
from procgen.web.api.components import errors as error_refs

__all__ = ["openapi_document"]

_STRING = {"type": "string"}
_OBJECT = {"type": "object"}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": _STRING,
        "description": description,
    }


_VERSION = _query(
    "version", {"type": "integer", "minimum": 1}, "a procedure version (default: latest)"
)
_DOSSIER = _path_param("dossier_id", "the dossier's id (a UUID)")


def _submission(spec: ProcedureSpec, payload: str) -> dict[str, Any]:
    documents = sorted({d.id for case in spec.effective_cases() for d in case.documents})
    channel = {"enum": [c.value for c in Channel], "default": "online"}
    as_json = {
        "type": "object",
        "additionalProperties": False,
        "required": ["data"],
        "properties": {
            "data": ref(payload),
            "channel": channel,
            "documents": {
                "type": "object",
                "additionalProperties": False,
                "properties": {d: ref("Files") for d in documents},
            },
        },
    }
    binary = {
        "type": "array",
        "items": {"type": "string", "contentMediaType": "application/octet-stream"},
    }
    as_form = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": ref(payload), "channel": channel} | dict.fromkeys(documents, binary),
    }
    return {
        "summary": f"Submit a dossier: {spec.name.vi}",
        "description": spec.name.en or spec.name.vi,
        "operationId": "submit_" + "".join(c if c.isalnum() else "_" for c in spec.code),
        "tags": ["dossiers"],
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "the same key and body give the same dossier (200)",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": as_json},
                "multipart/form-data": {
                    "schema": as_form,
                    "encoding": {"data": {"contentType": "application/json"}},
                },
            },
        },
        "responses": {
            "201": response("filed", "Filed"),
            "200": response("filed earlier with this Idempotency-Key", "Filed"),
            **error_refs("400", "404", "413", "415", "422", "503"),
        },
    }


def _get(
    summary: str,
    operation: str,
    schema: str,
    *params: dict[str, Any],
    errors: tuple[str, ...] = ("404",),
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "parameters": list(params),
            "responses": {"200": response(summary, schema), **error_refs(*errors)},
        }
    }


def openapi_document(
    registry: Registry,
    *,
    server: str = "",
    title: str = "procgen",
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API over ``registry``, served from ``server`` + ``/api``."""
    schemas = common_schemas()
    paths: dict[str, Any] = {
        "/procedures": _get(
            "The catalogue of procedures",
            "listProcedures",
            "ProcedureList",
            _query("sector", _STRING, "only this sector id"),
            _query("online", {"enum": ["full", "partial"]}, "only this online level"),
            errors=(),
        ),
        "/procedures/{code}": _get(
            "A procedure in full",
            "getProcedure",
            "Procedure",
            _path_param("code", "the procedure's code"),
            _VERSION,
        ),
        "/procedures/{code}/schema": {
            "get": {
                "summary": "The JSON Schema of a procedure's payload",
                "operationId": "getPayloadSchema",
                "parameters": [_path_param("code", "the procedure's code"), _VERSION],
                "responses": {
                    "200": {
                        "description": "a JSON Schema 2020-12",
                        "content": {"application/schema+json": {"schema": _OBJECT}},
                    },
                    **error_refs("404", "422"),
                },
            }
        },
    }
    for code in registry.codes():
        for version in registry.versions(code):
            schema = registry.get(code, version).schema()
            schema.pop("$schema", None)
            schemas[f"{code}.v{version}"] = schema
        latest = registry.get(code).spec
        paths[f"/procedures/{code}/dossiers"] = {
            "post": _submission(latest, f"{code}.v{latest.version}")
        }
    paths["/dossiers"] = _get(
        "The caller's worklist, by due date",
        "worklist",
        "Worklist",
        _query("procedure", _STRING, "only this procedure code"),
        _query("step", _STRING, "only this step"),
        _query("role", _STRING, "only steps where this role (one of the caller's) acts"),
        _query("mine", {"type": "boolean"}, "only the caller's own dossiers"),
        _query("overdue", {"type": "boolean"}, "only dossiers past their appointment date"),
        _query("due_before", _STRING, "a date (due on or before it) or an ISO date-time"),
        _query("include_closed", {"type": "boolean"}, "also dossiers that have ended"),
        _query("page", {"type": "integer", "minimum": 1}, "the page (from 1)"),
        _query("size", {"type": "integer", "minimum": 1, "maximum": 500}, "per page (50)"),
        errors=("401", "422"),
    )
    paths["/dossiers/{dossier_id}"] = _get(
        "A dossier", "getDossier", "Dossier", _DOSSIER, errors=("401", "404")
    )
    paths["/dossiers/{dossier_id}/events"] = _get(
        "A dossier's history", "getEvents", "EventList", _DOSSIER, errors=("401", "404")
    )
    paths["/dossiers/{dossier_id}/actions"] = _get(
        "What the caller may do on a dossier now",
        "getActions",
        "ActionList",
        _DOSSIER,
        errors=("401", "404"),
    )
    paths["/dossiers/{dossier_id}/actions/{action}"] = {
        "post": {
            "summary": "Take an action on a dossier",
            "operationId": "act",
            "parameters": [
                _DOSSIER,
                _path_param("action", "the action's id"),
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": False,
                    "schema": _STRING,
                    "description": 'the version decided on, as its ETag ("3")',
                },
            ],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {"schema": ref("ActionRequest")},
                    "multipart/form-data": {"schema": _OBJECT},
                },
            },
            "responses": {
                "200": response("the dossier after the action", "Dossier"),
                **error_refs("400", "401", "403", "404", "409", "413", "415", "422", "503"),
            },
        }
    }
    paths["/openapi.json"] = {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1",
                    "content": {"application/json": {"schema": _OBJECT}},
                }
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{title} API",
            "version": __version__,
            "description": "Submit dossiers, follow them and act on them.",
        },
        "servers": [{"url": f"{server}/api"}],
        "security": [{}, {"bearerAuth": []}, {"sessionCookie": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                f"E{status}": response(description, schema)
                for status, (description, schema) in ERRORS.items()
            },
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "procgen_session"},
            },
        },
    }
