"""The one fixture factory of the legal-clock tests: dossiers of bundled or hand-made cases.

A :class:`Dossier` couples a case's :class:`StateMachine` and :class:`CaseDeadlines` with one
dossier's :class:`Timeline`, and takes actions the way the service does: ask the machine with
the timeline's limits, then record the transition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import procgen
from procgen.spec.models import Field, ProcedureSpec, ResolvedCase, Step
from procgen.spec.text import Text
from procgen.workflow import (
    ActionOption,
    Actor,
    CaseDeadlines,
    ClockReading,
    Deadlines,
    StateMachine,
    Timeline,
    Transition,
    as_utc,
)
from tests.conftest import DEFINITIONS

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINES = Deadlines()


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An instant given in Hà Nội wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=HANOI)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """``moment`` in Hà Nội time (for readable assertion messages)."""
    return None if moment is None else moment.astimezone(HANOI)


@cache
def bundled() -> dict[str, ProcedureSpec]:
    """The bundled definitions by code."""
    return {spec.code: spec for spec in procgen.load_dir(DEFINITIONS)}


def bundled_cases() -> list[tuple[str, str]]:
    """``(code, case id)`` of every case of every bundled definition."""
    return [(s.code, c.id) for s in bundled().values() for c in s.effective_cases()]


def make_case(*steps: Step | Mapping[str, Any], deadline: Any = None, **extra: Any) -> ResolvedCase:
    """A resolved case with ``steps`` (models or dicts as a spec would write them)."""
    values: dict[str, Any] = {
        "id": "default",
        "name": Text(vi="Thử nghiệm", en="Trial"),
        "when": None,
        "deadline": deadline,
        "fee": 0,
        "channels": {},
        "documents": (),
        "lead_times": (),
        "steps": tuple(s if isinstance(s, Step) else Step.model_validate(s) for s in steps),
    }
    return ResolvedCase.model_validate({**values, **extra})


def sample_input(spec: Field) -> Any:
    """A valid value for an action input."""
    if spec.type == "date":
        return dt.date(2025, 7, 1)
    if spec.type == "boolean":
        return True
    if spec.type in ("integer", "money"):
        return 1
    if spec.type == "choice" and spec.options:
        return spec.options[0].value
    if spec.type == "file":
        return "ket-qua.pdf"
    return "Nội dung thử nghiệm"


@dataclass
class Dossier:
    """One dossier of a case, moved through its workflow by an actor holding every role."""

    case: ResolvedCase
    machine: StateMachine
    clock: CaseDeadlines
    timeline: Timeline
    data: dict[str, Any] = field(default_factory=dict)
    actor: Actor = field(default_factory=lambda: Actor(frozenset()))
    history: list[tuple[dt.datetime, Transition]] = field(default_factory=list)

    @property
    def step(self) -> str:
        return self.timeline.step

    def inputs(self, action: str, **given: Any) -> dict[str, Any]:
        """Valid inputs for ``action`` in the current step, ``given`` winning."""
        option = next(o for o in self.available(None) if o.action == action)
        return {f.id: sample_input(f) for f in option.inputs if f.required} | given

    def available(self, now: dt.datetime | None) -> list[ActionOption]:
        moment = as_utc(now) if now is not None else self.timeline.last_at
        return self.machine.available(
            self.step,
            self.actor,
            self.data,
            now=moment,
            today=DEADLINES.calendar.local_date(moment),
            limits=self.timeline.limits(moment),
        )

    def verdict(self, action: str, now: dt.datetime, **given: Any) -> ActionOption:
        """What the machine says of ``action`` with valid inputs (``given`` winning) at ``now``."""
        moment = as_utc(now)
        options = self.machine.available(
            self.step,
            self.actor,
            self.data,
            inputs=self.inputs(action, **given),
            now=moment,
            today=DEADLINES.calendar.local_date(moment),
            limits=self.timeline.limits(moment),
        )
        return next(o for o in options if o.action == action)

    def act(self, action: str, at: dt.datetime, **given: Any) -> Transition:
        """Take ``action`` at ``at`` as the service does, and record it."""
        moment = as_utc(at)
        transition = self.machine.apply(
            self.step,
            action,
            self.actor,
            self.data,
            self.inputs(action, **given),
            now=moment,
            today=DEADLINES.calendar.local_date(moment),
            limits=self.timeline.limits(moment),
        )
        self.record(transition, at)
        return transition

    def expire(self, now: dt.datetime) -> Transition:
        """Apply the step's timed transition as a worker does, at the moment it fell due."""
        expiry = self.timeline.expiry(now)
        if expiry is None:
            raise AssertionError(f"nothing expires in {self.step!r} at {now}")
        transition = self.machine.expire(expiry.step)
        self.record(transition, expiry.at)
        return transition

    def record(self, transition: Transition, at: dt.datetime) -> None:
        self.timeline = self.timeline.record(transition, at=at)
        self.history.append((at, transition))

    def read(self, now: dt.datetime) -> ClockReading:
        return self.timeline.read(now)


def dossier(
    code_or_case: str | ResolvedCase,
    received: dt.datetime,
    *,
    case: str | None = None,
    channel: str | None = None,
    data: Mapping[str, Any] | None = None,
    deadlines: Deadlines = DEADLINES,
) -> Dossier:
    """A dossier of a bundled procedure (by code, first case unless ``case``) or of a case."""
    if isinstance(code_or_case, str):
        spec = bundled()[code_or_case]
        cases = {c.id: c for c in spec.effective_cases()}
        resolved = cases[case] if case is not None else next(iter(cases.values()))
        roles = spec.role_ids()
    else:
        resolved = code_or_case
        roles = frozenset(
            {s.role for s in resolved.steps if s.role}
            | {a.role for s in resolved.steps for a in s.actions if a.role}
        )
    clock = CaseDeadlines(resolved, deadlines)
    return Dossier(
        case=resolved,
        machine=StateMachine(resolved),
        clock=clock,
        timeline=clock.start(received, channel=channel, data=data),
        data=dict(data or {}),
        actor=Actor(frozenset(roles)),
    )
