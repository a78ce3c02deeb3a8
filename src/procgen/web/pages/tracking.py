"""Tracking a dossier by its number and tracking code, without an account.

Tracking needs the dossier number **and** the tracking code given at submission; the store
compares the code in constant time, and an unknown number and a wrong code get the very same
answer (no hint that a number exists). The tracking code then travels in the links of the
tracking page (``?secret=``), as it does in the receipt link of the confirmation page; pages
carrying it are never cached (``Cache-Control: no-store``) and never leak it in a
``Referer`` to another site (``Referrer-Policy: same-origin``).

An applicant without an account can also answer a supplement request (or withdraw) from the
tracking page when the service offers acting by tracking code: a service implementing
:class:`TrackedActing` (``tracked_actions`` and ``act_tracked``). Without it, the page tells
them to sign in or bring the documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from procgen.i18n import translator
from procgen.service import Actions, Conflict, DossierView, Invalid, NotFound, Tracked, Upload
from procgen.types import Locale
from procgen.web.apply.views import ErrorItem
from procgen.web.pages.actions import error_items, form_errors, parse_action_post
from procgen.web.pages.base import PagesBase, not_found
from procgen.web.pages.context import applicant_context

__all__ = ["Loc", "TrackedActing", "TrackingPages"]

Loc = tuple[str | int, ...]


@runtime_checkable
class TrackedActing(Protocol):
    """A service that lets the holder of a tracking code act as the dossier's applicant."""

    def tracked_actions(self, number: str, secret: str) -> Actions:
        """The applicant's actions on the dossier (NotFound for a wrong number or code)."""
        ...

    def act_tracked(
        self,
        number: str,
        secret: str,
        action: str,
        inputs: Mapping[str, Any] | None = None,
        *,
        files: Mapping[str, Sequence[Upload]] | None = None,
        if_match_version: int | None = None,
        locale: Locale = "vi",
    ) -> DossierView:
        """Take ``action`` as the applicant (the errors of ``DossierService.act``)."""
        ...


