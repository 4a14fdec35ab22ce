"""Escalating a call (seed: Call Escalation Procedure, Ownership).

An escalation must carry a route, the hand-off detail, the receiver's estimate of
the time to fix ("Obtain an estimate of the likely 'time to fix'"), the cause of the
escalation (seed 003: lack of experience or training, low operational efficiency,
dissatisfaction with a product or service …) and the time the customer was told to
expect the next contact. It may change the channel the customer is contacted on
(seed 003: "it can entail changing the communication method, such as from phone to
email"). It moves the actual owner to the receiver and keeps the analyst as the
perceived owner, who now owes the customer that contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from deskcli.core.enums import Channel, contact_by
from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallStatus, CommitmentKind, Escalation, EscalationType, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call, set_status
from deskcli.services.lifecycle.commitments import make_commitment, require_future
from deskcli.services.lifecycle.handoff import with_channel
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
    """The receiver's estimate of the time to fix, as they said it (required)."""
    triggers: list[str] = field(default_factory=list)
    receiver_analyst_id: int | None = None
    cause: str = ""
    """Why it has to be escalated: a key of the policy's causes (required)."""
    channel: str | None = None
    """The channel the customer is contacted on from now on (a :class:`Channel`); ``None`` keeps it."""


def _missing(request: EscalationRequest) -> list[tuple[str, str]]:
    """What the procedure needs and the request lacks: (field, words), in the pane's order."""
    needed = [
        ("route", bool(request.route.strip()), "a route (who will take it over)"),
        ("cause", bool(request.cause.strip()), "the cause of the escalation (why it has to go further)"),
        ("time_to_fix", bool(request.time_to_fix.strip()), "the time to fix (obtain the receiver's estimate)"),
        ("next_contact_at", request.next_contact_at is not None, "the time the customer was told to expect the next contact"),
        ("handoff", bool(request.handoff.strip()), "the hand-off detail (pass on as much detail as possible)"),
    ]
    return [(name, words) for name, given, words in needed if not given]


def contact_channel(session: Session, call: Call) -> str:
    """The channel the customer is contacted on now: the latest escalation's change, else the call's."""
    changed = session.exec(
        select(Escalation.channel)
        .where(Escalation.call_id == call.id, col(Escalation.channel).is_not(None))
        .order_by(col(Escalation.id).desc())
    ).first()
    return changed or call.channel


def _new_channel(session: Session, call: Call, channel: str | None) -> str | None:
    """The requested channel when it changes the current one; ``None`` when it keeps it."""
    if not channel:
        return None
    if channel not in set(Channel):
        known = ", ".join(Channel)
        raise RuleViolation(f"channel: {channel!r} is not a contact channel; expected one of {known}.", fields=("channel",))
    return None if channel == contact_channel(session, call) else channel


def escalate(session: Session, call_id: int, request: EscalationRequest, by: Actor, *, policy: EscalationPolicy) -> Escalation:
    """Escalate a call; refuses (naming every missing item) when the procedure is not met."""
    call = get_call(session, call_id)
    if call.status == CallStatus.CLOSED:
        raise RuleViolation(f"{call.reference} is closed: reopen it (with a reason) before escalating.")
    route = policy.route(request.route.strip()) if request.route.strip() else None
    if request.route.strip() and route is None:
        known = ", ".join(r.key for r in policy.routes)
        raise RuleViolation(f"route: {request.route!r} is not an escalation route; expected one of {known}.", fields=("route",))
    cause = policy.cause(request.cause.strip()) if request.cause.strip() else None
    if request.cause.strip() and cause is None:
        known = ", ".join(c.key for c in policy.causes)
        raise RuleViolation(f"cause: {request.cause!r} is not a cause of escalation; expected one of {known}.", fields=("cause",))
    missing = _missing(request)
    if missing:
        raise RuleViolation(
            f"{call.reference} cannot be escalated without " + ", ".join(words for _name, words in missing) + ".",
            "Seed: pass on as much detail as possible, obtain an estimate of the likely 'time to fix', and give "
            "the customer a time frame for when they will next hear from the help desk.",
            fields=tuple(name for name, _words in missing),
        )
    assert route is not None and cause is not None
    channel = _new_channel(session, call, request.channel)
    next_contact = require_future(request.next_contact_at, by, "next contact time")
    tier_number = request.tier or route.tiers[0].tier
    tier = route.tier(tier_number)
    if tier is None:
        tiers = ", ".join(str(t.tier) for t in route.tiers)
        raise RuleViolation(f"tier: route {route.key} has no tier {tier_number}; it has {tiers}.", fields=("tier",))
    for trigger in request.triggers:
        if policy.trigger(trigger) is None:
            raise RuleViolation(f"triggers: {trigger!r} is not an escalation trigger of the policy.", fields=("triggers",))

    previous = session.exec(
        select(Escalation).where(Escalation.call_id == call_id).order_by(col(Escalation.id).desc())
    ).first()
    commitment = make_commitment(
        session,
        call_id,
        CommitmentKind.NEXT_CONTACT,
        next_contact,
        by,
        description=f"Next contact{' ' + contact_by(channel) if channel else ''} after escalation to "
        f"{request.receiver.strip() or tier.receiver}",
    )
    escalation = Escalation(
        call_id=call_id,
        type=EscalationType(request.type or route.type),
        route=route.key,
        tier=tier.tier,
        receiver=request.receiver.strip() or tier.receiver,
        receiver_analyst_id=request.receiver_analyst_id,
        handoff=with_channel(request.handoff.strip(), channel),
        time_to_fix=request.time_to_fix.strip(),
        triggers=list(request.triggers),
        cause=cause.key,
        channel=channel,
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
        cause=cause.key,
        cause_label=cause.label,
        channel=channel,
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
