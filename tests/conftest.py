"""Shared fixtures: paths of the project's bundled material."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: no per-example deadline (CI machines are slow and shared); CI runs a fixed,
# reproducible set of examples so a red build can be replayed.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = ROOT / "definitions"
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def definitions_dir() -> Path:
    return DEFINITIONS


def definition_files() -> list[Path]:
    """Every bundled spec file."""
    return sorted(DEFINITIONS.glob("*.yaml"))
