"""What every HTML page shares: templates, the common context, headers, cookies, problems.

The form pages (:mod:`procgen.web.apply`) and the citizen and officer pages
(:mod:`procgen.web.pages`) render through a :class:`TemplateRenderer` subclass each, stop a
request with one problem type (:class:`PageProblem`), and wrap every endpoint in one function
(:func:`html_endpoint`): the reader's language is picked, an expected failure becomes an error
page with the right status (never a 500), and parsed forms are closed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import jinja2
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from procgen.i18n import LOCALES, translator
from procgen.types import Locale
from procgen.web.security import (
    BodyTooLarge,
    FormOptions,
    changed_cookies,
    csrf_ok,
    csrf_token,
    limited,
    request_locale,
    same_origin,
    secure_headers,
)
from procgen.web.templating import RADIO_LIMIT, template_names

__all__ = [
    "FORMS_KEY",
    "TOO_LARGE",
    "Handler",
    "LangLink",
    "PageProblem",
    "TemplateRenderer",
    "html_endpoint",
    "lang_links",
    "read_form",
]

_LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
#: Where a request keeps the forms it parsed, so that :func:`html_endpoint` closes them (their
#: uploaded files are spooled to temporary files).
FORMS_KEY = "procgen.forms"
#: A handler of a page: the request and the reader's language in, a response out.
Handler = Callable[[Request, Locale], Awaitable[Response]]


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


#: The problem of a body over its limit.
TOO_LARGE = PageProblem(413, "Too much data", "The files sent were too large.")


@dataclass(frozen=True)
class LangLink:
    """A link to the same page in another interface language."""

    code: str
    label: str
    url: str
    current: bool


def lang_links(request: Request, locale: Locale) -> list[LangLink]:
    """The page in each interface language (the query string kept, ``lang`` replaced)."""
    links = []
    for code in LOCALES:
        query = request.url.include_query_params(lang=code).query
        label = _LANGUAGE_NAMES[code]
        links.append(LangLink(code, label, f"{request.url.path}?{query}", code == locale))
    return links


class TemplateRenderer:
    """Renders templates with the context every page shares, security headers and cookies.

    The form pages and the citizen/officer pages differ only in their shared context
    (:meth:`shared`) and in the path their cookies are scoped to (:meth:`cookie_path`).

    Args:
        env: the Jinja2 environment (see :func:`procgen.web.templating.template_environment`).
    """

    #: The template of error pages (:meth:`problem`).
    problem_template: ClassVar[str] = "forms/error.html"

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env

    def shared(
        self, request: Request, locale: Locale, gettext: Callable[..., str]
    ) -> dict[str, Any]:
        """The context every template gets, before the page's own."""
        return {
            "_": gettext,
            "locale": locale,
            "service_name": gettext("Online public services"),
            "lang_links": lang_links(request, locale),
            "errors": (),
            "radio_limit": RADIO_LIMIT,
            "back_url": None,
        }

    def cookie_path(self, request: Request) -> str | None:
        """The path the CSRF and language cookies are scoped to (None: the forms' root)."""
        return None

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any],
        *,
        code: str | None = None,
        status: int = 200,
    ) -> Response:
        """Render template ``name`` (the procedure's override first) as an HTML response."""
        locale: Locale = "en" if context.get("locale") == "en" else "vi"
        token = csrf_token(request)
        base = self.shared(request, locale, translator(locale).gettext)
        base["csrf_token"] = token
        base.update(context)
        template = self.env.select_template(template_names(name, code))
        response = HTMLResponse(template.render(base), status_code=status)
        self.finish(request, response, locale, token)
        return response

    def redirect(self, request: Request, location: str, locale: Locale) -> Response:
        """A 303 See Other to ``location`` (a path), with the usual headers and cookies."""
        response = RedirectResponse(location, status_code=303)
        self.finish(request, response, locale, None)
        return response

    def finish(
        self, request: Request, response: Response, locale: Locale, token: str | None
    ) -> None:
        """Security headers, and the language and CSRF cookies when they change."""
        cookies = changed_cookies(request, locale, token)
        secure_headers(response, request, cookies=cookies, path=self.cookie_path(request))

    def problem(self, request: Request, problem: PageProblem, locale: Locale) -> Response:
        """The error page of ``problem``, with its status."""
        _ = translator(locale).gettext
        context = {
            "locale": locale,
            "title": _(problem.title),
            "message": _(problem.message),
            "links": [(_(label), href) for label, href in problem.links],
        }
        return self.render(request, self.problem_template, context, status=problem.status)


def html_endpoint(
    renderer: TemplateRenderer,
    handler: Handler,
    *,
    recover: Callable[[Request, Exception, Locale], Response | None] | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap the page handler ``handler``: the reader's language, error pages, closing forms.

    A :class:`PageProblem` becomes its error page and a body over its limit a 413 page;
    ``recover`` may turn any other exception into a response (None: not handled, re-raised).
    """

    async def endpoint(request: Request) -> Response:
        locale = request_locale(request)
        try:
            return await handler(request, locale)
        except PageProblem as problem:
            return renderer.problem(request, problem, locale)
        except BodyTooLarge:
            return renderer.problem(request, TOO_LARGE, locale)
        except Exception as exc:
            answer = recover(request, exc, locale) if recover is not None else None
            if answer is None:
                raise
            return answer
        finally:
            for form in request.scope.get(FORMS_KEY, ()):
                await form.close()

    return endpoint


async def read_form(
    request: Request, options: FormOptions, *, limit: int, max_files: int = 0
) -> FormData:
    """The posted form, once the request is known to come from this site.

    The body is read within ``limit`` bytes (and the options' ``max_body``), at most
    ``max_files`` files and the options' field limits; it is closed by :func:`html_endpoint`.

    Raises:
        PageProblem: 403 for a cross-site post, 400 for a body that cannot be read.
        BodyTooLarge: past the limit.
    """
    trusted = options.trusted_origins
    if same_origin(request, trusted) is False:
        raise PageProblem(403, "Request refused", "This form was sent from another site.")
    body = limited(request, min(limit, options.max_body))
    try:
        form = await body.form(
            max_files=max_files,
            max_fields=options.max_fields,
            max_part_size=options.max_field_size,
        )
    except BodyTooLarge:
        raise
    except Exception as exc:  # the parsers raise HTTPException, KeyError, ValueError...
        raise PageProblem(400, "Bad request", "The form could not be read.") from exc
    request.scope.setdefault(FORMS_KEY, []).append(form)
    if not csrf_ok(body, form, trusted):
        raise PageProblem(403, "Request refused", "This form was sent from another site.")
    return form
