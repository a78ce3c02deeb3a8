"""Field types: what a value of each type is in Python, JSON Schema, HTML and CEL.

A :class:`FieldType` is the one place that says everything procgen needs about a type of field:
the pydantic annotation that validates a value, the JSON Schema fragment that describes it, the
template macro that renders it, its CEL type, how the text posted by an HTML form becomes a
value, and the attributes of its ``<input>``. A :class:`FieldTypeRegistry` holds the types a
deployment knows; :func:`default_field_types` builds a new one holding the built-in types::

    >>> registry = default_field_types()
    >>> registry.get("phone").input_attributes["type"]
    'tel'

Validators raise :func:`invalid` errors: a stable code, a message (translated through
``validation.po``) and, for the checks JSON Schema cannot express, the check's name (the same
name the schema lists under ``x-procgen-check``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, Strict
from pydantic_core import PydanticCustomError
from pydantic_core.core_schema import CoreSchema

from procgen.errors import ConfigurationError
from procgen.spec.models import Field

__all__ = [
    "NESTED_TYPES",
    "NOT_BLANK",
    "VIETNAM_TZ",
    "FieldType",
    "FieldTypeRegistry",
    "anchored",
    "date_bound",
    "default_field_types",
    "invalid",
    "json_number",
    "number_bound",
    "resolve_field_types",
    "search",
    "string_type",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Types whose values nest other fields: the model builder makes them, not a FieldType.
NESTED_TYPES = frozenset({"group", "list"})
#: Vietnam keeps UTC+7 all year (no daylight saving time).
VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")

NOT_BLANK = re.compile(r"\S")


# --------------------------------------------------------------------------- errors


def invalid(
    code: str, message: str | Mapping[str, str], /, *, check: str | None = None, **values: Any
) -> PydanticCustomError:
    """The error a field type's validator raises.

    Args:
        code: the stable error code (``phone``, ``min``, ... or a custom type's own).
        message: a key of procgen's message table (``"phone"``, ``"type.integer"``), an English
            message id of ``validation.po``, or ``{"vi": ..., "en": ...}`` for a type that
            brings its own texts. ``{label}`` (the field's label) and ``{name}`` for each of
            ``values`` are substituted.
        check: for a value that is structurally valid (its JSON Schema accepts it) but fails a
            check the schema can only name: the check's name, as in ``x-procgen-check``.
        values: values for the message; ``field`` or ``part`` extend the error's location.
    """
    context: dict[str, Any] = dict(values)
    if isinstance(message, str):
        context["msgid"] = message
        template = message
    else:
        context["text"] = dict(message)
        template = message.get("en") or next(iter(message.values()))
    if check is not None:
        context["check"] = check
    return PydanticCustomError(code, template, context)


def search(pattern: re.Pattern[str], value: str) -> bool:
    """Whether ``pattern`` matches ``value`` the way JSON Schema's ``pattern`` does (a search)."""
    return pattern.search(value) is not None


def anchored(pattern: str) -> str:
    """A spec pattern (the whole value must match) as a JSON Schema pattern (searched)."""
    return f"^(?:{pattern})$"


def json_number(value: Decimal | int | float) -> int | float:
    """A number as JSON gives it: an integer when whole, else a float."""
    if isinstance(value, int) or value == int(value):
        return int(value)
    return float(value)


def number_bound(field: Field, name: str, floor: int | None = None) -> int | float | None:
    """The field's ``minimum``/``maximum`` as a JSON number, raised to ``floor`` if given."""
    value = getattr(field, name)
    if isinstance(value, dt.date):
        raise ConfigurationError(f"field {field.id!r}: {name} must be a number, not a date")
    limit = None if value is None else json_number(value)
    if floor is not None:
        limit = floor if limit is None else max(limit, floor)
    return limit


def date_bound(field: Field, name: str) -> dt.date | None:
    """The field's ``minimum``/``maximum`` as a date."""
    value = getattr(field, name)
    if value is not None and not isinstance(value, dt.date):
        raise ConfigurationError(f"field {field.id!r}: {name} must be a date, e.g. 1950-01-01")
    return value


# --------------------------------------------------------------------------- the type


def _keep(text: str) -> Any:
    return text


@dataclass(frozen=True, kw_only=True)
class FieldType:
    """Everything procgen knows about one type of field.

    Attributes:
        name: the name used in specs (``type: phone``).
        annotation: builds the pydantic annotation that validates a (non-null) value of a
            field; validators raise :func:`invalid`.
        json_schema: builds the JSON Schema of a (non-null) value of a field: only what JSON
            Schema can check; name the rest in ``checks``.
        macro: the Jinja2 macro that renders the field (``text_input``, ``radios``, ...).
        cel_type: the CEL type of the value in conditions (``string``, ``int``, ...).
        from_form: turns the text of an HTML form input into the value; returns the text
            unchanged when it cannot, so that validation reports the problem.
        input_attributes: attributes of the HTML ``<input>`` (``type``, ``inputmode``,
            ``autocomplete``, ...).
        checks: the checks the annotation makes beyond the JSON Schema; the schema names them
            in ``x-procgen-check``.
        example: a valid value for a field (``variant`` asks for another one), for
            :func:`procgen.forms.example_payload`.
        nested: true for ``group`` and ``list`` only: the value nests other fields.
        fast: optionally, builds a pydantic-core schema without Python code that accepts a
            subset of what ``annotation`` accepts and gives the same value for it (``None``
            for a field it cannot serve); the model tries it before the annotation, which
            stays the definition of the type and gives every error (see
            :mod:`procgen.forms._native`).
    """

    name: str
    annotation: Callable[[Field], Any] | None
    json_schema: Callable[[Field], dict[str, Any]] | None
    macro: str
    cel_type: str
    from_form: Callable[[str], Any] = _keep
    input_attributes: Mapping[str, str] = dataclass_field(default_factory=dict)
    checks: tuple[str, ...] = ()
    example: Callable[[Field, int], Any] | None = None
    nested: bool = False
    fast: Callable[[Field], CoreSchema | None] | None = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ConfigurationError(
                f"field type name {self.name!r} must be lower-case letters, digits and _, "
                "starting with a letter"
            )
        if not self.nested and (self.annotation is None or self.json_schema is None):
            raise ConfigurationError(
                f"field type {self.name!r} needs an annotation and a json_schema builder"
            )
        object.__setattr__(self, "input_attributes", MappingProxyType(dict(self.input_attributes)))

    def __repr__(self) -> str:
        return f"<FieldType {self.name}: macro {self.macro}, CEL {self.cel_type}>"


class FieldTypeRegistry:
    """The field types a deployment knows, by name. Build one with :func:`default_field_types`.

    Registering is how a developer adds a type (see ``examples/custom_field_type.py``)::

        registry = default_field_types()
        registry.register(UNIT_CODE)
        validate_payload(spec, data, field_types=registry)
    """

    def __init__(self, field_types: Iterable[FieldType] = ()) -> None:
        self._types: dict[str, FieldType] = {}
        self._generation = 0
        for field_type in field_types:
            self.register(field_type)

    def register(self, field_type: FieldType, *, replace: bool = False) -> None:
        """Add ``field_type``.

        Raises:
            ConfigurationError: when a type of that name exists (pass ``replace=True`` to
                override a built-in type), or when it would replace ``group`` or ``list``.
        """
        name = field_type.name
        if name in NESTED_TYPES and name in self._types:
            raise ConfigurationError(f"field type {name!r} is structural and cannot be replaced")
        if name in self._types and not replace:
            raise ConfigurationError(
                f"field type {name!r} is already registered; pass replace=True to override it"
            )
        self._types[name] = field_type
        self._generation += 1

    def get(self, name: str) -> FieldType:
        """The type called ``name``.

        Raises:
            KeyError: naming the unknown type and the closest known one.
        """
        try:
            return self._types[name]
        except KeyError:
            guess = difflib.get_close_matches(name, self._types, n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            raise KeyError(f"no field type {name!r}{hint}") from None

    def names(self) -> frozenset[str]:
        """The names of every registered type (pass them to ``procgen.load(field_types=)``)."""
        return frozenset(self._types)

    @property
    def generation(self) -> int:
        """Counts registrations, so that caches built from the registry see changes."""
        return self._generation

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[FieldType]:
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)

    def __repr__(self) -> str:
        return f"<FieldTypeRegistry: {len(self._types)} types ({', '.join(self._types)})>"


def string_type(
    name: str,
    *,
    pattern: str,
    message: str | Mapping[str, str],
    check: Callable[[str], bool] | None = None,
    check_message: str | Mapping[str, str] | None = None,
    macro: str = "text_input",
    from_form: Callable[[str], Any] = _keep,
    input_attributes: Mapping[str, str] | None = None,
    example: str | None = None,
    description: str | None = None,
) -> FieldType:
    """A string type: a ``pattern`` JSON Schema checks, then a ``check`` it cannot express.

    Args:
        name: the type's name in specs; also its error code and the name of its check.
        pattern: a regular expression the value must match (searched: anchor it).
        message: the message when the pattern does not match (see :func:`invalid`);
            ``{label}`` and ``{value}`` are substituted.
        check: called on a value matching the pattern; false means invalid.
        check_message: the message when ``check`` fails (default: ``message``).
        macro: the template macro.
        from_form: how the text of a form input becomes the value.
        input_attributes: the HTML input's attributes (default ``type="text"``).
        example: a valid value, for example payloads.
        description: a sentence for the JSON Schema.
    """
    compiled = re.compile(pattern)

    def validate(value: str) -> str:
        if not search(compiled, value):
            raise invalid(name, message, value=value)
        if check is not None and not check(value.strip()):
            raise invalid(name, check_message or message, check=name, value=value.strip())
        return value.strip()

    def schema(field: Field) -> dict[str, Any]:
        fragment: dict[str, Any] = {"type": "string", "pattern": pattern}
        if description:
            fragment["description"] = description
        return fragment

    return FieldType(
        name=name,
        annotation=lambda field: Annotated[str, Strict(), AfterValidator(validate)],
        json_schema=schema,
        macro=macro,
        cel_type="string",
        from_form=from_form,
        input_attributes=input_attributes or {"type": "text"},
        checks=(name,) if check is not None else (),
        example=(lambda field, variant: example) if example is not None else None,
    )


# --------------------------------------------------------------------------- the registry


def default_field_types() -> FieldTypeRegistry:
    """A new registry holding the built-in field types (every call builds a new one)."""
    from procgen.forms._scalars import scalar_types
    from procgen.forms.identifiers import identifier_types

    nested = [
        FieldType(
            name="group",
            annotation=None,
            json_schema=None,
            macro="fieldset",
            cel_type="map(string, dyn)",
            nested=True,
        ),
        FieldType(
            name="list",
            annotation=None,
            json_schema=None,
            macro="list_rows",
            cel_type="list(map(string, dyn))",
            nested=True,
        ),
    ]
    return FieldTypeRegistry([*scalar_types(), *identifier_types(), *nested])


# --------------------------------------------------------------------------- by reference

_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def resolve_field_types(
    reference: str, *, directory: str | os.PathLike[str] | None = None
) -> FieldTypeRegistry:
    """The field types named by ``reference``, ``"module:attr"`` (``myproject.types:FIELD_TYPES``).

    ``attr`` (dotted for an attribute of an attribute) is a :class:`FieldTypeRegistry`, or a
    function called without arguments that returns one. The module is imported the way
    uvicorn imports an app: ``directory`` (default: the current folder) is put first on
    ``sys.path``, so a module next to the project's ``pyproject.toml`` is found. The command
    line (``--field-types``, ``[tool.procgen] field_types``) and the pytest plugin
    (``procgen_field_types``) both resolve their setting here.

    Raises:
        ConfigurationError: saying what is wrong: the reference's form, a module that cannot
            be imported (or fails while importing), a missing attribute, or an attribute that
            is not field types.
    """
    text = reference.strip()
    if not _REFERENCE.match(text):
        raise ConfigurationError(
            f"field types {reference!r}: write them as module:attr, "
            "e.g. myproject.types:FIELD_TYPES"
        )
    module_name, _, attribute = text.partition(":")
    folder = os.fspath(Path(directory) if directory is not None else Path.cwd())
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        found: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (module_name + ".").startswith(exc.name + "."):
            raise ConfigurationError(
                f"field types {text!r}: no module {exc.name!r} (searched from {folder})"
            ) from exc
        raise ConfigurationError(
            f"field types {text!r}: importing {module_name!r} failed: {exc}"
        ) from exc
    except Exception as exc:  # the module's own code failed: say so, not a traceback
        raise ConfigurationError(
            f"field types {text!r}: importing {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    for part in attribute.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise ConfigurationError(
                f"field types {text!r}: {module_name!r} has no attribute {attribute!r}"
            ) from None
    if not isinstance(found, FieldTypeRegistry) and callable(found) and not isinstance(found, type):
        try:
            found = found()
        except Exception as exc:
            raise ConfigurationError(
                f"field types {text!r}: calling {attribute}() failed: {type(exc).__name__}: {exc}"
            ) from exc
    if isinstance(found, FieldType):
        raise ConfigurationError(
            f"field types {text!r} is one FieldType: name a FieldTypeRegistry holding it "
            f"(default_field_types(), then .register({attribute}))"
        )
    if not isinstance(found, FieldTypeRegistry):
        raise ConfigurationError(
            f"field types {text!r} is a {type(found).__name__}, not a FieldTypeRegistry "
            "(or a function returning one)"
        )
    return found
