"""Each shipped step, failing, says what it expected and what it found.

The scenarios run in a pytest of their own (``pytester``), with procgen's plugin loaded from
its entry point as in a tester's project; the failure text of each is checked.
"""

from __future__ import annotations

import pytest

from tests.testing.conftest import PROCEDURES

pytest_plugins = ["pytester"]

BACKGROUND = """\
Feature: Failures
  Background:
    Given today is "15/04/2026 09:00"
    And the procedure "TEST-01"
    And a user "Lan" with role "officer"
    And a user "Minh" with role "head"
"""

SUBMITTED = '    Given a dossier of "TEST-01" submitted with the example data\n'

#: (name, the phrase it fails, scenario steps, texts the failure must contain)
CASES = [
    (
        "accepted",
        "accepted",
        """    When the applicant submits:
      | field      | value      |
      | birth_date | 02/03/1990 |
    Then the submission is accepted""",
        ["expected the submission to be accepted", "full_name:"],
    ),
    (
        "rejected_but_accepted",
        "rejected_field",
        """    When the applicant submits the example data
    Then the submission is rejected with an error on field "full_name\"""",
        ["expected an error on 'full_name'; the submission was accepted"],
    ),
    (
        "rejected_other_field",
        "rejected_field",
        """    When the applicant submits:
      | field     | value |
      | full_name | An    |
    Then the submission is rejected with an error on field "copies\"""",
        ["expected an error on 'copies'; the errors are:", "birth_date:"],
    ),
    (
        "rejected_message",
        "rejected_message",
        """    When the applicant submits:
      | field     | value |
      | full_name | An    |
    Then the submission is rejected with an error on field "birth_date": "no such words\"""",
        ["expected the error on 'birth_date' to say 'no such words'; it says:"],
    ),
    (
        "at_step",
        "at_step",
        SUBMITTED + '    Then the dossier is at step "review"',
        [
            "expected the dossier at step 'review'; it is at 'reception'",
            "the dossier is at step 'reception'",
        ],
    ),
    (
        "due_date",
        "due_date",
        SUBMITTED + '    Then the due date is "21/04/2026"',
        ["expected the due date 21/04/2026; it is 20/04/2026 17:00"],
    ),
    (
        "due_time",
        "due_date",
        SUBMITTED + '    Then the due date is "20/04/2026 16:00"',
        ["expected the due date 20/04/2026 16:00; it is 20/04/2026 17:00"],
    ),
    (
        "overdue",
        "overdue",
        SUBMITTED + "    Then the dossier is overdue",
        ["expected the dossier overdue; it is on time (due 2026-04-20, open, today 2026-04-15)"],
    ),
    (
        "on_time",
        "on_time",
        SUBMITTED + "    When 5 working days pass\n    Then the dossier is on time",
        ["expected the dossier on time; it is overdue"],
    ),
    (
        "late",
        "late",
        SUBMITTED + "    Then the dossier is late",
        ["expected the dossier late; it is on time"],
    ),
    (
        "can",
        "can",
        SUBMITTED + '    Then "Minh" can perform "approve"',
        ["expected 'Minh' to be able to perform 'approve'", "'Minh' may perform: nothing"],
    ),
    (
        "cannot",
        "cannot",
        SUBMITTED + '    Then "Lan" cannot perform "accept"',
        ["expected 'Lan' not to be able to perform 'accept', but they can"],
    ),
    (
        "perform_refused",
        "perform",
        SUBMITTED + '    When "Minh" performs "approve"',
        [
            "'Minh' could not perform 'approve'",
            "the dossier is at step 'reception'",
            "'Minh' may perform: nothing",
        ],
    ),
    (
        "perform_missing_input",
        "perform",
        SUBMITTED + '    When "Lan" performs "reject"',
        ["'Lan' could not perform 'reject'", "reason", "'Lan' may perform: accept"],
    ),
    (
        "perform_unknown_input",
        "perform_with",
        SUBMITTED
        + """    When "Lan" performs "reject" with:
      | field  | value |
      | motive | none  |""",
        ["reject: the action takes no input 'motive'; its inputs: reason"],
    ),
    (
        "history",
        "history",
        SUBMITTED
        + """    Then the history shows:
      | action |
      | submit |
      | accept |""",
        ["expected the history submit → accept", "found submit"],
    ),
    (
        "tracking",
        "tracking_shows",
        SUBMITTED + '    Then the applicant\'s tracking page shows "Nothing like this"',
        ["expected the tracking page to show 'Nothing like this'; it shows:", "TEST-01"],
    ),
    (
        "supplement_without_request",
        "supplement",
        SUBMITTED + "    When the applicant supplements the documents",
        ["the applicant has no supplement to answer", "the dossier is at step 'reception'"],
    ),
    (
        "unknown_procedure",
        "dossier_example",
        '    Given a dossier of "NOPE-1" submitted with the example data',
        ["no procedure 'NOPE-1' in the definitions; known: TEST-01"],
    ),
    (
        "unknown_role",
        "user",
        '    Given a user "Hoa" with role "chief"',
        ["no procedure declares the role 'chief'; roles:", "officer"],
    ),
    (
        "bad_date",
        "today",
        '    Given today is "next Monday"',
        ["'next Monday' is not a time: write dd/mm/yyyy HH:MM"],
    ),
    (
        "unknown_document",
        "leave_out",
        """    Given the applicant leaves out the document "passport"
    When the applicant submits the example data""",
        ["TEST-01 has no document ['passport']; documents: application"],
    ),
    (
        "table_columns",
        "submit_with",
        """    When the applicant submits:
      | field | value | note |
      | a     | b     | c    |""",
        ["the data table has 3 columns (field | value | note); it must have 2"],
    ),
    (
        "procedure_unknown",
        "procedure",
        '    Given the procedure "NOPE-1"',
        ["no procedure 'NOPE-1' in the definitions; known: TEST-01"],
    ),
    (
        "bare_no_procedure_yet",
        "submit_example",
        "    When the applicant submits the example data",
        ['no procedure yet: start with Given the procedure "<code>"'],
    ),
    (
        "dossier_with_invalid",
        "dossier_with",
        """    Given a dossier of "TEST-01" submitted with:
      | field     | value |
      | full_name | An    |""",
        ["the dossier could not be submitted (422); errors:", "birth_date:"],
    ),
    (
        "attach_wrong_kind",
        "attach",
        """    Given the applicant attaches "don.exe" as "application"
    And a dossier of "TEST-01" submitted with the example data""",
        ["the dossier could not be submitted (422); errors:", "documents.application"],
    ),
    (
        "applicant_refused",
        "applicant_performs",
        SUBMITTED + '    When the applicant performs "approve"',
        ["'applicant' could not perform 'approve'", "'applicant' may perform:"],
    ),
    (
        "applicant_unknown_input",
        "applicant_performs_with",
        SUBMITTED
        + """    When the applicant performs "withdraw" with:
      | field | value |
      | when  | now   |""",
        ["withdraw: the action takes no input 'when'; its inputs: reason"],
    ),
    (
        "appointment_date",
        "appointment_date",
        SUBMITTED + '    Then the appointment date is "17/04/2026"',
        ["expected the appointment date 17/04/2026; it is 20/04/2026"],
    ),
    (
        "no_dossier_yet",
        "at_step",
        '    Then the dossier is at step "reception"',
        ["no dossier yet: submit one first"],
    ),
]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(
        f"""
        [pytest]
        procgen_definitions = {PROCEDURES}
        """
    )
    pytester.makepyfile(test_features="from pytest_bdd import scenarios\nscenarios('.')\n")
    return pytester


