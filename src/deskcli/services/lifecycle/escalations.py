"""Escalating a call (seed: Call Escalation Procedure, Ownership).

An escalation must carry a route, the hand-off detail and the time the customer
was told to expect the next contact. It moves the actual owner to the receiver and
keeps the analyst as the perceived owner, who now owes the customer that contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from deskcli.core.errors import RuleViolation
from deskcli.models import CallStatus, CommitmentKind, Escalation, EscalationType, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call, set_status
from deskcli.services.lifecycle.commitments import make_commitment, require_future
from deskcli.services.rules.policy import EscalationPolicy


@dataclass
class EscalationRequest:
    """What the analyst fills in to escalate."""

    route: str
    handoff: str
    next_contact_at: datetime | None
    """When the customer was told they will next hear from the desk (aware)."""
    receiver: str = ""
    """Defaults to the route tier's receiver."""
    tier: int | None = None
    """Defaults to the route's first tier."""
    type: EscalationType | None = None
    """Defaults to the route's type."""
    time_to_fix: str = ""
    triggers: list[str] = field(default_factory=list)
    receiver_analyst_id: int | None = None


def escalate(session: Session, call_id: int, request: EscalationRequest, by: Actor, *, policy: EscalationPolicy) -> Escalation:
    """Escalate a call; refuses (naming every missing item) when the procedure is not met."""
    call = get_call(session, call_id)
    if call.status == CallStatus.CLOSED:
        raise RuleViolation(f"{call.reference} is closed: reopen it (with a reason) before escalating.")
    route = policy.route(request.route.strip()) if request.route.strip() else None
    missing = []
    if not request.route.strip():
        missing.append("a route (who will take it over)")
    elif route is None:
        known = ", ".join(r.key for r in policy.routes)
        raise RuleViolation(f"route: {request.route!r} is not an escalation route; expected one of {known}.")
    if not request.handoff.strip():
        missing.append("the hand-off detail (pass on as much detail as possible)")
    if request.next_contact_at is None:
        missing.append("the time the customer was told to expect the next contact")
    if missing:
        raise RuleViolation(
            f"{call.reference} cannot be escalated without " + ", ".join(missing) + ".",
            "Seed: pass on as much detail as possible, and give the customer a time frame "
            "for when they will next hear from the help desk.",
        )
    assert route is not None
    next_contact = require_future(request.next_contact_at, by, "next contact time")
    tier_number = request.tier or route.tiers[0].tier
    tier = route.tier(tier_number)
    if tier is None:
        tiers = ", ".join(str(t.tier) for t in route.tiers)
        raise RuleViolation(f"tier: route {route.key} has no tier {tier_number}; it has {tiers}.")
    for trigger in request.triggers:
        if policy.trigger(trigger) is None:
            raise RuleViolation(f"triggers: {trigger!r} is not an escalation trigger of the policy.")

    previous = session.exec(
        select(Escalation).where(Escalation.call_id == call_id).order_by(col(Escalation.id).desc())
    ).first()
    commitment = make_commitment(
        session,
        call_id,
        CommitmentKind.NEXT_CONTACT,
        next_contact,
        by,
        description=f"Next contact after escalation to {request.receiver.strip() or tier.receiver}",
    )
    escalation = Escalation(
        call_id=call_id,
        type=EscalationType(request.type or route.type),
        route=route.key,
        tier=tier.tier,
        receiver=request.receiver.strip() or tier.receiver,
        receiver_analyst_id=request.receiver_analyst_id,
        handoff=request.handoff.strip(),
        time_to_fix=request.time_to_fix.strip(),
        triggers=list(request.triggers),
        escalated_at=by.now(),
        escalated_by_id=by.analyst_id or call.perceived_owner_id,
        next_contact_id=commitment.id,
        previous_id=previous.id if previous else None,
    )
    session.add(escalation)
    session.flush()

    old_owner = {"id": call.actual_owner_id, "label": call.actual_owner_label}
    call.actual_owner_id = request.receiver_analyst_id
    call.actual_owner_label = escalation.receiver
    set_status(session, call, CallStatus.ESCALATED, by)
    call.updated_at = by.now()
    session.add(call)
    events.record(
        session,
        call,
        EventKind.ESCALATED,
        by,
        escalation_id=escalation.id,
        route=route.key,
        tier=escalation.tier,
        type=str(escalation.type),
        receiver=escalation.receiver,
        time_to_fix=escalation.time_to_fix,
        triggers=escalation.triggers,
        re_escalation=previous is not None,
    )
    events.record(
        session,
        call,
        EventKind.OWNERSHIP_MOVED,
        by,
        actual_from=old_owner,
        actual_to={"id": call.actual_owner_id, "label": call.actual_owner_label},
        perceived=call.perceived_owner_id,
    )
    return escalation


@dataclass(frozen=True)
class RoutingReview:
    """How often escalations went to the right place first (seed 004: keep records of escalations)."""

    escalated_calls: int
    rerouted_calls: int
    """Calls escalated more than once: not sent to the right place first."""

    @property
    def right_first_time(self) -> float | None:
        """Share of escalated calls that needed no re-escalation."""
        if not self.escalated_calls:
            return None
        return 1 - self.rerouted_calls / self.escalated_calls


def routing_review(session: Session, *, since: datetime | None = None) -> RoutingReview:
    """Counts for the escalation review, computed in SQL."""
    from sqlalchemy import distinct, func

    base = select(func.count(distinct(Escalation.call_id)))
    rerouted = base.where(col(Escalation.previous_id).is_not(None))
    if since is not None:
        base = base.where(col(Escalation.escalated_at) >= since)
        rerouted = rerouted.where(col(Escalation.escalated_at) >= since)
    return RoutingReview(session.exec(base).one(), session.exec(rerouted).one())
