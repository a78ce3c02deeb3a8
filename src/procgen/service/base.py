"""What every part of the service shares: its collaborators, who may see a dossier, and as whom
a user acts on it.

Access rules, in one place:

- an **officer** of a procedure (a user holding one of its roles) sees every dossier of it, and
  acts in the roles they hold;
- the **applicant** (the user who filed it) sees their own dossier and acts on it in the role
  ``applicant``;
- anyone else gets :class:`~procgen.service.errors.NotFound`, exactly as for a dossier that
  does not exist; an anonymous caller gets
  :class:`~procgen.service.errors.Unauthenticated` (or tracks a dossier with its secret).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from procgen.forms import FieldTypeRegistry
from procgen.procedure import CompiledCase, Procedure
from procgen.registry import Registry
from procgen.service.catalogue import Catalogue
from procgen.service.errors import Busy, NotFound, Unauthenticated
from procgen.service.records import DossierView, User
from procgen.store import (
    AttachmentStorage,
    DossierRecord,
    DossierStore,
    EventRecord,
    RecordNotFound,
    StoreBusy,
)
from procgen.workflow import Actor, Clock, Deadlines, LiveStatus, SystemClock

__all__ = ["ServiceBase"]


class ServiceBase:
    """The collaborators and access rules of :class:`~procgen.service.DossierService`.

    Args:
        registry: every version of every procedure to serve.
        store: the dossier store.
        storage: where attachment bytes go.
        clock: the only source of time (default: the system clock).
        deadlines: the deployment's calendar and due-soon threshold (default: Vietnam's).
        field_types: the deployment's field types.
        anonymous_submissions: whether callers without an account may file dossiers (they
            follow them with the number and tracking secret).
    """

    def __init__(
        self,
        registry: Registry,
        store: DossierStore,
        storage: AttachmentStorage,
        *,
        clock: Clock | None = None,
        deadlines: Deadlines | None = None,
        field_types: FieldTypeRegistry | None = None,
        anonymous_submissions: bool = True,
    ) -> None:
        self.store = store
        self.storage = storage
        self.clock: Clock = clock or SystemClock()
        if deadlines is not None or field_types is not None:
            registry = registry.recompiled(calendar=deadlines, field_types=field_types)
        self.catalogue = Catalogue(registry)
        self.deadlines = registry.deadlines
        self.anonymous_submissions = anonymous_submissions

    @property
    def registry(self) -> Registry:
        """The procedures served."""
        return self.catalogue.registry

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.registry!r} on {self.store!r}>"

    # ------------------------------------------------------------------ time

    def today(self, now: dt.datetime) -> dt.date:
        """The local date at ``now`` (what ``today`` is for conditions and rules)."""
        return self.deadlines.calendar.local_date(now)

    def live(self, record: DossierRecord, now: dt.datetime) -> LiveStatus | None:
        """On track, due soon or overdue: only while open, running and with an appointment."""
        if not record.open or record.paused or record.appointment_at is None:
            return None
        return self.deadlines.live_status(record.appointment_at, now)

    # ------------------------------------------------------------------ access

    @staticmethod
    def is_staff(user: User | None, procedure: Procedure) -> bool:
        """Whether ``user`` holds one of ``procedure``'s officer roles."""
        return user is not None and bool(user.roles & procedure.staff_roles)

    @staticmethod
    def actor(user: User, record: DossierRecord, procedure: Procedure) -> Actor:
        """``user`` acting on ``record``: their roles in the procedure, and ``applicant`` on
        their own dossier."""
        roles = set(user.roles & procedure.staff_roles)
        if record.applicant.user_id is not None and record.applicant.user_id == user.id:
            roles.add("applicant")
        return Actor(frozenset(roles), user.id)

    @staticmethod
    def signed_in(user: User | None) -> User:
        """``user``, or :class:`Unauthenticated` for an anonymous caller."""
        if user is None:
            raise Unauthenticated("sign in (or send an API token) to see and act on dossiers")
        return user

    def visible(
        self, dossier_id: uuid.UUID | str, user: User | None
    ) -> tuple[DossierRecord, CompiledCase, bool]:
        """The dossier, its compiled case, and whether ``user`` sees it as an officer.

        Raises:
            Unauthenticated: no user.
            NotFound: no such dossier, or not one ``user`` may see.
        """
        caller = self.signed_in(user)
        record = self.record(dossier_id)
        compiled = self.compiled(record)
        staff = self.is_staff(caller, compiled.procedure)
        own = record.applicant.user_id is not None and record.applicant.user_id == caller.id
        if not (staff or own):
            raise NotFound(f"no dossier {dossier_id}")
        return record, compiled, staff

    def record(self, dossier_id: uuid.UUID | str) -> DossierRecord:
        """The stored dossier. Raises :class:`NotFound` (also for an id that is no UUID)."""
        try:
            key = dossier_id if isinstance(dossier_id, uuid.UUID) else uuid.UUID(str(dossier_id))
        except ValueError:
            raise NotFound(f"no dossier {dossier_id!r}") from None
        try:
            return self.store.get(key)
        except RecordNotFound:
            raise NotFound(f"no dossier {dossier_id}") from None
        except StoreBusy as exc:
            raise Busy(str(exc)) from exc

    def compiled(self, record: DossierRecord) -> CompiledCase:
        """The case the dossier runs on, at the procedure version it was filed under."""
        return self.catalogue.case(record.procedure_code, record.procedure_version, record.case_id)

    def view(
        self,
        record: DossierRecord,
        compiled: CompiledCase,
        *,
        staff: bool,
        attachments: bool = True,
    ) -> DossierView:
        """The dossier with its procedure, step and live status."""
        files = tuple(self.store.attachments(record.id)) if attachments else ()
        return DossierView(
            record=record,
            spec=compiled.spec,
            case=compiled.case,
            step=compiled.machine.step(record.step),
            live=self.live(record, self.clock.now()),
            staff=staff,
            attachments=files,
        )

    @staticmethod
    def shown_events(events: list[EventRecord], *, staff: bool) -> tuple[EventRecord, ...]:
        """The history as ``staff`` or the applicant sees it: officers' ids only for staff."""
        if staff:
            return tuple(events)
        return tuple(
            replace(e, user_id=None, roles=()) if e.role != "applicant" else e for e in events
        )
