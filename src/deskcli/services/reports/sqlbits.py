"""The SQL pieces every report query shares, and the few that differ per database.

Report queries are written as SQL (aggregation belongs in the database: counting in
Python over loaded rows is ~15x slower than ``GROUP BY``). What differs between SQLite
and PostgreSQL - reading a JSON field, a moment as epoch seconds, days between two
moments - is said once here. Times are compared as SQLite stores them (UTC text,
``2026-03-10 14:00:00.000000``), which sorts like the moments it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from deskcli.models.event import REPORT_KINDS_WHERE
from deskcli.store import rawsql

BY_CHOICES = ("analyst", "category", "priority")
"""What a report can be broken down by."""

DIMENSIONS = {
    None: "''",
    "analyst": "coalesce(call.perceived_owner_id, 0)",
    "category": "coalesce(call.category, '')",
    "priority": "coalesce(call.priority, 0)",
}
"""The group of a call: the analyst who took it, its category, its priority (the call's own attributes)."""


def cohort(by: str | None) -> str:
    """The calls handled in the window (opened in it), with their group: a ``WITH`` clause's first table."""
    return (
        f"cohort AS (SELECT call.id AS id, call.opened_at AS opened_at, {DIMENSIONS[by]} AS grp "
        "FROM call WHERE call.opened_at >= :lo AND call.opened_at < :hi)"
    )


def join_call(by: str | None, events: str = "ev") -> str:
    """The join to the call row, needed only to group by one of its attributes."""
    return f"CROSS JOIN call ON call.id = {events}.call_id" if by is not None else ""


def stored(moment: datetime) -> str:
    """A moment as SQLite stores it: UTC text, for comparisons in SQL."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True)
class Dialect:
    """How this database reads JSON fields and times."""

    name: str

    def json(self, column: str, key: str) -> str:
        """The text (or number) at ``key`` of a JSON column."""
        if self.name == "postgresql":
            return f"(({column})::jsonb ->> '{key}')"
        return f"json_extract({column}, '$.{key}')"

    def json_int(self, column: str, key: str) -> str:
        """The integer at ``key`` of a JSON column."""
        if self.name == "postgresql":
            return f"((({column})::jsonb ->> '{key}')::bigint)"
        return f"json_extract({column}, '$.{key}')"

    def json_true(self, column: str, key: str) -> str:
        """A condition: the JSON field ``key`` is ``true``."""
        if self.name == "postgresql":
            return f"((({column})::jsonb ->> '{key}') = 'true')"
        return f"(json_extract({column}, '$.{key}') = 1)"

    def epoch(self, column: str) -> str:
        """A moment as seconds since 1970 (a float), for arithmetic."""
        if self.name == "postgresql":
            return f"extract(epoch from {column})"
        return f"((julianday({column}) - 2440587.5) * 86400.0)"

    def days_between(self, earlier: str, later: str) -> str:
        """Days (a float) from one moment to a later one."""
        if self.name == "postgresql":
            return f"(extract(epoch from ({later} - {earlier})) / 86400.0)"
        return f"(julianday({later}) - julianday({earlier}))"

    def moment(self, value: datetime) -> object:
        """A bound parameter for a moment (stored text on SQLite, an aware datetime elsewhere)."""
        return stored(value) if self.name == "sqlite" else value.astimezone(UTC)


REPORT_WHERE = REPORT_KINDS_WHERE
"""Repeated word for word in every query that selects events by kind and time (the partial index)."""


@dataclass(frozen=True)
class Window:
    """The span a report reads, cut at every boundary the figures need (periods and trend weeks)."""

    boundaries: tuple[datetime, ...]
    """Sorted, at least two; segment ``i`` is ``[boundaries[i], boundaries[i + 1])``."""
    now: datetime

    @property
    def start(self) -> datetime:
        return self.boundaries[0]

    @property
    def end(self) -> datetime:
        return self.boundaries[-1]

    def params(self, dialect: Dialect) -> dict[str, object]:
        """``b0`` … ``bn`` and ``now`` as bound parameters."""
        found: dict[str, object] = {f"b{n}": dialect.moment(moment) for n, moment in enumerate(self.boundaries)}
        found["now"] = dialect.moment(self.now)
        found["lo"] = found["b0"]
        found["hi"] = found[f"b{len(self.boundaries) - 1}"]
        return found

    def segment_sql(self, column: str) -> str:
        """``CASE WHEN col < :b1 THEN 0 … END``: the segment of a moment already known to be in the window."""
        parts = [f"WHEN {column} < :b{n} THEN {n - 1}" for n in range(1, len(self.boundaries))]
        return "CASE " + " ".join(parts) + " END"

    def segment_of(self, epoch_seconds: float, epochs: Sequence[float]) -> int | None:
        """The segment of a moment given as epoch seconds (``epochs``: the boundaries as epoch seconds)."""
        from bisect import bisect_right

        if epoch_seconds < epochs[0] or epoch_seconds >= epochs[-1]:
            return None
        return bisect_right(epochs, epoch_seconds) - 1

    def epochs(self) -> list[float]:
        """The boundaries as epoch seconds."""
        return [moment.timestamp() for moment in self.boundaries]


def dialect_of(connection: Connection) -> Dialect:
    """The dialect bits for this connection."""
    return Dialect(connection.dialect.name)


def rows(connection: Connection, sql: str, params: dict[str, object]) -> list[tuple[Any, ...]]:
    """Run a report query in the session's transaction (plain tuples back, at the driver's speed)."""
    return rawsql.run(connection, sql, params)
