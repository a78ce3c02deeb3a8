"""example_payload: a deterministic payload that passes validation, for every bundled procedure."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from procgen.forms import example_payload, validate_payload
from procgen.forms._examples import example_from_pattern
from tests.forms.factory import TODAY, bundled, bundled_names, form_spec


@pytest.mark.parametrize("name", bundled_names())
def test_the_example_passes_validation(name: str) -> None:
    spec = bundled()[name]
    payload = example_payload(spec, today=TODAY)
    result = validate_payload(spec, payload, today=TODAY)
    assert result.ok, result.errors
    assert json.loads(json.dumps(payload)) == payload  # plain JSON values
    assert example_payload(spec, today=TODAY) == payload  # deterministic


@pytest.mark.parametrize("name", bundled_names())
def test_cleaned_data_validates_to_itself(name: str) -> None:
    spec = bundled()[name]
    cleaned = validate_payload(spec, example_payload(spec, today=TODAY), today=TODAY).cleaned
    assert cleaned is not None
    again = validate_payload(spec, cleaned, today=TODAY)
    assert again.ok
    assert again.cleaned == cleaned


@pytest.mark.parametrize(
    "today", [dt.date(2026, 1, 5), dt.date(2026, 12, 31), dt.date(2028, 2, 29)]
)
@pytest.mark.parametrize("name", bundled_names())
def test_any_day_but_a_registration_window(name: str, today: dt.date) -> None:
    spec = bundled()[name]
    result = validate_payload(spec, example_payload(spec, today=today), today=today)
    if name == "tuyen-sinh-quan-su-so-tuyen":
        # Registration is open 25/03-20/05 only: a rule about today alone, the one error left.
        assert [(e.loc, e.code) for e in result.errors] == [((), "rule")]
    else:
        assert result.ok, result.errors


def test_dates_follow_the_form() -> None:
    spec = bundled()["uav-cap-phep-bay"]
    payload = example_payload(spec, today=TODAY)
    start = dt.date.fromisoformat(payload["flight_start_date"])
    assert start - TODAY >= dt.timedelta(days=60)  # beyond the 7-working-day lead time
    assert payload["flight_end_date"] > payload["flight_start_date"]
    pilot = payload["pilots"][0]
    born = dt.date.fromisoformat(pilot["birth_date"])
    assert 19 <= (TODAY - born).days // 365 <= 20
    assert pilot["citizen_id"][3:6] == f"2{born.year % 100:02d}"
    assert (payload["daily_start_time"], payload["daily_end_time"]) == ("07:00", "17:00")


def test_the_sex_field_sets_the_citizen_id_digit() -> None:
    spec = bundled()["nvqs-dang-ky-lan-dau"]
    payload = example_payload(spec, today=TODAY)
    assert payload["sex"] == "male"
    assert payload["citizen_id"][3] == "2"


def test_a_pattern_without_placeholder_is_generated() -> None:
    spec = bundled()["chinh-sach-tro-cap-mot-lan"]
    account = example_payload(spec, today=TODAY)["bank"]["account_number"]
    assert account.isdigit()
    assert 6 <= len(account) <= 20


def test_candidates_flip_booleans_for_rules() -> None:
    spec = form_spec(
        """
        - {id: consent, type: boolean, label: Đồng ý}
        - {id: reason, type: text, label: Lý do, required: true, when: "!consent"}
        """,
        """
        - {check: "consent", message: Phải đồng ý.}
        """,
    )
    assert example_payload(spec, today=TODAY) == {"consent": True}


@pytest.mark.parametrize(
    ("pattern", "variant", "example"),
    [
        (r"^[0-9]{6,20}$", 0, "000000"),
        (r"^([01][0-9]|2[0-3]):[0-5][0-9]$", 0, "00:00"),
        (r"^([01][0-9]|2[0-3]):[0-5][0-9]$", 1, "21:11"),
        (r"^[A-Z]{2}-\d{3}$", 0, "AA-000"),
        (r"^(?:GP|QĐ)/[0-9]+$", 1, "QĐ/1"),
        (r"^[^0-9]+$", 0, None),  # a negated class: not supported, no guess
        (r"(a)\1", 0, None),
    ],
)
def test_example_from_pattern(pattern: str, variant: int, example: str | None) -> None:
    assert example_from_pattern(pattern, variant) == example
