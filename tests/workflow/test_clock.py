"""Tests for procgen.workflow.clock: the Clock protocol, SystemClock and ManualClock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from procgen.errors import ConfigurationError
from procgen.workflow.clock import Clock, ManualClock, SystemClock, as_utc

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2025, 1, 24, 3, 0, tzinfo=UTC)


def test_system_clock_is_a_clock_and_returns_aware_utc() -> None:
    clock = SystemClock()
    assert isinstance(clock, Clock)
    now = clock.now()
    assert now.tzinfo is UTC
    assert repr(clock) == "<SystemClock>"


def test_manual_clock_is_a_clock_and_stands_still() -> None:
    clock = ManualClock(START)
    assert isinstance(clock, Clock)
    assert clock.now() == START
    assert clock.now() == START


def test_manual_clock_converts_to_utc() -> None:
    clock = ManualClock(datetime(2025, 1, 24, 10, 0, tzinfo=HANOI))
    assert clock.now() == START
    assert clock.now().tzinfo is UTC


def test_advance_moves_forwards_and_returns_the_new_instant() -> None:
    clock = ManualClock(START)
    assert clock.advance(timedelta(days=10, hours=1)) == START + timedelta(days=10, hours=1)
    assert clock.now() == START + timedelta(days=10, hours=1)
    assert clock.advance(timedelta(0)) == START + timedelta(days=10, hours=1)


def test_set_moves_anywhere() -> None:
    clock = ManualClock(START)
    earlier = datetime(2024, 5, 4, 8, 0, tzinfo=HANOI)
    clock.set(earlier)
    assert clock.now() == earlier
    assert clock.now().tzinfo is UTC


def test_advance_refuses_to_go_back() -> None:
    clock = ManualClock(START)
    with pytest.raises(ConfigurationError, match=r"only moves forwards.*use set\(\)"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == START


def test_advance_refuses_a_number() -> None:
    clock = ManualClock(START)
    with pytest.raises(TypeError, match="takes a timedelta"):
        clock.advance(3600)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: ManualClock(datetime(2025, 1, 24, 10, 0)), id="init"),
        pytest.param(lambda: ManualClock(START).set(datetime(2025, 1, 24, 10, 0)), id="set"),
    ],
)
def test_manual_clock_rejects_naive_datetimes(call: object) -> None:
    with pytest.raises(
        ConfigurationError, match=r"must be timezone-aware \(got naive 2025-01-24T10:00:00\)"
    ):
        call()  # type: ignore[operator]


def test_naive_error_is_a_value_error_too() -> None:
    with pytest.raises(ValueError, match="ZoneInfo"):
        as_utc(datetime(2025, 1, 24), name="received_at")


def test_as_utc_names_the_value() -> None:
    with pytest.raises(ConfigurationError, match=r"^received_at must be timezone-aware"):
        as_utc(datetime(2025, 1, 24), name="received_at")


def test_as_utc_rejects_a_date() -> None:
    with pytest.raises(TypeError, match=r"must be a datetime .*that is a date"):
        as_utc(date(2025, 1, 24))  # type: ignore[arg-type]


def test_as_utc_converts_any_zone() -> None:
    assert as_utc(datetime(2025, 1, 24, 10, 0, tzinfo=HANOI)) == START
    assert as_utc(START) is not None
    assert as_utc(datetime(2025, 1, 24, 10, 0, tzinfo=HANOI)).tzinfo is UTC


def test_repr_says_when() -> None:
    assert repr(ManualClock(START)) == "<ManualClock at 2025-01-24T03:00:00+00:00>"


def test_a_custom_clock_satisfies_the_protocol() -> None:
    class FrozenClock:
        def now(self) -> datetime:
            return START

    clock: Clock = FrozenClock()
    assert isinstance(clock, Clock)
    assert clock.now() == START
