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

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from procgen.spec.diagnostics import Diagnostic, Loc

__all__ = ["Position", "Source", "parse_source"]

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2-like implicit typing (see the module docstring)."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


@dataclass(frozen=True)
class Position:
    """Where a value sits in the file (1-based), and where its key is, for mapping values."""

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
    """
    source = Source(file=file, text=text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            source.problems.append(
                Diagnostic(file, 1, 1, "not-a-mapping", "the file is empty", _MAPPING_HINT)
            )
            return source
        if not isinstance(node, yaml.MappingNode):
            line, column = _mark(node.start_mark)
            source.problems.append(
                Diagnostic(
                    file,
                    line,
                    column,
                    "not-a-mapping",
                    "a procedure spec must be a mapping of keys (code, name, fields, ...)",
                    _MAPPING_HINT,
                )
            )
            return source
        _index(node, (), source, None)
        source.data = loader.construct_document(node)
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


def _mark(mark: Any) -> tuple[int, int]:
    return int(mark.line) + 1, int(mark.column) + 1


def _index(node: yaml.Node, loc: Loc, source: Source, key_node: yaml.Node | None) -> None:
    line, column = _mark(node.start_mark)
    key_line, key_column = _mark(key_node.start_mark) if key_node is not None else (line, column)
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    source.positions[loc] = Position(line, column, key_line, key_column, style)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else repr(key.value)
            if name in seen:
                first_line, _ = _mark(seen[name].start_mark)
                k_line, k_column = _mark(key.start_mark)
                source.problems.append(
                    Diagnostic(
                        source.file,
                        k_line,
                        k_column,
                        "duplicate-key",
                        f"the key {name!r} appears twice in this mapping "
                        f"(first on line {first_line}); YAML would silently keep only the last",
                        "remove or rename one of them",
                        loc=(*loc, name),
                    )
                )
            seen[name] = key
            _index(value, (*loc, name), source, key)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*loc, index), source, None)
