"""The coverage report: declared vs exercised items per procedure, as text and JSON.

Made by :meth:`procgen.testing.coverage.TransitionCoverage.report`; see that module for what
is declared and what counts as exercised.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CoverageReport", "ItemCoverage", "ProcedureCoverage"]


@dataclass(frozen=True)
class ItemCoverage:
    """One kind of item (steps, actions or deadline outcomes) of one procedure version.

    Attributes:
        declared: every item, in the spec's order.
        exercised: those the run exercised, in the same order.
    """

    declared: tuple[str, ...]
    exercised: tuple[str, ...]

    @property
    def missed(self) -> tuple[str, ...]:
        """The items never exercised, in the spec's order."""
        seen = set(self.exercised)
        return tuple(item for item in self.declared if item not in seen)

    def __str__(self) -> str:
        """``"exercised/declared"``, e.g. ``"3/9"``."""
        return f"{len(self.exercised)}/{len(self.declared)}"


@dataclass(frozen=True)
class ProcedureCoverage:
    """What the run exercised of one procedure version.

    Attributes:
        code: the procedure's code.
        version: the spec version.
        latest: True for the registry's latest version of ``code``.
        dossiers: how many dossiers of this version the run recorded.
        steps, actions, outcomes: the three kinds of items (see the module docstring).
    """

    code: str
    version: int
    latest: bool
    dossiers: int
    steps: ItemCoverage
    actions: ItemCoverage
    outcomes: ItemCoverage

    @property
    def label(self) -> str:
        """The code, with ``" v<version>"`` for an older version."""
        return self.code if self.latest else f"{self.code} v{self.version}"

    @property
    def kinds(self) -> tuple[tuple[str, ItemCoverage], ...]:
        """``(name, items)`` for steps, actions and deadline outcomes."""
        return (("steps", self.steps), ("actions", self.actions), ("outcomes", self.outcomes))

    @property
    def declared_count(self) -> int:
        """The number of declared items of all kinds."""
        return sum(len(items.declared) for _, items in self.kinds)

    @property
    def exercised_count(self) -> int:
        """The number of exercised items of all kinds."""
        return sum(len(items.exercised) for _, items in self.kinds)

    @property
    def percent(self) -> float:
        """Exercised items over declared items, as a percentage (100 when none is declared)."""
        return _percent(self.exercised_count, self.declared_count)

    @property
    def complete(self) -> bool:
        """True when every declared item was exercised."""
        return self.exercised_count == self.declared_count

    @property
    def missed(self) -> tuple[str, ...]:
        """Every item never exercised: steps, then actions, then deadline outcomes."""
        return self.steps.missed + self.actions.missed + self.outcomes.missed

    def as_json(self) -> dict[str, Any]:
        """This row as JSON data (see :meth:`CoverageReport.as_json`)."""
        return {
            "code": self.code,
            "version": self.version,
            "latest": self.latest,
            "dossiers": self.dossiers,
            "declared": self.declared_count,
            "exercised": self.exercised_count,
            "percent": round(self.percent, 2),
            **{
                name: {
                    "declared": list(items.declared),
                    "exercised": list(items.exercised),
                    "missed": list(items.missed),
                }
                for name, items in self.kinds
            },
        }


