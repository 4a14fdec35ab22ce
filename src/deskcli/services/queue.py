"""The home queue: what this analyst must look at now.

Each list is one indexed query with a limit (pages, never whole tables), returning
plain read models the screens display as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from deskcli.clock import as_utc
from deskcli.models import OPEN_STATUSES, Call, Commitment, Customer, Escalation
from deskcli.services.business_time import BusinessCalendar
from deskcli.services.policy import SlaPolicy


@dataclass(frozen=True)
class CallRow:
    """One call in a queue list."""

    id: int
    reference: str
    customer: str
    status: str
    stage: str
    summary: str
    priority: int | None
    opened_at: datetime
    actual_owner: str
    owners_differ: bool
    """True when someone else is working a call the customer believes this analyst has."""
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class RowNotes:
    """What the queue says about a call beyond its record: SLA, escalation age, next contact."""

    sla: str = ""
    sla_alarm: bool = False
    """Warning or breached: shown loudly."""
    escalated_days: int | None = None
    """Days since the latest escalation, when it is past the close target (seed 004: 30 days)."""
    next_contact: datetime | None = None
    """The soonest pending promise on the call."""


@dataclass(frozen=True)
class PromiseRow:
    """One pending promise in a queue list."""

    id: int
    call_id: int
    reference: str
    customer: str
    kind: str
    description: str
    due_at: datetime
    overdue: bool
    owed_by_id: int = 0


def _call_rows(session: Session, query, me: int) -> list[CallRow]:  # noqa: ANN001
    rows = session.exec(query).all()
    return [
        CallRow(
            id=call.id,
            reference=call.reference,
            customer=name,
            status=call.status,
            stage=call.stage,
            summary=call.summary,
            priority=call.priority,
            opened_at=call.opened_at,
            actual_owner=call.actual_owner_label,
            owners_differ=call.actual_owner_id != call.perceived_owner_id,
            acknowledged_at=call.acknowledged_at,
            closed_at=call.closed_at,
        )
        for call, name in rows
    ]


def my_open_calls(session: Session, analyst_id: int, *, limit: int = 50, offset: int = 0) -> list[CallRow]:
    """Open calls this analyst is working (actual owner), newest first."""
    query = (
        select(Call, Customer.name)
        .join(Customer, Customer.id == Call.customer_id)
        .where(col(Call.status).in_(OPEN_STATUSES), Call.actual_owner_id == analyst_id)
        .order_by(col(Call.opened_at).desc())
        .offset(offset)
        .limit(limit)
    )
    return _call_rows(session, query, analyst_id)


def perceived_elsewhere(session: Session, analyst_id: int, *, limit: int = 50, offset: int = 0) -> list[CallRow]:
    """Calls the customer believes this analyst has, while someone else works them.

    The analyst must keep these customers informed until the call is closed.
    """
    query = (
        select(Call, Customer.name)
        .join(Customer, Customer.id == Call.customer_id)
        .where(
            col(Call.status).in_(OPEN_STATUSES),
            Call.perceived_owner_id == analyst_id,
            or_(col(Call.actual_owner_id).is_(None), Call.actual_owner_id != analyst_id),
        )
        .order_by(col(Call.opened_at).desc())
        .offset(offset)
        .limit(limit)
    )
    return _call_rows(session, query, analyst_id)


def _promise_rows(session: Session, query, now: datetime) -> list[PromiseRow]:  # noqa: ANN001
    return [
        PromiseRow(
            id=commitment.id,
            call_id=commitment.call_id,
            reference=reference,
            customer=name,
            kind=commitment.kind,
            description=commitment.description,
            due_at=commitment.due_at,
            overdue=commitment.due_at < now,
            owed_by_id=commitment.owed_by_id,
        )
        for commitment, reference, name in session.exec(query).all()
    ]


def _pending_query(analyst_id: int | None):  # noqa: ANN202
    """Unsettled promises, soonest first: one analyst's, or everybody's (``None``)."""
    query = (
        select(Commitment, Call.reference, Customer.name)
        .join(Call, Call.id == Commitment.call_id)
        .join(Customer, Customer.id == Call.customer_id)
        .where(col(Commitment.outcome).is_(None))
        .order_by(col(Commitment.due_at))
    )
    return query if analyst_id is None else query.where(Commitment.owed_by_id == analyst_id)


def promises_due(session: Session, analyst_id: int | None, *, now: datetime, until: datetime, limit: int = 100) -> list[PromiseRow]:
    """Pending promises owed by this analyst (or anyone, for ``None``) due before ``until``, overdue first."""
    query = _pending_query(analyst_id).where(col(Commitment.due_at) < as_utc(until)).limit(limit)
    return _promise_rows(session, query, as_utc(now))


def pending_promises(session: Session, analyst_id: int, *, now: datetime, limit: int = 50, offset: int = 0) -> list[PromiseRow]:
    """Every unsettled promise this analyst owes, soonest first, one page at a time."""
    return _promise_rows(session, _pending_query(analyst_id).offset(offset).limit(limit), as_utc(now))


def annotate(
    session: Session,
    rows: list[CallRow],
    *,
    now: datetime,
    sla_policy: SlaPolicy,
    close_target_days: int,
    zone: ZoneInfo,
    calendar: BusinessCalendar,
) -> dict[int, RowNotes]:
    """SLA state, escalation age and next promise for each listed call (three indexed queries)."""
    from deskcli.services import sla

    ids = [row.id for row in rows]
    if not ids:
        return {}
    clock = sla.clock_events(session, ids)
    latest_escalation = dict(
        session.exec(
            select(Escalation.call_id, func.max(Escalation.escalated_at))
            .where(col(Escalation.call_id).in_(ids))
            .group_by(Escalation.call_id)
        ).all()
    )
    next_promise = dict(
        session.exec(
            select(Commitment.call_id, func.min(Commitment.due_at))
            .where(col(Commitment.call_id).in_(ids), col(Commitment.outcome).is_(None))
            .group_by(Commitment.call_id)
        ).all()
    )
    notes = {}
    for row in rows:
        state = sla.state(
            opened_at=row.opened_at, priority=row.priority, acknowledged_at=row.acknowledged_at,
            closed_at=row.closed_at, pauses=sla.pauses_from_events(clock[row.id], sla_policy.pause_statuses),
            now=now, policy=sla_policy, zone=zone, calendar=calendar,
        )
        escalated = latest_escalation.get(row.id)
        if escalated is not None and escalated.tzinfo is None:
            escalated = escalated.replace(tzinfo=UTC)
        days = (now - escalated).days if escalated is not None else None
        due = next_promise.get(row.id)
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        notes[row.id] = RowNotes(
            sla=state.label() + ("" if row.priority else " (priority not set)"),
            sla_alarm=state.breached or state.warning,
            escalated_days=days if days is not None and days > close_target_days else None,
            next_contact=due,
        )
    return notes
