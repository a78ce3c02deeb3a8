"""The meta-schema: the JSON Schema (2020-12) of the spec language itself.

Generated from the pydantic models, so it can never drift from them. Editors use it to validate
and autocomplete spec files: put this first line in a YAML spec (the path relative to it)::

    # yaml-language-server: $schema=../docs/procedure.schema.json

``procgen schema`` prints it; ``docs/procedure.schema.json`` is the committed copy, kept in sync
by a test.
"""

from __future__ import annotations

import json
from typing import Any

from procgen.spec.models import ProcedureSpec

__all__ = ["SCHEMA_ID", "metaschema", "metaschema_json"]

#: The identifier of the meta-schema (a stable name, not fetched from anywhere).
SCHEMA_ID = "https://procgen.dev/schema/procedure.schema.json"


def metaschema() -> dict[str, Any]:
    """The meta-schema as a dict (a fresh copy on every call)."""
    schema = ProcedureSpec.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "procgen procedure spec",
        "description": (
            "A public-service procedure: catalogue data, form fields, documents, roles, steps "
            "and legal deadlines. See docs/spec-reference.md."
        ),
        **{k: v for k, v in schema.items() if k != "title"},
    }


def metaschema_json() -> str:
    """The meta-schema as stable, pretty-printed JSON text (ends with a newline)."""
    return json.dumps(metaschema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
