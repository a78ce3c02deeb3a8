"""The development users file: accounts, hashed passwords, roles and API tokens.

A deployment with single sign-on plugs its own backend (:mod:`procgen.web.auth.backends`); for
development, tests and small installations procgen reads users from a TOML (or YAML) file,
managed with ``procgen users add``::

    # procgen-users.toml
    [users.an]
    name = "Nguyễn Văn An"
    password = "scrypt$16384$8$1$<salt>$<hash>"      # never the password itself
    roles = ["reception", "commune_officer"]
    tokens = ["sha256$<hex>"]                          # API tokens, hashed

Passwords are hashed with scrypt (``hashlib.scrypt``, n=2¹⁴, r=8, p=1, a 16-byte salt), the
parameters stored with the hash so they can be raised later. API tokens are long random
secrets (``secrets.token_urlsafe(32)``), so a plain SHA-256 is enough to store them. The file
is read again when it changes, so ``procgen users add`` takes effect without a restart.

    >>> hashed = hash_password("mật khẩu", n=2**10)
    >>> verify_password("mật khẩu", hashed), verify_password("wrong", hashed)
    (True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from procgen.errors import ConfigurationError
from procgen.service import User

__all__ = [
    "Account",
    "UserDirectory",
    "hash_password",
    "hash_token",
    "new_token",
    "read_accounts",
    "verify_password",
    "write_accounts",
]

_ROLE = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,199}$")
_RECHECK_SECONDS = 1.0  # how often a users file is looked at for changes (a stat)
_DUMMY = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def hash_password(password: str, *, n: int = 2**14, r: int = 8, p: int = 1) -> str:
    """``scrypt$n$r$p$salt$hash`` for ``password`` (base64 salt and hash)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    encoded = [base64.b64encode(x).decode() for x in (salt, digest)]
    return f"scrypt${n}${r}${p}${encoded[0]}${encoded[1]}"


def verify_password(password: str, hashed: str) -> bool:
    """Whether ``password`` is the one ``hashed`` was made from (constant time)."""
    try:
        scheme, n, r, p, salt, digest = hashed.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=128 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def new_token() -> str:
    """A new API token: 43 URL-safe characters (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """How a token is stored: ``sha256$<hex>``."""
    return "sha256$" + hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    """A user of the development backend, as its file holds them."""

    id: str
    name: str = ""
    password: str | None = field(default=None, repr=False)
    roles: tuple[str, ...] = ()
    tokens: tuple[str, ...] = field(default=(), repr=False)

    @property
    def user(self) -> User:
        """The account as the service sees it."""
        return User(self.id, frozenset(self.roles), self.name)


class UserDirectory:
    """The accounts of a users file (see the module docstring); re-read when it changes.

    Args:
        path: the TOML (``.toml``) or YAML (``.yaml``, ``.yml``) file; it may not exist yet.
        accounts: accounts given directly (tests), used when ``path`` is None.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, accounts: Iterable[Account] = ()
    ) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._checked: float | None = None  # when the file was last looked at (monotonic)
        self._accounts = {a.id: a for a in accounts}
        self._tokens = _token_index(self._accounts)

    def __repr__(self) -> str:
        return f"<UserDirectory {self.path or 'in memory'}: {len(self.accounts())} users>"

    def accounts(self) -> Mapping[str, Account]:
        """The accounts by id, as the file holds them now."""
        self._refresh()
        return self._accounts

    def user(self, user_id: str) -> User | None:
        """The user with ``user_id``, or None."""
        account = self.accounts().get(user_id)
        return account.user if account is not None else None

    def by_token(self, token: str) -> User | None:
        """The user an API token belongs to, or None."""
        self._refresh()
        user_id = self._tokens.get(hash_token(token))
        account = self._accounts.get(user_id) if user_id is not None else None
        return account.user if account is not None else None

    def check_password(self, user_id: str, password: str) -> User | None:
        """The user, if ``password`` is theirs (as slow for unknown users as for known ones)."""
        account = self.accounts().get(user_id)
        hashed = account.password if account is not None and account.password else _DUMMY
        ok = verify_password(password, hashed)
        return account.user if ok and account is not None and account.password else None

    def _refresh(self) -> None:
        if self.path is None:
            return
        now = time.monotonic()
        checked = self._checked
        if checked is not None and 0 <= now - checked < _RECHECK_SECONDS:
            return  # looked at the file a moment ago: another process's change waits a second
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            stamp = None
        else:
            stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                accounts = read_accounts(self.path) if stamp is not None else {}
                self._accounts, self._tokens, self._stamp = accounts, _token_index(accounts), stamp
            self._checked = now

    # ------------------------------------------------------------------ changing the file

    def add(
        self,
        user_id: str,
        *,
        roles: Iterable[str] = (),
        password: str | None = None,
        name: str | None = None,
        token: str | None = None,
    ) -> Account:
        """Add or update an account and write the file (roles are added to existing ones).

        Raises:
            ConfigurationError: a bad user id or role name, or no file to write.
        """
        if self.path is None:
            raise ConfigurationError("this user directory has no file to write")
        if not _NAME.match(user_id):
            raise ConfigurationError(
                f"user name {user_id!r}: use letters, digits, '.', '_', '@', '-' (1-200)"
            )
        wanted = list(roles)
        for role in wanted:
            if not _ROLE.match(role):
                raise ConfigurationError(f"role {role!r}: use a spec role id such as reception")
        current = dict(self.accounts())
        old = current.get(user_id, Account(user_id))
        account = Account(
            id=user_id,
            name=name if name is not None else old.name,
            password=hash_password(password) if password is not None else old.password,
            roles=tuple(dict.fromkeys([*old.roles, *wanted])),
            tokens=(*old.tokens, hash_token(token)) if token is not None else old.tokens,
        )
        current[user_id] = account
        write_accounts(self.path, current.values())
        self._stamp = self._checked = None
        return account


