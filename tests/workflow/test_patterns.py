"""Tests for procgen.spec.patterns: the one-stop-shop lifecycle and how a spec extends it."""

from __future__ import annotations

import doctest
from collections.abc import Mapping
from typing import Any

import pytest

import procgen.spec.patterns as patterns_module
from procgen.errors import ProcgenError
from procgen.spec.models import ClockMode, NationalStatus, Outcome, ResolvedCase, Step
from procgen.spec.patterns import ONE_STOP, PATTERNS, Pattern, UnknownPatternError, expand
from procgen.spec.text import Text
from procgen.workflow import Actor, StateMachine, TransitionEvent

RECEPTION = Actor(frozenset({"reception"}))
OFFICER = Actor(frozenset({"officer"}))
PROCESSOR = Actor(frozenset({"processor"}))
APPLICANT = Actor(frozenset({"applicant"}))
DECISION = {
    "decision_number": "7/QĐ",
    "decision_date": "2025-07-01",
    "result_document": "att-1",
}


# --------------------------------------------------------------------------- the factory


def steps(*data: Mapping[str, Any]) -> tuple[Step, ...]:
    """Spec steps from dicts written as in YAML."""
    return tuple(Step.model_validate(d) for d in data)


def review(**extra: Any) -> dict[str, Any]:
    """A typical own processing step: approve to the result, refuse, or ask for more."""
    return {
        "id": "review",
        "role": "officer",
        "actions": [
            {"id": "approve", "to": "result_ready", "requires": ["decision_number"]},
            {"id": "refuse", "to": "refused", "requires": ["reason"]},
            {"id": "ask", "to": "awaiting_supplement", "requires": ["reason"]},
        ],
        **extra,
    }


def one_stop(*data: Mapping[str, Any]) -> dict[str, Step]:
    """The expanded one_stop steps by id (in order)."""
    return {s.id: s for s in expand(steps(*data), "one_stop")}


def machine(*data: Mapping[str, Any]) -> StateMachine:
    case = ResolvedCase(
        id="default",
        name=Text(vi="Thử"),
        when=None,
        deadline=None,
        fee=0,
        channels={},
        documents=(),
        lead_times=(),
        steps=expand(steps(*data), "one_stop"),
    )
    return StateMachine(case)


def action_ids(step: Step) -> list[str]:
    return [a.id for a in step.actions]


def targets(step: Step) -> dict[str, str]:
    return {a.id: a.to for a in step.actions}


# --------------------------------------------------------------------------- the registry


def test_patterns_registry_holds_one_stop() -> None:
    assert dict(PATTERNS) == {"one_stop": ONE_STOP}
    assert isinstance(ONE_STOP, Pattern)
    assert ONE_STOP.entry == "processing"
    assert [r.id for r in ONE_STOP.roles] == ["reception", "processor"]
    with pytest.raises(TypeError):
        PATTERNS["other"] = ONE_STOP  # type: ignore[index]


def test_module_docstring_example_runs() -> None:
    result = doctest.testmod(patterns_module)
    assert result.attempted > 0
    assert result.failed == 0


def test_no_pattern_leaves_steps_alone() -> None:
    own = steps(review())
    assert expand(own, None) is own


def test_unknown_pattern_is_an_error() -> None:
    with pytest.raises(UnknownPatternError, match="unknown pattern 'one-stop'; patterns: one_stop"):
        expand((), "one-stop")
    assert issubclass(UnknownPatternError, ProcgenError)
    assert issubclass(UnknownPatternError, ValueError)


# --------------------------------------------------------------------------- the lifecycle


def test_one_stop_alone_is_a_complete_workflow() -> None:
    expanded = one_stop()
    assert list(expanded) == [
        "received",
        "processing",
        "awaiting_supplement",
        "transferred",
        "result_ready",
        "result_returned",
        "refused",
        "not_accepted",
        "withdrawn",
        "stopped",
    ]
    assert (
        StateMachine(
            ResolvedCase(
                id="x",
                name=Text(vi="x"),
                when=None,
                deadline=None,
                fee=0,
                channels={},
                documents=(),
                lead_times=(),
                steps=tuple(expanded.values()),
            )
        ).initial
        == "received"
    )


@pytest.mark.parametrize(
    ("step", "status", "outcome"),
    [
        ("received", NationalStatus.NEW, None),
        ("processing", NationalStatus.PROCESSING, None),
        ("transferred", NationalStatus.INTEROPERATING, None),
        ("awaiting_supplement", NationalStatus.WAITING, None),
        ("result_ready", NationalStatus.RELEASING, None),
        ("result_returned", NationalStatus.DONE, Outcome.APPROVED),
        ("refused", NationalStatus.DONE, Outcome.REFUSED),
        ("not_accepted", NationalStatus.DENIED, Outcome.NOT_ACCEPTED),
        ("withdrawn", NationalStatus.CANCELLED, Outcome.WITHDRAWN),
        ("stopped", NationalStatus.UNRESOLVED, Outcome.STOPPED),
    ],
)
def test_national_status_codes(step: str, status: NationalStatus, outcome: Outcome | None) -> None:
    expanded = one_stop()[step]
    assert expanded.status is status
    assert expanded.outcome is outcome


