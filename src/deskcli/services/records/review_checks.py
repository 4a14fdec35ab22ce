"""What the records say about an escalated call, point by point (seed 004, "Records Review").

* **when** - at what point was the call escalated, and did a trigger hold earlier?
* **department** - was it sent where the triggers pointed, and did it have to be re-routed?
* **assessment** - how well was the problem assessed: category, impact, notes, the hand-off?
* **customer** - was the customer happy: agreement, score, complaint?
* **promises** - were the promises kept?
* **sla** - was the SLA met?

Each check reads the call's events (so it sees the call as it was at each moment) and
says ``ok``, ``check`` (worth talking about) or ``n/a``, with the facts behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.clock import as_utc
from deskcli.models import Call, CallEvent, Commitment, Customer, Escalation, EventKind
from deskcli.services.rules import triggers
from deskcli.services.rules.policy import Policies
from deskcli.services.timekeeping import sla
from deskcli.services.timekeeping.business_time import BusinessCalendar

POINTS = (
    ("when", "When it was escalated"),
    ("department", "The right department"),
    ("assessment", "How well the problem was assessed"),
    ("customer", "Was the customer happy"),
    ("promises", "Promises kept"),
    ("sla", "SLA met"),
)
"""The review's points, in order: key and label."""

LATE_AFTER = timedelta(minutes=15)
"""A trigger that held this long before the escalation is worth a word."""

OK, CHECK, NOT_APPLICABLE = "ok", "check", "n/a"


@dataclass(frozen=True)
class Check:
    """One point of the review, as the records show it."""

    point: str
    label: str
    result: str
    why: str


