"""``procgen.testing.scenarios`` and ``procgen scenarios``: generated features that the step
library understands, whose data passes validation, and that take every action."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import pkgutil
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from gherkin.parser import Parser
from typer.testing import CliRunner

import procgen.testing.scenarios as scenarios_package
from procgen.cli import app
from procgen.forms import from_form
from procgen.registry import Registry
from procgen.spec.models import ProcedureSpec
from procgen.testing.phrases import LANGUAGES, PHRASES, Language, Phrase
from procgen.testing.scenarios import (
    DEFAULT_MORNING,
    DEFAULT_TODAY,
    coverage_of,
    declared_actions,
    feature_for,
    plan_feature,
    user_name,
)
from procgen.workflow import CaseDeadlines
from tests.conftest import DEFINITIONS
from tests.spec.factory import spec_text

KINDS = {"Context": "given", "Action": "when", "Outcome": "then"}
ZONE = dt.timezone(dt.timedelta(hours=7))  # Hà Nội has no summer time
TRUE, FALSE = {"có", "yes", "true"}, {"không", "no", "false"}

runner = CliRunner()
pytest_plugins = ["pytester"]


@cache
def registry() -> Registry:
    return Registry.from_path(DEFINITIONS)


@cache
def feature(code: str, language: Language) -> str:
    return feature_for(registry().get(code).spec, language=language)


CODES = [spec.code for spec in registry().specs(latest=True)]
BOTH = [(code, language) for code in CODES for language in LANGUAGES]
MODULES = [
    "procgen.testing.scenarios",
    "procgen.testing.scenarios.cases",
    "procgen.testing.scenarios.generator",
    "procgen.testing.scenarios.paths",
    "procgen.testing.scenarios.plan",
    "procgen.testing.scenarios.simulation",
    "procgen.testing.scenarios.tables",
    "procgen.testing.scenarios.writing",
]


# --------------------------------------------------------------------------- reading features


def parse(text: str) -> dict[str, Any]:
    document: dict[str, Any] = Parser().parse(text)
    return document["feature"]


def blocks(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``("background" | "scenario", block)`` in order."""
    for child in parse(text)["children"]:
        for key in ("background", "scenario"):
            if key in child:
                yield key, child[key]


def matched(step: dict[str, Any], kind: str, language: Language) -> tuple[Phrase, dict[str, str]]:
    """The phrase of ``kind`` whose regular expression the step's text fully matches."""
    found = [
        (p, m.groupdict())
        for p in PHRASES.values()
        if p.kind == kind and (m := re.fullmatch(p.regex(language), step["text"]))
    ]
    assert len(found) == 1, f"{step['text']!r} ({kind}) matches {[p.key for p, _ in found]}"
    return found[0]


def steps_of(
    block: dict[str, Any], language: Language
) -> Iterator[tuple[Phrase, dict[str, str], Any]]:
    """Each step's phrase, placeholder values and table rows (None without a table)."""
    kind = None
    for step in block["steps"]:
        kind = KINDS.get(step["keywordType"], kind)  # a conjunction keeps the kind before
        assert kind is not None, f"{step['text']!r} starts with And"
        phrase, values = matched(step, kind, language)
        table = step.get("dataTable")
        rows = [[c["value"] for c in row["cells"]] for row in table["rows"]] if table else None
        yield phrase, values, rows


def payload_of(spec: ProcedureSpec, rows: Sequence[Sequence[str]]) -> dict[str, Any]:
    """A submission table as the step library reads it: booleans (có/yes/true, không/no/
    false) as from_form takes them, multiple choices split on commas."""
    kinds = {".".join(path): f.type for path, f in spec.walk_fields()}
    pairs: list[tuple[str, str]] = []
    for path, value in rows[1:]:
        kind = kinds.get(".".join(p for p in path.split(".") if not p.isdigit()))
        if kind == "boolean" and value.lower() in TRUE | FALSE:
            pairs.append((path, "true" if value.lower() in TRUE else "false"))
        elif kind == "multichoice":
            pairs += [(path, v.strip()) for v in value.split(",") if v.strip()]
        else:
            pairs.append((path, value))
    return from_form(spec, pairs)


