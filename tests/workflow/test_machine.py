"""Tests for procgen.workflow.machine: allowed actions and why not, transitions, timed moves."""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import procgen
import procgen.workflow.machine as machine_module
from procgen.errors import ProcgenError
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import (
    Action,
    ClockMode,
    Field,
    NationalStatus,
    Outcome,
    ResolvedCase,
    Step,
)
from procgen.spec.text import Text
from procgen.workflow import (
    EXPIRY_ACTION,
    SYSTEM,
    ActionNotAllowedError,
    ActionOption,
    Actor,
    BasicInputValidator,
    ClockLimits,
    DenialCode,
    InputProblem,
    InvalidWorkflowError,
    StateMachine,
    TransitionEvent,
    UnknownStepError,
    WorkflowError,
)
from tests.conftest import definition_files

OFFICER = Actor(frozenset({"officer"}), user_id="officer-1")
CHIEF = Actor(frozenset({"officer", "chief"}))
APPLICANT = Actor(frozenset({"applicant"}), user_id="citizen-1")
NOBODY = Actor(frozenset())

DECISION = {"decision_number": "12/QĐ-UBND", "decision_date": "2025-07-01"}


# --------------------------------------------------------------------------- the factory


def make_case(*steps: Step | Mapping[str, Any], case_id: str = "default") -> ResolvedCase:
    """A resolved case with ``steps`` (models or dicts as a spec would write them)."""
    return ResolvedCase(
        id=case_id,
        name=Text(vi="Thử nghiệm", en="Trial"),
        when=None,
        deadline=None,
        fee=0,
        channels={},
        documents=(),
        lead_times=(),
        steps=tuple(s if isinstance(s, Step) else Step.model_validate(s) for s in steps),
    )


def demo_steps() -> list[dict[str, Any]]:
    """Review, a supplement loop with a deadline on the applicant, and three endings."""
    return [
        {
            "id": "review",
            "role": "officer",
            "status": 4,
            "actions": [
                {
                    "id": "approve",
                    "to": "done",
                    "when": "amount < 100",
                    "requires": ["decision_number", "decision_date"],
                },
                {"id": "refuse", "to": "refused", "requires": ["reason"]},
                {"id": "ask", "to": "waiting", "requires": ["reason", "note"]},
                {
                    "id": "escalate",
                    "to": "review",
                    "role": "chief",
                    "when": "input.urgent && 'officer' in roles",
                    "inputs": [
                        {"id": "urgent", "type": "boolean", "label": "Khẩn", "required": True}
                    ],
                },
                {"id": "adult_only", "to": "done", "when": "age >= 18"},
                {
                    "id": "postpone",
                    "to": "review",
                    "requires": ["new_appointment"],
                    "reschedules": True,
                    "extends": {"by": "10 working days"},
                },
                {"id": "timely", "to": "done", "when": "today < deadline_date"},
            ],
        },
        {
            "id": "waiting",
            "role": "applicant",
            "clock": "paused",
            "status": 5,
            "deadline": "30 days",
            "on_expiry": "stopped",
            "actions": [{"id": "supplement", "to": "review"}],
        },
        {"id": "done", "outcome": "approved", "status": 10},
        {"id": "refused", "outcome": "refused"},
        {"id": "stopped", "outcome": "stopped", "status": 8},
    ]


@pytest.fixture
def machine() -> StateMachine:
    return StateMachine(make_case(*demo_steps()))


def options(
    m: StateMachine, step: str, actor: Actor, data: Mapping[str, Any], **kw: Any
) -> dict[str, ActionOption]:
    return {o.action: o for o in m.available(step, actor, data, **kw)}


# --------------------------------------------------------------------------- construction


def test_first_step_is_initial_and_repr_says_what_it_is(machine: StateMachine) -> None:
    assert machine.initial == "review"
    assert list(machine.steps) == ["review", "waiting", "done", "refused", "stopped"]
    assert repr(machine) == "<StateMachine default: 5 steps, initial review, 3 final>"


