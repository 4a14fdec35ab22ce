"""Holds and handle time: how long callers wait, and how long a call takes."""

from __future__ import annotations

from sqlmodel import Session

from deskcli.services.reports.common import Counts, Figure, ReportContext, count, counted, mean
from deskcli.services.reports.sqlbits import REPORT_WHERE, Dialect, Window, cohort

key = "handling"
title = "Holds and handle time"
definition = (
    "Calls handled in the period (opened in it). Hold: the seconds of every 'hold_ended' event; average "
    "hold per call over all the calls handled, per hold, holds per call, and long holds (past the hold "
    "policy's warning). Handle time per call: talk time, which includes the holds, from the start of the "
    "call to the end of the first conversation ('talk_ended', or the close if it came first), plus each "
    "later conversation ('talk_resumed' to the next end); after-call work is not recorded. Calls still in "
    "their first conversation are left out of handle time."
)


def sql(window: Window, by: str | None, dialect: Dialect) -> str:
    """Per segment and group: calls, holds, hold seconds, long holds, talk seconds of finished talks."""
    seconds = dialect.json_int("ev.payload", "seconds")
    long = dialect.json_true("ev.payload", "long")
    resumed = (
        f"(SELECT {dialect.epoch('min(e2.at)')} FROM call_event e2 WHERE e2.call_id = ev.call_id AND e2.id > ev.id "
        f"AND e2.kind IN ('talk_ended', 'closed')) - {dialect.epoch('ev.at')}"
    )
    return f"""
WITH {cohort(by)}, holds AS (
  SELECT ev.call_id AS call_id, count(*) AS holds, sum({seconds}) AS hold_seconds,
    sum(CASE WHEN {long} THEN 1 ELSE 0 END) AS long_holds
  FROM call_event ev
  WHERE {REPORT_WHERE} AND ev.kind = 'hold_ended' AND ev.at >= :lo
  GROUP BY ev.call_id
), talks AS (
  -- From the index alone (kind, at, call id and the event id): no event row is read.
  SELECT ev.call_id AS call_id,
    min(CASE WHEN ev.kind IN ('talk_ended', 'closed') THEN ev.at END) AS first_end,
    sum(CASE WHEN ev.kind = 'talk_resumed' THEN coalesce({resumed}, 0) ELSE 0 END) AS resumed_seconds
  FROM call_event ev
  WHERE {REPORT_WHERE} AND ev.kind IN ('talk_ended', 'talk_resumed', 'closed') AND ev.at >= :lo
  GROUP BY ev.call_id
)
SELECT {window.segment_sql('cohort.opened_at')} AS seg, cohort.grp, count(*),
  sum(coalesce(h.holds, 0)), sum(coalesce(h.hold_seconds, 0)), sum(coalesce(h.long_holds, 0)),
  sum(CASE WHEN t.first_end IS NOT NULL THEN 1 ELSE 0 END),
  sum(CASE WHEN t.first_end IS NOT NULL
      THEN round({dialect.epoch('t.first_end')} - {dialect.epoch('cohort.opened_at')} + t.resumed_seconds, 3) ELSE 0 END),
  sum(CASE WHEN t.first_end IS NOT NULL THEN coalesce(h.hold_seconds, 0) ELSE 0 END)
FROM cohort LEFT JOIN holds h ON h.call_id = cohort.id LEFT JOIN talks t ON t.call_id = cohort.id
GROUP BY seg, cohort.grp
"""


_COLUMNS = ("calls", "holds", "hold_seconds", "long_holds", "talked", "talk_seconds", "talked_hold_seconds")


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Counts per segment and group."""
    return counted(session, window, by, sql, _COLUMNS)


def figures(sums: dict[str, float]) -> list[Figure]:
    """Average hold per call and per hold, holds per call, long holds, handle time."""
    calls, holds = sums.get("calls", 0), sums.get("holds", 0)
    talk, hold = sums.get("talk_seconds", 0), sums.get("hold_seconds", 0)
    talked = sums.get("talked", 0)
    return [
        mean("hold_per_call", "average hold per call", hold, calls),
        mean("hold_per_hold", "average hold", hold, holds),
        mean("holds_per_call", "holds per call", holds, calls, unit="x"),
        count("long_holds", "long holds", sums.get("long_holds", 0)),
        mean("handle", "average handle time (talk + hold)", talk, talked),
        mean("talk", "of which talking (not on hold)", talk - sums.get("talked_hold_seconds", 0), talked),
        count("calls", "calls handled", calls),
    ]
