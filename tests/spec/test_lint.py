"""Tests for :mod:`procgen.spec.lint`: each finding's code, severity, line and column."""

from __future__ import annotations

import copy
import doctest
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from procgen.spec import lint
from procgen.spec.diagnostics import CODES, Diagnostic, Severity
from procgen.spec.lint import lint_spec
from procgen.spec.loader import read_spec

E, W = Severity.ERROR, Severity.WARNING
GRAPH = {"unreachable-step", "no-path-to-final"}

# The line numbers in the comments are what the tests below assert.
BASE = """\
code: TEST-01
name: {vi: Thủ tục thử, en: Trial procedure}
sector: {id: thu-nghiem, name: {vi: Thử nghiệm, en: Trials}}
level: province
agency: {name: {vi: Sở Thử nghiệm, en: Trials Department}}
deadline: 5 working days
roles:
  - {id: officer, label: {vi: Cán bộ, en: Officer}}
fields:
  - id: full_name
    label: {vi: Họ và tên, en: Full name}
  - id: note
    type: textarea
    label: {vi: Ghi chú, en: Note}
    when: "full_name != ''"
documents:
  - id: application
    label: {vi: Đơn đề nghị, en: Application}
steps:
  - id: review
    label: {vi: Thẩm định, en: Review}
    role: officer
    status: 4
    deadline: 3 working days
    actions:
      - id: approve
        label: {vi: Phê duyệt, en: Approve}
        to: approved
      - id: refuse
        label: {vi: Từ chối, en: Refuse}
        to: refused
  - id: approved
    label: {vi: Đã duyệt, en: Approved}
    status: 10
    outcome: approved
  - id: refused
    label: {vi: Bị từ chối, en: Refused}
    status: 3
    outcome: refused
"""
#   line 6: deadline   8: role officer   15: note's when   17: document   20: step review
#   26: action approve   29: action refuse   32: step approved   36: step refused (last line 39)

CASES = """\
cases:
  - id: first
    name: {vi: Thứ nhất, en: First}
  - id: second
    name: {vi: Thứ hai, en: Second}
"""  # appended: lines 40-44

Finding = tuple[str, Severity, int, int]
Make = Callable[..., list[Diagnostic]]


def found(diagnostics: list[Diagnostic]) -> list[Finding]:
    return [(d.code, d.severity, d.line, d.column) for d in diagnostics]


def lint_text(text: str) -> list[Diagnostic]:
    loaded = read_spec(text, "spec.yaml")
    assert loaded.spec is not None, "\n".join(d.format() for d in loaded.diagnostics)
    return lint_spec(loaded.spec, loaded.source)


@pytest.fixture
def make() -> Make:
    """Build the base spec with each ``(old, new)`` edit applied once, and lint it."""

    def build(*edits: tuple[str, str], append: str = "") -> list[Diagnostic]:
        text = BASE
        for old, new in edits:
            assert text.count(old) == 1, f"edit target {old!r} is not unique"
            text = text.replace(old, new)
        return lint_text(text + append)

    return build


# ----------------------------------------------------------------------------- clean


def test_clean_spec_has_no_findings(make: Make) -> None:
    assert make() == []


def test_clean_spec_with_cases_has_no_findings(make: Make) -> None:
    assert make(append=CASES) == []


# ----------------------------------------------------------------------------- the graph

REFUSED_END = "    status: 3\n    outcome: refused\n"


def test_unreachable_step(make: Make) -> None:
    orphan = "  - {id: orphan, role: officer, status: 4, actions: [{id: go, to: approved}]}\n"
    diagnostics = make((REFUSED_END, REFUSED_END + orphan))
    assert found(diagnostics) == [("unreachable-step", E, 40, 5)]
    (only,) = diagnostics
    assert only.loc == ("steps", 3)
    assert "'orphan'" in only.message
    assert only.hint is not None
    assert "to: orphan" in only.hint


