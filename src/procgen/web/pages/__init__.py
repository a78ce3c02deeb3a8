"""The citizen and officer pages: catalogue, tracking, receipts and papers, worklist, dossier.

    >>> from procgen.web.pages import page_routes                       # doctest: +SKIP
    >>> routes = page_routes(service, auth=dev_auth)     # mount next to the form routes

Modules: :mod:`~procgen.web.pages.routes` (the URLs), :mod:`~procgen.web.pages.citizen`
(catalogue, tracking, sign-in), :mod:`~procgen.web.pages.dossiers` (worklist, dossier,
actions, papers), :mod:`~procgen.web.pages.papers` (forms 01-05 as view models),
:mod:`~procgen.web.pages.history` (the history in plain words),
:mod:`~procgen.web.pages.actions` (actions as forms), :mod:`~procgen.web.pages.worklist`,
:mod:`~procgen.web.pages.context`, :mod:`~procgen.web.pages.dossier`,
:mod:`~procgen.web.pages.labels`, :mod:`~procgen.web.pages.page_renderer`,
:mod:`~procgen.web.pages.pdf`. See ``docs/pages.md``.
"""

from procgen.web.pages.base import PagesOptions
from procgen.web.pages.dossier import DossierFile
from procgen.web.pages.papers import PAPERS, Paper, available_papers, build_paper
from procgen.web.pages.routes import page_routes, receipt_link

__all__ = [
    "PAPERS",
    "DossierFile",
    "PagesOptions",
    "Paper",
    "available_papers",
    "build_paper",
    "page_routes",
    "receipt_link",
]
