"""The public surface: a curated, sorted ``__all__`` whose every name exists."""

from __future__ import annotations

import procgen


def test_all_is_sorted_and_importable() -> None:
    names = procgen.__all__
    assert list(names) == sorted(names)
    for name in names:
        assert hasattr(procgen, name), name


def test_version_matches_metadata() -> None:
    from importlib.metadata import version

    assert procgen.__version__ == version("procgen")
