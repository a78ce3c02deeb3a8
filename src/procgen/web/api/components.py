"""The reusable parts of the OpenAPI document: schemas of the API's resources, error answers.

:mod:`procgen.web.api.openapi` puts them in ``components`` and refers to them; they describe the
JSON of :mod:`procgen.web.api.representation`.
"""

from __future__ import annotations

from typing import Any

from procgen.spec.models import Channel

__all__ = ["ERRORS", "common_schemas", "errors", "ref", "response"]

_REF = "#/components/schemas/"
_STRING = {"type": "string"}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_OBJECT = {"type": "object"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def response(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


ERRORS = {
    "400": ("the body could not be read", "Problem"),
    "401": ("no credentials: sign in or send a bearer token", "Problem"),
    "403": ("another role's action, or a cross-site request", "Problem"),
    "404": ("no such resource, or not one the caller may see", "Problem"),
    "409": ("the dossier moved on: current_version and ETag say where it is", "Problem"),
    "413": ("the body is larger than allowed", "Problem"),
    "415": ("send application/json or multipart/form-data", "Problem"),
    "422": ("what was sent is wrong: every problem with its loc", "FieldErrors"),
    "503": ("the database stayed locked; retry after Retry-After seconds", "Problem"),
}


def errors(*statuses: str) -> dict[str, Any]:
    return {status: {"$ref": f"#/components/responses/E{status}"} for status in statuses}


def common_schemas() -> dict[str, Any]:
    text = {
        "type": ["object", "null"],
        "properties": {"vi": _STRING, "en": _STRING},
        "required": ["vi", "en"],
    }
    status = {
        "type": ["object", "null"],
        "properties": {"code": {"type": "integer"}, "key": _STRING},
    }
    upload = {
        "type": "object",
        "additionalProperties": False,
        "required": ["filename", "content_base64"],
        "properties": {
            "filename": _STRING,
            "content_base64": {"type": "string", "contentEncoding": "base64"},
        },
    }
    dates = dict.fromkeys(
        ("received_at", "due_at", "appointment_at", "step_due_at", "completed_at"), _TIME
    )
    return {
        "Text": text,
        "Status": status,
        "FileUpload": upload,
        "Files": {"oneOf": [ref("FileUpload"), {"type": "array", "items": ref("FileUpload")}]},
        "FieldError": {
            "type": "object",
            "required": ["loc", "code", "msg"],
            "properties": {
                "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                "code": _STRING,
                "msg": _STRING,
            },
        },
        "FieldErrors": {"type": "array", "items": ref("FieldError")},
        "Problem": {
            "type": "object",
            "required": ["code", "msg"],
            "properties": {
                "code": _STRING,
                "msg": _STRING,
                "current_version": {"type": "integer"},
            },
        },
        "ProcedureSummary": {
            "type": "object",
            "required": ["code", "version", "versions", "name"],
            "properties": {
                "code": _STRING,
                "version": {"type": "integer"},
                "versions": {"type": "array", "items": {"type": "integer"}},
                "name": ref("Text"),
                "online": {"enum": ["full", "partial"]},
                "links": _OBJECT,
            },
        },
        "ProcedureList": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": ref("ProcedureSummary")},
                "total": {"type": "integer"},
            },
        },
        "Procedure": {
            "allOf": [ref("ProcedureSummary")],
            "properties": {
                "roles": {"type": "array", "items": _STRING},
                "cases": {"type": "array"},
            },
        },
        "Filed": {
            "type": "object",
            "required": ["id", "number", "step", "version", "tracking_secret"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "number": _STRING,
                "step": _STRING,
                "status": ref("Status"),
                **dates,
                "version": {"type": "integer"},
                "tracking_secret": _STRING,
                "links": _OBJECT,
            },
        },
        "Dossier": {
            "type": "object",
            "required": ["id", "number", "step", "version", "data"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "number": _STRING,
                "procedure": _OBJECT,
                "step": _OBJECT,
                "status": ref("Status"),
                "channel": {"enum": [c.value for c in Channel]},
                "data": _OBJECT,
                **dates,
                "outcome": {"type": ["string", "null"]},
                "live_status": {"enum": ["on_track", "due_soon", "overdue", None]},
                "version": {"type": "integer"},
                "attachments": {"type": "array", "items": _OBJECT},
            },
        },
        "Event": {
            "type": "object",
            "required": ["seq", "at", "action", "to_step"],
            "properties": {
                "seq": {"type": "integer"},
                "at": {"type": "string", "format": "date-time"},
                "action": _STRING,
                "from_step": {"type": ["string", "null"]},
                "to_step": _STRING,
                "inputs": _OBJECT,
            },
        },
        "EventList": {
            "type": "object",
            "properties": {"items": {"type": "array", "items": ref("Event")}},
        },
        "Action": {
            "type": "object",
            "required": ["id", "allowed"],
            "properties": {
                "id": _STRING,
                "label": ref("Text"),
                "to": {"type": ["string", "null"]},
                "role": {"type": ["string", "null"]},
                "allowed": {"type": "boolean"},
                "denial": {"type": ["object", "null"]},
                "inputs": {"type": "array", "items": _OBJECT},
            },
        },
        "ActionList": {
            "type": "object",
            "properties": {
                "version": {"type": "integer"},
                "step": _STRING,
                "items": {"type": "array", "items": ref("Action")},
            },
        },
        "ActionRequest": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "inputs": {"type": "object", "description": "files as FileUpload objects"},
                "documents": {"type": "object", "additionalProperties": ref("Files")},
            },
        },
        "Worklist": {
            "type": "object",
            "required": ["items", "total", "page", "size", "pages"],
            "properties": {
                "items": {"type": "array", "items": _OBJECT},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "size": {"type": "integer"},
                "pages": {"type": "integer"},
            },
        },
    }
