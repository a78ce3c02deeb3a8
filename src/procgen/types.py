"""The vocabulary of procgen: names used across the library.

Identifiers (procedure codes, step, case, field and dossier ids) are plain ``str``; the
parameter names say which kind a value holds (``code``, ``step_id``, ``case_id``...).
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = ["Locale"]

#: The user interface languages: Vietnamese first, English second.
Locale: TypeAlias = Literal["vi", "en"]

# Removed in 0.2: aliases of ``str`` that nothing used. Importable for one more release.
_REMOVED = ("ActionId", "DocumentId", "FieldId", "ProcedureCode", "RoleId", "StepId")


def __getattr__(name: str) -> object:
    if name in _REMOVED:
        import warnings

        warnings.warn(
            f"procgen.types.{name} is deprecated: it was an alias of str; use str",
            DeprecationWarning,
            stacklevel=2,
        )
        return str
    raise AttributeError(f"module 'procgen.types' has no attribute {name!r}")
