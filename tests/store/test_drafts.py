"""Tests for procgen.store.drafts: save, load, revisions, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from procgen.errors import ConfigurationError
from procgen.store import DossierStore, RecordNotFound, VersionConflict
from procgen.workflow import ManualClock
from tests.store.conftest import T0

TOKEN = "t0k3n-" + "x" * 37
LATER = T0 + dt.timedelta(days=30)


def save(store: DossierStore, revision: int, data: dict[str, object], **kw: object) -> int:
    options: dict[str, object] = {"expires_at": LATER} | kw
    return store.drafts.save(
        TOKEN, procedure_code="QP-VT-01", procedure_version=2, data=data, revision=revision,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip


def test_save_load_update(store: DossierStore, clock: ManualClock) -> None:
    assert store.drafts.load(TOKEN) is None
    assert save(store, 0, {"values": {"name": ["Nguyễn"]}}) == 1
    draft = store.drafts.load(TOKEN)
    assert draft is not None
    assert (draft.procedure_code, draft.procedure_version, draft.revision) == ("QP-VT-01", 2, 1)
    assert draft.data == {"values": {"name": ["Nguyễn"]}}
    assert draft.created_at == draft.updated_at == T0
    clock.advance(dt.timedelta(minutes=5))
    assert save(store, 1, {"values": {"name": ["Nguyễn Văn A"]}}) == 2
    draft = store.drafts.load(TOKEN)
    assert draft is not None
    assert draft.revision == 2
    assert draft.created_at == T0
    assert draft.updated_at == T0 + dt.timedelta(minutes=5)


def test_stale_save_is_a_conflict(store: DossierStore) -> None:
    save(store, 0, {})
    save(store, 1, {"n": 1})
    with pytest.raises(VersionConflict) as caught:
        save(store, 1, {"n": "lost update"})
    assert caught.value.current_version == 2
    with pytest.raises(VersionConflict):
        save(store, 0, {"n": "second new draft with the same token"})
    draft = store.drafts.load(TOKEN)
    assert draft is not None
    assert draft.data == {"n": 1}


def test_only_the_token_hash_is_stored(store: DossierStore, engine: sa.Engine) -> None:
    save(store, 0, {})
    with engine.connect() as conn:
        key = conn.exec_driver_sql("SELECT token_hash FROM drafts").scalar_one()
    assert TOKEN not in key
    assert len(key) == 64


def test_expiry(store: DossierStore, clock: ManualClock) -> None:
    save(store, 0, {}, expires_at=T0 + dt.timedelta(hours=1))
    other = "other-token-" + "y" * 30
    store.drafts.save(other, procedure_code="X", procedure_version=1, data={}, revision=0,
                      expires_at=LATER)  # fmt: skip
    assert store.drafts.load(TOKEN, now=T0 + dt.timedelta(minutes=59)) is not None
    clock.advance(dt.timedelta(hours=1))
    assert store.drafts.load(TOKEN) is None
    with pytest.raises(RecordNotFound, match="expired"):
        save(store, 1, {})
    assert store.drafts.purge_expired() == 1
    assert store.drafts.load(other) is not None
    # An expired token may start afresh (tokens are random, so this is only for safety).
    save(store, 0, {}, expires_at=LATER)
    assert store.drafts.load(TOKEN) is not None


def test_expired_row_is_replaced_by_a_new_draft(store: DossierStore, clock: ManualClock) -> None:
    save(store, 0, {"old": True}, expires_at=T0 + dt.timedelta(hours=1))
    clock.advance(dt.timedelta(hours=2))
    assert save(store, 0, {"new": True}) == 1
    draft = store.drafts.load(TOKEN)
    assert draft is not None
    assert draft.data == {"new": True}


def test_delete(store: DossierStore) -> None:
    save(store, 0, {})
    assert store.drafts.delete(TOKEN)
    assert not store.drafts.delete(TOKEN)
    assert store.drafts.load(TOKEN) is None


def test_short_tokens_are_refused(store: DossierStore) -> None:
    with pytest.raises(ConfigurationError, match="long random secret"):
        store.drafts.load("1234")
    assert repr(store.drafts).startswith("<Drafts ")
