"""The vocabulary of procgen: names used across the library.

Identifiers in a spec are plain strings checked by the loader; these aliases document which
kind of identifier a value holds.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = [
    "ActionId",
    "DocumentId",
    "FieldId",
    "Locale",
    "ProcedureCode",
    "RoleId",
    "StepId",
]

#: A field identifier, also a CEL variable name (``applicant_name``).
FieldId: TypeAlias = str
#: A document (dossier component) identifier.
DocumentId: TypeAlias = str
#: A role identifier (``reception``, ``approver``); ``applicant`` is built in.
RoleId: TypeAlias = str
#: A step identifier: a state of a dossier.
StepId: TypeAlias = str
#: An action identifier, unique within its step.
ActionId: TypeAlias = str
#: A procedure's stable code, used in URLs (``1.001748`` or ``QP-VT-01``).
ProcedureCode: TypeAlias = str
#: The user interface languages: Vietnamese first, English second.
Locale: TypeAlias = Literal["vi", "en"]
