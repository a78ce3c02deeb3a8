"""What goes into the store and what comes out: plain frozen dataclasses, no ORM objects.

Callers build a :class:`NewDossier` (with :class:`Applicant` and :class:`NewAttachment`) and
get back :class:`DossierRecord`, :class:`EventRecord`, :class:`AttachmentRecord`,
:class:`DraftRecord` and :class:`ClaimedMessage`. Records are snapshots: they never change and
never reach back into the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from procgen.errors import ConfigurationError
from procgen.spec.models import Channel, Extension, NationalStatus, Outcome
from procgen.store.tables import jsonable
from procgen.workflow import Actor, Transition, TransitionEvent

__all__ = [
    "Applicant",
    "AttachmentRecord",
    "ClaimedMessage",
    "Created",
    "DossierRecord",
    "DraftRecord",
    "EventRecord",
    "NewAttachment",
    "NewDossier",
    "OutboxMessage",
    "StepRef",
    "WorklistFilter",
    "WorklistPage",
    "aware",
]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def aware(moment: dt.datetime | None, name: str) -> None:
    """Refuse a naive datetime (``name`` says which argument it was)."""
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ConfigurationError(
            f"{name} must be timezone-aware (got naive {moment.isoformat()}); "
            "attach a zone, e.g. tzinfo=datetime.UTC"
        )


@dataclass(frozen=True)
class Applicant:
    """Who the dossier is for (chủ hồ sơ).

    Attributes:
        name: the applicant's full name (or the organisation's).
        user_id: their account, when they filed online; a citizen sees only their dossiers.
        subject_id: the citizen ID (CCCD) or tax code.
        contact: phone, e-mail, address, ... by name.
    """

    name: str
    user_id: str | None = None
    subject_id: str | None = None
    contact: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NewAttachment:
    """A document already written to attachment storage, to be recorded with a dossier.

    Attributes:
        document_id: the spec's document (dossier component) it answers.
        filename: the cleaned client file name, for display only (never used as a path).
        content_type: the MIME type found by sniffing the bytes.
        size: the size in bytes.
        sha256: the SHA-256 of the bytes, 64 lowercase hex digits.
        storage_key: what :meth:`AttachmentStorage.put` returned.
    """

    document_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str

    def __post_init__(self) -> None:
        if not _SHA256.match(self.sha256):
            raise ConfigurationError(
                f"sha256 must be 64 lowercase hex digits (got {self.sha256!r})"
            )
        if self.size < 0:
            raise ConfigurationError(f"size must be >= 0 (got {self.size})")
        if not 0 < len(self.filename) <= 255:
            raise ConfigurationError(f"filename must have 1 to 255 characters ({self.filename!r})")


@dataclass(frozen=True)
class NewDossier:
    """A dossier about to be filed: everything :meth:`DossierStore.create_dossier` records.

    The number is allocated by the store from ``agency_id`` and the receipt date (in the
    store's time zone). Deadlines are computed by the caller (:mod:`procgen.workflow`).

    Attributes:
        agency_id: the receiving agency's e-ID (mã định danh), first part of the number.
        procedure_code, procedure_version: the spec the dossier stays on for good.
        case_id: the case (trường hợp) of the procedure.
        step: the initial step; status: its national status code.
        channel: online, direct or postal.
        data: the dossier's data: the cleaned payload, as JSON.
        applicant: who the dossier is for.
        received_at: when it was received (the legal clock's start).
        due_at: the legal due date; step_due_at: the initial step's own deadline;
        appointment_at: the appointment date printed on the receipt.
        attachments: the documents, already in attachment storage.
        submitted_by: who filed it; default: the applicant, in role ``applicant``.
        clock_paused: the initial step stops the legal clock (e.g. counted from acceptance).
    """

    agency_id: str
    procedure_code: str
    procedure_version: int
    case_id: str
    step: str
    channel: Channel
    data: Mapping[str, Any]
    applicant: Applicant
    received_at: dt.datetime
    status: NationalStatus | None = None
    due_at: dt.datetime | None = None
    step_due_at: dt.datetime | None = None
    appointment_at: dt.datetime | None = None
    attachments: Sequence[NewAttachment] = ()
    submitted_by: Actor | None = None
    clock_paused: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", Channel(self.channel))
        for name in ("received_at", "due_at", "step_due_at", "appointment_at"):
            aware(getattr(self, name), name)

    def fingerprint(self) -> str:
        """SHA-256 of what the applicant sent (not the server's times): idempotency's body hash.

        Two submissions with the same procedure, case, channel, data, applicant and documents
        have the same fingerprint, whenever they arrive.
        """
        body = {
            "procedure": [self.procedure_code, self.procedure_version, self.case_id],
            "agency": self.agency_id,
            "channel": self.channel.value,
            "data": self.data,
            "applicant": [
                self.applicant.name,
                self.applicant.user_id,
                self.applicant.subject_id,
                self.applicant.contact,
            ],
            "documents": [[a.document_id, a.filename, a.sha256] for a in self.attachments],
        }
        text = json.dumps(jsonable(body), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class DossierRecord:
    """A dossier as stored (everything but the tracking secret's hash).

    ``version`` counts the dossier's events: it starts at 1 with the submission and each
    transition adds one. Send it back as ``expected_version`` to act on the dossier.
    """

    id: uuid.UUID
    number: str
    agency_id: str
    procedure_code: str
    procedure_version: int
    case_id: str
    step: str
    status: NationalStatus | None
    channel: Channel
    data: Mapping[str, Any]
    applicant: Applicant
    received_at: dt.datetime
    due_at: dt.datetime | None
    step_due_at: dt.datetime | None
    appointment_at: dt.datetime | None
    completed_at: dt.datetime | None
    paused_seconds: int
    paused_since: dt.datetime | None
    extensions_used: int
    outcome: Outcome | None
    version: int
    updated_at: dt.datetime

    @property
    def open(self) -> bool:
        """True until the dossier reaches a final step."""
        return self.outcome is None

    @property
    def paused(self) -> bool:
        """True while the legal clock is stopped (e.g. awaiting a supplement)."""
        return self.paused_since is not None

    def __repr__(self) -> str:
        state = self.outcome.value if self.outcome else "open"
        return (
            f"<Dossier {self.number} {self.procedure_code} v{self.procedure_version}: "
            f"step {self.step}, {state}, version {self.version}>"
        )


@dataclass(frozen=True)
class Created:
    """What :meth:`DossierStore.create_dossier` returns.

    Attributes:
        dossier: the dossier.
        tracking_secret: the secret the applicant tracks the dossier with, with its number.
            Only its hash is stored: show it once (receipt). An idempotent replay issues a new
            one, since the first answer was presumably lost.
        created: False when an idempotency key found an earlier submission.
    """

    dossier: DossierRecord
    tracking_secret: str = field(repr=False)
    created: bool


@dataclass(frozen=True)
class EventRecord:
    """One entry of a dossier's history. ``seq`` is 1 for the submission, then 2, 3, ...

    Every transition is recorded whole, so :attr:`transition` gives it back for
    :meth:`CaseDeadlines.replay <procgen.workflow.CaseDeadlines.replay>`. Inputs come back as
    JSON (dates as ISO strings).
    """

    seq: int
    at: dt.datetime
    action: str
    from_step: str | None
    to_step: str
    user_id: str | None
    roles: tuple[str, ...]
    role: str | None
    inputs: Mapping[str, Any]
    side_events: tuple[str, ...]
    automatic: bool
    status: NationalStatus | None = None
    outcome: Outcome | None = None
    extension: Extension | None = None

    @property
    def transition(self) -> Transition | None:
        """The transition recorded, or None for the submission (which starts the clock)."""
        if self.from_step is None:
            return None
        side = set(self.side_events)
        return Transition(
            from_step=self.from_step,
            to_step=self.to_step,
            action=self.action,
            actor=Actor(frozenset(self.roles), self.user_id),
            role=self.role or "",
            inputs=self.inputs,
            pauses=TransitionEvent.CLOCK_PAUSED in side,
            resumes=TransitionEvent.CLOCK_RESUMED in side,
            completes=TransitionEvent.COMPLETED in side,
            outcome=self.outcome,
            status=self.status,
            extension=self.extension,
            reschedules=TransitionEvent.RESCHEDULED in side,
            automatic=self.automatic,
        )


@dataclass(frozen=True)
class AttachmentRecord:
    """A stored document's metadata; ``event_seq`` is the event that added it."""

    id: uuid.UUID
    dossier_id: uuid.UUID
    event_seq: int
    document_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str
    added_at: dt.datetime


@dataclass(frozen=True)
class DraftRecord:
    """A saved draft. Send ``revision`` back to :meth:`Drafts.save` to update it."""

    procedure_code: str
    procedure_version: int
    data: Mapping[str, Any]
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class OutboxMessage:
    """A message for another system, committed with the change it reports."""

    topic: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class ClaimedMessage:
    """An outbox message a worker has claimed; ``attempts`` counts this claim."""

    id: int
    topic: str
    payload: Mapping[str, Any]
    created_at: dt.datetime
    attempts: int


class StepRef(NamedTuple):
    """A step of one procedure version: what a role may act on, for the worklist."""

    procedure_code: str
    procedure_version: int
    step: str
    case_id: str | None = None
    """Only dossiers of this case (trường hợp); ``None``: any case. Cases of one procedure may
    give the same step id to different roles."""


@dataclass(frozen=True)
class WorklistFilter:
    """Which dossiers a worklist shows. Every criterion given must hold.

    Attributes:
        procedure: only this procedure code.
        steps: only dossiers in one of these steps (any procedure).
        actionable: only dossiers in one of these steps of these procedure versions; the
            caller turns the officer's roles into steps (the store never reads specs).
        applicant_user_id: only this applicant's dossiers (a citizen's own list).
        overdue: only dossiers whose due date has passed and whose clock is running.
        due_before: only dossiers due before this instant.
        step_due_before: only dossiers whose step deadline is before this instant (what
            timed transitions must move).
        include_closed: also dossiers that have ended (default: open ones only).
    """

    procedure: str | None = None
    steps: Collection[str] | None = None
    actionable: Collection[StepRef] | None = None
    applicant_user_id: str | None = None
    overdue: bool = False
    due_before: dt.datetime | None = None
    step_due_before: dt.datetime | None = None
    include_closed: bool = False

    def __post_init__(self) -> None:
        aware(self.due_before, "due_before")
        aware(self.step_due_before, "step_due_before")


@dataclass(frozen=True)
class WorklistPage:
    """One page of a worklist, sorted by due date (dossiers without one last)."""

    items: tuple[DossierRecord, ...]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """The number of pages (at least 1)."""
        return max(1, -(-self.total // self.size))
