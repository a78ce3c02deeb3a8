"""The step graph of a workflow: one implementation shared by the linter, the workflow pattern
expansion and anything else that walks steps.

Nodes are step ids; a step leads to the targets of its actions and to its ``on_expiry`` step.

    >>> from procgen.spec.models import Action, Step
    >>> steps = [Step(id="a", actions=(Action(id="go", to="b"),)), Step(id="b", outcome="approved")]
    >>> successors(steps)
    {'a': ['b'], 'b': []}
    >>> sorted(reachable(steps))
    ['a', 'b']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from procgen.spec.models import Step

__all__ = [
    "MAX_PATHS",
    "Graph",
    "closure",
    "longest_path",
    "predecessors",
    "reachable",
    "successors",
]

#: How many partial paths :func:`longest_path` explores before giving up (a pathological graph).
MAX_PATHS = 10_000

Graph = Mapping[str, Sequence[str]]


def successors(steps: Sequence[Step]) -> dict[str, list[str]]:
    """Each step's next steps (its actions' targets, then ``on_expiry``), without repeats.

    Targets that are not among ``steps`` are left out (the checker reports them).
    """
    known = {s.id for s in steps}
    graph: dict[str, list[str]] = {}
    for step in steps:
        targets = [a.to for a in step.actions]
        if step.on_expiry is not None:
            targets.append(step.on_expiry)
        graph[step.id] = [t for t in dict.fromkeys(targets) if t in known]
    return graph


def predecessors(graph: Graph) -> dict[str, list[str]]:
    """The reversed graph: for each step, the steps that lead to it."""
    reverse: dict[str, list[str]] = {node: [] for node in graph}
    for source, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    return reverse


def closure(start: Sequence[str], graph: Graph) -> set[str]:
    """Every node reachable from ``start`` (included) in ``graph``."""
    seen = set(start)
    stack = list(start)
    while stack:
        for target in graph.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def reachable(steps: Sequence[Step], stop: Callable[[Step], bool] | None = None) -> set[str]:
    """Step ids reachable from the first step; steps where ``stop`` holds are not entered."""
    if not steps:
        return set()
    if stop is None:
        return closure([steps[0].id], successors(steps))
    by_id = {s.id: s for s in steps}
    graph = successors(steps)
    blocked = {s.id for s in steps if stop(s)}
    allowed = {node: [t for t in targets if t not in blocked] for node, targets in graph.items()}
    first = steps[0].id
    return set() if first in blocked else closure([first], allowed) & set(by_id)


def longest_path(
    steps: Sequence[Step], weights: Mapping[str, Decimal]
) -> tuple[Decimal, list[Step]] | None:
    """The heaviest simple path from the first step to a final one (the first found on ties).

    ``None`` when no final step is reachable, or the graph has more than :data:`MAX_PATHS`
    partial paths.
    """
    if not steps:
        return None
    by_id = {s.id: s for s in steps}
    graph = successors(steps)
    best: tuple[Decimal, list[str]] | None = None
    explored = 0
    stack: list[tuple[str, list[str], Decimal]] = [(steps[0].id, [steps[0].id], Decimal(0))]
    while stack:
        explored += 1
        if explored > MAX_PATHS:
            return None
        here, path, total = stack.pop()
        total += weights[here]
        if by_id[here].final and (best is None or total > best[0]):
            best = (total, path)
        # Pushed in reverse so paths are explored in the order the actions are written.
        for target in reversed(graph[here]):
            if target not in path:
                stack.append((target, [*path, target], total))
    return None if best is None else (best[0], [by_id[i] for i in best[1]])
