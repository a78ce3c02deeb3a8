"""Sending: the check-your-answers page, the submission, the confirmation.

The check page lists every answer with a link back to its field; its button validates the
whole dossier (answers and documents) and, when it is complete, claims the draft before
calling the ``SubmitHandler``, so a double click or a second tab files one dossier only.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from procgen.i18n import translator
from procgen.spec.models import ProcedureSpec
from procgen.types import Locale
from procgen.web.apply import document_page as docs
from procgen.web.apply.drafts import Draft
from procgen.web.apply.form_service import FormService
from procgen.web.apply.views import ErrorItem, dom_id
from procgen.web.apply.wizard import WizardPage
from procgen.web.rendering import PageProblem

__all__ = ["SendingPages"]


class SendingPages(FormService):
    """The pages after the questions: check, send, confirmation."""

    async def check(self, request: Request, locale: Locale) -> Response:
        if request.method == "POST":
            return await self._submit(request, locale)
        spec, draft = await self._load(request)
        if self.sending(draft):
            return self._redirect(request, self._sent_url(request), locale)
        state = self._state(spec, draft, locale)
        unvisited = state.first_unvisited()
        if unvisited is not None:
            return self._redirect(request, self._page_url(request, unvisited), locale)
        _ = translator(locale).gettext

        def change_url(page: WizardPage, anchor: str) -> str:
            return f"{self._page_url(request, page, returning=True)}#{anchor}"

        items = []
        for loc, msg in state.field_errors().items():
            where = state.page_of(loc)
            items.append(ErrorItem(msg, change_url(where, dom_id(loc)) if where else None, loc))
        documents_page = state.documents_page
        if documents_page is not None:
            for doc_id, msg in state.document_errors().items():
                anchor = f"document-{doc_id}"
                items.append(
                    ErrorItem(msg, change_url(documents_page, anchor), ("documents", doc_id))
                )
        sections = [
            {
                "title": page.title.get(locale)
                if page.title
                else (_("Documents") if page.documents else _("Your details")),
                "rows": state.summary(page, change_url),
            }
            for page in state.shown_pages
        ]
        shown = state.shown_pages
        context = {
            "locale": locale,
            "title": _("Check your answers before sending your dossier"),
            "procedure": spec.name.get(locale),
            "sections": sections,
            "errors": items,
            "back_url": self._page_url(request, shown[-1]) if shown else None,
            "submit_url": self._page_url(request, None),
        }
        return self.renderer.render(request, "forms/check.html", context, code=spec.code)

    async def _submit(self, request: Request, locale: Locale) -> Response:
        await self._form(request, limit=64 * 1024)
        now = self.now()

        async def claim(spec: ProcedureSpec, draft: Draft) -> dict[str, Any] | str:
            if self.sending(draft):
                return "sent"
            state = self._state(spec, draft, locale)
            result = state.validate()
            if not result.ok or state.document_errors() or state.first_unvisited():
                draft.attempted.update(p.slug for p in state.shown_pages)
                return "invalid"
            draft.submitting_since = now
            return dict(result.cleaned or {})

        claimed = await self._transact(request, claim)
        if claimed == "invalid":
            return self._redirect(request, self._page_url(request, None), locale)
        if isinstance(claimed, str):
            return self._redirect(request, self._sent_url(request), locale)
        spec, draft = await self._load(request)
        try:
            files = docs.submitted_files(draft)
            receipt = await self.on_submit.submit(spec, claimed, files, locale)
        except BaseException:
            await self._transact(request, _release)
            raise

        async def record(spec: ProcedureSpec, draft: Draft) -> None:
            draft.receipt = receipt
            draft.submitting_since = None

        await self._transact(request, record)
        return self._redirect(request, self._sent_url(request), locale)

    async def sent(self, request: Request, locale: Locale) -> Response:
        spec, draft = await self._load(request)
        _ = translator(locale).gettext
        if draft.receipt is None:
            if not self.sending(draft):
                return self._redirect(request, self._page_url(request, None), locale)
            problem = PageProblem(
                202, "Your dossier is being sent", "Reload this page in a moment."
            )
            return self.renderer.problem(request, problem, locale)
        context = {
            "locale": locale,
            "title": _("Dossier sent"),
            "receipt": draft.receipt,
            "next_steps": _(
                "{agency} will check your dossier and contact you if anything is missing.",
                agency=spec.agency.name.get(locale),
            ),
        }
        return self.renderer.render(request, "forms/confirmation.html", context, code=spec.code)


async def _release(spec: ProcedureSpec, draft: Draft) -> None:
    draft.submitting_since = None
