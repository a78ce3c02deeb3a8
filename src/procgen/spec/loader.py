"""Loading procedure specs from YAML or JSON files, with every problem located.

    >>> spec = load("definitions/uav-cap-phep-bay.yaml")          # doctest: +SKIP
    >>> specs = load_dir("definitions")                             # doctest: +SKIP

Loading runs in three passes and reports the problems of all of them at once:

1. :func:`procgen.spec.source.parse_source`: YAML syntax and duplicate keys;
2. the pydantic models: unknown keys (with "did you mean"), wrong types, bad durations, ...;
3. :func:`procgen.spec.check.check_spec`: references between parts (roles, steps, fields), CEL.

When pass 2 finds errors, pass 3 still runs, on the spec with only its invalid values taken
out: an invalid list item is replaced by a stand-in that keeps its id and position, so the
references and conditions elsewhere are checked as if it were right (:func:`_prune_invalid`).

A file with errors raises :class:`procgen.errors.SpecError` listing every
:class:`~procgen.spec.diagnostics.Diagnostic` as ``file:line:column: code: message``.
"""

from __future__ import annotations

import copy
import difflib
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from procgen.errors import SpecError
from procgen.spec.check import check_spec
from procgen.spec.diagnostics import Diagnostic, Loc, Severity
from procgen.spec.models import ProcedureSpec
from procgen.spec.source import Source, parse_source
from procgen.spec.text import Text

__all__ = ["SPEC_SUFFIXES", "LoadedSpec", "load", "load_dir", "load_sources", "loads", "read_spec"]

