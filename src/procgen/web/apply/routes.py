"""The applicant's form pages as Starlette routes: a wizard that works with and without JS.

    >>> from procgen import Registry
    >>> from procgen.web.apply import InMemoryDraftStore, InMemorySubmitHandler, create_forms_app
    >>> app = create_forms_app(Registry.from_path("definitions"),         # doctest: +SKIP
    ...     drafts=InMemoryDraftStore(), on_submit=InMemorySubmitHandler())

URLs, relative to where the routes are mounted (every link is built with ``url_for``)::

    GET  /                                      the services
    GET  /{code}                                a service's start page
    POST /{code}/draft                          start: a new draft, then its first page
    GET  /{code}/draft/{token}                  the resume link
    GET  /{code}/draft/{token}/{page}           a page of questions (or the documents)
    POST /{code}/draft/{token}/{page}           save its answers: continue, save, add/remove rows
    POST /{code}/draft/{token}/fragment/{name}  htmx: one field (or list) re-rendered
    GET  /{code}/draft/{token}/check-answers    check your answers; POST submits
    GET  /{code}/draft/{token}/draft-saved      the resume link, after "save as draft"
    GET  /{code}/draft/{token}/application-sent the confirmation

Without JavaScript every button posts the page and the server answers with a 303 redirect; the
errors of a page are shown once the applicant has tried to leave it. With htmx, a changed answer
is posted to the field's fragment URL: the answer comes back validated (``only=`` that field's
top-level id), and conditional fields whose ``when`` changed are swapped in or out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from procgen.i18n import translator
from procgen.registry import Registry
from procgen.spec.models import ProcedureSpec
from procgen.types import Locale
from procgen.web.apply import document_page as docs
from procgen.web.apply.drafts import Draft, DraftStore
from procgen.web.apply.form_service import form_action
from procgen.web.apply.sending import SendingPages
from procgen.web.apply.state import WizardState
from procgen.web.apply.submission import SubmitHandler
from procgen.web.apply.views import ErrorItem, dom_id
from procgen.web.apply.wizard import (
    WizardPage,
    apply_action,
    apply_post,
    has_file_fields,
    locate,
    resolve,
)
from procgen.web.apply.wizard_renderer import NAMESPACE, url
from procgen.web.rendering import PageProblem
from procgen.web.security import FormOptions

if TYPE_CHECKING:
    from procgen.workflow.clock import Clock

__all__ = ["create_forms_app", "form_routes"]


def _answered(draft: Draft, name: str) -> bool:
    """Whether anything is typed in the field ``name`` (or inside it)."""
    prefix = name + "."
    return any(
        item.strip()
        for key, items in draft.values.items()
        if key == name or key.startswith(prefix)
        for item in items
    )


class _FormRoutes(SendingPages):
    """The wizard's pages, and the routes of every page."""

    def routes(self) -> list[BaseRoute]:
        n, e = NAMESPACE, self._endpoint
        draft = "/{code}/draft/{token}"
        static = StaticFiles(packages=[("procgen", "static")])
        return [
            Mount("/_static", app=static, name=n + "static"),
            Route("/", e(self.index), name=n + "index"),
            Route("/{code}", e(self.start), name=n + "start"),
            Route("/{code}/draft", e(self.create), methods=["POST"], name=n + "create"),
            Route(draft, e(self.resume), name=n + "resume"),
            Route(
                f"{draft}/check-answers", e(self.check), methods=["GET", "POST"], name=n + "check"
            ),
            Route(f"{draft}/draft-saved", e(self.saved), name=n + "saved"),
            Route(f"{draft}/application-sent", e(self.sent), name=n + "sent"),
            Route(
                f"{draft}/fragment/{{name}}",
                e(self.fragment),
                methods=["POST"],
                name=n + "fragment",
            ),
            Route(f"{draft}/{{slug}}", e(self.page), methods=["GET", "POST"], name=n + "page"),
        ]

    # ------------------------------------------------------------------ pages

    async def page(self, request: Request, locale: Locale) -> Response:
        if request.method == "POST":
            return await self._post_page(request, locale)
        spec, draft = await self._load(request)
        if draft.receipt is not None:
            return self._redirect(request, self._sent_url(request), locale)
        state = self._state(spec, draft, locale)
        page = state.page(request.path_params["slug"])
        if page is None:
            raise PageProblem(404, "Page not found", "There is no such page in this form.")
        returning = request.query_params.get("return") == "check"
        if not state.shows(page):
            following = state.neighbour(page, 1)
            return self._redirect(request, self._page_url(request, following), locale)
        notice = None
        if request.query_params.get("more") == "1":
            notice = translator(locale).gettext("Your answers added questions to this page.")
        return self._render_page(request, state, page, returning=returning, notice=notice)

    def _render_page(
        self,
        request: Request,
        state: WizardState,
        page: WizardPage,
        *,
        returning: bool,
        notice: str | None = None,
        upload_errors: dict[str, str] | None = None,
    ) -> Response:
        _ = translator(state.locale).gettext
        attempted = page.slug in state.draft.attempted
        shown = state.shown_pages
        previous = state.neighbour(page, -1)
        if returning:
            back = self._page_url(request, None)
        elif previous is not None:
            back = self._page_url(request, previous)
        else:
            back = url(request, "start", code=state.spec.code)
        context: dict[str, Any] = {
            "locale": state.locale,
            "procedure": state.spec.name.get(state.locale),
            "step": shown.index(page) + 1 if page in shown else 1,
            "steps": len(shown),
            "back_url": back,
            "action_url": self._page_url(request, page, returning=returning),
            "notice": notice,
            "multipart": page.documents or has_file_fields(page),
            "fields": [],
        }
        if page.documents:
            errors = dict(state.document_errors()) if attempted else {}
            errors.update(upload_errors or {})
            views = docs.document_views(state.documents, state.draft, errors, state.locale, _)
            context["documents"] = views
            context["errors"] = [
                ErrorItem(v.error, f"#{v.id}", ("documents", v.id)) for v in views if v.error
            ]
            context["title"] = _("Attach documents")
            template = "forms/documents.html"
        else:
            field_errors = state.field_errors(page) if attempted else {}
            for name, message in (upload_errors or {}).items():
                found = resolve(page.fields, name)
                if found is not None:
                    field_errors = {found[1]: message, **field_errors}
            fields, items = self.renderer.field_views(request, state, page, field_errors)
            context.update(fields=fields, errors=items)
            context["title"] = page.title.get(state.locale) if page.title else _("Your details")
            template = "forms/page.html"
        status = 422 if upload_errors else 200
        return self.renderer.render(request, template, context, code=state.spec.code, status=status)

    async def _post_page(self, request: Request, locale: Locale) -> Response:
        slug = request.path_params["slug"]
        returning = request.query_params.get("return") == "check"
        spec, draft = await self._load(request)
        page = self._state(spec, draft, locale).page(slug)
        if page is None:
            raise PageProblem(404, "Page not found", "There is no such page in this form.")
        if page.documents:
            documents = self._state(spec, draft, locale).documents
            limit = sum(int(d.max_size) * d.max_files for d in documents) + 1024 * 1024
            max_files = sum(d.max_files + 1 for d in documents)
            form = await self._form(request, limit=limit, max_files=max_files)
        elif has_file_fields(page):
            form = await self._form(request, limit=self.options.max_body, max_files=100)
        else:
            form = await self._form(request, limit=self.options.max_form_body)
        action = form_action(form)
        pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        uploads = [(k, v) for k, v in form.multi_items() if isinstance(v, UploadFile)]
        _ = translator(locale).gettext

        async def change(spec: ProcedureSpec, draft: Draft) -> tuple[str, Any]:
            if draft.receipt is not None:
                return "sent", None
            before = self._state(spec, draft, locale)
            shown_before = before.visible_paths
            if page.documents:
                for _name, upload in uploads:
                    await upload.seek(0)
                errors = await docs.receive_uploads(before.documents, draft, uploads, locale, _)
                if action.startswith("remove-file:"):
                    docs.remove_file(draft, action)
                if errors:
                    return "upload-errors", errors
            else:
                apply_post(draft.values, draft.rows, page, pairs)
                errors = await docs.receive_field_files(
                    page.fields, draft, uploads, default_max_size=10**7, locale=locale, gettext=_
                )
                if errors:
                    return "upload-errors", errors
                if action.startswith("clear:") and resolve(page.fields, action[6:]) is not None:
                    draft.values.pop(action[6:], None)
                    return "row", action[6:]
                if action.startswith(("add:", "remove:")):
                    return "row", apply_action(page.fields, draft.values, draft.rows, action)
                if action.startswith("show:"):
                    return "row", action.removeprefix("show:")
            if action == "save":
                return "saved", None
            if action != "continue":
                return "stay", None
            after = self._state(spec, draft, locale)
            appeared = [
                p
                for p in after.visible_paths - shown_before
                if p[0] in page.field_ids and not _answered(draft, dom_id(p))
            ]
            if appeared and not page.documents:
                return "more", None
            draft.attempted.add(page.slug)
            wrong = after.document_errors() if page.documents else after.field_errors(page)
            if wrong:
                return "stay", None
            following = after.first_unvisited() if returning else after.neighbour(page, 1)
            return "next", following

        outcome, detail = await self._transact(request, change)
        here = self._page_url(request, page, returning=returning)
        if outcome == "sent":
            return self._redirect(request, self._sent_url(request), locale)
        if outcome == "upload-errors":
            spec, draft = await self._load(request)
            state = self._state(spec, draft, locale)
            return self._render_page(
                request, state, page, returning=returning, upload_errors=detail
            )
        if outcome == "row":
            anchor = f"#{detail}-field" if detail else ""
            return self._redirect(request, here + anchor, locale)
        if outcome == "saved":
            params = request.path_params
            return self._redirect(
                request, url(request, "saved", code=params["code"], token=params["token"]), locale
            )
        if outcome == "more":
            joiner = "&" if "?" in here else "?"
            return self._redirect(request, f"{here}{joiner}more=1", locale)
        if outcome == "next":
            return self._redirect(request, self._page_url(request, detail), locale)
        return self._redirect(request, here, locale)

    # ------------------------------------------------------------------ htmx fragments

    async def fragment(self, request: Request, locale: Locale) -> Response:
        name = request.path_params["name"]
        # files are left out of htmx requests (procgen.js); any that slip through are ignored
        form = await self._form(request, limit=self.options.max_form_body, max_files=50)
        action = form_action(form)
        pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]

        async def change(spec: ProcedureSpec, draft: Draft) -> tuple[WizardState, Any, Any]:
            if draft.receipt is not None:
                raise PageProblem(409, "Already sent", "This dossier has been sent.")
            before = self._state(spec, draft, locale)
            located = locate(spec.fields, name)
            page = before.page_of(located[1]) if located is not None else None
            if located is None or page is None:
                raise PageProblem(404, "Page not found", "There is no such field in this form.")
            before.visible_paths  # noqa: B018 (computed now, before the draft changes)
            apply_post(draft.values, draft.rows, page, pairs)
            if action.startswith(("add:", "remove:")):
                apply_action(page.fields, draft.values, draft.rows, action)
            return before, page, located

        before, page, (target, loc) = await self._transact(request, change)
        spec, draft = await self._load(request)
        after = self._state(spec, draft, locale)
        if action.startswith(("add:", "remove:")):
            errors = after.field_errors(page) if page.slug in draft.attempted else {}
        else:
            errors = {
                where: msg
                for where, msg in after.field_errors(page, only={loc[0]}).items()
                if where[: len(loc)] == loc
            }
        builder = self.renderer.builder(request, after, errors)
        view = builder.build(target, loc)
        if action.startswith("add:") and view.rows:
            leaves = [c for c in view.rows[-1].children if c.visible and not c.children]
            if leaves:
                leaves[0].autofocus = True
        elif action.startswith("remove:"):
            view.autofocus = True
        changed = self.renderer.changed_conditionals(
            builder, before, after, page.fields, dom_id(loc)
        )
        context = {"locale": locale, "f": view, "changed": changed}
        return self.renderer.render(request, "forms/fragment.html", context, code=spec.code)


