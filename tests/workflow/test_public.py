"""The public surface of procgen.workflow (sorting and existence: tests/test_public_api.py)."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import re

import pytest

import procgen.workflow
import procgen.workflow.machine

MODULES = sorted(
    m.name for m in pkgutil.iter_modules(procgen.workflow.__path__) if m.name != "__main__"
)


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_of_every_module_is_reexported(module: str) -> None:
    loaded = importlib.import_module(f"procgen.workflow.{module}")
    exported = set(procgen.workflow.__all__)
    own = [
        name
        for name in loaded.__all__
        if getattr(getattr(loaded, name), "__module__", loaded.__name__) == loaded.__name__
    ]
    if module == "diagrams":
        own = [name for name in own if name != "REGENERATE"]
    missing = sorted(set(own) - exported - {"BUILTIN_INPUTS"})
    assert missing == [], f"procgen.workflow does not export {missing} from {module}"


def test_nothing_private_is_exported() -> None:
    assert not [n for n in procgen.workflow.__all__ if n.startswith("_")]


def test_the_machine_module_still_offers_what_moved_out() -> None:
    for name in ("Actor", "Transition", "TransitionEvent", "InputProblem", "DenialCode"):
        assert getattr(procgen.workflow.machine, name) is getattr(procgen.workflow, name)
    assert "BUILTIN_INPUTS" in procgen.workflow.machine.__all__


@pytest.mark.skipif(
    "MUTANT_UNDER_TEST" in os.environ, reason="mutmut's instrumented copies are much longer"
)
def test_modules_stay_small() -> None:
    # One concept per module, about 100–400 lines (docs/architecture.md).
    for module in MODULES:
        path = importlib.import_module(f"procgen.workflow.{module}").__file__
        assert path is not None
        with open(path, encoding="utf-8") as source:
            lines = sum(1 for _ in source)
        assert lines <= 400, f"{module}: {lines} lines"


def test_importing_the_package_builds_no_holiday_table() -> None:
    calendar = procgen.workflow.WorkingCalendar()
    assert re.match(r"<WorkingCalendar Asia/Ho_Chi_Minh", repr(calendar))
    assert calendar._tables == {}


@pytest.mark.parametrize("module", ["__init__", *MODULES])
def test_docstring_examples_run(module: str) -> None:
    name = "procgen.workflow" if module == "__init__" else f"procgen.workflow.{module}"
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if module not in ("__main__",):
        assert result.attempted > 0, f"{name} has no example"
