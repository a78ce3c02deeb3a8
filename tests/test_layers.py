"""The layers of procgen, and the test that keeps them.

Every module of ``src/procgen`` belongs to one layer; a module may import from its own layer and
from the layers below it, never from a layer above. The table, bottom to top, is ``LAYERS``:

    rank  layer     modules (a module belongs to the longest prefix that names it)
    ----  --------  -------------------------------------------------------------------------
    0     base      procgen.errors, procgen.types, procgen.i18n, procgen.expr, procgen.files
    1     spec      procgen.spec
    2     forms     procgen.forms        } siblings: neither may import the other
    2     workflow  procgen.workflow     }
    3     compile   procgen.procedure, procgen.registry   (compiles spec + forms + workflow)
    4     store     procgen.store        (may use the workflow's types: it is above it)
    5     service   procgen.service
    6     web       procgen.web
    7     cli       procgen.cli, procgen.__main__
    8     testing   procgen.testing      (may import anything; nothing below may import it)

and one module outside the stack:

    façade  procgen (the package ``__init__``) re-exports from every layer (the web one lazily,
            in ``__getattr__``). Nothing may import from it but its metadata (``__version__``):
            a name it re-exports is imported from the module that defines it.

The rules, each failure naming the importing module, the line, the imported module and the rule:

* **down only**: a module imports from its own layer or a lower one; in particular nothing under
  spec/, forms/, workflow/, store/ or service/ imports ``procgen.web``, ``procgen.cli`` or
  ``procgen.testing`` (so there is no service↔web cycle);
* **siblings**: two layers of the same rank (forms, workflow) do not import each other;
* **no cycles** between top-level packages and modules (``procgen.errors`` → ``procgen.spec``
  → ``procgen.errors`` is a cycle even where both imports are lazy);
* every module is in a layer (a new top-level module is added to ``LAYERS``).

Imports are read statically with :mod:`ast`: module level, inside functions, under
``if TYPE_CHECKING:``; relative imports are resolved. ``EXEMPT`` lists the few edges that break a
rule on purpose, each with its reason; an exemption that no longer matches an import fails too,
so the list only shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "procgen"

# (rank, layer, module prefixes): the one table of the layering (see the module docstring).
BASE = ("procgen.errors", "procgen.types", "procgen.i18n", "procgen.expr", "procgen.files")
LAYERS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (0, "base", BASE),
    (1, "spec", ("procgen.spec",)),
    (2, "forms", ("procgen.forms",)),
    (2, "workflow", ("procgen.workflow",)),
    (3, "compile", ("procgen.procedure", "procgen.registry")),
    (4, "store", ("procgen.store",)),
    (5, "service", ("procgen.service",)),
    (6, "web", ("procgen.web",)),
    (7, "cli", ("procgen.cli", "procgen.__main__")),
    (8, "testing", ("procgen.testing",)),
)
FACADE = "procgen"
FACADE_METADATA = frozenset({"__version__"})

# (importing module, imported module) -> why this edge may break a rule. Keep it small.
EXEMPT: dict[tuple[str, str], str] = {
    ("procgen.errors", "procgen.spec.diagnostics"): (
        "under TYPE_CHECKING only: SpecError carries the spec's Diagnostic objects; at run time "
        "the base imports nothing above it"
    ),
    ("procgen.cli", "procgen.testing.scenarios"): (
        "lazily, inside the `procgen scenarios` command, which prints the Gherkin feature "
        "procgen.testing.scenarios generates; nothing else of the command line touches testing"
    ),
}


@dataclass(frozen=True)
class Layer:
    rank: int
    name: str


@dataclass(frozen=True)
class Import:
    """One imported module: ``importer`` imports ``target`` at ``line``."""

    importer: str
    line: int
    target: str
    names: tuple[str, ...] = ()  # for ``from target import names``

    def where(self) -> str:
        return f"{self.importer}:{self.line} imports {self.target}"


def layer_of(module: str, layers: Iterable[tuple[int, str, tuple[str, ...]]] = LAYERS) -> Layer:
    """The layer of ``module``: the longest prefix of the table that names it."""
    best: tuple[int, Layer] | None = None
    for rank, name, prefixes in layers:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), Layer(rank, name))
    if best is None:
        raise LookupError(module)
    return best[1]


def unit_of(module: str) -> str:
    """The top-level package or module ``module`` belongs to: ``procgen.spec.models`` → spec."""
    return ".".join(module.split(".")[:2])


# --------------------------------------------------------------------------- reading imports


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(path): path for path in sorted(package.rglob("*.py"))}


def imports_of(
    module: str, source: str, *, is_package: bool, known: Iterable[str] = ()
) -> list[Import]:
    """Every ``procgen`` module ``source`` imports, wherever the import stands, in line order.

    ``from a import b`` names module ``a.b`` when that is a module (one of ``known``), else ``a``.
    """
    return sorted(_imports(module, source, is_package, set(known)), key=lambda i: i.line)


def _imports(module: str, source: str, is_package: bool, known: set[str]) -> Iterator[Import]:
    here = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "procgen" or alias.name.startswith("procgen."):
                    yield Import(module, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                parent = ".".join([*base, node.module] if node.module else base)
            else:
                parent = node.module or ""
            if parent != "procgen" and not parent.startswith("procgen."):
                continue
            plain: list[str] = []
            for alias in node.names:
                sub = f"{parent}.{alias.name}"
                if sub in known:
                    yield Import(module, node.lineno, sub)
                else:
                    plain.append(alias.name)
            if plain:
                yield Import(module, node.lineno, parent, tuple(plain))


def all_imports(package: Path = PACKAGE) -> list[Import]:
    modules = source_modules(package)
    found: list[Import] = []
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        found += imports_of(name, source, is_package=path.name == "__init__.py", known=modules)
    return found


# --------------------------------------------------------------------------- the rules


def layer_violations(
    imports: Iterable[Import],
    layers: Iterable[tuple[int, str, tuple[str, ...]]] = LAYERS,
    exempt: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    """One message per import that breaks a layer rule."""
    layers = tuple(layers)
    exempt = EXEMPT if exempt is None else exempt
    problems: list[str] = []
    for edge in imports:
        if (edge.importer, edge.target) in exempt:
            continue
        if edge.target == FACADE:
            extra = sorted(set(edge.names) - FACADE_METADATA)
            if edge.importer != FACADE and (extra or not edge.names):
                problems.append(
                    f"{edge.where()} ({', '.join(extra) or 'the package'}): the façade rule: "
                    "import a re-exported name from the module that defines it, not from procgen"
                )
            continue
        if edge.importer == FACADE:
            continue
        try:
            source, target = layer_of(edge.importer, layers), layer_of(edge.target, layers)
        except LookupError as missing:
            problems.append(f"{edge.where()}: {missing} is in no layer: add it to LAYERS")
            continue
        if target.rank > source.rank:
            rule = "imports go down the layers only"
            if target.name == "testing":
                rule = "nothing below procgen.testing may import it"
            problems.append(
                f"{edge.where()}: {source.name} (layer {source.rank}) may not import "
                f"{target.name} (layer {target.rank}): {rule}"
            )
        elif target.rank == source.rank and target.name != source.name:
            problems.append(
                f"{edge.where()}: {source.name} and {target.name} are sibling layers "
                f"(both layer {source.rank}): neither may import the other"
            )
    return problems


def cycles(
    imports: Iterable[Import], exempt: dict[tuple[str, str], str] | None = None
) -> list[str]:
    """One message per cycle between top-level packages/modules, with the imports that make it."""
    exempt = EXEMPT if exempt is None else exempt
    witness: dict[tuple[str, str], Import] = {}
    for edge in imports:
        if (edge.importer, edge.target) in exempt or FACADE in (edge.importer, edge.target):
            continue
        pair = (unit_of(edge.importer), unit_of(edge.target))
        if pair[0] != pair[1]:
            witness.setdefault(pair, edge)
    graph: dict[str, set[str]] = {}
    for a, b in witness:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())

    # Tarjan's strongly connected components; a component of two or more units is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)

    problems: list[str] = []
    for component in components:
        members = set(component)
        edges = sorted(
            edge.where() for (a, b), edge in witness.items() if a in members and b in members
        )
        problems.append(
            f"cycle between {', '.join(component)}: no cycles between top-level packages; "
            "the imports in it: " + "; ".join(edges)
        )
    return problems


def stale_exemptions(imports: Iterable[Import], exempt: dict[tuple[str, str], str]) -> list[str]:
    present = {(edge.importer, edge.target) for edge in imports}
    return [
        f"{a} no longer imports {b}: drop the exemption" for a, b in exempt if (a, b) not in present
    ]


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


def test_the_layers_hold(imports: list[Import]) -> None:
    assert len(imports) > 300  # the reader found the imports (not a vacuous pass)
    problems = layer_violations(imports)
    assert not problems, "layer rules broken:\n" + "\n".join(problems)


def test_no_cycles_between_top_level_packages(imports: list[Import]) -> None:
    problems = cycles(imports)
    assert not problems, "\n".join(problems)


def test_every_exemption_is_still_needed(imports: list[Import]) -> None:
    problems = stale_exemptions(imports, EXEMPT)
    assert not problems, "\n".join(problems)


def test_every_top_level_module_is_in_a_layer() -> None:
    for module in source_modules():
        if module != FACADE:
            layer_of(module)  # raises LookupError naming the module


# --------------------------------------------------------------------------- the checker itself


def _read(module: str, source: str, *, is_package: bool = False) -> list[Import]:
    known = {"procgen.web", "procgen.web.app", "procgen.forms", "procgen.spec.models"}
    return imports_of(module, source, is_package=is_package, known=known)


def test_the_checker_reports_an_import_going_up() -> None:
    source = "import os\n\n\ndef later():\n    from procgen.web.app import create_app\n"
    problems = layer_violations(_read("procgen.service.records", source), exempt={})
    assert problems == [
        "procgen.service.records:5 imports procgen.web.app: service (layer 5) may not import "
        "web (layer 6): imports go down the layers only"
    ]


def test_the_checker_reads_type_checking_and_relative_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..forms import FieldError\n"
        "from . import models\n"
    )
    found = _read("procgen.workflow.machine", source)
    assert [(i.line, i.target) for i in found] == [(3, "procgen.forms"), (4, "procgen.workflow")]
    [problem] = layer_violations(found, exempt={})
    assert problem.startswith("procgen.workflow.machine:3 imports procgen.forms: workflow and")
    assert "sibling layers" in problem
    found = _read("procgen.spec", "from . import models\n", is_package=True)
    assert [i.target for i in found] == ["procgen.spec.models"]


def test_the_checker_reports_testing_and_facade_imports() -> None:
    found = _read("procgen.store.rows", "import procgen.testing.world\nfrom procgen import load\n")
    problems = layer_violations(found, exempt={})
    assert "nothing below procgen.testing may import it" in problems[0]
    assert problems[1].startswith("procgen.store.rows:2 imports procgen (load): the façade rule")
    assert layer_violations(_read("procgen.web.api", "from procgen import __version__\n")) == []


def test_the_checker_reports_a_cycle() -> None:
    found = [
        Import("procgen.errors", 18, "procgen.spec.diagnostics"),
        Import("procgen.spec.loader", 31, "procgen.errors"),
        Import("procgen.spec.models", 3, "procgen.types"),
    ]
    assert cycles(found, exempt={}) == [
        "cycle between procgen.errors, procgen.spec: no cycles between top-level packages; "
        "the imports in it: procgen.errors:18 imports procgen.spec.diagnostics; "
        "procgen.spec.loader:31 imports procgen.errors"
    ]
    assert cycles(found[1:], exempt={}) == []


def test_the_checker_reports_a_module_in_no_layer() -> None:
    [problem] = layer_violations(_read("procgen.plugins", "import procgen.spec\n"), exempt={})
    assert problem == (
        "procgen.plugins:1 imports procgen.spec: procgen.plugins is in no layer: add it to LAYERS"
    )
