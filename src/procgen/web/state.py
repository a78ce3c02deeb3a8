"""One draft seen through its procedure: typed answers, what is shown, what is wrong.

:class:`WizardState` is built per request from a spec and a draft. It asks ``procgen.forms``
for the typed data (``from_form``), the visible fields (``visible``) and the errors
(``validate_payload``), and works out what the forms layer does not know about: which pages
have something to show, the documents the applicant's case needs, and what is wrong with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

from babel.numbers import format_decimal

from procgen import forms
from procgen.expr import ExprError, compile_expr
from procgen.spec.models import Document, Field, ProcedureSpec
from procgen.web.drafts import Draft
from procgen.web.views import SummaryRow, dom_id, format_answer
from procgen.web.wizard import (
    DOCUMENTS_SLUG,
    Loc,
    WizardPage,
    form_pairs,
    row_maps,
    to_form_loc,
    with_blank_rows,
    wizard_pages,
)

__all__ = ["WizardState", "human_size"]


def human_size(size: int, locale: str) -> str:
    """``10000000`` → ``10 MB`` (sizes in a spec are decimal: 10MB is 10,000,000 bytes)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= factor:
            amount = round(size / factor, 1)
            return f"{format_decimal(amount, locale=locale)} {unit}"
    return f"{size} B"


