"""Where attachment bytes live: the one-method-each :class:`AttachmentStorage` protocol.

The database holds attachments' metadata (:class:`~procgen.store.records.NewAttachment`); the
bytes go to a storage first, and the key it returns is recorded with the dossier. The default,
:class:`FileStorage`, keeps them in a folder, named by their SHA-256 (never by the client's
file name), so the name is the checksum and every read is verified::

    >>> import tempfile
    >>> storage = FileStorage(tempfile.mkdtemp())
    >>> key = storage.put(b"%PDF-1.7 ...")
    >>> storage.get(key)
    b'%PDF-1.7 ...'

Writes are atomic and durable: a temporary file in the target folder, ``fsync``, rename over
the final name, ``fsync`` of the folder. A crash leaves either the whole file or none (and
perhaps a ``.tmp`` file, which :meth:`FileStorage.clean_temporary` removes). Content addressing
also makes ``put`` idempotent: a retried upload stores nothing twice. Nothing is ever deleted
through the protocol: dossiers are records.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol, cast, runtime_checkable

from procgen.store.errors import ChecksumMismatch, RecordNotFound
from procgen.store.records import NewAttachment

__all__ = ["AttachmentStorage", "FileStorage", "store_attachment"]

_KEY = re.compile(r"^[0-9a-f]{64}$")


@runtime_checkable
class AttachmentStorage(Protocol):
    """Stores bytes under a server-generated key and gives them back, verified."""

    def put(self, data: bytes) -> str:
        """Store ``data`` durably and return its key."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``.

        Raises:
            RecordNotFound: nothing is stored under ``key``.
            ChecksumMismatch: the stored bytes changed since they were put.
        """
        ...


class FileStorage:
    """Attachments as files under ``root``, at ``ab/cd/abcd…`` (their SHA-256 in hex).

    Args:
        root: the folder; created if missing. Back it up with the database.
        durable: ``fsync`` files and folders (turn off only for throw-away test data).
    """

    def __init__(self, root: str | os.PathLike[str], *, durable: bool = True) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.durable = durable

    def __repr__(self) -> str:
        return f"<FileStorage {self.root}>"

    def path(self, key: str) -> Path:
        """Where the file for ``key`` is (whether or not it exists).

        Raises:
            RecordNotFound: ``key`` is not a key this storage makes.
        """
        if not _KEY.match(key):
            raise RecordNotFound(f"{key!r} is not an attachment key (64 hex digits)")
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its key (its SHA-256 in hex)."""
        return self._put(data, hashlib.sha256(data).hexdigest())

    def _put(self, data: bytes, key: str) -> str:
        """:meth:`put`, ``key`` being the SHA-256 of ``data`` (computed by the caller)."""
        target = self.path(key)
        if target.exists() and _digest(target) == key:
            return key  # already there, intact
        created = [d for d in (target.parent.parent, target.parent) if not d.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                if self.durable:
                    os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        if self.durable:  # the new name, and any new folder's name, must reach the disk too
            for folder in [target.parent, *(d.parent for d in reversed(created))]:
                _fsync_dir(folder)
        return key

    def get(self, key: str) -> bytes:
        """The bytes under ``key``, checked against it.

        Raises:
            RecordNotFound: no such file.
            ChecksumMismatch: the file's bytes do not hash to ``key`` (corruption or tampering).
        """
        target = self.path(key)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise RecordNotFound(f"no attachment stored under {key}") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != key:
            raise ChecksumMismatch(
                f"attachment file {target} is corrupt: its SHA-256 is {actual}, not {key}; "
                "restore it from a backup"
            )
        return data

    def clean_temporary(self) -> int:
        """Remove temporary files left by a crash mid-write; returns how many."""
        count = 0
        for leftover in self.root.glob("*/*/.*.tmp"):
            leftover.unlink(missing_ok=True)
            count += 1
        return count


def store_attachment(
    storage: AttachmentStorage,
    data: bytes,
    *,
    document_id: str,
    filename: str,
    content_type: str,
) -> NewAttachment:
    """Put ``data`` in ``storage`` and describe it for :class:`NewDossier` or a transition."""
    sha256 = hashlib.sha256(data).hexdigest()
    if type(storage).put is FileStorage.put:  # a FileStorage's key is the hash: hash once
        key = cast(FileStorage, storage)._put(data, sha256)
    else:
        key = storage.put(data)
    return NewAttachment(
        document_id=document_id,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        storage_key=key,
    )


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
