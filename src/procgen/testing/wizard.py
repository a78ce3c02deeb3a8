"""Drive the form pages from tests: parse a page, fill the wizard, send the dossier.

:class:`WizardDriver` works through any client with Starlette ``TestClient``'s interface (an
``httpx.Client`` pointed at a running server works too). It posts what a browser without
JavaScript would post, CSRF token included::

    >>> driver = WizardDriver(client, "BQP-UAV-01")                       # doctest: +SKIP
    >>> page = driver.start()
    >>> page = driver.fill(example_payload(spec), documents=sample_documents(spec))
    >>> driver.send().number
    'H29-...'

:class:`HtmlPage` reads what tests check: the error summary, inline errors, labels, inputs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import warnings
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from procgen.files import canonical
from procgen.registry import Registry
from procgen.spec.models import Document, ProcedureSpec
from procgen.web.apply.drafts import Draft, InMemoryDraftStore
from procgen.web.apply.encoding import encode_answers
from procgen.web.apply.routes import create_forms_app
from procgen.web.apply.submission import InMemorySubmitHandler
from procgen.web.apply.wizard import wizard_pages
from procgen.web.security import FormOptions

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

__all__ = [
    "Element",
    "FormsHarness",
    "HtmlPage",
    "WizardDriver",
    "harness",
    "make_client",
    "run_sync",
    "sample_documents",
    "sample_file",
]

T = TypeVar("T")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SAMPLES = {
    "pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16,
}


@dataclass
class Element:
    """An element of a parsed page: its tag, attributes and text (children's included)."""

    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: tuple[Element, ...] = field(default=(), repr=False)

    def has_class(self, name: str) -> bool:
        """Whether ``class`` lists ``name``."""
        return name in self.attrs.get("class", "").split()

    @property
    def clean_text(self) -> str:
        """The text with white space collapsed."""
        return " ".join(self.text.split())


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parents=tuple(self.stack))
        self.elements.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


class HtmlPage:
    """A parsed HTML page."""

    def __init__(self, source: str, url: str = "") -> None:
        self.source = source
        self.url = url
        parser = _Parser()
        parser.feed(source)
        parser.close()
        self.elements = parser.elements

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements with ``tag`` whose attributes have the given values (``class_`` for class)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        out = []
        for element in self.elements:
            if tag is not None and element.tag != tag:
                continue
            if all(
                element.has_class(v) if k == "class" else element.attrs.get(k) == v
                for k, v in wanted.items()
            ):
                out.append(element)
        return out

    def by_id(self, element_id: str) -> Element | None:
        """The element with ``id``."""
        return next((e for e in self.elements if e.attrs.get("id") == element_id), None)

    @property
    def lang(self) -> str:
        """The ``<html lang>``."""
        return self.find_all("html")[0].attrs.get("lang", "")

    @property
    def title(self) -> str:
        """The ``<title>``."""
        found = self.find_all("title")
        return found[0].clean_text if found else ""

    @property
    def h1(self) -> str:
        """The page's heading."""
        found = self.find_all("h1")
        return found[0].clean_text if found else ""

    @property
    def csrf_token(self) -> str:
        """The CSRF hidden field's value."""
        return self.find_all("input", name="csrf_token")[0].attrs["value"]

    def form_action(self) -> str:
        """The action of the page's main form."""
        forms = self.find_all("form", method="post")
        return forms[-1].attrs["action"]

    def error_summary(self) -> list[tuple[str | None, str]]:
        """The error summary's entries: ``(href, message)``."""
        summary = [e for e in self.elements if "data-pg-error-summary" in e.attrs]
        if not summary:
            return []
        items = [e for e in self.elements if e.tag == "li" and summary[0] in e.parents]
        out = []
        for item in items:
            links = [e for e in self.elements if e.tag == "a" and item in e.parents]
            out.append((links[0].attrs.get("href") if links else None, item.clean_text))
        return out

    def inline_errors(self) -> dict[str, str]:
        """Inline error messages by the id of their field (``<id>-error``), prefix removed."""
        out = {}
        for element in self.find_all(class_="pg-error-message"):
            element_id = element.attrs.get("id", "")
            prefix = element.text.split(":", 1)
            out[element_id.removesuffix("-error")] = " ".join(prefix[-1].split())
        return out

    def labels(self) -> dict[str, str]:
        """Label texts by the id they are ``for``."""
        return {e.attrs["for"]: e.clean_text for e in self.find_all("label") if "for" in e.attrs}

    def controls(self) -> list[Element]:
        """Every input (except hidden ones), select and textarea."""
        return [
            e
            for e in self.elements
            if e.tag in ("select", "textarea")
            or (e.tag == "input" and e.attrs.get("type") not in ("hidden", "submit"))
        ]

    def text(self) -> str:
        """The page's text, unescaped."""
        return html.unescape(self.source)


