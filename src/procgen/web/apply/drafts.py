"""Drafts: a dossier in progress, saved between pages and resumable by a link.

A :class:`Draft` holds what the applicant typed, exactly as typed (so nothing is lost when a
value is wrong), the rows of list fields, the documents attached (their bytes, for now) and the
receipt once submitted. It is found by an unguessable token, ``secrets.token_urlsafe(32)``,
which is also the resume link's secret.

A :class:`DraftStore` loads and saves drafts; :class:`InMemoryDraftStore` keeps them in a dict
(tests, a single development process). Stores refuse a stale save with :class:`DraftConflict`,
so two requests on one draft cannot silently overwrite each other's work::

    >>> import asyncio
    >>> store = InMemoryDraftStore()
    >>> draft = new_draft("BQP-UAV-01", 1, ttl=dt.timedelta(days=30))
    >>> asyncio.run(store.save(draft)); draft.revision
    1
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import secrets
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from procgen.errors import ProcgenError
from procgen.web.apply.submission import SubmissionReceipt

if TYPE_CHECKING:
    from procgen.workflow.clock import Clock

__all__ = [
    "Draft",
    "DraftConflict",
    "DraftStore",
    "InMemoryDraftStore",
    "StoredFile",
    "draft_from_data",
    "draft_to_data",
    "new_draft",
]


@dataclass(frozen=True)
class StoredFile:
    """An uploaded document whose type was checked by content.

    Attributes:
        filename: the cleaned file name, for display.
        content_type: the MIME type found by sniffing the bytes (not the browser's claim).
        data: the bytes.
    """

    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """The size in bytes."""
        return len(self.data)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes, in hex."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Draft:
    """A dossier in progress: what the applicant has answered so far.

    Attributes:
        token: the secret that finds the draft (and the resume link's last segment).
        code: the procedure's code.
        version: the procedure version the draft was started on.
        expires_at: when the store forgets it (UTC); each save moves it forward.
        values: the answers, strings as typed, by dotted field name (``pilots.0.full_name``).
        rows: the number of rows of each list field shown (``pilots``, ``a.0.b``).
        files: the attached documents by document id.
        attempted: the pages the applicant has tried to leave (their errors are shown).
        receipt: set once submitted.
        submitting_since: set while the submission is being filed.
        revision: how many times it was saved; stores refuse a save from an older revision.
    """

    token: str
    code: str
    version: int
    expires_at: dt.datetime
    values: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, list[StoredFile]] = field(default_factory=dict)
    attempted: set[str] = field(default_factory=set)
    receipt: SubmissionReceipt | None = None
    submitting_since: dt.datetime | None = None
    revision: int = 0

    def __repr__(self) -> str:
        state = "submitted" if self.receipt else f"{len(self.values)} values"
        return f"<Draft {self.code} v{self.version} {self.token[:6]}…: {state}>"


def new_draft(
    code: str, version: int, *, ttl: dt.timedelta, now: dt.datetime | None = None
) -> Draft:
    """A fresh draft with a new unguessable token, expiring ``ttl`` from ``now``."""
    moment = now or dt.datetime.now(dt.UTC)
    return Draft(secrets.token_urlsafe(32), code, version, expires_at=moment + ttl)


def draft_to_data(draft: Draft) -> dict[str, Any]:
    """The draft's content as JSON values (files base64-encoded), for a store's JSON column.

    The token, procedure, expiry and revision are left out: stores keep them in columns.
    """
    return {
        "values": {name: list(items) for name, items in draft.values.items()},
        "rows": dict(draft.rows),
        "attempted": sorted(draft.attempted),
        "files": {
            key: [
                {
                    "filename": f.filename,
                    "content_type": f.content_type,
                    "data": base64.b64encode(f.data).decode("ascii"),
                }
                for f in files
            ]
            for key, files in draft.files.items()
        },
        "receipt": asdict(draft.receipt) if draft.receipt is not None else None,
        "submitting_since": (
            draft.submitting_since.isoformat() if draft.submitting_since is not None else None
        ),
    }


def draft_from_data(
    token: str,
    code: str,
    version: int,
    *,
    expires_at: dt.datetime,
    revision: int,
    data: Mapping[str, Any],
) -> Draft:
    """The inverse of :func:`draft_to_data`, given what the store keeps in columns."""
    receipt = data.get("receipt")
    since = data.get("submitting_since")
    return Draft(
        token,
        code,
        version,
        expires_at=expires_at,
        values={str(k): [str(v) for v in items] for k, items in data.get("values", {}).items()},
        rows={str(k): int(v) for k, v in data.get("rows", {}).items()},
        files={
            str(key): [
                StoredFile(f["filename"], f["content_type"], base64.b64decode(f["data"]))
                for f in files
            ]
            for key, files in data.get("files", {}).items()
        },
        attempted=set(data.get("attempted", ())),
        receipt=SubmissionReceipt(**receipt) if receipt else None,
        submitting_since=dt.datetime.fromisoformat(since) if since else None,
        revision=revision,
    )


class DraftConflict(ProcgenError, RuntimeError):
    """The draft was saved by another request since it was loaded: load it again."""


@runtime_checkable
class DraftStore(Protocol):
    """Where drafts live between requests.

    ``load`` returns None for an unknown or expired token. ``save`` stores a copy, raises
    :class:`DraftConflict` when ``draft.revision`` is not the stored one, and increments it.
    """

    async def load(self, token: str) -> Draft | None:
        """The draft with ``token``, or None."""
        ...

    async def save(self, draft: Draft) -> None:
        """Store ``draft`` (insert or update) and increment its revision."""
        ...


class InMemoryDraftStore:
    """Drafts in a dict, for tests and a single development process.

    Args:
        max_drafts: the oldest drafts are dropped beyond this many (they hold file bytes).
        clock: returns the current UTC time (for expiry); default: the system clock.
    """

    def __init__(self, *, max_drafts: int = 10_000, clock: Clock | None = None) -> None:
        self._drafts: OrderedDict[str, Draft] = OrderedDict()
        self._max = max_drafts
        self._clock = clock

    def _now(self) -> dt.datetime:
        return self._clock.now() if self._clock is not None else dt.datetime.now(dt.UTC)

    async def load(self, token: str) -> Draft | None:
        """A copy of the draft with ``token``, or None when unknown or expired."""
        draft = self._drafts.get(token)
        if draft is None:
            return None
        if draft.expires_at <= self._now():
            del self._drafts[token]
            return None
        return copy.deepcopy(draft)

    async def save(self, draft: Draft) -> None:
        """Store a copy of ``draft``.

        Raises:
            DraftConflict: when another save happened since ``draft`` was loaded.
        """
        current = self._drafts.get(draft.token)
        stored = current.revision if current is not None else 0
        if draft.revision != stored:
            raise DraftConflict(
                f"draft {draft.token[:6]}… is at revision {stored}, not {draft.revision}"
            )
        draft.revision += 1
        self._drafts[draft.token] = copy.deepcopy(draft)
        self._drafts.move_to_end(draft.token)
        while len(self._drafts) > self._max:
            self._drafts.popitem(last=False)

    def __len__(self) -> int:
        return len(self._drafts)

    def __repr__(self) -> str:
        return f"<InMemoryDraftStore: {len(self._drafts)} drafts>"
