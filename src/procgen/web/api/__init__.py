"""The REST API: procedures, dossiers, actions and worklists as JSON, described by OpenAPI 3.1.

:func:`api_app` builds the API over a :class:`~procgen.service.DossierService`
(:func:`procgen.create_app` mounts it at ``/api``); :func:`openapi_document` is its
description, generated from the compiled procedures.
"""

from procgen.web.api.openapi import openapi_document
from procgen.web.api.routes import api_app

__all__ = ["api_app", "openapi_document"]