def start(text: str) -> dt.datetime:
    """The Background's ``today``, as an aware local time."""
    for key, block in blocks(text):
        if key == "background":
            language: Language = "vi" if text.startswith("# language: vi") else "en"
            for phrase, values, _ in steps_of(block, language):
                if phrase.key == "today":
                    day = dt.datetime.strptime(values["moment"], "%d/%m/%Y %H:%M")
                    return day.replace(tzinfo=ZONE)
    raise AssertionError("no today in the Background")


def walked(spec: ProcedureSpec, text: str, language: Language) -> set[tuple[str, str, str]]:
    """The ``(case, step, action)`` triples the feature's text takes, read from its steps
    alone: the case the submission selects, the step the dossier is said to be at, and the
    action performed there (``supplement``, or ``on_expiry`` when days pass). Each
    ``at_step`` after a move is checked against where the spec says the move leads."""
    now = start(text)
    procedure = registry().get(spec.code, spec.version)
    cases = {c.id: c for c in spec.effective_cases()}
    taken: set[tuple[str, str, str]] = set()
    for key, block in blocks(text):
        if key != "scenario":
            continue
        case = step = None
        pending: str | None = None
        for phrase, values, rows in steps_of(block, language):
            if phrase.key == "submit_with":
                data = procedure.validate(payload_of(spec, rows), today=now.date()).cleaned
                assert data is not None
                case = procedure.pick_case(data, now=now.astimezone(dt.UTC)).id
            elif phrase.key == "at_step":
                assert case is not None
                if pending is not None and step is not None:
                    current = cases[case].step(step)
                    if pending == "on_expiry":
                        assert current.on_expiry == values["step"], block["name"]
                    else:
                        action = next(a for a in current.actions if a.id == pending)
                        assert action.to == values["step"], block["name"]
                    taken.add((case, step, pending))
                step, pending = values["step"], None
            elif phrase.key in (
                "perform",
                "perform_with",
                "applicant_performs",
                "applicant_performs_with",
            ):
                pending = values["action"]
            elif phrase.key == "supplement":
                pending = "supplement"
            elif phrase.key == "days_pass":
                pending = "on_expiry"
        assert pending is None, f"{block['name']}: the last move has no at_step"
    return taken


def declared(spec: ProcedureSpec) -> set[tuple[str, str, str]]:
    """Every action of every step of every case, and every expiry."""
    found = set()
    for case in spec.effective_cases():
        for step in case.steps:
            found |= {(case.id, step.id, a.id) for a in step.actions}
            if step.on_expiry is not None and step.deadline is not None:
                found.add((case.id, step.id, "on_expiry"))
    return found


# --------------------------------------------------------------------------- bundled specs


@pytest.mark.parametrize(("code", "language"), BOTH)
def test_feature_parses_and_every_step_is_a_shipped_phrase(code: str, language: Language) -> None:
    text = feature(code, language)
    document = parse(text)
    assert document["language"] == language
    assert document["name"].endswith(f"({code})")
    for _, block in blocks(text):
        for phrase, _, rows in steps_of(block, language):
            assert (rows is None) == (phrase.table is None), phrase.key
            if rows is not None:
                assert tuple(rows[0]) == phrase.header(language)
                assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize(("code", "language"), BOTH)
def test_submission_tables_pass_validation(code: str, language: Language) -> None:
    procedure = registry().get(code)
    spec = procedure.spec
    text = feature(code, language)
    now = start(text)
    submissions = 0
    for key, block in blocks(text):
        for phrase, _, rows in steps_of(block, language):
            if phrase.key != "submit_with":
                continue
            submissions += 1
            assert key == "scenario"
            payload = payload_of(spec, rows)
            result = procedure.validate(payload, today=now.date(), now=now.astimezone(dt.UTC))
            assert result.ok, (block["name"], result.to_list())
            assert result.cleaned is not None
            case = procedure.pick_case(result.cleaned, now=now.astimezone(dt.UTC))
            late = case.deadlines.check_lead_times(result.cleaned, submitted_at=now)
            assert not late, block["name"]
    assert submissions == len(plan_feature(procedure).scenarios)


@pytest.mark.parametrize("code", CODES)
def test_every_declared_action_is_taken(code: str) -> None:
    spec = registry().get(code).spec
    everything = declared(spec)
    assert declared_actions(spec) == everything
    assert coverage_of(spec) == everything
    for language in LANGUAGES:
        assert walked(spec, feature(code, language), language) == everything