class _Client(Protocol):
    def get(self, url: str, **kwargs: Any) -> Any: ...

    def post(self, url: str, **kwargs: Any) -> Any: ...


def sample_file(accept: Iterable[str]) -> tuple[str, bytes, str]:
    """A tiny valid file of the first accepted kind: ``(name, bytes, MIME type)``."""
    for ext in accept:
        kind = canonical(ext)
        if kind in _SAMPLES:
            mime = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}[kind]
            return f"sample.{kind}", _SAMPLES[kind], mime
    raise ValueError(f"no sample file for {list(accept)}")


def sample_documents(documents: Iterable[Document]) -> dict[str, tuple[str, bytes, str]]:
    """A sample file for each of ``documents``."""
    return {d.id: sample_file(d.accept) for d in documents}


class WizardDriver:
    """Fills a procedure's wizard the way a browser without JavaScript does.

    Args:
        client: a ``TestClient`` (``follow_redirects`` is set per request).
        spec: the procedure.
        prefix: where the form routes are mounted (``""`` at the root).
    """

    def __init__(self, client: _Client, spec: ProcedureSpec, *, prefix: str = "") -> None:
        self.client = client
        self.spec = spec
        self.prefix = prefix
        self.page: HtmlPage | None = None
        self.visited: list[str] = []

    def _load(self, response: Any) -> HtmlPage:
        self.page = HtmlPage(response.text, str(response.url))
        return self.page

    def get(self, url: str, **kwargs: Any) -> HtmlPage:
        """GET ``url`` (redirects followed)."""
        response = self.client.get(url, follow_redirects=True, **kwargs)
        if response.status_code != 200:
            raise AssertionError(f"GET {url}: {response.status_code}")
        return self._load(response)

    def start(self, *, lang: str | None = None) -> HtmlPage:
        """Open the start page (in ``lang``), press "Start now": the first page of questions."""
        query = f"?lang={lang}" if lang else ""
        start = self.get(f"{self.prefix}/{self.spec.code}{query}")
        response = self.client.post(
            start.form_action(), data={"csrf_token": start.csrf_token}, follow_redirects=True
        )
        if response.status_code != 200:
            raise AssertionError(f"start: {response.status_code}")
        return self._load(response)

    def post(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        button: str = "continue",
        files: Sequence[tuple[str, tuple[str, bytes, str]]] = (),
        url: str | None = None,
    ) -> Any:
        """Post the current page's form with ``pairs`` and ``button``; returns the response."""
        if self.page is None:
            raise AssertionError("no page loaded: call start() first")
        data = [("csrf_token", self.page.csrf_token), *pairs, (button, "1")]
        target = url or self.page.form_action()
        return self.client.post(
            target, data=_as_dict(data), files=list(files) or None, follow_redirects=False
        )

    def fill(
        self,
        payload: Mapping[str, Any],
        *,
        documents: Mapping[str, tuple[str, bytes, str]] | None = None,
        max_pages: int = 20,
    ) -> HtmlPage:
        """Answer every page with ``payload`` and attach ``documents``; ends on "check answers"."""
        values, rows = encode_answers(self.spec.fields, payload)
        pages = {p.slug: p for p in wizard_pages(self.spec)}
        for _ in range(max_pages):
            page = self.page
            if page is None or "/check-answers" in page.url:
                return page or self.get(f"{self.prefix}/{self.spec.code}")
            slug = page.url.split("?", 1)[0].rsplit("/", 1)[-1]
            self.visited.append(slug)
            wizard_page = pages[slug]
            if wizard_page.documents:
                files = []
                for name in [e.attrs["name"] for e in page.find_all("input", type="file")]:
                    doc_id = name.removeprefix("document-")
                    if documents and doc_id in documents:
                        files.append((name, documents[doc_id]))
                response = self.post([], files=files)
            else:
                pairs = [
                    (name, value)
                    for name, items in values.items()
                    if name.split(".", 1)[0] in wizard_page.field_ids
                    for value in items
                ]
                pairs += [
                    (f"rows:{path}", str(count))
                    for path, count in rows.items()
                    if path.split(".", 1)[0] in wizard_page.field_ids
                ]
                response = self.post(pairs)
            if response.status_code != 303:
                raise AssertionError(f"POST {slug}: {response.status_code}\n{response.text[:2000]}")
            following = self.get(response.headers["location"])
            if following.url.split("?")[0] == page.url.split("?")[0] and following.error_summary():
                raise AssertionError(f"{slug} was refused: {following.error_summary()}")
        raise AssertionError(f"the wizard did not reach the check page: {self.visited}")

    def send(self) -> HtmlPage:
        """Press "Accept and send" on the check page; returns the confirmation page."""
        if self.page is None:
            raise AssertionError("no page loaded")
        response = self.post([], button="submit")
        if response.status_code != 303:
            raise AssertionError(f"submit: {response.status_code}")
        return self.get(response.headers["location"])


