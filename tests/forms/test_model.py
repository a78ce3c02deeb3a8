"""payload_model: nested models, strictness, caching, and the errors that come from checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import procgen
from procgen.forms import error_check, example_payload, payload_model, validate_payload
from procgen.forms._model import compile_form
from tests.forms.factory import TODAY, bundled, form_spec


def test_the_model_is_built_once_per_compiled_form() -> None:
    spec = bundled()["uav-cap-phep-bay"]
    form = compile_form(spec)
    model = payload_model(form)
    assert issubclass(model, BaseModel)
    assert payload_model(form) is model
    assert procgen.compile(spec).model is not model  # another compilation, its own model
    assert payload_model(spec) is not model  # a bare spec is compiled on each call
    assert repr(form) == "<CompiledForm BQP-UAV-01 v1: 36 fields>"


def test_nested_groups_and_lists_are_models() -> None:
    spec = bundled()["uav-cap-phep-bay"]
    payload = example_payload(spec, today=TODAY)
    instance = payload_model(spec).model_validate(payload)
    dumped = instance.model_dump(by_alias=True, exclude_none=True)
    assert dumped["applicant"]["phone"].startswith("+84")
    assert isinstance(dumped["pilots"], list)
    assert isinstance(dumped["pilots"][0]["birth_date"], dt.date)
    assert set(dumped) == set(payload)


def test_structural_errors_and_check_errors() -> None:
    spec = bundled()["nvqs-dang-ky-lan-dau"]
    payload = example_payload(spec, today=TODAY)
    model = payload_model(spec)
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**payload, "citizen_id": "003206123456", "birth_date": "2006-02-30"})
    checks = sorted(str(error_check(error)) for error in caught.value.errors())
    assert checks == ["citizen_id", "date"]
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**payload, "citizen_id": "0032061234", "phone": 912345678})
    assert [error_check(error) for error in caught.value.errors()] == [None, None]


def test_when_fields_are_optional_in_the_model() -> None:
    spec = bundled()["nvqs-dang-ky-lan-dau"]
    payload = example_payload(spec, today=TODAY)
    assert "school_name" not in payload
    payload_model(spec).model_validate({**payload, "still_at_school": True})  # no error here
    result = validate_payload(spec, {**payload, "still_at_school": True}, today=TODAY)
    assert [(e.loc, e.code) for e in result.errors] == [(("school_name",), "required")]


def test_a_group_with_required_fields_is_required() -> None:
    spec = bundled()["chinh-sach-tro-cap-mot-lan"]
    payload = {k: v for k, v in example_payload(spec, today=TODAY).items() if k != "beneficiary"}
    with pytest.raises(ValidationError) as caught:
        payload_model(spec).model_validate(payload)
    assert [error["loc"] for error in caught.value.errors()] == [("beneficiary",)]
    # validate_payload names each missing field instead, for the error summary.
    result = validate_payload(spec, payload, today=TODAY)
    assert [e.loc for e in result.errors] == [
        ("beneficiary", "full_name"),
        ("beneficiary", "birth_date"),
        ("beneficiary", "citizen_id"),
        ("beneficiary", "permanent_address"),
    ]


def test_citizen_id_and_birth_date_are_checked_in_the_model() -> None:
    spec = bundled()["nvqs-dang-ky-lan-dau"]
    payload: dict[str, Any] = example_payload(spec, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        payload_model(spec).model_validate({**payload, "birth_date": "1999-01-01"})
    [error] = caught.value.errors()
    assert error_check(error) == "citizen_id_birth_date"
    assert error["ctx"]["field"] == "citizen_id"


def test_only_builds_a_model_of_the_page() -> None:
    form = compile_form(bundled()["uav-cap-phep-bay"])
    page = form.model(frozenset({"pilots"}))
    assert form.model(frozenset({"pilots"})) is page
    assert set(page.model_fields) == {"f_pilots"}


def test_null_is_absent_for_optional_fields_only() -> None:
    spec = form_spec(
        """
        - {id: name, type: text, label: Tên, required: true}
        - {id: note, type: text, label: Ghi chú}
        """
    )
    model = payload_model(spec)
    assert model.model_validate({"name": "An", "note": None}).model_dump(by_alias=True) == {
        "name": "An",
        "note": None,
    }
    with pytest.raises(ValidationError):
        model.model_validate({"name": None})


def test_partial_values_for_conditions() -> None:
    spec = form_spec(
        """
        - {id: agree, type: boolean, label: Đồng ý, default: true}
        - {id: count, type: integer, label: Số}
        - id: person
          type: group
          label: Người
          fields:
            - {id: email, type: email, label: Thư}
            - {id: born, type: date, label: Sinh}
        - id: rows
          type: list
          label: Dòng
          fields: [{id: n, type: integer, label: N}]
        """
    )
    form = compile_form(spec)
    values = form.values(
        {"count": "5", "person": {"email": "sai", "born": "01/02/2000"}, "rows": [{}, {"n": 2}]}
    )
    assert values == {
        "agree": True,  # absent: the default
        "count": None,  # invalid: None at the top level
        "person": {"born": dt.date(2000, 2, 1)},  # invalid inside a group: left out
        "rows": [{}, {"n": 2}],
    }
    hidden = form.values({"count": 5}, frozenset({("agree",)}))
    assert hidden == {"agree": True, "count": None, "person": None, "rows": None}
    only = form.values({"count": 5, "agree": False}, names=frozenset({"count"}))
    assert only == {"agree": None, "count": 5, "person": None, "rows": None}


def test_a_list_annotation_carries_its_sizes() -> None:
    spec = bundled()["uav-cap-phep-bay"]
    model = payload_model(spec)
    row = example_payload(spec, today=TODAY)["pilots"][0]
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**example_payload(spec, today=TODAY), "pilots": [row] * 11})
    [error] = caught.value.errors()
    assert (error["type"], error["loc"]) == ("too_long", ("pilots",))


def test_a_custom_registry_has_its_own_models() -> None:
    from procgen.forms import default_field_types

    spec = bundled()["nvqs-dang-ky-lan-dau"]
    registry = default_field_types()
    procedure = procgen.compile(spec, field_types=registry)
    assert procedure.field_types is registry
    assert procedure.model is not procgen.compile(spec).model
    assert procedure.model is procedure.model
