"""The bundled procedures' own conditions and rules, through validate_payload, in both languages."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from procgen.forms import FormResult, communes, example_payload, validate_payload, visible
from tests.forms.factory import TODAY, bundled


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(example_payload(bundled()[name], today=TODAY))


def check(name: str, data: dict[str, Any], locale: str = "vi") -> FormResult:
    return validate_payload(bundled()[name], data, today=TODAY, locale=locale)


def locs(result: FormResult) -> list[tuple[tuple[str | int, ...], str]]:
    return [(e.loc, e.code) for e in result.errors]


# --------------------------------------------------------------------------- one-off allowance


def test_a_deceased_beneficiary_needs_a_relative_and_a_date_of_death() -> None:
    data = {**example("chinh-sach-tro-cap-mot-lan"), "beneficiary_alive": False}
    assert locs(check("chinh-sach-tro-cap-mot-lan", data)) == [
        (("death_date",), "required"),
        (("relative", "full_name"), "required"),
        (("relative", "citizen_id"), "required"),
        (("relative", "relationship"), "required"),
        (("relative", "address"), "required"),
    ]


def test_the_date_of_death_comes_after_the_birth() -> None:
    data = example("chinh-sach-tro-cap-mot-lan")
    born = data["beneficiary"]["birth_date"]
    data |= {
        "beneficiary_alive": False,
        "death_date": "2000-01-01",
        "relative": {
            "full_name": "Trần Thị Bình",
            "citizen_id": "001180012345",
            "relationship": "spouse",
            "address": {"province": "01", "commune": "00004", "street": "Số 1 Hoàng Diệu"},
        },
    }
    result = check("chinh-sach-tro-cap-mot-lan", data, "en")
    assert born > "2000-01-01"
    assert [(e.loc, e.msg) for e in result.errors] == [
        (("death_date",), "The date of death must be after the date of birth.")
    ]


def test_periods_of_service_end_after_they_start() -> None:
    data = example("chinh-sach-tro-cap-mot-lan")
    data["service_periods"][0] |= {"from_date": "2020-05-01", "to_date": "2019-05-01"}
    result = check("chinh-sach-tro-cap-mot-lan", data)
    assert [(e.loc, e.msg) for e in result.errors] == [
        (("service_periods",), "Trong mỗi giai đoạn công tác, ngày kết thúc phải sau ngày bắt đầu.")
    ]


def test_cash_payment_drops_the_bank_account() -> None:
    data = {**example("chinh-sach-tro-cap-mot-lan"), "payment_method": "cash"}
    result = check("chinh-sach-tro-cap-mot-lan", data)
    assert result.cleaned is not None
    assert "bank" not in result.cleaned
    bad_account = example("chinh-sach-tro-cap-mot-lan")
    bad_account["bank"]["account_number"] = "STK-123"
    assert locs(check("chinh-sach-tro-cap-mot-lan", bad_account)) == [
        (("bank", "account_number"), "pattern")
    ]


# --------------------------------------------------------------------------- complaints


def test_a_complaint_is_filed_within_90_days_unless_force_majeure() -> None:
    data = example("khieu-nai-lan-dau")
    data |= {"learned_on": (TODAY - dt.timedelta(days=120)).isoformat()}
    data["decision_date"] = (TODAY - dt.timedelta(days=150)).isoformat()
    assert locs(check("khieu-nai-lan-dau", data)) == [(("learned_on",), "rule")]
    excused = {**data, "has_force_majeure": True, "force_majeure_reason": "Nằm viện điều trị."}
    assert check("khieu-nai-lan-dau", excused).ok
    assert locs(check("khieu-nai-lan-dau", {**data, "has_force_majeure": True})) == [
        (("force_majeure_reason",), "required")
    ]


def test_a_complaint_about_an_act_has_no_decision() -> None:
    data = {**example("khieu-nai-lan-dau"), "subject_kind": "act"}
    data["decision_number"] = "  "  # hidden: ignored, even blank
    result = check("khieu-nai-lan-dau", data)
    assert result.ok
    assert result.cleaned is not None
    assert "decision_number" not in result.cleaned
    assert "decision_date" not in result.cleaned


# --------------------------------------------------------------------------- military service


def test_the_citizen_id_digit_follows_sex_and_birth_year() -> None:
    data = {**example("nvqs-dang-ky-lan-dau"), "sex": "female", "profession": "Y tá"}
    # The model's link accepts 2 (a man born in the 2000s) for the birth year; the spec's own
    # rule also checks the sex digit, and says so in its words.
    result = check("nvqs-dang-ky-lan-dau", data, "en")
    assert locs(result) == [(("citizen_id",), "rule")]
    number = data["citizen_id"]
    data["citizen_id"] = number[:3] + "3" + number[4:]
    assert check("nvqs-dang-ky-lan-dau", data).ok


def test_a_woman_is_asked_her_profession() -> None:
    data = {**example("nvqs-dang-ky-lan-dau"), "sex": "female"}
    shown = visible(bundled()["nvqs-dang-ky-lan-dau"], data, today=TODAY)
    assert ("profession",) in shown
    assert ("profession",) not in visible(
        bundled()["nvqs-dang-ky-lan-dau"], example("nvqs-dang-ky-lan-dau")
    )


def test_registration_age() -> None:
    data = example("nvqs-dang-ky-lan-dau")
    data |= {"birth_date": "2012-01-01", "citizen_id": "001212012345"}
    result = check("nvqs-dang-ky-lan-dau", data)
    assert locs(result) == [(("birth_date",), "rule")]


def test_an_absence_lasts_three_months_at_least() -> None:
    data = example("nvqs-dang-ky-tam-vang")
    leave = dt.date.fromisoformat(data["leave_on"])
    short = {**data, "return_on": (leave + dt.timedelta(days=30)).isoformat()}
    result = check("nvqs-dang-ky-tam-vang", short, "en")
    assert [e.loc for e in result.errors] == [("return_on",)]


# --------------------------------------------------------------------------- admissions


@pytest.mark.parametrize(
    ("today", "open_"), [(dt.date(2026, 3, 25), True), (dt.date(2026, 5, 21), False)]
)
def test_registration_window(today: dt.date, open_: bool) -> None:
    spec = bundled()["tuyen-sinh-quan-su-so-tuyen"]
    data = example_payload(spec, today=today)
    result = validate_payload(spec, data, today=today)
    assert result.ok is open_
    if not open_:
        assert [e.loc for e in result.errors] == [()]  # a form-level rule: the whole form


def test_a_serviceman_gives_his_unit() -> None:
    data = {**example("tuyen-sinh-quan-su-so-tuyen"), "candidate_type": "serviceman"}
    assert locs(check("tuyen-sinh-quan-su-so-tuyen", data)) == [
        (("unit", "name"), "required"),
        (("unit", "rank"), "required"),
        (("unit", "enlistment_date"), "required"),
    ]


# --------------------------------------------------------------------------- UAV flights


def test_a_light_aircraft_needs_no_licence_and_no_adult_pilot() -> None:
    data = example("uav-cap-phep-bay")
    data["aircraft"]["max_takeoff_weight_kg"] = 0.2
    data["pilots"][0]["birth_date"] = "2012-06-01"
    data["pilots"][0]["citizen_id"] = "001212123456"
    result = check("uav-cap-phep-bay", data)
    assert result.ok, result.errors
    assert result.cleaned is not None
    assert "licence_number" not in result.cleaned["pilots"][0]


def test_pilots_are_adults_and_listed_once() -> None:
    data = example("uav-cap-phep-bay")
    pilot = data["pilots"][0]
    data["pilots"].append(dict(pilot))
    result = check("uav-cap-phep-bay", data, "en")
    assert [(e.loc, e.msg) for e in result.errors] == [
        (("pilots",), "The same pilot is listed twice.")
    ]
    young = example("uav-cap-phep-bay")
    young["pilots"][0] |= {"birth_date": "2010-01-01", "citizen_id": "001210123456"}
    assert [(e.loc, e.msg) for e in check("uav-cap-phep-bay", young).errors] == [
        (("pilots",), "Người điều khiển phải đủ 18 tuổi vào ngày bắt đầu bay.")
    ]


def test_an_organisation_applies_with_its_tax_code() -> None:
    data = {**example("uav-cap-phep-bay"), "applicant_type": "organisation"}
    assert locs(check("uav-cap-phep-bay", data)) == [
        (("organisation", "name"), "required"),
        (("organisation", "tax_code"), "required"),
        (("organisation", "address"), "required"),
    ]
    data["organisation"] = {
        "name": "Công ty TNHH Bay Việt",
        "tax_code": "0314409058-002",
        "address": {"province": "79", "commune": communes("79")[0][0], "street": "45 Lê Duẩn"},
    }
    result = check("uav-cap-phep-bay", data)
    assert result.ok, result.errors
    assert result.cleaned is not None
    assert result.cleaned["organisation"]["tax_code"] == "0314409058-002"
    data["organisation"]["tax_code"] = "0314409057"
    codes = {e.loc: e.code for e in check("uav-cap-phep-bay", data).errors}
    assert codes[("organisation", "tax_code")] == "tax_code"


def test_spraying_needs_the_substance() -> None:
    data = {**example("uav-cap-phep-bay"), "payloads": ["camera", "spraying"]}
    assert locs(check("uav-cap-phep-bay", data)) == [(("spray_substance",), "required")]
    data["spray_substance"] = "Thuốc trừ sâu sinh học"
    assert check("uav-cap-phep-bay", data).ok
