"""Users of a scenario: bearer tokens given out on the spot, no passwords to hash.

:class:`ScenarioAuth` is an :class:`~procgen.web.auth.AuthBackend` (the same extension point a
deployment's single sign-on uses), so the app under test checks roles exactly as in
production; only the way people are known differs::

    >>> auth = ScenarioAuth()
    >>> auth.add("Lan", "reception")
    >>> auth.users["Lan"]
    <User Lan: reception>
    >>> auth.token("Lan")
    'scenario-Lan'
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from procgen.service import User

__all__ = ["ScenarioAuth"]

_PREFIX = "scenario-"


class ScenarioAuth:
    """Users by name; every user's token is ``scenario-<name>``. Unknown names are citizens
    without roles (the applicant is one)."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}

    def add(self, name: str, *roles: str) -> None:
        """Give ``name`` these roles, on top of those they hold."""
        held = self.users[name].roles if name in self.users else frozenset()
        self.users[name] = User(name, frozenset(held | set(roles)), name)

    def token(self, name: str) -> str:
        """The bearer token that signs ``name`` in."""
        return _PREFIX + name

    async def authenticate(self, conn: HTTPConnection) -> User | None:
        """The user of ``Authorization: Bearer scenario-<name>``, else None."""
        scheme, _, credentials = conn.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credentials.startswith(_PREFIX):
            return None
        name = credentials[len(_PREFIX) :]
        return self.users.get(name) or User(name, frozenset(), name)