def test_module_docstring_example_runs() -> None:
    result = doctest.testmod(machine_module)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], "it has no steps"),
        ([{"id": "a", "role": "r"}, {"id": "a", "role": "r"}], "step 'a' is declared twice"),
        (
            [
                {"id": "a", "role": "r", "actions": [{"id": "go", "to": "dnoe"}]},
                {"id": "done", "outcome": "approved"},
            ],
            "leads to unknown step 'dnoe' (did you mean 'done'?)",
        ),
        (
            [{"id": "a", "actions": [{"id": "go", "to": "a"}]}],
            "has no role: set role on the action or on its step",
        ),
        (
            [
                {
                    "id": "a",
                    "role": "r",
                    "actions": [{"id": "go", "to": "a", "requires": ["raeson"]}],
                }
            ],
            "requires unknown input 'raeson' (did you mean 'reason'?)",
        ),
        (
            [
                {
                    "id": "a",
                    "role": "r",
                    "actions": [{"id": "go", "to": "a"}, {"id": "go", "to": "a"}],
                }
            ],
            "action 'go': declared twice in the step",
        ),
        (
            [
                {
                    "id": "a",
                    "role": "r",
                    "actions": [
                        {
                            "id": "go",
                            "to": "a",
                            "requires": ["note"],
                            "inputs": [{"id": "note", "label": "x"}],
                        }
                    ],
                }
            ],
            "input 'note' is declared twice",
        ),
        (
            [{"id": "a", "role": "r", "actions": [{"id": "go", "to": "a", "when": "x >"}]}],
            "guard does not compile",
        ),
        (
            [{"id": "a", "role": "r", "on_expiry": "nowhere"}],
            "on_expiry names unknown step 'nowhere'",
        ),
        (
            [
                {"id": "a", "role": "r", "actions": [{"id": "go", "to": "z"}]},
                {"id": "z", "outcome": "approved", "actions": [{"id": "again", "to": "a"}]},
            ],
            "step 'z' is final (outcome approved) but has actions",
        ),
    ],
)
def test_invalid_workflows_are_refused_naming_the_problem(
    steps: list[dict[str, Any]], expected: str
) -> None:
    with pytest.raises(InvalidWorkflowError) as caught:
        StateMachine(make_case(*steps, case_id="broken"))
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    assert "case 'broken' has an invalid workflow" in str(caught.value)


def test_every_problem_is_listed_at_once() -> None:
    steps = [{"id": "a", "actions": [{"id": "go", "to": "b", "requires": ["x"], "when": "("}]}]
    with pytest.raises(InvalidWorkflowError) as caught:
        StateMachine(make_case(*steps))
    assert len(caught.value.problems) == 4


def test_errors_belong_to_procgen_and_to_value_error() -> None:
    for error in (WorkflowError, InvalidWorkflowError, UnknownStepError, ActionNotAllowedError):
        assert issubclass(error, ProcgenError)
        assert issubclass(error, ValueError)


def test_unknown_step_suggests_a_name(machine: StateMachine) -> None:
    with pytest.raises(
        UnknownStepError, match=r"unknown step 'reveiw' \(did you mean 'review'\?\)"
    ):
        machine.available("reveiw", OFFICER, {})
    with pytest.raises(UnknownStepError):
        machine.apply("nowhere", "approve", OFFICER, {})


# --------------------------------------------------------------------------- available


def test_available_lists_every_action_in_order_with_its_verdict(machine: StateMachine) -> None:
    found = machine.available("review", OFFICER, {"amount": 50, "age": 30})
    assert [o.action for o in found] == [
        "approve",
        "refuse",
        "ask",
        "escalate",
        "adult_only",
        "postpone",
        "timely",
    ]
    verdict = {o.action: o.allowed for o in found}
    assert verdict == {
        "approve": True,
        "refuse": True,
        "ask": True,
        "escalate": False,
        "adult_only": True,
        "postpone": True,
        "timely": False,
    }


def test_an_option_names_its_target_role_and_inputs(machine: StateMachine) -> None:
    option = options(machine, "review", OFFICER, {})["ask"]
    assert option.target == "waiting"
    assert option.role == "officer"
    assert [f.id for f in option.inputs] == ["reason", "note"]
    assert option.inputs[0] is BUILTIN_INPUTS["reason"]


def test_wrong_role_is_denied_with_the_role_needed(machine: StateMachine) -> None:
    option = options(machine, "review", APPLICANT, {"amount": 1})["approve"]
    assert not option.allowed
    assert option.denial is not None
    assert option.denial.code is DenialCode.WRONG_ROLE
    assert "for role 'officer'" in option.denial.message
    assert "applicant" in option.denial.message


