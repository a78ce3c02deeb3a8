"""A case ready to play: its example data, state machine and legal clock.

:meth:`CaseContext.build` finds example data (:func:`procgen.forms.example_payload`) that
passes validation, lead times included, and that the service's case choice gives this case:
when the case's ``when`` names choice or yes/no fields, each combination of their options is
tried, first as the fields' defaults (so the fields they show are filled in), then set
directly. Failing that, data that selects the case is kept and its errors become TODOs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from procgen.forms import FieldTypeRegistry, example_payload
from procgen.procedure import CompiledCase, Procedure
from procgen.spec.models import Field, ProcedureSpec, ResolvedCase
from procgen.workflow import CaseDeadlines, StateMachine

__all__ = ["MAX_TRIES", "CaseContext", "field_options"]

#: How many combinations of options are tried to select a case or satisfy a guard.
MAX_TRIES = 256


@dataclass
class CaseContext:
    """One case with the example data that selects it, its machine and its clock."""

    procedure: Procedure
    compiled: CompiledCase
    moment: dt.datetime
    payload: dict[str, Any] | None
    typed: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls, procedure: Procedure, compiled: CompiledCase, moment: dt.datetime
    ) -> CaseContext:
        context = cls(procedure, compiled, moment, None, {})
        context.payload = context._find_payload()
        if context.payload is not None:
            context.typed = procedure.typed(context.payload)
        return context

    @property
    def spec(self) -> ProcedureSpec:
        """The procedure version."""
        return self.procedure.spec

    @property
    def case(self) -> ResolvedCase:
        """The case."""
        return self.compiled.case

    @property
    def machine(self) -> StateMachine:
        """The case's state machine."""
        return self.compiled.machine

    @property
    def deadlines(self) -> CaseDeadlines:
        """The case's legal-clock rules."""
        return self.compiled.deadlines

    @property
    def field_types(self) -> FieldTypeRegistry:
        """The field types the procedure was compiled with."""
        return self.procedure.field_types

    def _find_payload(self) -> dict[str, Any] | None:
        """The example data, or a variant of it, that passes validation (lead times included)
        and selects the case; failing that, one that selects it, with its errors as TODOs."""
        today = self.moment.date()
        base = example_payload(self.procedure.form, today=today)
        fallback: dict[str, Any] | None = None
        for payload in itertools.chain([base], self._variants(base, today)):
            selects, valid = self._fits(payload)
            if selects and valid:
                return payload
            if selects and fallback is None:
                fallback = payload
        if fallback is not None:
            self.problems.extend(self._errors(fallback))
            return fallback
        self.problems.append(
            f"case {self.case.id!r}: no example data found that selects it "
            f"(when: {self.case.when}); its actions are not taken"
        )
        return None

    def _fits(self, payload: dict[str, Any]) -> tuple[bool, bool]:
        """Whether the payload selects the case, and whether it is valid (lead times too)."""
        now = self.moment.astimezone(dt.UTC)  # as the service's clock gives it
        result = self.procedure.validate(payload, today=self.moment.date(), now=now)
        data = result.cleaned if result.cleaned is not None else payload
        selects = self.procedure.pick_case(data, now=now).id == self.case.id
        late = self.deadlines.check_lead_times(data, submitted_at=now) if result.ok else ()
        return selects, result.ok and not late

    def _errors(self, payload: dict[str, Any]) -> list[str]:
        now = self.moment.astimezone(dt.UTC)
        result = self.procedure.validate(payload, locale="en", today=self.moment.date(), now=now)
        found = [
            f"the example data is not valid on {self.moment:%d/%m/%Y}: "
            f"{'.'.join(map(str, e.loc)) or 'the form'}: {e.msg}"
            for e in result.errors
        ]
        if result.cleaned is not None:
            found += [
                f"the example data breaks a lead time: {p.field}: {p.message.get('en')}"
                for p in self.deadlines.check_lead_times(result.cleaned, submitted_at=now)
            ]
        return found

    def _variants(self, base: dict[str, Any], today: dt.date) -> Iterator[dict[str, Any]]:
        """Example data with the choice and yes/no fields the case's condition names set to
        each combination of their options: first as the fields' defaults (so the fields they
        show are filled in), then set directly."""
        from procgen.expr import ExprError, compile_expr

        if self.case.when is None:
            return
        try:
            names = compile_expr(self.case.when).names
        except ExprError:
            return
        fields = [f for f in self.spec.fields if f.id in names and f.type in ("choice", "boolean")]
        options = [field_options(f) for f in fields]
        combos = list(itertools.islice(itertools.product(*options), MAX_TRIES))
        for combo in combos:
            chosen = dict(zip((f.id for f in fields), combo, strict=True))
            top = tuple(
                f.model_copy(update={"default": chosen[f.id]}) if f.id in chosen else f
                for f in self.spec.fields
            )
            variant = self.spec.model_copy(update={"fields": top})
            yield example_payload(variant, today=today, field_types=self.field_types)
        for combo in combos:
            yield {**base, **dict(zip((f.id for f in fields), combo, strict=True))}


def field_options(field: Field) -> list[Any]:
    """The values a choice or yes/no field can take, in declaration order."""
    if field.type == "boolean":
        return [True, False]
    return [o.value for o in field.options]
