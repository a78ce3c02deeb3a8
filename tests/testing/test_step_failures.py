"""Each shipped step, failing, says what it expected and what it found.

The scenarios run in a pytest of their own (``pytester``), with procgen's plugin loaded from
its entry point as in a tester's project; the failure text of each is checked.
"""

from __future__ import annotations

import textwrap

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

#: (name, scenario steps, texts the failure must contain)
CASES = [
    (
        "accepted",
        """    When the applicant submits:
      | field      | value      |
      | birth_date | 02/03/1990 |
    Then the submission is accepted""",
        ["expected the submission to be accepted", "full_name:"],
    ),
    (
        "rejected_but_accepted",
        """    When the applicant submits the example data
    Then the submission is rejected with an error on field "full_name\"""",
        ["expected an error on 'full_name'; the submission was accepted"],
    ),
    (
        "rejected_other_field",
        """    When the applicant submits:
      | field     | value |
      | full_name | An    |
    Then the submission is rejected with an error on field "copies\"""",
        ["expected an error on 'copies'; the errors are:", "birth_date:"],
    ),
    (
        "rejected_message",
        """    When the applicant submits:
      | field     | value |
      | full_name | An    |
    Then the submission is rejected with an error on field "birth_date": "no such words\"""",
        ["expected the error on 'birth_date' to say 'no such words'; it says:"],
    ),
    (
        "at_step",
        SUBMITTED + '    Then the dossier is at step "review"',
        [
            "expected the dossier at step 'review'; it is at 'reception'",
            "the dossier is at step 'reception'",
        ],
    ),
    (
        "due_date",
        SUBMITTED + '    Then the due date is "21/04/2026"',
        ["expected the due date 21/04/2026; it is 20/04/2026 17:00"],
    ),
    (
        "due_time",
        SUBMITTED + '    Then the due date is "20/04/2026 16:00"',
        ["expected the due date 20/04/2026 16:00; it is 20/04/2026 17:00"],
    ),
    (
        "overdue",
        SUBMITTED + "    Then the dossier is overdue",
        ["expected the dossier overdue; it is on time (due 2026-04-20, open, today 2026-04-15)"],
    ),
    (
        "on_time",
        SUBMITTED + "    When 5 working days pass\n    Then the dossier is on time",
        ["expected the dossier on time; it is overdue"],
    ),
    (
        "late",
        SUBMITTED + "    Then the dossier is late",
        ["expected the dossier late; it is on time"],
    ),
    (
        "can",
        SUBMITTED + '    Then "Minh" can perform "approve"',
        ["expected 'Minh' to be able to perform 'approve'", "'Minh' may perform: nothing"],
    ),
    (
        "cannot",
        SUBMITTED + '    Then "Lan" cannot perform "accept"',
        ["expected 'Lan' not to be able to perform 'accept', but they can"],
    ),
    (
        "perform_refused",
        SUBMITTED + '    When "Minh" performs "approve"',
        [
            "'Minh' could not perform 'approve'",
            "the dossier is at step 'reception'",
            "'Minh' may perform: nothing",
        ],
    ),
    (
        "perform_missing_input",
        SUBMITTED + '    When "Lan" performs "reject"',
        ["'Lan' could not perform 'reject'", "reason", "'Lan' may perform: accept"],
    ),
    (
        "perform_unknown_input",
        SUBMITTED
        + """    When "Lan" performs "reject" with:
      | field  | value |
      | motive | none  |""",
        ["reject: the action takes no input 'motive'; its inputs: reason"],
    ),
    (
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
        SUBMITTED + '    Then the applicant\'s tracking page shows "Nothing like this"',
        ["expected the tracking page to show 'Nothing like this'; it shows:", "TEST-01"],
    ),
    (
        "supplement_without_request",
        SUBMITTED + "    When the applicant supplements the documents",
        ["the applicant has no supplement to answer", "the dossier is at step 'reception'"],
    ),
    (
        "unknown_procedure",
        '    Given a dossier of "NOPE-1" submitted with the example data',
        ["no procedure 'NOPE-1' in the definitions; known: TEST-01"],
    ),
    (
        "unknown_role",
        '    Given a user "Hoa" with role "chief"',
        ["no procedure declares the role 'chief'; roles:", "officer"],
    ),
    (
        "bad_date",
        '    Given today is "next Monday"',
        ["'next Monday' is not a time: write dd/mm/yyyy HH:MM"],
    ),
    (
        "unknown_document",
        """    Given the applicant leaves out the document "passport"
    When the applicant submits the example data""",
        ["TEST-01 has no document ['passport']; documents: application"],
    ),
    (
        "table_columns",
        """    When the applicant submits:
      | field | value | note |
      | a     | b     | c    |""",
        ["the data table has 3 columns (field | value | note); it must have 2"],
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


def test_each_failing_step_says_what_it_expected_and_found(project: pytest.Pytester) -> None:
    scenarios = "\n".join(
        f"  Scenario: {name}\n{textwrap.indent(textwrap.dedent(steps), '  ')}\n"
        if not steps.startswith("    ")
        else f"  Scenario: {name}\n{steps}\n"
        for name, steps, _ in CASES
    )
    project.makefile(".feature", failures=BACKGROUND + "\n" + scenarios)
    reports = project.inline_run("-p", "no:cacheprovider").getreports("pytest_runtest_logreport")
    failed = {r.nodeid.rsplit("::test_", 1)[-1]: r.longreprtext for r in reports if r.failed}
    for name, _, expected in CASES:
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
