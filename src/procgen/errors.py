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

import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from procgen.spec.diagnostics import Diagnostic

__all__ = ["ConfigurationError", "ProcgenError", "SpecError", "deprecated_names"]


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


def deprecated_names(
    module: str, renamed: Mapping[str, tuple[Callable[[], object], str]]
) -> Callable[[str], object]:
    """A module ``__getattr__`` that still answers old names, with a ``DeprecationWarning``.

    ``renamed`` maps each old name to a function giving the object now answered (called on
    use, so a module may name what it cannot import eagerly) and the sentence that says what to
    use instead::

        __getattr__ = deprecated_names(__name__, {"DossierClock": (lambda: CaseDeadlines,
                                                                   "use CaseDeadlines")})
    """

    def lookup(name: str) -> object:
        if name not in renamed:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        target, advice = renamed[name]
        warnings.warn(f"{module}.{name} is deprecated: {advice}", DeprecationWarning, stacklevel=2)
        return target()

    return lookup
