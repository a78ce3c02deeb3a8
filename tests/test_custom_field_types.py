"""A custom field type works in every path: the app and its API, the wizard, the testing kit,
the command line.

The type is the example's military unit code (``examples/custom_field_type.py``: five digits,
the last a check digit), in the example's spec, a ``unit_code`` inside a group.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.applications import Starlette
from typer.testing import CliRunner

import procgen
from procgen.cli import app as cli
from procgen.errors import ConfigurationError
from procgen.forms import FieldTypeRegistry
from procgen.forms.types import resolve_field_types
from procgen.spec.models import ProcedureSpec
from procgen.testing.wizard import FormsHarness, WizardDriver, harness, make_client
from tests.conftest import EXAMPLES

pytest_plugins = ["pytester"]

EXAMPLE_FILE = EXAMPLES / "custom_field_type.py"
CODE = "EX-UNIT-01"
GOOD, SPACED, WRONG_CHECK = "12342", "12 342", "12345"
#: Wednesday 15 April 2026, 09:00 in Hà Nội.
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
WRONG_CHECK_MESSAGE = {
    "vi": "“Số hiệu đơn vị”: 12345 không phải là số hiệu đơn vị hợp lệ (sai chữ số kiểm tra).",
    "en": "“Unit code”: 12345 is not a valid unit code (its check digit is wrong); check it.",
}
runner = CliRunner()


def _example() -> ModuleType:
    """The example module (loaded once; tests/forms/test_custom_type.py loads it the same way)."""
    loaded = sys.modules.get("custom_field_type")
    if loaded is not None and getattr(loaded, "__file__", None) == str(EXAMPLE_FILE):
        return loaded
    spec = importlib.util.spec_from_file_location("custom_field_type", EXAMPLE_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["custom_field_type"] = module
    spec.loader.exec_module(module)
    return module


EXAMPLE = _example()


def _types() -> FieldTypeRegistry:
    registry: FieldTypeRegistry = EXAMPLE.field_types()
    return registry


def _spec() -> ProcedureSpec:
    return procgen.loads(EXAMPLE.SPEC, field_types=_types().names())


def _payload(code: str) -> dict[str, Any]:
    return {"full_name": "Nguyễn Văn An", "unit": {"code": code, "name": "Tiểu đoàn 1"}}


@pytest.fixture
def definitions(tmp_path: Path) -> Path:
    """A folder holding the example's spec."""
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "dang-ky-huan-luyen.yaml").write_text(EXAMPLE.SPEC, encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path: Path, definitions: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A deployment's folder, the current one: definitions/ and ``unit_types.py`` (the
    example's module under another name); imports it makes are undone afterwards."""
    (tmp_path / "unit_types.py").write_text(EXAMPLE_FILE.read_text(encoding="utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    for name in list(os.environ):
        if name.startswith("PROCGEN_"):
            monkeypatch.delenv(name)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]
    for name in list(os.environ):  # what `serve` put there for uvicorn's factory
        if name.startswith("PROCGEN_SERVE_"):
            del os.environ[name]


# --------------------------------------------------------------------------- 1. the app, the API


@pytest.fixture
def app(definitions: Path, tmp_path: Path) -> Starlette:
    """The whole service over the example's spec, with the example's field types."""
    return procgen.create_app(
        definitions,
        field_types=_types(),
        database_url=f"sqlite:///{tmp_path / 'procgen.sqlite3'}",
        create_schema=True,
        storage=tmp_path / "attachments",
    )


def test_create_app_serves_the_type_through_the_api(app: Starlette) -> None:
    with make_client(app) as client:
        schema = client.get(f"/api/procedures/{CODE}/schema").json()
        unit_code = schema["properties"]["unit"]["properties"]["code"]
        assert unit_code["x-procgen-check"] == ["unit_code"]

        good = client.post(
            f"/api/procedures/{CODE}/dossiers", json={"data": _payload(GOOD), "documents": {}}
        )
        assert good.status_code == 201, good.text
        assert good.json()["step"] == "review"

        for locale, message in WRONG_CHECK_MESSAGE.items():
            bad = client.post(
                f"/api/procedures/{CODE}/dossiers",
                json={"data": _payload(WRONG_CHECK), "documents": {}},
                headers={"Accept-Language": locale},
            )
            assert bad.status_code == 422, bad.text
            assert bad.json() == [{"loc": ["unit", "code"], "code": "unit_code", "msg": message}]

        shape = client.post(
            f"/api/procedures/{CODE}/dossiers",
            json={"data": _payload("12"), "documents": {}},
            headers={"Accept-Language": "en"},
        )
        assert shape.status_code == 422
        assert (
            shape.json()[0]["msg"] == "“Unit code” must be a unit code of 5 digits, such as 12342."
        )


def test_create_app_without_the_types_names_the_unknown_type(definitions: Path) -> None:
    with pytest.raises(procgen.SpecError, match="unknown field type 'unit_code'"):
        procgen.create_app(definitions, database_url="sqlite://")


# --------------------------------------------------------------------------- 2. the wizard


@pytest.fixture
def forms(definitions: Path) -> FormsHarness:
    return harness(procgen.Registry.from_path(definitions, field_types=_types()), now=NOW)


def test_the_wizard_renders_the_type_refuses_a_bad_code_and_takes_a_good_one(
    forms: FormsHarness,
) -> None:
    driver = forms.driver(_spec())
    page = driver.start(lang="en")

    [widget] = [e for e in page.controls() if e.attrs.get("name") == "unit.code"]
    assert widget.tag == "input"
    assert widget.has_class("pg-input--unit_code")
    assert (widget.attrs["type"], widget.attrs["inputmode"], widget.attrs["autocomplete"]) == (
        "text",
        "numeric",
        "off",
    )
    assert page.labels()["unit.code"].startswith("Unit code")

    refused = driver.post([("full_name", "Nguyễn Văn An"), ("unit.code", WRONG_CHECK)])
    assert refused.status_code == 303
    shown = driver.get(refused.headers["location"])
    assert shown.url.split("?")[0] == page.url.split("?")[0]
    assert [m for _, m in shown.error_summary()] == [WRONG_CHECK_MESSAGE["en"]]
    assert list(shown.inline_errors().values()) == [WRONG_CHECK_MESSAGE["en"]]
    [kept] = [e for e in shown.controls() if e.attrs.get("name") == "unit.code"]
    assert kept.attrs["value"] == WRONG_CHECK  # kept as typed

    accepted = driver.post([("full_name", "Nguyễn Văn An"), ("unit.code", SPACED)])
    assert accepted.status_code == 303
    check = driver.get(accepted.headers["location"])
    assert "/check-answers" in check.url
    assert check.error_summary() == []
    assert GOOD in check.text()

    done = driver.send()
    [submission] = forms.submissions.submissions
    assert submission.receipt.number in done.text()  # the confirmation
    assert submission.cleaned_data["unit"]["code"] == GOOD


def test_the_full_app_serves_the_wizard_with_the_type(app: Starlette) -> None:
    with make_client(app) as client:
        driver = WizardDriver(client, _spec(), prefix="/dich-vu")
        page = driver.start(lang="vi")
        [widget] = [e for e in page.controls() if e.attrs.get("name") == "unit.code"]
        assert widget.attrs["inputmode"] == "numeric"
        refused = driver.post([("full_name", "Nguyễn Văn An"), ("unit.code", WRONG_CHECK)])
        shown = driver.get(refused.headers["location"])
        assert [m for _, m in shown.error_summary()] == [WRONG_CHECK_MESSAGE["vi"]]
        check = driver.fill(_payload(GOOD))  # from the page that showed the error
        assert "/check-answers" in check.url
        number = re.search(rf"{CODE}-\d+-\d+", driver.send().text())  # the confirmation
        assert number is not None
        filed = app.state.procgen_service.store.get_by_number(number.group())
        assert filed.data["unit"]["code"] == GOOD


# --------------------------------------------------------------------------- 3. the testing kit

FEATURE = f"""\
Feature: Unit codes
  Background:
    Given today is "15/04/2026 09:00"
    And the procedure "{CODE}"

  Scenario: a unit code typed with a space is filed
    Given a user "tro-ly" with role "officer"
    When the applicant submits:
      | field     | value         |
      | full_name | Nguyễn Văn An |
      | unit.code | 12 342        |
    Then the submission is accepted
    And the dossier is at step "review"
    When "tro-ly" performs "approve"
    Then the dossier is at step "done"

  Scenario: a mistyped unit code is refused with the type's message
    When the applicant submits:
      | field     | value         |
      | full_name | Nguyễn Văn An |
      | unit.code | 12345         |
    Then the submission is rejected with an error on field "unit.code": "is not a valid unit code"
"""


def _tester_project(pytester: pytest.Pytester, definitions: Path, setting: str) -> None:
    pytester.makepyfile(unit_types=EXAMPLE_FILE.read_text(encoding="utf-8"))
    pytester.makeini(f"[pytest]\nprocgen_definitions = {definitions}\n{setting}")
    pytester.makepyfile(test_features="from pytest_bdd import scenarios\nscenarios('.')\n")
    pytester.makefile(".feature", units=FEATURE)


def test_the_testing_kit_plays_data_tables_with_the_type_and_reports_coverage(
    pytester: pytest.Pytester, definitions: Path
) -> None:
    _tester_project(pytester, definitions, "procgen_field_types = unit_types:field_types\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--procgen-coverage")
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*procgen coverage*", f"{CODE}*1*2/2*1/1*1/2*", "*deadline outcomes: late*"]
    )


def test_the_testing_kit_takes_the_types_on_the_command_line(
    pytester: pytest.Pytester, definitions: Path
) -> None:
    _tester_project(pytester, definitions, "")
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--procgen-field-types=unit_types:field_types"
    )
    result.assert_outcomes(passed=2)


