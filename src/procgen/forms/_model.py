"""The payload model: a pydantic model generated from a procedure's fields, built once.

:func:`payload_model` gives the model of a procedure version: groups become nested models, lists
become lists of row models with their ``min_items``/``max_items``, every other field gets the
annotation of its :class:`~procgen.forms.types.FieldType`. Unknown keys are errors. A field is
required in the model when it is ``required`` and has no ``when`` (a condition only
:func:`~procgen.forms.validate_payload` can evaluate); a group is required when one of its fields
is. ``null`` means "absent" for a field that is not required.

Field ids become aliases of attributes named ``f_<id>``, so a field may be called ``json`` or
``model_config`` without colliding with pydantic's machinery.

A field whose type has a fast path is validated by it first, natively, then by the type's
annotation (:mod:`procgen.forms._native`); the model's ``model_validate``,
``model_validate_json``, ``model_validate_strings`` and constructor give the annotation's
errors, exactly as without the fast path (a model nested in another model, or in a
``TypeAdapter``, leaves the union's branch names in its error locations).

Everything compiled from a spec's fields lives on its :class:`CompiledForm` (no module-level
cache): :func:`procgen.compile` builds one per procedure version, and the model, the field
validators and the JSON Schema are built on first use and kept there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Optional, Self, cast

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, create_model
from pydantic import Field as PField
from pydantic import model_validator as _model_validator
from pydantic_core.core_schema import CoreSchema

from procgen.errors import ConfigurationError
from procgen.expr import Expression, compile_expr
from procgen.forms._native import FastPath, unlabel
from procgen.forms.identifiers import BIRTH_DATE_NAMES, check_birth_date
from procgen.forms.types import FieldType, FieldTypeRegistry, default_field_types
from procgen.spec.models import Field, ProcedureSpec, Rule

__all__ = [
    "CompiledForm",
    "birth_date_link",
    "compile_form",
    "error_check",
    "form_of",
    "payload_model",
]

Path = tuple[str, ...]


class _Payload(BaseModel):
    """Base of generated models: unknown keys are errors; the errors of a field validated by a
    fast path and its exact annotation are those of the annotation (:mod:`procgen.forms._native`),
    mapped when validation fails, and only then."""

    model_config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=False)
    #: The static paths (field ids) of the fields validated by a fast path, from this model.
    __procgen_unions__: ClassVar[frozenset[Path]] = frozenset()

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise unlabel(exc, type(self).__procgen_unions__) from None

    # pydantic's own marker (as on RootModel.__init__): validation does not go through
    # __init__, which only maps errors for Model(**data).
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise unlabel(exc, cls.__procgen_unions__) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise unlabel(exc, cls.__procgen_unions__, json=True) from None

    @classmethod
    def model_validate_strings(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_strings(obj, *args, **kwargs)
        except ValidationError as exc:
            raise unlabel(exc, cls.__procgen_unions__) from None


class _LinkedPayload(_Payload):
    """Base of generated models holding a CCCD/birth-date link: the two are checked together."""

    __procgen_links__: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    @_model_validator(mode="after")
    def _procgen_links(self) -> Self:
        for number_attribute, birth_attribute, alias in type(self).__procgen_links__:
            number, born = getattr(self, number_attribute), getattr(self, birth_attribute)
            if number is not None and born is not None:
                check_birth_date(number, born, alias)
        return self


def birth_date_link(fields: Sequence[Field]) -> tuple[Field, Field] | None:
    """The ``(citizen_id, birth date)`` pair checked against each other among sibling fields.

    A ``citizen_id`` field is checked against a sibling ``date`` field when the siblings hold
    exactly one field of type ``citizen_id`` and exactly one date field named ``birth_date``,
    ``date_of_birth``, ``dob`` or ``ngay_sinh``.
    """
    numbers = [f for f in fields if f.type == "citizen_id"]
    births = [f for f in fields if f.type == "date" and f.id in BIRTH_DATE_NAMES]
    if len(numbers) == 1 and len(births) == 1:
        return numbers[0], births[0]
    return None


def error_check(error: Mapping[str, Any]) -> str | None:
    """The check a pydantic error comes from (``citizen_id``, ``address``, ...), if any.

    ``None`` means a structural error: the JSON Schema of the payload rejects that value too.
    """
    context = error.get("ctx") or {}
    check = context.get("check")
    return check if isinstance(check, str) else None


class CompiledRule:
    """A rule with its compiled check, the field it belongs to (if any) and the names it uses."""

    def __init__(self, rule: Rule, owner: Path | None) -> None:
        self.rule = rule
        self.owner = owner
        self.expression: Expression = compile_expr(rule.check)
        self.names = self.expression.names - {"today", "now", "item"}


class CompiledForm:
    """Everything compiled from one spec's fields with one field-type registry (see
    :func:`compile_form`)."""

    def __init__(self, spec: ProcedureSpec, registry: FieldTypeRegistry) -> None:
        self.spec = spec
        self.registry = registry
        self.fields: dict[Path, Field] = dict(spec.walk_fields())
        self.order = {path: index for index, path in enumerate(self.fields)}
        self.types: dict[Path, FieldType] = {}
        for path, field in self.fields.items():
            if field.type not in registry:
                raise ConfigurationError(
                    f"{spec.code} v{spec.version}: field {'.'.join(path)!r} has type "
                    f"{field.type!r}, which the field-type registry does not know"
                )
            self.types[path] = registry.get(field.type)
        self.top: dict[str, Field] = {field.id: field for field in spec.fields}
        self.when: dict[Path, Expression] = {
            path: compile_expr(field.when)
            for path, field in self.fields.items()
            if field.when is not None
        }
        # The top-level fields whose values conditions read (a list, when `item` is used).
        self.when_names: frozenset[str] = frozenset().union(
            *(
                (e.names - {"today", "now", "item"}) | ({path[0]} if "item" in e.names else set())
                for path, e in self.when.items()
            )
        )
        rules = [CompiledRule(rule, None) for rule in spec.rules]
        for path, field in self.fields.items():
            rules.extend(CompiledRule(rule, path) for rule in field.rules)
        self.rules = tuple(rules)
        #: Other artefacts built from this form (the JSON Schema, ...), by name.
        self.cache: dict[str, Any] = {}
        self._models: dict[frozenset[str] | None, type[BaseModel]] = {}
        self._adapters: dict[Path, TypeAdapter[Any]] = {}
        self._fast: dict[Path, CoreSchema] | None = None

    def __repr__(self) -> str:
        return f"<CompiledForm {self.spec.code} v{self.spec.version}: {len(self.fields)} fields>"

    # ------------------------------------------------------------------ models

    def model(self, scope: frozenset[str] | None = None) -> type[BaseModel]:
        """The payload model, or the model of only the top-level fields in ``scope``."""
        model = self._models.get(scope)
        if model is None:
            fields = [f for f in self.spec.fields if scope is None or f.id in scope]
            name = re.sub(r"\W", "_", f"{self.spec.code}_v{self.spec.version}")
            if scope is not None:
                name += "_" + "_".join(sorted(scope))[:80]
            model = self._build(fields, name, ())
            self._models[scope] = model
        return model

    def _build(self, fields: Sequence[Field], name: str, prefix: Path) -> type[BaseModel]:
        definitions: dict[str, Any] = {}
        for field in fields:
            path = (*prefix, field.id)
            annotation = self.annotation(path)
            if self.in_required(field):
                definitions[f"f_{field.id}"] = (annotation, PField(alias=field.id))
            else:
                definitions[f"f_{field.id}"] = (
                    Optional[annotation],  # noqa: UP045 - a runtime type expression
                    PField(default=None, alias=field.id),
                )
        link = birth_date_link(fields)
        base = _Payload if link is None else _LinkedPayload
        model = cast(
            type[_Payload], create_model(name, __base__=base, __module__=__name__, **definitions)
        )
        ids = {field.id for field in fields}
        model.__procgen_unions__ = frozenset(
            path[len(prefix) :]
            for path in self.fast_paths()
            if path[: len(prefix)] == prefix
            and len(path) > len(prefix)
            and path[len(prefix)] in ids
        )
        if link is not None:
            number, born = link
            links = ((f"f_{number.id}", f"f_{born.id}", number.id),)
            cast(type[_LinkedPayload], model).__procgen_links__ = links
        return model

    def annotation(self, path: Path) -> Any:
        """The annotation of a (non-null) value of the field at ``path``: its type's, tried
        after the type's fast path when it has one (see :mod:`procgen.forms._native`)."""
        field = self.fields[path]
        name = "__".join(path)
        if field.type == "group":
            return self._build(field.fields, name, path)
        if field.type == "list":
            row = self._build(field.fields, name, path)
            low = max(field.min_items or 0, 1 if field.required else 0)
            return Annotated[list[row], PField(min_length=low, max_length=field.max_items)]  # type: ignore[valid-type]
        build = self.types[path].annotation
        if build is None:  # pragma: no cover - only group and list have none
            raise ConfigurationError(f"field type {field.type!r} builds no annotation")
        exact = build(field)
        fast = self.fast_schemas().get(path)
        return exact if fast is None else Annotated[exact, FastPath(fast)]

    def fast_schemas(self) -> Mapping[Path, CoreSchema]:
        """The fast path of each leaf field whose type has one for it (built once)."""
        if self._fast is None:
            fast: dict[Path, CoreSchema] = {}
            for path, field in self.fields.items():
                build = self.types[path].fast
                schema = build(field) if build is not None and not self.types[path].nested else None
                if schema is not None:
                    fast[path] = schema
            self._fast = fast
        return self._fast

    def fast_paths(self) -> frozenset[Path]:
        """The static paths of the fields validated by a fast path first."""
        return frozenset(self.fast_schemas())

    @staticmethod
    def in_required(field: Field) -> bool:
        """Required in the model and the schema: required (or a group holding a required
        field) and without ``when``."""
        if field.when is not None:
            return False
        return field.required or (
            field.type == "group" and any(CompiledForm.in_required(f) for f in field.fields)
        )

    def adapter(self, path: Path) -> TypeAdapter[Any]:
        """A validator for one leaf field's value (used for conditions on partial data)."""
        adapter = self._adapters.get(path)
        if adapter is None:
            adapter = TypeAdapter(self.annotation(path))
            self._adapters[path] = adapter
        return adapter

    # ------------------------------------------------------------------ partial values

    def values(
        self,
        data: Any,
        shown: frozenset[tuple[str | int, ...]] | None = None,
        fields: Sequence[Field] | None = None,
        prefix: tuple[str | int, ...] = (),
        static: Path = (),
        names: frozenset[str] | None = None,
    ) -> dict[str, Any]:
        """The value of every field that is valid on its own, an absent boolean as its default.

        A top-level field that is hidden (not in ``shown``), absent or invalid is ``None``; such a
        field inside a group or a row is left out, so that CEL's ``has()`` sees it is missing.
        ``names`` limits the work to these top-level fields (the others are ``None``).
        """
        container = data if isinstance(data, Mapping) else {}
        out: dict[str, Any] = {}
        for field in self.spec.fields if fields is None else fields:
            path, here = (*prefix, field.id), (*static, field.id)
            raw = container.get(field.id)
            if (shown is not None and path not in shown) or (
                names is not None and not prefix and field.id not in names
            ):
                out[field.id] = None
            elif field.type == "group":
                group = raw if isinstance(raw, Mapping) else None
                out[field.id] = (
                    None if group is None else self.values(group, shown, field.fields, path, here)
                )
            elif field.type == "list":
                rows = raw if isinstance(raw, list) else None
                out[field.id] = (
                    None
                    if rows is None
                    else [
                        self.values(row, shown, field.fields, (*path, index), here)
                        for index, row in enumerate(rows)
                    ]
                )
            elif raw is None:
                out[field.id] = boolean_default(field)
            else:
                out[field.id] = self.value(here, raw)
            if prefix and out[field.id] is None:
                del out[field.id]
        return out

    def value(self, path: Path, raw: Any) -> Any:
        """``raw`` validated as the field at ``path``, or ``None`` when it is invalid."""
        adapter = self.adapter(path)
        try:
            return adapter.dump_python(adapter.validate_python(raw))
        except ValidationError:
            return None