def test_step_reached_only_on_expiry_is_reachable(make: Make) -> None:
    expired = "  - {id: expired, status: 8, outcome: stopped}\n"
    diagnostics = make(
        (
            "    deadline: 3 working days\n",
            "    deadline: 3 working days\n    on_expiry: expired\n",
        ),
        (REFUSED_END, REFUSED_END + expired),
    )
    assert diagnostics == []


def test_dead_end_has_no_path_to_final(make: Make) -> None:
    parked = "  - {id: parked, role: officer, status: 5}\n"
    diagnostics = make(
        ("        to: refused\n", "        to: refused\n      - {id: park, to: parked}\n"),
        (REFUSED_END, REFUSED_END + parked),
    )
    assert found(diagnostics) == [("no-path-to-final", E, 41, 5)]
    assert diagnostics[0].loc == ("steps", 3)
    assert diagnostics[0].hint == "add an action leading towards a final step: approved, refused"


def test_cycle_without_exit_reports_each_step(make: Make) -> None:
    loop = (
        "  - {id: ping, role: officer, status: 4, actions: [{id: on, to: pong}]}\n"
        "  - {id: pong, role: officer, status: 4, actions: [{id: back, to: ping}]}\n"
    )
    diagnostics = make(
        ("        to: refused\n", "        to: refused\n      - {id: loop, to: ping}\n"),
        (REFUSED_END, REFUSED_END + loop),
    )
    assert found(diagnostics) == [("no-path-to-final", E, 41, 5), ("no-path-to-final", E, 42, 5)]


def test_no_final_step_at_all() -> None:
    text = (
        BASE.split("  - id: approved\n")[0]
        .replace("to: approved", "to: review")
        .replace("to: refused", "to: review")
    )
    diagnostics = lint_text(text)
    assert found(diagnostics) == [("no-path-to-final", E, 20, 5)]
    assert diagnostics[0].hint == "give a step an 'outcome' to make it final"


# ----------------------------------------------------------------------------- actors


def test_action_without_actor(make: Make) -> None:
    diagnostics = make(
        ("    role: officer\n    status: 4\n", "    status: 4\n"),
        ("        to: approved\n", "        to: approved\n        role: officer\n"),
    )
    assert found(diagnostics) == [("action-without-actor", E, 29, 9)]
    assert diagnostics[0].loc == ("steps", 0, "actions", 1)
    assert "'refuse'" in diagnostics[0].message


def test_a_role_on_the_step_or_the_action_is_enough(make: Make) -> None:
    diagnostics = make(
        ("    role: officer\n    status: 4\n", "    status: 4\n"),
        ("        to: approved\n", "        to: approved\n        role: officer\n"),
        ("        to: refused\n", "        to: refused\n        role: applicant\n"),
    )
    assert diagnostics == []


def test_on_expiry_needs_no_actor(make: Make) -> None:
    expired = "  - {id: expired, status: 8, outcome: stopped}\n"
    waiting = "  - {id: waiting, status: 5, deadline: 2 days, on_expiry: expired}\n"
    diagnostics = make(
        ("        to: refused\n", "        to: refused\n      - {id: wait, to: waiting}\n"),
        (REFUSED_END, REFUSED_END + waiting + expired),
    )
    assert diagnostics == []


# ----------------------------------------------------------------------------- deadlines

REVIEW_DEADLINE = "    deadline: 3 working days\n"


def test_deadline_exceeds_legal(make: Make) -> None:
    diagnostics = make((REVIEW_DEADLINE, "    deadline: 6 working days\n"))
    assert found(diagnostics) == [("deadline-exceeds-legal", W, 6, 11)]
    (only,) = diagnostics
    assert only.loc == ("deadline",)
    assert only.message == (
        "the step deadlines along review (6 working days) → approved add up to "
        "6 working days (48 working hours), more than the legal deadline of 5 working days"
    )


