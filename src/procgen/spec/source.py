"""Reading a spec file while remembering where every value came from.

The YAML is composed into nodes (which carry their line and column), checked for duplicate
keys, and constructed into plain Python data. A :class:`Source` maps each location in the data
(``("steps", 2, "actions", 0, "to")``) back to its position in the file, so every problem can
be reported as ``file:line:column``.

The YAML dialect is close to YAML 1.2's core schema: only ``true``/``false`` are booleans (not
``yes``/``no``/``on``/``off``, so a code like ``NO`` stays a string) and ``15:00`` is a string,
not the base-60 integer YAML 1.1 would make of it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from procgen.spec.diagnostics import Diagnostic, Loc, Severity

__all__ = ["Position", "Source", "parse_source"]

# The C parser (libyaml) when PyYAML was built with it; only its event stream is used.
_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class Position(NamedTuple):
    """Where a value sits in the file (1-based), and where its key is, for mapping values.

    A named tuple rather than a dataclass: one is made for every value of every spec file.
    """

    line: int
    column: int
    key_line: int
    key_column: int
    style: str | None = None  # the scalar style: None (plain), '"', "'", '|', '>'


@dataclass
class Source:
    """A parsed spec file: its data and the position of every value in it."""

    file: str
    text: str
    data: Any = None
    positions: dict[Loc, Position] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The ``(line, column)`` of ``loc``, or of its nearest existing ancestor.

        With ``key=True``, the position of the mapping key rather than its value (used for
        unknown keys, where the key itself is the mistake).
        """
        probe = tuple(loc)
        while probe not in self.positions and probe:
            probe = probe[:-1]
        pos = self.positions.get(probe)
        if pos is None:
            return 1, 1
        if key and probe == tuple(loc):
            return pos.key_line, pos.key_column
        return pos.line, pos.column

    def diagnostic(
        self,
        loc: Loc,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity = Severity.ERROR,
        key: bool = False,
        at: tuple[int, int] | None = None,
    ) -> Diagnostic:
        """A diagnostic about the value at ``loc`` (its key with ``key=True``, or ``at``)."""
        line, column = at if at is not None else self.position(loc, key=key)
        return Diagnostic(self.file, line, column, code, message, hint, severity, loc)

    def has(self, loc: Loc) -> bool:
        """True when ``loc`` is written in the file (not a default)."""
        return tuple(loc) in self.positions

    def inner_position(self, loc: Loc, line: int, column: int) -> tuple[int, int]:
        """The file position of ``(line, column)`` inside the string value at ``loc``.

        Used to point inside a CEL expression: plain and quoted scalars on one line shift by
        the opening quote; block scalars (``|``, ``>``) start on the next line at their indent.
        """
        pos = self.positions.get(tuple(loc))
        if pos is None:
            return self.position(loc)
        if pos.style in ("|", ">"):
            lines = self.text.splitlines()
            # pos.line is the indicator's line (1-based); the content starts on the next one,
            # indented by the block's base indentation: that of its first non-blank line.
            body = [text for text in lines[pos.line :] if text.strip()]
            if not body:
                return pos.line, pos.column
            base = len(body[0]) - len(body[0].lstrip(" "))
            return pos.line + line, base + column
        shift = 1 if pos.style in ('"', "'") else 0
        if line == 1:
            return pos.line, pos.column + shift + column - 1
        return pos.line + line - 1, column


def parse_source(text: str, file: str) -> Source:
    """Parse ``text`` (YAML or JSON) into a :class:`Source`.

    Problems (bad syntax, duplicate keys, a document that is not a mapping) are collected in
    ``source.problems``; ``source.data`` is ``None`` when the file could not be read at all.
    The data is built straight from the parser's events (libyaml when available), which is
    several times faster than composing nodes and constructing them afterwards.
    """
    source = Source(file=file, text=text)
    loader = _Loader(text)
    try:
        source.data = _Builder(source).build(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _mark(mark) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        source.problems.append(
            Diagnostic(
                file,
                line,
                column,
                "yaml-syntax",
                problem,
                "check indentation, a missing ':' or an unclosed quote or bracket near here",
            )
        )
        source.data = None
    except yaml.YAMLError as exc:  # pragma: no cover - e.g. reader errors on bad bytes
        source.problems.append(Diagnostic(file, 1, 1, "yaml-syntax", str(exc)))
        source.data = None
    finally:
        loader.dispose()
    return source


_MAPPING_HINT = "start the file with 'code: ...', 'name: ...' (see docs/tutorial.md)"

#: First characters of scalars that may be null, booleans, numbers or dates.
_MAY_RESOLVE = frozenset("~nNtTfF-+.0123456789")
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)


_SCALAR = yaml.ScalarEvent
_MAPPING = yaml.MappingStartEvent
_SEQUENCE = yaml.SequenceStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent


