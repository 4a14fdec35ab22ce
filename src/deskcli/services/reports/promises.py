"""Promises kept: the customer was told a time, and the desk kept it (or did not)."""

from __future__ import annotations

from sqlmodel import Session

from deskcli.services.reports.common import Counts, Figure, ReportContext, count, share
from deskcli.services.reports.sqlbits import DIMENSIONS, Dialect, Window, dialect_of, rows

key = "promises"
title = "Promises kept"
definition = (
    "Promises due in the period, with their outcome from the 'commitment_resolved' event: kept on or "
    "before the due time, divided by kept (on time or late) plus missed. Kept late is shown apart; "
    "cancelled and rescheduled promises are left out (a rescheduled promise is replaced by a new one, "
    "counted when it falls due); promises still open are shown apart. By kind: next contact after an "
    "escalation, call-back, follow-up call, other promises. Feedback meetings after a review are the "
    "desk's own and are shown apart, outside the rate."
)

KINDS = ("next_contact", "callback", "follow_up", "promise")
"""Promises to customers, in the rate."""

KIND_LABELS = {
    "next_contact": "next contact",
    "callback": "call-back",
    "follow_up": "follow-up call",
    "promise": "other promises",
    "feedback": "feedback meetings (reviews)",
}

OUTCOMES = ("kept_on_time", "kept_late", "missed", "rescheduled", "cancelled", "open_overdue", "open_not_due")


def sql(window: Window, by: str | None, dialect: Dialect) -> str:
    """Per segment, group, kind and outcome: how many promises fell due."""
    outcome = (
        f"(SELECT {dialect.json('ev.payload', 'outcome')} FROM call_event ev "
        f"WHERE ev.call_id = m.call_id AND ev.kind = 'commitment_resolved' "
        f"AND {dialect.json_int('ev.payload', 'commitment_id')} = m.id ORDER BY ev.id LIMIT 1)"
    )
    return f"""
SELECT seg, grp, kind, outcome, overdue, count(*) FROM (
  SELECT {window.segment_sql('m.due_at')} AS seg, {DIMENSIONS[by]} AS grp, m.kind AS kind, {outcome} AS outcome,
    CASE WHEN m.due_at < :now THEN 1 ELSE 0 END AS overdue
  FROM commitment m CROSS JOIN call ON call.id = m.call_id
  WHERE m.due_at >= :lo AND m.due_at < :hi
) GROUP BY seg, grp, kind, outcome, overdue
"""


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Counts per segment and group, named ``outcome:kind``."""
    connection = session.connection()
    dialect = dialect_of(connection)
    found = Counts()
    for seg, group, kind, outcome, overdue, number in rows(connection, sql(window, by, dialect), window.params(dialect)):
        if outcome is None:
            outcome = "open_overdue" if overdue else "open_not_due"
        found.add_named(seg, group, f"{outcome}:{kind}", number)
    return found


def _sum(sums: dict[str, float], outcome: str, kinds: tuple[str, ...] = KINDS) -> float:
    return sum(sums.get(f"{outcome}:{kind}", 0) for kind in kinds)


def figures(sums: dict[str, float]) -> list[Figure]:
    """The rate, kept late, the left-out ones, and the rate by kind."""
    kept, late, missed = _sum(sums, "kept_on_time"), _sum(sums, "kept_late"), _sum(sums, "missed")
    found = [
        share("rate", "kept on time", kept, kept + late + missed),
        share("late", "kept late", late, kept + late + missed),
        share("missed", "missed", missed, kept + late + missed),
        count("due", "promises due (kept or missed)", kept + late + missed),
        count("cancelled", "cancelled (left out)", _sum(sums, "cancelled")),
        count("rescheduled", "rescheduled (left out)", _sum(sums, "rescheduled")),
        count("open_overdue", "still open and overdue", _sum(sums, "open_overdue")),
    ]
    for kind in (*KINDS, "feedback"):
        one = (kind,)
        on_time = _sum(sums, "kept_on_time", one)
        judged = on_time + _sum(sums, "kept_late", one) + _sum(sums, "missed", one)
        found.append(share(f"rate_{kind}", f"{KIND_LABELS[kind]}: kept on time", on_time, judged))
    return found