def test_the_testing_kit_without_the_setting_says_what_to_set(
    pytester: pytest.Pytester, definitions: Path
) -> None:
    _tester_project(pytester, definitions, "")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--procgen-coverage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*unknown field type 'unit_code'*", "*procgen_field_types = module:attr*"]
    )


def test_the_testing_kit_explains_a_bad_setting(
    pytester: pytest.Pytester, definitions: Path
) -> None:
    _tester_project(pytester, definitions, "procgen_field_types = unit_types:nothing\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--procgen-coverage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*procgen: procgen_field_types: *'unit_types' has no attribute 'nothing'*"]
    )


# --------------------------------------------------------------------------- 4. the command line

TYPES = "unit_types:field_types"


def test_check_passes_with_the_option_and_names_it_without(project: Path) -> None:
    passed = runner.invoke(cli, ["check", "definitions", "--field-types", TYPES])
    assert passed.exit_code == 0, passed.output
    assert "0 error(s)" in passed.output

    failed = runner.invoke(cli, ["check", "definitions"])
    assert failed.exit_code == 1
    assert "unknown field type 'unit_code'" in failed.output
    assert "use --field-types module:attr" in failed.output


def test_check_json_carries_the_hint(project: Path) -> None:
    import json

    result = runner.invoke(cli, ["check", "definitions", "--format", "json"])
    [diagnostic] = json.loads(result.output)["diagnostics"]
    assert diagnostic["code"] == "unknown-field-type"
    assert diagnostic["hint"].endswith("For a custom type, use --field-types module:attr")


