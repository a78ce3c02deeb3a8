"""Rendering the citizen and officer pages: templates, shared context, headers, cookies.

The pages reuse the form pages' renderer (:class:`~procgen.web.apply.rendering.TemplateRenderer`),
layout (``forms/base.html``), stylesheet and security rules (:mod:`procgen.web.security`):
the same Content-Security-Policy, the same double-submit CSRF cookie, the same language
cookie, so one visitor moves between the wizard and these pages without noticing. Routes are
named ``procgen.pages.*`` and every link is built with ``url_for``, so the pages work under
any mount prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from procgen.i18n import translator
from procgen.web.apply.rendering import TemplateRenderer

__all__ = ["NAMESPACE", "PageProblem", "PageRenderer", "url"]

#: The prefix of every page route's name.
NAMESPACE = "procgen.pages."


class PageProblem(Exception):
    """Stops a request with an error page in the reader's language.

    ``title`` and ``message`` are msgids of the ``ui`` catalogue; ``links`` are
    ``(msgid, url)`` pairs offered on the page (e.g. "Reload the dossier").
    """

    def __init__(
        self, status: int, title: str, message: str, *, links: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(f"{status} {title}")
        self.status = status
        self.title = title
        self.message = message
        self.links = links


def url(request: Request, route: str, **params: Any) -> str:
    """The path of the page route ``route`` (relative links work behind any proxy)."""
    return str(request.url_for(NAMESPACE + route, **params).path)


def _root(request: Request) -> str:
    """Where the pages are mounted: the cookies' path."""
    root = str(request.scope.get("root_path", "") or "")
    return root if root.endswith("/") else root + "/"


class PageRenderer(TemplateRenderer):
    """Renders page templates with the context every page shares.

    Args:
        env: the Jinja2 environment (deployment overrides first, see
            :func:`procgen.web.templating.template_environment`).
    """

    def shared(self, request: Request, locale: str, gettext: Callable[..., str]) -> dict[str, Any]:
        """The form pages' shared context, with the pages' navigation."""
        return super().shared(request, locale, gettext) | {
            "home_url": url(request, "catalogue"),
            "track_url": url(request, "track"),
            "worklist_url": url(request, "worklist"),
            "static_url": lambda path: url(request, "static", path=path),
            "user": None,
            "login_url": None,
            "logout_url": None,
            "nav_current": None,
            "notice": None,
            "secret": None,
            "links": (),
            "hidden_fields": (),
        }

    def cookie_path(self, request: Request) -> str | None:
        """Where the pages are mounted."""
        return _root(request)

    def problem(self, request: Request, problem: PageProblem, locale: str) -> Response:
        """The error page of ``problem``."""
        _ = translator(locale).gettext
        context = {
            "locale": locale,
            "title": _(problem.title),
            "message": _(problem.message),
            "links": [(_(label), href) for label, href in problem.links],
        }
        return self.render(request, "citizen/problem.html", context, status=problem.status)
