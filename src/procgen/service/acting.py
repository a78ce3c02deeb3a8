"""Acting on dossiers: what a user may do now, doing it, and the expiry worker.

Every action follows the same path, and writes in one transaction at the end:

1. load the dossier the caller may see, and refuse at once if ``If-Match`` names another
   version (409);
2. replay its legal clock from the stored history (:meth:`CaseDeadlines.replay`) and read
   what the clock allows now (:meth:`Timeline.limits`);
3. ask the state machine (:meth:`StateMachine.apply`, with the limits): role, clock, inputs,
   guard; a refusal becomes 403, 404, 409 or 422 (see :func:`refusal`);
4. check and store the files sent (a file input such as ``result_document``, or documents
   added to the dossier, e.g. a supplement);
5. record the transition on the timeline, read the new due dates, and hand everything to
   :meth:`DossierStore.apply_transition`, which writes step, event, dates, attachments and
   outbox at once with ``UPDATE ... WHERE version = ?``: a concurrent action makes it a 409.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from procgen.files import MIME_TYPES, clean_filename, sniff
from procgen.forms import FieldError, field_message
from procgen.procedure import CompiledCase
from procgen.service import documents as files_
from procgen.service.base import ServiceBase
from procgen.service.errors import Conflict, Forbidden, Invalid, NotFound
from procgen.service.records import ActionChoice, Actions, DossierView, Expired, Upload, User
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import Action, Field
from procgen.store import (
    DossierRecord,
    NewAttachment,
    RecordNotFound,
    StepRef,
    StoreError,
    VersionConflict,
    WorklistFilter,
)
from procgen.types import Locale
from procgen.workflow import (
    ActionNotAllowedError,
    DenialCode,
    Timeline,
    TimelineError,
    Transition,
)

__all__ = ["ActingMixin", "refusal"]

_STATE = frozenset(
    {
        DenialCode.FINAL_STEP,
        DenialCode.STEP_EXPIRED,
        DenialCode.EXTENSION_LIMIT,
        DenialCode.RESCHEDULE_NOT_ALLOWED,
    }
)
_PROBLEM_CODES = {"missing": "required", "invalid": "invalid", "unexpected": "unknown"}


class ActingMixin(ServiceBase):
    """The acting half of :class:`~procgen.service.DossierService`."""

    def available_actions(self, dossier_id: uuid.UUID | str, user: User | None) -> Actions:
        """The actions of the dossier's step whose role ``user`` holds, each allowed or with
        the reason it is not (clock limits and guards included; inputs are asked when acting).

        Raises:
            Unauthenticated, NotFound: see :meth:`visible`.
        """
        caller = self.signed_in(user)
        record, compiled, staff = self.visible(dossier_id, caller)
        now = self.clock.now()
        data = compiled.procedure.typed(record.data)
        timeline = self._timeline(record, compiled, data)
        actor = self.actor(caller, record, compiled.procedure)
        options = compiled.machine.available(
            record.step, actor, data, today=self.today(now), now=now, limits=timeline.limits(now)
        )
        declared = {a.id: a for a in compiled.machine.step(record.step).actions}
        choices = tuple(
            ActionChoice(o, declared[o.action])
            for o in options
            if o.denial is None or o.denial.code is not DenialCode.WRONG_ROLE
        )
        return Actions(self.view(record, compiled, staff=staff), choices)

    def act(
        self,
        dossier_id: uuid.UUID | str,
        action: str,
        user: User | None,
        inputs: Mapping[str, Any] | None = None,
        *,
        files: Mapping[str, Sequence[Upload]] | None = None,
        if_match_version: int | None = None,
        locale: Locale = "vi",
    ) -> DossierView:
        """Take ``action`` on the dossier as ``user`` (see the module docstring).

        Args:
            dossier_id: the dossier.
            action: the action id.
            user: who acts.
            inputs: the action's inputs (``reason``, ``decision_date``...), JSON values.
            files: files by input id (a ``file`` input) or by document id (documents added).
            if_match_version: the version the caller decided on; None to act on the current.
            locale: the language of error messages.

        Returns:
            The dossier after the action.

        Raises:
            Unauthenticated, NotFound: the caller may not see the dossier, or the step has no
                such action.
            Forbidden: the action is another role's.
            Conflict: another version than ``if_match_version``, a concurrent action won, or
                the dossier's state refuses the action (ended, deadline passed, limits).
            Invalid: missing or wrong inputs or files, or a guard on the inputs is false.
        """
        caller = self.signed_in(user)
        record, compiled, staff = self.visible(dossier_id, caller)
        if if_match_version is not None and record.version != if_match_version:
            raise _stale(record, if_match_version)
        now = self.clock.now()
        data = compiled.procedure.typed(record.data)
        timeline = self._timeline(record, compiled, data)
        at = max(now, timeline.last_at)  # never before the last event (clocks of processes)
        declared = next(
            (a for a in compiled.machine.step(record.step).actions if a.id == action), None
        )
        given = dict(inputs or {})
        uploads = {k: list(v) for k, v in (files or {}).items()}
        file_inputs = _file_inputs(declared)
        for name in file_inputs:
            sent = uploads.get(name)
            if sent:  # refer to the file the way forms refer to files: {id, name, size, type}
                given[name] = _reference(sent[0])
        actor = self.actor(caller, record, compiled.procedure)
        try:
            transition = compiled.machine.apply(
                record.step, action, actor, data, given,
                today=self.today(at), now=at, limits=timeline.limits(at),
            )  # fmt: skip
        except ActionNotAllowedError as exc:
            raise refusal(exc, record, declared, locale) from exc
        attachments = self._receive(compiled, data, file_inputs, given, uploads, locale, at)
        return self._record(record, compiled, timeline, transition, at, attachments, staff)

    # ------------------------------------------------------------------ the expiry worker

    def run_expiries(self, now: dt.datetime | None = None, *, batch: int = 200) -> list[Expired]:
        """Move every dossier whose step's deadline on the applicant has passed (``on_expiry``).

        Each is recorded as the ``system`` role at the moment the deadline passed, so the
        history does not depend on when the worker runs. Run it from a scheduler or a worker
        loop (``docs/deployment.md``); several workers may run at once: a dossier moved by
        another worker, or acted on meanwhile, is left for the next run.

        Returns:
            The dossiers moved, in order.
        """
        moment = now or self.clock.now()
        refs: list[StepRef] = self.catalogue.expiring()
        if not refs:
            return []
        query = WorklistFilter(actionable=refs, step_due_before=moment)
        candidates: list[DossierRecord] = []
        page = 1
        while True:
            found = self.store.worklist(query, page=page, size=batch, now=moment)
            candidates.extend(found.items)
            if page >= found.pages:
                break
            page += 1
        moved = []
        for record in candidates:
            expired = self._expire(record, moment)
            if expired is not None:
                moved.append(expired)
        return moved

    def _expire(self, record: DossierRecord, now: dt.datetime) -> Expired | None:
        try:
            compiled = self.compiled(record)
            timeline = self._timeline(record, compiled, compiled.procedure.typed(record.data))
            expiry = timeline.expiry(now)
            if expiry is None:
                return None
            transition = compiled.machine.expire(expiry.step)
            self._record(record, compiled, timeline, transition, expiry.at, [], True, now=now)
        except (Conflict, NotFound):
            return None  # acted on meanwhile, or its procedure version is no longer served
        return Expired(record.number, expiry.step, expiry.to_step, expiry.at)

    # ------------------------------------------------------------------ shared steps

    def _timeline(
        self, record: DossierRecord, compiled: CompiledCase, data: Mapping[str, Any]
    ) -> Timeline:
        history = self.store.history(record.id)
        if len(history) != record.version - 1:  # an action landed between the two reads
            raise Conflict(
                f"dossier {record.number} changed while it was read; reload it",
                current_version=self.record(record.id).version,
                code="version_conflict",
            )
        try:
            return compiled.deadlines.replay(
                record.received_at, history, channel=record.channel, data=data
            )
        except TimelineError as exc:  # pragma: no cover - the store only keeps valid histories
            raise Conflict(str(exc), current_version=record.version) from exc

    def _receive(
        self,
        compiled: CompiledCase,
        data: Mapping[str, Any],
        file_inputs: Mapping[str, Field],
        given: Mapping[str, Any],
        uploads: dict[str, list[Upload]],
        locale: Locale,
        now: dt.datetime,
    ) -> list[NewAttachment]:
        accepted: list[tuple[str, Upload]] = []
        errors: list[FieldError] = []
        for name, field in file_inputs.items():
            sent = uploads.pop(name, [])
            if not sent:
                if name in given:  # a name typed instead of a file
                    label = field.label.get(locale)
                    message = field_message("required.file", locale, label)
                    errors.append(FieldError(("inputs", name), "required", message))
                continue
            if len(sent) > 1:
                message = f"{field.label.get(locale)}: 1 file"
                errors.append(FieldError(("inputs", name), "max_items", message))
                continue
            try:
                accepted.append((name, files_.check_file_input(field, sent[0], locale=locale)))
            except Invalid as exc:
                errors.extend(exc.errors)
        if uploads:
            documents = compiled.procedure.documents_for(compiled, data, now=now)
            try:
                accepted += files_.check_documents(documents, uploads, locale=locale, require=False)
            except Invalid as exc:
                errors.extend(exc.errors)
        if errors:
            raise Invalid(errors)
        return files_.save(self.storage, accepted)

    def _record(
        self,
        record: DossierRecord,
        compiled: CompiledCase,
        timeline: Timeline,
        transition: Transition,
        at: dt.datetime,
        attachments: Sequence[NewAttachment],
        staff: bool,
        *,
        now: dt.datetime | None = None,
    ) -> DossierView:
        try:
            reading = timeline.record(transition, at=at).read(now or at)
        except TimelineError as exc:
            raise Conflict(str(exc), current_version=record.version, code="clock") from exc
        try:
            updated = self.store.apply_transition(
                record.id,
                record.version,
                transition,
                at,
                due_at=reading.legal_due,
                step_due_at=reading.step_due,
                appointment_at=reading.appointment,
                completed_at=reading.completed_at,
                attachments=attachments,
            )
        except VersionConflict as exc:
            raise _stale(record, record.version, exc.current_version) from exc
        except RecordNotFound as exc:
            raise NotFound(f"no dossier {record.id}") from exc
        except StoreError as exc:
            raise Conflict(str(exc), current_version=record.version + 1) from exc
        return self.view(updated, compiled, staff=staff)


def refusal(
    exc: ActionNotAllowedError, record: DossierRecord, action: Action | None, locale: Locale
) -> Exception:
    """The service error for a refused action: 404 for an action the step does not have,
    403 for another role's, 409 when the dossier's state refuses it, 422 for its inputs."""
    denial = exc.reason
    code = denial.code
    if code is DenialCode.UNKNOWN_ACTION:
        return NotFound(denial.message, code=code.value)
    if code is DenialCode.WRONG_ROLE:
        return Forbidden(denial.message, code=code.value)
    if code in _STATE:
        return Conflict(denial.message, current_version=record.version, code=code.value)
    fields = {f.id: f for f in _input_fields(action)}
    if denial.problems:
        errors = []
        for problem in denial.problems:
            field = fields.get(problem.input)
            label = field.label.get(locale) if field else problem.input
            kind = _PROBLEM_CODES[problem.code]
            message = problem.message
            if kind == "required":
                message = field_message(
                    "required.file" if field and field.type == "file" else "required", locale, label
                )
            elif kind == "unknown":
                message = field_message("unknown", locale, problem.input)
            errors.append(FieldError(("inputs", problem.input), kind, message))
        return Invalid(errors)
    if code is DenialCode.GUARD_FALSE or code is DenialCode.GUARD_ERROR:
        guard = action.when if action is not None else None
        if guard is not None and "input" in guard:
            return Invalid([FieldError(("inputs",), code.value, denial.message)])
        return Conflict(denial.message, current_version=record.version, code=code.value)
    return Invalid([FieldError(("inputs",), code.value, denial.message)])


def _input_fields(action: Action | None) -> tuple[Field, ...]:
    if action is None:
        return ()
    builtin = tuple(BUILTIN_INPUTS[r] for r in action.requires if r in BUILTIN_INPUTS)
    return builtin + action.inputs


def _file_inputs(action: Action | None) -> dict[str, Field]:
    return {f.id: f for f in _input_fields(action) if f.type == "file"}


def _reference(upload: Upload) -> dict[str, Any]:
    kind = sniff(upload.data)
    return {
        "id": hashlib.sha256(upload.data).hexdigest()[:32],
        "name": clean_filename(upload.filename, kind=kind),
        "size": len(upload.data),
        "media_type": MIME_TYPES.get(kind or "", "application/octet-stream"),
    }


def _stale(record: DossierRecord, expected: int, current: int | None = None) -> Conflict:
    now_at = current if current is not None else record.version
    return Conflict(
        f"dossier {record.number} is at version {now_at}, not {expected}: someone acted on it "
        "first; reload it and decide again",
        current_version=now_at,
        code="version_conflict",
    )
