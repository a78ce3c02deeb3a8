"""The generator: plan a procedure's feature by simulating its scenarios, then write it.

:func:`plan_feature` walks each case of the procedure: it finds the case's example data
(:class:`~procgen.testing.scenarios.cases.CaseContext`), takes every path of its step graph
(:class:`~procgen.testing.scenarios.paths.StepGraph`) and plays each one on the state machine
and the legal clock (:class:`~procgen.testing.scenarios.simulation.Run`); when no scenario
finishes after the legal due date, the first is played again, late. :func:`feature_for` puts
the plan in words (:class:`~procgen.testing.scenarios.writing.Writer`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from procgen.forms import FieldTypeRegistry
from procgen.procedure import Procedure, compile
from procgen.spec.models import BUILTIN_ROLES, ProcedureSpec
from procgen.testing.scenarios.cases import CaseContext
from procgen.testing.scenarios.paths import StepGraph
from procgen.testing.scenarios.plan import (
    DEFAULT_MORNING,
    DEFAULT_TODAY,
    Edge,
    FeaturePlan,
    Language,
    PlannedScenario,
    user_name,
)
from procgen.testing.scenarios.simulation import Run
from procgen.testing.scenarios.writing import Writer
from procgen.workflow import InvalidWorkflowError

__all__ = ["coverage_of", "feature_for", "plan_feature"]


def coverage_of(
    spec: Procedure | ProcedureSpec,
    *,
    today: dt.date | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> set[tuple[str, str, str]]:
    """The ``(case, step, action)`` triples the generated scenarios take."""
    return plan_feature(spec, today=today, field_types=field_types).coverage()


def feature_for(
    spec: Procedure | ProcedureSpec,
    *,
    language: Language = "vi",
    today: dt.date | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> str:
    """The ``.feature`` text for ``spec`` in ``language`` (see :mod:`procgen.testing.scenarios`).

    Args:
        spec: the procedure.
        language: ``vi`` (the default) or ``en``: keywords, steps, titles and typed values.
        today: the day the scenarios start on, at 09:00 (default :data:`DEFAULT_TODAY`).
        field_types: the deployment's field types, for example data and validation.
    """
    plan = plan_feature(spec, today=today, field_types=field_types)
    return Writer(plan, language).write()


def plan_feature(
    spec: Procedure | ProcedureSpec,
    *,
    today: dt.date | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> FeaturePlan:
    """The scenarios of :func:`feature_for`, simulated, before they are put in words."""
    if isinstance(spec, Procedure):
        procedure = spec
    else:
        try:
            procedure = compile(spec, field_types=field_types)
        except InvalidWorkflowError as exc:
            return FeaturePlan(spec, _morning(today), (), (), (f"{exc}; no scenario is written",))
    spec = procedure.spec
    moment = _morning(today, procedure.calendar.config.timezone)
    todos: list[str] = []
    scenarios: list[PlannedScenario] = []
    roles: list[str] = []
    due_checked = finished_late = False
    first: tuple[CaseContext, StepGraph, tuple[Edge, ...]] | None = None
    for compiled in procedure.cases:
        case = compiled.case
        graph = StepGraph(case)
        for step_id in graph.reachable():
            for edge in graph.edges(step_id):
                role = graph.role(edge)
                if role and role not in BUILTIN_ROLES and role not in roles:
                    roles.append(role)
        unreachable = [s.id for s in case.steps if s.id not in graph.reachable()]
        if unreachable:
            todos.append(
                f"case {case.id!r}: steps {', '.join(unreachable)} cannot be reached from "
                f"{case.steps[0].id!r}, so their actions are not taken"
            )
        context = CaseContext.build(procedure, compiled, moment)
        if context.payload is None:
            todos.extend(context.problems)
            continue
        for edges in graph.paths():
            run = Run(context, graph, check_due=not due_checked)
            steps = run.play(edges)
            due_checked = due_checked or run.due_checked
            finished_late = finished_late or run.finished_late
            scenarios.append(PlannedScenario(case.id, edges, tuple(steps)))
            if first is None:
                first = (context, graph, edges)
    if not finished_late and first is not None:  # one dossier finishes late, for the record
        context, graph, edges = first
        run = Run(context, graph, check_due=False, late=True)
        steps = run.play(edges)
        if run.finished_late:
            scenarios.append(PlannedScenario(context.case.id, edges, tuple(steps), late=True))
    users = tuple((user_name(role), role) for role in roles)
    return FeaturePlan(spec, moment, users, tuple(scenarios), tuple(todos))


def _morning(today: dt.date | None, zone: str = "Asia/Ho_Chi_Minh") -> dt.datetime:
    """``today`` (default :data:`DEFAULT_TODAY`) at the scenarios' morning hour in ``zone``."""
    local = dt.datetime.combine(today or DEFAULT_TODAY, DEFAULT_MORNING)
    return local.replace(tzinfo=ZoneInfo(zone))
