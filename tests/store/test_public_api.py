"""The store's public surface and the examples in its docstrings."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import procgen.store
from procgen.errors import ProcgenError
from procgen.store import errors

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(procgen.store.__path__, "procgen.store.")
    if not name.endswith(".env") and ".versions." not in name
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} needs a docstring"
    doctest.testmod(module, raise_on_error=True, optionflags=doctest.ELLIPSIS)


def test_every_error_is_a_procgen_error() -> None:
    for name in errors.__all__:
        error = getattr(errors, name)
        assert issubclass(error, errors.StoreError), name
        assert issubclass(error, ProcgenError), name
    assert issubclass(errors.VersionConflict, errors.WriteConflict)
    assert issubclass(errors.StoreBusy, errors.WriteConflict)
    assert not issubclass(errors.IdempotencyConflict, errors.WriteConflict)  # 422, not 409


def test_the_old_names_of_the_store_errors_still_import_with_a_warning() -> None:
    import procgen.store

    with pytest.deprecated_call():
        assert procgen.store.NotFound is errors.RecordNotFound
    with pytest.deprecated_call():
        assert errors.Conflict is errors.WriteConflict
