"""Holds: every hold is logged; long and frequent holds are flagged (seed 002).

"Don't put the customer on hold too often or for too long"; past a limit, offer a
call-back instead of keeping them waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.rules import prompts
from deskcli.services.rules.policy import HoldPolicy, PromptPolicy

OFFER_CALLBACK = "offer a call-back instead of more waiting"
"""The hold timer's own words past the long-hold limit (the policy's prompt replaces them)."""


def hold_count(session: Session, call_id: int) -> int:
    """How many holds the call has had."""
    return session.exec(
        select(func.count())
        .select_from(CallEvent)
        .where(CallEvent.call_id == call_id, CallEvent.kind == EventKind.HOLD_STARTED)
    ).one()


def start_hold(session: Session, call_id: int, by: Actor, *, policy: HoldPolicy) -> Call:
    """Put the caller on hold; the event says if holds are becoming too frequent."""
    call = get_call(session, call_id)
    if call.hold_started_at is not None:
        raise RuleViolation(f"{call.reference} is already on hold.")
    number = hold_count(session, call_id) + 1
    call.hold_started_at = by.now()
    call.updated_at = by.now()
    session.add(call)
    events.record(session, call, EventKind.HOLD_STARTED, by, number=number, too_frequent=number > policy.max_holds_per_call)
    return call


def end_hold(session: Session, call_id: int, by: Actor, *, policy: HoldPolicy) -> Call:
    """Take the caller off hold; the event records how long it lasted."""
    call = get_call(session, call_id)
    if call.hold_started_at is None:
        raise RuleViolation(f"{call.reference} is not on hold.")
    seconds = int((by.now() - call.hold_started_at).total_seconds())
    call.hold_started_at = None
    call.updated_at = by.now()
    session.add(call)
    events.record(session, call, EventKind.HOLD_ENDED, by, seconds=seconds, long=seconds > policy.warn_after_seconds)
    return call


@dataclass(frozen=True)
class HoldState:
    """What the hold timer shows."""

    on_hold: bool
    seconds: int
    holds: int
    warnings: tuple[str, ...]
    offer_callback: bool


def hold_state(hold_started_at: datetime | None, holds: int, now: datetime, policy: HoldPolicy) -> HoldState:
    """The hold timer's state and its warnings (no database access: cheap every second)."""
    warnings = []
    seconds = int((now - hold_started_at).total_seconds()) if hold_started_at else 0
    if hold_started_at is not None and seconds > policy.warn_after_seconds:
        warnings.append(f"on hold {seconds // 60}:{seconds % 60:02d}: too long - go back to the caller")
    if holds > policy.max_holds_per_call:
        warnings.append(f"{holds} holds on this call: too often")
    offer = hold_started_at is not None and seconds > policy.offer_callback_after_seconds
    if offer:
        warnings.append(OFFER_CALLBACK)
    return HoldState(hold_started_at is not None, seconds, holds, tuple(warnings), offer)


def hold_situations(state: HoldState) -> set[str]:
    """The prompt situations of the hold: ``on_hold`` while the caller waits, ``long_hold``
    once the hold passes the policy's ``offer_callback_after_seconds``."""
    if not state.on_hold:
        return set()
    return {"on_hold", "long_hold"} if state.offer_callback else {"on_hold"}


def hold_notes(state: HoldState, policy: PromptPolicy) -> tuple[str, ...]:
    """What the call header says about the hold: its warnings, and the prompts of the hold.

    Seed 003: "Ask them if they'd prefer a call-back instead of waiting on hold." Past the
    long-hold limit the ``long_hold`` prompt of the prompts file is shown in full, in place
    of the timer's bare "offer a call-back" (which stays when the office has no such prompt).
    """
    situations = hold_situations(state)
    shown = [p for p in prompts.applicable(policy, situations) if p.when in situations]
    long_said = any(p.when == "long_hold" for p in shown)
    kept = tuple(w for w in state.warnings if not (long_said and w == OFFER_CALLBACK))
    return kept + tuple(f"{p.title}: {p.text}" for p in shown)


def holds_logged(session: Session, call_id: int) -> list[CallEvent]:
    """The call's hold events, oldest first."""
    return list(
        session.exec(
            select(CallEvent)
            .where(CallEvent.call_id == call_id, col(CallEvent.kind).in_([EventKind.HOLD_STARTED, EventKind.HOLD_ENDED]))
            .order_by(col(CallEvent.id))
        )
    )