def _token_index(accounts: Mapping[str, Account]) -> dict[str, str]:
    return {token: a.id for a in accounts.values() for token in a.tokens}


def read_accounts(path: Path) -> dict[str, Account]:
    """The accounts of a users file.

    Raises:
        ConfigurationError: naming the file and what is wrong in it.
    """
    try:
        text = path.read_text(encoding="utf-8")
        raw: Any = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else tomllib.loads(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read the users file {path}: {exc}") from exc
    users = (raw or {}).get("users", {}) if isinstance(raw, dict) else None
    if not isinstance(users, dict):
        raise ConfigurationError(f"{path}: expected a table [users.<name>] per user")
    accounts = {}
    for user_id, entry in users.items():
        if not isinstance(entry, dict):
            raise ConfigurationError(f"{path}: users.{user_id} must be a table")
        roles, tokens = entry.get("roles", []), entry.get("tokens", [])
        if not all(isinstance(x, str) for x in [*roles, *tokens]):
            raise ConfigurationError(f"{path}: users.{user_id}: roles and tokens are strings")
        accounts[str(user_id)] = Account(
            id=str(user_id),
            name=str(entry.get("name", "")),
            password=entry.get("password"),
            roles=tuple(roles),
            tokens=tuple(tokens),
        )
    return accounts


def write_accounts(path: Path, accounts: Iterable[Account]) -> None:
    """Write a users file (TOML, or YAML for a ``.yaml`` name), atomically, readable by its
    owner only."""
    entries = {
        a.id: {
            key: value
            for key, value in (
                ("name", a.name),
                ("password", a.password),
                ("roles", list(a.roles)),
                ("tokens", list(a.tokens)),
            )
            if value
        }
        for a in accounts
    }
    if path.suffix in (".yaml", ".yml"):
        text = yaml.safe_dump({"users": entries}, allow_unicode=True, sort_keys=True)
    else:
        text = _toml(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def _toml(entries: Mapping[str, Mapping[str, Any]]) -> str:
    # JSON strings without ASCII escaping are valid TOML basic strings.
    lines = ["# procgen users (development backend): manage with `procgen users add`.", ""]
    for user_id in sorted(entries):
        lines.append(f"[users.{json.dumps(user_id)}]")
        for key, value in entries[user_id].items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    return "\n".join(lines)
