"""Validating a payload: types, ``when`` conditions, rules, and errors in the user's language.

:func:`validate_payload` runs, in order:

1. **visibility**: each field's ``when`` (CEL) is evaluated on the values that are valid so far
   (a hidden field's value counts as absent for other conditions); a hidden field is neither
   required nor stored, and any value it has is dropped without a word;
2. **types**: the generated pydantic model (:func:`~procgen.forms.payload_model`) checks every
   value, reports unknown keys, and a visible field with ``when`` and ``required`` that is
   absent is reported ``required``;
3. **rules**: each ``rules`` check (top-level or a field's) whose fields are all valid runs on
   the cleaned values; a rule that cannot be evaluated because a value it uses is absent is
   skipped (the absence is reported as ``required`` where it matters).

Visibility and rules live in :mod:`procgen.forms._conditions`.

Every problem is a :class:`FieldError` ``(loc, code, msg)``: ``loc`` is the path of the field
(``("pilots", 0, "citizen_id")``), ``code`` a stable code (see ``docs/forms.md``), ``msg`` a
sentence in the requested language, from ``validation.po`` or the spec's bilingual text.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from procgen.errors import ConfigurationError
from procgen.forms._conditions import Loc, rule_errors, shown_paths, static_path
from procgen.forms._messages import (
    FieldError,
    field_message,
    from_pydantic,
    in_form_order,
    label_of,
    required_message,
)
from procgen.forms._model import CompiledForm, boolean_default, form_of
from procgen.forms.types import VIETNAM_TZ, FieldTypeRegistry
from procgen.spec.models import Field, ProcedureSpec
from procgen.types import Locale

__all__ = ["FieldError", "FormResult", "validate_payload", "visible"]


@dataclass(frozen=True)
class FormResult:
    """The outcome of :func:`validate_payload`: the cleaned payload, or the errors (in form
    order)."""

    cleaned: dict[str, Any] | None
    errors: tuple[FieldError, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is no error (``cleaned`` is then set)."""
        return not self.errors

    def errors_at(self, loc: Loc) -> tuple[FieldError, ...]:
        """The errors of the field at exactly ``loc`` (for an inline message)."""
        return tuple(error for error in self.errors if error.loc == tuple(loc))

    def to_list(self) -> list[dict[str, Any]]:
        """The errors as plain data (the 422 body)."""
        return [error.to_dict() for error in self.errors]


# --------------------------------------------------------------------------- entry points