def test_the_action_role_overrides_the_step_role(machine: StateMachine) -> None:
    escalate = options(machine, "review", OFFICER, {})["escalate"]
    assert escalate.role == "chief"
    assert escalate.denial is not None
    assert escalate.denial.code is DenialCode.WRONG_ROLE
    assert options(machine, "review", CHIEF, {})["escalate"].allowed


def test_an_actor_without_roles_may_do_nothing(machine: StateMachine) -> None:
    denials = {o.denial.code for o in machine.available("review", NOBODY, {}) if o.denial}
    assert denials == {DenialCode.WRONG_ROLE}


@pytest.mark.parametrize(
    ("data", "allowed", "code"),
    [
        ({"amount": 99}, True, None),
        ({"amount": 100}, False, DenialCode.GUARD_FALSE),
        ({"amount": None}, False, DenialCode.GUARD_ERROR),
        ({}, False, DenialCode.GUARD_ERROR),
        ({"amount": "lots"}, False, DenialCode.GUARD_ERROR),
    ],
)
def test_guards(
    machine: StateMachine, data: dict[str, Any], allowed: bool, code: DenialCode | None
) -> None:
    option = options(machine, "review", OFFICER, data)["approve"]
    assert option.allowed is allowed
    assert (option.denial.code if option.denial else None) == code


def test_a_false_guard_quotes_the_condition(machine: StateMachine) -> None:
    option = options(machine, "review", OFFICER, {"amount": 500})["approve"]
    assert option.denial is not None
    assert option.denial.message == "'amount < 100' is false"


def test_a_missing_field_is_null_to_a_guard() -> None:
    case = make_case(
        {"id": "a", "role": "r", "actions": [{"id": "go", "to": "a", "when": "nickname == null"}]}
    )
    m = StateMachine(case)
    assert options(m, "a", Actor(frozenset({"r"})), {})["go"].allowed
    assert not options(m, "a", Actor(frozenset({"r"})), {"nickname": "Tí"})["go"].allowed


def test_today_is_defined_only_when_given(machine: StateMachine) -> None:
    data = {"deadline_date": dt.date(2025, 7, 10)}
    without = options(machine, "review", OFFICER, data)["timely"]
    assert without.denial is not None
    assert without.denial.code is DenialCode.GUARD_ERROR
    assert "today" in without.denial.message
    early = options(machine, "review", OFFICER, data, today=dt.date(2025, 7, 1))["timely"]
    late = options(machine, "review", OFFICER, data, today=dt.date(2025, 7, 20))["timely"]
    assert early.allowed
    assert not late.allowed


def test_now_is_available_to_guards() -> None:
    case = make_case(
        {"id": "a", "role": "r", "actions": [{"id": "go", "to": "a", "when": "now > opened"}]}
    )
    m, actor = StateMachine(case), Actor(frozenset({"r"}))
    opened = dt.datetime(2025, 7, 1, 8, tzinfo=dt.UTC)
    now = dt.datetime(2025, 7, 1, 9, tzinfo=dt.UTC)
    assert options(m, "a", actor, {"opened": opened}, now=now)["go"].allowed


def test_machine_names_win_over_dossier_fields() -> None:
    case = make_case(
        {"id": "a", "role": "r", "actions": [{"id": "go", "to": "a", "when": "'r' in roles"}]}
    )
    m = StateMachine(case)
    assert options(m, "a", Actor(frozenset({"r"})), {"roles": []})["go"].allowed


def test_a_guard_reading_input_is_pending_until_inputs_are_given(machine: StateMachine) -> None:
    pending = options(machine, "review", CHIEF, {})["escalate"]
    assert pending.allowed
    assert pending.guard_pending
    refused = options(machine, "review", CHIEF, {}, inputs={"urgent": False})["escalate"]
    assert refused.denial is not None
    assert refused.denial.code is DenialCode.GUARD_FALSE
    assert not refused.guard_pending
    assert machine.apply("review", "escalate", CHIEF, {}, {"urgent": True}).to_step == "review"
    with pytest.raises(ActionNotAllowedError) as caught:
        machine.apply("review", "escalate", CHIEF, {}, {"urgent": False})
    assert caught.value.reason.code is DenialCode.GUARD_FALSE


