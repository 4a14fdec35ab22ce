"""Escalation rate: how many calls needed someone else (seed 004: the fewer, the more efficient)."""

from __future__ import annotations

from sqlmodel import Session

from deskcli.services.reports.common import Counts, Figure, ReportContext, count, counted, share
from deskcli.services.reports.sqlbits import REPORT_WHERE, Dialect, Window, cohort

key = "escalation"
title = "Escalations"
definition = (
    "Calls handled in the period (opened in it) with at least one 'escalated' event, divided by the calls "
    "handled; functional and hierarchical apart (a call escalated both ways counts in each). Re-routed: "
    "calls escalated again after a first escalation (sent on to another tier or route). Reassignments: "
    "every move of the call's actual owner ('ownership_moved' events)."
)


def sql(window: Window, by: str | None, dialect: Dialect) -> str:
    """Per segment and group: calls handled, escalated (by type), re-routed, owner moves."""
    kind = dialect.json("ev.payload", "type")
    again = dialect.json_true("ev.payload", "re_escalation")
    return f"""
WITH {cohort(by)}, esc AS (
  SELECT ev.call_id AS call_id,
    sum(CASE WHEN ev.kind = 'escalated' THEN 1 ELSE 0 END) AS escalations,
    max(CASE WHEN ev.kind = 'escalated' AND {kind} = 'functional' THEN 1 ELSE 0 END) AS functional,
    max(CASE WHEN ev.kind = 'escalated' AND {kind} = 'hierarchical' THEN 1 ELSE 0 END) AS hierarchical,
    sum(CASE WHEN ev.kind = 'escalated' AND {again} THEN 1 ELSE 0 END) AS rerouted,
    sum(CASE WHEN ev.kind = 'ownership_moved' THEN 1 ELSE 0 END) AS moves
  FROM call_event ev
  WHERE {REPORT_WHERE} AND ev.kind IN ('escalated', 'ownership_moved') AND ev.at >= :lo
  GROUP BY ev.call_id
)
SELECT {window.segment_sql('cohort.opened_at')} AS seg, cohort.grp, count(*),
  sum(CASE WHEN esc.escalations > 0 THEN 1 ELSE 0 END), sum(coalesce(esc.functional, 0)),
  sum(coalesce(esc.hierarchical, 0)), sum(CASE WHEN esc.rerouted > 0 THEN 1 ELSE 0 END),
  sum(coalesce(esc.moves, 0))
FROM cohort LEFT JOIN esc ON esc.call_id = cohort.id
GROUP BY seg, cohort.grp
"""


_COLUMNS = ("handled", "escalated", "functional", "hierarchical", "rerouted", "reassignments")


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Counts per segment and group."""
    return counted(session, window, by, sql, _COLUMNS)


def figures(sums: dict[str, float]) -> list[Figure]:
    """The rate, by type, re-routing and reassignments."""
    handled = sums.get("handled", 0)
    escalated = sums.get("escalated", 0)
    return [
        share("rate", "escalation rate", escalated, handled),
        count("handled", "calls handled", handled),
        share("functional", "functional", sums.get("functional", 0), handled),
        share("hierarchical", "hierarchical", sums.get("hierarchical", 0), handled),
        share("rerouted", "re-routed (of escalated calls)", sums.get("rerouted", 0), escalated),
        count("reassignments", "reassignments (owner moves)", sums.get("reassignments", 0)),
    ]
