"""Turning a wizard state into HTML responses: templates, shared context, security headers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from procgen.i18n import LOCALES, translator
from procgen.web.apply.state import WizardState
from procgen.web.apply.views import RADIO_LIMIT, ErrorItem, FieldView, ViewBuilder, dom_id
from procgen.web.apply.wizard import Loc, WizardPage, row_count
from procgen.web.security import changed_cookies, csrf_token, secure_headers
from procgen.web.templating import template_names

__all__ = [
    "ADDRESS_PARTS",
    "NAMESPACE",
    "HttpProblem",
    "LangLink",
    "Renderer",
    "TemplateRenderer",
    "error_items",
    "lang_links",
    "url",
    "walk_views",
]

ADDRESS_PARTS = ("commune", "street")
_LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
NAMESPACE = "procgen.forms."


class HttpProblem(Exception):
    """Stops a request with an error page (404, 400, 403, 413) in the user's language."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(f"{status} {title}")
        self.status = status
        self.title = title
        self.message = message


@dataclass(frozen=True)
class LangLink:
    """A link to the same page in another interface language."""

    code: str
    label: str
    url: str
    current: bool


def lang_links(request: Request, locale: str) -> list[LangLink]:
    """The page in each interface language (the query string kept, ``lang`` replaced)."""
    links = []
    for code in LOCALES:
        query = request.url.include_query_params(lang=code).query
        label = _LANGUAGE_NAMES[code]
        links.append(LangLink(code, label, f"{request.url.path}?{query}", code == locale))
    return links


def url(request: Request, route: str, **params: Any) -> str:
    """The path of a named route (relative links work behind any proxy and mount prefix)."""
    return str(request.url_for(NAMESPACE + route, **params).path)


def walk_views(views: Iterable[FieldView]) -> Iterable[FieldView]:
    """Every view, nested ones included (visible ones only)."""
    for view in views:
        if not view.visible:
            continue
        yield view
        yield from walk_views(view.children)
        for row in view.rows:
            yield from walk_views(row.children)


def error_items(errors: Mapping[Loc, str], anchors: Callable[[Loc], str | None]) -> list[ErrorItem]:
    """The error summary: each message linked to its field (or its nearest shown ancestor)."""
    items = []
    for loc, msg in errors.items():
        href = None
        for end in range(len(loc), 0, -1):
            href = anchors(loc[:end])
            if href:
                break
        items.append(ErrorItem(msg, href, loc))
    return items


class TemplateRenderer:
    """Renders templates with the context every page shares, security headers and cookies.

    The form pages and the citizen/officer pages differ only in their shared context
    (:meth:`shared`) and in the path their cookies are scoped to (:meth:`cookie_path`).

    Args:
        env: the Jinja2 environment (see :func:`procgen.web.templating.template_environment`).
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env

    def shared(self, request: Request, locale: str, gettext: Callable[..., str]) -> dict[str, Any]:
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
        locale = str(context.get("locale") or "vi")
        token = csrf_token(request)
        base = self.shared(request, locale, translator(locale).gettext)
        base["csrf_token"] = token
        base.update(context)
        template = self.env.select_template(template_names(name, code))
        response = HTMLResponse(template.render(base), status_code=status)
        self.finish(request, response, locale, token)
        return response

    def redirect(self, request: Request, location: str, locale: str) -> Response:
        """A 303 See Other to ``location`` (a path), with the usual headers and cookies."""
        response = RedirectResponse(location, status_code=303)
        self.finish(request, response, locale, None)
        return response

    def finish(self, request: Request, response: Response, locale: str, token: str | None) -> None:
        """Security headers, and the language and CSRF cookies when they change."""
        cookies = changed_cookies(request, locale, token)
        secure_headers(response, request, cookies=cookies, path=self.cookie_path(request))


class Renderer(TemplateRenderer):
    """The form pages' renderer: templates plus the field views of a procedure's form.

    Args:
        env: the Jinja2 environment (see :func:`procgen.web.templating.template_environment`).
        field_type: ``FieldTypeRegistry.get``.
    """

    def __init__(self, env: jinja2.Environment, field_type: Callable[[str], Any]) -> None:
        super().__init__(env)
        self.field_type = field_type

    def shared(self, request: Request, locale: str, gettext: Callable[..., str]) -> dict[str, Any]:
        """The shared context, with the form pages' links."""
        return super().shared(request, locale, gettext) | {
            "home_url": url(request, "index"),
            "static_url": lambda path: url(request, "static", path=path),
        }

    def problem(self, request: Request, problem: HttpProblem, locale: str) -> Response:
        """An error page."""
        gettext = translator(locale).gettext
        title, message = gettext(problem.title), gettext(problem.message)
        context = {"locale": locale, "title": title, "message": message}
        return self.render(request, "forms/error.html", context, status=problem.status)

    # ------------------------------------------------------------------ page views

    def builder(
        self, request: Request, state: WizardState, errors: Mapping[Loc, str]
    ) -> ViewBuilder:
        """A view builder for ``state``'s draft and procedure."""
        code, token = state.spec.code, state.draft.token
        return ViewBuilder(
            code=code,
            locale=state.locale,
            gettext=translator(state.locale).gettext,
            field_type=self.field_type,
            values=state.draft.values,
            rows=state.draft.rows,
            is_visible=state.is_visible,
            errors=errors,
            fragment_url=lambda name: url(request, "fragment", code=code, token=token, name=name),
        )

    def field_views(
        self, request: Request, state: WizardState, page: WizardPage, errors: Mapping[Loc, str]
    ) -> tuple[list[FieldView], list[ErrorItem]]:
        """The views of ``page``'s fields and the error summary linking into them."""
        builder = self.builder(request, state, errors)
        views = [builder.build(f, (f.id,)) for f in page.fields]
        shown = {view.id for view in walk_views(views)}
        # the parts of an address have their own ids (the province select has the field's)
        shown |= {f"{v.id}.{p}" for v in walk_views(views) if v.address for p in ADDRESS_PARTS}
        items = error_items(errors, lambda loc: f"#{dom_id(loc)}" if dom_id(loc) in shown else None)
        return views, items

    def changed_conditionals(
        self,
        builder: ViewBuilder,
        before: WizardState,
        after: WizardState,
        fields: Sequence[Any],
        skip: str,
    ) -> list[FieldView]:
        """Views of the conditional fields whose visibility differs between two states."""
        changed: list[FieldView] = []

        def walk(fs: Sequence[Any], prefix: Loc) -> None:
            for f in fs:
                loc = (*prefix, f.id)
                name = dom_id(loc)
                if name == skip or name.startswith(skip + "."):
                    continue
                if f.when is not None and before.is_visible(loc) != after.is_visible(loc):
                    changed.append(builder.build(f, loc))
                    continue
                if not after.is_visible(loc):
                    continue
                if f.type == "group":
                    walk(f.fields, loc)
                elif f.type == "list":
                    count = row_count(after.draft.values, after.draft.rows, name, f)
                    for i in range(count):
                        walk(f.fields, (*loc, i))

        walk(fields, ())
        return changed
