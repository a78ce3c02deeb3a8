"""Property tests: random valid specs survive YAML dump -> load unchanged; loading is pure."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

import procgen
from procgen.spec.models import ProcedureSpec

IDS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
WORDS = (
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãềếệểễọốộổỗờớợởỡụứừửữựíìịỉĩ ",
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
TEXTS = st.one_of(WORDS, st.fixed_dictionaries({"vi": WORDS}, optional={"en": WORDS}))
UNITS = ["working days", "working hours", "days", "months", "ngày làm việc", "giờ"]
DURATIONS = st.builds(lambda n, unit: f"{n} {unit}", st.integers(1, 40), st.sampled_from(UNITS))
DEADLINES = st.one_of(
    DURATIONS,
    st.just("same day"),
    st.builds(lambda d, m: f"by {d:02d}/{m:02d}", st.integers(1, 28), st.integers(1, 12)),
    st.builds(lambda h: {"same_day": True, "cutoff": f"{h:02d}:30"}, st.integers(8, 16)),
)


@st.composite
def fields(draw: st.DrawFn, depth: int = 0) -> list[dict[str, Any]]:
    names = draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
    result = []
    for name in names:
        kinds = ["text", "integer", "date", "choice", "boolean", "email"]
        if depth < 2:
            kinds += ["group", "list"]
        kind = draw(st.sampled_from(kinds))
        item: dict[str, Any] = {"id": name, "type": kind, "label": draw(TEXTS)}
        if draw(st.booleans()):
            item["required"] = True
        if kind == "text" and draw(st.booleans()):
            item["max_length"] = draw(st.integers(1, 500))
        if kind == "integer" and draw(st.booleans()):
            low = draw(st.integers(-100, 100))
            item["minimum"], item["maximum"] = low, low + draw(st.integers(0, 100))
        if kind == "choice":
            item["options"] = draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
        if kind in ("group", "list"):
            item["fields"] = draw(fields(depth + 1))
        if kind == "list" and draw(st.booleans()):
            item["min_items"] = draw(st.integers(0, 3))
        result.append(item)
    return result


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    roles = draw(
        st.lists(
            IDS.filter(lambda r: r not in ("applicant", "system")),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    step_ids = draw(st.lists(IDS, min_size=2, max_size=6, unique=True))
    finals = step_ids[-1:]
    steps: list[dict[str, Any]] = []
    for index, step_id in enumerate(step_ids):
        step: dict[str, Any] = {"id": step_id, "label": draw(TEXTS)}
        if draw(st.booleans()):
            step["status"] = draw(st.integers(0, 10))
        if step_id in finals:
            step["outcome"] = draw(st.sampled_from(["approved", "refused", "withdrawn"]))
        else:
            step["role"] = draw(st.sampled_from(roles))
            if draw(st.booleans()):
                step["deadline"] = draw(DURATIONS)
            targets = draw(
                st.lists(
                    st.sampled_from(step_ids[index + 1 :]), min_size=1, max_size=2, unique=True
                )
            )
            step["actions"] = [
                {"id": f"go_{n}", "to": target, "label": draw(TEXTS)}
                for n, target in enumerate(targets)
            ]
        steps.append(step)
    documents = [
        {
            "id": name,
            "label": draw(TEXTS),
            "copies": draw(st.integers(0, 3)),
            "max_size": draw(st.sampled_from(["1MB", "10MB", 2048])),
        }
        for name in draw(st.lists(IDS, max_size=3, unique=True))
    ]
    data: dict[str, Any] = {
        "code": draw(st.from_regex(r"[A-Z]{2,4}-[0-9]{2}", fullmatch=True)),
        "version": draw(st.integers(1, 9)),
        "name": draw(TEXTS),
        "sector": draw(st.from_regex(r"[a-z]{3,8}", fullmatch=True)),
        "level": draw(st.sampled_from(["ministry", "province", "commune", "unit"])),
        "agency": {"name": draw(TEXTS)},
        "deadline": draw(DEADLINES),
        "roles": roles,
        "fields": draw(fields()),
        "documents": documents,
        "steps": steps,
    }
    case_ids = draw(st.lists(IDS, max_size=2, unique=True))
    if case_ids:
        data["cases"] = [
            {"id": c, "name": draw(TEXTS), "deadline": draw(DEADLINES)} for c in case_ids
        ]
    return data


def dump(spec: ProcedureSpec) -> str:
    return yaml.safe_dump(
        spec.model_dump(mode="json", exclude_defaults=True), allow_unicode=True, sort_keys=False
    )


@given(specs())
def test_dump_then_load_gives_the_same_spec(data: dict[str, Any]) -> None:
    spec = procgen.loads(yaml.safe_dump(data, allow_unicode=True), "generated.yaml")
    text = dump(spec)
    again = procgen.loads(text, "dumped.yaml")
    assert again == spec
    assert dump(again) == text


@given(specs())
def test_loading_is_deterministic(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    first, second = procgen.loads(text), procgen.loads(text)
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


@given(specs())
def test_python_built_spec_equals_yaml_loaded(data: dict[str, Any]) -> None:
    # The same models serve YAML authors and Python developers.
    from_yaml = procgen.loads(yaml.safe_dump(data, allow_unicode=True))
    assert ProcedureSpec.model_validate(data) == from_yaml
