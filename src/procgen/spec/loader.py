"""Loading procedure specs from YAML or JSON files, with every problem located.

    >>> spec = load("definitions/uav-cap-phep-bay.yaml")          # doctest: +SKIP
    >>> specs = load_dir("definitions")                             # doctest: +SKIP

Loading runs in three passes and reports the problems of all of them at once:

1. :func:`procgen.spec.source.parse_source`: YAML syntax and duplicate keys;
2. the pydantic models: unknown keys (with "did you mean"), wrong types, bad durations, ...;
3. :func:`procgen.spec.check.check_spec`: references between parts (roles, steps, fields), CEL.

A file with errors raises :class:`procgen.errors.SpecError` listing every
:class:`~procgen.spec.diagnostics.Diagnostic` as ``file:line:column: code: message``.
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from procgen.errors import SpecError
from procgen.spec.check import check_spec
from procgen.spec.diagnostics import Diagnostic, Loc, Severity
from procgen.spec.models import ProcedureSpec
from procgen.spec.source import Source, parse_source

__all__ = ["LoadedSpec", "load", "load_dir", "load_sources", "loads", "read_spec"]

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
            pruned = _prune_invalid(source.data, exc)
            if pruned is not None:
                problems.extend(
                    d
                    for d in check_spec(pruned, source, field_types=field_types)
                    if d.code not in _PRUNING_ARTEFACTS
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


#: What a pruned spec lacks because a value was removed, not because the author left it out.
_PRUNING_ARTEFACTS = frozenset({"missing-deadline", "missing-steps"})


#: Stand-ins for required top-level values that are invalid, so the rest can still be checked.
_PLACEHOLDERS: dict[str, Any] = {
    "code": "invalid",
    "name": {"vi": "invalid"},
    "sector": "invalid",
    "level": "unit",
    "agency": {"name": {"vi": "invalid"}},
}


def _prune_invalid(data: dict[str, Any], exc: ValidationError) -> ProcedureSpec | None:
    """The spec without its invalid parts, or ``None`` when no valid spec remains.

    Invalid values are removed (so defaults apply); a list item that lacks a required key
    after that is removed whole. A few rounds suffice: each removes what the last reported.
    """
    current: Any = copy.deepcopy(data)
    error: ValidationError | None = exc
    for _ in range(8):
        if error is None:
            break
        for details in error.errors(include_url=False):
            loc = tuple(details["loc"])
            if len(loc) == 1 and loc[0] in _PLACEHOLDERS:
                current[loc[0]] = copy.deepcopy(_PLACEHOLDERS[str(loc[0])])
                continue
            if details["type"] == "missing":
                loc = loc[:-2] if len(loc) >= 2 and isinstance(loc[-2], int) else loc[:-1]
            if not loc or not _delete(current, loc):
                return None
        current = _compact(current)
        try:
            return ProcedureSpec.model_validate(current)
        except ValidationError as again:
            error = again
    return None


def _delete(data: Any, loc: tuple[int | str, ...]) -> bool:
    """Delete the deepest value found along ``loc`` (skipping pydantic's union tags)."""
    holder: Any = None
    key: Any = None
    node = data
    for part in loc:
        if _holds(node, part):
            holder, key, node = node, part, node[part]
        # anything else is a union member tag such as 'function-after[...]': skip it
    if holder is None:
        return False
    if isinstance(holder, list):
        holder[key] = _REMOVED
    else:
        del holder[key]
    return True


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
    """Placeholder for a removed list item, dropped before the next validation round."""


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
    model: Any = ProcedureSpec
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        model = _model_in(annotation)
        if model is None:
            return []
    return list(model.model_fields)


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
