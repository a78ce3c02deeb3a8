"""Tests for procgen.workflow.leadtimes: applicant-entered dates checked at submission.

Expected dates come from the official calendars cited at the top of
tests/workflow/test_calendar.py (30/4–1/5 2025 with the make-up Saturday 26 Apr; Tết 2026 off
Sat 14 – Sun 22 Feb).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from procgen.errors import ConfigurationError
from procgen.spec.models import LeadTime
from procgen.workflow import LeadTimeProblem, check_lead_times
from procgen.workflow.leadtimes import date_at
from tests.workflow.factory import bundled, dossier, make_case, vn


@pytest.mark.parametrize(
    ("submitted", "flight", "earliest"),
    [
        # Fri 25 Apr 2025 10:00 + 7 working days (Sat 26 Apr worked, 30 Apr – 4 May off).
        (vn(2025, 4, 25, 10), date(2025, 5, 7), date(2025, 5, 8)),
        # Mon 9 Feb 2026 10:00: 5h + Tue–Fri 32h, Tết 14–22 Feb, then Mon 23 – Wed 25 Feb.
        (vn(2026, 2, 9, 10), date(2026, 2, 24), date(2026, 2, 25)),
        # Submitted on a Sunday: counting starts on Monday 6 Oct 2025 07:00, so the seventh
        # working day is Tuesday 14 Oct.
        (vn(2025, 10, 5, 20), date(2025, 10, 13), date(2025, 10, 14)),
    ],
)
def test_the_uav_flight_date_needs_seven_working_days(
    submitted: datetime, flight: date, earliest: date
) -> None:
    uav = bundled()["BQP-UAV-01"].effective_cases()[0]
    [problem] = check_lead_times(uav, {"flight_start_date": flight}, submitted_at=submitted)
    assert problem.field == "flight_start_date"
    assert (problem.requested, problem.earliest) == (flight, earliest)
    assert str(problem.lead) == "7 working days"
    shown = f"{earliest:%d/%m/%Y}"
    assert problem.message.vi == (
        "Hồ sơ phải nộp trước ngày bắt đầu bay ít nhất 7 ngày làm việc. "
        f"Ngày sớm nhất được phép là {shown}."
    )
    assert problem.message.en == (
        "Apply at least 7 working days before the first day of flight. "
        f"The earliest allowed date is {shown}."
    )
    assert check_lead_times(uav, {"flight_start_date": earliest}, submitted_at=submitted) == ()


def test_without_a_spec_message_the_default_one_gives_the_date() -> None:
    case = make_case(lead_times=(LeadTime(field="trip.start", at_least="4 days"),))
    [problem] = check_lead_times(
        case, {"trip": {"start": "2025-10-04"}}, submitted_at=vn(2025, 10, 1, 10)
    )
    # Calendar days are not rolled: a trip may start on a Sunday.
    assert problem.earliest == date(2025, 10, 5)
    assert problem.message.en == (
        "The date must be at least 4 days after submission: the earliest allowed date is "
        "05/10/2025 (got 04/10/2025)."
    )
    assert problem.message.vi.startswith("Ngày đăng ký phải sau ngày nộp hồ sơ ít nhất 4 ngày")
    assert "05/10/2025" in problem.message.vi


def test_only_english_missing_falls_back_to_the_default_english() -> None:
    lead = LeadTime(field="d", at_least="2 working days", message="Nộp sớm hơn.")
    [problem] = check_lead_times(
        make_case(lead_times=(lead,)), {"d": "2025-10-07"}, submitted_at=vn(2025, 10, 6, 10)
    )
    assert problem.message.vi == "Nộp sớm hơn. Ngày sớm nhất được phép là 08/10/2025."
    assert problem.message.en is not None
    assert problem.message.en.startswith("The date must be at least 2 working days")


def test_empty_dates_are_left_to_the_form_and_bad_ones_are_refused() -> None:
    uav = bundled()["BQP-UAV-01"].effective_cases()[0]
    for data in ({}, {"flight_start_date": None}, {"flight_start_date": ""}):
        assert check_lead_times(uav, data, submitted_at=vn(2025, 10, 6)) == ()
    with pytest.raises(ConfigurationError, match="flight_start_date must be a date such as"):
        check_lead_times(uav, {"flight_start_date": 20251006}, submitted_at=vn(2025, 10, 6))
    with pytest.raises(ConfigurationError, match="not a date and time"):
        check_lead_times(uav, {"flight_start_date": vn(2025, 10, 20)}, submitted_at=vn(2025, 10, 6))
    with pytest.raises(ConfigurationError, match="submitted_at must be timezone-aware"):
        check_lead_times(
            uav, {"flight_start_date": "2025-10-20"}, submitted_at=datetime(2025, 10, 6)
        )


def test_date_at_walks_groups_only() -> None:
    assert date_at({"a": {"b": date(2025, 1, 2)}}, "a.b") == date(2025, 1, 2)
    assert date_at({"a": [{"b": "2025-01-02"}]}, "a.b") is None
    assert date_at({"a": " 2025-01-02 "}, "a") == date(2025, 1, 2)


def test_the_dossier_clock_checks_its_case() -> None:
    d = dossier("BQP-UAV-01", vn(2025, 4, 25, 10))
    problems = d.clock.check_lead_times(
        {"flight_start_date": "2025-05-07"}, submitted_at=vn(2025, 4, 25, 10)
    )
    assert [type(p) for p in problems] == [LeadTimeProblem]
