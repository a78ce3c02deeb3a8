"""Docs are part of done: generated pages stay in sync, examples in docs load."""

from __future__ import annotations

import re

import pytest

import procgen
from procgen.spec.diagnostics import CODES
from procgen.spec.lint import lint_spec
from procgen.spec.loader import read_spec
from procgen.spec.metaschema import metaschema_json
from procgen.spec.reference import render_reference
from tests.conftest import DOCS, ROOT


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_errors_page_documents_every_code() -> None:
    page = (DOCS / "errors.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### ([a-z-]+)$", page, flags=re.MULTILINE))
    assert documented == set(CODES), (
        f"missing: {sorted(set(CODES) - documented)}; stale: {sorted(documented - set(CODES))}"
    )


def test_spec_reference_is_in_sync() -> None:
    committed = (DOCS / "spec-reference.md").read_text(encoding="utf-8")
    assert committed == render_reference(), (
        "docs/spec-reference.md is stale: "
        "run `procgen schema --reference -o docs/spec-reference.md`"
    )


def test_metaschema_file_is_in_sync() -> None:
    committed = (DOCS / "procedure.schema.json").read_text(encoding="utf-8")
    assert committed == metaschema_json(), (
        "docs/procedure.schema.json is stale: run `procgen schema -o docs/procedure.schema.json`"
    )


def test_readme_example_is_a_clean_spec() -> None:
    [block] = _yaml_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    loaded = read_spec(block, "README.md")
    assert loaded.spec is not None, [d.format() for d in loaded.diagnostics]
    assert lint_spec(loaded.spec, loaded.source) == []


def test_tutorial_example_loads() -> None:
    blocks = [
        b
        for b in _yaml_blocks((DOCS / "tutorial.md").read_text(encoding="utf-8"))
        if b.startswith("# file: tutorial-example.yaml")
    ]
    assert blocks, "the tutorial must contain its complete example"
    spec = procgen.loads(blocks[-1], "tutorial-example.yaml")
    assert spec.steps


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_relative_links_resolve(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (DOCS / target).exists(), f"{page} links to missing {target}"


def test_the_testing_guide_lists_every_step() -> None:
    from procgen.testing.phrases import steps_markdown

    text = (DOCS / "testing.md").read_text(encoding="utf-8")
    listed = text.split("<!-- steps:start -->\n", 1)[1].split("<!-- steps:end -->", 1)[0]
    assert listed == steps_markdown(), (
        "docs/testing.md's step list is stale: paste procgen.testing.phrases.steps_markdown() "
        "between the steps:start and steps:end markers"
    )