#: File suffixes :func:`load_dir` picks up.
SPEC_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class LoadedSpec:
    """The result of reading one file: the spec (``None`` if it has errors) and diagnostics.

    Warnings never prevent loading; ``spec`` is ``None`` only when there are errors.
    """

    file: str
    spec: ProcedureSpec | None
    diagnostics: tuple[Diagnostic, ...]
    source: Source

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The diagnostics of severity error."""
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)


def read_spec(
    text: str, file: str = "<string>", *, field_types: Iterable[str] | None = None
) -> LoadedSpec:
    """Parse, validate and check one spec given as text, collecting every problem.

    Args:
        text: the YAML or JSON text.
        file: the name used in diagnostics.
        field_types: the field types known to the deployment (default: the built-in ones).
    """
    source = parse_source(text, file)
    problems = list(source.problems)
    spec: ProcedureSpec | None = None
    if source.data is not None and isinstance(source.data, dict):
        try:
            spec = ProcedureSpec.model_validate(source.data)
        except ValidationError as exc:
            problems.extend(_from_validation(exc, source))
            # Check the references of what is valid too, so one run reports everything.
            remains = _prune_invalid(source.data, exc)
            if remains is not None:
                valid, pruned = remains
                problems.extend(
                    d
                    for d in check_spec(valid, source, field_types=field_types)
                    if not pruned.is_artefact(d)
                )
        else:
            problems.extend(check_spec(spec, source, field_types=field_types))
    problems.sort()
    has_errors = any(p.severity is Severity.ERROR for p in problems)
    return LoadedSpec(file, None if has_errors else spec, tuple(problems), source)


def loads(
    text: str, file: str = "<string>", *, field_types: Iterable[str] | None = None
) -> ProcedureSpec:
    """Load one spec from text.

    Raises:
        SpecError: listing every error in the text.
    """
    loaded = read_spec(text, file, field_types=field_types)
    if loaded.spec is None:
        raise SpecError(loaded.errors)
    return loaded.spec


def load(path: str | Path, *, field_types: Iterable[str] | None = None) -> ProcedureSpec:
    """Load one spec file (YAML or JSON).

    Raises:
        SpecError: listing every error in the file (a missing file is one too).
    """
    loaded = _read_file(Path(path), field_types)
    if loaded.spec is None:
        raise SpecError(loaded.errors)
    return loaded.spec


def load_sources(
    paths: Sequence[str | Path], *, field_types: Iterable[str] | None = None
) -> list[LoadedSpec]:
    """Read every spec file under ``paths`` (files, or folders searched for YAML/JSON files).

    Never raises for spec problems: each result carries its diagnostics, and a procedure
    code+version declared by two files gives a ``duplicate-procedure`` error on the second.
    """
    results: list[LoadedSpec] = []
    for path in _expand(paths):
        results.append(_read_file(path, field_types))
    return _mark_duplicates(results)


def load_dir(path: str | Path, *, field_types: Iterable[str] | None = None) -> list[ProcedureSpec]:
    """Load every spec file in a folder (recursively), sorted by file name.

    Raises:
        SpecError: listing every error of every file.
    """
    loaded = load_sources([path], field_types=field_types)
    errors = [d for item in loaded for d in item.errors]
    if errors:
        raise SpecError(errors)
    return [item.spec for item in loaded if item.spec is not None]


# --------------------------------------------------------------------------- files


def _expand(paths: Sequence[str | Path]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file())
            )
        else:
            found.append(path)
    return found


def _read_file(path: Path, field_types: Iterable[str] | None) -> LoadedSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = Diagnostic(str(path), 1, 1, "file-not-found", f"no such file: {path}")
        return LoadedSpec(str(path), None, (problem,), Source(str(path), ""))
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        problem = Diagnostic(
            str(path),
            1,
            1,
            "yaml-syntax",
            f"cannot read {path}: {exc}",
            "save the file as UTF-8 text",
        )
        return LoadedSpec(str(path), None, (problem,), Source(str(path), ""))
    return read_spec(text, str(path), field_types=field_types)


def _mark_duplicates(results: list[LoadedSpec]) -> list[LoadedSpec]:
    first: dict[tuple[str, int], str] = {}
    marked: list[LoadedSpec] = []
    for item in results:
        if item.spec is None:
            marked.append(item)
            continue
        key = (item.spec.code, item.spec.version)
        if key in first:
            line, column = item.source.position(("code",))
            problem = Diagnostic(
                item.file,
                line,
                column,
                "duplicate-procedure",
                f"procedure {key[0]} version {key[1]} is already declared in {first[key]}",
                "give this file a new version number, or a different code",
                loc=("code",),
            )
            marked.append(LoadedSpec(item.file, None, (*item.diagnostics, problem), item.source))
            continue
        first[key] = item.file
        marked.append(item)
    return marked


# --------------------------------------------------------------------------- pydantic errors


#: Checks that complain about a value the pruning removed, by the key whose removal causes them.
_PRUNING_ARTEFACTS = {
    "missing-deadline": "deadline",
    "missing-steps": "steps",
    "missing-fields": "fields",
    "missing-options": "options",
}


#: Stand-ins for required top-level values that are invalid, so the rest can still be checked.
_PLACEHOLDERS: dict[str, Any] = {
    "code": "invalid",
    "name": {"vi": "invalid"},
    "sector": "invalid",
    "level": "unit",
    "agency": {"name": {"vi": "invalid"}},
}

#: What a stand-in text says (a missing or invalid required text such as a ``label``).
_PLACEHOLDER_TEXT = {"vi": "invalid"}

#: Values of required keys, by model, for the stand-in of an invalid list item (see
#: :func:`_stub`); ids and texts are filled in for every model.
_STUB_VALUES: dict[str, dict[str, Any]] = {
    "Field": {"type": "text"},
    "Action": {"to": "invalid"},
    "Rule": {"check": "true"},
    "Page": {"fields": ["invalid"]},
    "FormTemplate": {"code": "invalid"},
    "Decision": {"number": "invalid"},
    "LegalDocument": {"number": "invalid", "date": "2000-01-01"},
    "LeadTime": {"field": "invalid", "at_least": "1 day"},
    "Extension": {"by": "1 day"},
    "AnnualDate": {"day": 1, "month": 1},
}

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class _Pruned:
    """What was taken out of a spec with invalid parts.

    Attributes:
        stubs: where a list item was replaced by a stand-in (its checks are not the author's).
        deleted: where a value was deleted, so a default applies.
    """

    stubs: set[Loc] = field(default_factory=set)
    deleted: set[Loc] = field(default_factory=set)

    def is_artefact(self, diagnostic: Diagnostic) -> bool:
        """Whether ``diagnostic`` is about the stand-ins rather than what the author wrote."""
        loc = diagnostic.loc
        if any(loc[: len(stub)] == stub for stub in self.stubs):
            return True
        key = _PRUNING_ARTEFACTS.get(diagnostic.code)
        # A case without its own steps or deadline inherits the procedure's.
        return key is not None and ((*loc, key) in self.deleted or (key,) in self.deleted)


def _prune_invalid(
    data: dict[str, Any], exc: ValidationError
) -> tuple[ProcedureSpec, _Pruned] | None:
    """The spec without its invalid parts and what was pruned, or ``None`` when nothing is left.

    The prune is as narrow as it can be, so the reference and CEL checks still see the rest:

    - an invalid value is deleted, so its default applies;
    - a missing (or deleted) required text, such as a ``label``, gets a stand-in text;
    - an item of a list that lacks another required key is replaced by a stand-in that keeps
      its id (so references to it still resolve) and its position (so later items keep their
      locations); the diagnostics inside a stand-in are dropped;
    - a required top-level value gets a stand-in (:data:`_PLACEHOLDERS`).

    A few rounds suffice: each fixes what the last validation reported.
    """
    current: Any = copy.deepcopy(data)
    pruned = _Pruned()
    error: ValidationError | None = exc
    for _ in range(8):
        if error is None:
            break
        targets: dict[Loc, str] = {}
        for details in error.errors(include_url=False):
            path = _resolve(current, tuple(details["loc"]), missing=details["type"] == "missing")
            target, action = _repair(path, details["type"] == "missing")
            if target is None:
                return None
            targets.setdefault(target, action)
        progress = False
        for target, action in sorted(targets.items(), key=lambda item: len(item[0])):
            if any(target[: len(t)] == t and t != target for t in targets):
                continue  # an enclosing value is repaired already
            progress |= _apply(current, target, action, pruned)
        if not progress:
            return None
        try:
            spec = ProcedureSpec.model_validate(current := _compact(current))
        except ValidationError as again:
            error = again
        else:
            return spec, pruned
    return None


def _resolve(data: Any, loc: tuple[int | str, ...], *, missing: bool) -> Loc:
    """``loc`` without pydantic's union-member tags (``'function-after[...]'``, ``'str'``)."""
    path: list[int | str] = []
    node = data
    for position, part in enumerate(loc):
        if _holds(node, part):
            path.append(part)
            node = node[part]
        elif missing and position == len(loc) - 1:
            path.append(part)
    return tuple(path)


def _repair(path: Loc, missing: bool) -> tuple[Loc | None, str]:
    """What to do about an error at ``path``: the loc to act on and how (see :func:`_apply`)."""
    if len(path) == 1 and path[0] in _PLACEHOLDERS:
        return path, "placeholder"
    if not missing:
        return (path, "delete") if path else (None, "")
    if len(path) >= 2 and _model_in(_annotation_at(path)) is Text:
        return path, "text"
    parent = path[:-1]
    if not parent:
        return None, ""
    return parent, "delete"


def _apply(data: Any, path: Loc, action: str, pruned: _Pruned) -> bool:
    """Repair the value at ``path``; ``False`` when there is nothing left to repair there."""
    holder: Any = data
    for part in path[:-1]:
        if not _holds(holder, part):
            return False
        holder = holder[part]
    key = path[-1]
    if action == "placeholder":
        holder[key] = copy.deepcopy(_PLACEHOLDERS[str(key)])
        return True
    if action == "text":
        if not isinstance(holder, dict):
            return False
        holder[key] = dict(_PLACEHOLDER_TEXT)
        return True
    if not _holds(holder, key):
        return False
    if isinstance(holder, list) and isinstance(key, int):
        if path in pruned.stubs:  # the stand-in itself is invalid: give up on the item
            pruned.stubs.discard(path)
            holder[key] = _REMOVED
            return True
        stub = _stub(path, holder[key], len(pruned.stubs))
        holder[key] = _REMOVED if stub is None else stub
        if stub is not None:
            pruned.stubs.add(path)
        return True
    del holder[key]
    pruned.deleted.add(path)
    return True


def _stub(path: Loc, item: Any, number: int) -> dict[str, Any] | None:
    """A valid stand-in for the list item at ``path``, keeping its id; ``None`` if none fits."""
    model = _model_at(path)
    if model is None or not isinstance(item, dict):
        return None
    original = item.get("id")
    ident = original if isinstance(original, str) and _IDENTIFIER.match(original) else None
    values = dict(_STUB_VALUES.get(model.__name__, {}))
    for name, info in model.model_fields.items():
        if not info.is_required() or name in values:
            continue
        if _model_in(info.annotation) is Text:
            values[name] = dict(_PLACEHOLDER_TEXT)
        else:
            values[name] = ident or f"invalid_{number}"
    try:
        model.model_validate(values)
    except ValidationError:
        return None
    return values


def _holds(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _compact(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _compact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_compact(v) for v in data if v is not _REMOVED]
    return data


class _Removed:
    """Placeholder for a removed list item, dropped before validation."""


_REMOVED = _Removed()

_CODE_BY_TYPE = {
    "extra_forbidden": "unknown-key",
    "missing": "missing-key",
    "bad_duration": "bad-duration",
    "bad_deadline": "bad-deadline",
    "bad_pattern": "bad-pattern",
    "bad_date": "invalid-value",
    "enum": "invalid-value",
    "literal_error": "invalid-value",
    "greater_than_equal": "invalid-value",
    "less_than_equal": "invalid-value",
    "too_short": "invalid-value",
    "too_long": "invalid-value",
    "string_too_short": "invalid-value",
    "string_too_long": "invalid-value",
    "value_error": "invalid-value",
}


def _from_validation(exc: ValidationError, source: Source) -> list[Diagnostic]:
    grouped: dict[Loc, list[ErrorDetails]] = {}
    for error in exc.errors(include_url=False):
        loc = _data_loc(error["loc"], source, error["type"])
        grouped.setdefault(loc, []).append(error)
    return [_diagnostic(loc, errors, source) for loc, errors in grouped.items()]


def _data_loc(loc: tuple[int | str, ...], source: Source, kind: str) -> Loc:
    """Drop pydantic's union-member tags (``'function-after[...]'``, ``'int'``) from a loc."""
    clean: list[str | int] = []
    for part in loc:
        candidate = (*clean, part)
        if source.has(candidate) or (kind in ("missing", "extra_forbidden") and part == loc[-1]):
            clean.append(part)
    return tuple(clean)


def _diagnostic(loc: Loc, errors: list[ErrorDetails], source: Source) -> Diagnostic:
    # A union reports one error per member; prefer the one that says most about the input.
    error = _most_specific(errors)
    kind = error["type"]
    code = _CODE_BY_TYPE.get(kind, "wrong-type" if _is_type_error(kind) else "invalid-value")
    where = _describe(loc)
    hint: str | None = None
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(loc[:-1], source)
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        message = f"unknown key {key!r}" + (f" in {_describe(loc[:-1])}" if loc[:-1] else "")
        if set(allowed) == {"vi", "en"}:
            # {vi: Họ, chữ đệm và tên, en: ...} splits at the commas: the text needs quotes.
            hint = (
                "a text containing commas must be quoted inside {...}: "
                '{vi: "Họ, chữ đệm và tên", en: "Full name"}'
            )
        elif guess:
            hint = f"did you mean {guess[0]!r}?"
        elif allowed:
            hint = "allowed keys here: " + ", ".join(sorted(allowed))
        line, column = source.position(loc, key=True)
        return Diagnostic(source.file, line, column, code, message, hint, loc=loc)
    if kind == "missing":
        message = f"{where} is required but missing"
        hint = f"add '{loc[-1]}: ...'"
        line, column = source.position(loc[:-1])
        return Diagnostic(source.file, line, column, code, message, hint, loc=loc)
    if kind == "string_pattern_mismatch" and str(loc[-1]) in ("id", "to", "role", "on_expiry"):
        code = "bad-identifier"
        hint = "use lower-case letters, digits and _, starting with a letter, e.g. 'full_name'"
    got = _show(error.get("input"))
    context = error.get("ctx") or {}
    if "problem" in context and "hint" in context:  # a custom error that splits its advice off
        message = f"{where}: {context['problem']}"
        hint = str(context["hint"])
    else:
        message = f"{where}: {error['msg']}"
    if kind not in ("bad_duration", "bad_deadline", "bad_pattern", "bad_date") and got:
        message += f" (got {got})"
    if kind == "enum" and not isinstance(error.get("input"), str | int | float):
        code = "wrong-type"
    elif kind == "enum" and isinstance(error.get("input"), str):
        expected = (error.get("ctx") or {}).get("expected", "")
        options = [o.strip(" '") for o in str(expected).replace(" or ", ", ").split(",")]
        guess = difflib.get_close_matches(str(error.get("input")), options, n=1, cutoff=0.5)
        if guess:
            hint = f"did you mean {guess[0]!r}?"
    line, column = source.position(loc)
    return Diagnostic(source.file, line, column, code, message, hint, loc=loc)


def _most_specific(errors: list[ErrorDetails]) -> ErrorDetails:
    for error in errors:
        if error["type"] in ("bad_duration", "bad_deadline", "bad_date", "bad_pattern", "enum"):
            return error
    for error in errors:
        if error["type"] not in ("none_required", "is_instance_of", "model_type"):
            return error
    return errors[0]


def _is_type_error(kind: str) -> bool:
    return kind.endswith(("_type", "_parsing")) or kind in ("model_type", "model_attributes_type")


def _describe(loc: Loc) -> str:
    if not loc:
        return "the procedure"
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return f"'{text}'"


def _show(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return type(value).__name__ if value is not None else ""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(loc: Loc, source: Source) -> list[str]:
    """The keys allowed by the model found at ``loc`` (walking the model annotations)."""
    model = _model_at(loc)
    return [] if model is None else list(model.model_fields)


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model of the object at ``loc``: list indices and mapping keys lead to their items."""
    model: type[BaseModel] = ProcedureSpec
    mapping = False
    for part in loc:
        if isinstance(part, int) or mapping:
            mapping = False
            continue
        if part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        mapping = _is_mapping(annotation)
        found = _model_in(annotation)
        if found is None:
            return None
        model = found
    return model


def _annotation_at(loc: Loc) -> Any:
    """The annotation of the last key of ``loc`` in the model that holds it, if any."""
    model = _model_at(loc[:-1])
    key = loc[-1]
    if model is None or not isinstance(key, str) or key not in model.model_fields:
        return None
    return model.model_fields[key].annotation


def _is_mapping(annotation: Any) -> bool:
    if typing.get_origin(annotation) is dict:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(_is_mapping(arg) for arg in typing.get_args(annotation))
    return False


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model inside ``annotation`` (unwrapping Optional, tuple, dict)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    args = typing.get_args(annotation)
    if origin is dict:
        args = args[1:]
    for arg in args:
        found = _model_in(arg)
        if found is not None:
            return found
    return None
