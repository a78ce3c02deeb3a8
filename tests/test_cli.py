"""The command line, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from procgen.cli import app
from procgen.spec.metaschema import metaschema_json
from tests.conftest import DEFINITIONS
from tests.spec.factory import MINIMAL, spec_text

runner = CliRunner()


def test_check_bundled_definitions_exits_zero() -> None:
    result = runner.invoke(app, ["check", str(DEFINITIONS)])
    assert result.exit_code == 0, result.output
    assert "Procedures checked" in result.output
    assert "0 error(s)" in result.output


def test_check_strict_on_bundled_definitions() -> None:
    result = runner.invoke(app, ["check", "--strict", str(DEFINITIONS)])
    assert result.exit_code == 0, result.output


def test_check_reports_errors_and_exits_one(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(spec_text({"to: done": "to: dnoe"}), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:23:" in result.output
    assert "unknown-step" in result.output
    assert "did you mean 'done'?" in result.output


def test_check_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(spec_text({"{vi: Duyệt, en: Approve}": "Duyệt"}), encoding="utf-8")
    assert runner.invoke(app, ["check", str(path)]).exit_code == 0
    strict = runner.invoke(app, ["check", "--strict", str(path)])
    assert strict.exit_code == 1
    assert "missing-english" in strict.output


def test_check_json_format(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL + "colour: red\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--format", "json", str(path)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    [diagnostic] = report["diagnostics"]
    assert diagnostic == {
        "file": str(path),
        "line": 28,
        "column": 1,
        "code": "unknown-key",
        "severity": "error",
        "message": "unknown key 'colour'",
        "hint": diagnostic["hint"],
        "loc": ["colour"],
    }


def test_check_empty_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "No spec files" in result.output


def test_schema_prints_a_valid_2020_12_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert result.output == metaschema_json()


def test_schema_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == metaschema_json()


@pytest.mark.parametrize("dot", [False, True])
def test_graph_of_a_bundled_procedure(dot: bool) -> None:
    args = ["graph", "BQP-UAV-01", "-d", str(DEFINITIONS)] + (["--dot"] if dot else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert ("digraph" if dot else "stateDiagram-v2") in result.output


def test_graph_unknown_code() -> None:
    result = runner.invoke(app, ["graph", "NOPE", "-d", str(DEFINITIONS)])
    assert result.exit_code == 2
    assert "BQP-UAV-01" in result.output
