"""Reading API requests: bodies within their limits, JSON or multipart, headers and queries.

Every function raises :class:`~procgen.service.Invalid` (422, with a ``loc`` into the request)
for content that is wrong, :class:`BadRequest` (400) for a body that cannot be read at all,
:class:`~procgen.web.security.BodyTooLarge` (413) past the limit, and
:class:`UnsupportedMedia` (415) for a content type the endpoint does not take.

Files may travel in a multipart body (a part per file, named by document or input id) or in
JSON as ``{"filename": "don.pdf", "content_base64": "JVBERi0x..."}``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from procgen.forms import FieldError
from procgen.service import Invalid, Upload, WorklistQuery
from procgen.web.security import BodyTooLarge, FormOptions, limited
from procgen.workflow import FIRST_DATE, LAST_DATE

__all__ = [
    "MAX_TEXT_PART",
    "BadRequest",
    "Body",
    "UnsupportedMedia",
    "if_match",
    "read_body",
    "uploads_from_json",
    "worklist_query",
]

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,12})"?$')
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
#: The largest text part of a multipart body (the ``data`` JSON of a submission).
MAX_TEXT_PART = 1024 * 1024


class BadRequest(Exception):
    """The body cannot be read (broken JSON, a truncated multipart body): 400."""


class UnsupportedMedia(Exception):
    """The content type is neither JSON nor multipart: 415."""


@dataclass
class Body:
    """A request body, JSON or multipart, as fields and files.

    Attributes:
        fields: the JSON object, or the multipart text parts (``data`` and ``inputs`` parts
            holding JSON are parsed).
        files: the files of a multipart body, by part name.
        multipart: whether the body was multipart (else JSON, or empty).
    """

    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, list[Upload]] = field(default_factory=dict)
    multipart: bool = False


def _invalid(loc: tuple[str | int, ...], code: str, msg: str) -> Invalid:
    return Invalid([FieldError(loc, code, msg)])


async def read_body(
    request: Request, *, limit: int, options: FormOptions, json_parts: tuple[str, ...] = ()
) -> Body:
    """The body of ``request``, at most ``limit`` bytes (also ``options.max_body``).

    Args:
        request: the request.
        limit: the most bytes this endpoint takes.
        options: field counts and sizes for multipart bodies.
        json_parts: multipart text parts that hold JSON (``data``, ``inputs``).
    """
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    body = limited(request, min(limit, options.max_body))
    if kind in ("", "application/json") or kind.endswith("+json"):
        raw = await body.body()
        if not raw.strip():
            return Body()
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise BadRequest(f"the body is not JSON: {exc}") from exc
        if not isinstance(parsed, dict):
            raise _invalid((), "type", "the body must be a JSON object")
        return Body(parsed, {})
    if kind != "multipart/form-data":
        raise UnsupportedMedia(kind)
    try:
        form = await body.form(
            max_files=options.max_fields,
            max_fields=options.max_fields,
            max_part_size=MAX_TEXT_PART,
        )
    except BodyTooLarge:
        raise
    except Exception as exc:  # the multipart parser raises HTTPException, KeyError, ...
        raise BadRequest("the multipart body could not be read") from exc
    try:
        return await _from_form(form, json_parts)
    finally:
        await form.close()


async def _from_form(form: FormData, json_parts: tuple[str, ...]) -> Body:
    result = Body(multipart=True)
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            filename = value.filename or "file"
            if "\x00" in filename:
                raise _invalid((name,), "invalid", "a file name must not contain NUL (\\x00)")
            result.files.setdefault(name, []).append(Upload(filename, data))
        elif name in json_parts:
            try:
                result.fields[name] = json.loads(value)
            except (ValueError, RecursionError) as exc:
                raise _invalid((name,), "type", f"the part {name!r} must hold JSON") from exc
        else:
            result.fields[name] = value
    return result


def uploads_from_json(value: Any, loc: tuple[str | int, ...]) -> list[Upload]:
    """Files given in JSON: one ``{"filename", "content_base64"}`` object, or a list of them."""
    items = value if isinstance(value, list) else [value]
    found = []
    for index, item in enumerate(items):
        where = (*loc, index) if isinstance(value, list) else loc
        if not isinstance(item, Mapping) or set(item) - {"filename", "content_base64"}:
            raise _invalid(where, "type", 'a file is {"filename": ..., "content_base64": ...}')
        name, content = item.get("filename"), item.get("content_base64")
        if not isinstance(name, str) or not isinstance(content, str):
            raise _invalid(where, "required", "filename and content_base64 are required texts")
        if "\x00" in name:
            raise _invalid((*where, "filename"), "invalid", "a file name must not contain NUL")
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _invalid((*where, "content_base64"), "invalid", "not base64") from exc
        found.append(Upload(name, data))
    return found


def if_match(request: Request) -> int | None:
    """The version in ``If-Match`` (``"3"``, ``W/"3"`` or ``3``); None when absent or ``*``."""
    value = request.headers.get("if-match", "").strip()
    if not value or value == "*":
        return None
    match = _ETAG.match(value)
    if match is None:
        raise _invalid(("headers", "If-Match"), "invalid", 'If-Match holds the ETag, e.g. "3"')
    return int(match[1])


def _flag(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _invalid(("query", name), "type", f"{name} is true or false")


def _number(params: Mapping[str, str], name: str, default: int) -> int:
    value = params.get(name)
    if value is None:
        return default
    if not value.isdigit() or len(value) > 9:
        raise _invalid(("query", name), "type", f"{name} is a whole number")
    return int(value)


def _due_before(raw: str, zone: dt.tzinfo) -> dt.datetime:
    """``due_before``: a day (due on or before it, in ``zone``) or an aware ISO date-time,
    within the supported years (:data:`procgen.workflow.FIRST_DATE` to ``LAST_DATE``)."""
    loc: tuple[str | int, ...] = ("query", "due_before")
    try:
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            moment = None
        else:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            day = moment.date()
    except ValueError as exc:
        raise _invalid(loc, "datetime", "due_before: a date or ISO date-time") from exc
    if not FIRST_DATE <= day <= LAST_DATE:
        raise _invalid(
            loc,
            "max" if day > LAST_DATE else "min",
            f"due_before: a date from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}",
        )
    if moment is None:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _invalid(loc, "datetime", "due_before: give the time zone (Z, +07:00)")
    return moment


def worklist_query(request: Request, zone: dt.tzinfo) -> WorklistQuery:
    """The worklist filters of ``GET /api/dossiers``; a date for ``due_before`` means "due on
    or before that day" in ``zone``. Dates outside the supported years (1800 to 2199) are a
    422 naming ``due_before``."""
    params = request.query_params
    due_before = None
    raw = params.get("due_before")
    if raw:
        due_before = _due_before(raw, zone)
    text = {name: params.get(name) or None for name in ("procedure", "step", "role")}
    for name, value in text.items():
        if value is not None and len(value) > 64:
            raise _invalid(("query", name), "too_long", f"{name} is at most 64 characters")
        if value is not None and not value.isprintable():
            raise _invalid(("query", name), "invalid", f"{name} holds control characters")
    return WorklistQuery(
        procedure=text["procedure"],
        step=text["step"],
        role=text["role"],
        mine=_flag(params, "mine"),
        overdue=_flag(params, "overdue"),
        due_before=due_before,
        include_closed=_flag(params, "include_closed"),
        page=_number(params, "page", 1),
        size=_number(params, "size", 50),
    )