@pytest.mark.parametrize(
    ("review", "legal", "warns"),
    [
        ("5 working days", "5 working days", False),  # equal is within
        ("40 working hours", "5 working days", False),  # 8 working hours a working day
        ("41 working hours", "5 working days", True),
        ("5.5 working days", "44 working hours", False),
        ("5.5 working days", "43 working hours", True),
        ("11 days", "10 days", True),  # calendar days compare with calendar days
        ("10 days", "10 days", False),
        ("11 working days", "10 days", False),  # not comparable: skipped
        ("11 days", "10 working days", False),
        ("25 hours", "1 days", False),  # calendar units compare only like with like
        ("3 months", "2 months", True),
        ("6 working days", "same day", False),  # not a duration: skipped
        ("6 working days", "by 25/06", False),
    ],
)
def test_deadline_units(make: Make, review: str, legal: str, warns: bool) -> None:
    diagnostics = make(
        (REVIEW_DEADLINE, f"    deadline: {review}\n"),
        ("\ndeadline: 5 working days\n", f"\ndeadline: {legal}\n"),
    )
    assert found(diagnostics) == ([("deadline-exceeds-legal", W, 6, 11)] if warns else [])


def test_deadline_takes_the_longest_path_and_mixes_working_units(make: Make) -> None:
    expert = "  - {id: expert, role: officer, status: 4, deadline: 20 working hours, " + (
        "actions: [{id: done, to: approved}]}\n"
    )
    diagnostics = make(
        ("        to: refused\n", "        to: refused\n      - {id: consult, to: expert}\n"),
        (REFUSED_END, REFUSED_END + expert),
    )
    assert found(diagnostics) == [("deadline-exceeds-legal", W, 6, 11)]
    assert "review (3 working days) → expert (20 working hours) → approved" in (
        diagnostics[0].message
    )
    assert "add up to 5.5 working days (44 working hours)" in diagnostics[0].message


def test_budgets_in_other_units_are_left_out_of_the_sum(make: Make) -> None:
    courier = "  - {id: courier, role: officer, status: 4, deadline: 3 days, " + (
        "actions: [{id: deliver, to: approved}]}\n"
    )
    diagnostics = make(
        (REVIEW_DEADLINE, "    deadline: 6 working days\n"),
        ("        to: approved\n", "        to: courier\n"),
        (REFUSED_END, REFUSED_END + courier),
    )
    assert found(diagnostics) == [("deadline-exceeds-legal", W, 6, 11)]
    assert "review (6 working days) → courier → approved add up to 6 working days" in (
        diagnostics[0].message
    )


def test_paused_steps_and_loops_do_not_count(make: Make) -> None:
    waiting = (
        "  - id: waiting\n"
        "    role: applicant\n"
        "    status: 5\n"
        "    clock: paused\n"
        "    deadline: 60 working days\n"
        "    actions: [{id: resubmit, to: review}, {id: give_up, to: refused}]\n"
    )
    diagnostics = make(
        ("        to: refused\n", "        to: refused\n      - {id: ask, to: waiting}\n"),
        (REFUSED_END, REFUSED_END + waiting),
    )
    assert diagnostics == []


def test_a_densely_connected_workflow_is_linted_quickly(make: Make) -> None:
    # Every step leads to every other: too many paths to enumerate, so the search is bounded.
    names = [f"s{i}" for i in range(9)]
    dense = "".join(
        f"  - {{id: {name}, role: officer, status: 4, deadline: 1 working day, actions: ["
        + ", ".join(f"{{id: to_{other}, to: {other}}}" for other in [*names, "approved"])
        + "]}\n"
        for name in names
    )
    diagnostics = make(
        ("      - id: approve\n", "      - {id: dense, to: s0}\n      - id: approve\n"),
        (REFUSED_END, REFUSED_END + dense),
    )
    assert {d.code for d in diagnostics} <= {"deadline-exceeds-legal"}


def test_deadline_of_a_case_points_at_the_case(make: Make) -> None:
    cases = CASES + "    deadline: 2 working days\n"
    diagnostics = make(append=cases)
    assert found(diagnostics) == [("deadline-exceeds-legal", W, 45, 15)]
    assert diagnostics[0].loc == ("cases", 1, "deadline")
    assert diagnostics[0].message.endswith("legal deadline of 2 working days (case 'second')")


