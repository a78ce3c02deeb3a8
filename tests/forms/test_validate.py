"""validate_payload: ``when`` (hidden = not required, not stored), rules, cleaned data, errors."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from procgen.errors import ConfigurationError
from procgen.expr import ExprEvaluationError
from procgen.forms import (
    FieldError,
    FormResult,
    error_check,
    example_payload,
    payload_model,
    validate_payload,
    visible,
)
from procgen.forms._native import EXACT, FAST
from tests.forms.factory import TODAY, bundled, form_spec

FIELDS = """
- {id: has_representative, type: boolean, label: {vi: Có người đại diện, en: Has a representative}}
- id: representative
  type: group
  label: {vi: Người đại diện, en: Representative}
  when: has_representative
  fields:
    - {id: full_name, type: text, label: {vi: Họ và tên, en: Full name}, required: true}
    - {id: phone, type: phone, label: {vi: Điện thoại, en: Phone}, required: true}
- id: subject
  type: choice
  label: {vi: Đối tượng khiếu nại, en: Subject}
  required: true
  options: [{value: decision, label: Quyết định}, {value: act, label: Hành vi}]
- id: decision_date
  type: date
  label: {vi: Ngày ban hành quyết định, en: Date of the decision}
  required: true
  when: "subject == 'decision'"
- id: learned_on
  type: date
  label: {vi: Ngày biết được, en: Date learned}
  required: true
  rules:
    - check: "learned_on <= today"
      message: {vi: Ngày biết được không thể sau hôm nay., en: The date cannot be in the future.}
- {id: note, type: text, label: {vi: Ghi chú, en: Note}}
- id: pilots
  type: list
  label: {vi: Người điều khiển, en: Pilots}
  required: true
  max_items: 3
  fields:
    - {id: name, type: text, label: {vi: Họ và tên, en: Full name}, required: true}
    - id: age
      type: integer
      label: {vi: Tuổi, en: Age}
      required: true
      rules:
        - check: "item.age >= 18"
          message: {vi: Người điều khiển phải đủ 18 tuổi., en: A pilot must be 18 or older.}
    - id: licence
      type: text
      label: {vi: Số giấy phép, en: Licence}
      required: true
      when: "item.age >= 21"
"""
RULES = """
- check: "subject != 'decision' || decision_date <= learned_on"
  message: {vi: Ngày biết được phải sau ngày ban hành., en: You learned of it after it was issued.}
  fields: [learned_on]
- check: "pilots.all(p, pilots.exists_one(q, q.name == p.name))"
  message: {vi: Một người được khai hai lần., en: The same pilot is listed twice.}
  fields: [pilots.name]
- check: "note == null || size(note) > 3"
  message: {vi: Ghi chú quá ngắn., en: The note is too short.}