@pytest.mark.parametrize("code", CODES)
def test_every_case_has_a_scenario_to_each_final_step(code: str) -> None:
    spec = registry().get(code).spec
    plan = plan_feature(spec)
    for case in spec.effective_cases():
        ends = {s.edges[-1].to for s in plan.scenarios if s.case == case.id and s.edges}
        assert ends == {s.id for s in case.steps if s.final}


@pytest.mark.parametrize("code", CODES)
def test_output_is_deterministic(code: str) -> None:
    spec = registry().get(code).spec
    for language in LANGUAGES:
        assert feature_for(spec, language=language) == feature(code, language)
    again = Registry.from_path(DEFINITIONS).get(code)
    assert feature_for(again) == feature(code, "vi")


@pytest.mark.parametrize(("code", "language"), BOTH)
def test_bundled_features_need_no_todo(code: str, language: Language) -> None:
    assert "TODO" not in feature(code, language)


@pytest.mark.parametrize(("code", "language"), BOTH)
def test_background_sets_the_clock_the_procedure_and_one_user_per_officer_role(
    code: str, language: Language
) -> None:
    spec = registry().get(code).spec
    text = feature(code, language)
    assert text.startswith("# language: vi\n") == (language == "vi")
    background = next(block for key, block in blocks(text) if key == "background")
    found = [(p.key, v) for p, v, _ in steps_of(background, language)]
    moment = dt.datetime.combine(DEFAULT_TODAY, DEFAULT_MORNING)
    assert found[0] == ("today", {"moment": f"{moment:%d/%m/%Y %H:%M}"})
    assert found[1] == ("procedure", {"code": code})
    users = {v["role"]: v["name"] for k, v in found[2:] if k == "user"}
    acting = {
        action.role or step.role
        for case in spec.effective_cases()
        for step in case.steps
        for action in step.actions
    }
    assert set(users) == acting - {"applicant", "system", None}
    assert all(name == user_name(role) for role, name in users.items())
    keywords = {"vi": ("Tính năng:", "Bối cảnh:", "Kịch bản:"), "en": ("Feature:", "Background:")}
    assert all(word in text for word in keywords[language])


@pytest.mark.parametrize("code", CODES)
def test_the_due_date_is_checked_once_and_is_the_service_s(code: str) -> None:
    spec = registry().get(code).spec
    text = feature(code, "en")
    dues = [
        (block["name"], values["date"])
        for key, block in blocks(text)
        if key == "scenario"
        for phrase, values, _ in steps_of(block, "en")
        if phrase.key == "due_date"
    ]
    assert len(dues) == 1
    first = next(block for key, block in blocks(text) if key == "scenario")
    assert dues[0][0] == first["name"] or not any(c.deadline for c in spec.effective_cases())
    # the legal due date the service stores at submission (or once the clock starts)
    plan = plan_feature(spec)
    case = next(c for c in spec.effective_cases() if c.id == plan.scenarios[0].case)
    clock = CaseDeadlines(case)
    now = plan.moment.astimezone(dt.UTC)
    reading = clock.start(now, channel="online").read(now)
    if reading.legal_due is not None:
        due = clock.deadlines.calendar.local_date(reading.legal_due)
        assert dues[0][1] == f"{due:%d/%m/%Y}"


def test_known_due_dates() -> None:
    """01/04/2026 is a Wednesday: 1 working day is Thursday, 12 working days 17/04 (before
    the holidays of 27/04, 30/04 and 01/05), 30 days from acceptance 01/05, a holiday, so
    Monday 04/05; admissions are due by 25/06."""
    expected = {
        "BQP-NVQS-01": "02/04/2026",
        "BQP-NVQS-03": "02/04/2026",
        "BQP-CS-01": "17/04/2026",
        "BQP-UAV-01": "10/04/2026",
        "BQP-KN-01": "04/05/2026",
        "BQP-TSQS-01": "25/06/2026",
    }
    for code, due in expected.items():
        assert f'the due date is "{due}"' in feature(code, "en"), code


