"""The bundled definitions: they load, lint clean, and broken copies fail where they should."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import procgen
from procgen.spec.lint import lint_spec
from procgen.spec.loader import read_spec
from procgen.spec.metaschema import metaschema
from tests.conftest import DEFINITIONS, definition_files

FILES = definition_files()


def test_there_are_bundled_definitions() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_definition_loads_and_lints_clean(path: Path) -> None:
    loaded = read_spec(path.read_text(encoding="utf-8"), str(path))
    assert loaded.spec is not None, "\n".join(d.format() for d in loaded.diagnostics)
    findings = lint_spec(loaded.spec, loaded.source)
    assert findings == [], "\n".join(d.format() for d in findings)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_definition_is_bilingual_and_catalogued(path: Path) -> None:
    spec = procgen.load(path)
    assert spec.name.en, "procedure names have an English label"
    assert spec.legal_basis, "the legal basis is data"
    for case in spec.effective_cases():
        assert case.deadline is not None
        assert any(step.final for step in case.steps)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_definition_validates_against_the_metaschema(path: Path) -> None:
    # Editors see YAML dates as strings (as JSON does), so compare in that form.
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    validator = jsonschema.Draft202012Validator(
        metaschema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(data)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_definition_points_editors_at_the_metaschema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/procedure.schema.json"


def test_registry_of_definitions() -> None:
    registry = procgen.Registry.from_path(DEFINITIONS)
    assert len(registry) == len(FILES)
    for procedure in registry:
        assert registry.get(procedure.code, procedure.version) is procedure
        assert procedure.spec.code == procedure.code


# --------------------------------------------------------------------------- broken copies


def _broken(path: Path, tmp_path: Path, text: str) -> Path:
    copy = tmp_path / path.name
    copy.write_text(text, encoding="utf-8")
    return copy


def _only_error(path: Path) -> procgen.Diagnostic:
    with pytest.raises(procgen.SpecError) as caught:
        procgen.load(path)
    errors = caught.value.diagnostics
    assert len(errors) == 1, str(caught.value)
    return errors[0]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_unknown_key_appended_at_the_end(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    line = text.count("\n") + 1
    copy = _broken(path, tmp_path, text + "deadlne: 3 working days\n")
    error = _only_error(copy)
    assert (error.file, error.line, error.column, error.code) == (str(copy), line, 1, "unknown-key")
    assert error.hint == "did you mean 'deadline'?"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_yaml_syntax_error(path: Path, tmp_path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    lines[target] = "name: [unclosed"
    copy = _broken(path, tmp_path, "\n".join(lines) + "\n")
    error = _only_error(copy)
    assert error.code == "yaml-syntax"
    assert error.file == str(copy)
    # The parser notices on the next line that the flow sequence was never closed.
    assert error.line in (target + 1, target + 2)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_step_target_misspelt(path: Path, tmp_path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    spec = procgen.load(path)
    steps = {s.id for c in spec.effective_cases() for s in c.steps}
    found = [
        (number, line)
        for number, line in enumerate(lines)
        if line.strip().startswith("to: ") and line.strip()[4:] in steps
    ]
    assert found, "no 'to: <step>' line in block style"
    number, line = found[0]
    target = line.strip()[4:]
    misspelt = target[:-1] if len(target) > 3 else target + "x"
    lines[number] = line.replace(f"to: {target}", f"to: {misspelt}")
    copy = _broken(path, tmp_path, "\n".join(lines) + "\n")
    error = _only_error(copy)
    column = line.index(f"to: {target}") + 5
    assert (error.line, error.column, error.code) == (number + 1, column, "unknown-step")
    assert error.hint == f"did you mean {target!r}?"
