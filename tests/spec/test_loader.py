"""Loading specs: every error code an author can cause, at its exact line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

import procgen
from procgen.spec.diagnostics import CODES, Diagnostic, Severity
from procgen.spec.loader import load_sources, read_spec
from tests.spec.factory import MINIMAL, spec_text


def errors(text: str) -> list[Diagnostic]:
    return [d for d in read_spec(text, "t.yaml").diagnostics if d.severity is Severity.ERROR]


def test_minimal_spec_loads_clean() -> None:
    loaded = read_spec(MINIMAL, "t.yaml")
    assert loaded.diagnostics == ()
    assert loaded.spec is not None
    assert repr(loaded.spec) == "<ProcedureSpec T-01 v1: 3 fields, 2 steps, 1 case(s)>"


GROUP_FIELDS = "    fields:\n      - {id: phone, type: phone, label: {vi: Điện thoại, en: Phone}}\n"

# (id, text, code, line, column, words the message or hint must contain); a column given as
# text is where that text starts on the line, so each expectation reads off the spec itself.
CASES = [
    ("yaml-syntax", spec_text({"sector: test": "sector: [test"}), "yaml-syntax", 4, 6, ","),
    ("duplicate-key", spec_text(append="sector: again\n"), "duplicate-key", 28, 1, "line 3"),
    ("not-a-mapping", "- just\n- a list\n", "not-a-mapping", 1, 1, "mapping"),
    ("unknown-key", spec_text(append="colour: red\n"), "unknown-key", 28, 1, "colour"),
    (
        "unknown-key-did-you-mean",
        spec_text({"    status: 4\n": "    statsu: 4\n"}),
        "unknown-key",
        21,
        5,
        "did you mean 'status'",
    ),
    ("missing-key", spec_text({"level: commune\n": ""}), "missing-key", 1, 1, "level"),
    (
        "wrong-type",
        spec_text({"    status: 4\n": "    status: [4]\n"}),
        "wrong-type",
        21,
        13,
        "list",
    ),
    (
        "invalid-value",
        spec_text({"level: commune": "level: comune"}),
        "invalid-value",
        4,
        8,
        "did you mean 'commune'",
    ),
    (
        "bad-identifier",
        spec_text({"{id: approve,": "{id: Approve-Now,"}),
        "bad-identifier",
        23,
        "Approve-Now",
        "lower-case",
    ),
    (
        "bad-duration",
        spec_text({"3 working days": "3 workin days"}),
        "bad-duration",
        6,
        11,
        "did you mean 'working days'",
    ),
    (
        "bad-deadline",
        spec_text({"deadline: 3 working days": "deadline: {same_day: true, by: '25/06'}"}),
        "bad-deadline",
        6,
        11,
        "exactly one",
    ),
    (
        "bad-pattern",
        spec_text({"required: true}": "required: true, pattern: '[a-'}"}),
        "bad-pattern",
        10,
        "'[a-'",
        "regular expression",
    ),
    (
        "duplicate-id",
        spec_text({"{id: birth_date,": "{id: full_name,"}),
        "duplicate-id",
        11,
        "full_name",
        "line 10",
    ),
    (
        "unknown-field",
        spec_text(append="pages:\n  - {id: p1, title: Trang 1, fields: [full_nme]}\n"),
        "unknown-field",
        29,
        "full_nme",
        "did you mean 'full_name'",
    ),
    (
        "unknown-field-type",
        spec_text({"type: phone": "type: phnoe"}),
        "unknown-field-type",
        16,
        "phnoe",
        "did you mean 'phone'",
    ),
    (
        "unknown-role",
        spec_text({"    role: officer": "    role: oficer"}),
        "unknown-role",
        20,
        "oficer",
        "did you mean 'officer'",
    ),
    (
        "unknown-step",
        spec_text({"to: done": "to: dnoe"}),
        "unknown-step",
        23,
        "dnoe",
        "did you mean 'done'",
    ),
    (
        "unknown-input",
        spec_text({"to: done,": "to: done, requires: [reasn],"}),
        "unknown-input",
        23,
        "reasn",
        "did you mean 'reason'",
    ),
    (
        "unknown-pattern",
        spec_text(append="pattern: one_stp\n"),
        "unknown-pattern",
        28,
        10,
        "did you mean 'one_stop'",
    ),
    (
        "cel-syntax",
        spec_text({"required: true}": "required: true, when: 'birth_date >'}"}),
        "cel-syntax",
        10,
        "'}",
        "ends too early",
    ),
    (
        "cel-unknown-name",
        spec_text({"required: true}": "required: true, when: 'age > 17'}"}),
        "cel-unknown-name",
        10,
        "age",
        "'age'",
    ),
    (
        "cel-unknown-member",
        spec_text({"required: true}": "required: true, when: 'applicant.phnoe != \"\"'}"}),
        "cel-unknown-name",
        10,
        "phnoe",
        "did you mean 'phone'",
    ),
    (
        "not-applicable",
        spec_text({"type: text,": "type: text, options: [a],"}),
        "not-applicable",
        10,
        "options",
        "options",
    ),
    (
        "missing-options",
        spec_text({"type: text,": "type: choice,"}),
        "missing-options",
        10,
        5,
        "options",
    ),
    (
        "missing-fields",
        spec_text({GROUP_FIELDS: ""}),
        "missing-fields",
        12,
        5,
        "fields",
    ),
    (
        "bad-range",
        spec_text({"required: true}": "required: true, min_length: 9, max_length: 3}"}),
        "bad-range",
        10,
        "9, max",
        "min_length 9",
    ),
    ("missing-steps", spec_text({"steps:": "stepz:"}), "unknown-key", 17, 1, "did you mean"),
    (
        "missing-deadline",
        spec_text({"deadline: 3 working days\n": ""}),
        "missing-deadline",
        1,
        1,
        "deadline",
    ),
    (
        "final-step-actions",
        spec_text(append="    actions: [{id: reopen, to: review}]\n"),
        "final-step-actions",
        28,
        5,
        "final",
    ),
    (
        "not-a-date-field",
        spec_text(append="lead_times: [{field: full_name, at_least: 7 working days}]\n"),
        "not-a-date-field",
        28,
        "full_name",
        "not a date",
    ),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_error_is_located(text: str, code: str, line: int, column: int | str, words: str) -> None:
    if isinstance(column, str):
        column = text.splitlines()[line - 1].index(column) + 1
    found = errors(text)
    assert found, "expected an error"
    matching = [d for d in found if d.code == code]
    assert matching, f"no {code} in {[d.format() for d in found]}"
    first = matching[0]
    assert (first.line, first.column) == (line, column), first.format()
    assert words in first.format()


def test_unquoted_comma_in_a_text_gets_a_specific_hint() -> None:
    text = spec_text({"{vi: Họ tên, en: Full name}": "{vi: Họ, chữ đệm và tên, en: Full name}"})
    [found] = errors(text)
    assert found.code == "unknown-key"
    assert found.hint is not None
    assert "must be quoted" in found.hint


def test_missing_steps() -> None:
    text = spec_text(append="")
    cut = text[: text.index("steps:")]
    found = errors(cut)
    assert [(d.code, d.line, d.column) for d in found] == [("missing-steps", 1, 1)]


def test_all_problems_of_a_file_are_reported_at_once() -> None:
    text = spec_text(
        {
            "level: commune": "level: comune",
            "    role: officer": "    role: oficer",
            "to: done": "to: dnoe",
        },
        append="colour: red\n",
    )
    codes = sorted(d.code for d in errors(text))
    assert codes == ["invalid-value", "unknown-key", "unknown-role", "unknown-step"]


def test_problems_come_in_file_order() -> None:
    text = spec_text({"to: done": "to: dnoe", "level: commune": "level: comune"})
    lines = [d.line for d in errors(text)]
    assert lines == sorted(lines)


BIRTH_DATE = "  - {id: birth_date, type: date, label: {vi: Ngày sinh, en: Date of birth}}"

# One shape error each; every spec also gets a reference error and a CEL error further on.
SHAPE_ERRORS = [
    pytest.param({"  - id: done\n    label": "  - label"}, "missing-key", id="step-without-id"),
    pytest.param({"    status: 10": "    status: 42"}, "invalid-value", id="step-status"),
    pytest.param(
        {
            "{id: full_name, type: text, label: {vi: Họ tên, en: Full name}, required: true}": (
                "{id: full_name, type: text, required: true}"
            )
        },
        "missing-key",
        id="field-without-label",
    ),
    pytest.param({"required: true}": "required: maybe}"}, "wrong-type", id="field-attribute"),
    pytest.param(
        {
            "      - {id: phone, type: phone, label: {vi: Điện thoại, en: Phone}}": (
                "      - {id: phone, type: phone}"
            )
        },
        "missing-key",
        id="nested-field",
    ),
    pytest.param(
        {"  - {id: officer, label: {vi: Cán bộ, en: Officer}}": "  - {id: officer, label: 5}"},
        "wrong-type",
        id="role-label",
    ),
    pytest.param(
        {"deadline: 3 working days": "deadline: 3 wrking days"}, "bad-duration", id="deadline"
    ),
]


@pytest.mark.parametrize(("shape", "code"), SHAPE_ERRORS)
def test_shape_errors_do_not_hide_reference_and_condition_errors(
    shape: dict[str, str], code: str
) -> None:
    text = spec_text(
        {
            **shape,
            "to: done": "to: dnoe",
            BIRTH_DATE: BIRTH_DATE[:-1] + ", when: 'full_nam != \"\"'}",
        }
    )
    found = {(d.code, d.line) for d in errors(text)}
    [shape_line] = {line for kind, line in found if kind == code}
    assert found == {(code, shape_line), ("unknown-step", 23), ("cel-unknown-name", 11)}


def test_a_condition_is_checked_against_a_field_with_a_shape_error() -> None:
    # The field without a label stands in for itself: conditions naming it are fine, the
    # unknown name next to it is not, and the rule's own condition is still checked.
    text = spec_text(
        {"type: text, label: {vi: Họ tên, en: Full name}, required: true}": "type: text}"},
        append="rules:\n  - {check: 'full_name != \"\" && agee > 1', message: x}\n",
    )
    found = [(d.code, d.message) for d in errors(text)]
    assert [code for code, _ in found] == ["missing-key", "cel-unknown-name"]
    assert "'agee'" in found[1][1]


def test_items_after_a_pruned_item_keep_their_locations() -> None:
    text = spec_text(
        append=(
            "pages:\n"
            "  - {id: p1, fields: [full_name, nme]}\n"
            "  - {id: p2, title: T, fields: [birth_date, full_name]}\n"
            "  - {id: p3, title: U, fields: [aplicant]}\n"
        )
    )
    found = [(d.code, d.line, d.loc) for d in errors(text)]
    assert found == [
        ("missing-key", 29, ("pages", 0, "title")),
        ("unknown-field", 29, ("pages", 0, "fields", 1)),
        ("duplicate-id", 30, ("pages", 1, "fields", 1)),
        ("unknown-field", 31, ("pages", 2, "fields", 0)),
    ]


def test_a_real_omission_is_reported_with_the_shape_errors() -> None:
    text = spec_text({"deadline: 3 working days\n": "", "level: commune": "level: comune"})
    assert [d.code for d in errors(text)] == ["missing-deadline", "invalid-value"]


def test_what_the_pruning_removed_is_not_reported_as_missing() -> None:
    text = spec_text(
        {GROUP_FIELDS: "    fields: 5\n", "deadline: 3 working days": "deadline: 3 wrking days"}
    )
    assert [d.code for d in errors(text)] == ["bad-duration", "wrong-type"]


def test_block_scalar_condition_points_inside_the_expression() -> None:
    text = spec_text(
        {
            "  - {id: birth_date, type: date, label: {vi: Ngày sinh, en: Date of birth}}\n": (
                "  - id: birth_date\n"
                "    type: date\n"
                "    label: {vi: Ngày sinh, en: Date of birth}\n"
                "    when: |\n"
                "      full_name != ''\n"
                "        && agee > 3\n"
            )
        }
    )
    [found] = [d for d in errors(text) if d.code == "cel-unknown-name"]
    assert (found.line, found.column) == (16, 12)


def test_yaml_one_point_one_surprises_are_avoided() -> None:
    # `NO` stays a string (not false) and 15:00 stays a time (not the base-60 integer 900).
    text = spec_text(
        {
            "code: T-01": "code: NO",
            "deadline: 3 working days": "deadline: {same_day: true, cutoff: 15:00}",
        }
    )
    spec = read_spec(text, "t.yaml").spec
    assert spec is not None
    assert spec.code == "NO"
    assert spec.deadline is not None
    assert str(spec.deadline) == "same day (cut-off 15:00)"


def test_json_is_accepted() -> None:
    text = (
        '{"code": "J-1", "name": "Thử", "sector": "test", "level": "unit",\n'
        '"agency": {"name": "A"}, "deadline": "1 working day",\n'
        '"steps": [{"id": "done", "outcome": "approved"}], "colour": 1}'
    )
    [found] = errors(text)
    column = text.splitlines()[2].index('"colour"') + 1
    assert (found.code, found.line, found.column) == ("unknown-key", 3, column)


def test_load_raises_spec_error_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    text = spec_text({"to: done": "to: dnoe"}, append="colour: red\n")
    path.write_text(text, encoding="utf-8")
    column = text.splitlines()[22].index("dnoe") + 1
    with pytest.raises(procgen.SpecError) as caught:
        procgen.load(path)
    message = str(caught.value)
    assert f"{path}:23:{column}: unknown-step: unknown step 'dnoe'" in message
    assert f"{path}:28:1: unknown-key: unknown key 'colour'" in message
    assert "2 problems" in message
    assert isinstance(caught.value, ValueError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(procgen.SpecError) as caught:
        procgen.load(tmp_path / "nope.yaml")
    assert caught.value.diagnostics[0].code == "file-not-found"


def test_duplicate_procedure_across_directory(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MINIMAL, encoding="utf-8")
    results = load_sources([tmp_path])
    assert results[0].spec is not None
    [problem] = results[1].diagnostics
    assert (problem.code, problem.line, problem.column) == ("duplicate-procedure", 1, 7)
    assert "a.yaml" in problem.message
    with pytest.raises(procgen.SpecError):
        procgen.load_dir(tmp_path)
    (tmp_path / "b.yaml").write_text(MINIMAL.replace("code: T-01", "code: T-01\nversion: 2"))
    assert [s.version for s in procgen.load_dir(tmp_path)] == [1, 2]


def test_loading_is_deterministic() -> None:
    first = read_spec(MINIMAL, "t.yaml").spec
    second = read_spec(MINIMAL, "t.yaml").spec
    assert first == second
    assert first is not None
    assert second is not None
    assert first.model_dump_json() == second.model_dump_json()


def test_every_loader_code_is_tested() -> None:
    tested = {case[2] for case in CASES} | {
        "missing-steps",
        "file-not-found",
        "duplicate-procedure",
    }
    linter = {
        "unreachable-step",
        "no-path-to-final",
        "action-without-actor",
        "deadline-exceeds-legal",
        "field-never-shown",
        "document-never-required",
        "missing-english",
        "missing-status",
        "unused-role",
    }  # tested with positions in test_lint.py
    assert set(CODES) - tested - linter == set()
