"""Tests for procgen.spec.inputs and procgen.workflow.inputs: one table of built-in inputs."""

from __future__ import annotations

import doctest

import pytest

import procgen.spec.inputs as spec_inputs
from procgen.spec.check import ACTION_INPUTS
from procgen.spec.inputs import BUILTIN_INPUT_NAMES, BUILTIN_INPUTS


def test_module_docstring_example_runs() -> None:
    result = doctest.testmod(spec_inputs)
    assert result.attempted > 0
    assert result.failed == 0


def test_the_checker_and_the_engine_read_the_same_table() -> None:
    assert ACTION_INPUTS is BUILTIN_INPUT_NAMES
    assert (
        tuple(BUILTIN_INPUTS)
        == BUILTIN_INPUT_NAMES
        == (
            "reason",
            "note",
            "decision_number",
            "decision_date",
            "result_document",
            "new_appointment",
        )
    )


def test_every_builtin_input_is_a_bilingual_field_named_by_its_key() -> None:
    for name, field in BUILTIN_INPUTS.items():
        assert field.id == name
        assert field.label.vi
        assert field.label.en
    assert {n: f.type for n, f in BUILTIN_INPUTS.items()} == {
        "reason": "textarea",
        "note": "textarea",
        "decision_number": "text",
        "decision_date": "date",
        "result_document": "file",
        "new_appointment": "date",
    }


def test_the_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        BUILTIN_INPUTS["extra"] = BUILTIN_INPUTS["note"]  # type: ignore[index]
