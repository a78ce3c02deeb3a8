"""The web layer: the Starlette app of a running service, assembled from its subsystems.

- :mod:`procgen.web.apply`: the applicant's form pages (the wizard);
- :mod:`procgen.web.api`: the REST API and its OpenAPI document;
- :mod:`procgen.web.pages`: the citizen and officer pages (catalogue, tracking, worklist, papers);
- :mod:`procgen.web.auth`: who is calling (the :class:`~procgen.web.auth.AuthBackend` extension
  point, sessions, tokens, development users);
- :mod:`procgen.web.app`: :func:`create_app`, which assembles them (also ``procgen.create_app``).
"""

from procgen.web.app import create_app

__all__ = ["create_app"]
