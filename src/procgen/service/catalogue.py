"""The procedures a service runs, compiled once: cases, state machines, clocks, roles.

:class:`Catalogue` wraps a :class:`~procgen.registry.Registry` (every version of every
procedure: a dossier stays on the version it was filed under) and the deployment's
:class:`~procgen.workflow.Deadlines`. It answers the questions the service asks of specs:

- which case a payload falls in (the first whose ``when`` holds, as the form pages decide);
- which documents that case asks for, given the answers;
- the :class:`~procgen.workflow.StateMachine` and :class:`~procgen.workflow.DossierClock` of a
  case, built once per procedure version;
- which steps a set of roles can act in, across every version (the worklist), and which steps
  expire on their own (the expiry worker);
- who the applicant is, read from the answers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from procgen.expr import ExprError, Expression, compile_expr
from procgen.forms import FieldTypeRegistry, payload_model
from procgen.registry import Registry
from procgen.service.errors import NotFound
from procgen.spec.models import BUILTIN_ROLES, Document, Field, ProcedureSpec, ResolvedCase
from procgen.store import Applicant, StepRef
from procgen.workflow import Deadlines, DossierClock, StateMachine

__all__ = ["Catalogue", "CompiledCase"]

_NAME_FIELDS = ("applicant_name", "full_name", "name", "ho_ten")
_SUBJECT_TYPES = ("citizen_id", "tax_code")
_CONTACT_TYPES = ("phone", "email")


@dataclass(frozen=True)
class CompiledCase:
    """One case of one procedure version, with its state machine and legal clock."""

    spec: ProcedureSpec
    case: ResolvedCase
    machine: StateMachine
    clock: DossierClock


class Catalogue:
    """Compiled procedures (see the module docstring).

    Args:
        registry: every version of every procedure the service runs.
        deadlines: the deployment's counting rules (calendar, due-soon threshold).
        field_types: the deployment's field types.
    """

    def __init__(
        self,
        registry: Registry,
        deadlines: Deadlines,
        *,
        field_types: FieldTypeRegistry | None = None,
    ) -> None:
        self.registry = registry
        self.deadlines = deadlines
        self.field_types = field_types
        self._compiled: dict[tuple[str, int, str], CompiledCase] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Catalogue {self.registry!r}>"

    # ------------------------------------------------------------------ specs and cases

    def spec(self, code: str, version: int | None = None) -> ProcedureSpec:
        """The procedure ``code`` at ``version`` (default: the latest). Raises NotFound."""
        try:
            return self.registry.get(code, version)
        except KeyError:
            raise NotFound(f"no procedure {code!r}" + (f" v{version}" if version else "")) from None

    def all_versions(self) -> Iterator[ProcedureSpec]:
        """Every version of every procedure, by code then version."""
        for code in self.registry.codes():
            for version in self.registry.versions(code):
                yield self.registry.get(code, version)

    def compiled(self, spec: ProcedureSpec, case_id: str) -> CompiledCase:
        """The case ``case_id`` of ``spec`` with its machine and clock (built once)."""
        key = (spec.code, spec.version, case_id)
        found = self._compiled.get(key)
        if found is not None:
            return found
        case = next((c for c in spec.effective_cases() if c.id == case_id), None)
        if case is None:
            raise NotFound(f"procedure {spec.code} v{spec.version} has no case {case_id!r}")
        built = CompiledCase(spec, case, StateMachine(case), DossierClock(case, self.deadlines))
        with self._lock:
            return self._compiled.setdefault(key, built)

    def pick_case(
        self, spec: ProcedureSpec, data: Mapping[str, Any], *, now: dt.datetime
    ) -> ResolvedCase:
        """The first case whose ``when`` holds for ``data`` (else the first case), as the form
        pages pick it."""
        cases = spec.effective_cases()
        variables = self._variables(spec, data, now)
        return next((c for c in cases if _holds(c.when, variables)), cases[0])

    def documents(
        self, spec: ProcedureSpec, case: ResolvedCase, data: Mapping[str, Any], *, now: dt.datetime
    ) -> tuple[Document, ...]:
        """The documents ``case`` asks for, given the answers (those whose ``when`` holds)."""
        variables = self._variables(spec, data, now)
        return tuple(d for d in case.documents if _holds(d.when, variables))

    def typed(self, spec: ProcedureSpec, data: Mapping[str, Any]) -> dict[str, Any]:
        """Stored (JSON) data back in Python types (dates, decimals) for guards; as stored if
        the model no longer accepts it."""
        try:
            model = payload_model(spec, field_types=self.field_types)
            return model.model_validate(dict(data)).model_dump(by_alias=True, exclude_none=True)
        except (ValidationError, ValueError, TypeError):
            return dict(data)

    def _variables(
        self, spec: ProcedureSpec, data: Mapping[str, Any], now: dt.datetime
    ) -> dict[str, Any]:
        variables: dict[str, Any] = {f.id: data.get(f.id) for f in spec.fields}
        variables.update(today=self.deadlines.calendar.local_date(now), now=now)
        return variables

    # ------------------------------------------------------------------ roles and steps

    @staticmethod
    def staff_roles(spec: ProcedureSpec) -> frozenset[str]:
        """The roles of officers in ``spec`` (declared and from its pattern)."""
        return spec.role_ids() - frozenset(BUILTIN_ROLES)

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
        for spec in self.all_versions():
            if procedure is not None and spec.code != procedure:
                continue
            for case in spec.effective_cases():
                for s in case.steps:
                    if step is not None and s.id != step:
                        continue
                    if any((a.role or s.role) in wanted for a in s.actions):
                        refs.add(StepRef(spec.code, spec.version, s.id, case.id))
        return sorted(refs)

    def expiring(self) -> list[StepRef]:
        """The steps, across every version, that move on their own when their deadline passes."""
        return sorted(
            {
                StepRef(spec.code, spec.version, s.id, case.id)
                for spec in self.all_versions()
                for case in spec.effective_cases()
                for s in case.steps
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


def _holds(condition: str | None, variables: Mapping[str, Any]) -> bool:
    if condition is None:
        return True
    try:
        expression = _compiled(condition)
        return expression.is_true(dict.fromkeys(expression.names) | dict(variables))
    except ExprError:  # an answer the condition needs is missing or of the wrong kind
        return False


@lru_cache(maxsize=1024)
def _compiled(condition: str) -> Expression:
    return compile_expr(condition)
