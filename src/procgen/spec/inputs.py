"""The built-in action inputs: what an action can ``require`` by name, as form fields.

An action in a spec names the inputs the actor must give (``requires: [reason]``); these are
the names it may use, each a :class:`~procgen.spec.models.Field` with a bilingual label, so
the forms layer renders and validates them like any other field. The spec checker
(:mod:`procgen.spec.check`) and the workflow engine (:mod:`procgen.workflow.machine`) both
read this one table::

    >>> list(BUILTIN_INPUTS)[:3]
    ['reason', 'note', 'decision_number']
    >>> BUILTIN_INPUTS["new_appointment"].label.en
    'New appointment date'
    >>> [name for name, field in BUILTIN_INPUTS.items() if not field.required]
    ['note']

Inputs of any other name are declared on the action itself, under ``inputs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from procgen.spec.models import Field
from procgen.spec.text import Text

__all__ = ["BUILTIN_INPUTS", "BUILTIN_INPUT_NAMES"]


def _input(name: str, kind: str, vi: str, en: str, *, required: bool = True) -> Field:
    return Field(id=name, type=kind, required=required, label=Text(vi=vi, en=en))


#: The inputs an action names in ``requires``, as form fields, in the order documented.
BUILTIN_INPUTS: Mapping[str, Field] = MappingProxyType(
    {
        f.id: f
        for f in (
            _input("reason", "textarea", "Lý do", "Reason"),
            _input("note", "textarea", "Ghi chú", "Note", required=False),
            _input("decision_number", "text", "Số quyết định", "Decision number"),
            _input("decision_date", "date", "Ngày quyết định", "Decision date"),
            _input("result_document", "file", "Văn bản kết quả", "Result document"),
            _input("new_appointment", "date", "Ngày hẹn trả kết quả mới", "New appointment date"),
        )
    }
)

#: The names alone, in the same order (what ``requires`` may list).
BUILTIN_INPUT_NAMES: tuple[str, ...] = tuple(BUILTIN_INPUTS)
