"""A registry of compiled procedures: every version of every procedure code.

    >>> registry = Registry.from_path("definitions")          # doctest: +SKIP
    >>> registry.get("BQP-UAV-01")                               # the latest version
    <Procedure BQP-UAV-01 v1: 1 case(s)>
    >>> registry.get("BQP-UAV-01", version=1).spec               # a dossier's own version

Dossiers stay on the version they were submitted under, so a registry keeps every version.
A registry compiles each spec once (:func:`procgen.compile`) with its own calendar and field
types; the service, the API, the pages and the testing kit all get their
:class:`~procgen.procedure.Procedure` from it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path

from procgen.errors import ConfigurationError, ProcgenError
from procgen.forms import FieldTypeRegistry, default_field_types
from procgen.procedure import Procedure, compile
from procgen.spec.loader import load_dir
from procgen.spec.models import ProcedureSpec
from procgen.workflow import Deadlines, WorkingCalendar

__all__ = ["Registry", "UnknownProcedure"]


class UnknownProcedure(ProcgenError, KeyError):
    """A procedure code (or version) the registry does not hold."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class Registry:
    """Compiled procedures by code and version.

    Args:
        specs: the specs to compile and hold (or procedures, see :meth:`add`).
        calendar: the working calendar (or full :class:`~procgen.workflow.Deadlines` rules)
            every procedure's deadlines are counted on; the Vietnamese defaults when omitted.
        field_types: the deployment's field types; the built-in ones when omitted.
    """

    def __init__(
        self,
        specs: Iterable[ProcedureSpec | Procedure] = (),
        *,
        calendar: WorkingCalendar | Deadlines | None = None,
        field_types: FieldTypeRegistry | None = None,
    ) -> None:
        self.deadlines = calendar if isinstance(calendar, Deadlines) else Deadlines(calendar)
        #: The field types every procedure is compiled with.
        self.field_types = field_types if field_types is not None else default_field_types()
        self._procedures: dict[str, dict[int, Procedure]] = {}
        for spec in specs:
            self.add(spec)

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        *,
        calendar: WorkingCalendar | Deadlines | None = None,
        field_types: FieldTypeRegistry | None = None,
    ) -> Registry:
        """Load and compile every spec under ``path``.

        Raises:
            SpecError: listing every problem of every file (field types unknown to
                ``field_types`` included).
        """
        types = field_types if field_types is not None else default_field_types()
        return cls(load_dir(path, field_types=types.names()), calendar=calendar, field_types=types)

    def recompiled(
        self,
        *,
        calendar: WorkingCalendar | Deadlines | None = None,
        field_types: FieldTypeRegistry | None = None,
    ) -> Registry:
        """A new registry of the same specs compiled with another calendar or field types
        (each left as it is when omitted)."""
        return Registry(
            self.specs(),
            calendar=calendar if calendar is not None else self.deadlines,
            field_types=field_types if field_types is not None else self.field_types,
        )

    def add(self, spec: ProcedureSpec | Procedure) -> Procedure:
        """Compile ``spec`` and hold it (a procedure compiled with this registry's calendar and
        field types is held as it is; one compiled with others is compiled again).

        Raises:
            ConfigurationError: when that code and version is already registered, or a field's
                type is unknown.
        """
        versions = self._procedures.setdefault(spec.code, {})
        if spec.version in versions:
            raise ConfigurationError(
                f"procedure {spec.code} version {spec.version} is already registered"
            )
        if isinstance(spec, Procedure):
            same = spec.deadlines is self.deadlines and spec.field_types is self.field_types
            if same:
                versions[spec.version] = spec
                return spec
            spec = spec.spec
        procedure = compile(spec, calendar=self.deadlines, field_types=self.field_types)
        versions[spec.version] = procedure
        return procedure

    def get(self, code: str, version: int | None = None) -> Procedure:
        """The procedure ``code`` at ``version`` (default: the latest).

        Raises:
            UnknownProcedure: naming the code (and version) that is not registered, with the
                closest registered code.
        """
        versions = self._procedures.get(code)
        if not versions:
            close = difflib.get_close_matches(code, list(self._procedures), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UnknownProcedure(f"no procedure {code!r}{hint}")
        if version is None:
            return versions[max(versions)]
        if version not in versions:
            known = ", ".join(str(v) for v in sorted(versions))
            raise UnknownProcedure(f"procedure {code!r} has no version {version} (has {known})")
        return versions[version]

    def versions(self, code: str) -> tuple[int, ...]:
        """The registered versions of ``code``, oldest first."""
        return tuple(sorted(self._procedures.get(code, {})))

    def codes(self) -> tuple[str, ...]:
        """Every registered procedure code, sorted."""
        return tuple(sorted(self._procedures))

    def all_versions(self) -> Iterator[Procedure]:
        """Every version of every procedure, by code then version."""
        for code in self.codes():
            versions = self._procedures[code]
            for version in sorted(versions):
                yield versions[version]

    def specs(self, *, latest: bool = False) -> Iterator[ProcedureSpec]:
        """The spec of every version of every procedure (``latest``: of each procedure's
        latest version only), by code then version."""
        procedures = iter(self) if latest else self.all_versions()
        return (procedure.spec for procedure in procedures)

    def __iter__(self) -> Iterator[Procedure]:
        """The latest version of each procedure, by code."""
        return (self.get(code) for code in self.codes())

    def __len__(self) -> int:
        return len(self._procedures)

    def __contains__(self, code: object) -> bool:
        return code in self._procedures

    def __repr__(self) -> str:
        total = sum(len(v) for v in self._procedures.values())
        return f"<Registry: {len(self._procedures)} procedures, {total} versions>"
