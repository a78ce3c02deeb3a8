"""The running-service commands: ``procgen serve``, ``db upgrade``, ``users add``, ``worker``."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from procgen.cli import app
from procgen.store import current_revision, head_revision, upgrade
from procgen.testing.wizard import make_client
from procgen.web.auth.users import read_accounts
from procgen.web.serving import ServeSettings, app_from_env, default_definitions, prepare_database
from tests.conftest import DEFINITIONS

runner = CliRunner()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("PROCGEN_"):
            monkeypatch.delenv(name)
    yield tmp_path
    for name in list(os.environ):  # what `serve` put there for uvicorn's factory
        if name.startswith("PROCGEN_SERVE_"):
            del os.environ[name]


def test_serve_creates_a_new_sqlite_database_and_prints_the_urls(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **kw: calls.append({"target": target, **kw}))
    result = runner.invoke(app, ["serve", str(DEFINITIONS), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "created the database procgen.sqlite3" in result.output
    assert "http://localhost:8123/dich-vu/" in result.output
    assert "http://localhost:8123/api/openapi.json" in result.output
    assert calls[0]["target"] == "procgen.web.serving:app_from_env"
    assert calls[0]["factory"] is True
    assert (calls[0]["host"], calls[0]["port"], calls[0]["reload"]) == ("127.0.0.1", 8123, False)
    assert current_revision("sqlite:///procgen.sqlite3") == head_revision()
    # the factory uvicorn calls builds the app from what serve put in the environment
    client = make_client(app_from_env())
    assert client.get("/health").json()["procedures"] == 6
    assert client.get("/api/procedures").status_code == 200
    assert (in_tmp / ".procgen-secret").stat().st_mode & 0o077 == 0
    again = runner.invoke(app, ["serve", str(DEFINITIONS)])  # an existing database is kept
    assert again.exit_code == 0
    assert "created" not in again.output


def test_serve_refuses_an_old_schema_elsewhere(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("must not start"))
    upgrade("sqlite:///old.sqlite3")
    with sqlite3.connect("old.sqlite3") as db:  # as if a newer procgen had upgraded it
        db.execute("UPDATE procgen_schema_version SET version_num = 'zzzz'")
    result = runner.invoke(app, ["serve", str(DEFINITIONS), "--db", "sqlite:///old.sqlite3"])
    assert result.exit_code == 1
    assert "upgrade procgen" in result.output


def test_serve_without_definitions(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["serve", str(in_tmp / "missing")])
    assert result.exit_code == 2
    assert "no definitions" in result.output


def test_default_definitions_fall_back_to_the_checkout(in_tmp: Path) -> None:
    assert default_definitions() == DEFINITIONS
    (in_tmp / "definitions").mkdir()
    assert default_definitions() == Path("definitions")


def test_db_upgrade(in_tmp: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", "sqlite:///fresh.sqlite3"])
    assert result.exit_code == 0, result.output
    assert head_revision() in result.output
    assert prepare_database("sqlite:///fresh.sqlite3") is None


def test_users_add(in_tmp: Path) -> None:
    result = runner.invoke(
        app,
        ["users", "add", "an", "--role", "reception", "-r", "commander", "--password-stdin"],
        input="mật khẩu\n",
    )
    assert result.exit_code == 0, result.output
    assert "reception, commander" in result.output
    account = read_accounts(in_tmp / "procgen-users.toml")["an"]
    assert account.roles == ("reception", "commander")
    token = runner.invoke(app, ["users", "add", "bot", "--token", "--users", "api.toml"])
    assert token.exit_code == 0, token.output
    assert "API token" in token.output
    assert read_accounts(in_tmp / "api.toml")["bot"].tokens
    empty = runner.invoke(app, ["users", "add", "x", "--password-stdin"], input="\n")
    assert empty.exit_code == 2
    bad = runner.invoke(app, ["users", "add", "x", "--role", "Not A Role"], input="")
    assert bad.exit_code == 2


def test_worker_once(in_tmp: Path) -> None:
    upgrade("sqlite:///procgen.sqlite3")
    result = runner.invoke(app, ["worker", str(DEFINITIONS), "--once"])
    assert result.exit_code == 0, result.output


def test_settings_round_trip_through_the_environment(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = ServeSettings(
        DEFINITIONS, "sqlite:///x.sqlite3", Path("u.toml"), Path("files"), True, 0
    )
    for key, value in settings.to_env().items():
        monkeypatch.setenv(key, value)
    back = ServeSettings.from_env()
    assert back.https_only is True
    assert back.database_url == "sqlite:///x.sqlite3"
    assert back.attachments == (in_tmp / "files")
