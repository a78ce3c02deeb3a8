"""Forms: the payload of a procedure as a pydantic model and a JSON Schema, validated for real.

From a :class:`~procgen.spec.models.ProcedureSpec` this package generates, once per version:

- :func:`payload_model`: the pydantic model of the payload (nested groups, lists, strict types);
- :func:`payload_schema`: the JSON Schema 2020-12 of the same payload;
- :func:`validate_payload`: validation with ``when`` conditions, CEL rules and
  :class:`FieldError` messages in Vietnamese or English;
- :func:`from_form`: HTML form posts (dotted names, strings) turned into a payload;
- :func:`example_payload`: a valid payload, for tests and scenarios.

Field types are registered in a :class:`FieldTypeRegistry` (:func:`default_field_types` gives
the built-in ones); ``examples/custom_field_type.py`` adds one.

    >>> import procgen
    >>> spec = procgen.load("definitions/nvqs-dang-ky-lan-dau.yaml")        # doctest: +SKIP
    >>> validate_payload(spec, {"full_name": "Nguyễn Văn An"}).ok          # doctest: +SKIP
    False
"""

from procgen.forms.examples import example_payload
from procgen.forms.identifiers import Address, communes, provinces
from procgen.forms.messages import FieldError
from procgen.forms.model import error_check, payload_model
from procgen.forms.posts import from_form
from procgen.forms.schema import payload_schema
from procgen.forms.types import (
    FieldType,
    FieldTypeRegistry,
    default_field_types,
    invalid,
    string_type,
)
from procgen.forms.validate import FormResult, validate_payload, visible

__all__ = [
    "Address",
    "FieldError",
    "FieldType",
    "FieldTypeRegistry",
    "FormResult",
    "communes",
    "default_field_types",
    "error_check",
    "example_payload",
    "from_form",
    "invalid",
    "payload_model",
    "payload_schema",
    "provinces",
    "string_type",
    "validate_payload",
    "visible",
]
