"""What goes into the service and what comes out: frozen dataclasses, no HTTP, no ORM.

:class:`User` is who calls (built by an authentication backend); :class:`Upload` a file sent
with a submission or an action. Calls return :class:`Filed` (a new dossier and its tracking
secret), :class:`DossierView` (a dossier with its procedure, step and live status),
:class:`ActionChoice` (an action the caller may take, or why not), :class:`Worklist` and
:class:`Expired` (what the expiry worker moved).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procgen.spec.models import BUILTIN_ROLES, Action, ProcedureSpec, ResolvedCase, Step
from procgen.store import AttachmentRecord, DossierRecord, EventRecord
from procgen.workflow import ActionOption, LiveStatus

__all__ = [
    "ActionChoice",
    "Actions",
    "DossierView",
    "Expired",
    "Filed",
    "Tracked",
    "Upload",
    "User",
    "Worklist",
    "WorklistEntry",
    "WorklistQuery",
]


@dataclass(frozen=True)
class User:
    """A signed-in person or API client.

    Attributes:
        id: a stable identifier (the login name, the SSO subject).
        roles: the roles they hold, as the specs name them (``reception``, ``commander``).
            ``applicant`` and ``system`` are never held: the service gives ``applicant`` to a
            dossier's own applicant, and ``system`` acts only through the expiry worker.
        name: a display name.

    >>> User("an", frozenset({"reception", "applicant"}))
    <User an: reception>
    """

    id: str
    roles: frozenset[str] = frozenset()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles) - frozenset(BUILTIN_ROLES))

    def __repr__(self) -> str:
        return f"<User {self.id}: {', '.join(sorted(self.roles)) or 'citizen'}>"


@dataclass(frozen=True)
class Upload:
    """A file as received: its client-side name and its bytes (the type is sniffed later)."""

    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Filed:
    """A dossier just filed (or found again by its idempotency key).

    Attributes:
        dossier: the dossier as stored: number, step, due and appointment dates, version.
        tracking_secret: what the applicant types with the number to follow the dossier.
            Only its hash is kept: show it once. A replay gives a new one.
        created: False when the idempotency key found an earlier submission.
    """

    dossier: DossierRecord
    tracking_secret: str = field(repr=False)
    created: bool


@dataclass(frozen=True)
class DossierView:
    """A dossier with what it means: its procedure version, case, step and live status.

    Attributes:
        record: the stored dossier.
        spec: the procedure version it was filed under (never a newer one).
        case: its case.
        step: its current step, as the spec declares it.
        live: on track, due soon or overdue, while open and running.
        staff: whether the viewer holds a role of the procedure (else it is the applicant).
        attachments: its documents.
    """

    record: DossierRecord
    spec: ProcedureSpec
    case: ResolvedCase
    step: Step
    live: LiveStatus | None
    staff: bool
    attachments: tuple[AttachmentRecord, ...] = ()

    @property
    def version(self) -> int:
        """The dossier's version (its ``ETag``)."""
        return self.record.version


@dataclass(frozen=True)
class ActionChoice:
    """An action of the dossier's step that the caller holds the role for.

    Attributes:
        option: allowed or not, and why not (``option.denial``), with its inputs.
        action: the action as the spec declares it (label, target, extension...).
    """

    option: ActionOption
    action: Action


@dataclass(frozen=True)
class Actions:
    """What the caller may do on a dossier now, with the dossier (and its version) they saw."""

    dossier: DossierView
    choices: tuple[ActionChoice, ...]

    @property
    def allowed(self) -> tuple[ActionChoice, ...]:
        """The choices the caller may take now."""
        return tuple(c for c in self.choices if c.option.allowed)


@dataclass(frozen=True)
class Tracked:
    """A dossier found by its number and tracking secret, with its history (officers' user
    ids left out)."""

    dossier: DossierView
    events: tuple[EventRecord, ...]


@dataclass(frozen=True)
class WorklistQuery:
    """Filters of a worklist; every one given must hold.

    Attributes:
        procedure: only this procedure code.
        step: only dossiers in this step.
        role: only steps where this role (one of the caller's) acts.
        mine: only the caller's own dossiers as applicant (always so for citizens).
        overdue: only dossiers past their appointment date with the clock running.
        due_before: only dossiers due before this instant.
        include_closed: also dossiers that have ended.
        page, size: which page, and how many per page (at most 500).
    """

    procedure: str | None = None
    step: str | None = None
    role: str | None = None
    mine: bool = False
    overdue: bool = False
    due_before: dt.datetime | None = None
    include_closed: bool = False
    page: int = 1
    size: int = 50


@dataclass(frozen=True)
class WorklistEntry:
    """One line of a worklist: the dossier, its step, and the flags an officer scans for."""

    record: DossierRecord
    spec: ProcedureSpec
    step: Step
    live: LiveStatus | None

    @property
    def overdue(self) -> bool:
        """Past the appointment date, clock running."""
        return self.live is LiveStatus.OVERDUE

    @property
    def due_soon(self) -> bool:
        """Due within the deployment's threshold (one working day by default)."""
        return self.live is LiveStatus.DUE_SOON


@dataclass(frozen=True)
class Worklist:
    """One page of a worklist, sorted by due date (dossiers without one last)."""

    entries: tuple[WorklistEntry, ...]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True)
class Expired:
    """A dossier the expiry worker moved: its step's deadline on the applicant had passed."""

    number: str
    from_step: str
    to_step: str
    at: dt.datetime
