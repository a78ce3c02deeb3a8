"""Dossier numbers (mã hồ sơ): ``<agency e-ID>-YYMMDD-<daily sequence>``.

The format of local systems (docs/domain.md §6): the receiving agency's electronic ID, the
receipt date in the agency's time zone, and a sequence that restarts at 1 each day for each
agency, written with at least four digits::

    >>> format_number("000.00.31.H29", dt.date(2025, 6, 24), 7)
    '000.00.31.H29-250624-0007'
    >>> parse_number("000.00.31.H29-250624-12345")
    DossierNumber(agency_id='000.00.31.H29', day=datetime.date(2025, 6, 24), sequence=12345)

:func:`next_sequence` takes the next value of a day's sequence inside the caller's transaction
with one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (SQLite 3.35+ and PostgreSQL). The
row stays locked until the transaction ends, so two transactions never get the same value, and
a transaction that rolls back gives its value back: the numbers of a day have no gaps.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.elements import ClauseElement

from procgen.errors import ConfigurationError
from procgen.store.batch import Prepared
from procgen.store.tables import daily_sequences

__all__ = [
    "AGENCY_ID",
    "DossierNumber",
    "check_agency_id",
    "format_number",
    "next_sequence",
    "parse_number",
]

#: What an agency e-ID may look like (letters, digits, dots, dashes, underscores).
AGENCY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_NUMBER = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def _upsert(dialect: Dialect) -> ClauseElement:
    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    return (
        insert(daily_sequences)
        .values(
            agency_id=sa.bindparam("agency_id", type_=daily_sequences.c.agency_id.type),
            day=sa.bindparam("day", type_=daily_sequences.c.day.type),
            last_value=1,
        )
        .on_conflict_do_update(
            index_elements=[daily_sequences.c.agency_id, daily_sequences.c.day],
            set_={"last_value": daily_sequences.c.last_value + 1},
        )
        .returning(daily_sequences.c.last_value)
    )


# The upsert of next_sequence, compiled once per dialect.
_NEXT = Prepared(_upsert)


class DossierNumber(NamedTuple):
    """The parts of a dossier number."""

    agency_id: str
    day: dt.date
    sequence: int


def format_number(agency_id: str, day: dt.date, sequence: int) -> str:
    """The number of the ``sequence``-th dossier received by ``agency_id`` on ``day``.

    Raises:
        ConfigurationError: for an agency e-ID that does not fit :data:`AGENCY_ID` or a
            sequence below 1.
    """
    check_agency_id(agency_id)
    if sequence < 1:
        raise ConfigurationError(f"a daily sequence starts at 1 (got {sequence})")
    return f"{agency_id}-{day.year % 100:02d}{day.month:02d}{day.day:02d}-{sequence:04d}"


def parse_number(number: str) -> DossierNumber:
    """Split a dossier number into agency e-ID, receipt date and sequence.

    Raises:
        ValueError: when ``number`` is not in the format.
    """
    match = _NUMBER.match(number)
    if match is None or not AGENCY_ID.match(match["agency"]):
        raise ValueError(
            f"{number!r} is not a dossier number like 000.00.31.H29-250624-0001 "
            "(agency e-ID, YYMMDD, sequence of at least 4 digits)"
        )
    day = dt.datetime.strptime(match["day"], "%y%m%d").date()
    return DossierNumber(match["agency"], day, int(match["seq"]))


def check_agency_id(agency_id: str) -> None:
    """Refuse an agency e-ID that cannot start a dossier number."""
    if not AGENCY_ID.match(agency_id):
        raise ConfigurationError(
            f"agency e-ID {agency_id!r} must be 1-64 letters, digits, dots, dashes or "
            "underscores, starting with a letter or digit (e.g. 000.00.31.H29)"
        )


def next_sequence(connection: Connection, agency_id: str, day: dt.date) -> int:
    """Take the next value of ``agency_id``'s sequence for ``day`` (1 for the first dossier).

    Call it inside the transaction that stores the dossier.
    """
    value: int = _NEXT.execute(connection, {"agency_id": agency_id, "day": day}).scalar_one()
    return value
