"""The applicant's form pages: a wizard over a procedure's spec, with and without JavaScript.

    >>> from procgen import Registry
    >>> from procgen.web.apply import InMemoryDraftStore, InMemorySubmitHandler, create_forms_app
    >>> app = create_forms_app(
    ...     Registry.from_path("definitions"),
    ...     drafts=InMemoryDraftStore(),
    ...     on_submit=InMemorySubmitHandler(),
    ... )                                                               # doctest: +SKIP

Mount the routes in an existing app with :func:`form_routes`. Extension points are protocols:
:class:`DraftStore` keeps drafts, :class:`SubmitHandler` files complete dossiers.
"""

from procgen.web.apply.drafts import (
    Draft,
    DraftConflict,
    DraftStore,
    InMemoryDraftStore,
    StoredFile,
    draft_from_data,
    draft_to_data,
    new_draft,
)
from procgen.web.apply.routes import create_forms_app, form_routes
from procgen.web.apply.submission import (
    InMemorySubmitHandler,
    Submission,
    SubmissionReceipt,
    SubmitHandler,
)
from procgen.web.apply.views import dom_id
from procgen.web.security import FormOptions
from procgen.web.templating import template_environment

__all__ = [
    "Draft",
    "DraftConflict",
    "DraftStore",
    "FormOptions",
    "InMemoryDraftStore",
    "InMemorySubmitHandler",
    "StoredFile",
    "Submission",
    "SubmissionReceipt",
    "SubmitHandler",
    "create_forms_app",
    "dom_id",
    "draft_from_data",
    "draft_to_data",
    "form_routes",
    "new_draft",
    "template_environment",
]
