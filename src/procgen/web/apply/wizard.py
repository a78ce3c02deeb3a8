"""The wizard: a procedure's form as pages, and the applicant's answers exactly as typed.

Pages follow the spec's ``pages``; fields on no page go on a last page, and the documents get
a page of their own. Answers are kept as the browser sent them, ``{dotted name: [values]}``
(``pilots.0.full_name``), so a wrong value is shown back as typed; ``procgen.forms.from_form``
turns them into typed data when needed. Form control names that are not answers carry a
prefix no field id can have:

    ``add:pilots``             button: add a row to the list ``pilots``
    ``remove:pilots.1``        button: remove row 1 of ``pilots``
    ``remove-file:photos.0``   button: remove the first file of document ``photos``
    ``rows:pilots``            hidden: how many rows of ``pilots`` the page showed
    ``show:address``           button (no JavaScript): save the page and show it again
    ``clear:photo``            button: remove the file of the ``file`` field ``photo``

Every name is checked against the spec (:func:`resolve`): unknown names are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from procgen.spec.models import Field, ProcedureSpec
from procgen.spec.text import Text
from procgen.web.apply.encoding import Answers, Rows, defaults

__all__ = [
    "DOCUMENTS_SLUG",
    "MAX_ROWS",
    "MORE_SLUG",
    "Loc",
    "WizardPage",
    "apply_action",
    "apply_post",
    "form_pairs",
    "has_file_fields",
    "locate",
    "resolve",
    "row_count",
    "row_maps",
    "to_form_loc",
    "with_blank_rows",
    "wizard_pages",
]

#: The slugs of pages procgen adds; a hyphen keeps them apart from spec page ids.
MORE_SLUG = "more-questions"
DOCUMENTS_SLUG = "attach-documents"
#: Lists never show more rows than this, whatever ``max_items`` or a tampered form says.
MAX_ROWS = 100
#: Compound widgets post one value per part: ``address.province``.
_PART = re.compile(r"^[a-z][a-z0-9_]*$")
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class WizardPage:
    """One page of the wizard.

    Attributes:
        slug: the page's URL segment (a spec page id, or a hyphenated procgen one).
        title: the page's title; None for procgen's own pages (their title is translated).
        fields: the top-level fields the page shows, in order.
        documents: True for the page where documents are attached.
    """

    slug: str
    title: Text | None
    fields: tuple[Field, ...] = ()
    documents: bool = False

    @property
    def field_ids(self) -> frozenset[str]:
        """The ids of the page's top-level fields."""
        return frozenset(f.id for f in self.fields)


def wizard_pages(spec: ProcedureSpec) -> tuple[WizardPage, ...]:
    """The pages of ``spec``'s form, in order (empty ones included; skip them by visibility)."""
    by_id = {f.id: f for f in spec.fields}
    pages = [
        WizardPage(p.id, p.title, tuple(by_id[i] for i in p.fields if i in by_id))
        for p in spec.pages
    ]
    placed = {i for p in spec.pages for i in p.fields}
    rest = tuple(f for f in spec.fields if f.id not in placed)
    if rest:
        pages.append(WizardPage(MORE_SLUG if pages else "questions", None, rest))
    if any(case.documents for case in spec.effective_cases()):
        pages.append(WizardPage(DOCUMENTS_SLUG, None, documents=True))
    return tuple(pages)


def locate(spec_fields: Sequence[Field], name: str) -> tuple[Field, Loc] | None:
    """The field a dotted name addresses (a leaf, a group or a list), and its location.

    ``pilots.0.full_name`` → (the ``full_name`` field, ``("pilots", 0, "full_name")``); a part
    after a leaf (``address.province``) belongs to that leaf's widget. None when the form has
    no such field.
    """
    fields: Sequence[Field] = spec_fields
    loc: list[str | int] = []
    parts = name.split(".")
    i = 0
    while i < len(parts):
        found = next((f for f in fields if f.id == parts[i]), None)
        if found is None:
            return None
        loc.append(found.id)
        i += 1
        if i == len(parts):
            return found, tuple(loc)
        if found.type == "list":
            if not parts[i].isdigit() or int(parts[i]) >= MAX_ROWS or i + 1 == len(parts):
                return None
            loc.append(int(parts[i]))
            i += 1
            fields = found.fields
        elif found.type == "group":
            fields = found.fields
        elif i + 1 == len(parts) and _PART.match(parts[i]):
            return found, tuple(loc)
        else:
            return None
    return None


