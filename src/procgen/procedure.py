"""The compiled procedure: one procedure version, checked and ready to run.

:func:`compile` turns a :class:`~procgen.spec.models.ProcedureSpec` into a :class:`Procedure`,
the one object every part of procgen works from: the service files dossiers with it, the REST
API and the pages describe and validate with it, the testing kit and the scenario generator
play it. A :class:`~procgen.registry.Registry` holds the compiled versions.

    >>> import procgen
    >>> procedure = procgen.compile(procgen.load("definitions/nvqs-dang-ky-tam-vang.yaml"))
    >>> procedure.code, procedure.version
    ('BQP-NVQS-03', 1)
    >>> [case.id for case in procedure.cases]
    ['default']

Compiling does, once: resolve the cases (inheritance from the top level), build each case's
:class:`~procgen.workflow.StateMachine` and :class:`~procgen.workflow.CaseDeadlines` (the
legal-clock rules on the deployment's calendar), resolve every field's type in the field-type
registry and compile every condition and rule (:class:`~procgen.forms.CompiledForm`). The
payload model and its JSON Schema are built on first use and kept. A ``Procedure`` is
immutable and holds no I/O; share it between threads freely.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from procgen.errors import ProcgenError
from procgen.expr import ExprError, Expression, compile_expr
from procgen.forms import (
    CompiledForm,
    FieldTypeRegistry,
    FormResult,
    compile_form,
    payload_schema,
    validate_payload,
)
from procgen.spec.models import BUILTIN_ROLES, Document, ProcedureSpec, ResolvedCase
from procgen.types import Locale
from procgen.workflow import CaseDeadlines, Deadlines, StateMachine, WorkingCalendar

__all__ = ["CompiledCase", "Procedure", "UnknownCase", "compile"]


class UnknownCase(ProcgenError, KeyError):
    """A case id the procedure version does not have."""

    def __init__(self, procedure: str, case_id: str, known: Sequence[str]) -> None:
        close = difflib.get_close_matches(case_id, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; its cases: {', '.join(known)}"
        super().__init__(f"procedure {procedure} has no case {case_id!r}{hint}")
        self.case_id = case_id

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True, eq=False)
class CompiledCase:
    """One case of a compiled procedure: its steps' state machine and its deadline rules."""

    #: The procedure version the case belongs to.
    procedure: Procedure
    #: The case, with what it inherits from the top level resolved.
    case: ResolvedCase
    #: Who may do what at each step.
    machine: StateMachine
    #: The case's legal-clock rules (deadlines, pauses, lead times) on the deployment's calendar.
    deadlines: CaseDeadlines
    #: The case's ``when``, compiled (None: the case applies to every dossier).
    condition: Expression | None

    @property
    def id(self) -> str:
        """The case's id (``default`` for a procedure with one case)."""
        return self.case.id

    @property
    def spec(self) -> ProcedureSpec:
        """The spec of the procedure version."""
        return self.procedure.spec

    def __repr__(self) -> str:
        return f"<CompiledCase {self.spec.code} v{self.spec.version} {self.case.id}>"