def test_inherited_deadline_problem_is_reported_once(make: Make) -> None:
    diagnostics = make((REVIEW_DEADLINE, "    deadline: 6 working days\n"), append=CASES)
    assert found(diagnostics) == [("deadline-exceeds-legal", W, 6, 11)]


# ----------------------------------------------------------------------------- the form

NOTE_WHEN = "    when: \"full_name != ''\"\n"


@pytest.mark.parametrize(
    "condition",
    [
        "false",
        "1 > 2",
        "'a' == 'b'",
        "today < timestamp('2000-01-01T00:00:00Z')",
        "now < today",
    ],
)
def test_field_never_shown(make: Make, condition: str) -> None:
    diagnostics = make((NOTE_WHEN, f'    when: "{condition}"\n'))
    assert found(diagnostics) == [("field-never-shown", W, 15, 11)]
    assert diagnostics[0].loc == ("fields", 1, "when")


@pytest.mark.parametrize(
    "condition",
    ["true", "1 < 2", "today > timestamp('2000-01-01T00:00:00Z')", "full_name == 'x' && false"],
)
def test_field_maybe_shown(make: Make, condition: str) -> None:
    assert make((NOTE_WHEN, f'    when: "{condition}"\n')) == []


def test_nested_and_action_input_fields_are_linted(make: Make) -> None:
    group = (
        "  - id: extra\n"
        "    type: group\n"
        "    label: {vi: Thêm, en: Extra}\n"
        "    fields:\n"
        "      - {id: hidden, label: {vi: Ẩn, en: Hidden}, when: 'false'}\n"
    )
    action_input = (
        "        to: refused\n"
        "        inputs:\n"
        "          - {id: why, label: {vi: Lý do, en: Why}, when: 'false'}\n"
    )
    diagnostics = make(
        ("documents:\n", group + "documents:\n"), ("        to: refused\n", action_input)
    )
    assert found(diagnostics) == [
        ("field-never-shown", W, 20, 57),
        ("field-never-shown", W, 38, 58),
    ]
    assert [d.loc for d in diagnostics] == [
        ("fields", 2, "fields", 0, "when"),
        ("steps", 0, "actions", 1, "inputs", 0, "when"),
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # an optional attachment ("nếu có") is legitimate
        ("    required: false\n", []),
        # a condition on an optional document never makes it required
        (
            "    required: false\n    when: \"full_name != ''\"\n",
            [("document-never-required", W, 20, 11)],
        ),
        # a condition that can never hold
        ("    when: 'false'\n", [("document-never-required", W, 19, 11)]),
        ("    when: \"full_name != ''\"\n", []),
        ("    required: true\n", []),
    ],
)
def test_document_never_required(make: Make, extra: str, expected: list[Finding]) -> None:
    label = "    label: {vi: Đơn đề nghị, en: Application}\n"
    assert found(make((label, label + extra))) == expected


# ----------------------------------------------------------------------------- English


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "loc"),
    [
        ("name: {vi: Thủ tục thử, en: Trial procedure}", "name: Thủ tục thử", 2, 7, ("name",)),
        ("name: {vi: Thử nghiệm, en: Trials}", "name: Thử nghiệm", 3, 32, ("sector", "name")),
        ("{vi: Sở Thử nghiệm, en: Trials Department}", "{vi: Sở}", 5, 16, ("agency", "name")),
        ("label: {vi: Cán bộ, en: Officer}", "label: Cán bộ", 8, 26, ("roles", 0, "label")),
        ("label: {vi: Họ và tên, en: Full name}", "label: Họ và tên", 11, 12,
         ("fields", 0, "label")),
        ("label: {vi: Đơn đề nghị, en: Application}", "label: {vi: Đơn}", 18, 12,
         ("documents", 0, "label")),
        ("label: {vi: Thẩm định, en: Review}", "label: Thẩm định", 21, 12,
         ("steps", 0, "label")),
        ("label: {vi: Từ chối, en: Refuse}", "label: Từ chối", 30, 16,
         ("steps", 0, "actions", 1, "label")),
    ],
)  # fmt: skip
def test_missing_english(
    make: Make, old: str, new: str, line: int, column: int, loc: tuple[str | int, ...]
) -> None:
    diagnostics = make((old, new))
    assert found(diagnostics) == [("missing-english", W, line, column)]
    assert diagnostics[0].loc == loc
    assert diagnostics[0].hint is not None
    assert diagnostics[0].hint.startswith("write it as {vi: ")


