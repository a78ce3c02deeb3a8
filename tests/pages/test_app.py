"""The pages inside ``procgen.create_app``, also mounted under a prefix of a host app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.routing import Mount

from procgen.forms import example_payload
from procgen.testing.wizard import HtmlPage, WizardDriver, make_client, sample_documents
from tests.pages.conftest import PASSWORD, REGISTRY, TODAY, open_pages


@pytest.fixture(params=["", "/dvc"], ids=["root", "mounted"])
def site(
    request: pytest.FixtureRequest, sqlite_url: sa.URL, tmp_path: Path
) -> Iterator[tuple[str, Starlette]]:
    opened = open_pages(sqlite_url, tmp_path / "files")
    prefix: str = request.param
    host = Starlette(routes=[Mount(prefix, app=opened.app)]) if prefix else opened.app
    yield prefix, host
    opened.close()


def test_apply_then_print_the_receipt_then_an_officer_finds_it(
    site: tuple[str, Starlette],
) -> None:
    prefix, app = site
    spec = REGISTRY.get("BQP-NVQS-03").spec
    with make_client(app, follow_redirects=False) as client:
        services = client.get(f"{prefix}/services")
        assert services.status_code == 200
        assert f'href="{prefix}/dich-vu/BQP-NVQS-03"' in services.text
        driver = WizardDriver(client, spec, prefix=f"{prefix}/dich-vu")
        driver.start()
        documents = sample_documents(spec.effective_cases()[0].documents)
        driver.fill(example_payload(spec, today=TODAY), documents=documents)
        confirmation = driver.send()
        [link] = [a for a in confirmation.find_all("a") if "/papers/01?" in a.attrs["href"]]
        receipt = client.get(urljoin(confirmation.url, link.attrs["href"]))
        assert receipt.status_code == 200
        paper = HtmlPage(receipt.text)
        assert paper.h1 == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
        assert f'href="{prefix}/_static/print.css"' in receipt.text
        number = paper.find_all("strong", class_="pg-paper__number")[0].clean_text

        signin = client.get(f"{prefix}/dossiers")
        assert signin.status_code == 303
        assert signin.headers["location"].startswith(f"{prefix}/sign-in?next=")
        form = client.get(signin.headers["location"])
        token = HtmlPage(form.text).csrf_token
        signed = client.post(
            f"{prefix}/sign-in",
            data={
                "csrf_token": token,
                "username": "reception",
                "password": PASSWORD,
                "next": f"{prefix}/dossiers",
            },
        )
        assert signed.status_code == 303
        worklist = client.get(f"{prefix}/dossiers")
        assert worklist.status_code == 200
        assert number in worklist.text
        assert client.get(f"{prefix}/_static/pages.css").status_code == 200
