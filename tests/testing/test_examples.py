"""The testing kit's example (``examples/custom_steps``) runs as a tester would run it."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, ROOT

pytest_plugins = ["pytester"]


def test_a_project_step_works_beside_the_shipped_ones(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(
        str(EXAMPLES / "custom_steps"),
        "-c",
        str(ROOT / "pyproject.toml"),
        "--rootdir",
        str(ROOT),
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=1)
