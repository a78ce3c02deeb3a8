"""The CEL condition language wrapper."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from procgen.errors import ProcgenError
from procgen.expr import ExprError, ExprEvaluationError, ExprSyntaxError, compile_expr


def test_names_exclude_comprehension_variables() -> None:
    expr = compile_expr("pilots.all(p, p.age >= 18) && weight > 0.25")
    assert expr.names == {"pilots", "weight"}


def test_dates_compare_as_dates() -> None:
    expr = compile_expr("flight_date >= today + duration('168h')")
    today = dt.date(2026, 1, 1)
    assert expr.is_true({"flight_date": dt.date(2026, 1, 8), "today": today})
    assert not expr.is_true({"flight_date": dt.date(2026, 1, 7), "today": today})


def test_decimals_and_nested_values() -> None:
    expr = compile_expr("drone.weight > 25.0 && size(drone.tags) == 2")
    assert expr.is_true({"drone": {"weight": Decimal("25.5"), "tags": ("a", "b")}})


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [("a +", 1, 4), ("a && (b", 1, 8), ("x = 1", 1, 3), ("a\n && ", 2, 5)],
)
def test_syntax_errors_are_located(source: str, line: int, column: int) -> None:
    with pytest.raises(ExprSyntaxError) as caught:
        compile_expr(source)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert isinstance(caught.value, ValueError)


def test_errors_belong_to_the_procgen_family() -> None:
    with pytest.raises(ProcgenError) as syntax:
        compile_expr("a +")
    with pytest.raises(ProcgenError) as evaluation:
        compile_expr("a > 1").evaluate({})
    for caught in (syntax, evaluation):
        assert isinstance(caught.value, ExprError)
        assert isinstance(caught.value, ValueError)


def test_evaluation_errors_name_the_expression() -> None:
    with pytest.raises(ExprEvaluationError, match="'a > 1'"):
        compile_expr("a > 1").evaluate({})


def test_is_true_requires_a_boolean() -> None:
    with pytest.raises(ExprEvaluationError, match="must give true or false"):
        compile_expr("1 + 1").is_true({})