def _scenarios(cases: list[tuple[str, str, str, list[str]]]) -> str:
    return "\n".join(f"  Scenario: {name}\n{steps}\n" for name, _, steps, _ in cases)


def test_each_failing_step_says_what_it_expected_and_found(project: pytest.Pytester) -> None:
    # names starting with bare_ run without the Background (no procedure chosen yet)
    bare = [c for c in CASES if c[0].startswith("bare_")]
    project.makefile(
        ".feature",
        failures=BACKGROUND + "\n" + _scenarios([c for c in CASES if c not in bare]),
        bare="Feature: Bare\n" + _scenarios(bare),
    )
    reports = project.inline_run("-p", "no:cacheprovider").getreports("pytest_runtest_logreport")
    failed = {r.nodeid.rsplit("::test_", 1)[-1]: r.longreprtext for r in reports if r.failed}
    for name, _, _, expected in CASES:
        assert name in failed, f"{name}: the scenario did not fail"
        for text in expected:
            assert text in failed[name], f"{name}: {text!r} not in\n{failed[name]}"


def test_a_passing_scenario_passes(project: pytest.Pytester) -> None:
    project.makefile(
        ".feature",
        ok=BACKGROUND
        + "  Scenario: ok\n"
        + SUBMITTED
        + '    Then the dossier is at step "reception"\n',
    )
    project.inline_run("-p", "no:cacheprovider").assertoutcome(passed=1)


def test_every_step_that_can_fail_has_its_failure_checked() -> None:
    from procgen.testing.phrases import PHRASES

    # moving time cannot fail; the other steps each have a failing scenario above
    never_fail = {"working_days_pass", "days_pass"}
    checked = {phrase for _, phrase, _, _ in CASES}
    assert checked == set(PHRASES) - never_fail
