"""What happens when an applicant submits: the :class:`SubmitHandler` extension point.

The form pages know nothing of dossiers: once the answers and the documents are valid, they hand
them to a :class:`SubmitHandler` and show the applicant the :class:`SubmissionReceipt` it
returns. The running service plugs its store in here; tests use :class:`InMemorySubmitHandler`::

    >>> handler = InMemorySubmitHandler()
    >>> handler.submissions
    []
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from procgen.spec.models import ProcedureSpec
from procgen.types import Locale

if TYPE_CHECKING:
    from procgen.web.apply.drafts import StoredFile

__all__ = ["InMemorySubmitHandler", "Submission", "SubmissionReceipt", "SubmitHandler"]

_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class SubmissionReceipt:
    """What the applicant is told after submitting.

    Attributes:
        number: the dossier number (mã hồ sơ), e.g. ``000.00.31.H29-250624-0001``.
        url: where the applicant can follow the dossier ("" when there is no such page).
    """

    number: str
    url: str = ""


@runtime_checkable
class SubmitHandler(Protocol):
    """Receives a complete, valid dossier and files it."""

    async def submit(
        self,
        spec: ProcedureSpec,
        cleaned_data: dict[str, Any],
        files: Mapping[str, Sequence[StoredFile]],
        locale: Locale,
    ) -> SubmissionReceipt:
        """File the dossier and say how the applicant can follow it.

        Args:
            spec: the procedure version the applicant filled in.
            cleaned_data: the cleaned payload (``FormResult.cleaned``): the dossier's data.
            files: the attached documents by document id, their type checked by content.
            locale: the applicant's language, for notifications.
        """
        ...


@dataclass(frozen=True)
class Submission:
    """One dossier received by :class:`InMemorySubmitHandler`."""

    spec: ProcedureSpec
    cleaned_data: dict[str, Any]
    files: Mapping[str, Sequence[StoredFile]]
    locale: Locale
    receipt: SubmissionReceipt


@dataclass
class InMemorySubmitHandler:
    """Keeps submissions in a list and numbers them ``<agency id>-YYMMDD-<seq>``.

    Args:
        track_url: the receipt's URL, formatted with ``number`` ("" for none).
        today: the date in the number (default: today in Vietnam).
    """

    track_url: str = ""
    today: dt.date | None = None
    submissions: list[Submission] = field(default_factory=list)

    async def submit(
        self,
        spec: ProcedureSpec,
        cleaned_data: dict[str, Any],
        files: Mapping[str, Sequence[StoredFile]],
        locale: Locale,
    ) -> SubmissionReceipt:
        """Record the submission and return a receipt with the next number."""
        day = self.today or dt.datetime.now(_VIETNAM).date()
        prefix = spec.agency.id or spec.code
        number = f"{prefix}-{day:%y%m%d}-{len(self.submissions) + 1:04d}"
        receipt = SubmissionReceipt(number, self.track_url.format(number=number))
        self.submissions.append(
            Submission(spec, cleaned_data, {k: tuple(v) for k, v in files.items()}, locale, receipt)
        )
        return receipt

    def __repr__(self) -> str:
        return f"<InMemorySubmitHandler: {len(self.submissions)} submissions>"
