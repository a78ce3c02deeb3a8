"""The web layer: the applicant's form pages (a wizard over a procedure's spec).

    >>> from procgen import Registry
    >>> from procgen.web import InMemoryDraftStore, InMemorySubmitHandler, create_forms_app
    >>> app = create_forms_app(
    ...     Registry.from_path("definitions"),
    ...     drafts=InMemoryDraftStore(),
    ...     on_submit=InMemorySubmitHandler(),
    ... )

Mount the routes in an existing app with :func:`form_routes`. Extension points are protocols:
:class:`DraftStore` keeps drafts, :class:`SubmitHandler` files complete applications.
"""

from procgen.web.drafts import (
    Draft,
    DraftConflict,
    DraftStore,
    InMemoryDraftStore,
    StoredFile,
    draft_from_data,
    draft_to_data,
    new_draft,
)
from procgen.web.forms import create_forms_app, form_routes
from procgen.web.security import FormOptions
from procgen.web.submission import (
    InMemorySubmitHandler,
    Submission,
    SubmissionReceipt,
    SubmitHandler,
)
from procgen.web.templating import template_environment
from procgen.web.uploads import check_upload, sniff
from procgen.web.views import dom_id

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
    "check_upload",
    "create_forms_app",
    "dom_id",
    "draft_from_data",
    "draft_to_data",
    "form_routes",
    "new_draft",
    "sniff",
    "template_environment",
]
