"""Forms: the payload of a procedure as a pydantic model and a JSON Schema, validated for real.

From a :class:`~procgen.spec.models.ProcedureSpec` this package compiles a :class:`CompiledForm`
(:func:`compile_form`; :func:`procgen.compile` does it once per procedure version), and from it:

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

from procgen.forms._examples import example_payload
from procgen.forms._messages import FieldError, field_message
from procgen.forms._model import CompiledForm, compile_form, error_check, form_of, payload_model
from procgen.forms._posts import from_form
from procgen.forms._schema import payload_schema
from procgen.forms._validate import FormResult, validate_payload, visible
from procgen.forms.identifiers import Address, communes, provinces
from procgen.forms.types import (
    FieldType,
    FieldTypeRegistry,
    default_field_types,
    invalid,
    string_type,
)

__all__ = [
    "Address",
    "CompiledForm",
    "FieldError",
    "FieldType",
    "FieldTypeRegistry",
    "FormResult",
    "communes",
    "compile_form",
    "default_field_types",
    "error_check",
    "example_payload",
    "field_message",
    "form_of",
    "from_form",
    "invalid",
    "payload_model",
    "payload_schema",
    "provinces",
    "string_type",
    "validate_payload",
    "visible",
]
