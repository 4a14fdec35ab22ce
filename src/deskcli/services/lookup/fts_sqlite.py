"""SQLite FTS5 queries, kept apart: the only SQLite-specific search code.

The indexes themselves are made by migration 0002. Other databases use the portable
prefix queries in :mod:`deskcli.services.lookup`.
"""

from __future__ import annotations

import re

from sqlalchemy import Integer, Subquery, text
from sqlmodel import Session

_TOKEN = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str, *, column: str | None = None, any_word: bool = False) -> str | None:
    """Build a safe FTS5 query: each typed word as a quoted prefix term.

    Words are quoted, so FTS5 syntax typed by the analyst (``AND``, ``*``, ``"``) is
    searched for, never interpreted. ``None`` when nothing searchable was typed.
    """
    words = _TOKEN.findall(query)
    if not words:
        return None
    terms = [f'"{word}"*' for word in words]
    joined = " OR ".join(terms) if any_word else " ".join(terms)
    if column:
        return f"{{{column}}} : ({joined})"
    return joined


_CUSTOMER_MATCHES = text(
    "SELECT rowid FROM customer_fts WHERE customer_fts MATCH :fts_query ORDER BY rowid DESC LIMIT :fts_limit"
).columns(rowid=Integer)


def customer_matches(name: str = "customer_match") -> Subquery:
    """The ids (``rowid``) of customers matching ``:fts_query``, newest first, at most ``:fts_limit``.

    A subquery to join the customer rows to, so one statement both searches and
    fetches; bind ``fts_query`` (a :func:`match_expression`) and ``fts_limit``.
    """
    return _CUSTOMER_MATCHES.subquery(name)


def customer_ids(session: Session, query: str, limit: int) -> list[int]:
    """Customer ids whose name matches first, then any other indexed field, newest first."""
    found: list[int] = []
    for column in ("name", None):
        expression = match_expression(query, column=column)
        if expression is None:
            return []
        rows = session.connection().execute(
            text("SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q ORDER BY rowid DESC LIMIT :n"),
            {"q": expression, "n": limit},
        )
        for (rowid,) in rows:
            if rowid not in found:
                found.append(rowid)
        if len(found) >= limit:
            break
    return found[:limit]


def article_ids(session: Session, query: str, limit: int) -> list[int]:
    """Knowledge article ids matching any typed word, best match first (bm25)."""
    expression = match_expression(query, any_word=True)
    if expression is None:
        return []
    rows = session.connection().execute(
        text(
            "SELECT rowid FROM article_fts WHERE article_fts MATCH :q "
            "ORDER BY bm25(article_fts, 10.0, 5.0, 2.0, 1.0) LIMIT :n"
        ),
        {"q": expression, "n": limit},
    )
    return [rowid for (rowid,) in rows]


_CUSTOMER_INSERT_TRIGGER = "customer_fts_ai"
_CUSTOMER_COLUMNS = "name, organisation, email, department"


class BulkCustomerIndex:
    """Many new customers in one transaction: index them in one statement, not one trigger each.

    The insert trigger (migration 0002) indexes customers one row at a time; for
    100,000 imported customers that was three quarters of the import. Inside the
    importer's write transaction the trigger is dropped, the rows are inserted, the
    new rows are indexed with one ``INSERT … SELECT`` and the trigger is put back:
    all in the same transaction, so any failure rolls the trigger back as well, and
    no other connection can write (the transaction holds the write lock).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        row = session.connection().execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": _CUSTOMER_INSERT_TRIGGER},
        ).first()
        self._trigger_sql: str | None = row[0] if row else None
        if self._trigger_sql is not None:
            session.connection().exec_driver_sql(f"DROP TRIGGER {_CUSTOMER_INSERT_TRIGGER}")

    def finish(self, batch_id: int) -> None:
        """Index the customers the batch created, and put the trigger back."""
        if self._trigger_sql is None:
            return
        connection = self.session.connection()
        connection.execute(
            text(f"INSERT INTO customer_fts(rowid, {_CUSTOMER_COLUMNS}) "
                 f"SELECT id, {_CUSTOMER_COLUMNS} FROM customer WHERE import_batch_id = :batch"),
            {"batch": batch_id},
        )
        connection.exec_driver_sql(self._trigger_sql)
        self._trigger_sql = None
