"""Tests for procgen.workflow.diagrams: Mermaid and DOT diagrams, byte for byte."""

from __future__ import annotations

import doctest
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import procgen
import procgen.workflow.diagrams as graph_module
from procgen.spec.models import ResolvedCase, Step
from procgen.spec.patterns import expand
from procgen.spec.text import Text
from procgen.workflow.__main__ import main
from procgen.workflow.diagrams import REGENERATE, render_diagrams_page, to_dot, to_mermaid
from tests.conftest import DEFINITIONS, DOCS


def make_case(*steps: Mapping[str, Any], name: str = "Thử nghiệm") -> ResolvedCase:
    """A resolved case with steps written as dicts, as in YAML."""
    return ResolvedCase(
        id="default",
        name=Text(vi=name, en="Trial"),
        when=None,
        deadline=None,
        fee=0,
        channels={},
        documents=(),
        lead_times=(),
        steps=tuple(Step.model_validate(s) for s in steps),
    )


SMALL = make_case(
    {
        "id": "review",
        "label": {"vi": "Xem xét", "en": "Review"},
        "role": "officer",
        "status": 4,
        "actions": [{"id": "approve", "to": "done"}, {"id": "ask", "to": "waiting"}],
    },
    {
        "id": "waiting",
        "label": {"vi": "Chờ bổ sung", "en": "Waiting"},
        "role": "applicant",
        "clock": "paused",
        "status": 5,
        "on_expiry": "stopped",
        "actions": [{"id": "supplement", "to": "review"}],
    },
    {"id": "done", "label": {"vi": "Xong", "en": "Done"}, "outcome": "approved", "status": 10},
    {"id": "stopped", "outcome": "stopped"},
)

SMALL_MERMAID = """\
stateDiagram-v2
    %% default: Thử nghiệm
    review : Xem xét [4]
    waiting : Chờ bổ sung [5]
    done : Xong [10]
    stopped : stopped
    [*] --> review
    review --> done : approve
    review --> waiting : ask
    waiting --> review : supplement
    waiting --> stopped : on_expiry
    done --> [*]
    stopped --> [*]
    note right of waiting : tạm dừng tính thời hạn
    classDef paused stroke-dasharray: 5 5
    class waiting paused"""

SMALL_DOT = """\
digraph "default" {
    label="Trial";
    rankdir=LR;
    node [shape=box, style=rounded, fontname="sans-serif"];
    edge [fontname="sans-serif", fontsize=10];
    "__start__" [shape=point, label=""];
    "review" [label="Review [4]"];
    "waiting" [label="Waiting [5]", style="rounded,dashed", xlabel="clock paused"];
    "done" [label="Done [10]", peripheries=2];
    "stopped" [label="stopped", peripheries=2];
    "__start__" -> "review";
    "review" -> "done" [label="approve"];
    "review" -> "waiting" [label="ask"];
    "waiting" -> "review" [label="supplement"];
    "waiting" -> "stopped" [label="on_expiry", style=dashed];
}"""


def test_module_docstring_example_runs() -> None:
    result = doctest.testmod(graph_module)
    assert result.attempted > 0
    assert result.failed == 0


def test_mermaid_golden() -> None:
    assert to_mermaid(SMALL) == SMALL_MERMAID


def test_dot_golden_in_english() -> None:
    assert to_dot(SMALL, locale="en") == SMALL_DOT


def test_mermaid_in_english() -> None:
    text = to_mermaid(SMALL, locale="en")
    assert "    review : Review [4]" in text
    assert "    note right of waiting : clock paused" in text
    assert "%% default: Trial" in text


def test_without_paused_steps_there_is_no_paused_class() -> None:
    case = make_case(
        {"id": "a", "role": "r", "actions": [{"id": "go", "to": "b"}]},
        {"id": "b", "outcome": "approved"},
    )
    assert "paused" not in to_mermaid(case)
    assert "dashed" not in to_dot(case)


@pytest.mark.parametrize("render", [to_mermaid, to_dot])
def test_output_is_deterministic(render: Any) -> None:
    case = make_case(*(s.model_dump(mode="json", exclude_unset=True) for s in SMALL.steps))
    assert render(case) == render(SMALL)
    assert render(SMALL).encode() == render(SMALL).encode()


