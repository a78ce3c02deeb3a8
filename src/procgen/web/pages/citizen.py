"""Pages anyone can open: the catalogue of services, and signing in and out.

The catalogue searches names, summaries, codes and sectors with accents and case ignored
(:func:`fold`), so ``nghia vu`` finds *Nghĩa vụ quân sự*. Signing in is offered with the
development backend (:class:`~procgen.web.auth.backends.DevAuth`); a deployment with single sign-on
sends visitors to its own login page instead (``PagesOptions.login_url``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import NoMatchFound

from procgen.i18n import translator
from procgen.spec.models import OnlineLevel, ProcedureSpec
from procgen.types import Locale
from procgen.web.apply.views import ErrorItem
from procgen.web.auth.backends import app_root
from procgen.web.pages.base import PagesBase, not_found
from procgen.web.pages.worklist import Choice

__all__ = ["CitizenPages", "fold"]

_MAX_QUERY = 200


def fold(text: str) -> str:
    """``text`` without case and Vietnamese accents, for searching: ``Đăng ký`` → ``dang ky``."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _matches(spec: ProcedureSpec, words: Sequence[str]) -> bool:
    haystack = fold(
        " ".join(
            filter(
                None,
                (
                    spec.name.vi,
                    spec.name.en,
                    spec.summary.vi if spec.summary else None,
                    spec.summary.en if spec.summary else None,
                    spec.code,
                    spec.catalogue_code,
                    spec.sector.name.vi if spec.sector.name else spec.sector.id,
                    spec.sector.name.en if spec.sector.name else None,
                ),
            )
        )
    )
    return all(word in haystack for word in words)


def _local_path(value: str | None) -> str | None:
    """A path on this site to go to after signing in; anything else is dropped."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value if all(ord(c) >= 32 for c in value) and len(value) < 2000 else None


class CitizenPages(PagesBase):
    """Catalogue, tracking and signing in (see the module docstring)."""

    # ------------------------------------------------------------------ catalogue

    async def catalogue(self, request: Request, locale: Locale) -> Response:
        _ = translator(locale).gettext
        query = request.query_params.get("q", "")[:_MAX_QUERY].strip()
        specs = list(self.service.registry.specs(latest=True))
        sectors: dict[str, str] = {}
        for spec in specs:
            name = spec.sector.name.get(locale) if spec.sector.name else spec.sector.id
            sectors.setdefault(spec.sector.id, name)
        sector = request.query_params.get("sector")
        sector = sector if sector in sectors else None
        words = fold(query).split()
        found = [
            s for s in specs if (sector is None or s.sector.id == sector) and _matches(s, words)
        ]
        found.sort(key=lambda s: fold(s.name.get(locale)))
        procedures = [
            {
                "name": s.name.get(locale),
                "summary": s.summary.get(locale) if s.summary else None,
                "code": s.catalogue_code or s.code,
                "sector": sectors[s.sector.id],
                "agency": s.agency.name.get(locale),
                "online": _("Fully online") if s.online is OnlineLevel.FULL else _("Partly online"),
                "url": self._start_url(request, s.code),
            }
            for s in found
        ]
        if procedures:
            count = (
                _("1 service")
                if len(procedures) == 1
                else _("{count} services", count=len(procedures))
            )
        else:
            count = _("No service matches your search.")
        context = {
            "locale": locale,
            "title": _("Public services"),
            "query": query,
            "sectors": [
                Choice(k, v, k == sector) for k, v in sorted(sectors.items(), key=lambda i: i[1])
            ],
            "procedures": procedures,
            "count_text": count,
            "nav_current": "catalogue",
            **self.chrome(request),
        }
        return self.renderer.render(request, "citizen/catalogue.html", context)

    @staticmethod
    def _start_url(request: Request, code: str) -> str | None:
        try:
            return str(request.url_for("procgen.forms.start", code=code).path)
        except NoMatchFound:  # the form pages are not mounted in this app
            return None

    # ------------------------------------------------------------------ signing in and out

    async def sign_in_page(self, request: Request, locale: Locale) -> Response:
        if self.auth is None:
            raise not_found()
        _ = translator(locale).gettext
        errors: list[ErrorItem] = []
        username = ""
        target = _local_path(request.query_params.get("next"))
        status = 200
        if request.method == "POST":
            form = await self.form(request, limit=16 * 1024)
            username = str(form.get("username") or "").strip()[:200]
            password = str(form.get("password") or "")[:1024]
            target = _local_path(str(form.get("next") or "")) or target
            user = None
            if username and password:
                user = await self.call(self.auth.users.check_password, username, password)
            if user is not None:
                response = self.renderer.redirect(
                    request, target or self.link(request, "worklist"), locale
                )
                self.auth.sessions.set(response, user.id, path=app_root(request) or "/")
                return response
            errors.append(ErrorItem(_("Wrong user name or password."), "#username", ("username",)))
            status = 401
        context = {
            "locale": locale,
            "title": _("Sign in"),
            "username": username,
            "next": target or "",
            "errors": errors,
            **self.chrome(request),
        }
        return self.renderer.render(request, "citizen/sign-in.html", context, status=status)

    async def sign_out(self, request: Request, locale: Locale) -> Response:
        if self.auth is None:
            raise not_found()
        await self.form(request, limit=16 * 1024)
        response = self.renderer.redirect(request, self.link(request, "catalogue"), locale)
        self.auth.sessions.clear(response, path=app_root(request) or "/")
        return response