def test_missing_english_in_options_points_at_the_option(make: Make) -> None:
    gender = (
        "  - id: gender\n"
        "    type: choice\n"
        "    label: {vi: Giới tính, en: Gender}\n"
        "    options: [{value: m, label: {vi: Nam, en: Male}}, Nữ]\n"
    )
    diagnostics = make(("documents:\n", gender + "documents:\n"))
    assert found(diagnostics) == [("missing-english", W, 19, 55)]
    assert diagnostics[0].loc == ("fields", 2, "options", 1, "label")


def test_missing_english_in_a_case_and_a_rule(make: Make) -> None:
    rule = "rules:\n  - {check: \"full_name != ''\", message: Nhập họ tên}\n"
    diagnostics = make(
        ("documents:\n", rule + "documents:\n"),
        append=CASES.replace("{vi: Thứ hai, en: Second}", "Thứ hai"),
    )
    assert found(diagnostics) == [("missing-english", W, 17, 41), ("missing-english", W, 46, 11)]
    assert [d.loc for d in diagnostics] == [("rules", 0, "message"), ("cases", 1, "name")]


# ----------------------------------------------------------------------------- status, roles


def test_missing_status(make: Make) -> None:
    diagnostics = make(("    role: officer\n    status: 4\n", "    role: officer\n"))
    assert found(diagnostics) == [("missing-status", W, 20, 5)]
    assert diagnostics[0].hint is not None
    assert "4 processing" in diagnostics[0].hint


def test_unused_role(make: Make) -> None:
    officer = "  - {id: officer, label: {vi: Cán bộ, en: Officer}}\n"
    clerk = "  - {id: clerk, label: {vi: Văn thư, en: Clerk}}\n"
    diagnostics = make((officer, officer + clerk))
    assert found(diagnostics) == [("unused-role", W, 9, 5)]
    assert diagnostics[0].loc == ("roles", 1)


def test_role_used_by_an_action_only_is_used(make: Make) -> None:
    officer = "  - {id: officer, label: {vi: Cán bộ, en: Officer}}\n"
    clerk = "  - {id: clerk, label: {vi: Văn thư, en: Clerk}}\n"
    diagnostics = make(
        (officer, officer + clerk),
        ("        to: refused\n", "        to: refused\n        role: clerk\n"),
    )
    assert diagnostics == []


# ----------------------------------------------------------------------------- cases

OWN_STEPS = """\
    steps:
      - id: quick
        label: {vi: Nhanh, en: Quick}
        role: officer
        actions:
          - {id: grant, label: {vi: Cấp, en: Grant}, to: granted}
          - {id: drop, label: Bỏ qua, to: dropped}
      - {id: granted, label: {vi: Đã cấp, en: Granted}, status: 10, outcome: approved}
      - {id: dropped, label: {vi: Bỏ, en: Dropped}, status: 8}
"""  # appended after CASES: lines 45-53


def test_inherited_step_reported_once(make: Make) -> None:
    diagnostics = make(("    role: officer\n    status: 4\n", "    role: officer\n"), append=CASES)
    assert found(diagnostics) == [("missing-status", W, 20, 5)]


