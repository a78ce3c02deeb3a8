"""Rendering the citizen and officer pages: templates, shared context, headers, cookies.

The pages share the form pages' renderer (:class:`~procgen.web.rendering.TemplateRenderer`),
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

from procgen.types import Locale
from procgen.web.rendering import PageProblem, TemplateRenderer

__all__ = ["NAMESPACE", "PageProblem", "PageRenderer", "url"]

#: The prefix of every page route's name.
NAMESPACE = "procgen.pages."


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

    problem_template = "citizen/problem.html"

    def shared(
        self, request: Request, locale: Locale, gettext: Callable[..., str]
    ) -> dict[str, Any]:
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
