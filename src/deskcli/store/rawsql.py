"""Hand-written SQL at the speed of the driver, inside a session's transaction.

The history list and the reports run SQL written for them (aggregates, FTS5 matches)
whose result rows go straight into counts or read models. On SQLite they run on the
DBAPI connection under the session's own connection, so they see the same
transaction; SQLAlchemy's per-row work there cost as much as the SQL on a page of
history or a report's thousands of rows. Elsewhere they run through SQLAlchemy.
Either way driver errors come out as SQLAlchemy's ``DBAPIError``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any, cast

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, ResourceClosedError


def sqlite_connection(connection: Connection) -> sqlite3.Connection:
    """The ``sqlite3`` connection under ``connection`` (a SQLAlchemy connection on SQLite).

    SQLAlchemy types it as its generic DBAPI protocol, ``None`` once invalidated; on
    SQLite deskcli's driver is always ``sqlite3`` (see :func:`deskcli.store.db.build_engine`).
    """
    raw = connection.connection.dbapi_connection
    if raw is None:
        raise ResourceClosedError("the database connection was invalidated")
    # Not an isinstance check: tests put a recording stand-in here to see the SQL sent.
    return cast(sqlite3.Connection, raw)


def run(connection: Connection, sql: str, params: Mapping[str, object] | None = None) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (``:name`` parameters) as plain tuples."""
    params = dict(params or {})
    dialect = connection.dialect
    if dialect.name != "sqlite":
        return [tuple(row) for row in connection.execute(text(sql), params)]
    try:
        return sqlite_connection(connection).execute(sql, params).fetchall()
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc


def stream(connection: Connection, sql: str, params: Mapping[str, object] | None = None, *, size: int = 5000) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` a batch at a time (a report over a month of calls never holds them all)."""
    params = dict(params or {})
    dialect = connection.dialect
    if dialect.name != "sqlite":
        yield from (tuple(row) for row in connection.execute(text(sql), params))
        return
    try:
        cursor = sqlite_connection(connection).execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield from batch
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
