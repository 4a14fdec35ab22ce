"""Many rows into one table, at close to the cost of the SQL itself.

On SQLite the rows go straight to the driver's ``executemany`` inside the session's
transaction, each value converted by its column's own SQLAlchemy bind processor (so a
datetime or JSON value is stored exactly as the ORM stores it). SQLAlchemy's per-row
work (building parameter dictionaries, processing each through the compiled
statement) cost more than the inserts for 100,000 customers. Elsewhere it is a Core
``executemany``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlmodel import Session

from deskcli.store import rawsql

_MISSING = object()


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the session's transaction."""
    if not rows:
        return
    names = list(rows[0])
    # Columns left out get their model default, as an ORM or Core insert would give them.
    # A scalar default (``is_scalar``) is the one kind with a fixed value to repeat.
    defaults = [(column.name, column.default.arg) for column in table.c
                if column.name not in rows[0] and isinstance(column.default, ScalarElementColumnDefault)]
    extra = tuple(value for _name, value in defaults)
    insert_tuples(session, table, [*names, *(name for name, _value in defaults)],
                  [tuple(row[name] for name in names) + extra for row in rows])


def insert_tuples(session: Session, table: Table, names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples of values for the columns ``names``) into ``table``."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    processors = [
        (position, process)
        for position, name in enumerate(names)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    converted: Sequence[Sequence[Any]] = rows
    if processors:
        # Most of these values repeat (the import's one timestamp, an empty flag list,
        # False): each distinct value is converted once. Lists (JSON) are looked up as tuples.
        plans: list[tuple[int, Callable[[Any], Any], dict[Any, Any], bool]] = [
            (position, process, {}, isinstance(table.c[names[position]].type, JSON)) for position, process in processors
        ]
        changed: list[list[Any]] = []
        for row in rows:
            values = list(row)
            for position, convert, cache, listed in plans:
                value = values[position]
                try:
                    key = tuple(value) if listed and isinstance(value, list) else value
                    found = cache.get(key, _MISSING)
                except TypeError:  # unhashable (a dict): converted each time
                    values[position] = convert(value)
                    continue
                if found is _MISSING:
                    found = convert(value)
                    if len(cache) < 1024:
                        cache[key] = found
                values[position] = found
            changed.append(values)
        converted = changed
    sql = f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
    try:
        rawsql.sqlite_connection(connection).executemany(sql, converted)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
