"""The step library's tests run against a small procedure of their own (``procedures/``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from procgen.registry import Registry

PROCEDURES = Path(__file__).parent / "procedures"


@pytest.fixture(scope="session")
def procgen_registry() -> Registry:
    """TEST-01 only (the plugin's fixture reads the bundled definitions)."""
    return Registry.from_path(PROCEDURES)
