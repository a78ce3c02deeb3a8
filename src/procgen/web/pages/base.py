"""What the citizen and officer pages share: the service, the user, posts, errors, papers.

Every endpoint goes through :meth:`PagesBase.endpoint`, which picks the language and turns
every expected failure into a page with the right status: the service's errors
(:mod:`procgen.service.errors`), unreadable or cross-site posts, oversized bodies. An input can
make a page say "not found" or "there is a problem", never a 500.

The service is synchronous (the store is); it runs in a worker thread.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import anyio.to_thread
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from procgen.service import (
    Busy,
    Conflict,
    DossierService,
    DossierView,
    Forbidden,
    Invalid,
    NotFound,
    Unauthenticated,
    Upload,
)
from procgen.store.records import EventRecord
from procgen.types import Locale
from procgen.web.auth.backends import DevAuth, request_user
from procgen.web.pages.dossier import DossierFile
from procgen.web.pages.page_renderer import PageRenderer, url
from procgen.web.pages.papers import PAPERS, build_paper
from procgen.web.rendering import PageProblem, html_endpoint, read_form
from procgen.web.security import FormOptions

__all__ = ["Handler", "PagesBase", "PagesOptions", "not_found"]

T = TypeVar("T")
Handler = Callable[[Request, Locale], Awaitable[Response]]


@dataclass(frozen=True)
class PagesOptions:
    """Settings of the citizen and officer pages.

    Attributes:
        forms: the limits and trusted origins shared with the form pages.
        max_upload: the largest body of a post that carries files (a supplement, a result
            document), in bytes.
        login_url: where anonymous visitors of signed-in pages are sent (``?next=`` is
            added); by default the pages' own sign-in page when they have a
            :class:`~procgen.web.auth.backends.DevAuth`, else a "sign in" message.
        pdf: offer papers as PDF when WeasyPrint is installed.
    """

    forms: FormOptions = field(default_factory=FormOptions)
    max_upload: int = 64 * 1024 * 1024
    login_url: str | None = None
    pdf: bool = True


class PagesBase:
    """The plumbing of the pages (see the module docstring)."""

    def __init__(
        self,
        service: DossierService,
        renderer: PageRenderer,
        options: PagesOptions,
        *,
        field_type: Callable[[str], Any],
        auth: DevAuth | None = None,
    ) -> None:
        self.service = service
        self.renderer = renderer
        self.options = options
        self.field_type = field_type
        self.auth = auth

    def login_path(self, request: Request) -> str | None:
        """Where to sign in: the configured URL, else the pages' own sign-in page."""
        if self.options.login_url is not None:
            return self.options.login_url
        return url(request, "sign_in") if self.auth is not None else None

    def chrome(self, request: Request) -> dict[str, Any]:
        """What the navigation shows: the user, and the sign-in and sign-out links."""
        return {
            "user": request_user(request),
            "login_url": self.login_path(request),
            "logout_url": url(request, "sign_out") if self.auth is not None else None,
        }

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a service method in a worker thread."""
        return await anyio.to_thread.run_sync(functools.partial(function, *args, **kwargs))

    def endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Wrap ``handler`` (:func:`~procgen.web.rendering.html_endpoint`), the service's
        errors shown as pages: sign in, not found, refused, busy, changed meanwhile, bad input."""
        return html_endpoint(self.renderer, handler, recover=self._recover)

    def _recover(self, request: Request, exc: Exception, locale: Locale) -> Response | None:
        if isinstance(exc, Unauthenticated):
            return self.sign_in(request, locale)
        if isinstance(exc, Conflict):  # e.g. the dossier changed while the page was read
            reload = self.conflict_problem(request, exc, request.url.path)
            return self.renderer.problem(request, reload, locale)
        for kind, problem in _PROBLEMS:
            if isinstance(exc, kind):
                return self.renderer.problem(request, problem, locale)
        return None

    def sign_in(self, request: Request, locale: Locale) -> Response:
        """Send an anonymous visitor to the login page, or say they must sign in."""
        login = self.login_path(request)
        if login is not None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            joiner = "&" if "?" in login else "?"
            return self.renderer.redirect(request, f"{login}{joiner}next={quote(target)}", locale)
        problem = PageProblem(401, "Sign in", "Sign in to see this page.")
        return self.renderer.problem(request, problem, locale)

    async def form(self, request: Request, *, limit: int, max_files: int = 0) -> FormData:
        """The posted form, once the request is known to come from this site."""
        return await read_form(request, self.options.forms, limit=limit, max_files=max_files)

    @staticmethod
    async def split(form: FormData) -> tuple[list[tuple[str, str]], list[tuple[str, Upload]]]:
        """A form's text fields and its files (empty file inputs left out)."""
        pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        uploads: list[tuple[str, Upload]] = []
        for key, value in form.multi_items():
            if isinstance(value, UploadFile) and value.filename:
                data = await value.read()
                if data:
                    uploads.append((key, Upload(value.filename, data)))
        return pairs, uploads

    def dossier_file(self, view: DossierView, events: Sequence[EventRecord]) -> DossierFile:
        """The snapshot the papers and histories are read from."""
        names: dict[str, str] = {}
        if self.auth is not None:  # the development backend knows display names
            for user_id in {e.user_id for e in events if e.user_id}:
                found = self.auth.users.user(user_id)
                if found is not None and found.name:
                    names[user_id] = found.name
        return DossierFile(
            spec=view.spec,
            record=view.record,
            events=tuple(events),
            attachments=view.attachments,
            deadlines=self.service.deadlines,
            now=self.service.clock.now(),
            names=names,
        )

    def paper(
        self,
        request: Request,
        file: DossierFile,
        locale: Locale,
        *,
        back_url: str,
        extra: dict[str, Any] | None = None,
    ) -> Response:
        """Render the paper named in the path (``01`` to ``05``; ``?event=`` picks one)."""
        form = str(request.path_params.get("form", ""))
        event = request.query_params.get("event", "")
        seq = int(event) if event.isdigit() and len(event) < 9 else None
        paper = build_paper(file, form, locale, seq=seq) if form in PAPERS else None
        if paper is None:
            raise not_found()
        context = {"locale": locale, "paper": paper, "back_url": back_url, "pdf_url": None}
        context.update(extra or {})
        if request.query_params.get("format") == "pdf" and self.options.pdf:
            from procgen.web.pages.pdf import pdf_response

            html = self.renderer.render(
                request, f"papers/form-{form}.html", context, code=file.spec.code
            )
            return pdf_response(html, f"{paper.number}-{form}.pdf", base_url=str(request.base_url))
        if self.options.pdf:
            from procgen.web.pages.pdf import weasyprint_available

            if weasyprint_available():
                query = request.url.include_query_params(format="pdf").query
                context["pdf_url"] = f"{request.url.path}?{query}"
        return self.renderer.render(
            request, f"papers/form-{form}.html", context, code=file.spec.code
        )

    def conflict_problem(self, request: Request, exc: Conflict, reload_url: str) -> PageProblem:
        """A 409 page with a link back to the dossier as it is now."""
        if exc.code == "version_conflict":
            return PageProblem(
                409,
                "Someone acted on this dossier first",
                "The dossier changed since you opened it. Reload it to see where it is now, "
                "then decide again.",
                links=(("Reload the dossier", reload_url),),
            )
        return PageProblem(
            409,
            "This action is not possible now",
            "The dossier is not in a state that allows this action any more.",
            links=(("Reload the dossier", reload_url),),
        )

    @staticmethod
    def errors_of(exc: Invalid) -> dict[tuple[str | int, ...], str]:
        """The service's field errors by their ``loc``."""
        return {tuple(e.loc): e.msg for e in exc.errors}

    @staticmethod
    def link(request: Request, route: str, **params: Any) -> str:
        """The path of a page route."""
        return url(request, route, **params)


_FORBIDDEN = PageProblem(403, "Request refused", "You may not do this.")
_INVALID = PageProblem(400, "Bad request", "The form could not be read.")
_BUSY = PageProblem(503, "Please try again", "Reload this page in a moment.")
_NOT_FOUND = PageProblem(404, "Page not found", "There is no such page, or you may not see it.")
#: The page each of the service's errors is shown as (Conflict and Unauthenticated aside).
_PROBLEMS: tuple[tuple[type[Exception], PageProblem], ...] = (
    (NotFound, _NOT_FOUND),
    (Forbidden, _FORBIDDEN),
    (Busy, _BUSY),
    (Invalid, _INVALID),
)


def not_found() -> PageProblem:
    """A fresh 404 problem to raise."""
    return PageProblem(404, "Page not found", "There is no such page, or you may not see it.")
