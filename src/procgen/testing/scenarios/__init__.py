"""Gherkin scenarios generated from a procedure: every action taken at least once.

:func:`feature_for` writes a ``.feature`` file for a procedure (``procgen scenarios CODE``): a
Background that sets the clock, names the procedure and creates one officer per role, then,
for each case of the procedure, a scenario from submission to each final step (shortest
path), then more scenarios until every action of every step has been taken once (the
shortest path to the step, the action, then the shortest path on to the case's first final
step). Expiries (``on_expiry``) count as actions: a scenario lets the step's deadline pass.

Every step is written with :data:`procgen.testing.phrases.PHRASES`, so the step definitions
(:mod:`procgen.testing.steps`) understand it. Each scenario is *simulated* while it is written,
with the same state machine, legal clock and case choice the service uses, so that:

- the submission table holds example data (:func:`procgen.forms.example_payload`) that passes
  validation and selects the scenario's case (a choice or yes/no field named in the case's
  ``when`` is tried with each of its options);
- each action is given its inputs (``requires`` and declared ``inputs``; a guard over the
  inputs is satisfied by trying the options of choice and yes/no inputs), and is taken by the
  user holding its role;
- an apology with a new appointment (``reschedules``) comes after enough working days have
  passed for the dossier to be late, when the workflow allows it, with a later date;
- the first scenario checks the legal due date once it is known, and that the dossier is on
  time; when no scenario finishes after the legal due date, the first is repeated with working
  days passing before the result, and checks that the dossier is late.

Whatever cannot be decided is written as a ``# TODO:`` comment above the step concerned::

    >>> from procgen.registry import Registry
    >>> spec = Registry.from_path("definitions").get("BQP-NVQS-01").spec    # doctest: +SKIP
    >>> print(feature_for(spec, language="en"))                             # doctest: +SKIP
"""

from procgen.testing.scenarios.generator import coverage_of, feature_for, plan_feature
from procgen.testing.scenarios.paths import declared_actions
from procgen.testing.scenarios.plan import (
    APPLICANT_USER,
    DEFAULT_MORNING,
    DEFAULT_TODAY,
    Edge,
    FeaturePlan,
    PlannedScenario,
    PlannedStep,
    Row,
    user_name,
)

__all__ = [
    "APPLICANT_USER",
    "DEFAULT_MORNING",
    "DEFAULT_TODAY",
    "Edge",
    "FeaturePlan",
    "PlannedScenario",
    "PlannedStep",
    "Row",
    "coverage_of",
    "declared_actions",
    "feature_for",
    "plan_feature",
    "user_name",
]
