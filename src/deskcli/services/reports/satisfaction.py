"""Satisfaction: the score the customer gave when asked at close (seed: asked verbally by the analyst)."""

from __future__ import annotations

from sqlmodel import Session

from deskcli.services.reports.common import Counts, Figure, ReportContext, count, mean, share
from deskcli.services.reports.sqlbits import DIMENSIONS, REPORT_WHERE, Dialect, Window, dialect_of, join_call, rows

key = "satisfaction"
title = "Customer satisfaction"
definition = (
    "Closes in the period whose 'closed' event carries a score (1-5), asked by the analyst and marked as "
    "given by the customer: scores of 4 or 5 divided by the scored closes; the average and the "
    "distribution of scores; and how many closes had a score at all."
)


def sql(window: Window, by: str | None, dialect: Dialect) -> str:
    """Per segment, group and score: how many closes."""
    score = dialect.json_int("ev.payload", "satisfaction")
    return f"""
SELECT {window.segment_sql('ev.at')} AS seg, {DIMENSIONS[by]} AS grp, {score} AS score, count(*)
FROM call_event ev {join_call(by)}
WHERE {REPORT_WHERE} AND ev.kind = 'closed' AND ev.at >= :lo AND ev.at < :hi
GROUP BY seg, grp, score
"""


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Counts per segment and group, named ``score:N`` (and ``closes``)."""
    connection = session.connection()
    dialect = dialect_of(connection)
    found = Counts()
    for seg, group, score, number in rows(connection, sql(window, by, dialect), window.params(dialect)):
        found.add(seg, group, closes=number)
        if score is not None and 1 <= int(score) <= 5:
            found.add_named(seg, group, f"score:{int(score)}", number)
    return found


def figures(sums: dict[str, float]) -> list[Figure]:
    """Satisfied share, average, capture and distribution."""
    scores = {n: sums.get(f"score:{n}", 0) for n in range(1, 6)}
    rated = sum(scores.values())
    found = [
        share("rate", "satisfied (4-5)", scores[4] + scores[5], rated),
        mean("average", "average score", sum(n * k for n, k in scores.items()), rated, unit="/5"),
        count("rated", "scored closes", rated),
        share("captured", "closes with a score", rated, sums.get("closes", 0)),
    ]
    found += [share(f"score_{n}", f"scored {n}", scores[n], rated) for n in range(5, 0, -1)]
    return found
