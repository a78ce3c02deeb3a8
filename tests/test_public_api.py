"""The public surface of every procgen module: a sorted, complete ``__all__`` of names that exist.

For each public module and package of ``procgen`` (found with :mod:`pkgutil`; a module is
private when its name or a parent package's name starts with ``_``; Alembic's ``env`` script and
migration versions are not modules of the library):

* ``__all__`` exists, holds no duplicates, and every name in it is an attribute of the module;
* it is in ruff's RUF022 order ("isort-style"): SCREAMING_SNAKE_CASE constants (longer than one
  character, every cased letter upper-case), then CamelCase (starting upper-case: classes, type
  aliases, one-letter type variables), then everything else; each group in natural order
  (case-sensitive, runs of digits compared as numbers) — ``ruff check --select RUF022 --fix``
  repairs it;
* it is complete: every public name the module defines at module level (a class or function
  whose ``__module__`` is the module, or a constant it assigns or annotates) is listed, unless
  ``UNLISTED`` says why not;
* nothing leaks from a private module: a name a public module imports from a private one is
  re-exported deliberately, i.e. listed in ``__all__``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import logging
import pkgutil
import re
import typing
from types import ModuleType

import pytest

import procgen

NOT_LIBRARY_MODULES = ("procgen.store.migrations.env", "procgen.store.migrations.versions")

# (module, name) -> why a public name the module defines is not in its ``__all__``. Keep it small.
_CLI = (
    "the command line's parts: used as `procgen ...`, never imported (procgen.cli lists app, main)"
)
UNLISTED: dict[tuple[str, str], str] = {
    ("procgen.cli", "DEFAULT_DEFINITIONS"): _CLI,
    ("procgen.cli", "DEFAULT_DB"): _CLI,
    ("procgen.cli", "db_app"): _CLI,
    ("procgen.cli", "users_app"): _CLI,
    ("procgen.cli", "DbOption"): _CLI,
    ("procgen.cli", "UsersOption"): _CLI,
    ("procgen.cli", "OutputFormat"): _CLI,
    ("procgen.cli", "check"): _CLI,
    ("procgen.cli", "schema"): _CLI,
    ("procgen.cli", "graph"): _CLI,
    ("procgen.cli", "ScenarioLanguage"): _CLI,
    ("procgen.cli", "scenarios"): _CLI,
    ("procgen.cli", "serve"): _CLI,
    ("procgen.cli", "db_upgrade"): _CLI,
    ("procgen.cli", "users_add"): _CLI,
    ("procgen.cli", "worker"): _CLI,
    ("procgen.workflow.calendar_config", "hhmm"): (
        "a helper procgen.workflow.calendar shares; every function a workflow module lists is "
        "re-exported by procgen.workflow (tests/workflow/test_public.py), and this one is not API"
    ),
    ("procgen.workflow.errors", "did_you_mean"): (
        "a helper procgen.workflow.inputs and .machine share for their messages; not API of "
        "procgen.workflow (same rule as hhmm)"
    ),
    ("procgen.workflow.workdays", "MAX_SCAN_DAYS"): (
        "the search bound procgen.workflow.calendar shares; not API of procgen.workflow (same "
        "rule as hhmm)"
    ),
}


# Module-level objects that are not a module's surface, whatever their names: T = TypeVar("T"),
# log = logging.getLogger(__name__).
MACHINERY = (typing.TypeVar, typing.ParamSpec, typing.TypeVarTuple, logging.Logger)


def is_private(name: str) -> bool:
    return any(part.startswith("_") for part in name.split("."))


@functools.cache
def public_objects() -> frozenset[int]:
    """The ids of the objects some public module lists in ``__all__``: importing one of these
    from the package that re-exports it is not a leak, wherever it is defined."""
    found: set[int] = set()
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for n in getattr(module, "__all__", ()):
            if hasattr(module, n):
                found.add(id(getattr(module, n)))
    return frozenset(found)


def _unimportable(name: str) -> None:
    raise ImportError(f"{name} does not import: the surface cannot be checked")


def _public_modules() -> list[str]:
    names = ["procgen"]
    for info in pkgutil.walk_packages(procgen.__path__, "procgen.", onerror=_unimportable):
        name = info.name
        if is_private(name) or any(
            name == skip or name.startswith(skip + ".") for skip in NOT_LIBRARY_MODULES
        ):
            continue
        names.append(name)
    return sorted(names)


PUBLIC_MODULES = _public_modules()


# --------------------------------------------------------------------------- ruff's RUF022 order


def ruf022_key(name: str) -> tuple[int, list[tuple[int, int | str]]]:
    """The sort key of ruff's isort-style ``__all__`` order (rule RUF022).

    >>> sorted(["load", "Text", "T", "MAX_TRIES", "A10", "A2", "x2", "x10"], key=ruf022_key)
    ['A2', 'A10', 'MAX_TRIES', 'T', 'Text', 'load', 'x2', 'x10']
    """
    if len(name) > 1 and name.isupper():
        kind = 0  # SCREAMING_SNAKE_CASE constant
    elif name[:1].isupper():
        kind = 1  # CamelCase class
    else:
        kind = 2
    natural = [
        (0, int(chunk)) if chunk.isdigit() else (1, chunk) for chunk in re.findall(r"\d+|\D+", name)
    ]
    return kind, natural


# --------------------------------------------------------------------------- what a module defines


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The module-level statements, with those of ``if``/``try`` blocks (not TYPE_CHECKING)."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                found += _top_level(node.body) + _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            found += _top_level(node.body) + _top_level(node.orelse)
            for handler in node.handlers:
                found += _top_level(handler.body)
        else:
            found.append(node)
    return found


def _targets(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Tuple | ast.List):
        return [name for elt in node.elts for name in _targets(elt)]
    return []


def defined_names(module: ModuleType, source: str | None = None) -> list[str]:
    """The public names ``module`` defines: classes, functions, assigned or annotated constants.

    A name assigned a class or function of another module is an alias (a re-export), not a
    definition; type variables and loggers are machinery, not surface.
    """
    tree = ast.parse(inspect.getsource(module) if source is None else source)
    names: list[str] = []
    for node in _top_level(tree.body):
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [name for target in node.targets for name in _targets(target)]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            names += _targets(node.target)
    own: list[str] = []
    for name in dict.fromkeys(names):
        if name.startswith("_") or not hasattr(module, name):
            continue
        value = getattr(module, name)
        if (inspect.isclass(value) or inspect.isfunction(value)) and getattr(
            value, "__module__", module.__name__
        ) != module.__name__:
            continue
        if isinstance(value, MACHINERY):
            continue
        own.append(name)
    return own


# --------------------------------------------------------------------------- the checks


def surface_problems(
    module: ModuleType, unlisted: dict[tuple[str, str], str], source: str | None = None
) -> list[str]:
    """Every way ``module``'s ``__all__`` falls short; empty when it is sound."""
    name = module.__name__
    exported = getattr(module, "__all__", None)
    if exported is None:
        return [f"{name} has no __all__"]
    exported = list(exported)
    problems: list[str] = []
    duplicates = sorted({n for n in exported if exported.count(n) > 1})
    if duplicates:
        problems.append(f"{name}.__all__ lists {duplicates} more than once")
    if exported != sorted(exported, key=ruf022_key):
        problems.append(
            f"{name}.__all__ is not in RUF022 order: it should be "
            f"{sorted(dict.fromkeys(exported), key=ruf022_key)} "
            f"(ruff check --select RUF022 --fix)"
        )
    missing = [n for n in exported if not hasattr(module, n)]
    if missing:
        problems.append(f"{name}.__all__ lists {missing}, which {name} does not have")
    absent = [
        n for n in defined_names(module, source) if n not in exported and (name, n) not in unlisted
    ]
    if absent:
        problems.append(
            f"{name} defines public {absent} but does not list them in __all__ "
            "(list them, rename them with a leading _, or say why in UNLISTED)"
        )
    leaked: list[str] = []
    for n, value in sorted(vars(module).items()):
        origin = getattr(value, "__module__", None)
        if n.startswith("_") or n in exported or inspect.ismodule(value):
            continue
        if (
            isinstance(origin, str)
            and origin.startswith("procgen.")
            and is_private(origin)
            and id(value) not in public_objects()
        ):
            leaked.append(n)
    if leaked:
        problems.append(
            f"{name} exposes {leaked} from a private module without listing them in __all__ "
            "(re-export deliberately or import them under a _name)"
        )
    return problems


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_the_public_surface_is_sorted_complete_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    problems = surface_problems(module, UNLISTED)
    assert not problems, "\n".join(problems)


