"""No input gives a 500: extreme dates, numbers, NUL characters and long or odd texts, in the
fields of every bundled procedure, in action inputs and in queries, on both backends."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procgen.forms import example_payload, validate_payload
from procgen.service import User, WorklistQuery
from procgen.spec.inputs import BUILTIN_INPUTS
from procgen.spec.models import Field, ProcedureSpec
from procgen.workflow import BasicInputValidator
from tests.forms.factory import TODAY, form_spec
from tests.web.support import CITIZEN, NOW, Harness, file_json, officer, registry

OFFICER = officer("reception")
#: Values at the edges of what each kind of field could be sent.
EXTREME_DATES = [
    "9999-12-31",
    "0001-01-01",
    "1799-12-31",
    "2200-01-01",
    "31/12/9999",
    "01/01/0001",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59Z",
]
EXTREME_NUMBERS = [2**63, -(2**63) - 1, 10**30, -(10**30), 1e308, -1e308, 0, -1, 2**53 + 1]
EXTREME_TEXTS = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "\u202e\u2066",
    "\U0001f600" * 300,
    "e\u0301" * 600,
    "\ud7ff\ufffd\uffff",
    "\u200b",
    "\r\n" * 50,
    "%00",
    "../../etc/passwd",
    "' OR 1=1 --",
]
EXTREMES: list[Any] = [
    *EXTREME_DATES,
    *EXTREME_NUMBERS,
    *EXTREME_TEXTS,
    True,
    None,
    [],
    {},
    ["\x00"],
    {"\x00": "\x00"},
    [[[[]]]],
]


def _specs() -> list[ProcedureSpec]:
    return list(registry().specs(latest=True))


def _nvqs03() -> ProcedureSpec:
    return registry().get("BQP-NVQS-03").spec


def _valid(spec: ProcedureSpec) -> dict[str, Any]:
    return example_payload(spec, today=NOW.date())


def _file(h: Harness) -> tuple[str, int]:
    spec = _nvqs03()
    filed = h.submit(spec, _valid(spec))
    assert filed.status_code == 201, filed.text
    return filed.json()["id"], filed.json()["version"]


# --------------------------------------------------------------------------- 1. the worklist


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "1799-12-31",
        "2200-01-01T00:00:00Z",
        "0001-01-01",
    ],
)
def test_an_out_of_range_due_before_is_401_anonymous_and_422_signed_in(
    harness: Harness, value: str
) -> None:
    query = {"due_before": value}
    anonymous = harness.api(None).get("/dossiers", params=query)
    assert anonymous.status_code == 401, anonymous.text
    for user in (OFFICER, CITIZEN):
        answer = harness.api(user).get("/dossiers", params=query)
        assert answer.status_code == 422, answer.text
        assert [e["loc"] for e in answer.json()] == [["query", "due_before"]]
        assert "due_before" in answer.json()[0]["msg"]


@pytest.mark.parametrize("value", ["2199-12-31", "1800-01-01T00:00:00+14:00", "2026-04-16"])
def test_due_before_within_the_supported_years_is_answered(harness: Harness, value: str) -> None:
    _file(harness)
    answer = harness.api(OFFICER).get("/dossiers", params={"due_before": value})
    assert answer.status_code == 200, answer.text


def test_the_worklist_store_query_takes_the_extreme_instants(harness: Harness) -> None:
    """A direct service caller may pass any aware instant: the store does not overflow."""
    user = User(OFFICER, frozenset({"reception"}))
    west, east = dt.timezone(-dt.timedelta(hours=14)), dt.timezone(dt.timedelta(hours=14))
    for moment in (
        dt.datetime.max.replace(tzinfo=dt.UTC),
        dt.datetime.max.replace(tzinfo=west),
        dt.datetime.min.replace(tzinfo=east),
        dt.datetime.min.replace(tzinfo=dt.UTC),
    ):
        harness.service.worklist(user, WorklistQuery(due_before=moment))


# --------------------------------------------------------------------------- 2. rules (CEL)


def test_a_far_future_date_is_a_field_error_not_a_rule_crash(harness: Harness) -> None:
    spec = _nvqs03()
    for lang, word in (("vi", "không được sau ngày 31/12/2199"), ("en", "on or before")):
        data = _valid(spec) | {"leave_on": "9999-12-31"}
        answer = harness.api(CITIZEN).post(
            f"/procedures/{spec.code}/dossiers?lang={lang}",
            json={"data": data},
            headers={"Accept-Language": lang},
        )
        assert answer.status_code == 422, answer.text
        errors = {e["loc"][-1]: e for e in answer.json()}
        assert errors["leave_on"]["code"] == "max"
        assert word in errors["leave_on"]["msg"]


RULE = form_spec(
    """
    - {id: count, type: integer, label: {vi: Số lượng, en: Count}}
    """,
    """
    - check: "count * 1000 > 0"
      message: {vi: Số lượng phải là số dương., en: The count must be positive.}
      fields: [count]
    """,
)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("vi", "“Số lượng” không hợp lệ. Số lượng phải là số dương."),
        ("en", "“Count” is not valid. The count must be positive."),
    ],
)
def test_a_rule_that_fails_to_evaluate_is_a_field_error_and_is_logged(
    lang: str, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    now = dt.datetime(2026, 4, 15, tzinfo=dt.UTC)
    with caplog.at_level(logging.WARNING, logger="procgen.forms"):
        result = validate_payload(RULE, {"count": 2**63 - 1}, today=TODAY, now=now, locale=lang)
    assert [(e.loc, e.code, e.msg) for e in result.errors] == [(("count",), "rule", text)]
    logged = [r.getMessage() for r in caplog.records if r.name == "procgen.forms"]
    assert len(logged) == 1
    assert "T-FORMS-01 v1" in logged[0]
    assert "rules[0]" in logged[0]
    assert "overflow" in logged[0]


# --------------------------------------------------------------------------- 3. the legal clock


def test_an_apology_to_9999_is_refused_and_the_dossier_stays_usable(harness: Harness) -> None:
    dossier, version = _file(harness)
    api = harness.api(OFFICER)
    inputs = {"reason": "Hẹn lại", "new_appointment": "9999-12-31"}
    answer = api.act(dossier, "apologise", version, {"inputs": inputs})
    assert answer.status_code == 422, answer.text
    assert [e["loc"] for e in answer.json()] == [["inputs", "new_appointment"]]
    answer = api.act(
        dossier, "apologise", version, {"inputs": inputs | {"new_appointment": "2199-12-31"}}
    )
    assert answer.status_code == 200, answer.text
    answer = api.act(
        dossier,
        "request_supplement",
        answer.json()["version"],
        {"inputs": {"reason": "Thiếu giấy tờ"}},
    )
    assert answer.status_code == 200, answer.text
    for path in ("", "/events", "/actions"):
        assert api.get(f"/dossiers/{dossier}{path}").status_code == 200
    assert api.get("/dossiers").status_code == 200


# --------------------------------------------------------------------------- 4. NUL


@pytest.mark.parametrize("field", ["full_name", "reason"])  # a text, a textarea
def test_nul_in_a_field_is_a_field_error(harness: Harness, field: str) -> None:
    spec = _nvqs03()
    data = _valid(spec) | {field: "Nguyễn\x00Văn An"}
    answer = harness.api(CITIZEN).post(
        f"/procedures/{spec.code}/dossiers",
        json={"data": data, "documents": harness.documents(spec, _valid(spec))},
    )
    assert answer.status_code == 422, answer.text
    assert [e["loc"][-1] for e in answer.json()] == [field]


def test_nul_in_an_action_input_is_a_field_error(harness: Harness) -> None:
    dossier, version = _file(harness)
    answer = harness.api(OFFICER).act(
        dossier, "request_supplement", version, {"inputs": {"reason": "Thiếu\x00 giấy tờ"}}
    )
    assert answer.status_code == 422, answer.text
    assert [e["loc"] for e in answer.json()] == [["inputs", "reason"]]


def test_nul_in_a_file_name_is_a_422(harness: Harness) -> None:
    spec = _nvqs03()
    documents = {k: file_json("don\x00.pdf") for k in harness.documents(spec, _valid(spec))}
    answer = harness.api(CITIZEN).post(
        f"/procedures/{spec.code}/dossiers", json={"data": _valid(spec), "documents": documents}
    )
    assert answer.status_code == 422, answer.text


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/track/%00", {404}),
        ("/track/000.00.31.H29-260415-0001%00?secret=%00", {404}),
        ("/api/dossiers?procedure=%00", {422}),
        ("/api/dossiers?step=a%00b", {422}),
        ("/api/dossiers/%00", {404}),
        ("/api/dossiers/%00/events", {404}),
        ("/api/procedures/%00", {404}),
        ("/api/dossiers?due_before=2026-01-01%00", {422}),
    ],
)
def test_nul_in_paths_and_queries_is_a_404_or_422(
    harness: Harness, path: str, statuses: set[int]
) -> None:
    _file(harness)
    answer = harness.client.get(path, headers=harness.api(OFFICER).headers())
    assert answer.status_code in statuses, (path, answer.status_code, answer.text[:300])


# --------------------------------------------------------------------------- the property


def _leaves(fields: tuple[Field, ...], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for field in fields:
        if field.type == "group":
            out += _leaves(field.fields, (*prefix, field.id))
        else:
            out.append((*prefix, field.id))
    return out


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def _every_input() -> list[Field]:
    found = {f.id: f for f in BUILTIN_INPUTS.values()}
    for spec in _specs():
        for case in spec.effective_cases():
            for step in case.steps:
                for action in step.actions:
                    found.update({f.id: f for f in action.inputs})
    return sorted(found.values(), key=lambda f: f.id)


EXTREME = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(min_size=0, max_size=40),
    st.integers(),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
)
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=st.data())
def test_extreme_values_in_every_field_and_input_never_give_a_5xx(
    harness: Harness, data: st.DataObject
) -> None:
    """Every leaf field of every bundled procedure gets an extreme value (all of them at once,
    then one at a time for a few), and every action of a fresh dossier's first step gets
    extreme inputs."""
    for spec in _specs():
        valid = _valid(spec)
        leaves = _leaves(spec.fields)
        payload = _valid(spec)
        for path in leaves:
            _put(payload, path, data.draw(EXTREME, label=".".join(path)))
        for sent in (payload, valid):
            one = copy.deepcopy(sent)
            path = data.draw(st.sampled_from(leaves), label=f"{spec.code} field")
            _put(one, path, data.draw(EXTREME, label="value"))
            answer = harness.api(CITIZEN).post(
                f"/procedures/{spec.code}/dossiers", json={"data": one}
            )
            assert answer.status_code < 500, (spec.code, path, answer.text[:300])
        first = spec.effective_cases()[0].steps[0]
        if not first.actions:
            continue
        filed = harness.submit(spec, _valid(spec))
        assert filed.status_code == 201, filed.text
        dossier = filed.json()["id"]
        for action in first.actions:
            names = [*action.requires, *(f.id for f in action.inputs)]
            inputs = {name: data.draw(EXTREME, label=name) for name in names}
            answer = harness.api(officer(first.role or "reception")).act(
                dossier, action.id, None, {"inputs": inputs}
            )
            assert answer.status_code < 500, (spec.code, action.id, inputs, answer.text[:300])
            if answer.status_code == 200:
                break
        assert harness.api(OFFICER).get(f"/dossiers/{dossier}").status_code < 500


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(_every_input()), value=EXTREME)
def test_extreme_action_inputs_are_cleaned_or_problems(field: Field, value: Any) -> None:
    """Every action input of every bundled procedure: a value is cleaned, within the supported
    years for dates, or is a problem; nothing raises."""
    cleaned, problems = BasicInputValidator().validate([field], {field.id: value})
    for got in cleaned.values():
        if isinstance(got, dt.date):
            assert dt.date(1800, 1, 1) <= got <= dt.date(2199, 12, 31)
        if isinstance(got, str):
            assert "\x00" not in got
    assert cleaned or problems or value in (None, "", [], {}) or not field.required