def form_routes(
    registry: Registry,
    *,
    drafts: DraftStore,
    on_submit: SubmitHandler,
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    options: FormOptions | None = None,
    clock: Clock | None = None,
) -> list[BaseRoute]:
    """The routes of the applicant's form pages, to mount in any Starlette app.

    Mount them without a name (``Mount("/dvc", routes=form_routes(...))``): they are named
    ``procgen.forms.*`` and build every link with ``url_for``, so any prefix works.

    Args:
        registry: the procedures to serve, compiled (with the deployment's field types).
        drafts: where drafts are kept.
        on_submit: receives each complete dossier.
        templates_dir: a directory (or several) searched before procgen's templates; a
            ``<procedure code>/`` subdirectory overrides templates for one procedure.
        options: limits, draft lifetime and trusted origins.
        clock: the time the pages' conditions and rules see (default: the system clock).
    """
    return _FormRoutes(
        registry,
        drafts=drafts,
        on_submit=on_submit,
        templates_dir=templates_dir,
        options=options or FormOptions(),
        clock=clock,
    ).routes()


def create_forms_app(
    registry: Registry,
    *,
    drafts: DraftStore,
    on_submit: SubmitHandler,
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    options: FormOptions | None = None,
    clock: Clock | None = None,
    debug: bool = False,
) -> Starlette:
    """A Starlette app serving only the form pages (see :func:`form_routes`)."""
    routes = form_routes(
        registry,
        drafts=drafts,
        on_submit=on_submit,
        templates_dir=templates_dir,
        options=options,
        clock=clock,
    )
    return Starlette(routes=routes, debug=debug)
