"""The escalation review list (seed 004): escalated calls, oldest open first, with their age.

Ages are counted from the call's first escalation: to now for a call still open, to
its close for a closed one. Open escalations fall into the buckets a desk manager
watches (0-5, 6-10, 11-30 and over 30 days), and the close target reads "escalations
closed within 30 days" (the escalation policy's ``close_target_days``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import Session

from deskcli.core.clock import as_utc
from deskcli.models.event import REPORT_KINDS_WHERE
from deskcli.services.actor import Actor
from deskcli.services.reports.sqlbits import dialect_of

if TYPE_CHECKING:
    from deskcli.store.db import Store

BUCKETS = ((0, 5, "0-5 days"), (6, 10, "6-10 days"), (11, 30, "11-30 days"), (31, None, "over 30 days"))
"""Age buckets in whole days since the first escalation."""

PAGE = 50


def bucket_of(days: int) -> str:
    """The bucket label of an age in whole days."""
    for low, high, label in BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return BUCKETS[0][2]


@dataclass(frozen=True)
class ReviewRow:
    """One escalated call in the review list."""

    call_id: int
    reference: str
    customer: str
    analyst: str
    summary: str
    first_escalated_at: datetime
    escalations: int
    status: str
    closed_at: datetime | None
    age_days: int
    reviewed: bool

    @property
    def open(self) -> bool:
        return self.status != "closed"

    @property
    def bucket(self) -> str:
        return bucket_of(self.age_days)


@dataclass(frozen=True)
class ReviewList:
    """A page of the list, with the buckets and the close target over every escalated call."""

    rows: list[ReviewRow]
    offset: int
    total: int
    open_buckets: dict[str, int]
    """Open escalations per age bucket."""
    closed_within_target: int
    closed_late: int
    open_past_target: int
    target_days: int

    @property
    def target_rate(self) -> float | None:
        """Escalations closed within the target, of those closed or already past it."""
        decided = self.closed_within_target + self.closed_late + self.open_past_target
        return 100.0 * self.closed_within_target / decided if decided else None

    def describe_target(self) -> str:
        """``escalations closed within 30 days: 12 of 15 (80%)``."""
        decided = self.closed_within_target + self.closed_late + self.open_past_target
        if not decided:
            return f"escalations closed within {self.target_days} days: none closed or past the target yet"
        return (
            f"escalations closed within {self.target_days} days: {self.closed_within_target} of {decided} "
            f"({self.target_rate:.0f}%; {self.closed_late} closed later, {self.open_past_target} open past it)"
        )


_ESCALATED = f"""
SELECT call_id, min(at) AS first_at, count(*) AS escalations FROM call_event
WHERE {REPORT_KINDS_WHERE} AND kind = 'escalated' GROUP BY call_id
"""


def review_list(session: Session, now: datetime, *, target_days: int, unreviewed_only: bool = False,
                offset: int = 0, limit: int = PAGE) -> ReviewList:
    """Escalated calls, open ones first (oldest escalation first), then closed ones (latest closed first)."""
    connection = session.connection()
    dialect = dialect_of(connection)
    moment = dialect.moment(now)
    age = dialect.days_between("e.first_at", "coalesce(call.closed_at, :now)")
    reviewed = "EXISTS (SELECT 1 FROM escalation_review r WHERE r.call_id = call.id)"
    where = f"WHERE NOT {reviewed}" if unreviewed_only else ""
    base = f"FROM ({_ESCALATED}) e JOIN call ON call.id = e.call_id {where}"
    summary = connection.execute(text(f"""
SELECT
  sum(CASE WHEN call.status <> 'closed' AND {age} < 6 THEN 1 ELSE 0 END),
  sum(CASE WHEN call.status <> 'closed' AND {age} >= 6 AND {age} < 11 THEN 1 ELSE 0 END),
  sum(CASE WHEN call.status <> 'closed' AND {age} >= 11 AND {age} < 31 THEN 1 ELSE 0 END),
  sum(CASE WHEN call.status <> 'closed' AND {age} >= 31 THEN 1 ELSE 0 END),
  sum(CASE WHEN call.status = 'closed' AND {age} <= :target THEN 1 ELSE 0 END),
  sum(CASE WHEN call.status = 'closed' AND {age} > :target THEN 1 ELSE 0 END),
  sum(CASE WHEN call.status <> 'closed' AND {age} > :target THEN 1 ELSE 0 END),
  count(*)
{base}"""), {"now": moment, "target": target_days}).one()
    counts = [int(value or 0) for value in summary]
    rows = connection.execute(text(f"""
SELECT call.id, call.reference, customer.name, coalesce(analyst.name, ''), call.summary, e.first_at, e.escalations,
  call.status, call.closed_at, {age}, {reviewed}
{base.replace('JOIN call ON call.id = e.call_id', 'JOIN call ON call.id = e.call_id JOIN customer ON customer.id = call.customer_id LEFT JOIN analyst ON analyst.id = call.perceived_owner_id')}
ORDER BY CASE WHEN call.status = 'closed' THEN 1 ELSE 0 END, CASE WHEN call.status = 'closed' THEN NULL ELSE e.first_at END,
  call.closed_at DESC, call.id
LIMIT :limit OFFSET :offset"""), {"now": moment, "limit": limit, "offset": offset}).all()
    return ReviewList(
        rows=[
            ReviewRow(
                call_id=row[0], reference=row[1], customer=row[2], analyst=row[3], summary=row[4],
                first_escalated_at=_moment(row[5]), escalations=row[6], status=row[7],
                closed_at=_moment(row[8]) if row[8] is not None else None, age_days=int(row[9] or 0), reviewed=bool(row[10]),
            )
            for row in rows
        ],
        offset=offset,
        total=counts[7],
        open_buckets={label: counts[n] for n, (_low, _high, label) in enumerate(BUCKETS)},
        closed_within_target=counts[4],
        closed_late=counts[5],
        open_past_target=counts[6],
        target_days=target_days,
    )


def _moment(value: object) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    return datetime.fromisoformat(str(value) + "+00:00")


def load_review_list(store: Store, by: Actor, *, target_days: int, unreviewed_only: bool = False, offset: int = 0) -> ReviewList:
    """The use case behind the review list screen."""
    with store.read() as session:
        return review_list(session, by.now(), target_days=target_days, unreviewed_only=unreviewed_only, offset=offset)