class WizardState:
    """A draft's answers, as the pages of its procedure see them.

    Args:
        spec: the draft's procedure version.
        draft: the draft.
        locale: the interface language (error messages come in it).
        today, now: the date and instant conditions and rules see.
        gettext: the interface catalogue's lookup (document errors).
    """

    def __init__(
        self,
        spec: ProcedureSpec,
        draft: Draft,
        *,
        locale: str,
        today: dt.date,
        now: dt.datetime,
        gettext: Callable[..., str],
        pages: Sequence[WizardPage] | None = None,
    ) -> None:
        self.spec = spec
        self.draft = draft
        self.locale = locale
        self.today = today
        self.now = now
        self._ = gettext
        self.pages = tuple(pages) if pages is not None else wizard_pages(spec)

    # ------------------------------------------------------------------ answers

    @cached_property
    def data(self) -> dict[str, Any]:
        """The answers as typed data (``from_form``)."""
        pairs = form_pairs(self.draft.values)
        return dict(forms.from_form(self.spec, pairs))

    @cached_property
    def row_maps(self) -> dict[str, list[int]]:
        """Which form rows the rows of the typed data are (blank rows are not in the data)."""
        return row_maps(self.spec.fields, self.draft.values, self.draft.rows)

    def form_loc(self, loc: Sequence[str | int]) -> Loc | None:
        """A location in the typed data (an error's ``loc``) as a location in the form."""
        return to_form_loc(loc, self.row_maps)

    @cached_property
    def form_data(self) -> dict[str, Any]:
        """The typed data with the form's blank rows put back (empty), so rows line up."""
        return with_blank_rows(
            self.spec.fields, self.data, self.row_maps, self.draft.values, self.draft.rows
        )

    @cached_property
    def visible_paths(self) -> frozenset[Loc]:
        """The locations of the visible fields (``visible``), blank rows included."""
        found = forms.visible(self.spec, self.form_data, today=self.today, now=self.now)
        return frozenset(tuple(path) for path in found)

    def is_visible(self, loc: Loc) -> bool:
        """Whether the field at ``loc`` (a form location) is shown."""
        return tuple(loc) in self.visible_paths

    def shows(self, page: WizardPage) -> bool:
        """Whether ``page`` has anything to show."""
        if page.documents:
            return bool(self.documents)
        return any(self.is_visible((f.id,)) for f in page.fields)

    @cached_property
    def shown_pages(self) -> tuple[WizardPage, ...]:
        """The pages with something to show, in order."""
        return tuple(p for p in self.pages if self.shows(p))

    def page(self, slug: str) -> WizardPage | None:
        """The page called ``slug``."""
        return next((p for p in self.pages if p.slug == slug), None)

    def neighbour(self, page: WizardPage, step: int) -> WizardPage | None:
        """The next (``step=1``) or previous (``-1``) page with something to show."""
        order = [p.slug for p in self.pages]
        i = order.index(page.slug) + step
        while 0 <= i < len(self.pages):
            if self.shows(self.pages[i]):
                return self.pages[i]
            i += step
        return None

    # ------------------------------------------------------------------ errors

    def validate(
        self, page: WizardPage | None = None, *, only: frozenset[str] | set[str] | None = None
    ) -> Any:
        """``validate_payload`` over ``only`` (top-level ids), the page's fields, or the form."""
        if only is None and page is not None:
            only = page.field_ids
        return forms.validate_payload(
            self.spec, self.data, locale=self.locale, today=self.today, now=self.now, only=only
        )

    def field_errors(
        self, page: WizardPage | None = None, *, only: frozenset[str] | set[str] | None = None
    ) -> dict[Loc, str]:
        """The first message at each location, for the page (or the whole form)."""
        if page is not None and page.documents:
            return {}
        errors: dict[Loc, str] = {}
        for error in self.validate(page, only=only).errors:
            loc = self.form_loc(tuple(error.loc))
            if loc is None or (page is not None and (not loc or loc[0] not in page.field_ids)):
                continue
            errors.setdefault(loc, error.msg)
        return errors

    def page_of(self, loc: Loc) -> WizardPage | None:
        """The page where the field at ``loc`` is asked."""
        if not loc:
            return None
        return next((p for p in self.pages if loc[0] in p.field_ids), None)

    # ------------------------------------------------------------------ documents

    def _variables(self) -> dict[str, Any]:
        variables: dict[str, Any] = {f.id: self.data.get(f.id) for f in self.spec.fields}
        variables.update(today=self.today, now=self.now)
        return variables

    def _holds(self, condition: str | None) -> bool:
        if condition is None:
            return True
        try:
            return compile_expr(condition).is_true(self._variables())
        except ExprError:  # an answer the condition needs is missing or wrong
            return False

    @cached_property
    def documents(self) -> tuple[Document, ...]:
        """The documents the applicant's case asks for (those whose ``when`` holds)."""
        cases = self.spec.effective_cases()
        case = next((c for c in cases if self._holds(c.when)), cases[0])
        return tuple(d for d in case.documents if self._holds(d.when))

    def document_errors(self) -> dict[str, str]:
        """A message for each required document with no file attached."""
        return {
            d.id: self._("Attach a file: {document}", document=d.label.get(self.locale))
            for d in self.documents
            if d.required and not self.draft.files.get(d.id)
        }

    # ------------------------------------------------------------------ summary

    def summary(
        self, page: WizardPage, change_url: Callable[[WizardPage, str], str]
    ) -> list[SummaryRow]:
        """The check-your-answers rows of ``page``."""
        rows: list[SummaryRow] = []
        if page.documents:
            for d in self.documents:
                files = self.draft.files.get(d.id, [])
                lines = tuple(
                    f"{f.filename} ({human_size(f.size, self.locale)})" for f in files
                ) or (self._("Not provided"),)
                rows.append(
                    SummaryRow(
                        d.label.get(self.locale), lines, change_url(page, f"document-{d.id}")
                    )
                )
            return rows
        for f in page.fields:
            self._summarise(f, (f.id,), self.data.get(f.id), page, change_url, rows, 0)
        return rows

    def _summarise(
        self,
        f: Field,
        loc: Loc,
        value: Any,
        page: WizardPage,
        change_url: Callable[[WizardPage, str], str],
        rows: list[SummaryRow],
        depth: int,
    ) -> None:
        if not self.is_visible(loc):
            return
        label = f.label.get(self.locale)
        url = change_url(page, dom_id(loc))
        if f.type == "group":
            rows.append(SummaryRow(label, (), url, depth, heading=True))
            child: Mapping[str, Any] = value if isinstance(value, Mapping) else {}
            for c in f.fields:
                self._summarise(c, (*loc, c.id), child.get(c.id), page, change_url, rows, depth + 1)
        elif f.type == "list":
            items = value if isinstance(value, list) else []
            if not items:
                rows.append(SummaryRow(label, (self._("Not provided"),), url, depth))
            for i, item in enumerate(items):
                heading = self._("{label}: item {number}", label=label, number=i + 1)
                rows.append(SummaryRow(heading, (), url, depth, heading=True))
                row: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
                form_index = self.form_loc((*loc, i))
                index = form_index[-1] if form_index else i
                for c in f.fields:
                    self._summarise(
                        c, (*loc, index, c.id), row.get(c.id), page, change_url, rows, depth + 1
                    )
        else:
            rows.append(SummaryRow(label, format_answer(f, value, self.locale, self._), url, depth))

    def complete(self) -> bool:
        """Whether every page was visited at least once (the check page may be shown)."""
        return all(p.slug in self.draft.attempted for p in self.shown_pages)

    def first_unvisited(self) -> WizardPage | None:
        """The first page with something to show that the applicant has not left yet."""
        return next((p for p in self.shown_pages if p.slug not in self.draft.attempted), None)

    @property
    def documents_page(self) -> WizardPage | None:
        """The documents page, if the procedure has one."""
        return self.page(DOCUMENTS_SLUG)
