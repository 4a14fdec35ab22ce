"""SQLite FTS5 over calls, kept apart: the only SQLite-specific code of the history search.

The index (``call_fts``, migration 0007) holds, per call, the words of its summary,
notes, resolution, the hand-offs of its escalations and its customer's name and
organisation. It is contentless and ``detail=none``: it knows which calls hold a
word, nothing more, which is all a whole-word search needs.

Words match whole words (with English stemming: *printers* finds *printer*), every
word must match, and FTS syntax typed by the analyst is searched for, never
interpreted. Matches come newest first by ``rowid`` (the call id), never by
``rank``: ordering a common word by rank over a million calls is hundreds of times
slower.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from deskcli.store import rawsql

_WORD = re.compile(r"\w+", re.UNICODE)

DOC_SQL = (
    "SELECT c.id, c.summary, c.notes, c.resolution, "
    "coalesce((SELECT group_concat(e.handoff, ' ') FROM escalation e WHERE e.call_id = c.id), ''), "
    "coalesce((SELECT cu.name || ' ' || cu.organisation FROM customer cu WHERE cu.id = c.customer_id), '') "
    "FROM call c"
)
"""Every call's document, as the 0007 triggers index it."""

REBUILD_SQL = (
    "INSERT INTO call_fts(call_fts) VALUES('delete-all')",
    f"INSERT INTO call_fts(rowid, summary, notes, resolution, handoff, customer) {DOC_SQL}",
)
"""Re-index every call (after a bulk load that ran without the triggers)."""


def words(query: str) -> list[str]:
    """The searchable words of what was typed (punctuation and FTS operators' symbols dropped)."""
    return _WORD.findall(query)


def match_expression(query: str) -> str | None:
    """A safe FTS5 query: every typed word quoted (so ``NEAR``, ``AND``, ``*`` are just words).

    ``None`` when nothing searchable was typed.
    """
    found = words(query)
    if not found:
        return None
    return " ".join(f'"{word}"' for word in found)


def matching_ids(connection: Connection, expression: str, *, before_id: int | None, limit: int) -> list[int]:
    """Ids of calls matching ``expression``, newest first, below ``before_id``, at most ``limit``."""
    sql = "SELECT rowid FROM call_fts WHERE call_fts MATCH :q"
    params: dict[str, object] = {"q": expression, "n": limit}
    if before_id is not None:
        sql += " AND rowid < :before"
        params["before"] = before_id
    return [row[0] for row in execute(connection, sql + " ORDER BY rowid DESC LIMIT :n", params)]


def rebuild(connection: Connection) -> None:
    """Index every call afresh (inside the caller's transaction)."""
    for statement in REBUILD_SQL:
        connection.execute(text(statement))


# --- the history list's own SQL on SQLite ---------------------------------------------
#
# The history page runs at the speed of the hand-written SQL: statements are put
# together from fixed fragments (every value is a bound parameter, the ids are the
# database's own integers) and run on the session's DBAPI connection. SQLAlchemy's
# per-statement work cost ten times the SQL for a page of 50 calls.

_ESCALATED = "EXISTS (SELECT 1 FROM call_event e WHERE e.call_id = call.id AND e.kind = 'escalated')"

FETCH_COLUMNS = (
    "SELECT call.id, call.reference, call.opened_at, customer.name, analyst.name, call.category, call.status, "
    f"call.priority, call.summary, {_ESCALATED}, call.channel "
    "FROM call JOIN customer ON customer.id = call.customer_id LEFT JOIN analyst ON analyst.id = call.perceived_owner_id"
)
"""What a history row shows (the same columns the raw-SQL floor of the benchmark reads)."""

_FILTERS = {
    "period": "call.opened_at >= :period_start AND call.opened_at < :period_end",
    "analyst_id": "call.perceived_owner_id = :analyst_id",
    "customer_id": "call.customer_id = :customer_id",
    "category": "call.category = :category",
    "status": "call.status = :status",
    "priority": "call.priority = :priority",
}
_PROMISE = (
    "EXISTS (SELECT 1 FROM call_event e WHERE e.call_id = call.id AND e.kind = 'commitment_resolved' "
    "AND json_extract(e.payload, '$.outcome') IN ({outcomes}))"
)


def stored_time(moment) -> str:
    """A UTC moment as SQLAlchemy stores it on SQLite (``2026-03-10 14:00:00.000000``), for comparisons."""
    from datetime import UTC

    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def filter_sql(filters) -> tuple[list[str], dict[str, object]]:
    """The SQL conditions and parameters of the history filters (all but the SLA's)."""
    conditions: list[str] = []
    params: dict[str, object] = {}
    if filters.period is not None:
        conditions.append(_FILTERS["period"])
        params.update(period_start=stored_time(filters.period.start), period_end=stored_time(filters.period.end))
    for name in ("analyst_id", "customer_id", "category", "status", "priority"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(_FILTERS[name])
            params[name] = value
    if filters.escalated is not None:
        conditions.append(_ESCALATED if filters.escalated else f"NOT {_ESCALATED}")
    if filters.promise is not None:
        outcomes = "'kept_on_time', 'kept_late'" if filters.promise == "kept" else "'missed'"
        conditions.append(_PROMISE.format(outcomes=outcomes))
    return conditions, params


def plain_ids(connection: Connection, *, before_id: int | None, low: int | None, limit: int) -> list[int]:
    """Call ids newest first (no words typed), below ``before_id`` and from ``low``."""
    where, params = [], {"n": limit}
    if before_id is not None:
        where.append("id < :before")
        params["before"] = before_id
    if low is not None:
        where.append("id >= :low")
        params["low"] = low
    sql = "SELECT id FROM call" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT :n"
    return [row[0] for row in execute(connection, sql, params)]


def fetch_rows(connection: Connection, ids: list[int], filters) -> list[tuple]:
    """The history columns of the calls with these ids that pass the filters, newest first."""
    conditions, params = filter_sql(filters)
    listed = ",".join(str(int(call_id)) for call_id in ids)
    sql = f"{FETCH_COLUMNS} WHERE call.id IN ({listed})"
    if conditions:
        sql += " AND " + " AND ".join(conditions)
    return execute(connection, sql + " ORDER BY call.id DESC", params)


def execute(connection: Connection, sql: str, params: dict[str, object]) -> list[tuple]:
    """Run ``sql`` in the session's transaction at the driver's speed (see :mod:`deskcli.store.rawsql`)."""
    return rawsql.run(connection, sql, params)


def unfiltered_rows(connection: Connection, expression: str | None, *, before_id: int | None, limit: int) -> list[tuple]:
    """Without filters every candidate is a row: the matches and their columns in one statement."""
    params: dict[str, object] = {"n": limit}
    if expression is not None:
        sql = FETCH_COLUMNS.replace("FROM call ", "FROM call_fts JOIN call ON call.id = call_fts.rowid ", 1)
        sql += " WHERE call_fts MATCH :q"
        params["q"] = expression
        order = "call_fts.rowid"
    else:
        sql = FETCH_COLUMNS + " WHERE 1"
        order = "call.id"
    if before_id is not None:
        sql += f" AND {order} < :before"
        params["before"] = before_id
    return execute(connection, f"{sql} ORDER BY {order} DESC LIMIT :n", params)
