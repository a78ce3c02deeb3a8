"""The exceptions procgen raises.

Two families, as in pydantic: one for people who write specs or use the library wrongly, one for
data that is wrong. Every exception derives from :class:`ProcgenError` and from the built-in it
resembles, so ``except ValueError`` still works::

    ProcgenError(Exception)
     ├── SpecError(ProcgenError, ValueError)      a spec has problems; holds every Diagnostic
     ├── ExprError(ProcgenError, ValueError)      a condition does not parse or fails to
     │                                            evaluate (procgen.expr)
     └── ConfigurationError(ProcgenError, ValueError)   the library was set up wrongly
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from procgen.spec.diagnostics import Diagnostic

__all__ = ["ConfigurationError", "ProcgenError", "SpecError"]


class ProcgenError(Exception):
    """Base of every procgen exception."""


class ConfigurationError(ProcgenError, ValueError):
    """procgen was configured or called wrongly (a developer's mistake, not the data's)."""


class SpecError(ProcgenError, ValueError):
    """One or more spec files have errors.

    Attributes:
        diagnostics: every problem found, in file order; ``str(error)`` lists them as
            ``file:line:column: code: message`` with hints.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.diagnostics)
        head = f"{count} problem{'s' if count != 1 else ''} in procedure spec"
        return "\n".join([head, *(d.format() for d in self.diagnostics)])