class Procedure:
    """One procedure version, compiled (see the module docstring). Build it with
    :func:`compile`."""

    def __init__(self, spec: ProcedureSpec, form: CompiledForm, deadlines: Deadlines) -> None:
        self.spec = spec
        self.form = form
        self.deadlines = deadlines
        self.cases: tuple[CompiledCase, ...] = tuple(
            CompiledCase(
                procedure=self,
                case=case,
                machine=StateMachine(case),
                deadlines=CaseDeadlines(case, deadlines),
                condition=None if case.when is None else compile_expr(case.when),
            )
            for case in spec.effective_cases()
        )
        self._cases = {c.id: c for c in self.cases}
        self._document_conditions: dict[str, Expression] = {
            d.when: compile_expr(d.when)
            for c in self.cases
            for d in c.case.documents
            if d.when is not None
        }
        #: The roles of the officers who act on it (declared and from its pattern).
        self.staff_roles: frozenset[str] = spec.role_ids() - frozenset(BUILTIN_ROLES)

    def __repr__(self) -> str:
        return f"<Procedure {self.code} v{self.version}: {len(self.cases)} case(s)>"

    @property
    def code(self) -> str:
        """The procedure's code (``BQP-UAV-01``)."""
        return self.spec.code

    @property
    def version(self) -> int:
        """The version of the spec."""
        return self.spec.version

    @property
    def field_types(self) -> FieldTypeRegistry:
        """The field types it was compiled with."""
        return self.form.registry

    @property
    def calendar(self) -> WorkingCalendar:
        """The working calendar its deadlines are counted on."""
        return self.deadlines.calendar

    # ------------------------------------------------------------------ the payload

    @property
    def model(self) -> type[BaseModel]:
        """The pydantic model of the payload (built on first use, then kept)."""
        return self.form.model()

    def schema(self) -> dict[str, Any]:
        """The JSON Schema 2020-12 of the payload (a copy: change it freely)."""
        return payload_schema(self.form)

    def validate(
        self,
        payload: Mapping[str, Any],
        *,
        locale: Locale = "vi",
        today: dt.date | None = None,
        now: dt.datetime | None = None,
        only: frozenset[str] | set[str] | None = None,
    ) -> FormResult:
        """:func:`~procgen.forms.validate_payload` with this procedure's form."""
        return validate_payload(self.form, payload, locale=locale, today=today, now=now, only=only)

    def typed(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Stored (JSON) data back in Python types (dates, decimals) for guards; as stored if
        the model no longer accepts it."""
        try:
            return self.model.model_validate(dict(data)).model_dump(
                by_alias=True, exclude_none=True
            )
        except (ValidationError, ValueError, TypeError):
            return dict(data)

    # ------------------------------------------------------------------ cases and documents

    def case(self, case_id: str) -> CompiledCase:
        """The case called ``case_id``.

        Raises:
            UnknownCase: naming the closest case id.
        """
        try:
            return self._cases[case_id]
        except KeyError:
            raise UnknownCase(f"{self.code} v{self.version}", case_id, list(self._cases)) from None

    def pick_case(
        self, data: Mapping[str, Any], *, now: dt.datetime, today: dt.date | None = None
    ) -> CompiledCase:
        """The first case whose ``when`` holds for ``data`` (else the first case).

        A condition that cannot be evaluated (an answer it reads is missing or of the wrong
        kind) does not hold. ``today`` defaults to ``now``'s date on the calendar.
        """
        variables = self._variables(data, now, today)
        for case in self.cases:
            if case.condition is None or _holds(case.condition, variables):
                return case
        return self.cases[0]

    def documents_for(
        self,
        case: CompiledCase,
        data: Mapping[str, Any],
        *,
        now: dt.datetime,
        today: dt.date | None = None,
    ) -> tuple[Document, ...]:
        """The documents ``case`` asks for, given the answers (those whose ``when`` holds)."""
        variables = self._variables(data, now, today)
        return tuple(
            d
            for d in case.case.documents
            if d.when is None or _holds(self._document_conditions[d.when], variables)
        )

    def _variables(
        self, data: Mapping[str, Any], now: dt.datetime, today: dt.date | None
    ) -> dict[str, Any]:
        variables: dict[str, Any] = {f.id: data.get(f.id) for f in self.spec.fields}
        variables.update(today=today or self.calendar.local_date(now), now=now)
        return variables


def _holds(expression: Expression, variables: Mapping[str, Any]) -> bool:
    try:
        return expression.is_true(dict.fromkeys(expression.names) | dict(variables))
    except ExprError:  # an answer the condition needs is missing or of the wrong kind
        return False


def compile(
    spec: ProcedureSpec,
    *,
    calendar: WorkingCalendar | Deadlines | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> Procedure:
    """Compile one procedure version.

    Args:
        spec: a loaded spec (:func:`procgen.load`) or one built in Python.
        calendar: the working calendar deadlines are counted on, or the deployment's full
            :class:`~procgen.workflow.Deadlines` rules; the Vietnamese defaults when omitted.
        field_types: the deployment's field types; the built-in ones when omitted.

    Raises:
        ConfigurationError: when a field's type is not in ``field_types``.
        InvalidWorkflowError: when a case has no steps.
    """
    deadlines = calendar if isinstance(calendar, Deadlines) else Deadlines(calendar)
    return Procedure(spec, compile_form(spec, field_types), deadlines)
