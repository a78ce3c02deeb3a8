"""Signed-in pages on dossiers: the worklist, a dossier, its actions, papers and files.

One set of URLs serves officers and applicants; the service decides who sees what:

- an officer of the procedure gets the officer's page (data, documents, history, the
  actions their roles allow now as forms, papers);
- the dossier's own applicant gets the tracking view, with their actions (a supplement with
  its documents, a withdrawal);
- anyone else gets 404, exactly as for a dossier that does not exist.

An action is a POST with the dossier's version (``If-Match`` of the API): a failed check
shows the page again with the errors and what was typed; a version conflict (someone acted
first) shows a 409 page with a link to the dossier as it is now.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from procgen.i18n import translator
from procgen.service import Actions, Conflict, Invalid, Unauthenticated, User, WorklistQuery
from procgen.types import Locale
from procgen.web.auth.backends import request_user
from procgen.web.pages.actions import error_items, form_errors, parse_action_post
from procgen.web.pages.base import PagesBase, not_found
from procgen.web.pages.context import applicant_context, officer_context
from procgen.web.pages.labels import action_label
from procgen.web.pages.worklist import read_filters, worklist_query, worklist_rows

__all__ = [
    "DossierPages",
    "Loc",
]

Loc = tuple[str | int, ...]


def _dossier_id(request: Request) -> str:
    raw = str(request.path_params.get("dossier", ""))
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise not_found() from None


class DossierPages(PagesBase):
    """The signed-in pages (see the module docstring)."""

    def user(self, request: Request) -> User:
        """The signed-in user; anonymous visitors are asked to sign in."""
        user = request_user(request)
        if user is None:
            raise Unauthenticated("sign in")
        return user

    # ------------------------------------------------------------------ worklist

    async def worklist(self, request: Request, locale: Locale) -> Response:
        user = self.user(request)
        _ = translator(locale).gettext
        params = dict(request.query_params)
        filters = read_filters(params, user, self.service.registry, locale)
        staff = bool(filters.procedures)
        query = worklist_query(filters, self.service.deadlines, self.service.clock.now())
        if not staff:
            query = WorklistQuery(mine=True, include_closed=True, page=filters.page, size=25)
        found = await self.call(self.service.worklist, user, query)
        if found.total and filters.page > found.pages:
            params["page"] = str(found.pages)
            found = await self.call(self.service.worklist, user, _with_page(query, found.pages))
        rows = [
            replace(row, url=self.link(request, "dossier", dossier=row.id))
            for row in worklist_rows(found, locale)
        ]
        title = _("Worklist") if staff else _("My dossiers")
        count = _("{count} dossiers", count=found.total) if found.total != 1 else _("1 dossier")
        if not found.total:
            count = _("No dossiers match these filters.") if filters.active else _("No dossiers.")

        def page_url(number: int) -> str:
            query = request.url.include_query_params(page=number).query
            return f"{request.url.path}?{query}"

        context = {
            "locale": locale,
            "title": title,
            **self.chrome(request),
            "staff": staff,
            "filters": filters,
            "rows": rows,
            "count_text": count,
            "page": found.page,
            "pages": found.pages,
            "previous_url": page_url(found.page - 1) if found.page > 1 else None,
            "next_url": page_url(found.page + 1) if found.page < found.pages else None,
            "nav_current": "worklist",
        }
        return self.renderer.render(request, "officer/worklist.html", context)

    # ------------------------------------------------------------------ a dossier

    async def dossier(self, request: Request, locale: Locale) -> Response:
        user = self.user(request)
        dossier_id = _dossier_id(request)
        actions = await self.call(self.service.available_actions, dossier_id, user)
        done = request.query_params.get("done", "")[:64]
        return await self._show_dossier(request, locale, user, actions, done=done)

    async def _show_dossier(
        self,
        request: Request,
        locale: Locale,
        user: User,
        actions: Actions,
        *,
        done: str = "",
        values: dict[str, list[str]] | None = None,
        errors: dict[Loc, str] | None = None,
        status: int = 200,
    ) -> Response:
        view = actions.dossier
        events = await self.call(self.service.events, view.record.id, user)
        file = self.dossier_file(view, events)
        dossier = str(view.record.id)
        notice = None
        last = events[-1] if events else None
        if done and last is not None and last.action == done:
            label = action_label(file.case, last.from_step, done, locale)
            notice = translator(locale).gettext("Done: {action}.", action=label)

        def action_url(action: str) -> str:
            return self.link(request, "act", dossier=dossier, action=action)

        def paper_url(form: str, seq: int | None) -> str:
            path = self.link(request, "paper", dossier=dossier, form=form)
            return f"{path}?event={seq}" if seq is not None else path

        def file_url(attachment: str) -> str:
            return self.link(request, "file", dossier=dossier, attachment=attachment)

        if view.staff:
            context = officer_context(
                file, actions.choices, locale, action_url=action_url, paper_url=paper_url,
                file_url=file_url, field_type=self.field_type, values=values, errors=errors,
            )  # fmt: skip
            template = "officer/dossier.html"
        else:
            context = applicant_context(
                file, actions.choices, locale, action_url=action_url, paper_url=paper_url,
                field_type=self.field_type, values=values, errors=errors,
            )  # fmt: skip
            template = "citizen/dossier.html"
        context.update(self.chrome(request))
        context.update(
            locale=locale,
            notice=notice,
            errors=error_items(errors or {}),
            back_url=self.link(request, "worklist"),
            nav_current="worklist",
        )
        return self.renderer.render(request, template, context, code=view.spec.code, status=status)

    async def act(self, request: Request, locale: Locale) -> Response:
        user = self.user(request)
        dossier_id = _dossier_id(request)
        action_id = str(request.path_params.get("action", ""))
        actions = await self.call(self.service.available_actions, dossier_id, user)
        choice = next((c for c in actions.choices if c.action.id == action_id), None)
        if choice is None:
            raise not_found()
        form = await self.form(request, limit=self.options.max_upload, max_files=50)
        pairs, uploads = await self.split(form)
        post = parse_action_post(choice.action, pairs, uploads, locale)
        files: dict[str, list[Any]] = dict(post.files)
        for key, upload in uploads:
            if key.startswith("document-"):
                files.setdefault(key.removeprefix("document-"), []).append(upload)
        here = self.link(request, "dossier", dossier=dossier_id)
        if post.errors:
            return await self._show_dossier(
                request, locale, user, actions, values=post.values, errors=post.errors,
                status=422,
            )  # fmt: skip
        try:
            await self.call(
                self.service.act, dossier_id, action_id, user, post.inputs, files=files,
                if_match_version=post.version, locale=locale,
            )  # fmt: skip
        except Invalid as exc:
            errors = form_errors(action_id, self.errors_of(exc))
            fresh = await self.call(self.service.available_actions, dossier_id, user)
            return await self._show_dossier(
                request, locale, user, fresh, values=post.values, errors=errors, status=422
            )
        except Conflict as exc:
            raise self.conflict_problem(request, exc, here) from exc
        return self.renderer.redirect(request, f"{here}?done={action_id}", locale)

    # ------------------------------------------------------------------ papers and files

    async def paper_page(self, request: Request, locale: Locale) -> Response:
        user = self.user(request)
        dossier_id = _dossier_id(request)
        view = await self.call(self.service.get, dossier_id, user)
        events = await self.call(self.service.events, dossier_id, user)
        back = self.link(request, "dossier", dossier=dossier_id)
        return self.paper(request, self.dossier_file(view, events), locale, back_url=back)

    async def download(self, request: Request, locale: Locale) -> Response:
        user = self.user(request)
        dossier_id = _dossier_id(request)
        attachment = str(request.path_params.get("attachment", ""))
        record, data = await self.call(self.service.attachment, dossier_id, attachment, user)
        safe = record.filename.replace('"', "").replace("\\", "")
        headers = {
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(safe)}",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        }
        return Response(data, media_type=record.content_type, headers=headers)


def _with_page(query: WorklistQuery, page: int) -> WorklistQuery:
    return replace(query, page=page)
