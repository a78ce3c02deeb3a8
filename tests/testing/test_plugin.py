"""The pytest plugin as a tester's project sees it: settings, fixtures, databases, opting out."""

from __future__ import annotations

import os

import pytest

from tests.testing.conftest import PROCEDURES

pytest_plugins = ["pytester"]

POSTGRES_URL = os.environ.get("PROCGEN_TEST_POSTGRES_URL")

FEATURE = """\
Feature: Smoke
  Scenario: submitted
    Given today is "15/04/2026 09:00"
    And a dossier of "TEST-01" submitted with the example data
    Then the dossier is at step "reception"
    And the due date is "20/04/2026"
"""

PLAIN_TEST = """
def test_fixtures(procgen_client, procgen_world, procgen_clock, procgen_registry):
    assert procgen_registry.codes() == ("TEST-01",)
    assert procgen_client.get("/health").json()["status"] == "ok"
    procgen_world.set_today("01/06/2026 10:00")
    assert procgen_clock.now().isoformat() == "2026-06-01T03:00:00+00:00"
    procgen_world.submit("TEST-01", None)
    assert procgen_world.last_response.status_code == 201
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(f"[pytest]\nprocgen_definitions = {PROCEDURES}\n")
    pytester.makepyfile(test_features="from pytest_bdd import scenarios\nscenarios('.')\n")
    pytester.makefile(".feature", smoke=FEATURE)
    return pytester


def test_features_and_fixtures_work_without_a_line_of_configuration_code(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(test_plain=PLAIN_TEST)
    project.inline_run("-p", "no:cacheprovider").assertoutcome(passed=2)


def test_each_test_gets_an_empty_database(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_twice="""
import pytest

@pytest.mark.parametrize("round", [1, 2])
def test_one_dossier(procgen_world, round):
    procgen_world.submit("TEST-01", None)
    assert procgen_world.dossier.number.endswith("-0001")
"""
    )
    project.inline_run("-p", "no:cacheprovider", "test_twice.py").assertoutcome(passed=2)


def test_the_clock_starts_where_the_configuration_says(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        f"[pytest]\nprocgen_definitions = {PROCEDURES}\nprocgen_today = 02/01/2027 14:30\n"
    )
    pytester.makepyfile(
        test_clock="""
def test_clock(procgen_clock):
    assert procgen_clock.now().isoformat() == "2027-01-02T07:30:00+00:00"
"""
    )
    pytester.inline_run("-p", "no:cacheprovider").assertoutcome(passed=1)


def test_a_missing_definitions_folder_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nprocgen_definitions = nowhere\n")
    pytester.makepyfile(test_x="def test_x(procgen_registry):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*procgen: no definitions at*nowhere*procgen_definitions*"])


def test_the_plugin_can_be_turned_off(project: pytest.Pytester) -> None:
    project.makepyfile(test_plain="def test_x(procgen_world):\n    pass\n")
    result = project.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "no:procgen", "test_plain.py"
    )
    result.stdout.fnmatch_lines(["*fixture 'procgen_world' not found*"])


@pytest.mark.skipif(not POSTGRES_URL, reason="set PROCGEN_TEST_POSTGRES_URL to test on PostgreSQL")
def test_features_run_on_postgresql_when_its_url_is_given(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert POSTGRES_URL is not None
    monkeypatch.setenv("PROCGEN_TEST_DATABASE_URL", POSTGRES_URL)
    project.makepyfile(
        test_backend="""
def test_backend(procgen_app):
    engine = procgen_app.state.procgen_service.store.engine
    assert engine.dialect.name == "postgresql"
"""
    )
    project.inline_run("-p", "no:cacheprovider").assertoutcome(passed=2)


def test_coverage_reports_what_was_exercised_and_what_never_was(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--procgen-coverage")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*procgen coverage*",
            "*TEST-01*",
            "*Never exercised*",
            "*review.approve*",
        ]
    )


def test_coverage_under_the_threshold_fails_the_run(project: pytest.Pytester) -> None:
    project.makeini(
        f"[pytest]\nprocgen_definitions = {PROCEDURES}\nprocgen_coverage_fail_under = 90\n"
    )
    json_path = project.path / "coverage.json"
    result = project.runpytest_inprocess(
        "-p", "no:cacheprovider", "--procgen-coverage", f"--procgen-coverage-json={json_path}"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*is under the threshold of 90%*", "*1 passed*"])
    assert '"TEST-01"' in json_path.read_text()


def test_coverage_adds_up_the_shares_of_xdist_workers(project: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    project.makefile(
        ".feature",
        more=FEATURE.replace("Feature: Smoke", "Feature: More").replace(
            'Then the dossier is at step "reception"',
            'When the applicant performs "withdraw" with:\n'
            "      | field  | value |\n"
            "      | reason | thôi  |\n"
            '    Then the dossier is at step "withdrawn"',
        ),
    )
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--procgen-coverage")
    assert result.ret == 0
    # both workers' dossiers count: reception (smoke) and withdrawn (more)
    result.stdout.fnmatch_lines(["*TEST-01 * 2 * 2/8 * 1/8*"])
