"""The step graph of a case and the paths through it that take every move.

A :class:`StepGraph` holds the moves of one case: each action of a step and each expiry
(``on_expiry``), in declaration order, so that every search gives the same answer.
:meth:`StepGraph.paths` gives a shortest path to each final step, then one for each move not
taken yet: the shortest path to its step, the move, then on to the case's first final step.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from procgen.spec.models import Action, ProcedureSpec, ResolvedCase, Step
from procgen.testing.scenarios.plan import Edge
from procgen.workflow import EXPIRY_ACTION

__all__ = ["StepGraph", "declared_actions"]


def declared_actions(spec: ProcedureSpec) -> set[tuple[str, str, str]]:
    """Every ``(case, step, action)`` of the steps reachable from each case's first step,
    expiries (``on_expiry``) included."""
    found: set[tuple[str, str, str]] = set()
    for case in spec.effective_cases():
        if not case.steps:
            continue
        graph = StepGraph(case)
        for step_id in graph.reachable():
            found.update((case.id, e.step, e.action) for e in graph.edges(step_id))
    return found


class StepGraph:
    """The moves of one case: actions and expiries, in declaration order."""

    def __init__(self, case: ResolvedCase) -> None:
        self.case = case
        self.steps: dict[str, Step] = {s.id: s for s in case.steps}
        self.initial = case.steps[0].id
        self.finals = [s.id for s in case.steps if s.final]

    def edges(self, step_id: str) -> list[Edge]:
        step = self.steps[step_id]
        if step.final:
            return []
        found = [Edge(step.id, a.id, a.to) for a in step.actions if a.to in self.steps]
        if step.on_expiry is not None and step.deadline is not None:
            found.append(Edge(step.id, EXPIRY_ACTION, step.on_expiry))
        return found

    def action(self, edge: Edge) -> Action | None:
        return next((a for a in self.steps[edge.step].actions if a.id == edge.action), None)

    def role(self, edge: Edge) -> str | None:
        if edge.expiry:
            return "system"
        action = self.action(edge)
        return (action.role if action else None) or self.steps[edge.step].role

    def reachable(self) -> list[str]:
        seen = [self.initial]
        queue = deque(seen)
        while queue:
            for edge in self.edges(queue.popleft()):
                if edge.to not in seen:
                    seen.append(edge.to)
                    queue.append(edge.to)
        return [s.id for s in self.case.steps if s.id in seen]

    def shortest(self, start: str, goals: Iterable[str]) -> tuple[Edge, ...] | None:
        """The shortest path from ``start`` to the first of ``goals`` it meets (BFS, moves in
        declaration order, so the answer is always the same)."""
        wanted = set(goals)
        if start in wanted:
            return ()
        back: dict[str, Edge] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            here = queue.popleft()
            for edge in self.edges(here):
                if edge.to in seen:
                    continue
                seen.add(edge.to)
                back[edge.to] = edge
                if edge.to in wanted:
                    path = [edge]
                    while path[0].step != start:
                        path.insert(0, back[path[0].step])
                    return tuple(path)
                queue.append(edge.to)
        return None

    def finish(self, start: str) -> tuple[Edge, ...] | None:
        """From ``start`` on to the case's first final step, else the nearest final step."""
        for goals in (self.finals[:1], self.finals):
            path = self.shortest(start, goals)
            if path is not None:
                return path
        return None

    def paths(self) -> list[tuple[Edge, ...]]:
        """A path to each final step, then one for each move not taken yet."""
        found: list[tuple[Edge, ...]] = []
        taken: set[Edge] = set()
        for final in self.finals:
            path = self.shortest(self.initial, [final])
            if path:
                found.append(path)
                taken.update(path)
        for step_id in self.reachable():
            for edge in self.edges(step_id):
                if edge in taken:
                    continue
                before = self.shortest(self.initial, [edge.step])
                after = self.finish(edge.to)
                if before is None:  # pragma: no cover - the step is reachable
                    continue
                path = (*before, edge, *(after or ()))
                found.append(path)
                taken.update(path)
        return found