def boolean_default(field: Field) -> bool | None:
    """An absent boolean is false (an unticked box), or its spec default."""
    if field.type != "boolean":
        return None
    return field.default if isinstance(field.default, bool) else False


def compile_form(spec: ProcedureSpec, field_types: FieldTypeRegistry | None = None) -> CompiledForm:
    """Compile the form of ``spec`` with ``field_types`` (the built-in types when omitted).

    Compiling checks that every field's type is registered and compiles every condition and
    rule; the payload model and the JSON Schema are built on first use and kept on the
    returned object. :func:`procgen.compile` does this once per procedure version: use the
    compiled :class:`~procgen.procedure.Procedure`'s ``form`` rather than compiling again.

    Raises:
        ConfigurationError: when a field's type is not in ``field_types``.
    """
    return CompiledForm(spec, field_types or default_field_types())


def form_of(
    target: CompiledForm | ProcedureSpec, field_types: FieldTypeRegistry | None = None
) -> CompiledForm:
    """``target`` itself when it is compiled, else its form compiled now (not kept).

    The functions of :mod:`procgen.forms` take either; a spec is compiled on each call, which
    suits a one-off call. Anything called repeatedly should be given the compiled form.

    Raises:
        ConfigurationError: when ``field_types`` is given with a form compiled with others.
    """
    if isinstance(target, CompiledForm):
        if field_types is not None and field_types is not target.registry:
            raise ConfigurationError(
                f"{target.spec.code} v{target.spec.version} was compiled with other field types"
            )
        return target
    return compile_form(target, field_types)


def payload_model(
    spec: CompiledForm | ProcedureSpec, *, field_types: FieldTypeRegistry | None = None
) -> type[BaseModel]:
    """The pydantic model of the payload of ``spec`` (kept on a compiled form).

    Validate with ``model.model_validate(data)``; dump with ``by_alias=True``. The model checks
    types, required fields, lengths, patterns, ranges, options, unknown keys and the checks of
    each field type; :func:`~procgen.forms.validate_payload` adds ``when``, rules and errors
    in the user's language.

        >>> import procgen
        >>> procedure = procgen.compile(procgen.load("definitions/nvqs-dang-ky-lan-dau.yaml"))
        >>> payload_model(procedure.form) is procedure.model                    # doctest: +SKIP
        True
    """
    return form_of(spec, field_types).model()