def test_the_project_settings_name_the_types(project: Path) -> None:
    (project / "pyproject.toml").write_text(f'[tool.procgen]\nfield_types = "{TYPES}"\n')
    result = runner.invoke(cli, ["check", "definitions"])
    assert result.exit_code == 0, result.output
    # the option wins over the settings
    wrong = runner.invoke(cli, ["check", "definitions", "--field-types", "unit_types:nothing"])
    assert wrong.exit_code == 2
    assert "(from --field-types)" in wrong.output


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ("[tool.procgen\n", "cannot read pyproject.toml"),
        ("[tool.procgen]\nfield_types = 3\n", "field_types in pyproject.toml must be a string"),
        (
            '[tool.procgen]\nfield_types = "unit_types:nothing"\n',
            "has no attribute 'nothing' (from [tool.procgen] in pyproject.toml)",
        ),
    ],
)
def test_bad_project_settings_are_explained(project: Path, settings: str, problem: str) -> None:
    (project / "pyproject.toml").write_text(settings)
    result = runner.invoke(cli, ["check", "definitions"])
    assert result.exit_code == 2
    assert problem in result.output


def test_project_settings_without_field_types_change_nothing(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.other]\nfield_types = "x"\n')
    result = runner.invoke(cli, ["check", "definitions"])
    assert result.exit_code == 1
    assert "use --field-types module:attr" in result.output


