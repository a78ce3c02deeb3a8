"""The form pages' renderer: the shared page renderer plus the field views of a wizard state."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import jinja2
from starlette.requests import Request

from procgen.i18n import translator
from procgen.types import Locale
from procgen.web.apply.state import WizardState
from procgen.web.apply.views import ErrorItem, FieldView, ViewBuilder, dom_id
from procgen.web.apply.wizard import Loc, WizardPage, row_count
from procgen.web.rendering import TemplateRenderer

__all__ = [
    "ADDRESS_PARTS",
    "NAMESPACE",
    "Renderer",
    "error_items",
    "url",
    "walk_views",
]

ADDRESS_PARTS = ("commune", "street")
NAMESPACE = "procgen.forms."


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


class Renderer(TemplateRenderer):
    """The form pages' renderer: templates plus the field views of a procedure's form.

    Args:
        env: the Jinja2 environment (see :func:`procgen.web.templating.template_environment`).
        field_type: ``FieldTypeRegistry.get``.
    """

    def __init__(self, env: jinja2.Environment, field_type: Callable[[str], Any]) -> None:
        super().__init__(env)
        self.field_type = field_type

    def shared(
        self, request: Request, locale: Locale, gettext: Callable[..., str]
    ) -> dict[str, Any]:
        """The shared context, with the form pages' links."""
        return super().shared(request, locale, gettext) | {
            "home_url": url(request, "index"),
            "static_url": lambda path: url(request, "static", path=path),
        }

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
