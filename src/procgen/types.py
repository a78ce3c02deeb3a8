"""The vocabulary of procgen: names used across the library.

Identifiers (procedure codes, step, case, field and dossier ids) are plain ``str``; the
parameter names say which kind a value holds (``code``, ``step_id``, ``case_id``...).
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from procgen.errors import deprecated_names

__all__ = ["Locale"]

#: The user interface languages: Vietnamese first, English second.
Locale: TypeAlias = Literal["vi", "en"]

# Removed in 0.2: aliases of ``str`` that nothing used. Importable for one more release.
_REMOVED = ("ActionId", "DocumentId", "FieldId", "ProcedureCode", "RoleId", "StepId")


__getattr__ = deprecated_names(
    __name__, {name: (lambda: str, "it was an alias of str; use str") for name in _REMOVED}
)