_IMPACT = ("people_affected", "departments_affected", "business_impact", "executive_affected", "security_concern",
           "company_wide")


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h {minutes % 60:02d} min" if hours < 48 else f"{hours // 24} days {hours % 24} h"


def _first_trigger(events: Sequence[CallEvent], customer: Customer, policies: Policies) -> tuple[datetime, str] | None:
    """When a computed trigger first held, replaying the assessment as it was recorded, and which."""
    facts = dict.fromkeys(_IMPACT)
    warnings = missed = 0
    for event in events:
        payload = event.payload or {}
        if event.kind == EventKind.ESCALATED:
            break
        if event.kind == EventKind.FIELDS_CHANGED:
            for field, pair in (payload.get("changes") or {}).items():
                if field in facts and isinstance(pair, list) and len(pair) == 2:
                    facts[field] = pair[1]
        elif event.kind == EventKind.WARNING_GIVEN:
            warnings += 1
        elif event.kind == EventKind.COMMITMENT_RESOLVED and payload.get("outcome") == "missed":
            missed += 1
        else:
            continue
        state = triggers.CallFacts(
            people_affected=facts["people_affected"], departments_affected=facts["departments_affected"],
            business_impact=facts["business_impact"], executive_affected=bool(facts["executive_affected"]),
            customer_is_vip=customer.is_vip, security_concern=bool(facts["security_concern"]),
            abuse_warnings=warnings, article_used=False, suggestions_found=None,
            overdue_promises=0, missed_promises=missed, company_wide=bool(facts["company_wide"]),
        )
        holding = [result for result in triggers.evaluate(state, policies.escalation) if result.holds]
        if holding:
            return as_utc(event.at), f"{holding[0].label} ({holding[0].because})"
    return None


def _when(call: Call, events: Sequence[CallEvent], escalations: Sequence[Escalation], customer: Customer,
          policies: Policies, zone: ZoneInfo) -> Check:
    first = escalations[0]
    escalated_at = as_utc(first.escalated_at)
    opened = as_utc(call.opened_at)
    talk_ended = next((as_utc(e.at) for e in events if e.kind == EventKind.TALK_ENDED), None)
    during = talk_ended is None or escalated_at <= talk_ended
    text = f"escalated {_minutes(escalated_at - opened)} after the call started" + (
        ", during the first conversation" if during else ", after the caller had hung up"
    )
    earlier = _first_trigger(events, customer, policies)
    if earlier is not None and escalated_at - earlier[0] > LATE_AFTER:
        local = earlier[0].astimezone(zone)
        return Check("when", "", CHECK, f"{text}; a trigger held from {local:%H:%M} ({_minutes(escalated_at - earlier[0])} "
                     f"earlier): {earlier[1]}")
    if not first.triggers:
        return Check("when", "", CHECK, f"{text}; no trigger was recorded for the escalation")
    return Check("when", "", OK, text + "; no trigger held much earlier")


def _department(escalations: Sequence[Escalation], policies: Policies) -> Check:
    first = escalations[0]
    results = triggers.evaluate(
        triggers.CallFacts(None, None, None, False, False, False, 0, False, None, 0, 0), policies.escalation,
        ticked=first.triggers,
    )
    proposal = triggers.propose(results, policies.escalation)
    chosen = f"{first.route} ({first.type}, tier {first.tier}, to {first.receiver})"
    rerouted = list(escalations[1:])
    parts = []
    result = OK
    if proposal is None:
        parts.append(f"sent to {chosen}; the recorded triggers proposed no route")
    elif proposal.route == first.route:
        parts.append(f"sent to {chosen}, the route the triggers proposed")
    else:
        parts.append(f"sent to {chosen}; the triggers proposed {proposal.route} ({proposal.type}, tier {proposal.tier})")
        result = CHECK
    if rerouted:
        hops = ", then ".join(f"{row.route} (tier {row.tier})" for row in rerouted)
        parts.append(f"re-routed {len(rerouted)} time(s): {hops}")
        result = CHECK
    else:
        parts.append("not re-routed")
    return Check("department", "", result, "; ".join(parts))


def _assessment(call: Call, escalations: Sequence[Escalation], events: Sequence[CallEvent], policies: Policies) -> Check:
    missing, present = [], []
    category = next((c for c in policies.categories.categories if c.key == call.category), None)
    if category is None:
        missing.append("no category")
    else:
        present.append(f"category {category.label} ({len(category.questions)} questions to ask)")
    impact = [name.replace("_", " ") for name in ("people_affected", "departments_affected", "business_impact")
              if getattr(call, name) is None]
    if impact:
        missing.append("not recorded: " + ", ".join(impact))
    else:
        present.append("impact recorded")
    if call.notes.strip():
        present.append(f"notes of {len(call.notes.strip())} characters")
    else:
        missing.append("no notes (answers to the questions)")
    first = escalations[0]
    handoff = first.handoff.lower()
    parts = {
        "tried": bool(call.notes.strip()) or "tried" in handoff or "attempt" in handoff,
        "told": any(e.kind == EventKind.ACKNOWLEDGED for e in events),
        "promised": first.next_contact_id is not None,
        "next step": bool(first.time_to_fix.strip()),
    }
    absent = [name for name, there in parts.items() if not there]
    if absent:
        missing.append("hand-off lacks: " + ", ".join(absent))
    else:
        present.append("hand-off complete (tried, told, promised, next step)")
    return Check("assessment", "", CHECK if missing else OK, "; ".join(missing + present))


def _customer(call: Call, events: Sequence[CallEvent]) -> Check:
    agreed = any(e.kind == EventKind.CUSTOMER_AGREED for e in events)
    declined = sum(1 for e in events if e.kind == EventKind.CUSTOMER_DECLINED)
    complaint = any(e.kind == EventKind.COMPLAINT_LOGGED for e in events)
    scores = [e.payload.get("satisfaction") for e in events if e.kind == EventKind.CLOSED and (e.payload or {}).get("satisfaction")]
    parts = []
    if agreed:
        parts.append("the customer agreed to close")
    elif call.status != "closed":
        parts.append("still open: no agreement yet")
    if declined:
        parts.append(f"declined to close {declined} time(s)")
    parts.append(f"scored {scores[-1]}/5" if scores else "no score given")
    if complaint:
        parts.append("a complaint was logged")
    if call.status != "closed" and not scores:
        return Check("customer", "", NOT_APPLICABLE, "; ".join(parts))
    unhappy = complaint or declined or (scores and scores[-1] <= 3)
    return Check("customer", "", CHECK if unhappy else OK, "; ".join(parts))


def _promises(promises: Sequence[Commitment], now: datetime) -> Check:
    if not promises:
        return Check("promises", "", NOT_APPLICABLE, "no promises were made")
    kept = sum(1 for p in promises if p.outcome == "kept_on_time")
    late = sum(1 for p in promises if p.outcome == "kept_late")
    missed = sum(1 for p in promises if p.outcome == "missed")
    overdue = sum(1 for p in promises if p.outcome is None and as_utc(p.due_at) < now)
    text = f"{kept} kept on time, {late} late, {missed} missed" + (f", {overdue} overdue now" if overdue else "")
    return Check("promises", "", CHECK if (late or missed or overdue) else OK, text)


def _sla(call: Call, events: Sequence[CallEvent], now: datetime, policies: Policies, zone: ZoneInfo,
         calendar: BusinessCalendar) -> Check:
    clock = [e for e in events if e.kind in (EventKind.STATUS_CHANGED, EventKind.SLA_PAUSED, EventKind.SLA_RESUMED)]
    state = sla.state_of(call, clock, now, policies.sla, zone, calendar)
    parts = [f"resolution {'breached' if state.breached else ('met' if state.stopped else 'within target so far')}",
             f"response {'late' if state.response_breached else 'in time'}"]
    return Check("sla", "", CHECK if state.breached or state.response_breached else OK, "; ".join(parts))


def review_checks(session: Session, call_id: int, now: datetime, policies: Policies, zone: ZoneInfo,
                  calendar: BusinessCalendar) -> list[Check]:
    """Every point of the review for this escalated call (a :class:`RuleViolation` if it was never escalated)."""
    from deskcli.core.errors import RuleViolation
    from deskcli.services.lifecycle.calls import get_call

    call = get_call(session, call_id)
    escalations = session.exec(select(Escalation).where(Escalation.call_id == call_id).order_by(col(Escalation.id))).all()
    if not escalations:
        raise RuleViolation(f"{call.reference} was never escalated: there is no escalation to review.")
    events = session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))).all()
    promises = session.exec(select(Commitment).where(Commitment.call_id == call_id)).all()
    promises = [p for p in promises if p.kind != "feedback"]
    customer = session.get(Customer, call.customer_id)
    assert customer is not None
    found = [
        _when(call, events, escalations, customer, policies, zone),
        _department(escalations, policies),
        _assessment(call, escalations, events, policies),
        _customer(call, events),
        _promises(promises, now),
        _sla(call, events, now, policies, zone, calendar),
    ]
    labels = dict(POINTS)
    return [Check(check.point, labels[check.point], check.result, check.why) for check in found]
