"""Read models for the call screens: one query set, plain frozen data for the UI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from deskcli.models import (
    OPEN_STATUSES,
    Analyst,
    Call,
    CallEvent,
    Commitment,
    CommitmentOutcome,
    Customer,
    CustomerPhone,
    Escalation,
    EventKind,
)
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.lifecycle.holds import hold_count
from deskcli.services.rules.policy import SlaPolicy
from deskcli.services.rules.read_back import Problem, problem_of
from deskcli.services.rules.triggers import CallFacts
from deskcli.services.timekeeping.business_time import BusinessCalendar
from deskcli.services.timekeeping.sla import SlaState, clock_events
from deskcli.services.timekeeping.sla import state_of as sla_state_of


@dataclass(frozen=True)
class PromiseInfo:
    """A promise on the call."""

    id: int
    kind: str
    description: str
    due_at: datetime
    outcome: str | None
    contact_number: str = ""
    """The number to ring (a call-back's)."""


@dataclass(frozen=True)
class EscalationInfo:
    """An escalation of the call."""

    id: int
    type: str
    route: str
    tier: int
    receiver: str
    time_to_fix: str
    escalated_at: datetime
    cause: str = ""
    """Why it was escalated (a key of the policy's causes)."""
    channel: str | None = None
    """The channel the customer is contacted on from this escalation on; ``None``: unchanged."""


@dataclass(frozen=True)
class CallView:
    """Everything a stage screen shows about the current call."""

    call: Call
    """A detached copy of the call row (read only)."""
    customer: Customer
    phones: tuple[str, ...]
    perceived_owner: str
    holds: int
    name_confirmed: bool
    promises: tuple[PromiseInfo, ...]
    escalations: tuple[EscalationInfo, ...]
    clock_events: tuple[CallEvent, ...] = ()
    """The events the SLA clock reads (status changes, waits on the customer)."""
    came_in_on: str = ""
    """The number the phone system gave for the latest call in from the customer ("" if none)."""

    elevated: bool = False
    """The priority was raised by hand (elevation): the derived one only raises it now."""
    supervisor_told: bool = False
    """A notice of the valid complaint went to the supervisor."""
    read_back: Problem | None = None
    """The problem the caller last confirmed when it was read back to them."""

    @property
    def call_back_number(self) -> str:
        """The number a call-back rings unless the caller says otherwise: the one they rang
        in on, else the customer's first phone ("" when neither is known)."""
        return self.came_in_on or (self.phones[0] if self.phones else "")

    @property
    def problem_read_back(self) -> bool:
        """True when the caller confirmed the problem as the record holds it now."""
        return self.read_back is not None and self.read_back == problem_of(self.call)

    @property
    def owners_differ(self) -> bool:
        """True when someone other than the perceived owner is working the call."""
        return self.call.actual_owner_id != self.call.perceived_owner_id

    @property
    def pending_promises(self) -> tuple[PromiseInfo, ...]:
        """Promises not yet settled, soonest first."""
        return tuple(sorted((p for p in self.promises if p.outcome is None), key=lambda p: p.due_at))

    def sla(self, now: datetime, policy: SlaPolicy, zone: ZoneInfo, calendar: BusinessCalendar | None = None) -> SlaState:
        """The call's SLA at ``now``."""
        return sla_state_of(self.call, self.clock_events, now, policy, zone, calendar)

    def sla_breached(self, now: datetime, policy: SlaPolicy, zone: ZoneInfo, calendar: BusinessCalendar | None = None) -> bool:
        """True when the header would say BREACHED: a priority is set and the resolution time limit is reached."""
        return self.call.priority is not None and self.sla(now, policy, zone, calendar).breached

    @property
    def contact_channel(self) -> str:
        """The channel the customer is contacted on now: the latest escalation's change, else the call's."""
        changed = [e.channel for e in self.escalations if e.channel]
        return changed[-1] if changed else self.call.channel

    @property
    def waiting_on_customer(self) -> bool:
        """True while the analyst has the clock paused, waiting on the customer."""
        from deskcli.services.timekeeping.sla import is_waiting

        return is_waiting(self.clock_events)

    def facts(self, *, now: datetime, suggestions_found: bool | None = None, sla_breached: bool = False) -> CallFacts:
        """The facts the escalation triggers look at."""
        call = self.call
        return CallFacts(
            people_affected=call.people_affected,
            departments_affected=call.departments_affected,
            business_impact=call.business_impact,
            executive_affected=call.executive_affected,
            customer_is_vip=self.customer.is_vip,
            security_concern=call.security_concern,
            abuse_warnings=call.abuse_warnings,
            article_used=call.article_id is not None,
            suggestions_found=suggestions_found,
            overdue_promises=sum(1 for p in self.promises if p.outcome is None and p.due_at < now),
            missed_promises=sum(1 for p in self.promises if p.outcome == CommitmentOutcome.MISSED),
            sla_breached=sla_breached,
            company_wide=call.company_wide,
        )


_MARKS = (EventKind.PRIORITY_ELEVATED, EventKind.SUPERVISOR_NOTIFIED, EventKind.PROBLEM_READ_BACK)
"""Events whose presence the view reports (one query for all three)."""


def load(session: Session, call_id: int) -> CallView:
    """The view of one call: the call, its customer, owners, promises and escalations."""
    call = get_call(session, call_id)
    customer = session.get(Customer, call.customer_id)
    assert customer is not None  # a foreign key guarantees it
    phones = tuple(
        session.exec(
            select(CustomerPhone.raw).where(CustomerPhone.customer_id == customer.id).order_by(col(CustomerPhone.id))
        )
    )
    owner = session.get(Analyst, call.perceived_owner_id)
    name_confirmed = session.exec(
        select(func.count())
        .select_from(CallEvent)
        .where(CallEvent.call_id == call_id, CallEvent.kind == EventKind.NAME_CONFIRMED)
    ).one()
    promises = tuple(
        PromiseInfo(c.id, c.kind, c.description, c.due_at, c.outcome, c.contact_number)
        for c in session.exec(select(Commitment).where(Commitment.call_id == call_id).order_by(col(Commitment.due_at)))
    )
    escalations = tuple(
        EscalationInfo(e.id, e.type, e.route, e.tier, e.receiver, e.time_to_fix, e.escalated_at, e.cause, e.channel)
        for e in session.exec(select(Escalation).where(Escalation.call_id == call_id).order_by(col(Escalation.id)))
    )
    marks = session.exec(
        select(CallEvent.kind, CallEvent.payload)
        .where(CallEvent.call_id == call_id, col(CallEvent.kind).in_(_MARKS))
        .order_by(col(CallEvent.id))
    ).all()
    kinds = {kind for kind, _payload in marks}
    read_backs = [payload for kind, payload in marks if kind == EventKind.PROBLEM_READ_BACK]
    return CallView(
        call=call,
        customer=customer,
        phones=phones,
        perceived_owner=owner.name if owner else "",
        holds=hold_count(session, call_id),
        name_confirmed=name_confirmed > 0,
        promises=promises,
        escalations=escalations,
        clock_events=tuple(clock_events(session, [call_id])[call_id]),
        came_in_on=_came_in_on(session, call_id),
        elevated=EventKind.PRIORITY_ELEVATED in kinds,
        supervisor_told=EventKind.SUPERVISOR_NOTIFIED in kinds,
        read_back=Problem.from_payload((read_backs[-1] or {}).get("problem")) if read_backs else None,
    )


def _came_in_on(session: Session, call_id: int) -> str:
    """The number the latest call in from the customer on this call came from, as the phone
    system gave it ("" when it gave none: then it is not known)."""
    for payload in session.exec(
        select(CallEvent.payload)
        .where(CallEvent.call_id == call_id, col(CallEvent.kind).in_([EventKind.CREATED, EventKind.CONTACT_LOGGED]))
        .order_by(col(CallEvent.id).desc())
    ):
        payload = payload or {}
        if payload.get("direction") == "outbound":
            continue  # the desk rang them: not a number they rang in on
        return str(payload.get("caller_number") or "")
    return ""


@dataclass(frozen=True)
class PastCall:
    """A previous call of a customer, for the greeting screen."""

    id: int
    reference: str
    opened_at: datetime
    status: str
    summary: str
    resolution: str


@dataclass(frozen=True)
class CustomerCard:
    """What the analyst sees about a caller before speaking."""

    customer: Customer
    phones: tuple[str, ...]
    recent_calls: tuple[PastCall, ...]
    open_calls: tuple[PastCall, ...]
    promises_due: tuple[PromiseInfo, ...]
    """Unsettled promises owed to this customer, on any of their calls."""
    calls_total: int
    repeat_caller: bool
    """Called within the repeat window, or has a call still open."""


def customer_card(
    session: Session,
    customer_id: int,
    *,
    now: datetime,
    repeat_within_days: int = 14,
    limit: int = 5,
    exclude_call_id: int | None = None,
) -> CustomerCard:
    """A customer's details, recent and open calls, and promises owed to them.

    ``exclude_call_id`` leaves out the call being taken now (it is not a previous call).
    """
    from datetime import timedelta

    customer = session.get(Customer, customer_id)
    if customer is None:
        from deskcli.core.errors import NotFound

        raise NotFound(f"customer {customer_id} does not exist.")
    phones = tuple(
        session.exec(select(CustomerPhone.raw).where(CustomerPhone.customer_id == customer_id).order_by(col(CustomerPhone.id)))
    )

    def past(rows) -> tuple[PastCall, ...]:
        return tuple(PastCall(c.id, c.reference, c.opened_at, c.status, c.summary, c.resolution) for c in rows)

    theirs = [Call.customer_id == customer_id]
    if exclude_call_id is not None:
        theirs.append(Call.id != exclude_call_id)
    recent = past(session.exec(select(Call).where(*theirs).order_by(col(Call.opened_at).desc()).limit(limit)))
    open_calls = past(
        session.exec(
            select(Call).where(*theirs, col(Call.status).in_(OPEN_STATUSES)).order_by(col(Call.opened_at).desc()).limit(limit)
        )
    )
    total = session.exec(select(func.count()).select_from(Call).where(*theirs)).one()
    promises = tuple(
        PromiseInfo(c.id, c.kind, c.description, c.due_at, c.outcome)
        for c in session.exec(
            select(Commitment)
            .join(Call, Call.id == Commitment.call_id)
            .where(Call.customer_id == customer_id, col(Commitment.outcome).is_(None))
            .order_by(col(Commitment.due_at))
            .limit(limit)
        )
    )
    window_start = now - timedelta(days=repeat_within_days)
    repeat = bool(open_calls) or any(c.opened_at >= window_start for c in recent)
    return CustomerCard(customer, phones, recent, open_calls, promises, total, repeat)