def visible(
    spec: CompiledForm | ProcedureSpec,
    data: Mapping[str, Any],
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> frozenset[Loc]:
    """The paths of the fields shown for ``data``: their ``when`` holds, and their parents'.

    List rows are included for the rows ``data`` has: ``("pilots", 0, "licence_number")``.
    """
    form = form_of(spec, field_types)
    today, now = _clock(today, now)
    return shown_paths(form, data if isinstance(data, Mapping) else {}, today, now)


def validate_payload(
    spec: CompiledForm | ProcedureSpec,
    payload: Mapping[str, Any],
    *,
    locale: str = "vi",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    only: Collection[str] | None = None,
    field_types: FieldTypeRegistry | None = None,
) -> FormResult:
    """Validate ``payload`` against ``spec``: types, ``when``, rules; messages in ``locale``.

    Args:
        spec: the procedure version.
        payload: the JSON object of the fields' values (:func:`~procgen.forms.from_form` turns
            the form's answers into one).
        locale: ``vi`` (default) or ``en``; any other string reads as ``vi``.
        today: the date conditions see as ``today`` (default: today in Vietnam).
        now: the time conditions see as ``now`` (default: now, or the start of ``today``).
        only: validate just these top-level fields (one page of a wizard, or one field on
            blur): other keys are ignored, and a rule runs only if all its fields are in scope.
        field_types: the deployment's field types (default: the built-in ones).

    Returns:
        ``FormResult(cleaned, errors)``: ``cleaned`` holds the visible fields' values in
        Python types (``date``, ``Decimal``, phone numbers in E.164...), without hidden fields,
        with an absent boolean as its default (false unless the spec says otherwise); it is
        ``None`` when there are errors.

    Raises:
        ConfigurationError: when ``only`` names a field the procedure does not have.
    """
    form = form_of(spec, field_types)
    today, now = _clock(today, now)
    lang: Locale = "en" if locale == "en" else "vi"
    if not isinstance(payload, Mapping):
        label = form.spec.name.get(lang)
        return FormResult(
            None, (FieldError((), "type", field_message("type.object", lang, label)),)
        )
    scope = _scope(form, only)
    shown = shown_paths(form, payload, today, now)
    prepared = _prepare(form, payload, shown, scope)
    errors: list[FieldError] = []
    cleaned: dict[str, Any] | None = None
    try:
        instance = form.model(scope).model_validate(prepared)
    except ValidationError as exc:
        errors.extend(from_pydantic(form, exc, lang))
    else:
        cleaned = instance.model_dump(by_alias=True, exclude_none=True)
        in_scope = tuple(f for f in form.spec.fields if scope is None or f.id in scope)
        _fill_booleans(in_scope, cleaned, shown, ())
    errors.extend(_missing(form, prepared, shown, scope, lang))
    if cleaned is not None:
        values = _context(form.spec.fields, cleaned, shown, ())
    else:
        values = form.values(prepared, shown)
    errors.extend(rule_errors(form, values, shown, scope, errors, today, now, lang))
    ordered = in_form_order(form, errors)
    return FormResult(None if ordered else cleaned, ordered)


def _clock(today: dt.date | None, now: dt.datetime | None) -> tuple[dt.date, dt.datetime]:
    if now is None:
        now = (
            dt.datetime.now(VIETNAM_TZ)
            if today is None
            else dt.datetime.combine(today, dt.time(), VIETNAM_TZ)
        )
    if today is None:
        today = now.astimezone(VIETNAM_TZ).date() if now.tzinfo else now.date()
    return today, now


def _scope(form: CompiledForm, only: Collection[str] | None) -> frozenset[str] | None:
    if only is None:
        return None
    scope = frozenset(only)
    top = [f.id for f in form.spec.fields]
    for name in sorted(scope - set(top)):
        guess = difflib.get_close_matches(name, top, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        raise ConfigurationError(f"only= names {name!r}, which is not a top-level field{hint}")
    return scope


def _prepare(
    form: CompiledForm, data: Mapping[str, Any], shown: frozenset[Loc], scope: frozenset[str] | None
) -> dict[str, Any]:
    """Drop hidden fields (and out-of-scope ones); give a visible group holding a required
    field an empty value when absent, so that each of its fields reports ``required``."""

    def prune(
        fields: tuple[Field, ...], container: Mapping[str, Any], prefix: Loc
    ) -> dict[str, Any]:
        declared = {f.id: f for f in fields}
        out: dict[str, Any] = {}
        for key, value in container.items():
            field = declared.get(key)
            path = (*prefix, key)
            if field is not None and path not in shown:
                continue
            if field is not None and field.type == "group" and isinstance(value, Mapping):
                value = prune(field.fields, value, path)
            elif field is not None and field.type == "list" and isinstance(value, list):
                value = [
                    prune(field.fields, row, (*path, i)) if isinstance(row, Mapping) else row
                    for i, row in enumerate(value)
                ]
            out[key] = value
        for field in fields:
            path = (*prefix, field.id)
            if (
                field.type == "group"
                and path in shown
                and out.get(field.id) is None
                and (field.required or any(form.in_required(f) for f in field.fields))
            ):
                out[field.id] = prune(field.fields, {}, path)
        return out

    top = {k: v for k, v in data.items() if scope is None or k in scope}
    fields = tuple(f for f in form.spec.fields if scope is None or f.id in scope)
    return prune(fields, top, ())


def _lookup(data: Any, path: Loc) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, Mapping) else None
    return data


def _missing(
    form: CompiledForm,
    prepared: Mapping[str, Any],
    shown: frozenset[Loc],
    scope: frozenset[str] | None,
    locale: Locale,
) -> list[FieldError]:
    """Visible fields with ``when`` and ``required`` that are absent (the model cannot know)."""
    out = []
    for path in shown:
        field = form.fields[static_path(path)]
        if field.when is None or not field.required or (scope is not None and path[0] not in scope):
            continue
        if _lookup(prepared, path) is None:  # an empty list is the model's min_items
            message = field_message(required_message(field), locale, label_of(form, path, locale))
            out.append(FieldError(path, "required", message))
    return out


def _fill_booleans(
    fields: tuple[Field, ...], data: dict[str, Any], shown: frozenset[Loc], prefix: Loc
) -> None:
    """An absent visible boolean takes its default in the cleaned data."""
    for field in fields:
        path = (*prefix, field.id)
        value = data.get(field.id)
        default = boolean_default(field)
        if value is None and default is not None and path in shown:
            data[field.id] = default
        elif field.type == "group" and isinstance(value, dict):
            _fill_booleans(field.fields, value, shown, path)
        elif field.type == "list" and isinstance(value, list):
            for index, row in enumerate(value):
                _fill_booleans(field.fields, row, shown, (*path, index))


def _context(
    fields: tuple[Field, ...], data: Mapping[str, Any], shown: frozenset[Loc], prefix: Loc
) -> dict[str, Any]:
    """The values conditions see: a top-level field hidden or absent is ``None``; inside a group
    or a row it is left out (CEL's ``has()`` sees it is missing)."""
    out: dict[str, Any] = {}
    for field in fields:
        path = (*prefix, field.id)
        value = data.get(field.id) if path in shown else None
        if field.type == "group" and isinstance(value, Mapping):
            value = _context(field.fields, value, shown, path)
        elif field.type == "list" and isinstance(value, list):
            value = [_context(field.fields, row, shown, (*path, i)) for i, row in enumerate(value)]
        if value is not None or not prefix:
            out[field.id] = value
    return out
