"""Reopen rate: closes that did not hold."""

from __future__ import annotations

from sqlmodel import Session

from deskcli.services.reports.common import Counts, Figure, ReportContext, count, share
from deskcli.services.reports.sqlbits import DIMENSIONS, REPORT_WHERE, Dialect, Window, dialect_of, join_call, rows

key = "reopen"
title = "Reopened calls"
definition = "'reopened' events in the period divided by 'closed' events in the period (every close counts, a re-close too)."


def sql(window: Window, by: str | None, dialect: Dialect) -> str:
    """Per segment and group: reopen and close events."""
    return f"""
SELECT {window.segment_sql('ev.at')} AS seg, {DIMENSIONS[by]} AS grp,
  sum(CASE WHEN ev.kind = 'reopened' THEN 1 ELSE 0 END), sum(CASE WHEN ev.kind = 'closed' THEN 1 ELSE 0 END)
FROM call_event ev {join_call(by)}
WHERE {REPORT_WHERE} AND ev.kind IN ('reopened', 'closed') AND ev.at >= :lo AND ev.at < :hi
GROUP BY seg, grp
"""


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Counts per segment and group."""
    connection = session.connection()
    dialect = dialect_of(connection)
    found = Counts()
    for seg, group, reopens, closes in rows(connection, sql(window, by, dialect), window.params(dialect)):
        found.add(seg, group, reopens=reopens, closes=closes)
    return found


def figures(sums: dict[str, float]) -> list[Figure]:
    """Reopens over closes."""
    return [
        share("rate", "reopen rate", sums.get("reopens", 0), sums.get("closes", 0)),
        count("reopens", "reopens", sums.get("reopens", 0)),
        count("closes", "closes", sums.get("closes", 0)),
    ]
