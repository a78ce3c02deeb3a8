"""The store: dossiers, their history, documents, drafts and outbox, in SQLite or PostgreSQL.

    >>> from procgen.store import DossierStore, create_engine_for, upgrade   # doctest: +SKIP
    >>> upgrade("sqlite:///procgen.sqlite3")                                 # doctest: +SKIP
    >>> store = DossierStore(create_engine_for("sqlite:///procgen.sqlite3"))  # doctest: +SKIP

Modules: :mod:`~procgen.store.engine` (engines, write transactions),
:mod:`~procgen.store.tables` (schema), :mod:`~procgen.store.records` (what goes in and comes
out), :mod:`~procgen.store.repository` (:class:`DossierStore`), :mod:`~procgen.store.drafts`,
:mod:`~procgen.store.outbox`, :mod:`~procgen.store.worklist`,
:mod:`~procgen.store.numbering`, :mod:`~procgen.store.attachments` (bytes),
:mod:`~procgen.store.batch` (a change's INSERTs in few statements) and
:mod:`~procgen.store.migrations` (Alembic). See ``docs/storage.md``.
"""

from procgen.errors import deprecated_names
from procgen.store.attachments import AttachmentStorage, FileStorage, store_attachment
from procgen.store.drafts import Drafts
from procgen.store.engine import DEFAULT_URL, create_engine_for
from procgen.store.errors import (
    ChecksumMismatch,
    IdempotencyConflict,
    RecordNotFound,
    SchemaOutOfDate,
    StoreBusy,
    StoreError,
    VersionConflict,
    WriteConflict,
)
from procgen.store.migrations import (
    UPGRADE_COMMAND,
    check_schema,
    current_revision,
    head_revision,
    upgrade,
)
from procgen.store.numbering import DossierNumber, format_number, parse_number
from procgen.store.outbox import EVENT_TOPIC, Outbox
from procgen.store.records import (
    Applicant,
    AttachmentRecord,
    ClaimedMessage,
    Created,
    DossierRecord,
    DraftRecord,
    EventRecord,
    NewAttachment,
    NewDossier,
    OutboxMessage,
    StepRef,
    WorklistFilter,
    WorklistPage,
)
from procgen.store.repository import KEEP, SUBMIT_ACTION, DossierStore

__all__ = [
    "DEFAULT_URL",
    "EVENT_TOPIC",
    "KEEP",
    "SUBMIT_ACTION",
    "UPGRADE_COMMAND",
    "Applicant",
    "AttachmentRecord",
    "AttachmentStorage",
    "ChecksumMismatch",
    "ClaimedMessage",
    "Created",
    "DossierNumber",
    "DossierRecord",
    "DossierStore",
    "DraftRecord",
    "Drafts",
    "EventRecord",
    "FileStorage",
    "IdempotencyConflict",
    "NewAttachment",
    "NewDossier",
    "Outbox",
    "OutboxMessage",
    "RecordNotFound",
    "SchemaOutOfDate",
    "StepRef",
    "StoreBusy",
    "StoreError",
    "VersionConflict",
    "WorklistFilter",
    "WorklistPage",
    "WriteConflict",
    "check_schema",
    "create_engine_for",
    "current_revision",
    "format_number",
    "head_revision",
    "parse_number",
    "store_attachment",
    "upgrade",
]


__getattr__ = deprecated_names(  # renamed in 0.2; the service keeps NotFound and Conflict
    __name__,
    {
        "NotFound": (lambda: RecordNotFound, "use procgen.store.RecordNotFound"),
        "Conflict": (lambda: WriteConflict, "use procgen.store.WriteConflict"),
    },
)
