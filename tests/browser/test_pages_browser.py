"""The officer's pages in headless Chromium: sign in, open the worklist, act on a dossier.

Screenshots go to /tmp/procgen-screens/pages-*.png (``PROCGEN_SCREENS`` to change).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from procgen.testing.databases import SqliteTemplate
from tests.browser.server import serve
from tests.pages.conftest import PASSWORD, Pages, open_pages


@pytest.fixture(scope="module")
def office(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: SqliteTemplate
) -> Iterator[tuple[str, Pages]]:
    """The pages on a fresh SQLite database, served over HTTP."""
    folder = tmp_path_factory.mktemp("pages-browser")
    pages = open_pages(sqlite_template.fresh(folder), folder / "files")
    with serve(pages.app) as base:
        yield base, pages
    pages.close()
    shutil.rmtree(folder, ignore_errors=True)


def test_an_officer_signs_in_opens_the_worklist_and_acts(
    browser: Any, office: tuple[str, Pages], screens: Path
) -> None:
    base, pages = office
    drone = pages.submit("BQP-UAV-01")
    absence = pages.submit("BQP-NVQS-03")
    started = time.perf_counter()
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/dossiers")
        assert "/sign-in?next=" in page.url
        page.get_by_label("Tên đăng nhập").fill("reception")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        assert page.url.endswith("/dossiers")
        assert page.locator("h1").inner_text() == "Hồ sơ cần xử lý"
        rows = page.locator("table.pg-worklist tbody tr")
        assert rows.count() == 2
        assert page.get_by_role("link", name=drone.dossier.number).is_visible()
        assert page.get_by_role("link", name=absence.dossier.number).is_visible()
        assert page.locator(".pg-badge").first.inner_text() == "Trong hạn"
        page.screenshot(path=str(screens / "pages-01-worklist.png"), full_page=True)

        with page.expect_navigation():
            page.get_by_role("link", name=drone.dossier.number).click()
        assert drone.dossier.number in page.locator("h1").inner_text()
        page.screenshot(path=str(screens / "pages-02-dossier.png"), full_page=True)

        # an action with a required reason: sent empty, it comes back with the error
        action = page.locator("#action-request_supplement")
        action.locator("summary").click()
        with page.expect_navigation():
            action.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
        summary = page.locator("[data-pg-error-summary]")
        assert summary.is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-pg-error-summary')")
        page.screenshot(path=str(screens / "pages-03-error.png"), full_page=True)

        # following the summary's link focuses the field, which is shown (details open)
        summary.locator("a").first.click()
        reason = page.locator("#request_supplement\\.reason")
        assert reason.is_visible()
        reason.fill("Bản đồ khu vực bay chưa có tọa độ các điểm giới hạn.")
        with page.expect_navigation():
            page.locator("#action-request_supplement").get_by_role(
                "button", name="Yêu cầu bổ sung hồ sơ"
            ).click()
        assert "Đã thực hiện: Yêu cầu bổ sung hồ sơ." in page.locator("[role=status]").inner_text()
        assert pages.service.store.get(drone.dossier.id).step == "awaiting_supplement"
        page.screenshot(path=str(screens / "pages-04-done.png"), full_page=True)

        with page.expect_navigation():
            page.get_by_role("link", name="02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ").click()
        assert "Bản đồ khu vực bay" in page.locator("main").inner_text()
        assert page.locator(".pg-paper-toolbar").is_visible()
        page.emulate_media(media="print")
        assert not page.locator(".pg-paper-toolbar").is_visible()
        page.emulate_media(media="screen")
        page.screenshot(path=str(screens / "pages-05-paper-02.png"), full_page=True)

        # back on the worklist: the dossier now waits for the applicant, so it is gone
        page.goto(f"{base}/dossiers")
        assert page.locator("table.pg-worklist tbody tr").count() == 1
    finally:
        context.close()
    elapsed = time.perf_counter() - started
    print(f"browser flow: {elapsed:.2f} s")
    assert elapsed < 60
