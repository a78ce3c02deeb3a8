"""The statements of a submission, compiled once and sent in as few round trips as possible.

:func:`insert_rows` writes rows into several tables inside the caller's transaction (a dossier,
its event, attachments and outbox messages):

- on **PostgreSQL**, several tables' rows in one statement, the first ones in data-modifying
  CTEs::

      WITH t0 AS (INSERT INTO dossiers ...) INSERT INTO events ...

  Foreign keys between the rows hold: PostgreSQL checks them when the whole statement ends,
  and a violation fails it. A statement takes at most :data:`PSYCOPG_CACHED` parameters
  (psycopg parses the placeholders of longer ones again on every call, which costs more than
  a round trip), so a dossier with its event, then its attachments with its outbox messages,
  go in as two statements instead of four.
- on **SQLite** (no INSERT inside WITH), one statement per table, several rows in one
  ``VALUES`` list.

:class:`Prepared` runs one statement (e.g. the upsert of the day's sequence) the same way.

Each statement is compiled once per dialect (and shape) with SQLAlchemy Core, then executed with
:meth:`~sqlalchemy.engine.Connection.exec_driver_sql`, its parameters converted by the columns'
own bind processors, the very functions Core applies (tests read the rows back through Core).
This leaves out only Core's per-statement bookkeeping (cache key, parameter construction), which
costs as much as the INSERTs themselves here; events, error wrapping and connection handling
stay SQLAlchemy's. (Core does not cache the compiled form of a multi-table INSERT at all:
compiling it on every call would cost milliseconds.)
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

__all__ = ["PSYCOPG_CACHED", "Prepared", "Rows", "insert_rows"]

#: Rows to insert, table by table (in an order that satisfies foreign keys).
Rows = Sequence[tuple[sa.Table, Sequence[Mapping[str, Any]]]]
#: The most parameters of a statement whose parsing psycopg caches
#: (``psycopg._queries.MAX_CACHED_STATEMENT_PARAMS``).
PSYCOPG_CACHED = 50
_Processor = Callable[[Any], Any] | None
# A shape: per table, its number of rows and their columns.
_Shape = tuple[tuple[sa.Table, int, tuple[str, ...]], ...]
# Shapes compiled per dialect; beyond this many, a shape is compiled for its one use.
_MAX_SHAPES = 256
# The value of a parameter the caller gives (not a literal of the statement).
_GIVEN: Any = object()


class _Compiled(NamedTuple):
    """A statement compiled for one dialect: its SQL and, in the driver's order, the name,
    bind processor and value (for a literal; :data:`_GIVEN` for a named parameter) of each
    parameter."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[_Processor, ...]
    literals: tuple[Any, ...]
    positional: bool

    @classmethod
    def of(cls, statement: ClauseElement, dialect: Dialect) -> _Compiled:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(by_name)
        binds = [by_name[name] for name in names]
        processors = tuple(b.type.dialect_impl(dialect).bind_processor(dialect) for b in binds)
        literals = tuple(_GIVEN if b.required else b.effective_value for b in binds)
        return cls(str(compiled), names, processors, literals, bool(compiled.positional))

    def execute(self, connection: Connection, values: Sequence[Any]) -> CursorResult[Any]:
        """Run with ``values`` given in :attr:`names` order (converted here)."""
        converted = tuple(
            value if process is None else process(value)
            for value, process in zip(values, self.processors, strict=True)
        )
        if self.positional:
            return connection.exec_driver_sql(self.sql, converted)
        return connection.exec_driver_sql(self.sql, dict(zip(self.names, converted, strict=True)))


class Prepared:
    """One statement with named parameters (:func:`sqlalchemy.bindparam`), compiled once per
    dialect by ``build(dialect)`` and run through :meth:`execute` (see the module docstring).
    The result rows are the driver's: no result processing (use it for plain types). Literal
    values in the statement are sent as parameters too, with their compiled values."""

    def __init__(self, build: Callable[[Dialect], ClauseElement]) -> None:
        self._build = build
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    def execute(self, connection: Connection, values: Mapping[str, Any]) -> CursorResult[Any]:
        dialect = connection.dialect
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = _Compiled.of(self._build(dialect), dialect)
        given = [
            values[name] if literal is _GIVEN else literal
            for name, literal in zip(compiled.names, compiled.literals, strict=True)
        ]
        return compiled.execute(connection, given)


class _Slot(NamedTuple):
    """Where a parameter's value is: table (index in the shape), row and column."""

    table: int
    row: int
    column: str


class _Insert(NamedTuple):
    compiled: _Compiled
    slots: tuple[_Slot, ...]  # in the order of compiled.names


_inserts: weakref.WeakKeyDictionary[Dialect, dict[_Shape, tuple[_Insert, ...]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def insert_rows(connection: Connection, rows: Rows) -> None:
    """Insert ``rows`` inside the caller's transaction (see the module docstring).

    Every row of one table must have the same keys (the columns it sets); tables without rows
    are skipped. Raises what the driver raises, wrapped by SQLAlchemy (e.g.
    :class:`sqlalchemy.exc.IntegrityError`).
    """
    groups = [group for _, group in rows if group]
    if not groups:
        return
    shape = tuple((table, len(group), tuple(group[0])) for table, group in rows if group)
    for insert in _statements(connection.dialect, shape):
        values = [groups[slot.table][slot.row][slot.column] for slot in insert.slots]
        insert.compiled.execute(connection, values)


def _statements(dialect: Dialect, shape: _Shape) -> tuple[_Insert, ...]:
    cache = _inserts.get(dialect)
    found = cache.get(shape) if cache is not None else None
    if found is not None:
        return found
    built = _build(dialect, shape)
    with _lock:
        cache = _inserts.setdefault(dialect, {})
        if len(cache) < _MAX_SHAPES:
            cache[shape] = built
    return built


def _build(dialect: Dialect, shape: _Shape) -> tuple[_Insert, ...]:
    """Compile ``shape``: on PostgreSQL, tables together up to PSYCOPG_CACHED parameters;
    elsewhere one statement per table."""
    inserts: list[sa.Insert] = []
    slots: dict[str, _Slot] = {}
    for index, (table, count, columns) in enumerate(shape):
        values = []
        for row in range(count):
            names = {column: f"t{index}r{row}_{column}" for column in columns}
            values.append(
                {c: sa.bindparam(name, type_=table.c[c].type) for c, name in names.items()}
            )
            slots.update((name, _Slot(index, row, c)) for c, name in names.items())
        inserts.append(sa.insert(table).values(values))
    chunks: list[list[int]] = []
    used = 0
    for index, (_, count, columns) in enumerate(shape):
        size = count * len(columns)
        if not chunks or dialect.name != "postgresql" or used + size > PSYCOPG_CACHED:
            chunks.append([])
            used = 0
        chunks[-1].append(index)
        used += size
    statements = []
    for chunk in chunks:
        *first, last = (inserts[i] for i in chunk)
        if first:
            ctes = (insert.cte(f"t{i}") for i, insert in zip(chunk[:-1], first, strict=True))
            last = last.add_cte(*ctes)
        compiled = _Compiled.of(last, dialect)
        statements.append(_Insert(compiled, tuple(slots[name] for name in compiled.names)))
    return tuple(statements)