# --------------------------------------------------------------------------- inputs


def test_missing_inputs_are_denied_listing_each(machine: StateMachine) -> None:
    with pytest.raises(ActionNotAllowedError) as caught:
        machine.apply("review", "approve", OFFICER, {"amount": 1}, {"decision_number": "  "})
    reason = caught.value.reason
    assert reason.code is DenialCode.MISSING_INPUT
    assert reason.problems == (
        InputProblem("decision_number", "missing", "decision_number is required"),
        InputProblem("decision_date", "missing", "decision_date is required"),
    )


def test_missing_inputs_are_reported_by_available_when_inputs_are_given(
    machine: StateMachine,
) -> None:
    option = options(machine, "review", OFFICER, {}, inputs={})["refuse"]
    assert option.denial is not None
    assert option.denial.code is DenialCode.MISSING_INPUT
    assert options(machine, "review", OFFICER, {})["refuse"].allowed  # inputs not checked


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({**DECISION, "decision_date": "1/7/2025"}, "decision_date: Invalid isoformat"),
        ({**DECISION, "decision_date": 20250701}, "must be a date such as 2025-07-01"),
        ({**DECISION, "decision_number": 12}, "decision_number: must be text (got 12 that is"),
        ({**DECISION, "decison": "x"}, "unexpected input 'decison'"),
    ],
)
def test_invalid_inputs_are_denied(
    machine: StateMachine, inputs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ActionNotAllowedError) as caught:
        machine.apply("review", "approve", OFFICER, {"amount": 1}, inputs)
    assert caught.value.reason.code is DenialCode.INVALID_INPUT
    assert message in caught.value.reason.message


def test_missing_wins_over_invalid_when_both_occur(machine: StateMachine) -> None:
    inputs = {"decision_number": 5}
    with pytest.raises(ActionNotAllowedError) as caught:
        machine.apply("review", "approve", OFFICER, {"amount": 1}, inputs)
    assert caught.value.reason.code is DenialCode.MISSING_INPUT
    assert {p.code for p in caught.value.reason.problems} == {"missing", "invalid"}


def test_inputs_are_cleaned(machine: StateMachine) -> None:
    inputs = {"decision_number": " 12/QĐ-UBND ", "decision_date": "2025-07-01"}
    transition = machine.apply("review", "approve", OFFICER, {"amount": 1}, inputs)
    assert transition.inputs == {
        "decision_number": "12/QĐ-UBND",
        "decision_date": dt.date(2025, 7, 1),
    }
    ask = machine.apply("review", "ask", OFFICER, {}, {"reason": "Thiếu ảnh", "note": ""})
    assert ask.inputs == {"reason": "Thiếu ảnh"}  # an empty optional input is left out
    with pytest.raises(TypeError):
        ask.inputs["reason"] = "changed"  # type: ignore[index]


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ({"type": "text"}, "x", True),
        ({"type": "text"}, ["x"], False),
        ({"type": "date"}, dt.date(2025, 1, 2), True),
        ({"type": "date"}, dt.datetime(2025, 1, 2, tzinfo=dt.UTC), False),
        ({"type": "integer"}, 3, True),
        ({"type": "integer"}, True, False),
        ({"type": "integer"}, "3", False),
        ({"type": "boolean"}, False, True),
        ({"type": "boolean"}, "yes", False),
        ({"type": "choice", "options": ["a", "b"]}, "a", True),
        ({"type": "choice", "options": ["a", "b"]}, "c", False),
        ({"type": "file"}, {"id": "att-1"}, True),
        ({"type": "decimal"}, 1.5, True),
    ],
)
def test_basic_validator_types(field: dict[str, Any], value: Any, ok: bool) -> None:
    spec = Field.model_validate({"id": "x", "label": "X", "required": True, **field})
    cleaned, problems = BasicInputValidator().validate([spec], {"x": value})
    assert (not problems) is ok, problems
    assert ("x" in cleaned) is ok


