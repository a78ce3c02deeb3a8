"""Embed procgen's form pages in an existing Starlette app, under a prefix of your choice.

The forms need two things from the host application: somewhere to keep drafts (a
:class:`~procgen.web.DraftStore`) and something that files a complete application (a
:class:`~procgen.web.SubmitHandler`). This one numbers applications and keeps them in a list;
a real service stores a dossier and starts its workflow.

Run it with ``python examples/embed_forms.py``: it checks itself through a test client. Add
``--serve`` to browse it at http://127.0.0.1:8000/dich-vu/ (needs ``pip install uvicorn``).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

import procgen
from procgen.spec.models import ProcedureSpec
from procgen.types import Locale
from procgen.web.apply import InMemoryDraftStore, StoredFile, SubmissionReceipt, form_routes

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"


class NumberingHandler:
    """Files applications in memory, numbered per agency (a stand-in for a dossier store)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any], list[str]]] = []
        self._numbers = itertools.count(1)

    async def submit(
        self,
        spec: ProcedureSpec,
        cleaned_data: dict[str, Any],
        files: Mapping[str, Sequence[StoredFile]],
        locale: Locale,
    ) -> SubmissionReceipt:
        number = f"{spec.agency.id or spec.code}-{next(self._numbers):06d}"
        names = [f.filename for attached in files.values() for f in attached]
        self.received.append((number, cleaned_data, names))
        return SubmissionReceipt(number, url=f"/tra-cuu/{number}")


async def home(request: Request) -> PlainTextResponse:
    forms_home = request.url_for("procgen.forms.index")
    return PlainTextResponse(f"The host application. Online services: {forms_home}")


def build_app(handler: NumberingHandler) -> Starlette:
    """The host app: its own page at /, procgen's form pages under /dich-vu."""
    registry = procgen.Registry.from_path(DEFINITIONS)
    routes = form_routes(registry, drafts=InMemoryDraftStore(), on_submit=handler)
    return Starlette(routes=[Route("/", home), Mount("/dich-vu", routes=routes)])


def check() -> None:
    """Start an application through the mounted pages and save it as a draft."""
    from procgen.testing.wizard import HtmlPage, make_client

    client = make_client(build_app(NumberingHandler()))
    assert "/dich-vu/" in client.get("/").text
    start = HtmlPage(client.get("/dich-vu/BQP-NVQS-01").text)
    first = client.post(start.form_action(), data={"csrf_token": start.csrf_token})
    page = HtmlPage(first.text, str(first.url))
    assert page.form_action().startswith("/dich-vu/BQP-NVQS-01/draft/"), page.form_action()
    saved = client.post(
        page.form_action(),
        data={"csrf_token": page.csrf_token, "full_name": "Nguyễn Văn An", "save": "1"},
    )
    resume = HtmlPage(saved.text).find_all(class_="pg-resume-link")[0].clean_text
    print(f"draft saved; resume at {resume}")


if __name__ == "__main__":
    if "--serve" in sys.argv:
        import uvicorn

        uvicorn.run(build_app(NumberingHandler()), host="127.0.0.1", port=8000)
    else:
        check()
