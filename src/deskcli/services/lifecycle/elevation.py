"""Elevation: the analyst raises a call's priority by hand, with a reason (seed 000).

Seed 000: "Escalation is also referred to as 'Elevation'. Sometimes either of these
terms are used to mean making a call higher priority." The priority is otherwise
derived from impact and urgency (:mod:`deskcli.services.rules.priority`); an elevated
priority stands against that derivation (:func:`~deskcli.services.rules.priority.standing_priority`).
"""

from __future__ import annotations

from sqlmodel import Session, func, select

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, CallStatus, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.rules.priority import PRIORITY_NAMES

REASON_MAX = 250
"""The longest reason kept (the call's priority reason holds it with its prefix)."""

REASON_PREFIX = "elevated by hand: "
"""What the call's priority reason starts with after an elevation."""


def is_elevated(session: Session, call_id: int) -> bool:
    """True when the call's priority was ever raised by hand."""
    found = session.exec(
        select(func.count())
        .select_from(CallEvent)
        .where(CallEvent.call_id == call_id, CallEvent.kind == EventKind.PRIORITY_ELEVATED)
    ).one()
    return found > 0


def elevate(session: Session, call_id: int, by: Actor, *, priority: int, reason: str, default_priority: int) -> Call:
    """Raise the call's priority to ``priority`` (1 critical … 4 low), saying why.

    The priority now is the one on record, or ``default_priority`` (the SLA policy's
    assumption) while none is. A priority that is not higher is refused: lowering a
    call is not an elevation.
    """
    call = get_call(session, call_id)
    if call.status == CallStatus.CLOSED:
        raise RuleViolation(f"{call.reference} is closed: reopen it (with a reason) before you raise its priority.")
    if priority not in PRIORITY_NAMES:
        raise RuleViolation(f"priority: expected 1 (critical) to 4 (low), got {priority!r}.")
    reason = " ".join(reason.split())
    if not reason:
        raise RuleViolation("reason: say why the priority is raised (required).")
    if len(reason) > REASON_MAX:
        raise RuleViolation(f"reason: at most {REASON_MAX} characters (got {len(reason)}).")
    current = call.priority if call.priority is not None else default_priority
    if priority == current:
        raise RuleViolation(
            f"{call.reference} is {PRIORITY_NAMES[current]} already: elevation raises the priority - choose a higher one."
        )
    if priority > current:
        raise RuleViolation(
            f"{PRIORITY_NAMES[priority]} is lower than {PRIORITY_NAMES[current]}, the priority now: "
            "elevation only ever raises a priority (lowering it is not an elevation).",
            "The priority follows the impact and urgency of the assessment; an elevated one is never lowered.",
        )
    events.record(
        session, call, EventKind.PRIORITY_ELEVATED, by,
        **{"from": current, "to": priority, "reason": reason, "assumed": call.priority is None},
    )
    call.priority = priority
    call.priority_reason = REASON_PREFIX + reason
    call.updated_at = by.now()
    session.add(call)
    return call
