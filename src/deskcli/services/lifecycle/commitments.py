"""Promises to customers: made, kept (on time or late), missed or rescheduled.

A promise belongs to the call, not to whoever made it, so it survives owner
changes; it is owed by the call's perceived owner, the person the customer expects
to hear from (seed: Ownership).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from deskcli.config.launch import looks_like_phone
from deskcli.core.clock import as_utc
from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import Call, Commitment, CommitmentKind, CommitmentOutcome, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call


def make_commitment(
    session: Session,
    call_id: int,
    kind: CommitmentKind,
    due_at: datetime,
    by: Actor,
    *,
    description: str = "",
    owed_by_id: int | None = None,
    replaces_id: int | None = None,
    contact_number: str = "",
) -> Commitment:
    """Record a promise on a call, due at ``due_at`` (aware; stored in UTC).

    ``contact_number`` is the number to ring (checked when given; a call-back the
    analyst offers must have one, see :func:`contact_number_for`).
    """
    call = get_call(session, call_id)
    due = require_future(due_at, by, "due")
    number = contact_number_for(CommitmentKind.PROMISE, contact_number)
    commitment = Commitment(
        call_id=call_id,
        kind=CommitmentKind(kind),
        description=description.strip(),
        contact_number=number,
        due_at=due,
        owed_by_id=owed_by_id or call.perceived_owner_id,
        created_at=by.now(),
        created_by_id=by.analyst_id or call.perceived_owner_id,
        replaces_id=replaces_id,
    )
    session.add(commitment)
    session.flush()
    events.record(
        session,
        call,
        EventKind.COMMITMENT_MADE,
        by,
        commitment_id=commitment.id,
        kind=str(commitment.kind),
        due_at=due,
        description=commitment.description,
        **({"contact_number": number} if number else {}),
    )
    return commitment


MAX_NUMBER = 40
"""Characters of a number to ring (the column's length)."""


def contact_number_for(kind: CommitmentKind | str, number: str) -> str:
    """The number to ring for a promise of ``kind``, tidied; :class:`RuleViolation` when it cannot be used.

    A call-back must say which number to ring - the caller hears which one, and whoever
    rings back (perhaps a colleague) does not have to look it up; other promises may
    carry one. A number given must look like one. Call-backs recorded before numbers
    were asked for have none, and can still be rescheduled or settled.
    """
    number = " ".join(number.split())
    if not number:
        if CommitmentKind(kind) == CommitmentKind.CALLBACK:
            raise RuleViolation("number: a call-back needs the number to ring (ask the caller which number).")
        return ""
    if len(number) > MAX_NUMBER or not looks_like_phone(number):
        raise RuleViolation(
            f"number: {number!r} is not a phone number (digits, spaces and + - ( ) . / only, "
            f"at least three digits, at most {MAX_NUMBER} characters)."
        )
    return number


def usable_number(number: str) -> str:
    """``number`` tidied when a promise can carry it, else "" (for a number taken from a record, not typed)."""
    try:
        return contact_number_for(CommitmentKind.PROMISE, number)
    except RuleViolation:
        return ""


def require_future(when: datetime | None, by: Actor, field: str) -> datetime:
    """``when`` in UTC, refused (naming ``field``) when missing, naive or not in the future."""
    if when is None:
        raise RuleViolation(f"{field}: a time is required.")
    try:
        when = as_utc(when)
    except ValueError:
        raise RuleViolation(f"{field}: the time has no timezone; deskcli needs an exact moment.") from None
    if when <= by.now():
        raise RuleViolation(f"{field}: {when:%Y-%m-%d %H:%M} UTC is not in the future.")
    return when


def get_commitment(session: Session, commitment_id: int) -> Commitment:
    """The promise with this id, or :class:`NotFound`."""
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(f"promise {commitment_id} does not exist.")
    return commitment


def _pending(session: Session, commitment_id: int) -> tuple[Commitment, Call]:
    commitment = get_commitment(session, commitment_id)
    if commitment.outcome is not None:
        raise RuleViolation(f"this promise was already settled ({commitment.outcome}).")
    return commitment, get_call(session, commitment.call_id)


def _close(
    session: Session, commitment: Commitment, call: Call, outcome: CommitmentOutcome, by: Actor, note: str, **extra: Any
) -> Commitment:
    """Settle a pending promise with ``outcome`` and log it on the call's timeline."""
    commitment.outcome = outcome
    commitment.resolved_at = by.now()
    commitment.outcome_note = note.strip()
    session.add(commitment)
    events.record(
        session, call, EventKind.COMMITMENT_RESOLVED, by,
        commitment_id=commitment.id, outcome=str(outcome), due_at=commitment.due_at, **extra, note=commitment.outcome_note,
    )
    return commitment


def settle(session: Session, commitment_id: int, by: Actor, *, kept: bool, note: str = "") -> Commitment:
    """Mark a promise kept or missed; whether it was on time is worked out from the clock."""
    commitment, call = _pending(session, commitment_id)
    now = by.now()
    if kept:
        outcome = CommitmentOutcome.KEPT_ON_TIME if now <= commitment.due_at else CommitmentOutcome.KEPT_LATE
    else:
        outcome = CommitmentOutcome.MISSED
    return _close(session, commitment, call, outcome, by, note)


def reschedule(session: Session, commitment_id: int, new_due: datetime, by: Actor, *, reason: str) -> Commitment:
    """Move a promise to a new time; the reason is required and the old one is kept."""
    if not reason.strip():
        raise RuleViolation("reason: say why the promise is moved (required).")
    commitment, call = _pending(session, commitment_id)
    new_due = require_future(new_due, by, "new due time")
    _close(session, commitment, call, CommitmentOutcome.RESCHEDULED, by, reason, new_due_at=new_due)
    return make_commitment(
        session,
        call.id,
        CommitmentKind(commitment.kind),
        new_due,
        by,
        description=commitment.description,
        owed_by_id=commitment.owed_by_id,
        replaces_id=commitment.id,
        contact_number=commitment.contact_number,
    )


def pending_for(session: Session, analyst_id: int, *, due_before: datetime, limit: int = 200) -> list[Commitment]:
    """An analyst's unsettled promises due before ``due_before``, soonest first."""
    return list(
        session.exec(
            select(Commitment)
            .where(
                col(Commitment.outcome).is_(None),
                Commitment.owed_by_id == analyst_id,
                col(Commitment.due_at) < as_utc(due_before),
            )
            .order_by(col(Commitment.due_at))
            .limit(limit)
        )
    )


def cancel(session: Session, commitment_id: int, by: Actor, *, reason: str) -> Commitment:
    """Withdraw a pending promise that no longer applies; the reason is required and kept.

    Not a missed promise: nobody failed the customer (e.g. a practice call the
    trainer reset, or a call-back the customer no longer needs).
    """
    if not reason.strip():
        raise RuleViolation("reason: say why the promise no longer applies (required).")
    commitment, call = _pending(session, commitment_id)
    return _close(session, commitment, call, CommitmentOutcome.CANCELLED, by, reason)
