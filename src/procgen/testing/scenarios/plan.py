"""The plan of a feature: the scenarios and their steps, before they are put in words.

:func:`~procgen.testing.scenarios.plan_feature` builds a :class:`FeaturePlan`; the writer
(:mod:`procgen.testing.scenarios.writing`) turns it into Gherkin. Each scenario is a case, the
:class:`Edge` moves it makes through the workflow, and the :class:`PlannedStep` steps that
say so, with their data tables as :class:`Row` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from procgen.spec.models import ProcedureSpec
from procgen.testing.phrases import Language
from procgen.workflow import EXPIRY_ACTION

__all__ = [
    "APPLICANT_USER",
    "DEFAULT_MORNING",
    "DEFAULT_TODAY",
    "Edge",
    "FeaturePlan",
    "Language",
    "PlannedScenario",
    "PlannedStep",
    "Row",
    "user_name",
]

#: The day scenarios start on when none is given: a Wednesday, clear of the spring holidays
#: and inside the yearly windows of the bundled procedures (admissions: 25/03 to 20/05).
DEFAULT_TODAY = dt.date(2026, 4, 1)
#: The time of day scenarios start at.
DEFAULT_MORNING = dt.time(9, 0)
#: The applicant's user name in the step library (a citizen without officer roles).
APPLICANT_USER = "applicant"


@dataclass(frozen=True)
class Row:
    """A row of a data table: a dotted path, a value (JSON, or a date) and its field type."""

    path: str
    value: Any
    kind: str


@dataclass(frozen=True)
class PlannedStep:
    """A Gherkin step: a phrase key, its placeholder values, an optional table, TODOs."""

    phrase: str
    values: tuple[tuple[str, Any], ...] = ()
    rows: tuple[Row, ...] | None = None
    todos: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edge:
    """A move of the workflow: an action of a step, or the step's expiry (``on_expiry``)."""

    step: str
    action: str
    to: str

    @property
    def expiry(self) -> bool:
        """True for the timed move of an expired step."""
        return self.action == EXPIRY_ACTION


@dataclass(frozen=True)
class PlannedScenario:
    """One scenario: the case, the moves it makes, and its steps."""

    case: str
    edges: tuple[Edge, ...]
    steps: tuple[PlannedStep, ...]
    late: bool = False
    """The variant that lets the dossier finish after its legal due date."""


@dataclass(frozen=True)
class FeaturePlan:
    """What :func:`~procgen.testing.scenarios.feature_for` writes, before it is put in words."""

    spec: ProcedureSpec
    moment: dt.datetime
    users: tuple[tuple[str, str], ...]
    scenarios: tuple[PlannedScenario, ...]
    todos: tuple[str, ...] = ()

    def coverage(self) -> set[tuple[str, str, str]]:
        """The ``(case, step, action)`` triples the scenarios take (expiry: ``on_expiry``)."""
        return {(s.case, e.step, e.action) for s in self.scenarios for e in s.edges}


def user_name(role: str) -> str:
    """The scenario user holding ``role``.

    >>> user_name("reception"), user_name("commune_officer")
    ('reception-officer', 'commune-officer')
    """
    name = role.replace("_", "-")
    return name if name.endswith("officer") else f"{name}-officer"