@pytest.mark.parametrize(
    "snippet",
    [
        "    [*] --> received",
        "    received --> processing : accept",
        "    received --> withdrawn : withdraw",
        "    awaiting_supplement --> stopped : on_expiry",
        "    awaiting_supplement : Chờ bổ sung hồ sơ [5]",
        "    result_returned --> [*]",
        "    refused --> [*]",
        "    note right of awaiting_supplement : tạm dừng tính thời hạn",
    ],
)
def test_one_stop_mermaid_snippets(snippet: str) -> None:
    case = make_case(*(s.model_dump(exclude_unset=True) for s in expand((), "one_stop")))
    assert snippet in to_mermaid(case).splitlines()


def test_one_stop_dot_snippets() -> None:
    case = make_case(*(s.model_dump(exclude_unset=True) for s in expand((), "one_stop")))
    lines = to_dot(case, locale="en").splitlines()
    assert '    "__start__" -> "received";' in lines
    assert '    "result_returned" [label="Result returned [10]", peripheries=2];' in lines
    assert '    "awaiting_supplement" -> "stopped" [label="on_expiry", style=dashed];' in lines
    assert lines[-1] == "}"


def test_labels_are_escaped() -> None:
    case = make_case(
        {
            "id": "a",
            "label": 'Bước #1; "kiểm tra" \\ xong',
            "role": "r",
            "actions": [{"id": "go", "to": "a"}],
        },
        name='Thủ tục "A"; số #2',
    )
    mermaid = to_mermaid(case)
    assert '    a : Bước #35;1#59; "kiểm tra" \\ xong' in mermaid
    assert '%% default: Thủ tục "A"#59; số #35;2' in mermaid
    dot = to_dot(case)
    assert '    "a" [label="Bước #1; \\"kiểm tra\\" \\\\ xong"];' in dot
    assert '    label="Thủ tục \\"A\\"; số #2";' in dot


def test_an_empty_case_renders_an_empty_diagram() -> None:
    empty = ResolvedCase(
        id="empty",
        name=Text(vi="Rỗng"),
        when=None,
        deadline=None,
        fee=0,
        channels={},
        documents=(),
        lead_times=(),
        steps=(),
    )
    assert to_mermaid(empty) == "stateDiagram-v2\n    %% empty: Rỗng"
    assert to_dot(empty).endswith('"__start__" [shape=point, label=""];\n}')


# --------------------------------------------------------------------------- the docs page


def test_the_diagrams_page_is_in_sync_with_the_definitions() -> None:
    committed = (DOCS / "diagrams.md").read_text(encoding="utf-8")
    assert committed == render_diagrams_page(procgen.load_dir(DEFINITIONS)), (
        f"docs/diagrams.md is stale: run `{REGENERATE}`"
    )


def test_the_page_shows_every_case_of_every_definition_once() -> None:
    specs = procgen.load_dir(DEFINITIONS)
    page = render_diagrams_page(specs)
    assert page.endswith("```\n")
    assert f"$ {REGENERATE}" in page
    for spec in specs:
        assert page.count(f"## {spec.code}: {spec.name.vi}\n") == 1
        for case in spec.effective_cases():
            assert page.count(f"```mermaid\n{to_mermaid(case)}\n```") == 1
    codes = re.findall(r"^## (\S+):", page, flags=re.MULTILINE)
    assert codes == sorted(codes)
    for anchor in re.findall(r"\]\(#([^)]+)\)", page):
        assert f'<a id="{anchor}"></a>' in page


def test_the_page_names_the_cases_of_procedures_that_have_several() -> None:
    page = render_diagrams_page(procgen.load_dir(DEFINITIONS), locale="en")
    assert "### Case `remote`: Remote area" in page
    assert "## BQP-KN-01: First-instance complaint resolution" in page
    assert "*Giải quyết khiếu nại lần đầu.* Version 1." in page


def test_an_empty_list_gives_a_page_with_its_header_only() -> None:
    page = render_diagrams_page([])
    assert page.startswith("# Workflow diagrams\n")
    assert "```mermaid" not in page


def test_the_command_writes_checks_and_prints_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "diagrams.md"
    assert main([str(DEFINITIONS), "--check", "-o", str(target)]) == 1
    assert "is out of date: run python -m procgen.workflow" in capsys.readouterr().err
    assert main([str(DEFINITIONS), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == (DOCS / "diagrams.md").read_text(encoding="utf-8")
    assert main([str(DEFINITIONS), "--check", "-o", str(target)]) == 0
    capsys.readouterr()
    assert main([str(DEFINITIONS), "--locale", "en"]) == 0
    assert "## BQP-CS-01: Granting a one-off allowance" in capsys.readouterr().out
