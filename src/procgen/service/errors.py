"""The exceptions of the service layer, one per answer a caller can get.

The web layer maps each to one HTTP status; nothing else in the service escapes to a caller
(store and workflow errors are translated here)::

    ServiceError(ProcgenError)
     ├── Invalid(ServiceError, ValueError)              422: field errors, in the user's language
     ├── Unauthenticated(ServiceError, PermissionError) 401: this needs a signed-in user
     ├── Forbidden(ServiceError, PermissionError)       403: seen, but not yours to do
     ├── NotFound(ServiceError, LookupError)            404: no such thing, or not yours to see
     ├── Conflict(ServiceError)                         409: the dossier is not where you think
     └── Busy(ServiceError)                             503: the database stayed locked; retry
"""

from __future__ import annotations

from collections.abc import Iterable

from procgen.errors import ProcgenError
from procgen.forms import FieldError

__all__ = [
    "Busy",
    "Conflict",
    "Forbidden",
    "Invalid",
    "NotFound",
    "ServiceError",
    "Unauthenticated",
]


class ServiceError(ProcgenError):
    """Base of the service's exceptions.

    Attributes:
        code: a stable, machine-readable code (``version_conflict``, ``wrong_role``, ...).
    """

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class Invalid(ServiceError, ValueError):
    """What was sent is wrong: every problem as a :class:`~procgen.forms.FieldError`.

    ``loc`` is a path into the request: the payload's fields (``("pilots", 0, "full_name")``),
    ``("documents", <document id>, <index>)`` for an attached file, ``("inputs", <input id>)``
    for an action's input, ``()`` for the request as a whole.
    """

    code = "invalid"

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        summary = "; ".join(
            f"{'.'.join(map(str, e.loc)) or '(request)'}: {e.msg}" for e in self.errors
        )
        super().__init__(summary or "invalid request")

    def to_list(self) -> list[dict[str, object]]:
        """The errors as plain data: the 422 body."""
        return [error.to_dict() for error in self.errors]


class Unauthenticated(ServiceError, PermissionError):
    """The operation needs a signed-in user (or an API token)."""

    code = "unauthenticated"


class Forbidden(ServiceError, PermissionError):
    """The caller may see the dossier but may not do this (e.g. the action is another role's)."""

    code = "forbidden"


class NotFound(ServiceError, LookupError):
    """No such procedure, dossier or action, or one the caller may not see (never says which)."""

    code = "not_found"


class Conflict(ServiceError):
    """The dossier changed or is in a state that refuses the request.

    Attributes:
        current_version: the dossier's version now (send it back in ``If-Match``).
    """

    code = "conflict"

    def __init__(self, message: str, *, current_version: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.current_version = current_version


class Busy(ServiceError):
    """The database stayed locked by other writers; nothing was written. Try again shortly."""

    code = "busy"
