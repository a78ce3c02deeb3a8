"""The dossier service: spec → form validation → lead times → store → workflow → timeline::

    service = DossierService(
        procgen.Registry.from_path("definitions"),
        DossierStore(create_engine_for("sqlite:///procgen.sqlite3")),   # after upgrade()
        FileStorage("attachments"),
    )
    filed = service.submit("BQP-NVQS-03", payload, files, applicant=User("citizen-1"))
    filed.dossier.number, filed.dossier.step, filed.tracking_secret
    # ('000.00.31.H29-250624-0001', 'received', 'K7QX-3MHD-ZP9A')
    officer = User("an", roles=frozenset({"reception"}))
    service.act(filed.dossier.id, "accept", officer, {}, if_match_version=1).step.id
    # 'review'

Everything is synchronous (the store is); call it from a thread pool in an async app. Time
is read only from the injected clock. Errors are those of :mod:`procgen.service.errors`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from procgen.forms import FieldError
from procgen.service import documents as files_
from procgen.service.acting import ActingMixin
from procgen.service.errors import Busy, Invalid, NotFound, Unauthenticated
from procgen.service.records import (
    DossierView,
    Filed,
    Tracked,
    Upload,
    User,
    Worklist,
    WorklistEntry,
    WorklistQuery,
)
from procgen.spec.models import Channel
from procgen.store import (
    AttachmentRecord,
    EventRecord,
    IdempotencyConflict,
    NewDossier,
    RecordNotFound,
    StoreBusy,
    WorklistFilter,
)
from procgen.types import Locale
from procgen.workflow import Actor, CaseDeadlines

__all__ = ["FIELD_FILES", "DossierService"]

#: Files of ``file`` fields (not documents) are sent under this prefix and the file's id.
FIELD_FILES = "field:"


class DossierService(ActingMixin):
    """Files dossiers and moves them through their workflow; see the module docstring.

    The arguments are those of :class:`~procgen.service.base.ServiceBase`: ``registry``,
    ``store``, ``storage``, and keyword-only ``clock``, ``deadlines``, ``field_types``,
    ``anonymous_submissions``.
    """

    # ------------------------------------------------------------------ submitting

    def submit(
        self,
        code: str,
        payload: Any,
        files: Mapping[str, Sequence[Upload]] | None = None,
        *,
        applicant: User | None,
        channel: Channel | str | None = None,
        idempotency_key: str | None = None,
        locale: Locale = "vi",
        version: int | None = None,
    ) -> Filed:
        """File a dossier under procedure ``code`` (its latest version, or ``version``).

        Args:
            code: the procedure.
            payload: the JSON values of the procedure's fields, validated by its form; the
                cleaned payload becomes the dossier's data.
            files: the documents by document id (``field:<id>`` for ``file`` fields).
            applicant: who submits: a citizen (the dossier is theirs), an officer of the
                procedure (filing a paper dossier: it belongs to nobody's account), or None.
            channel: ``online`` (the default, and the only one for citizens), ``direct`` or
                ``postal``.
            idempotency_key: the client's key; the same key and request give the same dossier.
            locale: the language of error messages.
            version: the procedure version (a draft started on an older one stays on it).

        Returns:
            The dossier with its number, step, due and appointment dates, and tracking secret.

        Raises:
            Unauthenticated: anonymous submissions are turned off.
            NotFound: no such procedure.
            Invalid: the payload, a lead time, a document or the channel is wrong, or the
                idempotency key was used for another request.
            Busy: the database stayed locked; nothing was filed.
        """
        procedure = self.catalogue.procedure(code, version)
        spec = procedure.spec
        if applicant is None and not self.anonymous_submissions:
            raise Unauthenticated("sign in to submit a dossier")
        staff = self.is_staff(applicant, procedure)
        chosen = self._channel(channel, staff=staff, locale=locale)
        now = self.clock.now()
        result = procedure.validate(payload, locale=locale, today=self.today(now), now=now)
        if not result.ok or result.cleaned is None:
            raise Invalid(result.errors)
        cleaned = result.cleaned
        compiled = procedure.pick_case(cleaned, now=now)
        case = compiled.case
        errors = [
            FieldError(tuple(p.field.split(".")), "lead_time", p.message.get(locale))
            for p in compiled.deadlines.check_lead_times(cleaned, submitted_at=now)
        ]
        uploads = dict(files or {})
        documents = {k: v for k, v in uploads.items() if not k.startswith(FIELD_FILES)}
        accepted: list[tuple[str, Upload]] = []
        try:
            accepted += files_.check_field_files(
                {k: v for k, v in uploads.items() if k.startswith(FIELD_FILES)}, locale=locale
            )
        except Invalid as exc:
            errors.extend(exc.errors)
        try:
            accepted += files_.check_documents(
                procedure.documents_for(compiled, cleaned, now=now), documents, locale=locale
            )
        except Invalid as exc:
            errors.extend(exc.errors)
        if errors:
            raise Invalid(errors)
        attachments = files_.save(self.storage, accepted)
        first = case.steps[0]
        reading = compiled.deadlines.start(now, channel=chosen, data=cleaned).read(now)
        details = self.catalogue.applicant(spec, cleaned)
        if applicant is not None and not staff:
            details = replace(details, user_id=applicant.id)
        submitted_by = None
        if applicant is not None and staff:
            roles = applicant.roles & procedure.staff_roles
            submitted_by = Actor(frozenset(roles), applicant.id)
        new = NewDossier(
            agency_id=spec.agency.id or spec.code,
            procedure_code=spec.code,
            procedure_version=spec.version,
            case_id=case.id,
            step=first.id,
            status=first.status,
            channel=chosen,
            data=cleaned,
            applicant=details,
            received_at=now,
            due_at=reading.legal_due,
            step_due_at=reading.step_due,
            appointment_at=reading.appointment,
            attachments=attachments,
            submitted_by=submitted_by,
            clock_paused=CaseDeadlines.stands_still(first),
        )
        key = None
        if idempotency_key is not None:
            key = f"{applicant.id if applicant else '~anonymous'}:{idempotency_key}"[:255]
        try:
            created = self.store.create_dossier(new, idempotency_key=key)
        except IdempotencyConflict as exc:
            message = (
                "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác."
                if locale == "vi"
                else "This Idempotency-Key was already used for a different request."
            )
            raise Invalid(
                [FieldError(("headers", "Idempotency-Key"), "idempotency", message)]
            ) from exc
        except StoreBusy as exc:
            raise Busy(str(exc)) from exc
        return Filed(created.dossier, created.tracking_secret, created.created)

    def _channel(self, channel: Channel | str | None, *, staff: bool, locale: Locale) -> Channel:
        try:
            chosen = Channel(channel) if channel is not None else Channel.ONLINE
        except ValueError:
            chosen = None
        if chosen is None or (chosen is not Channel.ONLINE and not staff):
            allowed = ", ".join(c.value for c in Channel) if staff else Channel.ONLINE.value
            message = (
                f"Kênh nộp hồ sơ phải là: {allowed}."
                if locale == "vi"
                else f"The channel must be one of: {allowed}."
            )
            raise Invalid([FieldError(("channel",), "choice", message)])
        return chosen

    # ------------------------------------------------------------------ reading

    def get(self, dossier_id: uuid.UUID | str, user: User | None) -> DossierView:
        """The dossier, if ``user`` may see it (see :mod:`procgen.service.base`)."""
        record, compiled, staff = self.visible(dossier_id, user)
        return self.view(record, compiled, staff=staff)

    def events(self, dossier_id: uuid.UUID | str, user: User | None) -> tuple[EventRecord, ...]:
        """The dossier's history, oldest first (officers' user ids only for officers)."""
        record, _, staff = self.visible(dossier_id, user)
        return self.shown_events(self.store.events(record.id), staff=staff)

    def attachment(
        self, dossier_id: uuid.UUID | str, attachment_id: uuid.UUID | str, user: User | None
    ) -> tuple[AttachmentRecord, bytes]:
        """One of the dossier's documents and its bytes (verified against its checksum)."""
        record, _, _ = self.visible(dossier_id, user)
        found = next(
            (a for a in self.store.attachments(record.id) if str(a.id) == str(attachment_id)),
            None,
        )
        if found is None:
            raise NotFound(f"no attachment {attachment_id} in dossier {record.number}")
        try:
            return found, self.storage.get(found.storage_key)
        except RecordNotFound as exc:
            raise NotFound(f"the file of attachment {attachment_id} is missing") from exc

    def track(self, number: str, secret: str) -> Tracked:
        """The dossier numbered ``number`` whose tracking secret is ``secret``, with its
        history as its applicant sees it. Unknown number and wrong secret are alike:
        :class:`NotFound` (rate-limit this in front of the service)."""
        if not 0 < len(number) <= 80 or not 0 < len(secret) <= 64:
            raise NotFound("no dossier with this number and secret")
        record = self.store.find_for_tracking(number, secret)
        if record is None:
            raise NotFound("no dossier with this number and secret")
        compiled = self.compiled(record)
        view = self.view(record, compiled, staff=False)
        return Tracked(view, self.shown_events(self.store.events(record.id), staff=False))

    # ------------------------------------------------------------------ worklists

    def worklist(self, user: User | None, query: WorklistQuery | None = None) -> Worklist:
        """A page of the dossiers ``user`` works on, by due date.

        An officer sees the open dossiers in steps where one of their roles acts, across every
        procedure version (``role`` narrows it to one of their roles); a citizen, or anyone
        with ``mine``, sees their own dossiers.

        Raises:
            Unauthenticated: no user.
            Invalid: a page or size out of range, or a ``role`` the user does not hold.
        """
        caller = self.signed_in(user)
        q = query or WorklistQuery()
        errors = []
        if q.page < 1:
            errors.append(FieldError(("query", "page"), "min", "page must be at least 1"))
        if not 1 <= q.size <= 500:
            errors.append(FieldError(("query", "size"), "max", "size must be 1 to 500"))
        if q.role is not None and q.role not in caller.roles:
            errors.append(FieldError(("query", "role"), "choice", "you do not hold this role"))
        if errors:
            raise Invalid(errors)
        now = self.clock.now()
        common: dict[str, Any] = {
            "overdue": q.overdue,
            "due_before": q.due_before,
            "include_closed": q.include_closed,
        }
        if q.mine or not caller.roles:
            steps = {q.step} if q.step is not None else None
            where = WorklistFilter(
                procedure=q.procedure, steps=steps, applicant_user_id=caller.id, **common
            )
        else:
            roles = {q.role} if q.role is not None else caller.roles
            refs = self.catalogue.actionable(roles, procedure=q.procedure, step=q.step)
            where = WorklistFilter(actionable=refs, **common)
        try:
            page = self.store.worklist(where, page=q.page, size=q.size, now=now)
        except StoreBusy as exc:  # pragma: no cover - reads do not wait for writers
            raise Busy(str(exc)) from exc
        entries = []
        for record in page.items:
            compiled = self.compiled(record)
            step = compiled.machine.step(record.step)
            entries.append(WorklistEntry(record, compiled.spec, step, self.live(record, now)))
        return Worklist(tuple(entries), page.total, page.page, page.size)
