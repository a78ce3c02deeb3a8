"""The citizen and officer pages as Starlette routes, on a :class:`~procgen.service.DossierService`.

URLs, relative to where the routes are mounted (every link is built with ``url_for``, so any
prefix works)::

    GET       /services                              the catalogue: ?q= search, ?sector= filter
    GET/POST  /track                                 tracking: number + tracking code
    GET       /track/{number}?secret=                a dossier found by number and code
    GET       /track/{number}/papers/{form}?secret=  its papers (01 receipt, 02-05)
    POST      /track/{number}/actions/{action}       the applicant acts by tracking code (when
                                                     the service offers it: TrackedActing)
    GET       /dossiers                              officers: worklist; citizens: my dossiers
    GET       /dossiers/{id}                         a dossier (officer view or applicant view)
    POST      /dossiers/{id}/actions/{action}        take an action (form fields + version)
    GET       /dossiers/{id}/papers/{form}           a paper, printable (?event= picks one)
    GET       /dossiers/{id}/files/{attachment}      download a document
    GET/POST  /sign-in, POST /sign-out               with the development backend only
    GET       /_static/{path}                        pages.css, print.css (and the forms' files)

Routes are named ``procgen.pages.*``. The app must run
:class:`~procgen.web.auth.backends.AuthMiddleware` so the pages know the signed-in user.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from procgen.service import DossierService, Filed
from procgen.types import Locale
from procgen.web.auth.backends import DevAuth
from procgen.web.pages.base import PagesOptions
from procgen.web.pages.citizen import CitizenPages
from procgen.web.pages.dossiers import DossierPages
from procgen.web.pages.page_renderer import NAMESPACE, PageRenderer, url
from procgen.web.pages.tracking import TrackingPages
from procgen.web.templating import template_environment

__all__ = ["page_routes", "receipt_link"]


class _Pages(CitizenPages, TrackingPages, DossierPages):
    """Every page, sharing one renderer and service."""

    async def act_get(self, request: Request, locale: Locale) -> Response:
        """A reloaded action URL: back to the dossier."""
        dossier = str(request.path_params.get("dossier", ""))
        return self.renderer.redirect(request, url(request, "dossier", dossier=dossier), locale)

    async def act_any(self, request: Request, locale: Locale) -> Response:
        if request.method == "POST":
            return await self.act(request, locale)
        return await self.act_get(request, locale)

    def routes(self) -> list[BaseRoute]:
        n, e = NAMESPACE, self.endpoint
        one = "/dossiers/{dossier}"
        both = ["GET", "POST"]
        static = StaticFiles(packages=[("procgen", "static")])
        return [
            Mount("/_static", app=static, name=n + "static"),
            Route("/services", e(self.catalogue), name=n + "catalogue"),
            Route("/track", e(self.track), methods=both, name=n + "track"),
            Route("/track/{number}", e(self.tracked), name=n + "tracked"),
            Route("/track/{number}/papers/{form}", e(self.tracked_paper), name=n + "tracked_paper"),
            Route(
                "/track/{number}/actions/{action}",
                e(self.tracked_act),
                methods=["POST"],
                name=n + "tracked_act",
            ),
            Route("/dossiers", e(self.worklist), name=n + "worklist"),
            Route(one, e(self.dossier), name=n + "dossier"),
            Route(f"{one}/actions/{{action}}", e(self.act_any), methods=both, name=n + "act"),
            Route(f"{one}/papers/{{form}}", e(self.paper_page), name=n + "paper"),
            Route(f"{one}/files/{{attachment}}", e(self.download), name=n + "file"),
            Route("/sign-in", e(self.sign_in_page), methods=both, name=n + "sign_in"),
            Route("/sign-out", e(self.sign_out), methods=["POST"], name=n + "sign_out"),
        ]


def page_routes(
    service: DossierService,
    *,
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    options: PagesOptions | None = None,
    auth: DevAuth | None = None,
) -> list[BaseRoute]:
    """The routes of the citizen and officer pages, to mount in any Starlette app.

    Args:
        service: the dossier service the pages read and act through (action inputs use the
            widgets of the field types its procedures were compiled with).
        templates_dir: a directory (or several) searched before procgen's templates; a
            ``<procedure code>/`` subdirectory overrides templates for one procedure (e.g.
            ``BQP-UAV-01/papers/form-01.html``).
        options: limits, sign-in URL, PDF papers.
        auth: the development backend, to serve ``/sign-in`` and ``/sign-out`` pages.
    """
    renderer = PageRenderer(template_environment(templates_dir))
    types = service.registry.field_types
    pages = _Pages(service, renderer, options or PagesOptions(), field_type=types.get, auth=auth)
    return pages.routes()


def receipt_link(forms_path: str = "/dich-vu") -> Callable[[Filed], str]:
    """The confirmation page's link to the receipt (form 01) of a dossier just filed.

    For ``create_app(receipt_url=...)``: the link is relative to the confirmation page
    (``{forms_path}/{code}/draft/{token}/application-sent``), so it is right under any mount
    prefix, as long as the pages are mounted where the form pages' ``forms_path`` starts.
    It carries the tracking code, shown once to the applicant on the receipt.
    """
    depth = len([part for part in forms_path.split("/") if part]) + 3
    up = "../" * depth

    def link(filed: Filed) -> str:
        number = quote(filed.dossier.number, safe="")
        query = urlencode({"secret": filed.tracking_secret})
        return f"{up}track/{number}/papers/01?{query}"

    return link
