"""Browser tests: Debian's Chromium driven by Playwright, the app served on 127.0.0.1.

They skip, saying how to enable them, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from procgen.testing.wizard import FormsHarness, harness
from tests.browser.server import serve
from tests.web.support import registry

NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 15)
SCREENS = Path(os.environ.get("PROCGEN_SCREENS", "/tmp/procgen-screens"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        pytest.skip(
            "Chromium is not installed: run `apt-get install chromium` to run browser tests"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is missing: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, FormsHarness]]:
    """The form pages of the bundled procedures, served over HTTP; its clock stands still."""
    forms_app = harness(registry(), now=NOW)
    with serve(forms_app.app) as url:
        yield url, forms_app


@pytest.fixture(scope="session")
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS
