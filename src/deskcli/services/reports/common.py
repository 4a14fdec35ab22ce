"""What every report metric shares: additive counts per time segment and group, and figures.

A metric's query returns counts that add up (calls, seconds, kept promises …) for each
segment of the report's window and each group (analyst, category, priority). Any
period (the report's, the previous one, a trend week) is a set of segments, so one
query per metric serves every column and every row of the report. Rates and averages
are worked out from the sums, never averaged from averages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from deskcli.services.reports.sqlbits import Dialect, Window, dialect_of, rows
from deskcli.services.rules.policy import Policies
from deskcli.services.timekeeping.business_time import BusinessCalendar

ALL = object()
"""Every group together."""


class Counts:
    """Sums per ``(segment, group)``: ``counts.add(seg, group, calls=1, seconds=42)``."""

    def __init__(self) -> None:
        self._sums: dict[tuple[int, object], dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, segment: int, group: object, **values: float) -> None:
        sums = self._sums[(segment, group)]
        for name, value in values.items():
            if value:
                sums[name] += value

    def add_named(self, segment: int, group: object, name: str, value: float) -> None:
        """Add to a counter whose name is data (``"score:4"``, ``"kept_on_time:callback"``)."""
        if value:
            self._sums[(segment, group)][name] += value

    def groups(self) -> list[object]:
        """The groups seen, in a stable order (numbers before text)."""
        found = {group for _segment, group in self._sums}
        return sorted(found, key=lambda group: (isinstance(group, str), group))

    def total(self, segments: Iterable[int], group: object = ALL) -> dict[str, float]:
        """The sums over these segments, for one group or all."""
        wanted = set(segments)
        result: dict[str, float] = defaultdict(float)
        for (segment, found), sums in self._sums.items():
            if segment in wanted and (group is ALL or found == group):
                for name, value in sums.items():
                    result[name] += value
        return result


@dataclass(frozen=True)
class Figure:
    """One number of a report, with what it was worked out from."""

    key: str
    label: str
    value: float | None
    """``None`` when there was nothing to count (no calls, no promises due …)."""
    unit: str
    """``%``, ``s`` (seconds), ``n`` (a count), ``/5`` (a score) or ``x`` (a ratio)."""
    numerator: float | None = None
    denominator: float | None = None


def share(key: str, label: str, part: float, whole: float) -> Figure:
    """``part / whole`` as a percentage; ``None`` when ``whole`` is zero."""
    return Figure(key, label, (100.0 * part / whole) if whole else None, "%", part, whole)


def mean(key: str, label: str, total: float, count: float, unit: str = "s") -> Figure:
    """``total / count``; ``None`` when ``count`` is zero."""
    return Figure(key, label, (total / count) if count else None, unit, total, count)


def count(key: str, label: str, value: float) -> Figure:
    """A plain count."""
    return Figure(key, label, value, "n")


@dataclass(frozen=True)
class ReportContext:
    """What the metrics need besides the database."""

    policies: Policies
    zone: ZoneInfo
    calendar: BusinessCalendar
    now: datetime


class Metric(Protocol):
    """A metric family: its query, and its figures from the sums."""

    key: str
    title: str
    definition: str

    def collect(self, session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
        """Counts per segment and group over the window."""
        ...

    def figures(self, sums: dict[str, float]) -> list[Figure]:
        """The figures from the sums of a period (the first is the headline)."""
        ...


def counted(
    session: Session, window: Window, by: str | None, make_sql: Callable[[Window, str | None, Dialect], str],
    columns: tuple[str, ...],
) -> Counts:
    """Run a metric's query (rows of segment, group, then one sum per name in ``columns``) into counts."""
    connection = session.connection()
    dialect = dialect_of(connection)
    found = Counts()
    for row in rows(connection, make_sql(window, by, dialect), window.params(dialect)):
        found.add(row[0], row[1], **dict(zip(columns, row[2:], strict=True)))
    return found
