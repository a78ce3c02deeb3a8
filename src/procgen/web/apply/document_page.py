"""Uploaded files: the documents page, and fields of type ``file``; kept in the draft.

Every file is checked by content (:mod:`procgen.files`) against what its document or field
accepts. A document's files are kept under the document's id. A ``file`` field's file is kept
under ``field:<id>`` and the field's answer becomes the reference ``procgen.forms`` validates:
``{"id", "name", "size", "media_type"}`` (as JSON in the form, so the page posts it back).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from starlette.datastructures import UploadFile

from procgen.files import (
    MIME_TYPES,
    accept_attribute,
    canonical,
    check_upload,
    clean_filename,
    human_size,
    sniff,
)
from procgen.spec.models import Document, Field
from procgen.types import Locale
from procgen.web.apply.drafts import Draft, StoredFile
from procgen.web.apply.wizard import resolve

__all__ = [
    "FIELD_FILES",
    "DocumentView",
    "FileView",
    "document_views",
    "field_name",
    "problem_message",
    "receive_field_files",
    "receive_uploads",
    "remove_file",
    "submitted_files",
]

#: Files of ``file`` fields are kept in ``Draft.files`` under this prefix and their id.
FIELD_FILES = "field:"


def field_name(document: Document) -> str:
    """The name (and id) of a document's file input; the hyphen keeps it apart from fields."""
    return f"document-{document.id}"


@dataclass(frozen=True)
class FileView:
    """An attached file, as listed under its document."""

    name: str
    size: str
    remove_name: str


@dataclass(frozen=True)
class DocumentView:
    """A document as the documents page renders it."""

    id: str
    name: str
    label: str
    help: str | None
    rules: str
    required: bool
    accept: str
    max_size: int
    multiple: bool
    can_add: bool
    files: tuple[FileView, ...]
    error: str | None

    @property
    def described_by(self) -> str:
        """The ids of the hint and the error message, for ``aria-describedby``."""
        return f"{self.id}-hint" + (f" {self.id}-error" if self.error else "")


def _types(accept: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(canonical(a).upper() for a in accept))


def document_views(
    documents: Iterable[Document],
    draft: Draft,
    errors: Mapping[str, str],
    locale: Locale,
    gettext: Callable[..., str],
) -> list[DocumentView]:
    """The views of ``documents`` with the files attached in ``draft``."""
    views = []
    for d in documents:
        attached = draft.files.get(d.id, [])
        rules = gettext(
            "Accepted: {types}. Largest file: {size}.",
            types=_types(d.accept),
            size=human_size(d.max_size, locale),
        )
        if d.max_files > 1:
            rules += " " + gettext("Files allowed: {count}.", count=d.max_files)
        views.append(
            DocumentView(
                id=field_name(d),
                name=field_name(d),
                label=d.label.get(locale),
                help=d.help.get(locale) if d.help else None,
                rules=rules,
                required=d.required,
                accept=accept_attribute(d.accept),
                max_size=int(d.max_size),
                multiple=d.max_files > 1,
                can_add=len(attached) < d.max_files,
                files=tuple(
                    FileView(f.filename, human_size(f.size, locale), f"remove-file:{d.id}.{i}")
                    for i, f in enumerate(attached)
                ),
                error=errors.get(d.id),
            )
        )
    return views


