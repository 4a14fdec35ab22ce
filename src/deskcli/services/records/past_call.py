"""A past call as the history shows it: the record, read only, with its timeline.

From there an analyst may reopen it (with a reason) or log a progress call on it;
each is one use case that owns its transaction and returns the call as it now stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.clock import as_utc
from deskcli.core.enums import contact_by
from deskcli.models import CallEvent, CallStatus, Commitment, Customer, Escalation, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls
from deskcli.services.records.timeline import TimelineEntry, analyst_names, entries_from
from deskcli.services.rules.policy import SlaPolicy
from deskcli.services.timekeeping import sla
from deskcli.services.timekeeping.business_time import BusinessCalendar

if TYPE_CHECKING:
    from deskcli.store.db import Store


@dataclass(frozen=True)
class PromiseLine:
    """A promise of the call and what became of it."""

    kind: str
    description: str
    due_at: datetime
    outcome: str | None
    owed_by: str


@dataclass(frozen=True)
class EscalationLine:
    """An escalation of the call with its hand-off."""

    escalated_at: datetime
    type: str
    route: str
    tier: int
    receiver: str
    handoff: str
    time_to_fix: str
    cause: str = ""
    """Why it was escalated, in words (the cause's label as it was when escalated)."""
    channel: str | None = None
    """The channel the customer is contacted on from this escalation on; ``None``: unchanged."""

    @property
    def summary(self) -> str:
        """``technical_experts tier 2 (functional) to Second-line technical team · cause: … · contact by e-mail from now on``."""
        parts = [f"{self.route} tier {self.tier} ({self.type}) to {self.receiver}"]
        if self.cause:
            parts.append(f"cause: {self.cause}")
        if self.channel:
            parts.append(f"contact {contact_by(self.channel)} from now on")
        return " · ".join(parts)


def _cause_labels(events: list[CallEvent]) -> dict[int, str]:
    """Each escalation's cause in the words recorded with it (the policy may have changed since)."""
    labels = {}
    for event in events:
        payload = event.payload or {}
        if event.kind == EventKind.ESCALATED and payload.get("escalation_id") is not None and payload.get("cause"):
            labels[int(payload["escalation_id"])] = str(payload.get("cause_label") or payload["cause"]).replace("_", " ")
    return labels


@dataclass(frozen=True)
class CallRecord:
    """Everything the past-call screen shows."""

    id: int
    reference: str
    customer: str
    organisation: str
    analyst: str
    """Who took the call (the perceived owner)."""
    working_it: str
    """Who works it now (the actual owner's label)."""
    status: str
    category: str | None
    priority: int | None
    summary: str
    notes: str
    resolution: str
    instructions: str
    opened_at: datetime
    closed_at: datetime | None
    satisfaction: int | None
    sla: str
    """The SLA in words: ``met``, ``missed``, ``2h 10m left`` …"""
    holds: int
    hold_seconds: int
    escalations: tuple[EscalationLine, ...]
    promises: tuple[PromiseLine, ...]
    timeline: tuple[TimelineEntry, ...]
    channel: str = "phone"
    """How the call came in."""

    @property
    def can_reopen(self) -> bool:
        """Only a closed call can be reopened."""
        return self.status == CallStatus.CLOSED


@dataclass(frozen=True)
class RecordContext:
    """What reading a record needs besides the database: the SLA policy, calendar and zone."""

    policy: SlaPolicy
    calendar: BusinessCalendar
    zone: ZoneInfo


def read_record(session: Session, call_id: int, now: datetime, context: RecordContext) -> CallRecord:
    """The call, its promises, escalations and whole timeline (:class:`NotFound` if there is no such call)."""
    call = calls.get_call(session, call_id)
    customer = session.get(Customer, call.customer_id)
    names = analyst_names(session)
    events = session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))).all()
    escalation_rows = session.exec(
        select(Escalation).where(Escalation.call_id == call_id).order_by(col(Escalation.id))
    ).all()
    promises = session.exec(
        select(Commitment).where(Commitment.call_id == call_id).order_by(col(Commitment.id))
    ).all()
    clock = [event for event in events if event.kind in (EventKind.STATUS_CHANGED, EventKind.SLA_PAUSED, EventKind.SLA_RESUMED)]
    state = sla.state_of(call, clock, now, context.policy, context.zone, context.calendar)
    held = [int((event.payload or {}).get("seconds") or 0) for event in events if event.kind == EventKind.HOLD_ENDED]
    causes = _cause_labels(list(events))
    return CallRecord(
        id=call.id,
        reference=call.reference,
        customer=customer.name if customer else "?",
        organisation=customer.organisation if customer else "",
        analyst=names.get(call.perceived_owner_id, "?"),
        working_it=call.actual_owner_label,
        status=call.status,
        category=call.category,
        priority=call.priority,
        summary=call.summary,
        notes=call.notes,
        resolution=call.resolution,
        instructions=call.instructions,
        opened_at=as_utc(call.opened_at),
        closed_at=as_utc(call.closed_at) if call.closed_at else None,
        satisfaction=call.satisfaction,
        sla=state.label() + ("" if not state.response_breached else "; response late"),
        holds=sum(1 for event in events if event.kind == EventKind.HOLD_STARTED),
        hold_seconds=sum(held),
        escalations=tuple(
            EscalationLine(
                as_utc(row.escalated_at), row.type, row.route, row.tier, row.receiver, row.handoff, row.time_to_fix,
                causes.get(row.id or 0, row.cause.replace("_", " ")), row.channel,
            )
            for row in escalation_rows
        ),
        promises=tuple(
            PromiseLine(row.kind, row.description, as_utc(row.due_at), row.outcome, names.get(row.owed_by_id, "?"))
            for row in promises
        ),
        timeline=tuple(entries_from(events, names, {row.id: row.handoff for row in escalation_rows}, context.zone)),
        channel=call.channel,
    )


def load_record(store: Store, by: Actor, call_id: int, context: RecordContext) -> CallRecord:
    """The use case behind opening a past call."""
    with store.read() as session:
        return read_record(session, call_id, by.now(), context)


@dataclass(frozen=True)
class ReopenRequest:
    """Reopen a closed call; the reason is required and kept on the timeline."""

    call_id: int
    reason: str


def reopen(store: Store, by: Actor, request: ReopenRequest, context: RecordContext) -> CallRecord:
    """Reopen the call (refused, with the rule, unless it is closed and a reason is given)."""
    with store.write() as session:
        calls.reopen_call(session, request.call_id, by, reason=request.reason)
    return load_record(store, by, request.call_id, context)


@dataclass(frozen=True)
class ProgressCall:
    """The customer rang about this call (or the analyst rang them): log it on the call."""

    call_id: int
    note: str = ""
    inbound: bool = True


def log_progress_call(store: Store, by: Actor, request: ProgressCall, context: RecordContext) -> CallRecord:
    """Log the contact on the call's timeline and return the call as it now stands."""
    note = request.note.strip() or ("progress call from the customer" if request.inbound else "called the customer")
    with store.write() as session:
        calls.log_contact(session, request.call_id, by, inbound=request.inbound, note=note)
    return load_record(store, by, request.call_id, context)
