"""The service layer: procedures, forms, the legal clock, the store and the workflow, together.

:class:`DossierService` is what the REST API, the HTML pages and the workers call. It files
dossiers (form validation, lead times, the case, documents checked by content, due dates, an
atomic insert with a number and an idempotency key), shows them to those who may see them,
moves them through their workflow (state machine, clock limits, optimistic locking), lists
worklists, finds a dossier by number and tracking secret, and runs the expiry worker::

    service = DossierService(registry, store, storage, clock=SystemClock())
    filed = service.submit("BQP-UAV-01", payload, files, applicant=User("citizen-7"))
    service.act(filed.dossier.id, "accept", User("an", frozenset({"reception"})), {},
                if_match_version=filed.dossier.version)

Its errors (:mod:`procgen.service.errors`) map one-to-one onto HTTP statuses. See
``docs/api.md`` for the REST API built on it.
"""

from procgen.service.catalogue import Catalogue
from procgen.service.dossiers import FIELD_FILES, DossierService
from procgen.service.errors import (
    Busy,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unauthenticated,
)
from procgen.service.records import (
    ActionChoice,
    Actions,
    DossierView,
    Expired,
    Filed,
    Tracked,
    Upload,
    User,
    Worklist,
    WorklistEntry,
    WorklistQuery,
)

__all__ = [
    "FIELD_FILES",
    "ActionChoice",
    "Actions",
    "Busy",
    "Catalogue",
    "Conflict",
    "DossierService",
    "DossierView",
    "Expired",
    "Filed",
    "Forbidden",
    "Invalid",
    "NotFound",
    "ServiceError",
    "Tracked",
    "Unauthenticated",
    "Upload",
    "User",
    "Worklist",
    "WorklistEntry",
    "WorklistQuery",
]