async def receive_uploads(
    documents: Iterable[Document],
    draft: Draft,
    uploads: Iterable[tuple[str, UploadFile]],
    locale: Locale,
    gettext: Callable[..., str],
) -> dict[str, str]:
    """Check and keep the uploaded files; returns a message per document whose file was refused."""
    by_name = {field_name(d): d for d in documents}
    errors: dict[str, str] = {}
    for name, upload in uploads:
        document = by_name.get(name)
        if document is None or not upload.filename:
            continue  # an unknown input, or a file input left empty
        data = await upload.read(int(document.max_size) + 1)
        filename = clean_filename(upload.filename)
        problem = check_upload(data, accept=document.accept, max_size=int(document.max_size))
        attached = draft.files.setdefault(document.id, [])
        if problem is not None:
            message = problem_message(
                problem.code, filename, document.accept, int(document.max_size), locale, gettext
            )
            errors.setdefault(document.id, message)
        elif len(attached) >= document.max_files:
            errors.setdefault(
                document.id,
                gettext("Too many files (the limit is {count})", count=document.max_files),
            )
        else:
            kind = sniff(data) or "bin"  # check_upload accepted it, so it was recognised
            mime = MIME_TYPES.get(kind, "application/octet-stream")
            attached.append(StoredFile(clean_filename(upload.filename, kind=kind), mime, data))
        if not attached:
            del draft.files[document.id]
    return errors


def problem_message(
    code: str,
    filename: str,
    accept: Iterable[str],
    max_size: int,
    locale: Locale,
    gettext: Callable[..., str],
) -> str:
    """Why a file was refused, in the user's language."""
    if code == "file_empty":
        return gettext("The file {filename} is empty", filename=filename)
    if code == "file_too_large":
        return gettext(
            "The file {filename} must be smaller than {size}",
            filename=filename,
            size=human_size(max_size, locale),
        )
    return gettext(
        "The file {filename} must be a {types} file", filename=filename, types=_types(accept)
    )


async def receive_field_files(
    fields: Sequence[Field],
    draft: Draft,
    uploads: Iterable[tuple[str, UploadFile]],
    *,
    default_max_size: int,
    locale: Locale,
    gettext: Callable[..., str],
) -> dict[str, str]:
    """Keep the files sent to ``file`` fields among ``fields``; a message per refused file.

    A field's file input is named ``upload:<field name>``.
    """
    errors: dict[str, str] = {}
    for posted, upload in uploads:
        name = posted.removeprefix("upload:")
        found = resolve(fields, name)
        if found is None or found[0].type != "file" or not upload.filename:
            continue
        f = found[0]
        max_size = int(f.max_size) if f.max_size is not None else default_max_size
        await upload.seek(0)
        data = await upload.read(max_size + 1)
        accept = f.accept or tuple(MIME_TYPES)
        problem = check_upload(data, accept=accept, max_size=max_size)
        filename = clean_filename(upload.filename)
        if problem is not None:
            errors[name] = problem_message(
                problem.code, filename, accept, max_size, locale, gettext
            )
            continue
        kind = sniff(data) or "bin"
        stored = StoredFile(
            clean_filename(upload.filename, kind=kind),
            MIME_TYPES.get(kind, "application/octet-stream"),
            data,
        )
        ref = {
            "id": stored.sha256[:32],
            "name": stored.filename,
            "size": stored.size,
            "media_type": stored.content_type,
        }
        draft.files[f"{FIELD_FILES}{ref['id']}"] = [stored]
        draft.values[name] = [json.dumps(ref, ensure_ascii=False)]
    return errors


def submitted_files(draft: Draft) -> dict[str, list[StoredFile]]:
    """The files to hand over: every document's, and those the answers still refer to."""
    referenced = set()
    for items in draft.values.values():
        for item in items:
            if item.startswith("{"):
                try:
                    ref = json.loads(item)
                except ValueError:
                    continue
                if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                    referenced.add(f"{FIELD_FILES}{ref['id']}")
    return {
        key: list(files)
        for key, files in draft.files.items()
        if not key.startswith(FIELD_FILES) or key in referenced
    }


def remove_file(draft: Draft, action: str) -> None:
    """Apply a ``remove-file:<document>.<index>`` button."""
    target = action.removeprefix("remove-file:")
    doc_id, _, index = target.rpartition(".")
    files = draft.files.get(doc_id)
    if files and index.isdigit() and int(index) < len(files):
        del files[int(index)]
        if not files:
            del draft.files[doc_id]