def test_a_custom_validator_replaces_the_basic_one() -> None:
    class Upper:
        def validate(
            self, fields: Sequence[Field], inputs: Mapping[str, Any]
        ) -> tuple[dict[str, Any], tuple[InputProblem, ...]]:
            if inputs.get("reason") == "bad":
                return {}, (InputProblem("reason", "invalid", "reason: too rude"),)
            return {k: str(v).upper() for k, v in inputs.items()}, ()

    m = StateMachine(make_case(*demo_steps()), validator=Upper())
    assert m.apply("review", "refuse", OFFICER, {}, {"reason": "ok"}).inputs == {"reason": "OK"}
    with pytest.raises(ActionNotAllowedError, match="too rude"):
        m.apply("review", "refuse", OFFICER, {}, {"reason": "bad"})


def test_builtin_inputs_are_fields_with_both_languages() -> None:
    assert list(BUILTIN_INPUTS) == [
        "reason",
        "note",
        "decision_number",
        "decision_date",
        "result_document",
        "new_appointment",
    ]
    assert [f.id for f in BUILTIN_INPUTS.values() if not f.required] == ["note"]
    assert all(f.label.en for f in BUILTIN_INPUTS.values())
    assert BUILTIN_INPUTS["decision_date"].type == "date"
    assert BUILTIN_INPUTS["result_document"].type == "file"


# --------------------------------------------------------------------------- apply


def test_unknown_action_is_denied_with_a_suggestion(machine: StateMachine) -> None:
    with pytest.raises(ActionNotAllowedError) as caught:
        machine.apply("review", "aprove", OFFICER, {"amount": 1}, DECISION)
    error = caught.value
    assert (error.step, error.action) == ("review", "aprove")
    assert error.reason.code is DenialCode.UNKNOWN_ACTION
    assert "(did you mean 'approve'?)" in str(error)


def test_apply_returns_the_transition_to_record(machine: StateMachine) -> None:
    transition = machine.apply("review", "approve", OFFICER, {"amount": 1}, DECISION)
    assert transition.from_step == "review"
    assert transition.to_step == "done"
    assert transition.action == "approve"
    assert transition.actor is OFFICER
    assert transition.role == "officer"
    assert transition.completes
    assert transition.final
    assert transition.outcome is Outcome.APPROVED
    assert transition.status is NationalStatus.DONE
    assert transition.events == (TransitionEvent.COMPLETED, TransitionEvent.CLOSED)
    assert not transition.automatic


def test_a_refusal_ends_and_completes_the_dossier(machine: StateMachine) -> None:
    transition = machine.apply("review", "refuse", OFFICER, {}, {"reason": "Không đủ điều kiện"})
    assert transition.outcome is Outcome.REFUSED
    assert transition.status is None  # the step declares none
    assert transition.completes


def test_the_clock_pauses_and_resumes(machine: StateMachine) -> None:
    paused = machine.apply("review", "ask", OFFICER, {}, {"reason": "Thiếu ảnh"})
    assert (paused.pauses, paused.resumes) == (True, False)
    assert paused.events == (TransitionEvent.CLOCK_PAUSED,)
    assert machine.steps[paused.to_step].clock is ClockMode.PAUSED
    resumed = machine.apply("waiting", "supplement", APPLICANT, {})
    assert (resumed.pauses, resumed.resumes) == (False, True)
    assert resumed.events == (TransitionEvent.CLOCK_RESUMED,)
    assert resumed.actor.user_id == "citizen-1"
    same = machine.apply("review", "escalate", CHIEF, {}, {"urgent": True})
    assert (same.pauses, same.resumes, same.events) == (False, False, ())


def test_extension_and_reschedule_are_reported(machine: StateMachine) -> None:
    transition = machine.apply("review", "postpone", OFFICER, {}, {"new_appointment": "2025-08-01"})
    assert transition.reschedules
    assert transition.extension is not None
    assert str(transition.extension.by) == "10 working days"
    assert transition.events == (
        TransitionEvent.EXTENSION_REQUESTED,
        TransitionEvent.RESCHEDULED,
    )
    assert transition.inputs == {"new_appointment": dt.date(2025, 8, 1)}