def test_every_unlisted_name_is_still_defined() -> None:
    stale = [
        f"{module}.{name}"
        for module, name in UNLISTED
        if name not in defined_names(importlib.import_module(module))
    ]
    assert not stale, f"drop from UNLISTED: {stale}"


# --------------------------------------------------------------------------- the checker itself


def test_the_walk_finds_the_packages_and_skips_what_is_not_library() -> None:
    assert {"procgen", "procgen.web", "procgen.web.api.routes", "procgen.store.tables"} <= set(
        PUBLIC_MODULES
    )
    assert not [n for n in PUBLIC_MODULES if "__main__" in n or ".versions" in n]
    assert "procgen.store.migrations.env" not in PUBLIC_MODULES


def test_ruf022_order() -> None:
    names = ["visible", "FieldError", "VIETNAM_TZ", "T", "Values", "A", "from_form", "MAX2", "X1"]
    assert sorted(names, key=ruf022_key) == [
        *("MAX2", "VIETNAM_TZ", "X1"),  # X1: every cased letter is upper-case
        *("A", "FieldError", "T", "Values"),
        *("from_form", "visible"),
    ]
    assert ruf022_key("__version__")[0] == 2
    assert sorted(["f10", "f9", "f"], key=ruf022_key) == ["f", "f9", "f10"]


def test_the_checker_reports_a_faulty_surface() -> None:
    source = (
        "LIMIT = 3\n"
        "class Thing: ...\n"
        "def helper(): ...\n"
        "def _private(): ...\n"
        "__all__ = ['helper', 'Thing', 'gone', 'helper']\n"
    )
    fake = ModuleType("procgen.fake")
    exec(compile(source, "fake.py", "exec"), vars(fake))
    fake.Leaked = type("Leaked", (), {"__module__": "procgen._hidden"})  # from a private module
    problems = surface_problems(fake, {}, source=source)
    assert problems == [
        "procgen.fake.__all__ lists ['helper'] more than once",
        "procgen.fake.__all__ is not in RUF022 order: it should be ['Thing', 'gone', 'helper'] "
        "(ruff check --select RUF022 --fix)",
        "procgen.fake.__all__ lists ['gone'], which procgen.fake does not have",
        "procgen.fake defines public ['LIMIT'] but does not list them in __all__ "
        "(list them, rename them with a leading _, or say why in UNLISTED)",
        "procgen.fake exposes ['Leaked'] from a private module without listing them in __all__ "
        "(re-export deliberately or import them under a _name)",
    ]
    bare = ModuleType("procgen.bare")
    assert surface_problems(bare, {}, source="") == ["procgen.bare has no __all__"]


def test_version_matches_metadata() -> None:
    from importlib.metadata import version

    assert procgen.__version__ == version("procgen")