def _mark(mark: Any) -> tuple[int, int]:
    return int(mark.line) + 1, int(mark.column) + 1


class _Builder:
    """Builds plain data and the position index from a stream of YAML events."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.positions = source.positions
        self.anchors: dict[str, Any] = {}

    def build(self, loader: Any) -> Any:
        self.loader = loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            self.problem(1, 1, "not-a-mapping", "the file is empty", _MAPPING_HINT)
            return None
        loader.get_event()  # DocumentStart
        first = loader.peek_event()
        if not isinstance(first, yaml.MappingStartEvent):
            line, column = _mark(first.start_mark)
            self.problem(
                line,
                column,
                "not-a-mapping",
                "a procedure spec must be a mapping of keys (code, name, fields, ...)",
                _MAPPING_HINT,
            )
            return None
        data = self.value((), None)
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            line, column = _mark(loader.peek_event().start_mark)
            self.problem(
                line,
                column,
                "yaml-syntax",
                "a spec file holds one document; a second one starts here",
                "remove the '---' and what follows, or move it into its own file",
            )
        return data

    def problem(self, line: int, column: int, code: str, message: str, hint: str) -> None:
        self.source.problems.append(Diagnostic(self.source.file, line, column, code, message, hint))

    def value(self, loc: Loc, key_mark: Any) -> Any:
        event = self.loader.get_event()
        mark = event.start_mark
        line, column = mark.line + 1, mark.column + 1
        if key_mark is None:
            key_line, key_column = line, column
        else:
            key_line, key_column = key_mark.line + 1, key_mark.column + 1
        kind = type(event)
        if kind is _SCALAR:
            # libyaml reports a plain scalar's style as '', the pure-Python parser as None.
            self.positions[loc] = Position(line, column, key_line, key_column, event.style or None)
            result: Any = _scalar(event)
        elif kind is _MAPPING:
            self.positions[loc] = Position(line, column, key_line, key_column)
            result = self.mapping(loc)
        elif kind is _SEQUENCE:
            self.positions[loc] = Position(line, column, key_line, key_column)
            result = []
            while not self.loader.check_event(_SEQUENCE_END):
                result.append(self.value((*loc, len(result)), None))
            self.loader.get_event()
        else:  # an alias
            self.positions[loc] = Position(line, column, key_line, key_column)
            return self.anchors.get(event.anchor)
        if event.anchor:
            self.anchors[event.anchor] = result
        return result

    def mapping(self, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        loader = self.loader
        while not loader.check_event(_MAPPING_END):
            key_event = loader.get_event()
            key_mark = key_event.start_mark
            if type(key_event) is _SCALAR:
                key = key_event.value
            else:
                key_line, key_column = key_mark.line + 1, key_mark.column + 1
                self.problem(
                    key_line,
                    key_column,
                    "yaml-syntax",
                    "keys must be plain text",
                    "write 'name: value'",
                )
                self._skip(key_event)
                key = f"<complex key at line {key_line}>"
            if key in first_lines:
                self.source.problems.append(
                    Diagnostic(
                        self.source.file,
                        key_mark.line + 1,
                        key_mark.column + 1,
                        "duplicate-key",
                        f"the key {key!r} appears twice in this mapping "
                        f"(first on line {first_lines[key]}); YAML would silently keep only "
                        "the last",
                        "remove or rename one of them",
                        loc=(*loc, key),
                    )
                )
            else:
                first_lines[key] = key_mark.line + 1
            result[key] = self.value((*loc, key), key_mark)
        loader.get_event()
        return result

    def _skip(self, event: Any) -> None:
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth = 1
            while depth:
                inner = self.loader.get_event()
                if isinstance(inner, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                    depth += 1
                elif isinstance(inner, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                    depth -= 1


def _scalar(event: Any) -> Any:
    """Resolve a scalar's type (YAML 1.2 core schema, plus ISO dates and timestamps)."""
    value: str = event.value
    tag = event.tag
    if tag not in (None, "!"):
        return _tagged(tag, value, event)
    if event.style or not event.implicit[0]:  # quoted or block: always a string
        return value
    if value and value[0] not in _MAY_RESOLVE:  # most scalars are words: skip the regexes
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if _DATETIME.fullmatch(value):
        try:
            return dt.datetime.fromisoformat(value.replace("t", "T").replace("z", "Z"))
        except ValueError:
            return value
    return value


def _tagged(tag: str, value: str, event: Any) -> Any:
    short = tag.removeprefix("tag:yaml.org,2002:")
    converters: dict[str, Any] = {"str": str, "int": int, "float": float}
    if short in converters:
        try:
            return converters[short](value)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{value!r} is not a valid !!{short}", event.start_mark
            ) from exc
    if short == "bool" and value in _TRUE | _FALSE:
        return value in _TRUE
    if short == "null":
        return None
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {tag!r} is not supported in spec files", event.start_mark
    )
