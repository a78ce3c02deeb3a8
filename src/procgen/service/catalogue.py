"""The procedures a service runs, as the service asks about them.

:class:`Catalogue` wraps a :class:`~procgen.registry.Registry` of compiled procedures (every
version of every procedure: a dossier stays on the version it was filed under). The compiled
:class:`~procgen.procedure.Procedure` answers what one version is (cases, documents, state
machines, deadlines, the payload); the catalogue answers what the service needs across them:

- a procedure version or a dossier's case, as the service's :class:`NotFound`;
- which steps a set of roles can act in, across every version (the worklist), and which steps
  expire on their own (the expiry worker);
- who the applicant is, read from the answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from procgen.forms import FieldTypeRegistry
from procgen.procedure import CompiledCase, Procedure, UnknownCase
from procgen.registry import Registry, UnknownProcedure
from procgen.service.errors import NotFound
from procgen.spec.models import Field, ProcedureSpec
from procgen.store import Applicant, StepRef
from procgen.workflow import Deadlines

__all__ = ["Catalogue"]

_NAME_FIELDS = ("applicant_name", "full_name", "name", "ho_ten")
_SUBJECT_TYPES = ("citizen_id", "tax_code")
_CONTACT_TYPES = ("phone", "email")


class Catalogue:
    """The service's view of a registry (see the module docstring).

    Args:
        registry: every version of every procedure the service runs, compiled.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def __repr__(self) -> str:
        return f"<Catalogue {self.registry!r}>"

    @property
    def deadlines(self) -> Deadlines:
        """The counting rules the procedures were compiled with."""
        return self.registry.deadlines

    @property
    def field_types(self) -> FieldTypeRegistry:
        """The field types the procedures were compiled with."""
        return self.registry.field_types

    # ------------------------------------------------------------------ procedures and cases

    def procedure(self, code: str, version: int | None = None) -> Procedure:
        """The procedure ``code`` at ``version`` (default: the latest). Raises NotFound."""
        try:
            return self.registry.get(code, version)
        except UnknownProcedure as exc:
            raise NotFound(str(exc)) from None

    def case(self, code: str, version: int, case_id: str) -> CompiledCase:
        """A dossier's case, compiled. Raises NotFound."""
        try:
            return self.procedure(code, version).case(case_id)
        except UnknownCase as exc:
            raise NotFound(str(exc)) from None

    def all_versions(self) -> Iterator[Procedure]:
        """Every version of every procedure, by code then version."""
        return self.registry.all_versions()

    # ------------------------------------------------------------------ roles and steps

    def actionable(
        self,
        roles: Iterable[str],
        *,
        procedure: str | None = None,
        step: str | None = None,
    ) -> list[StepRef]:
        """The steps, across every version, where one of ``roles`` takes an action."""
        wanted = frozenset(roles)
        refs: set[StepRef] = set()
        for compiled in self.all_versions():
            spec = compiled.spec
            if procedure is not None and spec.code != procedure:
                continue
            for case in compiled.cases:
                for s in case.case.steps:
                    if step is not None and s.id != step:
                        continue
                    if any((a.role or s.role) in wanted for a in s.actions):
                        refs.add(StepRef(spec.code, spec.version, s.id, case.id))
        return sorted(refs)

    def expiring(self) -> list[StepRef]:
        """The steps, across every version, that move on their own when their deadline passes."""
        return sorted(
            {
                StepRef(p.code, p.version, s.id, case.id)
                for p in self.all_versions()
                for case in p.cases
                for s in case.case.steps
                if s.on_expiry is not None and s.deadline is not None
            }
        )

    # ------------------------------------------------------------------ the applicant

    def applicant(self, spec: ProcedureSpec, data: Mapping[str, Any]) -> Applicant:
        """Who the dossier is for, read from the answers: a name field (``full_name``...), a
        personal ID or tax code, a phone and an e-mail; top-level fields first, then groups."""
        name: str | None = None
        subject: str | None = None
        contact: dict[str, str] = {}
        for f, value in _leaves(spec.fields, data):
            if not isinstance(value, str) or not value:
                continue
            if name is None and f.id in _NAME_FIELDS and f.type == "text":
                name = value
            elif subject is None and f.type in _SUBJECT_TYPES:
                subject = value
            elif f.type in _CONTACT_TYPES:
                contact.setdefault(f.type, value)
        return Applicant(name or spec.name.vi, subject_id=subject, contact=contact)


def _leaves(fields: Iterable[Field], data: Mapping[str, Any]) -> Iterator[tuple[Field, Any]]:
    groups = []
    for f in fields:
        if f.type == "group":
            groups.append(f)
        elif f.type != "list":
            yield f, data.get(f.id)
    for group in groups:
        inner = data.get(group.id)
        if isinstance(inner, Mapping):
            yield from _leaves(group.fields, inner)