def has_file_fields(page: WizardPage) -> bool:
    """Whether ``page`` asks for a file (it then posts ``multipart/form-data``)."""
    return any(f.type == "file" for top in page.fields for _, f in top.walk())


def resolve(spec_fields: Sequence[Field], name: str) -> tuple[Field, Loc] | None:
    """Like :func:`locate`, for names that carry an answer (a leaf or a part of one)."""
    found = locate(spec_fields, name)
    if found is None or found[0].type in ("group", "list"):
        return None
    return found


def _top(name: str) -> str:
    return name.split(".", 1)[0]


def _under(name: str, path: str) -> bool:
    return name == path or name.startswith(path + ".")


def apply_post(
    values: Answers,
    rows: Rows,
    page: WizardPage,
    pairs: Iterable[tuple[str, str]],
) -> None:
    """Replace the answers of ``page``'s fields with the posted ones (unknown names ignored)."""
    ids = page.field_ids
    for name in [n for n in values if _top(n) in ids]:
        del values[name]
    for path in [p for p in rows if _top(p) in ids]:
        del rows[path]
    posted_rows: dict[str, int] = {}
    for name, value in pairs:
        if name.startswith("rows:"):
            path = name[5:]
            if _list_field(page.fields, path) is not None and value.isdigit():
                posted_rows[path] = min(int(value), MAX_ROWS)
            continue
        if _top(name) not in ids or resolve(page.fields, name) is None:
            continue
        values.setdefault(name, []).append(value)
    for path, count in posted_rows.items():
        rows[path] = count
    for name in list(values):
        if _top(name) in ids and not _within_rows(name, page.fields, rows):
            del values[name]


def _within_rows(name: str, fields: Sequence[Field], rows: Rows) -> bool:
    """Whether every list index in ``name`` is below its list's row count (when known)."""
    found = resolve(fields, name)
    if found is None:
        return False
    _, loc = found
    for i, part in enumerate(loc):
        if isinstance(part, int):
            path = ".".join(str(p) for p in loc[:i])
            if path in rows and part >= rows[path]:
                return False
    return True


def row_count(values: Mapping[str, list[str]], rows: Mapping[str, int], path: str, f: Field) -> int:
    """How many rows the list at ``path`` shows."""
    if path in rows:
        count = rows[path]
    else:
        count = f.min_items if f.min_items is not None else (1 if f.required else 0)
        prefix = path + "."
        for name in values:
            if name.startswith(prefix):
                head = name[len(prefix) :].split(".", 1)[0]
                if head.isdigit():
                    count = max(count, int(head) + 1)
    return min(count, f.max_items or MAX_ROWS, MAX_ROWS)


def apply_action(
    spec_fields: Sequence[Field], values: Answers, rows: Rows, action: str
) -> str | None:
    """Apply an ``add:``/``remove:`` button; returns the list's path, or None when invalid."""
    verb, _, target = action.partition(":")
    if verb == "add":
        lst = _list_field(spec_fields, target)
        if lst is None:
            return None
        count = row_count(values, rows, target, lst)
        if count < min(lst.max_items or MAX_ROWS, MAX_ROWS):
            rows[target] = count + 1
            for name, value in defaults(lst.fields, f"{target}.{count}"):
                values.setdefault(name, value)
        else:
            rows[target] = count
        return target
    if verb == "remove":
        path, _, index = target.rpartition(".")
        lst = _list_field(spec_fields, path)
        if lst is None or not index.isdigit():
            return None
        count = row_count(values, rows, path, lst)
        removed = int(index)
        if removed >= count:
            return path
        for store in (values, rows):
            renamed: dict[str, Any] = {}
            for name in list(store):
                if not name.startswith(path + "."):
                    continue
                head, _, tail = name[len(path) + 1 :].partition(".")
                if not head.isdigit():
                    continue
                item = store.pop(name)
                row = int(head)
                if row != removed:
                    new_row = row - 1 if row > removed else row
                    renamed[f"{path}.{new_row}" + (f".{tail}" if tail else "")] = item
            store.update(renamed)
        rows[path] = count - 1
        return path
    return None


