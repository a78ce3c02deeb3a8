"""The form pages in real headless Chromium: with htmx, and with JavaScript turned off.

Each test applies for a permit from the start page to the confirmation, the way a person does:
clicking radios, choosing a province then a commune, adding list rows, attaching files.
Screenshots go to /tmp/procgen-screens (``PROCGEN_SCREENS`` to change).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from procgen import Registry, forms
from procgen.spec.models import ProcedureSpec
from procgen.testing.wizard import FormsHarness, sample_file
from procgen.web.apply.encoding import encode_answers
from procgen.web.apply.wizard import DOCUMENTS_SLUG, resolve, wizard_pages
from tests.browser.conftest import TODAY
from tests.conftest import DEFINITIONS

Site = tuple[str, FormsHarness]
UAV = Registry.from_path(DEFINITIONS).get("BQP-UAV-01").spec


def by_id(page: Any, element_id: str) -> Any:
    """A locator for an id with dots in it (``applicant.phone``)."""
    return page.locator(f'[id="{element_id}"]')


@pytest.fixture
def js_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1100, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


BUSY = ".htmx-request, .htmx-swapping, .htmx-settling"


@contextlib.contextmanager
def _fragment(page: Any, js: bool) -> Iterator[None]:
    """Wait for the htmx request an action sends, and for its swap to settle (no-op w/o JS)."""
    if not js:
        yield
        return
    with page.expect_response(lambda r: "/fragment/" in r.url):
        yield
    # locators run outside the page's scripts: the page's CSP (no eval) does not apply to them
    page.locator(BUSY).first.wait_for(state="detached")


def _wait_for_focus(page: Any, element_id: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while page.evaluate("document.activeElement && document.activeElement.id") != element_id:
        if time.monotonic() > deadline:
            raise AssertionError(f"{element_id} never took the focus")
        page.wait_for_timeout(50)


def _continue(page: Any) -> None:
    with page.expect_navigation():
        page.locator('.pg-button-group button[name="continue"]').click()


def fill_page(
    page: Any, spec: ProcedureSpec, values: dict[str, list[str]], rows: dict[str, int], *, js: bool
) -> None:
    """Answer the page shown with ``values`` (form names → typed values), as a person would."""
    slug = page.url.split("?")[0].split("#")[0].rsplit("/", 1)[-1]
    wizard_page = next(p for p in wizard_pages(spec) if p.slug == slug)
    ids = wizard_page.field_ids
    for path, count in rows.items():
        if path.split(".", 1)[0] not in ids:
            continue
        while page.locator(f'fieldset.pg-row[id^="{path}."]').count() < count:
            button = page.locator(f'button[name="add:{path}"]')
            if js:
                with _fragment(page, js):
                    button.click()
            else:
                with page.expect_navigation():
                    button.click()
    names = [n for n in values if n.split(".", 1)[0] in ids]

    def order(name: str) -> int:
        found = resolve(spec.fields, name)
        kind = found[0].type if found else "text"
        return 0 if kind in ("choice", "multichoice", "boolean") else 1 if kind == "address" else 2

    for name in sorted(names, key=order):
        found = resolve(spec.fields, name)
        if found is None or not page.locator(f'[name="{name}"]').count():
            continue  # hidden for these answers
        field, _loc = found
        wanted = values[name]
        if field.type in ("choice", "boolean", "multichoice") or name.endswith(
            (".province", ".commune")
        ):
            _choose(page, field.type, name, wanted, js)
        else:
            page.locator(f'[name="{name}"]').last.fill(wanted[-1])
    if js:
        page.keyboard.press("Tab")  # leave the last field
        page.wait_for_load_state("networkidle")


def _choose(page: Any, kind: str, name: str, wanted: list[str], js: bool) -> None:
    select = page.locator(f'select[name="{name}"]')
    if select.count():
        if select.input_value() != wanted[-1]:
            with _fragment(page, js):
                select.select_option(wanted[-1])
            if not js and name.endswith(".province"):
                field = name.rsplit(".", 1)[0]
                with page.expect_navigation():
                    page.locator(f'button[name="show:{field}"]').click()
        return
    if kind == "boolean":
        box = page.locator(f'input[type="checkbox"][name="{name}"]')
        if box.is_checked() != (wanted[-1] == "true"):
            with _fragment(page, js):
                box.set_checked(wanted[-1] == "true")
        return
    for option in page.locator(f'input[name="{name}"]').all():
        value = option.get_attribute("value")
        if option.is_checked() != (value in wanted):
            with _fragment(page, js):
                option.set_checked(value in wanted)


def attach_documents(page: Any, spec: ProcedureSpec, tmp: Path) -> None:
    """Attach a small valid file to every file input on the documents page."""
    documents = {d.id: d for c in spec.effective_cases() for d in c.documents}
    for control in page.locator('input[type="file"]').all():
        doc_id = (control.get_attribute("name") or "").removeprefix("document-")
        name, data, _ = sample_file(documents[doc_id].accept)
        path = tmp / f"{doc_id}-{name}"
        path.write_bytes(data)
        control.set_input_files(str(path))


def apply(
    page: Any,
    base: str,
    spec: ProcedureSpec,
    tmp: Path,
    *,
    js: bool,
    screens: Path | None = None,
    stop_at: str | None = None,
) -> None:
    """From the start page to the check page, every page answered with the example payload."""
    values, rows = encode_answers(spec.fields, forms.example_payload(spec, today=TODAY))
    for _ in range(12):
        if "/check-answers" in page.url:
            return
        slug = page.url.split("?")[0].split("#")[0].rsplit("/", 1)[-1]
        if slug == stop_at:
            return
        if slug == DOCUMENTS_SLUG:
            attach_documents(page, spec, tmp)
        else:
            fill_page(page, spec, values, rows, js=js)
        if screens is not None:
            page.screenshot(
                path=str(screens / f"{'js' if js else 'nojs'}-{spec.code}-{slug}.png"),
                full_page=True,
            )
        _continue(page)
    raise AssertionError(f"stuck at {page.url}")


def _start(page: Any, base: str, code: str) -> None:
    page.goto(f"{base}/{code}")
    with page.expect_navigation():
        page.locator("button.pg-button--start").click()


def test_with_javascript(js_page: Any, site: Site, screens: Path, tmp_path: Path) -> None:
    page, (base, app) = js_page, site
    spec = UAV
    page.goto(f"{base}/BQP-UAV-01")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.screenshot(path=str(screens / "01-start.png"), full_page=True)
    with page.expect_navigation():
        page.locator("button.pg-button--start").click()

    # a failed submit: the error summary gets the focus
    _continue(page)
    assert page.evaluate("document.activeElement.hasAttribute('data-pg-error-summary')")
    assert page.title().startswith("Lỗi:")
    page.screenshot(path=str(screens / "02-errors-focused.png"), full_page=True)
    # its links move focus to the field
    page.locator(".pg-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "applicant.full_name"

    page.evaluate("window.pgMarker = 42")  # gone if the page reloads
    # blur validation
    by_id(page, "applicant.phone").fill("12")
    with _fragment(page, True):
        page.keyboard.press("Tab")
    error = by_id(page, "applicant.phone-error")
    error.wait_for()
    assert error.inner_text().startswith("Lỗi:")
    by_id(page, "applicant.phone").fill("0912345678")
    with _fragment(page, True):
        page.keyboard.press("Tab")
    by_id(page, "applicant.phone-error").wait_for(state="detached")
    # a conditional group appears when its condition becomes true
    assert by_id(page, "organisation.name").count() == 0
    with _fragment(page, True):
        page.locator('input[name="applicant_type"][value="organisation"]').check()
    by_id(page, "organisation.name").wait_for()
    page.screenshot(path=str(screens / "03-conditional-organisation.png"), full_page=True)
    with _fragment(page, True):
        page.locator('input[name="applicant_type"][value="individual"]').check()
    by_id(page, "organisation.name").wait_for(state="detached")
    # an address: the province's communes are loaded when it is chosen
    with _fragment(page, True):
        by_id(page, "applicant.address").select_option("01")
    by_id(page, "applicant.address.commune").locator("option").nth(50).wait_for(state="attached")
    assert page.locator('button[name="show:applicant.address"]').is_hidden()
    assert page.evaluate("window.pgMarker") == 42

    apply(page, base, spec, tmp_path, js=True, screens=screens, stop_at="pilots")
    # list rows are added and removed without a reload
    page.evaluate("window.pgMarker = 43")
    with _fragment(page, True):
        page.locator('button[name="add:pilots"]').click()
    by_id(page, "pilots.1.full_name").wait_for()
    _wait_for_focus(page, "pilots.1.full_name")
    page.screenshot(path=str(screens / "04-pilots-row-added.png"), full_page=True)
    with _fragment(page, True):
        page.locator('button[name="remove:pilots.1"]').click()
    by_id(page, "pilots.1.full_name").wait_for(state="detached")
    assert page.evaluate("window.pgMarker") == 43

    apply(page, base, spec, tmp_path, js=True, screens=screens)
    assert page.locator("h1").inner_text() == "Kiểm tra thông tin trước khi gửi hồ sơ"
    assert page.locator(".pg-error-summary").count() == 0
    page.screenshot(path=str(screens / "05-check-answers.png"), full_page=True)
    with page.expect_navigation():
        page.locator('button[name="submit"]').click()
    assert page.locator("h1").inner_text() == "Đã gửi hồ sơ"
    number = page.locator(".pg-panel__number").inner_text()
    assert any(s.receipt.number == number for s in app.submissions.submissions)
    page.screenshot(path=str(screens / "06-confirmation.png"), full_page=True)


def test_without_javascript(nojs_page: Any, site: Site, screens: Path, tmp_path: Path) -> None:
    page, (base, app) = nojs_page, site
    spec = UAV
    _start(page, base, "BQP-UAV-01")
    # a failed submit: the summary is first in <main> and takes the focus by itself (autofocus)
    _continue(page)
    assert page.locator("main > *").first.get_attribute("data-pg-error-summary") is not None
    assert page.locator("[data-pg-error-summary]:focus").count() == 1
    page.screenshot(path=str(screens / "07-nojs-errors.png"), full_page=True)
    # the province's communes come with a button
    assert page.locator('button[name="show:applicant.address"]').is_visible()
    before = len(app.submissions.submissions)
    apply(page, base, spec, tmp_path, js=False, screens=screens)
    with page.expect_navigation():
        page.locator('button[name="submit"]').click()
    assert page.locator("h1").inner_text() == "Đã gửi hồ sơ"
    assert len(app.submissions.submissions) == before + 1


def test_english_and_resume_link(js_page: Any, site: Site) -> None:
    page, (base, _) = js_page, site
    page.goto(f"{base}/BQP-KN-01?lang=en")
    with page.expect_navigation():
        page.locator("button.pg-button--start").click()
    assert page.locator("html").get_attribute("lang") == "en"
    by_id(page, "complainant.full_name").fill("Phạm Thị Dung")
    with page.expect_navigation():
        page.locator('button[name="save"]').click()
    link = page.locator(".pg-resume-link a").get_attribute("href")
    assert link is not None
    page.context.clear_cookies()
    page.goto(link)
    assert by_id(page, "complainant.full_name").input_value() == "Phạm Thị Dung"
