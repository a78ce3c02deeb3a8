"""Changing answers: htmx fragments (blur validation, conditional fields, list rows), and the
same behaviour without JavaScript (the page posts and comes back)."""

from __future__ import annotations

import datetime as dt

import pytest

from procgen import Registry
from procgen.testing.wizard import FormsHarness, HtmlPage, WizardDriver, harness
from tests.conftest import DEFINITIONS

REGISTRY = Registry.from_path(DEFINITIONS)
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
HTMX = {"hx-request": "true", "sec-fetch-site": "same-origin"}


@pytest.fixture
def app() -> FormsHarness:
    return harness(REGISTRY, now=NOW)


def _start(app: FormsHarness, code: str, slug: str | None = None, lang: str = "en") -> WizardDriver:
    driver = app.driver(REGISTRY.get(code).spec)
    first = driver.start(lang=lang)
    if slug is not None:
        driver.get(first.url.rsplit("/", 1)[0] + f"/{slug}")
    return driver


def _fragment(driver: WizardDriver, name: str, pairs: list[tuple[str, str]]) -> HtmlPage:
    assert driver.page is not None
    base = driver.page.url.split("?")[0].rsplit("/", 1)[0]
    response = driver.client.post(f"{base}/fragment/{name}", data=dict(pairs), headers=HTMX)
    assert response.status_code == 200, response.text[:500]
    assert "<html" not in response.text
    return HtmlPage(response.text)


def test_a_field_is_validated_when_it_changes(app: FormsHarness) -> None:
    driver = _start(app, "BQP-UAV-01")
    fragment = _fragment(
        driver, "applicant.phone", [("applicant.phone", "12"), ("applicant.full_name", "")]
    )
    wrapper = fragment.by_id("applicant.phone-field")
    assert wrapper is not None
    assert wrapper.has_class("pg-field--error")
    assert wrapper.attrs["hx-post"].endswith("/fragment/applicant.phone")
    control = fragment.by_id("applicant.phone")
    assert control is not None
    assert control.attrs["value"] == "12"
    assert control.attrs["aria-invalid"] == "true"
    assert control.attrs["aria-describedby"] == "applicant.phone-error"
    assert "Vietnamese phone number" in fragment.inline_errors()["applicant.phone"]
    # only that field: the empty name beside it is not reported yet
    assert list(fragment.inline_errors()) == ["applicant.phone"]
    fixed = _fragment(driver, "applicant.phone", [("applicant.phone", "0912 345 678")])
    assert fixed.inline_errors() == {}


def test_changes_are_saved_as_they_are_made(app: FormsHarness) -> None:
    driver = _start(app, "BQP-UAV-01")
    _fragment(driver, "applicant.full_name", [("applicant.full_name", "Lê Văn Cường")])
    assert driver.page is not None
    page = driver.get(driver.page.url)
    assert page.by_id("applicant.full_name").attrs["value"] == "Lê Văn Cường"


def test_conditional_fields_appear_and_disappear(app: FormsHarness) -> None:
    driver = _start(app, "BQP-UAV-01")
    assert driver.page is not None
    hidden = driver.page.by_id("organisation-cond")
    assert hidden is not None
    assert driver.page.by_id("organisation.name") is None

    shown = _fragment(driver, "applicant_type", [("applicant_type", "organisation")])

    swaps = {e.attrs["id"]: e for e in shown.elements if e.attrs.get("hx-swap-oob") == "true"}
    assert set(swaps) == {"organisation-cond", "applicant.position-cond"}
    assert shown.by_id("organisation.name") is not None
    assert shown.by_id("applicant.position") is not None
    # the changed field itself comes back for its own place, not inside a container
    assert shown.elements[0].attrs["id"] == "applicant_type-field"

    gone = _fragment(driver, "applicant_type", [("applicant_type", "individual")])
    swaps = {e.attrs["id"]: e for e in gone.elements if e.attrs.get("hx-swap-oob") == "true"}
    assert set(swaps) == {"organisation-cond", "applicant.position-cond"}
    assert gone.by_id("organisation.name") is None


def test_a_checkbox_reveals_a_field(app: FormsHarness) -> None:
    driver = _start(app, "BQP-NVQS-01")
    assert driver.page is not None
    box = driver.page.by_id("current_same_as_permanent")
    assert box is not None
    assert "checked" in box.attrs
    shown = _fragment(driver, "current_same_as_permanent", [("current_same_as_permanent", "false")])
    assert shown.by_id("current_address") is not None


def test_list_rows_are_added_and_removed_in_place(app: FormsHarness) -> None:
    driver = _start(app, "BQP-UAV-01", "pilots")
    added = _fragment(
        driver,
        "pilots",
        [("rows:pilots", "1"), ("pilots.0.full_name", "An"), ("add:pilots", "1")],
    )
    assert added.elements[0].attrs["id"] == "pilots-field"
    assert added.by_id("pilots.0.full_name").attrs["value"] == "An"
    new = added.by_id("pilots.1.full_name")
    assert new is not None
    assert "autofocus" in new.attrs
    removed = _fragment(
        driver,
        "pilots",
        [("rows:pilots", "2"), ("pilots.0.full_name", "An"), ("pilots.1.full_name", "Bình"),
         ("remove:pilots.0", "1")],
    )  # fmt: skip
    assert removed.by_id("pilots.0.full_name").attrs["value"] == "Bình"
    assert removed.by_id("pilots.1.full_name") is None
    assert "autofocus" in removed.by_id("pilots").attrs
    buttons = [e.attrs["name"] for e in removed.find_all("button")]
    assert buttons == ["remove:pilots.0", "add:pilots"]


# ---------------------------------------------------------------------------- without JavaScript


def test_without_javascript_new_questions_are_shown_before_moving_on(app: FormsHarness) -> None:
    driver = _start(app, "BQP-UAV-01")
    response = driver.post([("applicant_type", "organisation")])
    assert response.status_code == 303
    assert response.headers["location"].endswith("/applicant?more=1")
    page = driver.get(response.headers["location"])
    assert page.by_id("organisation.name") is not None
    assert page.error_summary() == []
    assert "Your answers added questions to this page." in page.text()


def test_without_javascript_rows_are_added_and_removed_by_buttons(app: FormsHarness) -> None:
    driver = _start(app, "BQP-UAV-01", "pilots")
    response = driver.post(
        [("rows:pilots", "1"), ("pilots.0.full_name", "An")], button="add:pilots"
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/pilots#pilots-field")
    page = driver.get(response.headers["location"])
    assert page.by_id("pilots.1.full_name") is not None
    assert page.by_id("pilots.0.full_name").attrs["value"] == "An"
    response = driver.post(
        [("rows:pilots", "2"), ("pilots.0.full_name", "An"), ("pilots.1.full_name", "Bình")],
        button="remove:pilots.0",
    )
    page = driver.get(response.headers["location"])
    assert page.by_id("pilots.0.full_name").attrs["value"] == "Bình"
    assert page.by_id("pilots.1.full_name") is None


def test_without_javascript_an_address_shows_its_communes_on_request(app: FormsHarness) -> None:
    driver = _start(app, "BQP-UAV-01")
    assert driver.page is not None
    communes = driver.page.by_id("applicant.address.commune")
    assert communes is not None
    response = driver.post([("applicant.address.province", "01")], button="show:applicant.address")
    page = driver.get(response.headers["location"])
    options = [
        e for e in page.find_all("option") if page.by_id("applicant.address.commune") in e.parents
    ]
    assert len(options) > 50
    assert page.error_summary() == []