def test_leaving_a_completing_step_does_not_complete_again() -> None:
    case = make_case(
        {"id": "work", "role": "r", "actions": [{"id": "finish", "to": "ready"}]},
        {
            "id": "ready",
            "role": "r",
            "completes": True,
            "actions": [{"id": "hand_over", "to": "closed"}, {"id": "again", "to": "ready"}],
        },
        {"id": "closed", "outcome": "approved"},
    )
    m, actor = StateMachine(case), Actor(frozenset({"r"}))
    assert m.apply("work", "finish", actor, {}).completes
    assert not m.apply("ready", "again", actor, {}).completes
    hand_over = m.apply("ready", "hand_over", actor, {})
    assert not hand_over.completes
    assert hand_over.events == (TransitionEvent.CLOSED,)


@pytest.mark.parametrize("step", ["done", "refused", "stopped"])
def test_final_steps_absorb(machine: StateMachine, step: str) -> None:
    assert machine.available(step, CHIEF, {}) == []
    for action in ("approve", "supplement", "anything"):
        with pytest.raises(ActionNotAllowedError) as caught:
            machine.apply(step, action, CHIEF, {})
        assert caught.value.reason.code is DenialCode.FINAL_STEP
    assert machine.expiry(step) is None


# --------------------------------------------------------------------------- timed moves


def test_expiry_names_the_target_step(machine: StateMachine) -> None:
    assert machine.expiry("waiting") == "stopped"
    assert machine.expiry("review") is None


def test_expire_is_a_system_transition(machine: StateMachine) -> None:
    transition = machine.expire("waiting")
    assert transition.action == EXPIRY_ACTION
    assert transition.actor is SYSTEM
    assert transition.role == "system"
    assert transition.automatic
    assert transition.to_step == "stopped"
    assert transition.outcome is Outcome.STOPPED
    assert transition.status is NationalStatus.UNRESOLVED
    assert transition.resumes  # the pause interval closes as the dossier ends
    assert transition.inputs == {}


def test_expire_without_on_expiry_is_refused(machine: StateMachine) -> None:
    with pytest.raises(ActionNotAllowedError) as caught:
        machine.expire("review")
    assert caught.value.action == EXPIRY_ACTION
    assert caught.value.reason.code is DenialCode.UNKNOWN_ACTION


def test_system_actions_need_the_system_role() -> None:
    case = make_case(
        {"id": "a", "role": "r", "actions": [{"id": "auto", "to": "b", "role": "system"}]},
        {"id": "b", "outcome": "approved"},
    )
    m = StateMachine(case)
    assert m.apply("a", "auto", SYSTEM, {}).role == "system"
    with pytest.raises(ActionNotAllowedError):
        m.apply("a", "auto", Actor(frozenset({"r"})), {})


@pytest.mark.parametrize("path", definition_files(), ids=lambda p: p.name)
def test_every_bundled_definition_makes_a_machine(path: Path) -> None:
    for case in procgen.load(path).effective_cases():
        m = StateMachine(case)
        assert m.initial == case.steps[0].id
        for step in m.steps.values():
            found = m.available(step.id, Actor(frozenset({"applicant"})), {})
            assert [o.action for o in found] == [a.id for a in step.actions]
            assert all(o.target in m.steps for o in found)


# --------------------------------------------------------------------------- property


ROLES = ("officer", "applicant")
GUARDS = (None, None, "x > 0", "x == null", "flag")
ACTORS = (OFFICER, APPLICANT, NOBODY, Actor(frozenset(ROLES)), SYSTEM)
DATA: tuple[dict[str, Any], ...] = (
    {},
    {"x": 1},
    {"x": -1, "flag": True},
    {"x": None, "flag": False},
    {"flag": "yes"},
)


@st.composite
def machines(draw: st.DrawFn) -> StateMachine:
    size = draw(st.integers(min_value=1, max_value=6))
    ids = [f"s{i}" for i in range(size)]
    steps = []
    for step_id in ids:
        if draw(st.integers(0, 3)) == 0:
            steps.append(Step(id=step_id, outcome=draw(st.sampled_from(Outcome))))
            continue
        actions = tuple(
            Action(
                id=f"a{index}",
                to=draw(st.sampled_from(ids)),
                role=draw(st.sampled_from((None, *ROLES))),
                when=draw(st.sampled_from(GUARDS)),
            )
            for index in range(draw(st.integers(0, 3)))
        )
        steps.append(
            Step(
                id=step_id,
                role=draw(st.sampled_from(ROLES)),
                clock=draw(st.sampled_from(ClockMode)),
                actions=actions,
            )
        )
    return StateMachine(make_case(*steps))


