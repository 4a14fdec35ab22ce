"""Queries through deskcli's services against the equivalent raw SQL, on one database.

Each pair runs the same question: once through the service the console calls
(ORM, read models, everything), once as hand-written SQL through the standard
``sqlite3`` module (the floor). Medians and p95 over repeated runs.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from deskcli.runtime import Runtime


@dataclass(frozen=True)
class Timing:
    """Milliseconds over repeated runs."""

    median: float
    p95: float

    @classmethod
    def of(cls, samples: list[float]) -> Timing:
        ordered = sorted(samples)
        return cls(statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))])


@dataclass(frozen=True)
class Pair:
    """A service query and its raw-SQL floor."""

    name: str
    service: Timing
    raw: Timing

    @property
    def ratio(self) -> float:
        """Service median over raw median."""
        return self.service.median / max(self.raw.median, 1e-6)


def timed_pair(name: str, service: Callable[[], object], floor: Callable[[], object], repeat: int) -> Pair:
    """Time ``service`` and ``floor`` ``repeat`` times each (after a warm-up), alternating.

    Alternating puts both under the same machine noise: timing all of one and then all
    of the other let a busy moment land on one side only, which for a 0.3 ms query
    moved the ratio by 2x between runs.
    """
    service()
    floor()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, into in ((service, samples[0]), (floor, samples[1])):
            started = time.perf_counter()
            run()
            into.append((time.perf_counter() - started) * 1000)
    return Pair(name, Timing.of(samples[0]), Timing.of(samples[1]))


def _raw(db_path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
    return connection


def lookup_pair(runtime: Runtime, db_path: Path, prefixes: list[str], repeat: int) -> Pair:
    """Customer lookup by name prefix: the service against one FTS5 query with the same answer."""
    from deskcli.services.lookup import customers
    from deskcli.services.lookup.fts_sqlite import match_expression

    raw = _raw(db_path)
    region = runtime.settings.phone_region

    def service() -> None:
        with runtime.store.read() as session:
            for prefix in prefixes:
                customers.lookup(session, prefix, region=region, limit=12)

    def floor() -> None:
        for prefix in prefixes:
            expression = match_expression(prefix)
            ids = [row[0] for row in raw.execute(
                "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? ORDER BY rowid DESC LIMIT 12", (expression,)
            )]
            marks = ",".join("?" * len(ids))
            if ids:
                raw.execute(
                    f"SELECT id, name, organisation, department, email, pronunciation, is_vip, caution_flags "
                    f"FROM customer WHERE id IN ({marks})", ids
                ).fetchall()
                raw.execute(f"SELECT customer_id, raw FROM customer_phone WHERE customer_id IN ({marks})", ids).fetchall()

    try:
        return timed_pair("lookup query (per prefix set)", service, floor, repeat)
    finally:
        raw.close()


def queue_pairs(runtime: Runtime, db_path: Path, repeat: int) -> list[Pair]:
    """The home queue's and the follow-up list's queries, and the escalation review."""
    from deskcli.services.desk import queue
    from deskcli.services.lifecycle import escalations

    assert runtime.analyst is not None
    me = runtime.analyst.id
    now = runtime.clock.now()
    until = now + timedelta(days=1)
    iso_until = until.strftime("%Y-%m-%d %H:%M:%S.%f")
    raw = _raw(db_path)
    open_statuses = ("open", "escalated", "awaiting_confirmation")

    def service(function: Callable[..., object], **kwargs: object) -> Callable[[], object]:
        def run() -> object:
            with runtime.store.read() as session:
                return function(session, **kwargs)

        return run

    def floor(sql: str, params: tuple[Any, ...]) -> Callable[[], object]:
        return lambda: raw.execute(sql, params).fetchall()

    pairs = [
        (
            "queue: my open calls",
            service(queue.my_open_calls, analyst_id=me),
            floor(
                "SELECT call.*, customer.name FROM call JOIN customer ON customer.id = call.customer_id "
                "WHERE call.status IN (?, ?, ?) AND call.actual_owner_id = ? ORDER BY call.opened_at DESC LIMIT 50",
                (*open_statuses, me),
            ),
        ),
        (
            "queue: perceive-owned elsewhere",
            service(queue.perceived_elsewhere, analyst_id=me),
            floor(
                "SELECT call.*, customer.name FROM call JOIN customer ON customer.id = call.customer_id "
                "WHERE call.status IN (?, ?, ?) AND call.perceived_owner_id = ? "
                "AND (call.actual_owner_id IS NULL OR call.actual_owner_id != ?) ORDER BY call.opened_at DESC LIMIT 50",
                (*open_statuses, me, me),
            ),
        ),
        (
            "queue: promises due today",
            service(queue.promises_due, analyst_id=me, now=now, until=until, limit=50),
            floor(
                "SELECT commitment.*, call.reference, customer.name FROM commitment "
                "JOIN call ON call.id = commitment.call_id JOIN customer ON customer.id = call.customer_id "
                "WHERE commitment.outcome IS NULL AND commitment.owed_by_id = ? AND commitment.due_at < ? "
                "ORDER BY commitment.due_at LIMIT 50",
                (me, iso_until),
            ),
        ),
        (
            "follow-up list: first page of all promises",
            service(queue.pending_promises, analyst_id=me, now=now),
            floor(
                "SELECT commitment.*, call.reference, customer.name FROM commitment "
                "JOIN call ON call.id = commitment.call_id JOIN customer ON customer.id = call.customer_id "
                "WHERE commitment.outcome IS NULL AND commitment.owed_by_id = ? ORDER BY commitment.due_at LIMIT 50 OFFSET 0",
                (me,),
            ),
        ),
        (
            "report: escalation routing review",
            service(escalations.routing_review),
            lambda: (
                raw.execute("SELECT count(DISTINCT call_id) FROM escalation").fetchone(),
                raw.execute("SELECT count(DISTINCT call_id) FROM escalation WHERE previous_id IS NOT NULL").fetchone(),
            ),
        ),
    ]
    try:
        return [timed_pair(name, run, base, repeat) for name, run, base in pairs]
    finally:
        raw.close()
