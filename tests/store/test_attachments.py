"""Tests for procgen.store.attachments: the file storage, checksums, atomic writes."""

from __future__ import annotations

import doctest
import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import procgen.store.attachments as attachments_module
from procgen.store import (
    AttachmentStorage,
    ChecksumMismatch,
    FileStorage,
    RecordNotFound,
    store_attachment,
)


@pytest.fixture
def storage(tmp_path: Path) -> FileStorage:
    return FileStorage(tmp_path / "attachments")


def test_doctests() -> None:
    assert doctest.testmod(attachments_module, raise_on_error=True).attempted > 0


def test_put_get(storage: FileStorage) -> None:
    data = b"%PDF-1.7 the application"
    key = storage.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert storage.get(key) == data
    path = storage.path(key)
    assert path.relative_to(storage.root).parts == (key[:2], key[2:4], key)
    assert isinstance(storage, AttachmentStorage)
    assert repr(storage) == f"<FileStorage {storage.root}>"


def test_names_never_come_from_the_client(storage: FileStorage) -> None:
    new = store_attachment(storage, b"data", document_id="application",
                           filename="../../etc/passwd", content_type="text/plain")  # fmt: skip
    assert new.storage_key == new.sha256
    assert new.size == 4
    assert [p.name for p in storage.root.rglob("*") if p.is_file()] == [new.sha256]


def test_put_is_idempotent(storage: FileStorage) -> None:
    key = storage.put(b"same")
    mtime = storage.path(key).stat().st_mtime_ns
    assert storage.put(b"same") == key
    assert storage.path(key).stat().st_mtime_ns == mtime
    assert len([p for p in storage.root.rglob("*") if p.is_file()]) == 1


def test_corrupt_file_raises_checksum_mismatch(storage: FileStorage) -> None:
    key = storage.put(b"original bytes")
    path = storage.path(key)
    path.write_bytes(b"original bytez")
    with pytest.raises(ChecksumMismatch, match="corrupt"):
        storage.get(key)
    # Putting the original again repairs the file.
    assert storage.put(b"original bytes") == key
    assert storage.get(key) == b"original bytes"


def test_missing_and_malformed_keys(storage: FileStorage) -> None:
    with pytest.raises(RecordNotFound, match="no attachment"):
        storage.get("0" * 64)
    for bad in ("../../secret", "A" * 64, "0" * 63, ""):
        with pytest.raises(RecordNotFound, match="not an attachment key"):
            storage.get(bad)


def test_a_failed_write_leaves_no_file(
    storage: FileStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        storage.put(b"never stored")
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []


def test_leftover_temporary_files_are_cleaned(storage: FileStorage) -> None:
    key = storage.put(b"x")
    leftover = storage.path(key).parent / ".abc.tmp"
    leftover.write_bytes(b"half")
    assert storage.clean_temporary() == 1
    assert not leftover.exists()
    assert storage.get(key) == b"x"


def test_non_durable_mode_for_scratch_data(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path, durable=False)
    assert storage.get(storage.put(b"quick")) == b"quick"


@settings(max_examples=25)
@given(st.lists(st.binary(max_size=2048), max_size=5))
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, blobs: list[bytes]) -> None:
    storage = FileStorage(tmp_path_factory.mktemp("blobs"), durable=False)
    keys = [storage.put(blob) for blob in blobs]
    assert [storage.get(key) for key in keys] == blobs