def test_apology_comes_once_the_dossier_is_late_with_a_later_date() -> None:
    text = feature("BQP-NVQS-03", "en")
    scenario = next(
        block for key, block in blocks(text) if key == "scenario" and "Apologise" in block["name"]
    )
    steps = list(steps_of(scenario, "en"))
    at = next(i for i, (p, v, _) in enumerate(steps) if v.get("action") == "apologise")
    wait, _, _ = steps[at - 1]
    assert wait.key == "working_days_pass"
    assert steps[at - 1][1] == {"count": "2"}  # due Thursday 02/04: Friday is late
    inputs = dict(steps[at][2][1:])
    assert inputs["new_appointment"] == "10/04/2026"
    assert inputs["reason"]


def test_applicant_actions_with_inputs_are_performed_as_the_applicant() -> None:
    text = feature("BQP-NVQS-03", "vi")  # the one-stop withdrawal requires a reason
    assert 'Khi người nộp thực hiện "withdraw" với:' in text
    assert 'performs "withdraw" with:' in feature("BQP-NVQS-03", "en")
    assert "người nộp bổ sung giấy tờ" in text
    assert 'người nộp thực hiện "withdraw"' in feature("BQP-NVQS-01", "vi")
    for language in LANGUAGES:  # the applicant is never named as a user
        assert '"applicant"' not in feature("BQP-NVQS-03", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_applicant_s_inputs_are_a_table(language: Language) -> None:
    text = feature("BQP-NVQS-03", language)
    withdrawals = [
        rows
        for key, block in blocks(text)
        if key == "scenario"
        for phrase, values, rows in steps_of(block, language)
        if phrase.key == "applicant_performs_with"
    ]
    assert withdrawals
    header = PHRASES["applicant_performs_with"].header(language)
    for rows in withdrawals:
        assert tuple(rows[0]) == header
        assert [path for path, _ in rows[1:]] == ["reason"]


def test_typed_values_follow_the_language() -> None:
    vi, en = feature("BQP-UAV-01", "vi"), feature("BQP-UAV-01", "en")
    assert re.search(r"\| max_takeoff_weight_kg\s*\| 2,5\s*\|", vi.replace("aircraft.", ""))
    assert re.search(r"\| max_takeoff_weight_kg\s*\| 2\.5\s*\|", en.replace("aircraft.", ""))
    assert re.search(r"\| pilots\.0\.full_name\s*\|", vi)
    assert re.search(r"\| has_representative\s*\| không\s*\|", feature("BQP-KN-01", "vi"))
    assert re.search(r"\| has_representative\s*\| no\s*\|", feature("BQP-KN-01", "en"))


def test_cases_are_selected_by_their_data() -> None:
    spec = registry().get("BQP-TSQS-01").spec
    cases = {s.case for s in plan_feature(spec).scenarios}
    assert cases == {"civilian", "serviceman"}
    assert "| unit.enlistment_date" in feature("BQP-TSQS-01", "vi")


def test_one_scenario_finishes_late() -> None:
    text = feature("BQP-NVQS-01", "en")
    late = [
        block["name"] for key, block in blocks(text) if "(the dossier is late)" in block["name"]
    ]
    assert len(late) == 1
    assert text.rstrip().endswith("And the dossier is late")
    assert "And the dossier is on time" in text


def test_another_day() -> None:
    text = feature_for(registry().get("BQP-NVQS-01").spec, language="en", today=dt.date(2026, 4, 8))
    assert 'Given today is "08/04/2026 09:00"' in text
    assert 'the due date is "09/04/2026"' in text


# --------------------------------------------------------------------------- what needs a TODO


def _spec(replace: Mapping[str, str] | None = None, append: str = "") -> ProcedureSpec:
    return ProcedureSpec.model_validate(yaml.safe_load(spec_text(dict(replace or {}), append)))


def test_a_guard_the_example_data_breaks_is_a_todo() -> None:
    spec = _spec({"to: done,": "to: done, when: \"full_name == 'Nobody'\","})
    text = feature_for(spec, language="en")
    assert "# TODO: the workflow refuses 'approve' here: " in text
    assert 'When "officer" performs "approve"' in text
    parse(text)


def test_a_case_no_data_selects_is_a_todo() -> None:
    spec = _spec(
        append="cases:\n  - {id: never, name: Never, when: 'false'}\n  - {id: usual, name: Usual}\n"
    )
    text = feature_for(spec)
    assert "# TODO: case 'never': no example data found that selects it" in text
    assert coverage_of(spec) == {("usual", "review", "approve")}


def test_an_apology_without_a_deadline_is_a_todo() -> None:
    apology = (
        "- {id: apologise, to: review, reschedules: true, requires: [reason, new_appointment]}\n"
        "      - {id: approve, to: done,"
    )
    spec = _spec({"deadline: 3 working days\n": "", "- {id: approve, to: done,": apology})
    text = feature_for(spec, language="en")
    assert "# TODO: the workflow refuses 'apologise' here: " in text
    assert coverage_of(spec) == {
        ("default", "review", "apologise"),
        ("default", "review", "approve"),
    }


def test_a_system_action_is_a_todo() -> None:
    automatic = "- {id: auto, to: done, role: system}\n      - {id: approve, to: done,"
    spec = _spec({"- {id: approve, to: done,": automatic})
    text = feature_for(spec, language="en")
    assert "# TODO: 'auto' is taken by the system: no step takes it" in text


def test_invalid_example_data_is_a_todo() -> None:
    rule = "rules:\n  - {check: \"full_name == 'Nobody'\", message: {vi: Sai, en: Wrong}}\n"
    text = feature_for(_spec(append=rule), language="en")
    assert "# TODO: the example data is not valid on 01/04/2026: the form: Wrong" in text


def test_an_invalid_workflow_is_a_todo_on_every_line() -> None:
    spec = _spec({"to: done,": "to: dnoe,"})
    text = feature_for(spec, language="en")
    assert "# TODO: case 'default' has an invalid workflow:\n#   - step 'review'" in text
    assert "Scenario" not in text
    parse(text)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    assert doctest.testmod(importlib.import_module(name)).failed == 0


def test_the_public_surface_is_complete() -> None:  # sorting: tests/test_public_api.py
    public = scenarios_package.__all__
    assert {"coverage_of", "declared_actions", "feature_for", "plan_feature"} <= set(public)
    modules = {m.name for m in pkgutil.iter_modules(scenarios_package.__path__)}
    assert {f"procgen.testing.scenarios.{m}" for m in modules} | {
        "procgen.testing.scenarios"
    } == set(MODULES)


# --------------------------------------------------------------------------- the command


def test_cli_writes_the_feature(tmp_path: Path) -> None:
    out = tmp_path / "nvqs.feature"
    result = runner.invoke(
        app, ["scenarios", "BQP-NVQS-01", "--definitions", str(DEFINITIONS), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert out.read_text(encoding="utf-8") == feature("BQP-NVQS-01", "vi")


def test_cli_prints_in_english_from_another_day() -> None:
    result = runner.invoke(
        app,
        [
            "scenarios",
            "BQP-NVQS-01",
            "-d",
            str(DEFINITIONS),
            "--lang",
            "en",
            "--today",
            "08/04/2026",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Generated by")
    assert 'Given today is "08/04/2026 09:00"' in result.output


def test_cli_rejects_an_unknown_code() -> None:
    result = runner.invoke(app, ["scenarios", "BQP-NOPE", "-d", str(DEFINITIONS)])
    assert result.exit_code == 2
    assert "no procedure 'BQP-NOPE'" in result.output
    assert all(code in result.output for code in CODES)


def test_cli_rejects_a_bad_date() -> None:
    result = runner.invoke(
        app, ["scenarios", "BQP-NVQS-01", "-d", str(DEFINITIONS), "--today", "2026-04-08"]
    )
    assert result.exit_code == 2
    assert "DD/MM/YYYY" in result.output


# --------------------------------------------------------------------------- for real


@pytest.mark.parametrize("code", CODES)
def test_generated_features_pass_against_the_step_library(
    code: str, pytester: pytest.Pytester
) -> None:
    pytester.makeini(f"[pytest]\nprocgen_definitions = {DEFINITIONS}\n")
    pytester.makepyfile(test_generated="from pytest_bdd import scenarios\nscenarios('.')\n")
    pytester.makefile(".feature", **{"generated_vi": feature(code, "vi")})
    if code == "BQP-NVQS-01":
        pytester.makefile(".feature", **{"generated_en": feature(code, "en")})
    result = pytester.inline_run("-p", "no:cacheprovider")
    count = len(plan_feature(registry().get(code).spec).scenarios)
    result.assertoutcome(passed=count * (2 if code == "BQP-NVQS-01" else 1))