def test_every_pattern_step_and_action_is_labelled_in_both_languages() -> None:
    for step in one_stop().values():
        assert step.label is not None
        assert step.label.en
        for action in step.actions:
            assert action.label is not None
            assert action.label.en


@pytest.mark.parametrize("own", [(), (review(),)])
def test_final_steps_have_outcomes_and_others_a_role(own: tuple[dict[str, Any], ...]) -> None:
    for step in one_stop(*own).values():
        assert step.status is not None
        assert step.final == (step.outcome is not None)
        if not step.final:
            assert step.role is not None
            assert step.actions


def test_awaiting_supplement_pauses_with_a_deadline_on_the_applicant() -> None:
    waiting = one_stop()["awaiting_supplement"]
    assert waiting.clock is ClockMode.PAUSED
    assert waiting.role == "applicant"
    assert waiting.deadline is not None
    assert str(waiting.deadline) == "3 months"
    assert waiting.on_expiry == "stopped"


def test_only_result_ready_completes() -> None:
    assert [s.id for s in one_stop().values() if s.completes] == ["result_ready"]


# --------------------------------------------------------------------------- merge rules


def test_own_steps_take_the_processing_slot_and_receive_its_entries() -> None:
    expanded = one_stop(
        review(),
        {"id": "sign", "role": "officer", "actions": [{"id": "signed", "to": "result_ready"}]},
    )
    assert list(expanded)[:3] == ["received", "review", "sign"]
    assert "processing" not in expanded
    assert targets(expanded["received"])["accept"] == "review"


def test_targets_of_processing_follow_the_entry() -> None:
    expanded = one_stop(
        review(
            actions=[
                {"id": "approve", "to": "result_ready"},
                {"id": "transfer", "to": "transferred"},
            ]
        ),
        {
            "id": "recheck",
            "role": "officer",
            "on_expiry": "processing",
            "actions": [{"id": "back", "to": "processing"}],
        },
    )
    assert targets(expanded["transferred"])["receive_back"] == "review"
    assert targets(expanded["recheck"])["back"] == "review"
    assert expanded["recheck"].on_expiry == "review"


def test_overriding_processing_keeps_it_as_the_entry() -> None:
    expanded = one_stop(
        {"id": "processing", "role": "officer"},
        {
            "id": "second_opinion",
            "role": "chief",
            "actions": [{"id": "agree", "to": "result_ready"}],
        },
    )
    assert list(expanded)[:3] == ["received", "processing", "second_opinion"]
    assert targets(expanded["received"])["accept"] == "processing"
    assert expanded["processing"].role == "officer"
    assert "approve" in action_ids(expanded["processing"])


def test_an_override_changes_only_what_it_writes() -> None:
    expanded = one_stop({"id": "awaiting_supplement", "deadline": "6 months"})
    waiting = expanded["awaiting_supplement"]
    assert str(waiting.deadline) == "6 months"
    assert waiting.clock is ClockMode.PAUSED
    assert waiting.on_expiry == "stopped"
    assert waiting.status is NationalStatus.WAITING
    assert action_ids(waiting) == ["supplement", "withdraw"]
    assert list(expanded).index("awaiting_supplement") == 2


def test_override_actions_merge_by_id() -> None:
    expanded = one_stop(
        {
            "id": "received",
            "actions": [
                {"id": "accept", "to": "processing", "when": "fee_paid"},
                {"id": "forward", "to": "transferred"},
            ],
        }
    )
    received = expanded["received"]
    assert action_ids(received) == [
        "accept",
        "request_supplement",
        "not_accept",
        "forward",
        "withdraw",
        "apologise",
    ]
    assert received.actions[0].when == "fee_paid"
    assert received.role == "reception"


def test_an_override_that_makes_a_step_final_drops_its_actions() -> None:
    expanded = one_stop({"id": "result_ready", "outcome": "approved"})
    assert expanded["result_ready"].actions == ()
    assert expanded["result_ready"].final
    assert "result_returned" not in expanded  # nothing leads there any more


def test_own_steps_get_a_status() -> None:
    expanded = one_stop(
        review(actions=[{"id": "ok", "to": "ready"}, {"id": "no", "to": "dismissed"}]),
        {
            "id": "ready",
            "role": "officer",
            "completes": True,
            "actions": [{"id": "give", "to": "result_returned"}],
        },
        {"id": "dismissed", "outcome": "not_accepted"},
        {
            "id": "audit",
            "role": "officer",
            "status": 0,
            "actions": [{"id": "done", "to": "review"}],
        },
    )
    assert expanded["review"].status is NationalStatus.PROCESSING
    assert expanded["ready"].status is NationalStatus.RELEASING
    assert expanded["dismissed"].status is NationalStatus.DENIED
    assert expanded["audit"].status is NationalStatus.INTEROPERATING  # written, kept


