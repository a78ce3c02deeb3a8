"""Tests for procgen.workflow.timeline and legalclock: a dossier's legal clock, with real dates.

Expected dates are written by hand from the official calendars listed (with their sources) at
the top of tests/workflow/test_calendar.py: Tết 2025 off Sat 25 Jan – Sun 2 Feb (Official
Letter 8726/VPCP-KGVX); Tết 2026 off Sat 14 – Sun 22 Feb; 30/4–1/5 2025 off Wed 30 Apr –
Sun 4 May with Sat 26 Apr a make-up working day; 2/9 2025 off Sat 30 Aug – Tue 2 Sep. Office
hours are 07:00–11:30 and 13:30–17:00, so a working day is 8 office hours; "h" below counts
office hours.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from procgen.errors import ConfigurationError
from procgen.workflow import (
    CaseDeadlines,
    DenialCode,
    Expiry,
    ExtensionLimitError,
    HistoryEntry,
    LiveStatus,
    RescheduleError,
    StateMachine,
    TimelineError,
    Timeliness,
    UnknownStepError,
    due_expiries,
)
from procgen.workflow.errors import ActionNotAllowedError, WorkflowError
from tests.workflow.factory import Dossier, dossier, local, make_case, vn

UAV_DATA = {"flight_start_date": "2025-09-03"}


# --------------------------------------------------------------------------- legal due dates


@pytest.mark.parametrize(
    ("code", "case", "received", "legal_due"),
    [
        # 12 working days from Thu 12 Feb 2026 10:00: Thu 5h + Fri 8h = 13h; Tết 14–22 Feb;
        # 23 Feb – 6 Mar is 10 days (80h, 93h in all); the last 3h on Mon 9 Mar.
        pytest.param("BQP-CS-01", None, vn(2026, 2, 12, 10), vn(2026, 3, 9, 17), id="cs-tet26"),
        # Thu 23 Jan 2025 10:00: 13h before Tết 2025 (25 Jan – 2 Feb), 80h from 3 to 14 Feb,
        # 3h on Mon 17 Feb.
        pytest.param("BQP-CS-01", None, vn(2025, 1, 23, 10), vn(2025, 2, 17, 17), id="cs-tet25"),
        # 1 working day from Fri 24 Jan 2025 16:00: 1h that day, 7h on Mon 3 Feb after Tết.
        pytest.param("BQP-NVQS-01", None, vn(2025, 1, 24, 16), vn(2025, 2, 3, 17), id="nvqs-tet25"),
        # 7 working days from Fri 25 Apr 2025 10:00: Fri 5h, Sat 26 Apr (make-up day) 8h, Mon 28
        # and Tue 29 16h; 30 Apr – 4 May off; Mon 5 – Wed 7 May 24h (53h); Thu 8 May.
        pytest.param("BQP-UAV-01", None, vn(2025, 4, 25, 10), vn(2025, 5, 8, 17), id="uav-apr30"),
        # By 25/06 (QĐ 6225/QĐ-BQP): this year's date, or next year's once it has passed.
        pytest.param(
            "BQP-TSQS-01", "civilian", vn(2026, 3, 25, 10), vn(2026, 6, 25, 17), id="by-2026"
        ),
        pytest.param(
            "BQP-TSQS-01", "serviceman", vn(2026, 6, 26, 10), vn(2027, 6, 25, 17), id="by-next"
        ),
    ],
)
def test_legal_due_from_receipt(
    code: str, case: str | None, received: datetime, legal_due: datetime
) -> None:
    d = dossier(code, received, case=case, data=UAV_DATA)
    reading = d.read(received)
    assert local(reading.legal_due) == legal_due
    assert reading.appointment == reading.legal_due
    assert reading.started_at == received
    assert reading.status is LiveStatus.ON_TRACK


@pytest.mark.parametrize(
    ("case", "accepted", "legal_due"),
    [
        # 30 days from Fri 1 Aug 2025 end on Sun 31 Aug, inside 30 Aug – 2 Sep: Wed 3 Sep.
        ("standard", vn(2025, 8, 1, 10), vn(2025, 9, 3, 17)),
        # 45 days from Wed 31 Dec 2025 end on Sat 14 Feb 2026, first day of Tết: Mon 23 Feb.
        ("remote", vn(2025, 12, 31, 10), vn(2026, 2, 23, 17)),
    ],
)
def test_a_complaint_is_counted_from_acceptance(
    case: str, accepted: datetime, legal_due: datetime
) -> None:
    d = dossier("BQP-KN-01", accepted - timedelta(days=4), case=case)
    before = d.read(accepted - timedelta(hours=1))
    assert (before.started_at, before.legal_due, before.status) == (None, None, None)
    assert not before.paused  # not a pause: the clock has not started
    d.act("accept", accepted)
    reading = d.read(accepted)
    assert reading.started_at == accepted
    assert local(reading.legal_due) == legal_due
    assert reading.paused_for == timedelta(0)


def test_a_channel_processing_time_wins_over_the_case_deadline() -> None:
    case = make_case(
        {"id": "review", "role": "officer", "actions": [{"id": "approve", "to": "done"}]},
        {"id": "done", "outcome": "approved"},
        deadline="5 working days",
        channels={"online": {"processing_time": "4 working hours"}},
    )
    received = vn(2025, 10, 6, 10)  # Monday
    assert local(dossier(case, received).read(received).legal_due) == vn(2025, 10, 13, 17)
    online = dossier(case, received, channel="online").read(received)
    assert local(online.legal_due) == vn(2025, 10, 6, 16)  # the exact instant: lunch skipped


def test_same_day_with_cutoff_and_fixed_dates() -> None:
    steps = (
        {"id": "review", "role": "officer", "actions": [{"id": "approve", "to": "done"}]},
        {"id": "done", "outcome": "approved"},
    )
    same_day = make_case(*steps, deadline={"same_day": True, "cutoff": "14:00"})
    assert local(dossier(same_day, vn(2025, 10, 6, 13)).read(vn(2025, 10, 6, 13)).legal_due) == (
        vn(2025, 10, 6, 17)
    )
    late = dossier(same_day, vn(2025, 10, 6, 14, 30))
    assert local(late.read(vn(2025, 10, 6, 15)).legal_due) == vn(2025, 10, 7, 17)
    before = make_case(*steps, deadline={"before": "trip.start"})
    # The working day before Wed 3 Sep 2025 is Fri 29 Aug (30 Aug – 2 Sep off).
    trip = dossier(before, vn(2025, 8, 20, 9), data={"trip": {"start": date(2025, 9, 3)}})
    assert local(trip.read(vn(2025, 8, 20, 9)).legal_due) == vn(2025, 8, 29, 17)
    assert dossier(before, vn(2025, 8, 20, 9)).read(vn(2025, 8, 20, 9)).legal_due is None
    with pytest.raises(ConfigurationError, match=r"trip\.start must be a date"):
        dossier(before, vn(2025, 8, 20, 9), data={"trip": {"start": "soon"}})


def test_a_case_without_deadline_has_no_due_date() -> None:
    case = make_case(
        {"id": "review", "role": "officer", "actions": [{"id": "approve", "to": "done"}]},
        {"id": "done", "outcome": "approved"},
    )
    d = dossier(case, vn(2025, 10, 6, 10))
    d.act("approve", vn(2025, 10, 7, 10))
    reading = d.read(vn(2025, 10, 8, 10))
    assert (reading.legal_due, reading.timeliness, reading.status) == (None, None, None)
    assert reading.completed_at == vn(2025, 10, 7, 10)
    assert "no appointment" in (d.timeline.limits(vn(2025, 10, 8)).reschedule_refusal or "")


# --------------------------------------------------------------------------- pauses


def test_a_pause_over_tet_gives_back_only_office_hours() -> None:
    d = dossier("BQP-CS-01", vn(2026, 2, 12, 10))  # due Mon 9 Mar 2026
    d.act("request_supplement", vn(2026, 2, 13, 9))
    paused = d.read(vn(2026, 2, 20, 9))  # Fri 20 Feb, still Tết: Fri 13 09:00–17:00 given back
    assert paused.paused
    assert local(paused.legal_due) == vn(2026, 3, 10, 17)
    d.act("supplement", vn(2026, 2, 23, 9))  # Fri 13 Feb 6h + Mon 23 Feb 07:00–09:00 2h
    reading = d.read(vn(2026, 2, 23, 9))
    assert not reading.paused
    assert local(reading.legal_due) == vn(2026, 3, 10, 17)
    assert reading.paused_for == vn(2026, 2, 23, 9) - vn(2026, 2, 13, 9)
    assert d.timeline.pauses[0].start == vn(2026, 2, 13, 9)


def test_an_open_pause_moves_the_due_date_as_time_passes() -> None:
    d = dossier("BQP-CS-01", vn(2025, 10, 6, 10))  # Mon; due Wed 22 Oct 2025
    assert local(d.read(vn(2025, 10, 6, 10)).legal_due) == vn(2025, 10, 22, 17)
    d.act("request_supplement", vn(2025, 10, 6, 11))
    dues = [d.read(vn(2025, 10, day, 11)).legal_due for day in (6, 7, 8, 13)]
    assert dues == sorted(dues)
    assert local(dues[-1]) == vn(2025, 10, 29, 17)  # 40h (a working week) paused: a week later
    assert local(d.read(vn(2025, 10, 13, 11, 30)).legal_due) == vn(2025, 10, 30, 17)


def test_fixed_dates_are_not_moved_by_pauses() -> None:
    d = dossier("BQP-TSQS-01", vn(2026, 3, 25, 10), case="civilian")
    d.act("request_supplement", vn(2026, 3, 26, 10))
    d.act("supplement", vn(2026, 4, 20, 10))
    assert local(d.read(vn(2026, 4, 20, 10)).legal_due) == vn(2026, 6, 25, 17)


# --------------------------------------------------------------------------- extensions


def test_an_extension_moves_the_legal_due_date_once() -> None:
    d = dossier("BQP-KN-01", vn(2025, 7, 28, 9), case="standard")
    d.act("accept", vn(2025, 8, 1, 10))  # due Wed 3 Sep 2025
    d.act("extend", vn(2025, 9, 1, 9))  # 15 days from 3 Sep: Thu 18 Sep
    reading = d.read(vn(2025, 9, 1, 9))
    assert local(reading.legal_due) == vn(2025, 9, 18, 17)
    assert reading.extensions == 1
    [option] = [o for o in d.available(vn(2025, 9, 2, 9)) if o.action == "extend"]
    assert option.denial is not None
    assert option.denial.code is DenialCode.EXTENSION_LIMIT
    assert "extends.times: 1" in option.denial.message
    with pytest.raises(ActionNotAllowedError) as caught:
        d.act("extend", vn(2025, 9, 2, 9))
    assert caught.value.reason.code is DenialCode.EXTENSION_LIMIT
    # The clock refuses it too, even if a caller skipped the machine's check.
    transition = StateMachine(d.case).apply(
        "verification", "extend", d.actor, {}, {"reason": "phức tạp"}
    )
    with pytest.raises(ExtensionLimitError, match="already extended the deadline 1 time") as err:
        d.timeline.record(transition, at=vn(2025, 9, 2, 9))
    assert (err.value.action, err.value.times) == ("extend", 1)


def test_extensions_are_counted_per_action_up_to_times() -> None:
    case = make_case(
        {
            "id": "review",
            "role": "officer",
            "actions": [
                {"id": "extend", "to": "review", "extends": {"by": "2 working days", "times": 2}},
                {"id": "approve", "to": "done"},
            ],
        },
        {"id": "done", "outcome": "approved"},
        deadline="1 working day",
    )
    d = dossier(case, vn(2025, 10, 6, 10))  # Mon; due Tue 7 Oct
    d.act("extend", vn(2025, 10, 6, 11))
    d.act("extend", vn(2025, 10, 6, 12))
    assert local(d.read(vn(2025, 10, 6, 12)).legal_due) == vn(2025, 10, 13, 17)  # Tue + 4 wd
    assert d.timeline.limits(vn(2025, 10, 6, 12)).extensions == {"extend": 2}
    assert not next(o for o in d.available(None) if o.action == "extend").allowed


# --------------------------------------------------------------------------- apology


def to_province_review(d: Dossier) -> None:
    for action, day in (("accept", 13), ("propose", 24), ("transfer", 26), ("accept", 27)):
        d.act(action, vn(2026, 2, day, 9))


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (vn(2026, 3, 5, 10), True),  # Thu: well before the appointment of Mon 9 Mar
        (vn(2026, 3, 6, 16), True),  # Fri 6 Mar: the last working day before it
        (vn(2026, 3, 7, 10), False),  # Sat: less than one working day left
        (vn(2026, 3, 9, 10), False),  # the appointment date itself
        (vn(2026, 3, 10, 8), True),  # the dossier is late: apologise and give a new date
    ],
)
def test_apology_is_allowed_a_working_day_ahead_or_once_late(now: datetime, allowed: bool) -> None:
    d = dossier("BQP-CS-01", vn(2026, 2, 12, 10))
    to_province_review(d)
    [option] = [o for o in d.available(now) if o.action == "apologise"]
    assert option.allowed is allowed
    if not allowed:
        assert option.denial is not None
        assert option.denial.code is DenialCode.RESCHEDULE_NOT_ALLOWED
        assert "by 06/03/2026" in option.denial.message


def test_an_apology_sets_the_appointment_and_keeps_the_legal_date() -> None:
    d = dossier("BQP-CS-01", vn(2026, 2, 12, 10))
    to_province_review(d)
    entered = d.timeline.entered_at
    d.act("apologise", vn(2026, 3, 5, 10), new_appointment=date(2026, 3, 16))
    reading = d.read(vn(2026, 3, 10, 9))
    assert local(reading.appointment) == vn(2026, 3, 16, 17)
    assert local(reading.legal_due) == vn(2026, 3, 9, 17)
    assert reading.status is LiveStatus.ON_TRACK  # against the new appointment
    assert d.timeline.entered_at == entered  # a self-loop does not restart the step's budget
    d.act("propose", vn(2026, 3, 11, 9))
    d.act("approve", vn(2026, 3, 12, 9))
    done = d.read(vn(2026, 3, 20))
    assert done.completed_at == vn(2026, 3, 12, 9)
    assert done.timeliness is Timeliness.EARLY  # before the appointment given in form 04
    assert done.legal_timeliness is Timeliness.LATE  # after the legal date: the indicator
    assert done.status is None


def test_the_new_appointment_must_be_later() -> None:
    d = dossier("BQP-CS-01", vn(2026, 2, 12, 10))
    to_province_review(d)
    with pytest.raises(ActionNotAllowedError) as caught:
        d.act("apologise", vn(2026, 3, 5, 10), new_appointment="2026-03-09")
    assert caught.value.reason.code is DenialCode.INVALID_INPUT
    assert caught.value.reason.problems[0].input == "new_appointment"
    assert "after the current one, 09/03/2026" in str(caught.value)
    unchecked = d.machine.apply(
        d.step, "apologise", d.actor, {}, {"reason": "quá tải", "new_appointment": "2026-03-09"}
    )
    with pytest.raises(RescheduleError, match="after the current one, 09/03/2026"):
        d.timeline.record(unchecked, at=vn(2026, 3, 5, 10))
    with pytest.raises(RescheduleError, match="must be sent by 06/03/2026"):
        d.timeline.record(unchecked, at=vn(2026, 3, 9, 10))
    garbled = replace(unchecked, inputs={"reason": "quá tải", "new_appointment": "mai"})
    with pytest.raises(RescheduleError, match="'new_appointment' is not a date"):
        d.timeline.record(garbled, at=vn(2026, 3, 5, 10))


def test_pauses_after_an_apology_move_the_new_appointment() -> None:
    d = dossier("BQP-CS-01", vn(2026, 2, 12, 10))
    to_province_review(d)
    d.act("apologise", vn(2026, 3, 5, 10), new_appointment=date(2026, 3, 16))
    d.act("request_supplement", vn(2026, 3, 6, 9))  # paused Fri 09:00 – Mon 09:00: 8h
    d.act("supplement", vn(2026, 3, 9, 9))
    reading = d.read(vn(2026, 3, 9, 9))
    assert local(reading.appointment) == vn(2026, 3, 17, 17)
    assert local(reading.legal_due) == vn(2026, 3, 10, 17)


# --------------------------------------------------------------------------- completion, status


@pytest.mark.parametrize(
    ("done_at", "timeliness"),
    [
        (vn(2025, 1, 24, 16, 30), Timeliness.EARLY),
        (vn(2025, 2, 3, 23, 0), Timeliness.ON_TIME),  # the appointment date, even at 23:00
        (vn(2025, 2, 4, 8, 0), Timeliness.LATE),
    ],
)
def test_classification_compares_dates(done_at: datetime, timeliness: Timeliness) -> None:
    d = dossier("BQP-NVQS-01", vn(2025, 1, 24, 16))  # due Mon 3 Feb 2025, after Tết
    d.act("accept", done_at - timedelta(minutes=3))
    d.act("submit", done_at - timedelta(minutes=2))
    d.act("approve", done_at)
    reading = d.read(done_at + timedelta(days=30))
    assert reading.completed_at == done_at
    assert reading.timeliness is reading.legal_timeliness is timeliness
    d.act("hand_over", done_at + timedelta(days=1))  # returning the result is not counted
    assert d.read(done_at + timedelta(days=30)).completed_at == done_at
    assert d.timeline.outcome == "approved"


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (vn(2026, 3, 5, 10), LiveStatus.ON_TRACK),
        (vn(2026, 3, 9, 9), LiveStatus.DUE_SOON),
        (vn(2026, 3, 9, 23), LiveStatus.DUE_SOON),  # still the appointment date
        (vn(2026, 3, 10, 0, 1), LiveStatus.OVERDUE),
    ],
)
def test_live_status(now: datetime, status: LiveStatus) -> None:
    assert dossier("BQP-CS-01", vn(2026, 2, 12, 10)).read(now).status is status


def test_sending_a_result_back_reopens_the_dossier() -> None:
    case = make_case(
        {"id": "review", "role": "officer", "actions": [{"id": "approve", "to": "ready"}]},
        {
            "id": "ready",
            "role": "officer",
            "completes": True,
            "actions": [{"id": "reopen", "to": "review"}, {"id": "hand", "to": "done"}],
        },
        {"id": "done", "outcome": "approved"},
        deadline="2 working days",
    )
    d = dossier(case, vn(2025, 10, 6, 10))
    d.act("approve", vn(2025, 10, 6, 11))
    assert d.read(vn(2025, 10, 6, 12)).completed_at == vn(2025, 10, 6, 11)
    d.act("reopen", vn(2025, 10, 8, 9))  # due Wed 8 Oct 2025
    reading = d.read(vn(2025, 10, 8, 9))
    assert (reading.completed_at, reading.status) == (None, LiveStatus.DUE_SOON)
    d.act("approve", vn(2025, 10, 9, 9))
    assert d.read(vn(2025, 10, 9, 9)).timeliness is Timeliness.LATE


# --------------------------------------------------------------------------- applicant deadlines


@pytest.mark.parametrize(
    ("code", "received", "path", "due"),
    [
        # 3 months from 2 Jun 2025 is Tue 2 Sep, a holiday: Wed 3 Sep 2025.
        ("BQP-CS-01", vn(2025, 6, 2, 9), ["request_supplement"], vn(2025, 9, 3, 17)),
        # Before the flight of Wed 3 Sep 2025: the last working day before it, Fri 29 Aug.
        (
            "BQP-UAV-01",
            vn(2025, 8, 18, 9),
            ["accept", "assign", "request_supplement"],
            vn(2025, 8, 29, 17),
        ),
        # Registration closes on 20/05 (QĐ 6225/QĐ-BQP): Wed 20 May 2026.
        ("BQP-TSQS-01", vn(2026, 5, 4, 9), ["request_supplement"], vn(2026, 5, 20, 17)),
    ],
)
def test_a_supplement_not_given_in_time_stops_the_dossier(
    code: str, received: datetime, path: list[str], due: datetime
) -> None:
    d = dossier(code, received, data=UAV_DATA)
    for minutes, action in enumerate(path, start=1):
        d.act(action, received + timedelta(minutes=minutes))
    assert local(d.read(received + timedelta(hours=1)).step_due) == due
    assert d.timeline.expiry(due) is None
    limits = d.timeline.limits(due + timedelta(minutes=1))
    assert limits.expired is not None
    assert "moves to 'stopped'" in limits.expired
    [supplement] = [o for o in d.available(due + timedelta(minutes=1)) if o.action == "supplement"]
    assert supplement.denial is not None
    assert supplement.denial.code is DenialCode.STEP_EXPIRED
    expiry = d.timeline.expiry(due + timedelta(days=3))
    assert expiry == Expiry("awaiting_supplement", "stopped", due_at=due, at=due)
    transition = d.expire(due + timedelta(days=3))
    assert transition.automatic
    assert (d.step, d.timeline.outcome, d.timeline.completed_at) == ("stopped", "stopped", due)
    assert d.timeline.expiry(due + timedelta(days=300)) is None


def test_a_step_entered_after_its_deadline_expires_at_once() -> None:
    # The supplement is asked for on Fri 29 Aug 2025 at 17:30, after the last working day
    # before the flight of Wed 3 Sep had closed: the request is moot at once.
    d = dossier("BQP-UAV-01", vn(2025, 8, 28, 9), data=UAV_DATA)
    for minutes, action in enumerate(("accept", "assign"), start=1):
        d.act(action, vn(2025, 8, 28, 9, minutes))
    d.act("request_supplement", vn(2025, 8, 29, 17, 30))
    expiry = d.timeline.expiry(vn(2025, 8, 29, 17, 31))
    assert expiry is not None
    assert (expiry.due_at, expiry.at) == (vn(2025, 8, 29, 17), vn(2025, 8, 29, 17, 30))
    d.expire(vn(2025, 8, 29, 17, 31))
    assert d.timeline.last_at == vn(2025, 8, 29, 17, 30)
    assert d.step == "stopped"


def test_due_expiries_lists_the_expired_steps_earliest_first() -> None:
    early = dossier("BQP-CS-01", vn(2025, 6, 2, 9))
    early.act("request_supplement", vn(2025, 6, 2, 10))  # expires Wed 3 Sep 2025
    later = dossier("BQP-CS-01", vn(2025, 6, 5, 9))
    later.act("request_supplement", vn(2025, 6, 5, 10))  # expires Fri 5 Sep 2025
    running = dossier("BQP-CS-01", vn(2025, 6, 2, 9))
    timelines = {"B": later.timeline, "A": early.timeline, "C": running.timeline}
    due = vn(2025, 9, 3, 17)
    assert due_expiries(timelines, vn(2025, 9, 4)) == [
        ("A", Expiry("awaiting_supplement", "stopped", due_at=due, at=due))
    ]
    assert [key for key, _ in due_expiries(timelines, vn(2025, 9, 6))] == ["A", "B"]


# --------------------------------------------------------------------------- recording


def test_replay_rebuilds_the_same_timeline() -> None:
    d = dossier("BQP-CS-01", vn(2026, 2, 12, 10), channel="online")
    to_province_review(d)
    d.act("apologise", vn(2026, 3, 5, 10), new_appointment=date(2026, 3, 16))
    d.act("request_supplement", vn(2026, 3, 6, 9))
    clock = CaseDeadlines(d.case)
    rebuilt = clock.replay(
        vn(2026, 2, 12, 10),
        [HistoryEntry(at, t) for at, t in d.history],
        channel="online",
    )
    assert rebuilt == d.timeline
    assert rebuilt.read(vn(2026, 3, 20)) == d.read(vn(2026, 3, 20))
    assert repr(clock) == "<CaseDeadlines default: deadline 12 working days>"


def test_record_refuses_what_cannot_have_happened() -> None:
    d = dossier("BQP-NVQS-01", vn(2025, 10, 6, 10))
    accept = d.act("accept", vn(2025, 10, 6, 11))
    with pytest.raises(TimelineError, match="recorded in order"):
        d.timeline.record(d.machine.apply("review", "submit", d.actor, {}), at=vn(2025, 10, 6))
    with pytest.raises(
        TimelineError, match="from step 'reception', but this one is in step 'review'"
    ):
        d.timeline.record(accept, at=vn(2025, 10, 6, 12))
    d.act("withdraw", vn(2025, 10, 6, 12))
    with pytest.raises(TimelineError, match="has ended in step 'withdrawn'"):
        d.timeline.record(accept, at=vn(2025, 10, 6, 13))
    wrong = d.machine.apply("review", "submit", d.actor, {})
    other = CaseDeadlines(make_case({"id": "review", "role": "officer"}))
    with pytest.raises(UnknownStepError, match="unknown step 'signing'"):
        other.start(vn(2025, 10, 6)).record(wrong, at=vn(2025, 10, 6, 1))
    assert issubclass(TimelineError, WorkflowError)
    assert issubclass(RescheduleError, TimelineError)
    assert issubclass(ExtensionLimitError, ValueError)


def test_record_and_read_refuse_naive_times() -> None:
    d = dossier("BQP-NVQS-01", vn(2025, 10, 6, 10))
    with pytest.raises(ConfigurationError, match="must be timezone-aware"):
        d.read(datetime(2025, 10, 6, 12))
    with pytest.raises(ConfigurationError, match="received_at must be timezone-aware"):
        d.clock.start(datetime(2025, 10, 6, 12))


def test_reading_before_the_last_event_reads_as_of_it() -> None:
    d = dossier("BQP-NVQS-01", vn(2025, 10, 6, 10))
    d.act("accept", vn(2025, 10, 6, 11))
    assert d.read(vn(2025, 10, 1)).at == vn(2025, 10, 6, 11)


def test_a_reschedule_without_a_new_date_is_not_a_workflow() -> None:
    case = make_case(
        {
            "id": "review",
            "role": "officer",
            "actions": [{"id": "sorry", "to": "review", "reschedules": True}],
        }
    )
    with pytest.raises(WorkflowError, match=re.escape("reschedules but does not require")):
        StateMachine(case)