@settings(database=None, max_examples=150, deadline=None)
@given(
    m=machines(),
    moves=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(ACTORS), st.sampled_from(DATA)),
        max_size=25,
    ),
)
def test_random_walks_stay_in_declared_steps_and_final_steps_absorb(
    m: StateMachine, moves: list[tuple[int, Actor, dict[str, Any]]]
) -> None:
    step = m.initial
    for index, actor, data in moves:
        action = f"a{index}"
        verdicts = {o.action: o for o in m.available(step, actor, data, inputs={})}
        if m.steps[step].final:
            assert verdicts == {}
            with pytest.raises(ActionNotAllowedError) as caught:
                m.apply(step, action, actor, data)
            assert caught.value.reason.code is DenialCode.FINAL_STEP
            continue
        option = verdicts.get(action)
        if option is not None and option.allowed:
            transition = m.apply(step, action, actor, data)
            assert transition.from_step == step
            assert transition.to_step in m.steps
            assert transition.pauses + transition.resumes <= 1
            assert transition.final == m.steps[transition.to_step].final
            step = transition.to_step
        else:
            with pytest.raises(ActionNotAllowedError) as caught:
                m.apply(step, action, actor, data)
            expected = option.denial.code if option and option.denial else DenialCode.UNKNOWN_ACTION
            assert caught.value.reason.code is expected
        assert step in m.steps


# --------------------------------------------------------------------------- the clock's limits


def test_without_limits_the_clock_is_not_consulted(machine: StateMachine) -> None:
    found = options(machine, "review", OFFICER, {"amount": 1})
    assert found["postpone"].allowed


def test_an_extension_beyond_its_times_is_refused(machine: StateMachine) -> None:
    limits = ClockLimits(extensions={"postpone": 1})
    found = options(machine, "review", OFFICER, {"amount": 1}, limits=limits)
    denial = found["postpone"].denial
    assert denial is not None
    assert denial.code is DenialCode.EXTENSION_LIMIT
    assert denial.message == (
        "the deadline has already been extended 1 time by 'postpone', the most allowed "
        "(extends.times: 1)"
    )
    assert found["refuse"].allowed
    with pytest.raises(ActionNotAllowedError, match="already been extended"):
        machine.apply(
            "review", "postpone", OFFICER, {}, {"new_appointment": "2025-08-01"}, limits=limits
        )


def test_an_apology_outside_its_window_is_refused(machine: StateMachine) -> None:
    limits = ClockLimits(reschedule_refusal="too close to the appointment")
    denial = options(machine, "review", OFFICER, {}, limits=limits)["postpone"].denial
    assert denial is not None
    assert (denial.code, denial.message) == (
        DenialCode.RESCHEDULE_NOT_ALLOWED,
        "too close to the appointment",
    )


@pytest.mark.parametrize(
    ("new", "allowed"), [("2025-07-02", True), ("2025-07-01", False), ("2025-06-01", False)]
)
def test_the_new_appointment_must_be_after_the_current_one(
    machine: StateMachine, new: str, allowed: bool
) -> None:
    limits = ClockLimits(appointment=dt.date(2025, 7, 1))
    inputs = {"new_appointment": new}
    option = options(machine, "review", OFFICER, {}, inputs=inputs, limits=limits)["postpone"]
    assert option.allowed is allowed
    if not allowed:
        assert option.denial is not None
        assert option.denial.code is DenialCode.INVALID_INPUT
        [problem] = option.denial.problems
        assert problem.input == "new_appointment"
        assert "after the current one, 01/07/2025" in problem.message


def test_an_expired_step_closes_every_action(machine: StateMachine) -> None:
    limits = ClockLimits(expired="the deadline passed")
    found = options(machine, "waiting", APPLICANT, {}, limits=limits)
    assert found["supplement"].denial is not None
    assert found["supplement"].denial.code is DenialCode.STEP_EXPIRED
    assert machine.expire("waiting").to_step == "stopped"  # the system's move stays possible


def test_the_role_is_checked_before_the_clock(machine: StateMachine) -> None:
    limits = ClockLimits(expired="the deadline passed")
    denial = options(machine, "waiting", OFFICER, {}, limits=limits)["supplement"].denial
    assert denial is not None
    assert denial.code is DenialCode.WRONG_ROLE