def _as_dict(pairs: Sequence[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Pairs as the dict of lists httpx encodes as repeated fields, in order."""
    out: dict[str, str | list[str]] = {}
    for name, value in pairs:
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = value
    return out


def run_sync(awaitable: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous test code.

    It runs in a thread of its own, so it works even where an event loop is already running
    in this thread (Playwright's synchronous API keeps one).
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, awaitable).result()


def make_client(app: Any, **kwargs: Any) -> TestClient:
    """Starlette's ``TestClient`` for ``app``.

    Starlette asks for the ``httpx2`` package and warns when it finds ``httpx``; the warning
    is silenced here so test suites can keep ``filterwarnings = error``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from starlette.testclient import TestClient

    return TestClient(app, **kwargs)


class _FixedClock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment


@dataclass
class FormsHarness:
    """An app serving the form pages, with its client, stores and clock, for one test."""

    app: Starlette
    client: TestClient
    drafts: InMemoryDraftStore
    submissions: InMemorySubmitHandler
    clock: _FixedClock

    def driver(self, spec: ProcedureSpec, *, prefix: str = "") -> WizardDriver:
        """A :class:`WizardDriver` for ``spec`` on this app."""
        return WizardDriver(self.client, spec, prefix=prefix)

    def draft(self, url: str) -> Draft:
        """The draft a page's URL belongs to (``.../draft/<token>/...``), as stored now."""
        token = url.split("/draft/", 1)[1].split("/", 1)[0].split("?", 1)[0]
        found = run_sync(self.drafts.load(token))
        if found is None:
            raise AssertionError(f"no draft {token[:6]}…")
        return found


def harness(
    registry: Registry,
    *,
    now: dt.datetime,
    options: FormOptions | None = None,
    templates_dir: Any = None,
) -> FormsHarness:
    """The form pages of ``registry`` in memory, their clock standing still at ``now``."""
    clock = _FixedClock(now)
    drafts = InMemoryDraftStore(clock=clock)
    submissions = InMemorySubmitHandler(
        today=now.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    )
    app = create_forms_app(
        registry,
        drafts=drafts,
        on_submit=submissions,
        clock=clock,
        options=options,
        templates_dir=templates_dir,
    )
    return FormsHarness(app, make_client(app), drafts, submissions, clock)
