"""HTML form posts: the ``(name, value)`` pairs of a form turned into a payload.

Names are dotted paths (``applicant.phone``, ``pilots.0.full_name``); each value is converted by
its field type's ``from_form`` (``"1.500.000 đ"`` → 1500000), or kept as typed so that
validation reports it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, cast

from procgen.forms._model import CompiledForm, Path, form_of
from procgen.forms.types import FieldTypeRegistry
from procgen.spec.models import ProcedureSpec

__all__ = ["from_form"]


def from_form(
    spec: CompiledForm | ProcedureSpec,
    pairs: Iterable[tuple[str, str]],
    *,
    field_types: FieldTypeRegistry | None = None,
) -> dict[str, Any]:
    """Turn the ``(name, value)`` pairs of an HTML form post into a payload.

    Names are dotted paths (``applicant.phone``, ``pilots.0.full_name``, ``address.commune``).
    Each value is converted by its field type where it parses (``"5"`` → 5, ``"on"`` → True,
    ``"25/06/2026"`` → ``"2026-06-25"``); otherwise the text is kept, so that validation
    reports it. Empty values are absent; a ``multichoice`` collects its repeated name into a
    list; for other repeated names the last value wins (a hidden ``false`` input before a
    checkbox gives ``false`` when the box is not ticked). Names starting with ``_`` belong to
    the form machinery (``_csrf``, ``_page``, ``_action``) and are skipped. List rows are
    ordered by their index and renumbered from 0; a row left entirely blank disappears.

        >>> pairs = [("max_altitude_m", "1.200"), ("purposes", "research")]
        >>> from_form(spec, pairs)                                      # doctest: +SKIP
        {'max_altitude_m': 1200, 'purposes': ['research']}
    """
    form = form_of(spec, field_types)
    grouped: dict[str, list[str]] = {}
    for name, posted in pairs:
        if name.startswith("_"):
            continue
        text = unicodedata.normalize("NFC", posted)
        if text.strip():
            grouped.setdefault(name, []).append(text)
    tree: dict[Any, Any] = {}
    for name, texts in grouped.items():
        parts = tuple(int(p) if p.isdigit() else p for p in name.split("."))
        path, consumed = _resolve(form, parts)
        field = form.fields.get(path) if path else None
        value: Any
        if field is not None and consumed == len(parts) and field.type not in ("group", "list"):
            parse = form.types[path].from_form
            if field.type == "multichoice":
                value = [parse(text) for text in texts]
            else:
                value = parse(texts[-1])
        else:
            value = texts[-1].strip()
        _put(tree, parts, value)
    return cast(dict[str, Any], _listify(tree))


def _resolve(form: CompiledForm, parts: tuple[str | int, ...]) -> tuple[Path, int]:
    """The static path of the field named by ``parts``, and how many parts it used."""
    path: Path = ()
    for consumed, part in enumerate(parts):
        parent = form.fields.get(path) if path else None
        if isinstance(part, int):
            if parent is None or parent.type != "list":
                return path, consumed
            continue
        if parent is not None and parent.type not in ("group", "list"):
            return path, consumed
        if (*path, part) not in form.fields:
            return path, consumed
        path = (*path, part)
    return path, len(parts)


def _put(tree: dict[Any, Any], parts: tuple[str | int, ...], value: Any) -> None:
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(key, int) for key in node):
        return [_listify(node[key]) for key in sorted(node)]
    return {str(key): _listify(value) for key, value in node.items()}