def test_case_steps_are_located_in_the_case(make: Make) -> None:
    diagnostics = make(append=CASES + OWN_STEPS)
    assert found(diagnostics) == [
        ("missing-status", W, 46, 9),
        ("missing-english", W, 51, 31),
        ("no-path-to-final", E, 53, 9),
    ]
    assert [d.loc for d in diagnostics] == [
        ("cases", 1, "steps", 0),
        ("cases", 1, "steps", 0, "actions", 1, "label"),
        ("cases", 1, "steps", 2),
    ]


# ----------------------------------------------------------------------------- patterns

PATTERNED = """\
code: ONE-STOP-01
name: {vi: Thủ tục một cửa, en: One-stop procedure}
sector: one-stop
level: commune
agency: {name: {vi: UBND xã, en: Commune People's Committee}}
deadline: 5 working days
roles:
  - {id: reception, label: {vi: Một cửa, en: One-stop desk}}
  - {id: processor, label: {vi: Chuyên viên, en: Officer}}
pattern: one_stop
steps:
  - id: appraisal
    label: {vi: Thẩm định, en: Appraisal}
    role: processor
    deadline: 3 working days
    actions:
      - {id: propose, label: {vi: Trình, en: Propose}, to: result_ready}
      - {id: decline, label: {vi: Từ chối, en: Decline}, to: refused, requires: [reason]}
"""  # line 10: pattern   12: step appraisal


def test_pattern_steps_are_linted_without_findings_when_sound() -> None:
    # The pattern's steps use both declared roles, and give appraisal its status.
    assert lint_text(PATTERNED) == []


def test_pattern_steps_count_towards_the_deadline() -> None:
    diagnostics = lint_text(PATTERNED.replace("3 working days", "6 working days"))
    assert found(diagnostics) == [("deadline-exceeds-legal", W, 6, 11)]
    assert "received → appraisal (6 working days) → result_ready → result_returned" in (
        diagnostics[0].message
    )


def test_findings_in_steps_the_pattern_adds_point_at_the_pattern_key() -> None:
    # appraisal completes, so no withdrawal is added after it, and the pattern's transfer
    # step (which returns to the processing entry, appraisal) is caught in the loop too.
    text = PATTERNED.replace(
        "    deadline: 3 working days\n    actions:\n",
        "    completes: true\n    actions:\n      - {id: transfer, to: transferred}\n",
    )
    text = "\n".join(
        line for line in text.splitlines() if "propose" not in line and "decl" not in line
    )
    diagnostics = lint_text(text + "\n")
    assert found(diagnostics) == [("no-path-to-final", E, 10, 10), ("no-path-to-final", E, 12, 5)]
    assert [d.loc for d in diagnostics] == [("pattern",), ("steps", 0)]
    assert "'transferred'" in diagnostics[0].message


def test_actions_a_pattern_adds_to_an_authored_step_point_at_the_step() -> None:
    received = "  - {id: received, role: null}\n"
    diagnostics = lint_text(PATTERNED.replace("steps:\n", "steps:\n" + received))
    assert found(diagnostics) == [("action-without-actor", E, 12, 5)] * 3
    assert [d.message.split("'")[1] for d in diagnostics] == [
        "accept", "not_accept", "request_supplement",
    ]  # fmt: skip


# ----------------------------------------------------------------------------- the whole


def test_findings_are_sorted_and_stable(make: Make) -> None:
    edits = (
        ("    role: officer\n    status: 4\n", "    status: 4\n"),
        ("label: {vi: Họ và tên, en: Full name}", "label: Họ và tên"),
        ("    deadline: 3 working days\n", "    deadline: 9 working days\n"),
    )
    first, again = make(*edits), make(*edits)
    assert first == again
    assert [(d.line, d.column) for d in first] == sorted((d.line, d.column) for d in first)
    assert found(first) == [
        ("deadline-exceeds-legal", W, 6, 11),
        ("unused-role", W, 8, 5),
        ("missing-english", W, 11, 12),
        ("action-without-actor", E, 25, 9),
        ("action-without-actor", E, 28, 9),
    ]
    assert {d.code for d in first} <= set(CODES)
    assert all(d.hint for d in first)


def test_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(lint, report=True)
    assert (failures, tried) == (0, 3)


