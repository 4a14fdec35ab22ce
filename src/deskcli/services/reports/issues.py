"""What customers call about most: calls by category and by the known fix used (seed 004)."""

from __future__ import annotations

from sqlmodel import Session

from deskcli.services.reports.common import Counts, Figure, ReportContext, count
from deskcli.services.reports.sqlbits import REPORT_WHERE, Dialect, Window, dialect_of, rows

key = "issues"
title = "Issues customers have frequently"
definition = (
    "Calls handled in the period (opened in it) by category, and by knowledge article used on them "
    "('article_used' events), most frequent first, with the weekly trend of each category."
)

TOP = 10
"""Categories and articles listed in a report."""


def sql(window: Window, dialect: Dialect) -> tuple[str, str]:
    """Two queries: calls per segment and category; article uses per segment and article."""
    by_category = f"""
SELECT {window.segment_sql('call.opened_at')} AS seg, coalesce(call.category, '') AS grp, count(*)
FROM call WHERE call.opened_at >= :lo AND call.opened_at < :hi
GROUP BY seg, grp
"""
    title = dialect.json("ev.payload", "title")
    by_article = f"""
SELECT {window.segment_sql('call.opened_at')} AS seg, coalesce({title}, '?') AS article, count(*)
FROM call_event ev CROSS JOIN call ON call.id = ev.call_id
WHERE {REPORT_WHERE} AND ev.kind = 'article_used' AND ev.at >= :lo
  AND call.opened_at >= :lo AND call.opened_at < :hi
GROUP BY seg, article
"""
    return by_category, by_article


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Counts per segment, named ``category:KEY`` and ``article:TITLE`` (one group: issues are their own breakdown)."""
    connection = session.connection()
    dialect = dialect_of(connection)
    params = window.params(dialect)
    by_category, by_article = sql(window, dialect)
    found = Counts()
    for seg, category, number in rows(connection, by_category, params):
        found.add(seg, "", calls=number)
        found.add_named(seg, "", f"category:{category or '(not assessed)'}", number)
    for seg, article, number in rows(connection, by_article, params):
        found.add_named(seg, "", f"article:{article}", number)
    return found


def ranked(sums: dict[str, float], prefix: str) -> list[tuple[str, float]]:
    """``(name, calls)`` for one prefix, most first (ties by name)."""
    found = [(name[len(prefix) + 1:], value) for name, value in sums.items() if name.startswith(prefix + ":")]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


def figures(sums: dict[str, float]) -> list[Figure]:
    """The calls, then the top categories and articles."""
    found = [count("calls", "calls handled", sums.get("calls", 0))]
    found += [count(f"category:{name}", f"category {name}", value) for name, value in ranked(sums, "category")[:TOP]]
    found += [count(f"article:{name}", f"known fix: {name}", value) for name, value in ranked(sums, "article")[:TOP]]
    return found