"""
VALID: dict[str, Any] = {
    "has_representative": False,
    "subject": "act",
    "learned_on": "2026-04-01",
    "pilots": [{"name": "Nguyễn Văn An", "age": 20}],
}


@pytest.fixture(scope="module")
def spec() -> Any:
    return form_spec(FIELDS, RULES)


def run(spec: Any, data: dict[str, Any], **options: Any) -> FormResult:
    return validate_payload(spec, data, today=TODAY, **options)


def locs(result: FormResult) -> list[tuple[tuple[str | int, ...], str]]:
    return [(error.loc, error.code) for error in result.errors]


def test_a_valid_payload_is_cleaned(spec: Any) -> None:
    result = run(spec, VALID)
    assert result.ok
    assert result.errors == ()
    assert result.cleaned == {**VALID, "learned_on": dt.date(2026, 4, 1)}


# --------------------------------------------------------------------------- when


def test_a_hidden_field_is_not_stored_even_when_invalid(spec: Any) -> None:
    data = {**VALID, "representative": {"full_name": "", "phone": "12"}, "decision_date": "x"}
    result = run(spec, data)
    assert result.ok
    assert result.cleaned is not None
    assert "representative" not in result.cleaned
    assert "decision_date" not in result.cleaned


def test_a_shown_group_reports_each_missing_field(spec: Any) -> None:
    result = run(spec, {**VALID, "has_representative": True})
    assert locs(result) == [
        (("representative", "full_name"), "required"),
        (("representative", "phone"), "required"),
    ]
    representative = {"full_name": "Trần Thị Bình", "phone": "0912 345 678"}
    shown = run(spec, {**VALID, "has_representative": True, "representative": representative})
    assert shown.cleaned is not None
    assert shown.cleaned["representative"] == {
        "full_name": "Trần Thị Bình",
        "phone": "+84912345678",
    }


def test_a_required_field_is_required_only_while_shown(spec: Any) -> None:
    assert run(spec, VALID).ok
    result = run(spec, {**VALID, "subject": "decision"})
    assert locs(result) == [(("decision_date",), "required")]
    assert result.errors[0].msg == "Vui lòng nhập “Ngày ban hành quyết định”."


def test_an_absent_boolean_is_false(spec: Any) -> None:
    data = {k: v for k, v in VALID.items() if k != "has_representative"}
    result = run(spec, data)
    assert result.cleaned is not None
    assert result.cleaned["has_representative"] is False


def test_when_inside_a_list_sees_its_row(spec: Any) -> None:
    data = {
        **VALID,
        "pilots": [{"name": "An", "age": 25}, {"name": "Bình", "age": 20, "licence": "GP-1"}],
    }
    result = run(spec, data)
    assert locs(result) == [(("pilots", 0, "licence"), "required")]
    assert result.errors[0].msg == "Vui lòng nhập “Người điều khiển, mục 1: Số giấy phép”."
    data["pilots"][0]["licence"] = "GP-2"
    cleaned = run(spec, data).cleaned
    assert cleaned is not None
    assert cleaned["pilots"] == [
        {"name": "An", "age": 25, "licence": "GP-2"},
        {"name": "Bình", "age": 20},
    ]


def test_visible_lists_the_shown_paths(spec: Any) -> None:
    data = {**VALID, "subject": "decision", "pilots": [{"name": "An", "age": 30}, {"age": "?"}]}
    shown = visible(spec, data, today=TODAY)
    assert ("decision_date",) in shown
    assert ("representative",) not in shown
    assert ("representative", "phone") not in shown
    assert ("pilots", 0, "licence") in shown
    assert ("pilots", 1, "licence") not in shown  # an invalid age cannot show it
    assert ("pilots", 1, "name") in shown
    hidden_too = visible(spec, {**data, "has_representative": True}, today=TODAY)
    assert ("representative", "phone") in hidden_too


def test_a_hidden_field_counts_as_absent_for_other_conditions() -> None:
    spec = form_spec(
        """
        - {id: a, type: boolean, label: A}
        - {id: b, type: boolean, label: B, when: a}
        - {id: c, type: text, label: C, required: true, when: b}
        """
    )
    assert run(spec, {"a": True, "b": True}).errors[0].loc == ("c",)
    assert run(spec, {"a": False, "b": True, "c": "x"}).cleaned == {"a": False}


def test_conditions_that_depend_on_each_other_terminate() -> None:
    spec = form_spec(
        """
        - {id: a, type: boolean, label: A, when: "b == null || b"}
        - {id: b, type: boolean, label: B, when: "a == null || a"}
        """
    )
    assert isinstance(visible(spec, {"a": True, "b": False}), frozenset)


# --------------------------------------------------------------------------- rules


def test_a_field_rule_is_reported_on_its_field_in_both_languages(spec: Any) -> None:
    data = {**VALID, "learned_on": "2026-05-01"}
    assert locs(run(spec, data)) == [(("learned_on",), "rule")]
    assert run(spec, data).errors[0].msg == "Ngày biết được không thể sau hôm nay."
    assert run(spec, data, locale="en").errors[0].msg == "The date cannot be in the future."


def test_a_form_rule_goes_to_the_fields_it_names(spec: Any) -> None:
    data = {**VALID, "subject": "decision", "decision_date": "2026-04-10"}
    result = run(spec, data)
    assert locs(result) == [(("learned_on",), "rule")]
    assert result.errors[0].msg == "Ngày biết được phải sau ngày ban hành."


def test_a_rule_on_a_list_field_runs_per_row(spec: Any) -> None:
    data = {**VALID, "pilots": [{"name": "An", "age": 20}, {"name": "Bình", "age": 16}]}
    assert locs(run(spec, data)) == [(("pilots", 1, "age"), "rule")]


def test_a_form_rule_about_rows_goes_to_the_list(spec: Any) -> None:
    data = {**VALID, "pilots": [{"name": "An", "age": 20}, {"name": "An", "age": 19}]}
    assert locs(run(spec, data)) == [(("pilots",), "rule")]


def test_a_rule_without_fields_goes_to_the_whole_form(spec: Any) -> None:
    assert locs(run(spec, {**VALID, "note": "ok"})) == [((), "rule")]
    assert run(spec, {**VALID, "note": "long enough"}).ok


def test_rules_wait_for_their_fields_to_be_valid(spec: Any) -> None:
    data = {**VALID, "subject": "decision", "decision_date": "2026-04-10", "learned_on": "hôm qua"}
    assert locs(run(spec, data)) == [(("learned_on",), "date")]


def test_a_rule_that_needs_an_absent_value_is_skipped() -> None:
    spec = form_spec(
        """
        - {id: start, type: date, label: Từ ngày}
        - {id: end, type: date, label: Đến ngày}
        """,
        """
        - {check: "end >= start", message: Sai thứ tự., fields: [end]}
        """,
    )
    assert run(spec, {"end": "2026-01-01"}).ok
    assert locs(run(spec, {"start": "2026-02-01", "end": "2026-01-01"})) == [(("end",), "rule")]


def test_a_rule_that_is_wrong_in_the_spec_is_loud() -> None:
    spec = form_spec("- {id: name, type: text, label: Tên}", "- {check: name, message: x}")
    with pytest.raises(ExprEvaluationError, match="true or false"):
        run(spec, {"name": "An"})


def test_today_and_now_default_to_vietnam_time() -> None:
    spec = form_spec(
        "- {id: day, type: date, label: Ngày}",
        """
        - {check: "day <= today", message: Không được sau hôm nay.}
        - {check: "now > timestamp('2025-01-01T00:00:00Z')", message: Đồng hồ sai.}
        """,
    )
    assert validate_payload(spec, {"day": dt.date.today().isoformat()}).ok
    assert not validate_payload(spec, {"day": "2999-01-01"}).ok


# --------------------------------------------------------------------------- scope


def test_only_validates_one_page(spec: Any) -> None:
    page = {"subject": "decision", "decision_date": "2026-04-10", "learned_on": "2026-04-01",
            "pilots": "not even a list", "mystery": 1}  # fmt: skip
    result = run(spec, page, only=["subject", "decision_date", "learned_on"])
    assert locs(result) == [(("learned_on",), "rule")]  # the cross-field rule is in scope
    result = run(spec, page, only=["decision_date"])
    assert result.ok
    assert result.cleaned == {"decision_date": dt.date(2026, 4, 10)}


def test_only_uses_the_whole_payload_for_conditions(spec: Any) -> None:
    result = run(spec, {"subject": "act", "decision_date": "x"}, only=["decision_date"])
    assert result.ok
    assert result.cleaned == {}


def test_only_must_name_fields(spec: Any) -> None:
    with pytest.raises(ConfigurationError, match="did you mean 'subject'"):
        run(spec, VALID, only=["subjet"])


# --------------------------------------------------------------------------- errors


def test_unknown_keys_are_errors_at_every_level(spec: Any) -> None:
    data = {**VALID, "pilots": [{"name": "An", "age": 20, "rank": "x"}], "extra": 1}
    result = run(spec, data)
    assert locs(result) == [(("pilots", 0, "rank"), "unknown"), (("extra",), "unknown")]
    assert result.errors[1].msg == "“extra” không phải là trường thông tin của biểu mẫu này."


def test_null_means_absent(spec: Any) -> None:
    assert run(spec, {**VALID, "note": None}).ok
    assert locs(run(spec, {**VALID, "subject": None})) == [(("subject",), "required")]
    assert (
        run(spec, {**VALID, "subject": None}).errors[0].msg
        == "Vui lòng chọn “Đối tượng khiếu nại”."
    )


def test_an_empty_list_shown_by_when_is_reported_once() -> None:
    spec = form_spec(
        """
        - {id: has_rows, type: boolean, label: Có}
        - id: rows
          type: list
          label: Các dòng
          required: true
          when: has_rows
          fields: [{id: name, type: text, label: Tên}]
        """
    )
    assert locs(run(spec, {"has_rows": True})) == [(("rows",), "required")]
    assert locs(run(spec, {"has_rows": True, "rows": []})) == [(("rows",), "min_items")]


def test_lists_report_their_size(spec: Any) -> None:
    assert locs(run(spec, {**VALID, "pilots": []})) == [(("pilots",), "min_items")]
    many = [{"name": f"Người {i}", "age": 30, "licence": f"GP-{i}"} for i in range(4)]
    result = run(spec, {**VALID, "pilots": many})
    assert locs(result) == [(("pilots",), "max_items")]
    assert result.errors[0].msg == "“Người điều khiển” chỉ được có tối đa 3 mục."
    absent = run(spec, {k: v for k, v in VALID.items() if k != "pilots"}, locale="en")
    assert absent.errors[0].msg == "Add at least one entry to “Pilots”."


def test_a_payload_that_is_not_an_object(spec: Any) -> None:
    result = validate_payload(spec, ["not", "an", "object"], today=TODAY)  # type: ignore[arg-type]
    assert locs(result) == [((), "type")]
    assert (
        result.errors[0].msg == "“Thử nghiệm biểu mẫu” phải là một nhóm thông tin (đối tượng JSON)."
    )


def test_errors_come_in_the_order_of_the_form(spec: Any) -> None:
    data = {"has_representative": True, "representative": {"phone": "12"}, "subject": "x",
            "learned_on": "2026-13-01", "pilots": [{"name": "", "age": "20"}]}  # fmt: skip
    assert locs(run(spec, data)) == [
        (("representative", "full_name"), "required"),
        (("representative", "phone"), "phone"),
        (("subject",), "choice"),
        (("learned_on",), "date"),
        (("pilots", 0, "name"), "blank"),
        (("pilots", 0, "age"), "type"),
    ]


def test_result_helpers(spec: Any) -> None:
    result = run(spec, {**VALID, "subject": "x"})
    assert not result.ok
    assert result.cleaned is None
    assert result.errors_at(("subject",)) == result.errors
    assert result.errors_at(("learned_on",)) == ()
    assert result.to_list() == [
        {
            "loc": ["subject"],
            "code": "choice",
            "msg": "Vui lòng chọn một trong các phương án của “Đối tượng khiếu nại”.",
        }
    ]
    assert FieldError(("a", 0), "x", "y").to_dict() == {"loc": ["a", 0], "code": "x", "msg": "y"}


def test_field_ids_may_collide_with_pydantic_names() -> None:
    spec = form_spec(
        """
        - {id: json, type: text, label: JSON, required: true}
        - {id: model_config, type: integer, label: Cấu hình}
        - {id: copy, type: boolean, label: Bản sao}
        """
    )
    result = validate_payload(spec, {"json": "x", "model_config": 3})
    assert result.cleaned == {"json": "x", "model_config": 3, "copy": False}


# --------------------------------------------------------------------------- bundled procedures


def test_uav_errors_by_loc_in_both_languages() -> None:
    spec = bundled()["uav-cap-phep-bay"]
    data = copy.deepcopy(example_payload(spec, today=TODAY))
    data["max_altitude_m"] = "120"
    data["pilots"][0]["citizen_id"] = "001306123451"  # a woman born in 2006: disagrees
    data["pilots"][0]["birth_date"] = "2000-04-05"
    data["purposes"].append("other")  # now the description is required
    vi = run(spec, data)
    en = run(spec, data, locale="en")
    assert (
        locs(vi)
        == locs(en)
        == [
            (("purpose_details",), "required"),
            (("max_altitude_m",), "type"),
            (("pilots", 0, "citizen_id"), "citizen_id"),
        ]
    )
    assert en.errors[1].msg == "“Maximum flight altitude (m)” must be a whole number, such as 5."
    assert vi.errors[1].msg == "“Độ cao bay tối đa (m)” phải là số nguyên, ví dụ 5."
    assert vi.errors[2].msg.startswith("“Danh sách người điều khiển, mục 1: Số định danh cá nhân”")


def test_an_absent_member_is_missing_for_has() -> None:
    spec = form_spec(
        """
        - id: applicant
          type: group
          label: Người nộp
          fields:
            - {id: email, type: email, label: Thư điện tử}
            - {id: by_mail, type: boolean, label: Nhận qua thư, when: "has(applicant.email)"}
        - id: rows
          type: list
          label: Các dòng
          fields:
            - {id: low, type: integer, label: Từ}
            - id: high
              type: integer
              label: Đến
              rules: [{check: "!has(item.low) || item.high > item.low", message: Sai khoảng.}]
        """
    )
    assert ("applicant", "by_mail") not in visible(spec, {"applicant": {}})
    assert ("applicant", "by_mail") in visible(spec, {"applicant": {"email": "an@example.com"}})
    result = run(spec, {"applicant": {}, "rows": [{"high": 1}, {"low": 3, "high": 2}]})
    assert locs(result) == [(("rows", 1, "high"), "rule")]


# --------------------------------------------------------------------------- fast paths


def test_errors_carry_no_trace_of_the_fast_paths(spec: Any) -> None:
    """Fields checked natively first report the errors of their exact validators, with the same
    locations, whatever entry point validated the payload."""
    data = {
        **VALID,
        "has_representative": True,
        "representative": {"full_name": "An", "phone": "0112345678"},
        "learned_on": "2026-02-30",
        "pilots": [{"name": "  ", "age": 20.5}],
    }
    expected = [
        (("representative", "phone"), "phone"),
        (("learned_on",), "date"),
        (("pilots", 0, "name"), "blank"),
        (("pilots", 0, "age"), "type"),
    ]
    assert locs(run(spec, data)) == expected
    model = payload_model(spec)
    entry_points: list[tuple[Callable[[Any], Any], Any]] = [
        (model.model_validate, data),
        (model.model_validate_json, json.dumps(data)),
        (lambda given: model(**given), data),
    ]
    for validate, given in entry_points:
        with pytest.raises(ValidationError) as caught:
            validate(given)
        errors = caught.value.errors()
        assert [(e["loc"], e["type"]) for e in errors] == [
            (("representative", "phone"), "phone"),
            (("learned_on",), "date"),
            (("pilots", 0, "name"), "blank"),
            (("pilots", 0, "age"), "type"),
        ]
        assert [error_check(e) for e in errors] == [None, "date", None, None]
    dates = payload_model(form_spec("- {id: day, type: date, label: Ngày, required: true}"))
    with pytest.raises(ValidationError) as caught:
        dates.model_validate_strings({"day": "2026-02-30"})
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("day",), "date")]


def test_keys_named_like_the_fast_paths_are_unknown_keys(spec: Any) -> None:
    """The names of a field's two branches are only taken off right after that field."""
    data = {**VALID, FAST: 1, "pilots": [{"name": "An", "age": 20, EXACT: 2}]}
    assert locs(run(spec, data)) == [(("pilots", 0, EXACT), "unknown"), ((FAST,), "unknown")]


def test_values_beside_the_fast_paths_are_cleaned_as_before(spec: Any) -> None:
    """Values the fast paths leave to the exact validators: a date written 25/06/2026, a whole
    number written 20.0, a phone number with spaces and a final newline."""
    data = {
        **VALID,
        "has_representative": True,
        "representative": {"full_name": "An", "phone": "+84 912 345 678\n"},
        "learned_on": "01/04/2026",
        "pilots": [{"name": "Nguyễn Văn An", "age": 20.0}],
    }
    cleaned = run(spec, data).cleaned
    assert cleaned is not None
    assert cleaned["representative"]["phone"] == "+84912345678"
    assert cleaned["learned_on"] == dt.date(2026, 4, 1)
    assert cleaned["pilots"] == [{"name": "Nguyễn Văn An", "age": 20}]
    assert type(cleaned["pilots"][0]["age"]) is int
