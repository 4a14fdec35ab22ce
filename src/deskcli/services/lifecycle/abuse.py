"""The abusive-caller protocol (seed 002), one step at a time and every step logged.

1. a warning; 2. a warning with its consequence; 3. act on it: transfer to a manager
or disconnect - and then fill the manager in. Steps cannot be skipped or reordered.
The customer is flagged so the next analyst sees it before speaking.
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, col, select

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, CallStatus, Customer, Escalation, EscalationType, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call, set_status
from deskcli.services.lookup.customers import ABUSIVE_HISTORY
from deskcli.services.rules.policy import AbusePolicy


class Ending(StrEnum):
    """How the protocol ended."""

    TRANSFER = "transfer"
    DISCONNECT = "disconnect"


def next_step(call: Call) -> str:
    """``warning_1``, ``warning_2`` or ``act`` (transfer or disconnect)."""
    return {0: "warning_1", 1: "warning_2"}.get(call.abuse_warnings, "act")


def line_for(step: str, policy: AbusePolicy) -> str:
    """The exact words for a step."""
    return {
        "warning_1": policy.warning_1,
        "warning_2": policy.warning_2,
        "transfer": policy.transfer,
        "disconnect": policy.disconnect,
    }[step]


def give_warning(session: Session, call_id: int, by: Actor, *, policy: AbusePolicy, remark: str = "") -> Call:
    """Record the next warning (first, then the one with its consequence)."""
    call = get_call(session, call_id)
    if call.abuse_warnings >= 2:
        raise RuleViolation("both warnings have been given: now transfer to a manager or disconnect.")
    call.abuse_warnings += 1
    number = call.abuse_warnings
    call.updated_at = by.now()
    session.add(call)
    _flag_customer(session, call, by)
    events.record(
        session, call, EventKind.WARNING_GIVEN, by,
        number=number, line=line_for(f"warning_{number}", policy), remark=remark.strip(),
    )
    return call


def end_abusive_call(
    session: Session, call_id: int, ending: Ending, by: Actor, *, policy: AbusePolicy, manager: str, note: str
) -> Call:
    """Transfer to a manager or disconnect, after both warnings; the manager must be filled in."""
    ending = Ending(ending)
    call = get_call(session, call_id)
    if call.abuse_warnings < 2:
        missing = "a warning" if call.abuse_warnings == 0 else "the second warning (with its consequence)"
        raise RuleViolation(f"give {missing} before you {ending.value}: the protocol goes warning, warning, then act.")
    if _already_acted(session, call_id):
        raise RuleViolation(f"{call.reference}: the protocol has already ended (transferred or disconnected).")
    if not manager.strip():
        raise RuleViolation("manager: name the manager you filled in (required).")
    if not note.strip():
        raise RuleViolation("note: say what you told the manager about the situation (required).")
    kind = EventKind.TRANSFERRED if ending is Ending.TRANSFER else EventKind.DISCONNECTED
    events.record(
        session, call, kind, by,
        line=line_for(ending.value, policy), manager=manager.strip(), note=note.strip(),
    )
    now = by.now()
    if call.hold_started_at is not None:
        seconds = int((now - call.hold_started_at).total_seconds())
        events.record(session, call, EventKind.HOLD_ENDED, by, seconds=seconds, long=False, ended_with_call=True)
        call.hold_started_at = None
    if ending is Ending.TRANSFER:
        # A transfer is a hierarchical escalation to a manager. The caller is handed
        # over live, so there is no next-contact promise to record.
        previous = session.exec(
            select(Escalation).where(Escalation.call_id == call.id).order_by(col(Escalation.id).desc())
        ).first()
        old_owner = {"id": call.actual_owner_id, "label": call.actual_owner_label}
        session.add(
            Escalation(
                call_id=call.id,
                type=EscalationType.HIERARCHICAL,
                route="senior_staff",
                tier=3,
                receiver=manager.strip(),
                handoff=note.strip(),
                triggers=["crossed_the_line"],
                escalated_at=now,
                escalated_by_id=by.analyst_id or call.perceived_owner_id,
                previous_id=previous.id if previous else None,
            )
        )
        call.actual_owner_id = None
        call.actual_owner_label = manager.strip()
        set_status(session, call, CallStatus.ESCALATED, by)
        session.flush()
        events.record(
            session, call, EventKind.ESCALATED, by,
            route="senior_staff", tier=3, type=str(EscalationType.HIERARCHICAL), receiver=manager.strip(),
            time_to_fix="", triggers=["crossed_the_line"], re_escalation=previous is not None, transfer=True,
        )
        events.record(
            session, call, EventKind.OWNERSHIP_MOVED, by,
            actual_from=old_owner, actual_to={"id": None, "label": call.actual_owner_label}, perceived=call.perceived_owner_id,
        )
    if call.talk_ended_at is None:
        call.talk_ended_at = now
        events.record(session, call, EventKind.TALK_ENDED, by, seconds=int((now - call.opened_at).total_seconds()), ending=ending.value)
    call.updated_at = now
    session.add(call)
    return call


def _already_acted(session: Session, call_id: int) -> bool:
    return (
        session.exec(
            select(CallEvent.id)
            .where(CallEvent.call_id == call_id, col(CallEvent.kind).in_([EventKind.TRANSFERRED, EventKind.DISCONNECTED]))
            .limit(1)
        ).first()
        is not None
    )


def _flag_customer(session: Session, call: Call, by: Actor) -> None:
    customer = session.get(Customer, call.customer_id)
    if customer is not None and ABUSIVE_HISTORY not in (customer.caution_flags or []):
        customer.caution_flags = [*(customer.caution_flags or []), ABUSIVE_HISTORY]
        customer.updated_at = by.now()
        session.add(customer)
