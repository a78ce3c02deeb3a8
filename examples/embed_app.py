"""Embed the whole procgen service in an existing Starlette app, under a prefix.

The host application keeps its own pages; procgen's app (form pages, REST API, sign-in) is
mounted at ``/portal/dich-vu-cong``. Every link procgen makes is built with ``url_for``, so
each one carries the prefix: the redirects, the form pages, the API's ``links``, the OpenAPI
``servers`` URL.

Run it with ``python examples/embed_app.py``: it checks itself through a test client, on a
SQLite file in a temporary folder. Add ``--serve`` to browse it at
http://127.0.0.1:8000/portal/dich-vu-cong/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route

import procgen

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
PREFIX = "/portal/dich-vu-cong"


async def home(request: Request) -> HTMLResponse:
    services = request.url_for("procgen.forms.index").path
    return HTMLResponse(f'<h1>Cổng thông tin</h1><p><a href="{services}">Dịch vụ công</a></p>')


def build_app(database: Path) -> Starlette:
    """The host app: its own home page at /, procgen under :data:`PREFIX`."""
    service = procgen.create_app(
        DEFINITIONS,
        database_url=f"sqlite:///{database}",
        create_schema=True,  # a real deployment runs `procgen db upgrade` instead
        storage=database.parent / "attachments",
    )
    return Starlette(routes=[Route("/", home), Mount(PREFIX, app=service)])


def check() -> None:
    """Follow procgen's links from the host app and check that each keeps the prefix."""
    from procgen.testing.wizard import HtmlPage, make_client

    folder = Path(tempfile.mkdtemp(prefix="procgen-embed-"))
    client = make_client(build_app(folder / "procgen.sqlite3"))
    services = HtmlPage(client.get("/").text).find_all("a")[0].attrs["href"]
    assert services == f"{PREFIX}/dich-vu/", services
    root = client.get(f"{PREFIX}/", follow_redirects=False)
    assert root.headers["location"] == f"{PREFIX}/dich-vu/", root.headers["location"]
    start = HtmlPage(client.get(f"{PREFIX}/dich-vu/BQP-NVQS-01").text)
    assert start.form_action() == f"{PREFIX}/dich-vu/BQP-NVQS-01/draft", start.form_action()
    first = client.post(start.form_action(), data={"csrf_token": start.csrf_token})
    page = str(first.url).split("testserver", 1)[1]
    assert page.startswith(f"{PREFIX}/dich-vu/BQP-NVQS-01/draft/"), page
    listed = client.get(f"{PREFIX}/api/procedures").json()["items"]
    assert listed[0]["links"]["self"] == f"{PREFIX}/api/procedures/{listed[0]['code']}"
    openapi = client.get(f"{PREFIX}/api/openapi.json").json()
    assert openapi["servers"] == [{"url": f"{PREFIX}/api"}], openapi["servers"]
    assert client.get(f"{PREFIX}/health").json()["status"] == "ok"
    print(f"procgen is mounted at {PREFIX}: {len(listed)} procedures, every link prefixed")


if __name__ == "__main__":
    if "--serve" in sys.argv:
        import uvicorn

        here = Path.cwd() / "embed-example.sqlite3"
        uvicorn.run(build_app(here), host="127.0.0.1", port=8000)
    else:
        check()
