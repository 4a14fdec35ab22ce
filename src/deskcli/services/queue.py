"""The home queue: what this analyst must look at now.

Each list is one indexed query with a limit (pages, never whole tables), returning
plain read models the screens display as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskcli.clock import as_utc
from deskcli.models import OPEN_STATUSES, Call, Commitment, Customer


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
        )
        for commitment, reference, name in session.exec(query).all()
    ]


def _pending_query(analyst_id: int):  # noqa: ANN202
    return (
        select(Commitment, Call.reference, Customer.name)
        .join(Call, Call.id == Commitment.call_id)
        .join(Customer, Customer.id == Call.customer_id)
        .where(col(Commitment.outcome).is_(None), Commitment.owed_by_id == analyst_id)
        .order_by(col(Commitment.due_at))
    )


def promises_due(session: Session, analyst_id: int, *, now: datetime, until: datetime, limit: int = 100) -> list[PromiseRow]:
    """Pending promises owed by this analyst due before ``until`` (overdue ones first)."""
    query = _pending_query(analyst_id).where(col(Commitment.due_at) < as_utc(until)).limit(limit)
    return _promise_rows(session, query, as_utc(now))


def pending_promises(session: Session, analyst_id: int, *, now: datetime, limit: int = 50, offset: int = 0) -> list[PromiseRow]:
    """Every unsettled promise this analyst owes, soonest first, one page at a time."""
    return _promise_rows(session, _pending_query(analyst_id).offset(offset).limit(limit), as_utc(now))
