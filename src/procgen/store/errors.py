"""The exceptions the store raises.

Every one derives from :class:`procgen.errors.ProcgenError` through :class:`StoreError`, and
from the built-in it resembles. The web layer maps them to HTTP: :class:`RecordNotFound` to 404,
:class:`WriteConflict` (and its subclasses) to 409, :class:`IdempotencyConflict` to 422::

    StoreError(ProcgenError, RuntimeError)
     ├── RecordNotFound(StoreError, LookupError)   no dossier, attachment or draft with that id
     ├── WriteConflict                             the write lost a race: reload and retry
     │    ├── VersionConflict                      the dossier changed since it was read
     │    └── StoreBusy                            the database stayed locked too long
     ├── IdempotencyConflict(StoreError, ValueError)  a key was reused with another body
     ├── SchemaOutOfDate                           run ``procgen db upgrade``
     └── ChecksumMismatch                          stored bytes no longer match their checksum
"""

from __future__ import annotations

from procgen.errors import ProcgenError, deprecated_names

__all__ = [
    "ChecksumMismatch",
    "IdempotencyConflict",
    "RecordNotFound",
    "SchemaOutOfDate",
    "StoreBusy",
    "StoreError",
    "VersionConflict",
    "WriteConflict",
]


class StoreError(ProcgenError, RuntimeError):
    """Base of the store's exceptions."""


class RecordNotFound(StoreError, LookupError):
    """No dossier, attachment or draft with that identifier (or it has expired)."""


class WriteConflict(StoreError):
    """A concurrent write won; nothing was changed. Reload and try again (HTTP 409)."""


class VersionConflict(WriteConflict):
    """The dossier is no longer at the version the caller read.

    Attributes:
        current_version: the dossier's version now (send it back, e.g. as an ``ETag``).
    """

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


class StoreBusy(WriteConflict):
    """The database stayed locked by other writers longer than the busy timeout."""


class IdempotencyConflict(StoreError, ValueError):
    """An idempotency key was sent again with a different request body (HTTP 422).

    Attributes:
        key: the idempotency key.
        dossier_id: the dossier the key first created.
    """

    def __init__(self, message: str, *, key: str, dossier_id: object) -> None:
        super().__init__(message)
        self.key = key
        self.dossier_id = dossier_id


class SchemaOutOfDate(StoreError):
    """The database schema is not the one this version of procgen needs.

    Attributes:
        current: the database's revision (None for an empty database).
        expected: the revision procgen needs.
    """

    def __init__(self, message: str, *, current: str | None, expected: str) -> None:
        super().__init__(message)
        self.current = current
        self.expected = expected


class ChecksumMismatch(StoreError):
    """Stored bytes no longer hash to the checksum recorded when they were written."""


__getattr__ = deprecated_names(  # renamed in 0.2; the service keeps NotFound and Conflict
    __name__,
    {
        "NotFound": (lambda: RecordNotFound, "use RecordNotFound"),
        "Conflict": (lambda: WriteConflict, "use WriteConflict"),
    },
)
