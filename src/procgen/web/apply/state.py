"""One draft seen through its procedure: its answers, what is shown, what is wrong.

:class:`WizardState` is built per request from a compiled procedure and a draft. It asks the
procedure's compiled form for the payload the answers make (``from_form``), the visible fields
(``visible``) and the errors (``validate_payload``), and the procedure for the applicant's case
and the documents it needs (the same choice the service makes when the dossier is filed); it
works out which pages have something to show and what is wrong with the documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

from procgen import forms
from procgen.files import human_size
from procgen.procedure import Procedure
from procgen.spec.models import Document, Field
from procgen.types import Locale
from procgen.web.apply.drafts import Draft
from procgen.web.apply.views import SummaryRow, dom_id, format_answer
from procgen.web.apply.wizard import (
    DOCUMENTS_SLUG,
    Loc,
    WizardPage,
    form_pairs,
    row_maps,
    to_form_loc,
    with_blank_rows,
    wizard_pages,
)

__all__ = ["WizardState"]


class WizardState:
    """A draft's answers, as the pages of its procedure see them.

    Args:
        procedure: the draft's procedure version, compiled.
        draft: the draft.
        locale: the interface language (error messages come in it).
        today, now: the date and instant conditions and rules see.
        gettext: the interface catalogue's lookup (document errors).
    """

    def __init__(
        self,
        procedure: Procedure,
        draft: Draft,
        *,
        locale: Locale,
        today: dt.date,
        now: dt.datetime,
        gettext: Callable[..., str],
        pages: Sequence[WizardPage] | None = None,
    ) -> None:
        self.procedure = procedure
        self.spec = procedure.spec
        self.draft = draft
        self.locale = locale
        self.today = today
        self.now = now
        self._ = gettext
        self.pages = tuple(pages) if pages is not None else wizard_pages(self.spec)

    # ------------------------------------------------------------------ answers

    @cached_property
    def payload(self) -> dict[str, Any]:
        """The payload the answers make (``from_form``): JSON values, not yet validated."""
        pairs = form_pairs(self.draft.values)
        return dict(forms.from_form(self.procedure.form, pairs))

    @cached_property
    def row_maps(self) -> dict[str, list[int]]:
        """Which form rows the rows of the payload are (blank rows are not in the payload)."""
        return row_maps(self.spec.fields, self.draft.values, self.draft.rows)

    def form_loc(self, loc: Sequence[str | int]) -> Loc | None:
        """A location in the payload (an error's ``loc``) as a location in the form."""
        return to_form_loc(loc, self.row_maps)

    @cached_property
    def form_payload(self) -> dict[str, Any]:
        """The payload with the form's blank rows put back (empty), so rows line up."""
        return with_blank_rows(
            self.spec.fields, self.payload, self.row_maps, self.draft.values, self.draft.rows
        )

    @cached_property
    def visible_paths(self) -> frozenset[Loc]:
        """The locations of the visible fields (``visible``), blank rows included."""
        form, payload = self.procedure.form, self.form_payload
        found = forms.visible(form, payload, today=self.today, now=self.now)
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
            self.procedure.form,
            self.payload,
            locale=self.locale,
            today=self.today,
            now=self.now,
            only=only,
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

    @cached_property
    def documents(self) -> tuple[Document, ...]:
        """The documents the applicant's case asks for (those whose ``when`` holds)."""
        procedure, payload = self.procedure, self.payload
        case = procedure.pick_case(payload, now=self.now, today=self.today)
        return procedure.documents_for(case, payload, now=self.now, today=self.today)

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
            self._summarise(f, (f.id,), self.payload.get(f.id), page, change_url, rows, 0)
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
