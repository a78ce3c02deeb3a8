"""Rendering the citizen and officer pages: templates, shared context, headers, cookies.

The pages reuse the form pages' layout (``forms/base.html``), stylesheet and security rules
(:mod:`procgen.web.security`): the same Content-Security-Policy, the same double-submit CSRF
cookie, the same language cookie, so one visitor moves between the wizard and these pages
without noticing. Routes are named ``procgen.pages.*`` and every link is built with
``url_for``, so the pages work under any mount prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from procgen.i18n import translator
from procgen.web.rendering import lang_links
from procgen.web.security import changed_cookies, csrf_token, secure_headers
from procgen.web.templating import template_names
from procgen.web.views import RADIO_LIMIT

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


class PageRenderer:
    """Renders page templates with the context every page shares.

    Args:
        env: the Jinja2 environment (deployment overrides first, see
            :func:`procgen.web.templating.template_environment`).
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any],
        *,
        code: str | None = None,
        status: int = 200,
    ) -> Response:
        """Render ``name`` (procedure ``code``'s override first) as an HTML response."""
        locale = str(context.get("locale") or "vi")
        gettext = translator(locale).gettext
        token = csrf_token(request)
        base: dict[str, Any] = {
            "_": gettext,
            "locale": locale,
            "service_name": gettext("Online public services"),
            "home_url": url(request, "catalogue"),
            "track_url": url(request, "track"),
            "worklist_url": url(request, "worklist"),
            "lang_links": lang_links(request, locale),
            "static_url": lambda path: url(request, "static", path=path),
            "csrf_token": token,
            "errors": (),
            "radio_limit": RADIO_LIMIT,
            "back_url": None,
            "user": None,
            "login_url": None,
            "logout_url": None,
            "nav_current": None,
            "notice": None,
            "secret": None,
            "links": (),
            "hidden_fields": (),
        }
        base.update(context)
        template = self.env.select_template(template_names(name, code))
        response = HTMLResponse(template.render(base), status_code=status)
        self.finish(request, response, locale, token)
        return response

    def redirect(self, request: Request, location: str, locale: str) -> Response:
        """A 303 See Other to ``location``."""
        response = RedirectResponse(location, status_code=303)
        self.finish(request, response, locale, None)
        return response

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

    def finish(self, request: Request, response: Response, locale: str, token: str | None) -> None:
        """The security headers, and the CSRF and language cookies when they change."""
        cookies = changed_cookies(request, locale, token)
        secure_headers(response, request, cookies=cookies, path=_root(request))
