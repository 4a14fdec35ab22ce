"""History search and report queries through the services against the same SQL by hand.

* History: a page of 50 calls for a few words, through ``history.search_history``
  (read session, FTS5 match, read models) against the one raw FTS5 statement that
  reads the same columns.
* Reports: each metric family's ``collect`` (its query plus the Python that turns the
  rows into counts - for the SLA, the business-hours arithmetic too) against its SQL
  run through ``sqlite3`` with the same parameters, over the window of a month's
  report (the month, the month before and eight trend weeks) ending before the data's
  last day.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from deskcli.bench.queries import Pair, timed_pair
from deskcli.runtime import Runtime

if TYPE_CHECKING:
    from deskcli.services.reports.sqlbits import Dialect, Window

HISTORY_RAW = (
    "SELECT call.id, call.reference, call.opened_at, customer.name, analyst.name, call.category, call.status, "
    "call.priority, call.summary, EXISTS (SELECT 1 FROM call_event e WHERE e.call_id = call.id AND e.kind = 'escalated'), call.channel "
    "FROM call_fts JOIN call ON call.id = call_fts.rowid JOIN customer ON customer.id = call.customer_id "
    "LEFT JOIN analyst ON analyst.id = call.perceived_owner_id "
    "WHERE call_fts MATCH ? ORDER BY call_fts.rowid DESC LIMIT 50"
)
"""The floor of the history search: the matches and their columns, newest first, one page."""


def _raw(db_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)


def history_words(db_path: Path, count: int, seed: int) -> list[str]:
    """Pairs of words from real call summaries, as an analyst researching past calls would type them."""
    connection = _raw(db_path)
    try:
        total = connection.execute("SELECT max(id) FROM call").fetchone()[0] or 0
        rng = random.Random(seed)
        found: list[str] = []
        for _ in range(count * 20):
            if len(found) >= count or not total:
                break
            row = connection.execute("SELECT summary FROM call WHERE id = ?", (rng.randint(1, total),)).fetchone()
            words = [word for word in (row[0] if row else "").split() if word.isalpha() and len(word) >= 4]
            if len(words) >= 2:
                found.append(" ".join(rng.sample(words, 2)).lower())
        return found
    finally:
        connection.close()


def history_pair(runtime: Runtime, db_path: Path, searches: list[str], repeat: int) -> Pair:
    """A first page of history for each search: the service against the raw FTS5 statement."""
    from deskcli.services.records import fts_calls_sqlite, history

    raw = _raw(db_path)
    zone = runtime.settings.zone()
    requests = [history.HistoryRequest(text) for text in searches]
    expressions = [fts_calls_sqlite.match_expression(text) for text in searches]

    def service() -> None:
        for request in requests:
            history.search_history(runtime.store, runtime.actor(), request, policy=runtime.policies.sla,
                                   calendar=runtime.calendar(), zone=zone)

    def floor() -> None:
        for expression in expressions:
            raw.execute(HISTORY_RAW, (expression,)).fetchall()

    try:
        return timed_pair(f"history search: first page ({len(searches)} searches)", service, floor, repeat)
    finally:
        raw.close()


def report_month(db_path: Path) -> tuple[str, datetime]:
    """The last whole month before the data's newest call, and that moment (the report's "now")."""
    connection = _raw(db_path)
    try:
        newest = connection.execute("SELECT max(opened_at) FROM call").fetchone()[0]
    finally:
        connection.close()
    now = datetime.fromisoformat(newest + "+00:00") if newest else datetime.now().astimezone()
    first_of_month = now.replace(day=1)
    month = (first_of_month - timedelta(days=1)).strftime("%Y-%m")
    return month, now


def _floors(
    module: ModuleType, window: Window, dialect: Dialect, pause_statuses: list[str], raw: sqlite3.Connection
) -> Callable[[], object]:
    """The metric's SQL, run by hand with the same parameters (and, for the SLA, its follow-up queries)."""
    params = window.params(dialect)
    if module.key == "issues":
        statements = module.sql(window, dialect)
        return lambda: [raw.execute(sql, params).fetchall() for sql in statements]
    if module.key == "sla":
        calls_sql, clock_sql = module.sql(window, None, dialect, pause_statuses)
        open_sql = module.open_sql(dialect, None)

        oldest = f"SELECT min({dialect.epoch('opened_at')}) FROM call"

        def run() -> None:
            raw.execute(oldest).fetchall()
            found = raw.execute(calls_sql, params).fetchall()
            pausing = [row[0] for row in found if row[6]]
            if pausing:
                raw.execute(clock_sql, {"ids": json.dumps(pausing)}).fetchall()
            open_rows = raw.execute(open_sql).fetchall()
            ids = [row[0] for row in open_rows]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                raw.execute(module.clock_sql(dialect, len(chunk)), {f"id{n}": i for n, i in enumerate(chunk)}).fetchall()

        return run
    sql = module.sql(window, None, dialect)
    return lambda: raw.execute(sql, params).fetchall()


def report_pairs(runtime: Runtime, db_path: Path, repeat: int) -> tuple[str, list[Pair]]:
    """Each metric family over a month's report window: its service against its SQL; and the month."""
    from deskcli.services.reports.common import ReportContext
    from deskcli.services.reports.period import parse_period
    from deskcli.services.reports.report import METRICS, window_for
    from deskcli.services.reports.sqlbits import Dialect

    month, now = report_month(db_path)
    zone = runtime.settings.zone()
    context = ReportContext(runtime.policies, zone, runtime.calendar(), now)
    window, _segments = window_for(parse_period(month, now=now, zone=zone), now)
    dialect = Dialect("sqlite")
    pause_statuses = list(runtime.policies.sla.pause_statuses)
    raw = _raw(db_path)
    pairs = []
    try:
        for module in METRICS:
            def service(module: ModuleType = module) -> None:
                with runtime.store.read() as session:
                    module.collect(session, window, None, context)

            floor = _floors(module, window, dialect, pause_statuses, raw)
            pairs.append(timed_pair(f"report: {module.title.lower()}", service, floor, repeat))
    finally:
        raw.close()
    return month, pairs