def test_withdraw_is_added_before_the_result_only() -> None:
    expanded = one_stop(review())
    with_withdraw = [s.id for s in expanded.values() if "withdraw" in action_ids(s)]
    assert with_withdraw == ["received", "review", "awaiting_supplement"]
    withdraw = next(a for a in expanded["review"].actions if a.id == "withdraw")
    assert (withdraw.to, withdraw.role, withdraw.requires) == (
        "withdrawn",
        "applicant",
        ("reason",),
    )


def test_apology_is_offered_on_officers_running_steps_before_the_result() -> None:
    expanded = one_stop(review())
    with_apology = [s.id for s in expanded.values() if "apologise" in action_ids(s)]
    # Not while awaiting the applicant's supplement (paused, the applicant acts), not after.
    assert with_apology == ["received", "review"]
    apology = next(a for a in expanded["review"].actions if a.id == "apologise")
    assert apology.to == "review"
    assert apology.reschedules
    assert apology.requires == ("reason", "new_appointment")
    assert apology.role is None  # the step's officer


def test_withdraw_reaches_steps_that_a_result_step_loops_back_to() -> None:
    expanded = one_stop(
        review(),
        {"id": "result_ready", "actions": [{"id": "correct", "to": "review"}]},
    )
    assert "withdraw" in action_ids(expanded["review"])
    assert "withdraw" not in action_ids(expanded["result_ready"])


def test_a_spec_withdraw_is_kept() -> None:
    expanded = one_stop(
        review(
            actions=[{"id": "withdraw", "to": "withdrawn", "role": "applicant", "when": "fee == 0"}]
        )
    )
    [withdraw] = [a for a in expanded["review"].actions if a.id == "withdraw"]
    assert withdraw.when == "fee == 0"


def test_unreachable_pattern_steps_are_pruned_but_spec_steps_kept() -> None:
    expanded = one_stop(review(), {"id": "orphan", "role": "officer"})
    assert "transferred" not in expanded  # review never transfers
    assert "orphan" in expanded  # the linter reports it; expand does not hide it
    assert "result_ready" in expanded
    assert "stopped" in expanded  # reached by on_expiry


def test_expand_is_pure_and_deterministic() -> None:
    own = steps(review())
    before = [s.model_dump() for s in own]
    first = expand(own, "one_stop")
    assert expand(own, "one_stop") == first
    assert [s.model_dump() for s in own] == before
    assert ONE_STOP.expand(own) == first


# --------------------------------------------------------------------------- walking it


def test_a_dossier_walks_the_happy_path() -> None:
    m = machine(review())
    accept = m.apply("received", "accept", RECEPTION, {})
    assert accept.status is NationalStatus.PROCESSING
    approve = m.apply("review", "approve", OFFICER, {}, {"decision_number": "7/QĐ"})
    assert approve.completes
    assert approve.status is NationalStatus.RELEASING
    returned = m.apply("result_ready", "return_result", RECEPTION, {})
    assert returned.final
    assert not returned.completes
    assert returned.outcome is Outcome.APPROVED
    assert returned.status is NationalStatus.DONE


def test_the_default_processing_step_approves_with_a_decision() -> None:
    m = machine()
    m.apply("received", "accept", RECEPTION, {})
    assert m.apply("processing", "approve", PROCESSOR, {}, DECISION).to_step == "result_ready"
    transfer = m.apply("processing", "transfer", PROCESSOR, {}, {})
    assert transfer.status is NationalStatus.INTEROPERATING
    assert m.apply("transferred", "receive_back", RECEPTION, {}).to_step == "processing"


def test_a_supplement_pauses_then_returns_to_intake_or_expires() -> None:
    m = machine(review())
    ask = m.apply("review", "ask", OFFICER, {}, {"reason": "Thiếu bản sao CCCD"})
    assert ask.events == (TransitionEvent.CLOCK_PAUSED,)
    back = m.apply("awaiting_supplement", "supplement", APPLICANT, {})
    assert back.to_step == "received"
    assert back.resumes
    expired = m.expire("awaiting_supplement")
    assert expired.outcome is Outcome.STOPPED
    assert expired.status is NationalStatus.UNRESOLVED


def test_the_applicant_withdraws_with_a_reason() -> None:
    m = machine(review())
    withdrawn = m.apply("review", "withdraw", APPLICANT, {}, {"reason": "Không còn nhu cầu"})
    assert withdrawn.outcome is Outcome.WITHDRAWN
    assert withdrawn.status is NationalStatus.CANCELLED
    assert not any(o.action == "withdraw" for o in m.available("result_ready", APPLICANT, {}))