_HEADERS = ("Procedure", "Dossiers", "Steps", "Actions", "Deadline outcomes", "Cover")


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of every procedure version, and the total.

    Attributes:
        procedures: one row per procedure version, by code (the latest version first).
        ignored: dossiers of procedures the registry does not have, by ``"CODE vN"``.
    """

    procedures: tuple[ProcedureCoverage, ...]
    ignored: Mapping[str, int] = field(default_factory=dict)

    @property
    def declared_count(self) -> int:
        """Declared items over all procedures."""
        return sum(p.declared_count for p in self.procedures)

    @property
    def exercised_count(self) -> int:
        """Exercised items over all procedures."""
        return sum(p.exercised_count for p in self.procedures)

    @property
    def percent(self) -> float:
        """Exercised items over declared items, over all procedures, as a percentage."""
        return _percent(self.exercised_count, self.declared_count)

    def below(self, fail_under: float) -> bool:
        """True when the total is under ``fail_under`` percent (compared exactly, unrounded:
        99.99% is below 100).

        Raises:
            ValueError: when ``fail_under`` is not between 0 and 100.
        """
        if not 0 <= fail_under <= 100:
            raise ValueError(f"fail_under must be between 0 and 100 (got {fail_under})")
        return self.exercised_count * 100 < fail_under * self.declared_count

    def threshold_message(self, fail_under: float) -> str:
        """One line saying whether the total reaches ``fail_under`` percent.

        >>> CoverageReport(()).threshold_message(80)
        'procgen coverage 100.0% reaches the threshold of 80%'
        """
        total = _percent_text(self.exercised_count, self.declared_count)
        threshold = f"{fail_under:g}%"
        if self.below(fail_under):
            return (
                f"procgen coverage {total} is under the threshold of {threshold} "
                f"({self.exercised_count} of {self.declared_count} items exercised)"
            )
        return f"procgen coverage {total} reaches the threshold of {threshold}"

    def render(self, *, width: int = 100) -> str:
        """The report as plain text: a table, then what each procedure never exercised.

        The table has one row per procedure version (exercised/declared steps, actions and
        deadline outcomes, and the percentage of all three) and a TOTAL row. Below it, each
        procedure under 100% lists its missed items, wrapped to ``width`` columns; one that
        exercised nothing says so (``all 40 items``) instead of listing them.
        """
        rows = [
            (p.label, str(p.dossiers), str(p.steps), str(p.actions), str(p.outcomes),
             _percent_text(p.exercised_count, p.declared_count))
            for p in self.procedures
        ]  # fmt: skip
        total = (
            "TOTAL",
            str(sum(p.dossiers for p in self.procedures)),
            _sum(p.steps for p in self.procedures),
            _sum(p.actions for p in self.procedures),
            _sum(p.outcomes for p in self.procedures),
            _percent_text(self.exercised_count, self.declared_count),
        )
        widths = [max(len(r[i]) for r in (_HEADERS, *rows, total)) for i in range(len(_HEADERS))]

        def line(cells: tuple[str, ...]) -> str:
            first = cells[0].ljust(widths[0])
            rest = (cell.rjust(w) for cell, w in zip(cells[1:], widths[1:], strict=True))
            return "  ".join((first, *rest))

        rule = "-" * len(line(_HEADERS))
        out = ["procgen coverage: steps, actions and deadline outcomes exercised", rule]
        out += [line(_HEADERS), rule, *(line(r) for r in rows), rule, line(total)]
        missing = [p for p in self.procedures if not p.complete]
        if missing:
            out += ["", "Never exercised:"]
        for p in missing:
            if p.exercised_count == 0:
                out.append(f"  {p.label}: all {p.declared_count} items")
                continue
            out.append(f"  {p.label}:")
            for name, items in p.kinds:
                if items.missed:
                    title = "deadline outcomes" if name == "outcomes" else name
                    out.append(_wrap(f"{title}: ", items.missed, width))
        if self.ignored:
            names = (f"{label} ({n})" for label, n in sorted(self.ignored.items()))
            out += ["", _wrap("Ignored, not in the registry (dossiers): ", names, width, indent="")]
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON data::

            {"percent": 52.0, "declared": 25, "exercised": 13,
             "procedures": [{"code": "BQP-NVQS-03", "version": 1, "latest": true,
                             "dossiers": 3, "declared": 25, "exercised": 13, "percent": 52.0,
                             "steps": {"declared": [...], "exercised": [...], "missed": [...]},
                             "actions": {...}, "outcomes": {...}}, ...],
             "ignored": {"X-01 v1": 2}}

        Percentages are rounded to 2 decimals.
        """
        return {
            "percent": round(self.percent, 2),
            "declared": self.declared_count,
            "exercised": self.exercised_count,
            "procedures": [p.as_json() for p in self.procedures],
            "ignored": dict(sorted(self.ignored.items())),
        }


def _percent(exercised: int, declared: int) -> float:
    return 100.0 if declared == 0 else exercised * 100 / declared


def _percent_text(exercised: int, declared: int) -> str:
    """One decimal, never rounded up to 100.0% nor down to 0.0% when that would be untrue."""
    value = _percent(exercised, declared)
    text = f"{value:.1f}"
    if text == "100.0" and exercised < declared:
        text = "99.9"
    elif text == "0.0" and exercised > 0:
        text = "0.1"
    return f"{text}%"


def _sum(kinds: Iterable[ItemCoverage]) -> str:
    items = list(kinds)
    return f"{sum(len(i.exercised) for i in items)}/{sum(len(i.declared) for i in items)}"


def _wrap(title: str, items: Iterable[str], width: int, *, indent: str = "    ") -> str:
    return textwrap.fill(
        ", ".join(items),
        width=max(width, 40),
        initial_indent=indent + title,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
