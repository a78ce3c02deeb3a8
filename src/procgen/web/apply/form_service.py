"""The plumbing of the form pages: drafts, limits, language, and the pages around the wizard.

:class:`FormService` loads a draft and its procedure version, parses posts within their limits
after refusing cross-site ones, saves drafts without losing a concurrent change, and serves the
pages that are not the wizard's questions: the list of services, a service's start page, the
"saved" page with the resume link, and the confirmation. :mod:`procgen.web.apply.routes` adds the
wizard's pages and builds the routes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from procgen.i18n import format_date, format_money, translator
from procgen.registry import Registry, UnknownProcedure
from procgen.spec.models import Deadline, ProcedureSpec
from procgen.types import Locale
from procgen.web.apply.drafts import Draft, DraftConflict, DraftStore, new_draft
from procgen.web.apply.encoding import initial_answers
from procgen.web.apply.state import WizardState
from procgen.web.apply.submission import SubmitHandler
from procgen.web.apply.wizard import WizardPage, wizard_pages
from procgen.web.apply.wizard_renderer import NAMESPACE, Renderer, url
from procgen.web.rendering import PageProblem, html_endpoint, read_form
from procgen.web.security import (
    FormOptions,
)
from procgen.web.templating import template_environment

if TYPE_CHECKING:
    from procgen.workflow.clock import Clock

__all__ = ["VIETNAM", "FormService", "Handler", "form_action"]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_ACTIONS = ("add:", "remove:", "remove-file:", "show:", "clear:")
T = TypeVar("T")
Handler = Callable[[Request, Locale], Awaitable[Response]]

_UNITS = {
    "working_days": ("{amount} working day", "{amount} working days"),
    "working_hours": ("{amount} working hour", "{amount} working hours"),
    "days": ("{amount} day", "{amount} days"),
    "hours": ("{amount} hour", "{amount} hours"),
    "months": ("{amount} month", "{amount} months"),
}


def _deadline_text(deadline: Deadline | None, gettext: Callable[..., str]) -> str | None:
    if deadline is None:
        return None
    if deadline.within is not None:
        one, many = _UNITS[deadline.within.unit.value]
        amount = deadline.within.amount
        return gettext(one if amount == 1 else many, amount=f"{amount.normalize():f}")
    if deadline.same_day:
        return gettext("The same working day")
    if deadline.by is not None:
        return gettext("By {date} each year", date=str(deadline.by))
    return None


def form_action(form: FormData) -> str:
    """The button that sent the form: an ``add:``/``remove:`` name, or save/continue/upload."""
    for name in form:
        if name.startswith(_ACTIONS):
            return name
    for name in ("save", "upload"):
        if name in form:
            return name
    return "continue"


class FormService:
    """Shared plumbing and the pages around the wizard (see the module docstring)."""

    def __init__(
        self,
        registry: Registry,
        *,
        drafts: DraftStore,
        on_submit: SubmitHandler,
        templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None,
        options: FormOptions,
        clock: Clock | None,
    ) -> None:
        self.registry = registry
        self.drafts = drafts
        self.on_submit = on_submit
        self.options = options
        self._clock = clock
        self.renderer = Renderer(template_environment(templates_dir), registry.field_types.get)
        self._pages: dict[tuple[str, int], tuple[WizardPage, ...]] = {}

    # ------------------------------------------------------------------ plumbing

    def now(self) -> dt.datetime:
        """The current instant (UTC), from the clock given, else the system's."""
        return self._clock.now() if self._clock is not None else dt.datetime.now(dt.UTC)

    def sending(self, draft: Draft) -> bool:
        """Whether the draft was sent, or is being sent (a stalled send may be tried again)."""
        since = draft.submitting_since
        recent = since is not None and self.now() - since < self.options.submit_retry_after
        return draft.receipt is not None or recent

    def _endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return html_endpoint(self.renderer, handler)

    async def _form(self, request: Request, *, limit: int, max_files: int = 0) -> FormData:
        """The posted form, once the request is known to come from this site."""
        return await read_form(request, self.options, limit=limit, max_files=max_files)

    def _spec(self, code: str, version: int | None = None) -> ProcedureSpec:
        try:
            return self.registry.get(code, version).spec
        except UnknownProcedure:
            raise PageProblem(404, "Page not found", "There is no such service.") from None

    async def _load(self, request: Request) -> tuple[ProcedureSpec, Draft]:
        code, token = request.path_params["code"], request.path_params["token"]
        draft = await self.drafts.load(token) if 20 <= len(token) <= 100 else None
        if draft is None or draft.code != code:
            raise PageProblem(
                404,
                "This link has expired",
                "The draft was not found: it may have expired. Start a new dossier.",
            )
        return self._spec(code, draft.version), draft

    def _state(self, spec: ProcedureSpec, draft: Draft, locale: Locale) -> WizardState:
        now = self.now()
        key = (spec.code, spec.version)
        if key not in self._pages:
            self._pages[key] = wizard_pages(spec)
        return WizardState(
            self.registry.get(spec.code, spec.version),
            draft,
            locale=locale,
            today=now.astimezone(VIETNAM).date(),
            now=now,
            gettext=translator(locale).gettext,
            pages=self._pages[key],
        )

    async def _transact(
        self, request: Request, change: Callable[[ProcedureSpec, Draft], Awaitable[T]]
    ) -> T:
        """Load the draft, change it and save it; start again if another request saved first."""
        for _ in range(5):
            spec, draft = await self._load(request)
            result = await change(spec, draft)
            draft.expires_at = self.now() + self.options.draft_ttl
            try:
                await self.drafts.save(draft)
            except DraftConflict:
                continue
            return result
        raise PageProblem(409, "Please try again", "Your draft was being changed elsewhere.")

    def _page_url(
        self, request: Request, page: WizardPage | None, *, returning: bool = False
    ) -> str:
        params = request.path_params
        code, token = params["code"], params["token"]
        if page is None:
            return url(request, "check", code=code, token=token)
        path = url(request, "page", code=code, token=token, slug=page.slug)
        return path + ("?return=check" if returning else "")

    def _redirect(self, request: Request, location: str, locale: Locale) -> Response:
        return self.renderer.redirect(request, location, locale)

    # ------------------------------------------------------------------ catalogue and start

    async def index(self, request: Request, locale: Locale) -> Response:
        procedures = [
            {
                "name": spec.name.get(locale),
                "summary": spec.summary.get(locale) if spec.summary else None,
                "url": url(request, "start", code=spec.code),
            }
            for spec in self.registry.specs(latest=True)
        ]
        _ = translator(locale).gettext
        context = {"locale": locale, "title": _("Apply online"), "procedures": procedures}
        return self.renderer.render(request, "forms/index.html", context)

    async def start(self, request: Request, locale: Locale) -> Response:
        spec = self._spec(request.path_params["code"])
        _ = translator(locale).gettext
        case = spec.effective_cases()[0]
        facts = [{"key": _("Handled by"), "value": spec.agency.name.get(locale)}]
        deadline = _deadline_text(case.deadline, _)
        if deadline:
            facts.append({"key": _("Processing time"), "value": deadline})
        fee = _("Free") if case.fee == 0 else format_money(case.fee, locale)
        facts.append({"key": _("Fee"), "value": fee})
        documents = dict.fromkeys(
            d.label.get(locale) for c in spec.effective_cases() for d in c.documents
        )
        context = {
            "locale": locale,
            "title": spec.name.get(locale),
            "agency": spec.agency.name.get(locale),
            "summary": spec.summary.get(locale) if spec.summary else None,
            "facts": facts,
            "conditions": [c.get(locale) for c in spec.conditions],
            "documents": list(documents),
            "start_url": url(request, "create", code=spec.code),
        }
        return self.renderer.render(request, "forms/start.html", context, code=spec.code)

    async def create(self, request: Request, locale: Locale) -> Response:
        spec = self._spec(request.path_params["code"])
        await self._form(request, limit=64 * 1024)
        draft = new_draft(spec.code, spec.version, ttl=self.options.draft_ttl, now=self.now())
        draft.values = initial_answers(spec)
        await self.drafts.save(draft)
        state = self._state(spec, draft, locale)
        first = state.shown_pages[0] if state.shown_pages else None
        params = {"code": spec.code, "token": draft.token}
        if first is None:
            return self._redirect(request, url(request, "check", **params), locale)
        return self._redirect(request, url(request, "page", slug=first.slug, **params), locale)

    async def resume(self, request: Request, locale: Locale) -> Response:
        spec, draft = await self._load(request)
        if self.sending(draft):
            return self._redirect(request, self._sent_url(request), locale)
        state = self._state(spec, draft, locale)
        return self._redirect(request, self._page_url(request, state.first_unvisited()), locale)

    def _sent_url(self, request: Request) -> str:
        params = request.path_params
        return url(request, "sent", code=params["code"], token=params["token"])

    async def saved(self, request: Request, locale: Locale) -> Response:
        spec, draft = await self._load(request)
        _ = translator(locale).gettext
        params = {"code": spec.code, "token": draft.token}
        expires = draft.expires_at.astimezone(VIETNAM).date()
        context = {
            "locale": locale,
            "title": _("Your answers have been saved"),
            "resume_url": str(request.url_for(NAMESPACE + "resume", **params)),
            "continue_url": url(request, "resume", **params),
            "expires": format_date(expires, locale),
        }
        return self.renderer.render(request, "forms/saved.html", context, code=spec.code)
