"""Files: uploaded documents checked by their bytes, and sizes as people read them.

The type of an upload is read from the bytes (magic numbers), never from the name.

A spec lists what a document accepts by extension (``accept: [pdf, jpg, png]``) and how large
it may be (``max_size: 10MB``). The browser is told both (``accept=".pdf,application/pdf"``),
but a browser can be bypassed, so the server sniffs every file's first bytes::

    >>> sniff(b"%PDF-1.7 ...")
    'pdf'
    >>> check_upload(b"\\x89PNG\\r\\n\\x1a\\n...", accept=("pdf",), max_size=1000)
    UploadProblem(code='file_type', kind='png')

Office Open XML (``docx``, ``xlsx``, ``pptx``) and OpenDocument files are ZIP archives; they are
told apart by the archive's member names, read from the central directory only (nothing is
decompressed). The old binary Office formats (``doc``, ``xls``, ``ppt``) share one container,
so any of them satisfies the others.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from babel.numbers import format_decimal

from procgen.types import Locale

__all__ = [
    "MIME_TYPES",
    "UploadProblem",
    "accept_attribute",
    "accepts",
    "canonical",
    "check_upload",
    "clean_filename",
    "human_size",
    "sniff",
]

#: The MIME type procgen records for each kind it recognises (keyed by canonical extension).
MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "tif": "image/tiff",
    "heic": "image/heic",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "zip": "application/zip",
    "txt": "text/plain",
    "xml": "application/xml",
}

# Spellings authors use for the same kind.
_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "tiff": "tif", "heif": "heic", "text": "txt"}
# Kinds that one sniffed kind also satisfies (the OLE2 container cannot be told apart cheaply;
# an OOXML or ODF file is also a valid zip).
_ALSO = {
    "doc": {"xls", "ppt"},
    "xls": {"doc", "ppt"},
    "ppt": {"doc", "xls"},
    "docx": {"zip"},
    "xlsx": {"zip"},
    "pptx": {"zip"},
    "odt": {"zip"},
    "ods": {"zip"},
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_OOXML = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
# Markup a browser would render or run, never in the first KiB of a real PDF (whose header may
# sit anywhere in that KiB, after bytes readers skip).
_MARKUP = re.compile(rb"<(?:html|head|body|script|!doctype|svg|iframe|object|embed)", re.I)


def canonical(extension: str) -> str:
    """``"JPEG"`` → ``"jpg"``: the canonical spelling of an extension (without the dot)."""
    ext = extension.strip().lower().lstrip(".")
    return _ALIASES.get(ext, ext)


def sniff(data: bytes) -> str | None:
    """The kind of file ``data`` holds, as a canonical extension, or None when unknown."""
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return _sniff_pdf(data)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tif"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return "heic"
    if head.startswith(_OLE2):
        return "doc"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _sniff_zip(data)
    if b"%PDF-" in data[:1024]:  # readers accept a PDF header anywhere in the first 1 KiB
        return _sniff_pdf(data)
    if head.lstrip().startswith(b"<?xml"):
        return "xml"
    return "txt" if _is_text(data) else None


def _sniff_pdf(data: bytes) -> str | None:
    """``pdf``, unless the first KiB also reads as HTML or script (a polyglot a browser could
    render): then the file is whatever the rest of :func:`sniff` says, never a PDF."""
    if _MARKUP.search(data[:1024]):
        return "txt" if _is_text(data) else None
    return "pdf"


def _sniff_zip(data: bytes) -> str:
    if data[30:38] == b"mimetype":  # ODF stores its type uncompressed, first
        for mime, kind in _ODF.items():
            if data[38 : 38 + len(mime)] == mime:
                return kind
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):  # truncated or hostile archives
        return "zip"
    if "[Content_Types].xml" in names:
        for prefix, kind in _OOXML:
            if any(name.startswith(prefix) for name in names):
                return kind
    return "zip"


def _is_text(data: bytes) -> bool:
    sample = data[:4096]
    if not sample or b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sample's end is still text
        return exc.start >= len(sample) - 3
    return True


def accepts(accept: Iterable[str], kind: str | None) -> bool:
    """Whether a file of ``kind`` (from :func:`sniff`) satisfies the ``accept`` list."""
    if kind is None:
        return False
    wanted = {canonical(a) for a in accept}
    return kind in wanted or bool(_ALSO.get(kind, set()) & wanted)


def accept_attribute(accept: Iterable[str]) -> str:
    """The HTML ``accept`` attribute: extensions and MIME types, e.g. ``.pdf,application/pdf``."""
    parts: list[str] = []
    for ext in accept:
        kind = canonical(ext)
        for item in (f".{ext.strip().lower().lstrip('.')}", f".{kind}", MIME_TYPES.get(kind)):
            if item and item not in parts:
                parts.append(item)
    return ",".join(parts)


@dataclass(frozen=True)
class UploadProblem:
    """Why an upload was refused.

    Attributes:
        code: ``file_empty``, ``file_too_large`` or ``file_type``.
        kind: what the file really is (for ``file_type``), if recognised.
    """

    code: str
    kind: str | None = None


def check_upload(data: bytes, *, accept: Iterable[str], max_size: int) -> UploadProblem | None:
    """Check one uploaded file against a document's ``accept`` list and ``max_size``.

    Returns:
        None when the file is acceptable, else the problem.
    """
    if not data:
        return UploadProblem("file_empty")
    if len(data) > max_size:
        return UploadProblem("file_too_large")
    kind = sniff(data)
    if not accepts(accept, kind):
        return UploadProblem("file_type", kind)
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
# Bidirectional controls (``invoice\u202efdp.exe`` shows as ``invoiceexe.pdf``) and other
# characters that change how a name reads without being seen.
_HIDDEN = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+")


def clean_filename(name: str | None, *, kind: str | None = None, limit: int = 120) -> str:
    """A file name safe to show and to store: in NFC, no directories, controls, reserved
    characters or bidirectional controls (each becomes ``_``), never made only of those.

    The extension is made to match the sniffed ``kind`` when the name's does not.
    """
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = _HIDDEN.sub("_", _UNSAFE.sub("_", base)).strip(" .") or "file"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if kind is not None and not accepts((ext,), kind) and canonical(ext) != kind:
        stem, ext = base, kind
    if not stem.strip("_ "):  # nothing left that a person could read
        stem = "file"
    stem = stem[: max(1, limit - len(ext) - 1)]
    return f"{stem}.{ext}" if ext else stem


def human_size(size: int, locale: Locale) -> str:
    """``10000000`` → ``10 MB`` (sizes in a spec are decimal: 10MB is 10,000,000 bytes)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= factor:
            amount = round(size / factor, 1)
            return f"{format_decimal(amount, locale=locale)} {unit}"
    return f"{size} B"