def _list_field(spec_fields: Sequence[Field], path: str) -> Field | None:
    found = locate(spec_fields, path)
    return found[0] if found is not None and found[0].type == "list" else None


def form_pairs(values: Answers) -> list[tuple[str, str]]:
    """The answers as ``(name, value)`` pairs for ``from_form``."""
    return [(name, value) for name, items in values.items() for value in items]


def _row_lists(
    fields: Sequence[Field], prefix: str, values: Answers, rows: Rows
) -> Iterator[tuple[str, Field, int]]:
    for f in fields:
        path = f"{prefix}{f.id}"
        if f.type == "group":
            yield from _row_lists(f.fields, f"{path}.", values, rows)
        elif f.type == "list":
            count = row_count(values, rows, path, f)
            yield path, f, count
            for i in range(count):
                yield from _row_lists(f.fields, f"{path}.{i}.", values, rows)


def row_maps(spec_fields: Sequence[Field], values: Answers, rows: Rows) -> dict[str, list[int]]:
    """For each list (by dotted path), the indices of the rows that hold an answer, in order.

    ``from_form`` drops a row left entirely blank and renumbers the others, so row ``i`` of the
    typed data is row ``row_maps(...)[path][i]`` of the form.
    """
    filled: dict[str, set[int]] = {}
    for name, items in values.items():
        if not any(item.strip() for item in items):
            continue
        parts = name.split(".")
        for i, part in enumerate(parts[1:], start=1):
            if part.isdigit():
                filled.setdefault(".".join(parts[:i]), set()).add(int(part))
    maps: dict[str, list[int]] = {}
    for path, _, count in _row_lists(spec_fields, "", values, rows):
        present = filled.get(path, set())
        maps[path] = sorted(i for i in present if i < max(count, 1))
    return maps


def to_form_loc(loc: Sequence[str | int], maps: Mapping[str, list[int]]) -> Loc | None:
    """A location in the typed data as a location in the form (None for a row it has not)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int):
            indices = maps.get(".".join(str(p) for p in out), [])
            if part >= len(indices):
                return None
            out.append(indices[part])
        else:
            out.append(part)
    return tuple(out)


def with_blank_rows(
    spec_fields: Sequence[Field],
    data: Mapping[str, Any],
    maps: Mapping[str, list[int]],
    values: Answers,
    rows: Rows,
) -> dict[str, Any]:
    """``data`` with an empty row wherever the form shows a row with nothing typed in it yet.

    ``from_form`` drops blank rows; put back, they let ``visible`` say which of their fields to
    show, and row ``i`` of the result is row ``i`` of the form.
    """

    def walk(fields: Sequence[Field], node: Mapping[str, Any], prefix: str) -> dict[str, Any]:
        out = dict(node)
        for f in fields:
            path = f"{prefix}{f.id}"
            value = node.get(f.id)
            if f.type == "group":
                inner = walk(f.fields, value if isinstance(value, Mapping) else {}, f"{path}.")
                if inner or f.id in node:
                    out[f.id] = inner
            elif f.type == "list":
                filled = maps.get(path, [])
                items = value if isinstance(value, list) else []
                by_index = dict(zip(filled, items, strict=False))
                count = max(row_count(values, rows, path, f), filled[-1] + 1 if filled else 0)
                new = []
                for i in range(count):
                    row = by_index.get(i, {})
                    new.append(
                        walk(f.fields, row, f"{path}.{i}.") if isinstance(row, Mapping) else row
                    )
                if new or f.id in node:
                    out[f.id] = new
        return out

    return walk(spec_fields, data, "")
