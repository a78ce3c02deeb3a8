"""The workflow and legal-clock pages: their complete examples run, their YAML loads."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DOCS, ROOT


def python_blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_worked_example_of_the_legal_clock_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    [example] = [b for b in python_blocks("legal-clock.md") if "clock.replay" in b]
    monkeypatch.chdir(ROOT)  # the example loads "definitions" like a user in the project
    exec(compile(example, "docs/legal-clock.md", "exec"), {"__name__": "legal_clock_example"})


def test_the_workflow_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    [example] = [b for b in python_blocks("workflow.md") if "load_dir" in b]
    monkeypatch.chdir(ROOT)
    exec(compile(example, "docs/workflow.md", "exec"), {"__name__": "workflow_example"})


def test_the_pages_link_to_the_generated_diagrams() -> None:
    assert "(diagrams.md)" in (DOCS / "workflow.md").read_text(encoding="utf-8")
    assert "python -m procgen.workflow definitions" in (DOCS / "diagrams.md").read_text(
        encoding="utf-8"
    )
