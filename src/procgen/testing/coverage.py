"""Workflow coverage: which steps, actions and deadline outcomes a test run exercised.

Line coverage says which Python ran; this says which parts of the *procedures* the tests
walked. The pytest plugin (``--procgen-coverage``) makes one :class:`TransitionCoverage` for
the session, calls :meth:`~TransitionCoverage.collect` on each test's database, and prints
:meth:`CoverageReport.render` at the end::

    >>> from procgen.registry import Registry
    >>> coverage = TransitionCoverage(Registry.from_path("definitions"))   # doctest: +SKIP
    >>> coverage.collect(engine)                        # after each test   # doctest: +SKIP
    >>> report = coverage.report()                                          # doctest: +SKIP
    >>> print(report.render())                                              # doctest: +SKIP
    >>> report.below(80.0)                              # fail the run?     # doctest: +SKIP

**What is declared**, per procedure version, is the union over its cases
(:meth:`ProcedureSpec.effective_cases`), in the order the spec writes them:

- *steps*: every step id;
- *actions*: ``"<step>.<action>"`` for every action of every step, and
  ``"<step>.on_expiry"`` for every step with an ``on_expiry`` (the automatic move when the
  applicant's deadline passes). Timed moves are counted with the actions because they are
  transitions like the others: a test that never lets a supplement deadline pass has not
  exercised that edge of the workflow;
- *deadline outcomes*: ``on_time`` and ``late``, when at least one case has a legal deadline.

**What is exercised**, read from the ``dossiers`` and ``events`` tables:

- every ``from_step`` and ``to_step`` of the events (the submission's ``to_step`` is the
  first step);
- every event with a ``from_step``: ``"<from_step>.<action>"``, and an automatic event
  (``automatic`` true, recorded by the expiry worker) as ``"<from_step>.on_expiry"``;
- every dossier with a completion time and a due date, classified with
  :meth:`Deadlines.classify`: ``late`` when it finished after its due date, else ``on_time``
  (finishing early counts as on time, as in the national statistics: *trước hạn* and
  *đúng hạn* are both on time).

**Versions.** The universe is the latest version of each code in the registry, plus any
older version a dossier was filed under (a row of its own, labelled ``"CODE v1"``): a
dossier's events count against the version it stays on, so a step that only an old version
has never shows as missed in the current one. Dossiers of a code or version the registry does
not have are counted in :attr:`CoverageReport.ignored` and otherwise left out.

Items exercised but not declared (an event naming a step the spec does not have) are not
counted: the percentage is of the declared items.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from procgen.registry import Registry
from procgen.spec.models import ProcedureSpec
from procgen.store.tables import dossiers, events
from procgen.testing.coverage_report import CoverageReport, ItemCoverage, ProcedureCoverage
from procgen.workflow import EXPIRY_ACTION, Deadlines, Timeliness

__all__ = [
    "LATE",
    "ON_TIME",
    "CoverageReport",
    "Declared",
    "DossierFacts",
    "EventFacts",
    "ItemCoverage",
    "ProcedureCoverage",
    "TransitionCoverage",
]

#: The deadline outcome of a dossier finished on or before its due date.
ON_TIME = "on_time"
#: The deadline outcome of a dossier finished after its due date.
LATE = "late"
_OUTCOMES = (ON_TIME, LATE)


class DossierFacts(Protocol):
    """What coverage reads of a dossier; a :class:`~procgen.store.DossierRecord` has it."""

    @property
    def procedure_code(self) -> str: ...
    @property
    def procedure_version(self) -> int: ...
    @property
    def due_at(self) -> dt.datetime | None: ...
    @property
    def completed_at(self) -> dt.datetime | None: ...


class EventFacts(Protocol):
    """What coverage reads of an event; a :class:`~procgen.store.EventRecord` has it."""

    @property
    def action(self) -> str: ...
    @property
    def from_step(self) -> str | None: ...
    @property
    def to_step(self) -> str: ...
    @property
    def automatic(self) -> bool: ...


# --------------------------------------------------------------------------- declared


@dataclass(frozen=True)
class Declared:
    """The items one procedure version declares, each kind in the spec's order.

    Attributes:
        steps: step ids.
        actions: ``"<step>.<action>"`` and ``"<step>.on_expiry"``.
        outcomes: ``("on_time", "late")`` when a case has a legal deadline, else empty.
    """

    steps: tuple[str, ...]
    actions: tuple[str, ...]
    outcomes: tuple[str, ...]

    @classmethod
    def of(cls, spec: ProcedureSpec) -> Declared:
        """The items of ``spec``: the union over its cases.

        >>> import procgen
        >>> spec = procgen.load("definitions/nvqs-dang-ky-tam-vang.yaml")
        >>> declared = Declared.of(spec)
        >>> declared.steps[:2], declared.actions[-1], declared.outcomes
        (('received', 'review'), 'result_ready.return_result', ('on_time', 'late'))
        """
        steps: dict[str, None] = {}  # dicts keep the first-seen order
        actions: dict[str, None] = {}
        timed = False
        for case in spec.effective_cases():
            timed = timed or case.deadline is not None
            for step in case.steps:
                steps[step.id] = None
                for action in step.actions:
                    actions[f"{step.id}.{action.id}"] = None
                if step.on_expiry is not None:
                    actions[f"{step.id}.{EXPIRY_ACTION}"] = None
        return cls(tuple(steps), tuple(actions), _OUTCOMES if timed else ())


# --------------------------------------------------------------------------- the report


# --------------------------------------------------------------------------- the collector


@dataclass
class _Seen:
    dossiers: int = 0
    steps: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Dossier:
    procedure_code: str
    procedure_version: int
    due_at: dt.datetime | None
    completed_at: dt.datetime | None


@dataclass(frozen=True)
class _Event:
    action: str
    from_step: str | None
    to_step: str
    automatic: bool


class TransitionCoverage:
    """Collects what test databases exercised of a registry's procedures.

    One instance lives for the whole session: :meth:`collect` (or :meth:`record`) adds what
    each test's dossiers did, :meth:`report` reads the total at any time.

    Args:
        registry: the procedures whose coverage is measured (the universe).
        deadlines: the rules that classify a finished dossier on time or late (the
            deployment's calendar); Vietnam's working calendar when omitted.
    """

    def __init__(self, registry: Registry, *, deadlines: Deadlines | None = None) -> None:
        self.registry = registry
        self.deadlines = deadlines if deadlines is not None else Deadlines()
        self._seen: defaultdict[tuple[str, int], _Seen] = defaultdict(_Seen)
        self._ignored: Counter[str] = Counter()
        self._declared: dict[tuple[str, int], Declared] = {}

    def __repr__(self) -> str:
        dossiers = sum(s.dossiers for s in self._seen.values())
        return f"<TransitionCoverage of {len(self.registry)} procedures: {dossiers} dossiers>"

    def collect(self, engine: sa.Engine, *, deadlines: Deadlines | None = None) -> int:
        """Read every dossier and event of a database (read only) and record them.

        A database without procgen's tables (a test that never migrated one) adds nothing.

        Args:
            engine: the test's database.
            deadlines: instead of the collector's rules, for this database.

        Returns:
            The number of dossiers read.
        """
        with engine.connect() as connection, connection.begin():
            if not sa.inspect(connection).has_table(dossiers.name):
                return 0
            found = connection.execute(
                sa.select(
                    dossiers.c.id,
                    dossiers.c.procedure_code,
                    dossiers.c.procedure_version,
                    dossiers.c.due_at,
                    dossiers.c.completed_at,
                )
            ).all()
            history: defaultdict[uuid.UUID, list[_Event]] = defaultdict(list)
            rows = connection.execute(
                sa.select(
                    events.c.dossier_id,
                    events.c.action,
                    events.c.from_step,
                    events.c.to_step,
                    events.c.automatic,
                ).order_by(events.c.dossier_id, events.c.seq)
            )
            for dossier_id, action, from_step, to_step, automatic in rows:
                history[dossier_id].append(_Event(action, from_step, to_step, bool(automatic)))
        for dossier_id, code, version, due_at, completed_at in found:
            dossier = _Dossier(code, version, due_at, completed_at)
            self.record(dossier, history.get(dossier_id, ()), deadlines=deadlines)
        return len(found)

    def record(
        self,
        dossier: DossierFacts,
        history: Iterable[EventFacts],
        *,
        deadlines: Deadlines | None = None,
    ) -> None:
        """Record one dossier and its events, for callers with records in hand.

        Args:
            dossier: a :class:`~procgen.store.DossierRecord` (or anything with its
                ``procedure_code``, ``procedure_version``, ``due_at`` and ``completed_at``).
            history: its :class:`~procgen.store.EventRecord` entries (``action``,
                ``from_step``, ``to_step``, ``automatic``), e.g. ``store.events(id)``.
            deadlines: instead of the collector's rules, for this dossier.
        """
        code, version = dossier.procedure_code, dossier.procedure_version
        if version not in self.registry.versions(code):
            self._ignored[f"{code} v{version}"] += 1
            return
        seen = self._seen[code, version]
        seen.dossiers += 1
        for event in history:
            seen.steps.add(event.to_step)
            if event.from_step is None:  # the submission
                continue
            seen.steps.add(event.from_step)
            action = EXPIRY_ACTION if event.automatic else event.action
            seen.actions.add(f"{event.from_step}.{action}")
        if dossier.completed_at is not None and dossier.due_at is not None:
            rules = deadlines if deadlines is not None else self.deadlines
            timeliness = rules.classify(dossier.completed_at, dossier.due_at)
            seen.outcomes.add(LATE if timeliness is Timeliness.LATE else ON_TIME)

    def report(self) -> CoverageReport:
        """The coverage so far: the latest version of every code, and older versions that
        dossiers were filed under."""
        keys = {(code, self.registry.versions(code)[-1]) for code in self.registry.codes()}
        keys |= set(self._seen)
        rows = []
        for code, version in sorted(keys, key=lambda k: (k[0], -k[1])):
            declared = self._declared_of(code, version)
            seen = self._seen.get((code, version), _Seen())
            rows.append(
                ProcedureCoverage(
                    code=code,
                    version=version,
                    latest=version == self.registry.versions(code)[-1],
                    dossiers=seen.dossiers,
                    steps=_items(declared.steps, seen.steps),
                    actions=_items(declared.actions, seen.actions),
                    outcomes=_items(declared.outcomes, seen.outcomes),
                )
            )
        return CoverageReport(tuple(rows), dict(self._ignored))

    # ------------------------------------------------------------------ across processes

    def export(self) -> dict[str, Any]:
        """What was recorded so far, as JSON data, for :meth:`merge` in another process
        (e.g. a pytest-xdist worker handing its share to the controller)."""
        return {
            "seen": [
                {
                    "code": code,
                    "version": version,
                    "dossiers": seen.dossiers,
                    "steps": sorted(seen.steps),
                    "actions": sorted(seen.actions),
                    "outcomes": sorted(seen.outcomes),
                }
                for (code, version), seen in sorted(self._seen.items())
            ],
            "ignored": dict(self._ignored),
        }

    def merge(self, exported: Mapping[str, Any]) -> None:
        """Add what another collector recorded (the data of its :meth:`export`)."""
        for entry in exported.get("seen", ()):
            code, version = str(entry["code"]), int(entry["version"])
            if version not in self.registry.versions(code):  # another registry's
                self._ignored[f"{code} v{version}"] += int(entry["dossiers"])
                continue
            seen = self._seen[code, version]
            seen.dossiers += int(entry["dossiers"])
            seen.steps.update(entry["steps"])
            seen.actions.update(entry["actions"])
            seen.outcomes.update(entry["outcomes"])
        self._ignored.update({str(k): int(v) for k, v in exported.get("ignored", {}).items()})

    def _declared_of(self, code: str, version: int) -> Declared:
        declared = self._declared.get((code, version))
        if declared is None:
            spec = self.registry.get(code, version).spec
            declared = self._declared[code, version] = Declared.of(spec)
        return declared


def _items(declared: tuple[str, ...], seen: set[str]) -> ItemCoverage:
    return ItemCoverage(declared, tuple(item for item in declared if item in seen))
