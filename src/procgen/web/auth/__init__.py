"""Who is calling: the :class:`AuthBackend` extension point, sessions, tokens and dev users.

A deployment's single sign-on implements :class:`AuthBackend`; :class:`DevAuth` reads users from
a :class:`UserDirectory` file (``procgen users add``) and serves ``/auth/login``
(:func:`login_routes`). :class:`AuthMiddleware` puts the caller on every request, where
:func:`request_user` finds it.
"""

from procgen.web.auth.backends import (
    AuthBackend,
    AuthMiddleware,
    DevAuth,
    SessionCookies,
    StarletteBackend,
    request_user,
)
from procgen.web.auth.login import login_routes
from procgen.web.auth.users import UserDirectory

__all__ = [
    "AuthBackend",
    "AuthMiddleware",
    "DevAuth",
    "SessionCookies",
    "StarletteBackend",
    "UserDirectory",
    "login_routes",
    "request_user",
]
