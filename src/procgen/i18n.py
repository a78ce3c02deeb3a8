"""Interface languages: Vietnamese first (the default), English second.

User-facing strings are English message ids looked up in gettext catalogues shipped with the
package, one ``.po`` file per domain and language under ``procgen/locale/<lang>/LC_MESSAGES/``
(``validation.po`` for field errors, ``ui.po`` for pages). The ``.po`` files are read with
Babel when first needed, so no compile step is required; a message missing from a catalogue
falls back to its English id.

    >>> translator("vi").gettext("Check your answers")              # doctest: +SKIP
    'Kiểm tra lại thông tin'
    >>> negotiate(query="en", accept_language=None)
    'en'

Content (labels of fields, steps, documents) is not in catalogues: it comes from the spec's
bilingual ``Text`` values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from procgen.types import Locale

__all__ = [
    "DEFAULT_LOCALE",
    "DOMAINS",
    "LOCALES",
    "Translator",
    "format_date",
    "format_datetime",
    "format_money",
    "negotiate",
    "translator",
]

#: The default interface language.
DEFAULT_LOCALE: Locale = "vi"
#: Every interface language, in order of preference.
LOCALES: tuple[Locale, ...] = ("vi", "en")
#: The catalogue domains shipped with procgen.
DOMAINS: tuple[str, ...] = ("validation", "ui")


@dataclass(frozen=True)
class Translator:
    """Message lookup for one language, merged over every domain."""

    locale: Locale
    messages: dict[str, str] = field(default_factory=dict, repr=False)

    def gettext(self, message: str, /, **values: Any) -> str:
        """The translation of ``message`` (or ``message`` itself), formatted with ``values``."""
        text = self.messages.get(message) or message
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, /, **values: Any) -> str:
        """The singular or plural form (Vietnamese has one form; English two)."""
        return self.gettext(singular if count == 1 else plural, count=count, **values)


@cache
def translator(locale: str) -> Translator:
    """The translator for ``locale`` (an unknown locale gets the default one)."""
    chosen: Locale = "en" if locale == "en" else DEFAULT_LOCALE
    messages: dict[str, str] = {}
    base = resources.files("procgen") / "locale" / chosen / "LC_MESSAGES"
    for domain in DOMAINS:
        po = base / f"{domain}.po"
        if not po.is_file():
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=chosen, domain=domain)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                key = message.id if isinstance(message.id, str) else message.id[0]
                value = message.string if isinstance(message.string, str) else message.string[0]
                messages[key] = value
    return Translator(chosen, messages)


def negotiate(*, query: str | None, accept_language: str | None) -> Locale:
    """Pick the interface language: ``?lang=`` first, then ``Accept-Language``, then ``vi``."""
    if query in LOCALES:
        return "en" if query == "en" else "vi"
    if accept_language:
        ranked: list[tuple[float, str]] = []
        for part in accept_language.split(","):
            pieces = part.strip().split(";")
            tag = pieces[0].strip().lower().split("-")[0]
            weight = 1.0
            for parameter in pieces[1:]:
                name, _, value = parameter.strip().partition("=")
                if name == "q":
                    try:
                        weight = float(value)
                    except ValueError:
                        weight = 0.0
            ranked.append((weight, tag))
        for _, tag in sorted(ranked, key=lambda item: -item[0]):
            if tag in LOCALES:
                return "en" if tag == "en" else "vi"
    return DEFAULT_LOCALE


def format_date(value: dt.date, locale: Locale = DEFAULT_LOCALE) -> str:
    """A date as people of ``locale`` write it: ``25/06/2026`` (vi), ``Jun 25, 2026`` (en)."""
    if locale == "en":
        return _babel_date(value, format="medium", locale="en")
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime, locale: Locale = DEFAULT_LOCALE) -> str:
    """A date and time in the local time zone of ``value`` (convert before calling)."""
    if locale == "en":
        return _babel_datetime(value, format="medium", locale="en")
    return value.strftime("%H:%M %d/%m/%Y")


def format_money(amount: int | Decimal, locale: Locale = DEFAULT_LOCALE) -> str:
    """An amount of đồng: ``1.500.000 ₫`` (vi), ``VND 1,500,000`` (en)."""
    if locale == "en":
        return f"VND {format_decimal(amount, locale='en')}"
    return f"{format_decimal(amount, locale='vi')} ₫"
