"""Files sent with a submission or an action: checked by content, then stored.

Every file is checked against what its document (or file input) accepts, by its bytes
(:func:`procgen.files.check_upload`: magic numbers, never the name or the client's
``Content-Type``), its size and how many files the document allows. Only when every file of a
request is acceptable are they written to the :class:`~procgen.store.AttachmentStorage`, so a
refused request stores nothing. Problems come back as :class:`~procgen.forms.FieldError` at
``("documents", <document id>[, <index>])`` or ``("inputs", <input id>)``, in the user's
language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from procgen.files import MIME_TYPES, canonical, check_upload, clean_filename, human_size, sniff
from procgen.forms import FieldError, field_message
from procgen.i18n import translator
from procgen.service.errors import Invalid
from procgen.service.records import Upload
from procgen.spec.models import Document, Field
from procgen.store import AttachmentStorage, NewAttachment, store_attachment
from procgen.types import Locale

__all__ = [
    "DEFAULT_MAX_SIZE",
    "FIELD_MAX_SIZE",
    "check_documents",
    "check_field_files",
    "check_file_input",
    "save",
]

#: The largest file an action input of type ``file`` takes when its spec sets no ``max_size``.
DEFAULT_MAX_SIZE = 10 * 1000 * 1000

#: The largest file of a form's ``file`` field (its own ``max_size`` was checked by the form).
FIELD_MAX_SIZE = 64 * 1024 * 1024

_Loc = tuple[str | int, ...]


def check_documents(
    documents: Sequence[Document],
    uploads: Mapping[str, Sequence[Upload]],
    *,
    locale: Locale,
    require: bool = True,
) -> list[tuple[str, Upload]]:
    """Check ``uploads`` (by document id) against ``documents``.

    Args:
        documents: what the case asks for, given the answers.
        uploads: the files sent, by document id.
        locale: the language of the messages.
        require: report required documents that have no file (a submission), or not (a
            supplement, which adds to what is there).

    Returns:
        ``(document id, upload)`` pairs, ready for :func:`save`.

    Raises:
        Invalid: listing every problem.
    """
    gettext = translator(locale).gettext
    by_id = {d.id: d for d in documents}
    errors = [
        FieldError(("documents", doc_id), "unknown", field_message("unknown", locale, doc_id))
        for doc_id in uploads
        if doc_id not in by_id
    ]
    accepted: list[tuple[str, Upload]] = []
    for document in documents:
        files = uploads.get(document.id, ())
        where: _Loc = ("documents", document.id)
        label = document.label.get(locale)
        if not files:
            if document.required and require:
                errors.append(
                    FieldError(where, "required", field_message("required.file", locale, label))
                )
            continue
        if len(files) > document.max_files:
            message = gettext("Too many files (the limit is {count})", count=document.max_files)
            errors.append(FieldError(where, "max_items", message))
            continue
        size = int(document.max_size)
        for index, upload in enumerate(files):
            problem = _problem(upload, document.accept, size, locale)
            if problem is not None:
                errors.append(FieldError((*where, index), *problem))
            else:
                accepted.append((document.id, upload))
    if errors:
        raise Invalid(errors)
    return accepted


def check_file_input(field: Field, upload: Upload, *, locale: Locale) -> Upload:
    """Check the file sent for an action input of type ``file``. Raises :class:`Invalid`."""
    accept = field.accept or tuple(MIME_TYPES)
    size = int(field.max_size) if field.max_size is not None else DEFAULT_MAX_SIZE
    problem = _problem(upload, accept, size, locale)
    if problem is not None:
        raise Invalid([FieldError(("inputs", field.id), *problem)])
    return upload


def check_field_files(
    uploads: Mapping[str, Sequence[Upload]], *, locale: Locale
) -> list[tuple[str, Upload]]:
    """Check the files of a form's ``file`` fields (``field:<id>``): one file each, of a
    kind procgen recognises. Raises :class:`Invalid`."""
    accepted: list[tuple[str, Upload]] = []
    errors: list[FieldError] = []
    for key, sent in uploads.items():
        for index, upload in enumerate(sent):
            problem = _problem(upload, tuple(MIME_TYPES), FIELD_MAX_SIZE, locale)
            if problem is not None:
                errors.append(FieldError(("documents", key, index), *problem))
            else:
                accepted.append((key, upload))
    if errors:
        raise Invalid(errors)
    return accepted


def save(storage: AttachmentStorage, files: Sequence[tuple[str, Upload]]) -> list[NewAttachment]:
    """Write accepted files to ``storage``; their records carry the sniffed type and a clean
    name (whose extension matches the content)."""
    saved = []
    for document_id, upload in files:
        kind = sniff(upload.data)
        saved.append(
            store_attachment(
                storage,
                upload.data,
                document_id=document_id,
                filename=clean_filename(upload.filename, kind=kind),
                content_type=MIME_TYPES.get(kind or "", "application/octet-stream"),
            )
        )
    return saved


def _problem(
    upload: Upload, accept: Sequence[str], max_size: int, locale: Locale
) -> tuple[str, str] | None:
    problem = check_upload(upload.data, accept=accept, max_size=max_size)
    if problem is None:
        return None
    gettext = translator(locale).gettext
    filename = clean_filename(upload.filename)
    if problem.code == "file_empty":
        message = gettext("The file {filename} is empty", filename=filename)
    elif problem.code == "file_too_large":
        size = human_size(max_size, locale)
        message = gettext(
            "The file {filename} must be smaller than {size}", filename=filename, size=size
        )
    else:
        types = ", ".join(dict.fromkeys(canonical(a).upper() for a in accept))
        message = gettext(
            "The file {filename} must be a {types} file", filename=filename, types=types
        )
    return problem.code, message
