"""Running procgen from the command line: defaults, the database on first run, the app factory.

``procgen serve`` resolves its settings (:class:`ServeSettings`), prepares the database
(:func:`prepare_database`: a new SQLite file gets the schema, anything else must be current),
and hands uvicorn :func:`app_from_env`, a factory that reads the same settings back from
environment variables (so ``--reload``, which imports the app in a fresh process, sees them).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from starlette.applications import Starlette

from procgen.forms.types import FieldTypeRegistry, resolve_field_types
from procgen.registry import Registry
from procgen.service import DossierService
from procgen.store import (
    DossierStore,
    FileStorage,
    check_schema,
    create_engine_for,
    current_revision,
    upgrade,
)

__all__ = [
    "DEFAULT_USERS",
    "ServeSettings",
    "app_from_env",
    "build_service",
    "default_definitions",
    "prepare_database",
    "session_secret",
]

#: The development users file, in the folder procgen runs from.
DEFAULT_USERS = Path("procgen-users.toml")
_SECRET_FILE = Path(".procgen-secret")
_ENV = "PROCGEN_SERVE_"


def default_definitions() -> Path | None:
    """``./definitions`` when there is one, else the bundled folder of a checkout (next to
    ``src/``), else None."""
    here = Path("definitions")
    if here.is_dir():
        return here
    bundled = Path(__file__).resolve().parents[3] / "definitions"
    return bundled if bundled.is_dir() else None


def prepare_database(url: str) -> str | None:
    """Create the schema of a new SQLite database; check any other database's schema.

    Returns:
        What was done, to tell the user (None when nothing was).

    Raises:
        SchemaOutOfDate: a database that exists is not at the current schema (run
            ``procgen db upgrade``).
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if not path.exists() or current_revision(url) is None:
            upgrade(url)
            return f"created the database {path}"
    check_schema(url)
    return None


def session_secret() -> str:
    """``PROCGEN_SECRET_KEY``, else the key in ``./.procgen-secret`` (created once, readable
    by its owner only), so sessions survive restarts and ``--reload``."""
    key = os.environ.get("PROCGEN_SECRET_KEY")
    if key:
        return key
    if _SECRET_FILE.exists():
        return _SECRET_FILE.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(32)
    fd = os.open(_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


@dataclass(frozen=True)
class ServeSettings:
    """What ``procgen serve`` runs: passed to the app factory through the environment."""

    definitions: Path
    database_url: str
    users: Path = DEFAULT_USERS
    attachments: Path | None = None
    https_only: bool = False
    expiry_interval: float = 60.0
    #: The deployment's field types as ``module:attr`` (see
    #: :func:`~procgen.forms.types.resolve_field_types`); empty: the built-in types.
    field_types: str = ""

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables."""
        return {
            _ENV + "FIELD_TYPES": self.field_types,
            _ENV + "DEFINITIONS": str(self.definitions.resolve()),
            _ENV + "DB": self.database_url,
            _ENV + "USERS": str(self.users.resolve()),
            _ENV + "ATTACHMENTS": str(self.attachments.resolve()) if self.attachments else "",
            _ENV + "HTTPS_ONLY": "1" if self.https_only else "",
            _ENV + "EXPIRY_INTERVAL": str(self.expiry_interval),
        }

    @classmethod
    def from_env(cls) -> ServeSettings:
        """The settings :meth:`to_env` wrote."""
        env = os.environ
        attachments = env.get(_ENV + "ATTACHMENTS")
        return cls(
            definitions=Path(env[_ENV + "DEFINITIONS"]),
            database_url=env[_ENV + "DB"],
            users=Path(env.get(_ENV + "USERS") or DEFAULT_USERS),
            attachments=Path(attachments) if attachments else None,
            https_only=bool(env.get(_ENV + "HTTPS_ONLY")),
            expiry_interval=float(env.get(_ENV + "EXPIRY_INTERVAL") or 60),
            field_types=env.get(_ENV + "FIELD_TYPES") or "",
        )


def app_from_env() -> Starlette:
    """The app ``procgen serve`` runs (uvicorn's factory): settings from the environment.

    Raises:
        ConfigurationError: the field types (``module:attr``) cannot be resolved.
    """
    from procgen.web.app import create_app

    settings = ServeSettings.from_env()
    return create_app(
        settings.definitions,
        field_types=resolve_field_types(settings.field_types) if settings.field_types else None,
        database_url=settings.database_url,
        users=settings.users,
        session_secret=session_secret(),
        https_only=settings.https_only,
        storage=settings.attachments,
        expiry_interval=settings.expiry_interval or None,
    )


def build_service(
    definitions: Path,
    database_url: str,
    attachments: Path | None = None,
    *,
    field_types: FieldTypeRegistry | None = None,
) -> DossierService:
    """A service without the web app, for workers (the schema must be current); the specs
    are loaded and compiled with ``field_types`` (default: the built-in types)."""
    engine = create_engine_for(database_url)
    check_schema(engine)
    if attachments is None:
        database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        attachments = Path(database).parent / "attachments" if database else Path("attachments")
    return DossierService(
        Registry.from_path(definitions, field_types=field_types),
        DossierStore(engine),
        FileStorage(attachments),
    )
