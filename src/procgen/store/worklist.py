"""The worklist query: which dossiers an officer (or a citizen, or a timer) sees, by due date.

Kept apart from the repository because it is the one query that grows with the user
interface's filters. Dossiers are sorted by legal due date, those without one last, then by
receipt time and number, so that pages are stable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql.elements import ColumnElement

from procgen.errors import ConfigurationError
from procgen.store.records import WorklistFilter
from procgen.store.tables import dossiers

__all__ = ["MAX_PAGE_SIZE", "query_worklist"]

#: The largest page a worklist returns.
MAX_PAGE_SIZE = 500


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


def _in_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC; an instant beyond the ends of Python's calendar once in UTC (9999-12-31
    23:00 at -14:00) saturates there, which compares the same against any stored instant."""
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return _LATEST if moment.year > 1 else _EARLIEST


def _conditions(query: WorklistFilter, now: dt.datetime) -> list[ColumnElement[bool]]:
    c = dossiers.c
    conditions: list[ColumnElement[bool]] = []
    if not query.include_closed:
        conditions.append(c.outcome.is_(None))
    if query.procedure is not None:
        conditions.append(c.procedure_code == query.procedure)
    if query.steps is not None:
        conditions.append(c.step.in_(sorted(query.steps)))
    if query.actionable is not None:
        by_version: defaultdict[tuple[str, int, str], set[str]] = defaultdict(set)
        for ref in query.actionable:
            key = (ref.procedure_code, ref.procedure_version, ref.case_id or "")
            by_version[key].add(ref.step)
        conditions.append(
            sa.or_(
                sa.false(),
                *(
                    sa.and_(
                        c.procedure_code == code,
                        c.procedure_version == version,
                        c.step.in_(sorted(steps)),
                        *([c.case_id == case] if case else []),
                    )
                    for (code, version, case), steps in sorted(by_version.items())
                ),
            )
        )
    if query.applicant_user_id is not None:
        conditions.append(c.applicant_user_id == query.applicant_user_id)
    if query.overdue:
        conditions += [c.due_at < now, c.paused_since.is_(None)]
    if query.due_before is not None:
        conditions.append(c.due_at < _in_utc(query.due_before))
    if query.step_due_before is not None:
        conditions.append(c.step_due_at < _in_utc(query.step_due_before))
    return conditions


def query_worklist(
    connection: Connection,
    query: WorklistFilter,
    columns: list[sa.Column[Any]],
    *,
    now: dt.datetime,
    page: int,
    size: int,
) -> tuple[int, list[RowMapping]]:
    """How many dossiers match ``query``, and the ``columns`` of those on ``page``.

    Raises:
        ConfigurationError: for a page below 1 or a size outside 1 to :data:`MAX_PAGE_SIZE`.
    """
    if page < 1:
        raise ConfigurationError(f"pages are numbered from 1 (got {page})")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ConfigurationError(f"a page holds 1 to {MAX_PAGE_SIZE} dossiers (got {size})")
    conditions = _conditions(query, now)
    count = sa.select(sa.func.count()).select_from(dossiers).where(*conditions)
    rows = (
        sa.select(*columns)
        .where(*conditions)
        .order_by(
            dossiers.c.due_at.asc().nulls_last(),
            dossiers.c.received_at.asc(),
            dossiers.c.number.asc(),
        )
        .limit(size)
        .offset((page - 1) * size)
    )
    total: int = connection.execute(count).scalar_one()
    return total, list(connection.execute(rows).mappings())
