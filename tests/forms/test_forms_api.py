"""The public surface of procgen.forms, and the examples in its docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

import procgen.forms

MODULES = [
    "",
    ".types",
    "._scalars",
    ".identifiers",
    "._model",
    "._schema",
    "._messages",
    "._validate",
    "._examples",
]


def test_the_names_the_html_layer_codes_against() -> None:
    expected = {
        *("FieldError", "FormResult", "FieldType", "FieldTypeRegistry", "default_field_types"),
        *("validate_payload", "visible", "payload_model", "payload_schema", "from_form"),
        "example_payload",
    }
    assert expected <= set(procgen.forms.__all__)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)  # examples load definitions/ by relative path
    result = doctest.testmod(importlib.import_module("procgen.forms" + module))
    assert result.failed == 0
