"""procgen.compile, Procedure and Registry: one compile step, shared by every part of the app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import procgen
from procgen.errors import ConfigurationError
from procgen.forms import default_field_types, example_payload
from procgen.procedure import Procedure, UnknownCase
from procgen.registry import UnknownProcedure
from procgen.testing.wizard import make_client
from procgen.workflow import Deadlines, WorkingCalendar
from tests.conftest import DEFINITIONS

ADMISSIONS = DEFINITIONS / "tuyen-sinh-quan-su-so-tuyen.yaml"
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)


def test_compile_builds_every_case_once() -> None:
    spec = procgen.load(ADMISSIONS)
    procedure = procgen.compile(spec)
    assert isinstance(procedure, Procedure)
    assert (procedure.code, procedure.version) == (spec.code, spec.version)
    assert [c.id for c in procedure.cases] == [c.id for c in spec.effective_cases()]
    for case in procedure.cases:
        assert case.procedure is procedure
        assert procedure.case(case.id) is case
        assert case.machine.step(case.case.steps[0].id).id == case.case.steps[0].id
    assert procedure.model is procedure.model  # built on first use, then kept
    assert procedure.schema() == procedure.schema()
    assert procedure.schema() is not procedure.schema()  # a copy each time
    assert procedure.staff_roles == spec.role_ids() - {"applicant", "system"}


def test_compile_takes_the_calendar_and_the_field_types() -> None:
    spec = procgen.load(ADMISSIONS)
    types = default_field_types()
    calendar = WorkingCalendar()
    procedure = procgen.compile(spec, calendar=calendar, field_types=types)
    assert procedure.field_types is types
    assert procedure.calendar is calendar
    deadlines = Deadlines(calendar)
    assert procgen.compile(spec, calendar=deadlines).deadlines is deadlines


def test_a_field_type_unknown_to_the_registry_is_a_configuration_error() -> None:
    spec = procgen.load(ADMISSIONS)
    types = default_field_types()
    types._types.pop("date")  # a deployment that dropped a built-in type
    with pytest.raises(ConfigurationError, match=r"has type 'date', which the field-type"):
        procgen.compile(spec, field_types=types)


def test_unknown_cases_and_procedures_say_what_they_meant() -> None:
    registry = procgen.Registry.from_path(DEFINITIONS)
    procedure = registry.get("BQP-TSQS-01")
    known = [c.id for c in procedure.cases]
    with pytest.raises(UnknownCase, match=rf"did you mean '{known[0]}'\?"):
        procedure.case(known[0] + "x")
    with pytest.raises(
        UnknownProcedure, match=r"no procedure 'BQP-TSQS-1'; did you mean 'BQP-TSQS-01'\?"
    ):
        registry.get("BQP-TSQS-1")
    with pytest.raises(UnknownProcedure, match=r"has no version 9 \(has 1\)"):
        registry.get("BQP-TSQS-01", 9)
    with pytest.raises(KeyError):  # still a KeyError for code written against dict-like lookups
        registry.get("NOPE")


def test_the_case_and_its_documents_follow_the_answers() -> None:
    procedure = procgen.Registry.from_path(DEFINITIONS).get("BQP-KN-01")
    standard, remote = procedure.case("standard"), procedure.case("remote")
    data = example_payload(procedure.form, today=NOW.date())
    assert procedure.pick_case({**data, "remote_area": True}, now=NOW) is remote
    assert procedure.pick_case({**data, "remote_area": False}, now=NOW) is standard
    # an answer a condition needs is missing: the condition does not hold
    assert procedure.pick_case({}, now=NOW) is procedure.cases[0]

    def documents(**answers: Any) -> set[str]:
        found = procedure.documents_for(standard, {**data, **answers}, now=NOW)
        return {d.id for d in found}

    assert "contested_decision" in documents(subject_kind="decision")
    assert "contested_decision" not in documents(subject_kind="act")
    assert "authorisation" in documents(has_representative=True)
    assert "authorisation" not in documents(has_representative=False)
    unconditional = {d.id for d in standard.case.documents if d.when is None}
    assert unconditional <= documents()


def test_a_registry_keeps_a_procedure_compiled_with_its_settings() -> None:
    registry = procgen.Registry.from_path(DEFINITIONS)
    procedure = registry.get("BQP-UAV-01")
    again = procgen.Registry(
        [procedure], calendar=registry.deadlines, field_types=registry.field_types
    )
    assert again.get("BQP-UAV-01") is procedure
    other = procgen.Registry([procedure])  # other field types: compiled again
    assert other.get("BQP-UAV-01") is not procedure
    assert other.get("BQP-UAV-01").spec is procedure.spec
    assert list(registry.specs(latest=True)) == [p.spec for p in registry]


def test_the_app_compiles_once_and_every_part_shares_the_procedures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = procgen.Registry.from_path(DEFINITIONS)
    compiled: list[Procedure] = []
    original = Procedure.__init__

    def counting(self: Procedure, *args: Any, **kwargs: Any) -> None:
        compiled.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Procedure, "__init__", counting)
    app = procgen.create_app(
        registry, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", create_schema=True
    )
    service = app.state.procgen_service
    assert service.registry is registry
    seen: list[Procedure] = []
    for get in (service.catalogue.procedure, registry.get):
        seen.append(get("BQP-NVQS-03"))
    assert seen[0] is seen[1]
    with make_client(app) as client:
        assert client.get("/api/procedures/BQP-NVQS-03/schema").status_code == 200
        assert client.get("/api/openapi.json").status_code == 200
        start = client.get("/dich-vu/BQP-NVQS-03/")
        assert start.status_code == 200
        assert client.get("/dich-vu/").status_code == 200
        assert client.get("/services").status_code in (200, 404)
    assert compiled == [], "a part of the app compiled a spec again instead of using the registry"
