"""Shared fixtures: paths of the project's bundled material."""

from __future__ import annotations

from pathlib import Path

import pytest

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