def test_scenarios_use_the_types_example(project: Path) -> None:
    result = runner.invoke(
        cli, ["scenarios", CODE, "-d", "definitions", "--lang", "en", "--field-types", TYPES]
    )
    assert result.exit_code == 0, result.output
    codes = {
        line.split("|")[2].strip()
        for line in result.output.splitlines()
        if line.strip().startswith("| unit.code |")
    }
    assert codes
    # the type's own example values (example_payload), each with its check digit
    assert codes <= {EXAMPLE._example(None, variant) for variant in range(20)}
    assert "known: none" not in result.output

    without = runner.invoke(cli, ["scenarios", CODE, "-d", "definitions"])
    assert without.exit_code == 2
    assert "unknown field type 'unit_code'" in without.output
    assert "use --field-types module:attr" in without.output


def test_graph_reads_specs_with_the_types(project: Path) -> None:
    result = runner.invoke(cli, ["graph", CODE, "-d", "definitions", "--field-types", TYPES])
    assert result.exit_code == 0, result.output
    assert "review --> done : approve" in result.output


def test_serve_passes_the_types_to_the_app_factory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procgen.web.serving import app_from_env

    calls: list[str] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **kw: calls.append(target))
    result = runner.invoke(cli, ["serve", "definitions", "--field-types", TYPES])
    assert result.exit_code == 0, result.output
    assert "serving 1 procedures" in result.output
    assert calls == ["procgen.web.serving:app_from_env"]
    assert os.environ["PROCGEN_SERVE_FIELD_TYPES"] == TYPES
    with make_client(app_from_env()) as client:
        bad = client.post(
            f"/api/procedures/{CODE}/dossiers",
            json={"data": _payload(WRONG_CHECK), "documents": {}},
        )
        assert bad.status_code == 422
        assert bad.json()[0]["msg"] == WRONG_CHECK_MESSAGE["vi"]

    refused = runner.invoke(cli, ["serve", "definitions"])
    assert refused.exit_code == 1
    assert "use --field-types module:attr" in refused.output


def test_worker_loads_the_specs_with_the_types(project: Path) -> None:
    procgen.store.upgrade("sqlite:///procgen.sqlite3")
    result = runner.invoke(cli, ["worker", "definitions", "--once", "--field-types", TYPES])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(cli, ["worker", "definitions", "--once"])
    assert refused.exit_code == 1
    assert "use --field-types module:attr" in refused.output


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("unit_types", "write them as module:attr"),
        ("unit_types:", "write them as module:attr"),
        ("no_such_module:types", "no module 'no_such_module'"),
        ("unit_types:nothing", "'unit_types' has no attribute 'nothing'"),
        ("unit_types:UNIT_CODE", "is one FieldType: name a FieldTypeRegistry holding it"),
        ("unit_types:SPEC", "is a str, not a FieldTypeRegistry"),
        ("broken_types:field_types", "importing 'broken_types' failed: RuntimeError: no"),
        ("unit_types:check_digit", "calling check_digit() failed: TypeError"),
    ],
)
@pytest.mark.parametrize("command", ["check", "graph", "scenarios", "serve", "worker"])
def test_a_bad_reference_is_explained_without_a_traceback(
    project: Path, command: str, reference: str, problem: str
) -> None:
    (project / "broken_types.py").write_text("raise RuntimeError('no')\n")
    args = {
        "check": ["check", "definitions"],
        "graph": ["graph", CODE, "-d", "definitions"],
        "scenarios": ["scenarios", CODE, "-d", "definitions"],
        "serve": ["serve", "definitions"],
        "worker": ["worker", "definitions", "--once"],
    }[command]
    result = runner.invoke(cli, [*args, "--field-types", reference])
    assert result.exit_code == 2, result.output
    assert problem in result.output
    assert result.output.startswith("procgen: field types")
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, ConfigurationError)


def test_the_resolver_takes_a_registry_or_a_function(project: Path) -> None:
    (project / "deployment.py").write_text(
        "from unit_types import field_types\nFIELD_TYPES = field_types()\n"
        "class Settings:\n    types = FIELD_TYPES\n"
    )
    for reference in (
        "deployment:FIELD_TYPES",
        "deployment:field_types",
        "deployment:Settings.types",
    ):
        found = resolve_field_types(reference)
        assert "unit_code" in found
        assert "text" in found
    assert str(project) in sys.path
