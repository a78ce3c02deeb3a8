"""The officer's worklist: filters read from the query string, rows with their due badges.

Filters come from a GET form, so a worklist view can be bookmarked; anything unreadable in
the query string (a page that is no number, an unknown procedure) is ignored rather than
refused, and the form shows what was applied. Each row carries its live status as a text badge
("Overdue", "Due soon"): colour only repeats what the words say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from procgen.registry import Registry
from procgen.service.records import User, Worklist, WorklistEntry, WorklistQuery
from procgen.spec.duration import parse_duration
from procgen.types import Locale
from procgen.web.pages.labels import (
    live_status_label,
    local_date,
    local_datetime,
    role_label,
    step_label,
)
from procgen.workflow import Deadlines, LiveStatus

__all__ = [
    "PAGE_SIZE",
    "Choice",
    "WorklistFilters",
    "WorklistRow",
    "read_filters",
    "worklist_query",
    "worklist_rows",
]

PAGE_SIZE = 25
_STATUSES = ("overdue", "due_soon")


@dataclass(frozen=True)
class Choice:
    """An option of a filter's select."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class WorklistFilters:
    """The filters applied, and the options the filter form offers."""

    procedure: str | None
    step: str | None
    role: str | None
    status: str | None
    page: int
    procedures: tuple[Choice, ...]
    steps: tuple[Choice, ...]
    roles: tuple[Choice, ...]

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any((self.procedure, self.step, self.role, self.status))


@dataclass(frozen=True)
class WorklistRow:
    """One dossier of the worklist."""

    id: str
    number: str
    procedure: str
    step: str
    applicant: str
    received: str
    appointment: str
    live: str
    badge: str
    paused: bool
    url: str = ""


def _page(text: str | None) -> int:
    if text is None or not text.isdigit() or len(text) > 6:
        return 1
    return max(1, int(text))


def read_filters(
    params: Mapping[str, str], user: User, registry: Registry, locale: Locale
) -> WorklistFilters:
    """The filters of the query string, keeping only values this officer can use."""
    specs = [s for s in registry.specs(latest=True) if user.roles & s.role_ids()]
    codes = {s.code for s in specs}
    procedure = params.get("procedure") if params.get("procedure") in codes else None
    steps: dict[str, str] = {}
    for spec in specs:
        if procedure is not None and spec.code != procedure:
            continue
        for case in spec.effective_cases():
            for s in case.steps:
                if any((a.role or s.role) in user.roles for a in s.actions):
                    steps.setdefault(s.id, step_label(case, s.id, locale))
    step = params.get("step") if params.get("step") in steps else None
    role = params.get("role") if params.get("role") in user.roles else None
    status = params.get("status") if params.get("status") in _STATUSES else None
    role_names = {r: r for r in user.roles}
    for spec in specs:
        for r in user.roles & spec.role_ids():
            role_names[r] = role_label(spec, r, locale)
    return WorklistFilters(
        procedure=procedure,
        step=step,
        role=role,
        status=status,
        page=_page(params.get("page")),
        procedures=tuple(
            Choice(s.code, s.name.get(locale), s.code == procedure)
            for s in sorted(specs, key=lambda s: s.name.get(locale))
        ),
        steps=tuple(Choice(k, v, k == step) for k, v in sorted(steps.items(), key=lambda i: i[1])),
        roles=tuple(
            Choice(k, v, k == role) for k, v in sorted(role_names.items(), key=lambda i: i[1])
        ),
    )


def worklist_query(
    filters: WorklistFilters, deadlines: Deadlines, now: dt.datetime
) -> WorklistQuery:
    """The service query of ``filters``; "due soon" means due within one working day (so
    overdue dossiers are listed too: they are the most urgent)."""
    due_before = None
    if filters.status == "due_soon":
        due_before = deadlines.due(now, parse_duration("1 working day"))
    return WorklistQuery(
        procedure=filters.procedure,
        step=filters.step,
        role=filters.role,
        overdue=filters.status == "overdue",
        due_before=due_before,
        page=filters.page,
        size=PAGE_SIZE,
    )


def _row(entry: WorklistEntry, locale: Locale) -> WorklistRow:
    record = entry.record
    case = next((c for c in entry.spec.effective_cases() if c.id == record.case_id), None)
    step = step_label(case, record.step, locale) if case else record.step
    badge = {LiveStatus.OVERDUE: "overdue", LiveStatus.DUE_SOON: "due-soon"}.get(
        entry.live, "on-track"
    ) if entry.live else ""  # fmt: skip
    return WorklistRow(
        id=str(record.id),
        number=record.number,
        procedure=entry.spec.name.get(locale),
        step=step,
        applicant=record.applicant.name,
        received=local_datetime(record.received_at, locale),
        appointment=local_date(record.appointment_at, locale),
        live=live_status_label(entry.live, locale),
        badge=badge,
        paused=record.paused,
    )


def worklist_rows(worklist: Worklist, locale: Locale) -> list[WorklistRow]:
    """The rows of one page."""
    return [_row(entry, locale) for entry in worklist.entries]