# ----------------------------------------------------------------------------- a property

RICH = """\
code: RICH-01
name: {vi: Thủ tục đầy đủ, en: Full procedure}
sector: rich
level: ministry
agency: {name: {vi: Bộ, en: Ministry}}
deadline: 10 working days
roles:
  - {id: clerk, label: {vi: Văn thư, en: Clerk}}
  - {id: expert, label: {vi: Chuyên viên, en: Expert}}
  - {id: leader, label: {vi: Lãnh đạo, en: Leader}}
steps:
  - id: reception
    role: clerk
    status: 1
    deadline: 4 working hours
    actions:
      - {id: accept, to: review}
      - {id: reject, to: not_accepted, requires: [reason]}
  - id: review
    role: expert
    status: 4
    deadline: 3 working days
    actions:
      - {id: ask, to: supplement, requires: [reason]}
      - {id: propose, to: decision}
      - {id: refuse, to: refused, role: leader, requires: [reason]}
  - id: supplement
    role: applicant
    status: 5
    clock: paused
    deadline: 30 days
    on_expiry: stopped
    actions:
      - {id: resubmit, to: review}
      - {id: withdraw, to: withdrawn}
  - id: decision
    role: leader
    status: 4
    deadline: 2 working days
    actions:
      - {id: approve, to: released}
      - {id: send_back, to: review}
  - id: released
    role: clerk
    status: 9
    completes: true
    actions: [{id: hand_over, to: approved}]
  - {id: approved, status: 10, outcome: approved}
  - {id: refused, status: 3, outcome: refused}
  - {id: not_accepted, status: 3, outcome: not_accepted}
  - {id: withdrawn, status: 7, outcome: withdrawn}
  - {id: stopped, status: 8, outcome: stopped}
cases:
  - id: standard
    name: {vi: Thường, en: Standard}
  - id: urgent
    name: {vi: Khẩn, en: Urgent}
    deadline: 3 working days
    steps:
      - id: fast_review
        role: leader
        status: 4
        deadline: 2 working days
        actions:
          - {id: grant, to: granted}
          - {id: deny, to: denied, requires: [reason]}
      - {id: granted, status: 10, outcome: approved}
      - {id: denied, status: 3, outcome: refused}
"""


def _action_locations(data: dict[str, Any]) -> Iterator[tuple[str | int, ...]]:
    for index, step in enumerate(data["steps"]):
        for position, _ in enumerate(step.get("actions", ())):
            yield ("steps", index, "actions", position)
    for number, case in enumerate(data["cases"]):
        for index, step in enumerate(case.get("steps", ())):
            for position, _ in enumerate(step.get("actions", ())):
                yield ("cases", number, "steps", index, "actions", position)


RICH_ACTIONS = list(_action_locations(yaml.safe_load(RICH)))


def without(loc: tuple[str | int, ...]) -> str:
    data = copy.deepcopy(yaml.safe_load(RICH))
    holder: Any = data
    for part in loc[:-1]:
        holder = holder[part]
    del holder[loc[-1]]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_rich_spec_is_clean() -> None:
    assert lint_text(RICH) == []
    assert len(RICH_ACTIONS) == 12


@pytest.mark.parametrize("loc", RICH_ACTIONS, ids=lambda loc: ".".join(map(str, loc)))
def test_removing_an_action_creates_only_graph_errors(loc: tuple[str | int, ...]) -> None:
    errors = {d.code for d in lint_text(without(loc)) if d.severity is Severity.ERROR}
    assert errors <= GRAPH


def test_removing_the_only_way_in_makes_steps_unreachable() -> None:
    diagnostics = lint_text(without(("steps", 0, "actions", 0)))  # reception → review
    assert {d.code for d in diagnostics} == {"unreachable-step"}
    unreachable = [d.message.split("'")[1] for d in diagnostics]
    assert unreachable == [
        "review", "supplement", "decision", "released", "approved", "refused", "withdrawn",
        "stopped",
    ]  # fmt: skip