class TrackingPages(PagesBase):
    """The tracking pages (see the module docstring)."""

    async def track(self, request: Request, locale: Locale) -> Response:
        if request.method == "POST":
            form = await self.form(request, limit=16 * 1024)
            number = str(form.get("number") or "").strip()[:80]
            secret = str(form.get("secret") or "").strip()[:64]
            tracked = await self._find(number, secret)
            if tracked is not None:
                location = self._tracked_url(request, "tracked", number, secret)
                return self.renderer.redirect(request, location, locale)
            return self._track_form(request, locale, number, failed=True)
        return self._track_form(request, locale, "", failed=False)

    def _track_form(
        self, request: Request, locale: Locale, number: str, *, failed: bool
    ) -> Response:
        _ = translator(locale).gettext
        errors = []
        if failed:  # the same words for an unknown number and a wrong code
            message = _(
                "We could not find a dossier with this number and tracking code. "
                "Check both and try again."
            )
            errors.append(ErrorItem(message, "#number", ("number",)))
        context = {
            "locale": locale,
            "title": _("Track your dossier"),
            "number": number,
            "errors": errors,
            "nav_current": "track",
            **self.chrome(request),
        }
        status = 404 if failed else 200
        return self.renderer.render(request, "citizen/track.html", context, status=status)

    async def _find(self, number: str, secret: str) -> Tracked | None:
        if not number or not secret:
            return None
        if not (number.isprintable() and secret.isprintable()):  # NUL, controls: no dossier
            return None
        try:
            return await self.call(self.service.track, number, secret)
        except NotFound:
            return None

    def _tracked_url(
        self, request: Request, route: str, number: str, secret: str, **params: Any
    ) -> str:
        path = self.link(request, route, number=number, **params)
        return f"{path}?{urlencode({'secret': secret})}"

    async def _tracked(self, request: Request) -> tuple[Tracked, str, str]:
        number = str(request.path_params.get("number", ""))[:80]
        secret = request.query_params.get("secret", "")[:64]
        tracked = await self._find(number, secret)
        if tracked is None:
            raise not_found()
        return tracked, number, secret

    async def tracked(self, request: Request, locale: Locale) -> Response:
        tracked, number, secret = await self._tracked(request)
        done = request.query_params.get("done", "")[:64]
        return await self._show_tracked(request, locale, tracked, number, secret, done=done)

    async def _show_tracked(
        self,
        request: Request,
        locale: Locale,
        tracked: Tracked,
        number: str,
        secret: str,
        *,
        done: str = "",
        values: dict[str, list[str]] | None = None,
        errors: dict[Loc, str] | None = None,
        status: int = 200,
    ) -> Response:
        file = self.dossier_file(tracked.dossier, tracked.events)
        service = self.service
        choices: Sequence[Any] = ()
        action_url = None
        if isinstance(service, TrackedActing) and file.record.open:
            choices = (await self.call(service.tracked_actions, number, secret)).choices

            def action_url(action: str) -> str:
                return self.link(request, "tracked_act", number=number, action=action)

        def paper_url(form: str, seq: int | None) -> str:
            path = self.link(request, "tracked_paper", number=number, form=form)
            query: dict[str, Any] = {"secret": secret}
            if seq is not None:
                query["event"] = seq
            return f"{path}?{urlencode(query)}"

        context = applicant_context(
            file, choices, locale, field_type=self.field_type, action_url=action_url,
            paper_url=paper_url, values=values, errors=errors,
        )  # fmt: skip
        last = file.events[-1] if file.events else None
        notice = None
        if done and last is not None and last.action == done and last.from_step is not None:
            notice = translator(locale).gettext("Your answer was sent.")
        context.update(
            locale=locale,
            secret=secret,
            hidden_fields=(("secret", secret),),
            notice=notice,
            errors=error_items(errors or {}),
            nav_current="track",
            **self.chrome(request),
        )
        return self.renderer.render(
            request, "citizen/dossier.html", context, code=file.spec.code, status=status
        )

    async def tracked_act(self, request: Request, locale: Locale) -> Response:
        """The applicant's action from the tracking page (a supplement, a withdrawal)."""
        service = self.service
        if not isinstance(service, TrackedActing) or request.method != "POST":
            raise not_found()
        number = str(request.path_params.get("number", ""))[:80]
        action_id = str(request.path_params.get("action", ""))[:64]
        form = await self.form(request, limit=self.options.max_upload, max_files=50)
        secret = str(form.get("secret") or "")[:64]
        tracked = await self._find(number, secret)
        if tracked is None:
            raise not_found()
        actions = await self.call(service.tracked_actions, number, secret)
        choice = next((c for c in actions.allowed if c.action.id == action_id), None)
        if choice is None:
            raise not_found()
        pairs, uploads = await self.split(form)
        post = parse_action_post(choice.action, pairs, uploads, locale)
        files: dict[str, list[Upload]] = {k: list(v) for k, v in post.files.items()}
        for key, upload in uploads:
            if key.startswith("document-"):
                files.setdefault(key.removeprefix("document-"), []).append(upload)
        here = self._tracked_url(request, "tracked", number, secret)
        if post.errors:
            return await self._show_tracked(
                request, locale, tracked, number, secret, values=post.values,
                errors=post.errors, status=422,
            )  # fmt: skip
        try:
            await self.call(
                service.act_tracked, number, secret, action_id, post.inputs, files=files,
                if_match_version=post.version, locale=locale,
            )  # fmt: skip
        except Invalid as exc:
            errors = form_errors(action_id, self.errors_of(exc))
            again = await self._find(number, secret)
            if again is None:
                raise not_found() from exc
            return await self._show_tracked(
                request, locale, again, number, secret, values=post.values, errors=errors,
                status=422,
            )  # fmt: skip
        except Conflict as exc:
            raise self.conflict_problem(request, exc, here) from exc
        return self.renderer.redirect(request, f"{here}&done={action_id}", locale)

    async def tracked_paper(self, request: Request, locale: Locale) -> Response:
        tracked, number, secret = await self._tracked(request)
        file = self.dossier_file(tracked.dossier, tracked.events)
        back = self._tracked_url(request, "tracked", number, secret)
        return self.paper(request, file, locale, back_url=back, extra={"secret": secret})
