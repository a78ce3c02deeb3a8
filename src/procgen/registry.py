"""A registry of procedures: every version of every procedure code, loaded from specs.

    >>> registry = Registry.from_path("definitions")          # doctest: +SKIP
    >>> registry.get("BQP-UAV-01")                               # the latest version
    >>> registry.get("BQP-UAV-01", version=1)                    # a dossier's own version

Dossiers stay on the version they were submitted under, so a registry keeps every version.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from procgen.errors import ConfigurationError
from procgen.spec.loader import load_dir
from procgen.spec.models import ProcedureSpec

__all__ = ["Registry"]


class Registry:
    """Procedures by code and version. Build one with :meth:`from_path` or from specs."""

    def __init__(self, specs: Iterable[ProcedureSpec] = ()) -> None:
        self._specs: dict[str, dict[int, ProcedureSpec]] = {}
        for spec in specs:
            self.add(spec)

    @classmethod
    def from_path(cls, path: str | Path) -> Registry:
        """Load every spec under ``path``.

        Raises:
            SpecError: listing every problem of every file.
        """
        return cls(load_dir(path))

    def add(self, spec: ProcedureSpec) -> None:
        """Add a spec.

        Raises:
            ConfigurationError: when that code and version is already registered.
        """
        versions = self._specs.setdefault(spec.code, {})
        if spec.version in versions:
            raise ConfigurationError(
                f"procedure {spec.code} version {spec.version} is already registered"
            )
        versions[spec.version] = spec

    def get(self, code: str, version: int | None = None) -> ProcedureSpec:
        """The spec of ``code`` at ``version`` (default: the latest).

        Raises:
            KeyError: naming the code (and version) that is not registered.
        """
        versions = self._specs.get(code)
        if not versions:
            raise KeyError(f"no procedure {code!r}")
        if version is None:
            return versions[max(versions)]
        if version not in versions:
            raise KeyError(f"procedure {code!r} has no version {version}")
        return versions[version]

    def versions(self, code: str) -> tuple[int, ...]:
        """The registered versions of ``code``, oldest first."""
        return tuple(sorted(self._specs.get(code, {})))

    def codes(self) -> tuple[str, ...]:
        """Every registered procedure code, sorted."""
        return tuple(sorted(self._specs))

    def __iter__(self) -> Iterator[ProcedureSpec]:
        """The latest version of each procedure, by code."""
        return (self.get(code) for code in self.codes())

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, code: object) -> bool:
        return code in self._specs

    def __repr__(self) -> str:
        total = sum(len(v) for v in self._specs.values())
        return f"<Registry: {len(self._specs)} procedures, {total} versions>"
