"""Sample files for scenarios: tiny but real files whose type the upload checks recognise.

>>> sample_upload(("pdf",))["filename"]
'sample.pdf'
>>> sample_upload((), "anh-the.png")["filename"]
'anh-the.png'
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from procgen.testing.wizard import sample_file

__all__ = ["sample_bytes", "sample_upload"]

_BY_EXTENSION = {"pdf": ("pdf",), "png": ("png",), "jpg": ("jpg",), "jpeg": ("jpg",)}


def sample_bytes(filename: str) -> bytes:
    """A file's content by its extension: a PDF, PNG or JPEG; other names get plain text
    (which the upload checks refuse where only documents are accepted)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kinds = _BY_EXTENSION.get(extension)
    if kinds is None:
        return b"This is not a document.\n"
    return sample_file(kinds)[1]


def sample_upload(accept: Iterable[str], filename: str | None = None) -> dict[str, str]:
    """A file as the JSON API takes it: named ``filename`` (its content following its
    extension), else the first kind ``accept`` lists."""
    if filename is None:
        filename, data, _ = sample_file(tuple(accept) or ("pdf",))
    else:
        data = sample_bytes(filename)
    return {"filename": filename, "content_base64": base64.b64encode(data).decode()}
