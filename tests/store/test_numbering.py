"""Tests for procgen.store.numbering: the dossier number format and daily sequences."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import procgen.store.numbering as numbering
from procgen.errors import ConfigurationError
from procgen.store import DossierStore, format_number, parse_number
from procgen.store.numbering import DossierNumber
from tests.store.conftest import AGENCY, T0, new_dossier


def test_doctests() -> None:
    assert doctest.testmod(numbering, raise_on_error=True).attempted > 0


def test_format() -> None:
    assert format_number("000.00.31.H29", dt.date(2025, 6, 24), 1) == "000.00.31.H29-250624-0001"
    assert format_number("H29", dt.date(2025, 6, 24), 123456) == "H29-250624-123456"


@pytest.mark.parametrize("agency", ["", "-x", "a b", "x/y", "a" * 65, "ả"])
def test_bad_agency_ids(agency: str) -> None:
    with pytest.raises(ConfigurationError, match="agency e-ID"):
        format_number(agency, dt.date(2025, 1, 1), 1)


def test_sequence_starts_at_one() -> None:
    with pytest.raises(ConfigurationError, match="starts at 1"):
        format_number("H29", dt.date(2025, 1, 1), 0)


@pytest.mark.parametrize(
    "number", ["H29-250624-001", "H29-2506240-0001", "H29_250624_0001", "-250624-0001", "x"]
)
def test_parse_rejects(number: str) -> None:
    with pytest.raises(ValueError, match="not a dossier number"):
        parse_number(number)


@given(
    agency=st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,20}\Z"),
    day=st.dates(dt.date(2000, 1, 1), dt.date(2068, 12, 31)),
    sequence=st.integers(1, 10**7),
)
def test_round_trip(agency: str, day: dt.date, sequence: int) -> None:
    number = format_number(agency, day, sequence)
    assert parse_number(number) == DossierNumber(agency, day, sequence)


def test_sequences_restart_each_day_and_per_agency(store: DossierStore) -> None:
    def number(**changes: object) -> str:
        return store.create_dossier(new_dossier(**changes)).dossier.number

    assert number() == f"{AGENCY}-250123-0001"
    assert number() == f"{AGENCY}-250123-0002"
    assert number(agency_id="H30") == "H30-250123-0001"
    # 23:30 in Hà Nội on the 23rd is 16:30 UTC; 00:30 on the 24th is 17:30 UTC on the 23rd.
    late = dt.datetime(2025, 1, 23, 16, 30, tzinfo=dt.UTC)
    assert number(received_at=late) == f"{AGENCY}-250123-0003"
    assert number(received_at=late + dt.timedelta(hours=1)) == f"{AGENCY}-250124-0001"
    assert T0.date() == dt.date(2025, 1, 23)


def test_number_time_zone_is_configurable(store: DossierStore) -> None:
    utc = DossierStore(store.engine, timezone="UTC")
    late = dt.datetime(2025, 1, 23, 17, 30, tzinfo=dt.UTC)
    assert utc.create_dossier(new_dossier(received_at=late)).dossier.number.endswith("-250123-0001")
