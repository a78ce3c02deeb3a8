"""The form pages on the dossier service: drafts in SQL, complete drafts filed as dossiers.

The wizard (:mod:`procgen.web.apply.routes`) needs a :class:`~procgen.web.DraftStore` and a
:class:`~procgen.web.SubmitHandler`; the running service gives it these two:

- :class:`SqlDraftStore` keeps drafts in the store's ``drafts`` table (found by the hash of
  their token, with optimistic revisions, so two tabs never overwrite each other);
- :class:`ServiceSubmitHandler` files each complete dossier with
  :meth:`DossierService.submit <procgen.service.DossierService.submit>`, for the signed-in
  user when there is one (:data:`~procgen.web.auth.backends.CURRENT_USER`, set by the
  authentication middleware).

Both call the synchronous store from a worker thread.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import anyio.to_thread

from procgen.service import Busy, DossierService, Filed, Invalid, Unauthenticated, Upload
from procgen.spec.models import ProcedureSpec
from procgen.store import Drafts, RecordNotFound, StoreBusy, VersionConflict
from procgen.types import Locale
from procgen.web.apply.drafts import (
    Draft,
    DraftConflict,
    StoredFile,
    draft_from_data,
    draft_to_data,
)
from procgen.web.apply.submission import SubmissionReceipt
from procgen.web.auth.backends import CURRENT_USER
from procgen.web.rendering import PageProblem

__all__ = ["ServiceSubmitHandler", "SqlDraftStore", "as_json"]

#: The user of the request being served (None: anonymous); set by the auth middleware.

T = TypeVar("T")


async def _in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await anyio.to_thread.run_sync(functools.partial(function, *args, **kwargs))


def as_json(value: Any) -> Any:
    """Cleaned form data back as the JSON the form validates: numbers stay numbers (a
    ``Decimal`` becomes an int or a float, whose shortest form is the decimal's), dates and
    times ISO strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


class SqlDraftStore:
    """A :class:`~procgen.web.DraftStore` on :attr:`DossierStore.drafts <procgen.store.Drafts>`.

    Args:
        drafts: the store's drafts (``store.drafts``).
    """

    def __init__(self, drafts: Drafts) -> None:
        self._drafts = drafts

    def __repr__(self) -> str:
        return f"<SqlDraftStore {self._drafts!r}>"

    async def load(self, token: str) -> Draft | None:
        """The draft with ``token``, or None when unknown or expired."""
        if not 16 <= len(token) <= 200:
            return None
        record = await _in_thread(self._drafts.load, token)
        if record is None:
            return None
        return draft_from_data(
            token,
            record.procedure_code,
            record.procedure_version,
            expires_at=record.expires_at,
            revision=record.revision,
            data=record.data,
        )

    async def save(self, draft: Draft) -> None:
        """Insert or update ``draft``; :class:`DraftConflict` when another save came first."""
        try:
            draft.revision = await _in_thread(
                self._drafts.save,
                draft.token,
                procedure_code=draft.code,
                procedure_version=draft.version,
                data=draft_to_data(draft),
                expires_at=draft.expires_at,
                revision=draft.revision,
            )
        except (VersionConflict, RecordNotFound, StoreBusy) as exc:
            raise DraftConflict(str(exc)) from exc


class ServiceSubmitHandler:
    """A :class:`~procgen.web.SubmitHandler` that files each complete dossier in the store.

    Args:
        service: the dossier service.
        receipt_url: the link shown on the confirmation page, from the dossier just filed
            (its number, id and tracking secret); none by default.
    """

    def __init__(
        self, service: DossierService, *, receipt_url: Callable[[Filed], str] | None = None
    ) -> None:
        self.service = service
        self.receipt_url = receipt_url

    def __repr__(self) -> str:
        return f"<ServiceSubmitHandler {self.service!r}>"

    async def submit(
        self,
        spec: ProcedureSpec,
        cleaned_data: dict[str, Any],
        files: Mapping[str, Sequence[StoredFile]],
        locale: Locale,
    ) -> SubmissionReceipt:
        """File the dossier under the procedure version the draft was started on."""
        uploads = {key: [Upload(f.filename, f.data) for f in found] for key, found in files.items()}
        try:
            filed = await _in_thread(
                self.service.submit,
                spec.code,
                as_json(cleaned_data),
                uploads,
                applicant=CURRENT_USER.get(),
                locale=locale,
                version=spec.version,
            )
        except Invalid as exc:  # e.g. a lead time: the form cannot count working days
            problems = " ".join(e.msg for e in exc.errors)
            raise PageProblem(422, "There is a problem", problems) from exc
        except Unauthenticated as exc:
            raise PageProblem(401, "Request refused", str(exc)) from exc
        except Busy as exc:
            raise PageProblem(503, "Please try again", "Reload this page in a moment.") from exc
        url = self.receipt_url(filed) if self.receipt_url is not None else ""
        return SubmissionReceipt(filed.dossier.number, url)
