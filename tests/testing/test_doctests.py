"""The examples in the testing kit's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "procgen.testing.auth",
    "procgen.testing.coverage",
    "procgen.testing.coverage_report",
    "procgen.testing.files",
    "procgen.testing.phrases",
    "procgen.testing.tables",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
