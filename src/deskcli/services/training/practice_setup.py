"""Setting the stage for a practice call: the persona and their history, fresh each time.

:func:`prepare_practice` runs at the start of every practice call, at the trainer's
clock's now. The persona is found (by the phone the practice call rings from, and
the name) or created; whatever earlier practices left open for them is retired; and
the scenario's history is recorded again *relative to now*, so a call-back missed
"3h" ago is three hours overdue every time, and an SLA "about to breach" is about to
breach.

Retiring stays within the rules, because the demo database is a real deskcli
database: nothing is deleted (the SQLite triggers would refuse it anyway). Pending
promises are cancelled with a note (:func:`deskcli.services.lifecycle.commitments.cancel`:
nobody missed them), and each open call gets the customer's agreement, noted as the
trainer's reset, and is closed. Their timelines stay as they were, plus those
entries.

No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from deskcli.core.clock import ManualClock
from deskcli.core.errors import DataFileError, DeskError, StoreError
from deskcli.models import (
    OPEN_STATUSES,
    AckMethod,
    Call,
    CallImpact,
    CallStatus,
    Commitment,
    CommitmentKind,
    CommitmentOutcome,
    Customer,
    CustomerCreate,
    Stage,
)
from deskcli.models.typed import saved_id
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, commitments, escalations
from deskcli.services.lookup import customers
from deskcli.services.lookup.customers import ABUSIVE_HISTORY
from deskcli.services.rules import priority
from deskcli.services.rules.policy import Policies
from deskcli.services.training.scenarios import PastCall, Persona, Scenario, duration_seconds, problems_with

PRACTICE_RESET_NOTE = "Practice reset by the trainer"
"""Noted on every promise cancelled and every call closed when a practice starts again."""

TALK = timedelta(minutes=8)
"""How long a past call's conversation lasted (shortened when its promise fell due sooner)."""

AWAITING_NOTE = "The customer wants to check it works before the call is closed."
FALLBACK_RESOLUTION = "Fix applied; waiting for the customer to confirm it works."


@dataclass(frozen=True)
class PracticeCaller:
    """Who rings for the practice call, and what is on record for them."""

    customer_id: int
    phone: str
    """The number the practice call rings from (the persona's, as typed in the scenario)."""
    history_call_ids: tuple[int, ...]
    """The scenario's past calls, just recorded, in the scenario's order."""
    retired_call_ids: tuple[int, ...] = ()
    """Calls left open by earlier practices, now closed with the reset note."""
    cancelled_promise_ids: tuple[int, ...] = ()
    created: bool = False
    """The persona was not on record yet."""


def prepare_practice(
    session: Session,
    scenario: Scenario,
    actor: Actor,
    *,
    policies: Policies,
    region: str = "GB",
    prefix: str = "HD",
) -> PracticeCaller:
    """Find or create the persona, retire earlier practices' open calls, record the history afresh.

    ``actor`` is the analyst at the practice seat on the trainer's clock: the history
    calls are theirs (so a missed call-back shows in their queue), placed before
    ``actor.now()``. Leaves the transaction to the caller.

    A practice that cannot start raises :class:`DataFileError` saying why (the
    scenario names a route or category the policies do not have, or a service
    refused part of its history); a database failure stays a ``StoreError``.
    """
    problems = problems_with(scenario, policies)
    if problems:
        raise DataFileError(f"the practice cannot start: {'; '.join(problems)}.")
    try:
        return _prepare(session, scenario, actor, policies=policies, region=region, prefix=prefix)
    except StoreError:
        raise
    except DeskError as exc:
        raise DataFileError(f"{scenario.key}: the practice cannot start: {exc.message}", exc.hint) from exc
    except Exception as exc:
        raise DataFileError(f"{scenario.key}: the practice cannot start: {type(exc).__name__}: {exc}") from exc


def _prepare(
    session: Session, scenario: Scenario, actor: Actor, *, policies: Policies, region: str, prefix: str
) -> PracticeCaller:
    now = actor.now()
    persona = scenario.persona
    customer = find_persona(session, persona, region=region)
    created = customer is None
    if customer is None:
        oldest = max((duration_seconds(past.opened) for past in scenario.history), default=0)
        # On record well before the first call of the history.
        on_record = Actor(actor.analyst_id, ManualClock(now - timedelta(seconds=oldest, days=30)))
        customer = customers.create_customer(session, persona_fields(persona), on_record, region=region)
    else:
        _restore_persona(session, customer, persona, actor, region)
    customer_id = saved_id(customer)
    cancelled, retired = retire_open_calls(session, customer_id, actor)
    history = [
        _record_past(session, customer_id, past, persona, actor, policies=policies, prefix=prefix)
        for past in scenario.history
    ]
    return PracticeCaller(
        customer_id=customer_id,
        phone=persona.phone,
        history_call_ids=tuple(history),
        retired_call_ids=tuple(retired),
        cancelled_promise_ids=tuple(cancelled),
        created=created,
    )


# --------------------------------------------------------------------------- the persona


def persona_fields(persona: Persona) -> CustomerCreate:
    """The customer record a persona stands for (an executive is treated as a VIP)."""
    notes = persona.notes.strip()
    if persona.job_title.strip():
        notes = f"{persona.job_title.strip()}. {notes}".strip()
    return CustomerCreate(
        name=persona.name,
        name_spelling=persona.spelling,
        pronunciation=persona.pronunciation,
        email=persona.email or None,
        organisation=persona.organisation,
        department=persona.department,
        is_vip=persona.vip or persona.executive,
        caution_flags=[ABUSIVE_HISTORY] if persona.abusive_history else [],
        notes=notes,
        phones=[persona.phone],
    )


def find_persona(session: Session, persona: Persona, *, region: str) -> Customer | None:
    """The persona's customer record: the one with their phone number *and* name.

    The number alone is not enough: the demo's bulk customers use the same drama
    number ranges, so someone else may have it too.
    """
    name = persona.name.strip().casefold()
    for match in customers.lookup(session, persona.phone, region=region, limit=50):
        if match.name.strip().casefold() == name:
            return customers.get_customer(session, match.id)
    return None


def _restore_persona(session: Session, customer: Customer, persona: Persona, actor: Actor, region: str) -> None:
    """Put back the persona's details an earlier practice changed (a warning flags the caller, a spelling is confirmed …)."""
    wanted = persona_fields(persona).model_dump(exclude={"phones"})
    changes = {name: value for name, value in wanted.items() if getattr(customer, name) != value}
    if changes:
        customers.update_customer(session, saved_id(customer), actor, region=region, **changes)


# --------------------------------------------------------------------------- retiring earlier practices


def retire_open_calls(session: Session, customer_id: int, actor: Actor, *, note: str = PRACTICE_RESET_NOTE) -> tuple[list[int], list[int]]:
    """Cancel the customer's pending promises and close their open calls, with ``note``.

    Returns (cancelled promise ids, closed call ids). Nothing is deleted.
    """
    pending = [
        commitment_id
        for commitment_id in session.exec(
            select(Commitment.id)
            .join(Call, col(Call.id) == col(Commitment.call_id))
            .where(Call.customer_id == customer_id, col(Commitment.outcome).is_(None))
            .order_by(col(Commitment.id))
        ).all()
        if commitment_id is not None  # a primary key read back: never None
    ]
    for commitment_id in pending:
        commitments.cancel(session, commitment_id, actor, reason=note)
    open_calls = session.exec(
        select(Call).where(Call.customer_id == customer_id, col(Call.status).in_(OPEN_STATUSES)).order_by(col(Call.id))
    ).all()
    for call in open_calls:
        call_id = saved_id(call)
        # A practice stopped mid-call is still "in conversation": end it first (and any hold).
        calls.end_talk(session, call_id, actor)
        calls.record_agreement(session, call_id, actor, agreed=True, note=note)
        valid_complaint = call.is_complaint and call.complaint_valid and not call.prevention_note.strip()
        calls.close_call(
            session,
            call_id,
            actor,
            resolution=None if call.resolution.strip() else note,
            prevention_note=note if valid_complaint else None,
            comment=note,
        )
    return pending, [saved_id(call) for call in open_calls]


# --------------------------------------------------------------------------- the history


def _record_past(
    session: Session, customer_id: int, past: PastCall, persona: Persona, actor: Actor, *, policies: Policies, prefix: str
) -> int:
    """Record one past call through the services, on a clock set back to when it happened."""
    now = actor.now()
    opened = now - timedelta(seconds=duration_seconds(past.opened))
    due = now - timedelta(seconds=duration_seconds(past.promise.due)) if past.promise else None
    # Everything said on the call happens before its promise could fall due.
    talk = min(TALK, (due - opened) / 2) if due is not None else TALK
    talk = min(talk, (now - opened) / 2)
    clock = ManualClock(opened)
    by = Actor(actor.analyst_id, clock)

    call_id = saved_id(calls.create_call(session, customer_id, by, prefix=prefix))
    calls.acknowledge(session, call_id, AckMethod.VERBAL, by)
    calls.move_to_stage(session, call_id, Stage.ASSESSMENT, by)
    urgency = str(past.urgency) if past.urgency else None
    derived = priority.derive(CallImpact(executive_affected=persona.executive), urgency, policies.priority)
    calls.update_assessment(
        session, call_id, by,
        summary=past.summary,
        category=past.category,
        urgency=urgency,
        executive_affected=persona.executive,
        priority=past.priority or derived.priority,
        priority_reason="set in the scenario" if past.priority else derived.reason,
    )
    clock.set(opened + talk * 3 / 4)
    promise = past.promise
    promise_id = None
    if past.status == CallStatus.ESCALATED:
        assert past.escalated_to is not None  # the scenario model insists
        as_next_contact = promise is not None and promise.kind == CommitmentKind.NEXT_CONTACT
        calls.move_to_stage(session, call_id, Stage.RESOLVE, by)
        escalation = escalations.escalate(
            session,
            call_id,
            escalations.EscalationRequest(
                route=past.escalated_to,
                handoff=f"{past.summary}. Passed on with the caller's details and what was tried on the call.",
                # Without a scenario promise the desk is on track: the next contact is still ahead.
                next_contact_at=due if as_next_contact else now + timedelta(days=1),
                time_to_fix=_usual_time_to_fix(policies, past.escalated_to),
                cause=policies.escalation.usual_cause(past.escalated_to).key,
            ),
            by,
            policy=policies.escalation,
        )
        if as_next_contact:
            promise_id = escalation.next_contact_id
    if promise is not None and promise_id is None:
        assert due is not None  # set whenever there is a promise
        number = commitments.usable_number(persona.phone) if promise.kind == CommitmentKind.CALLBACK else ""
        made = commitments.make_commitment(
            session, call_id, promise.kind, due, by, description=promise.description, contact_number=number
        )
        promise_id = made.id
    if past.status in (CallStatus.AWAITING_CONFIRMATION, CallStatus.CLOSED):
        calls.move_to_stage(session, call_id, Stage.RESOLVE, by)
        calls.resolve(session, call_id, by, resolution=past.resolution or FALLBACK_RESOLUTION)
        calls.move_to_stage(session, call_id, Stage.CLOSE, by)
        agreed = past.status == CallStatus.CLOSED
        calls.record_agreement(session, call_id, by, agreed=agreed, note="" if agreed else AWAITING_NOTE)
    clock.set(opened + talk)
    calls.end_talk(session, call_id, by)
    if past.status == CallStatus.CLOSED:
        calls.close_call(session, call_id, by)
    if promise is not None and promise_id is not None and promise.outcome != "pending":
        assert due is not None
        _settle_past(session, promise_id, promise.outcome, opened + talk, due, now, actor)
    return call_id


def _settle_past(session: Session, promise_id: int, outcome: str, made: datetime, due: datetime, now: datetime, actor: Actor) -> None:
    """Kept a little before it was due, or marked missed an hour after (never after now)."""
    if outcome == CommitmentOutcome.KEPT_ON_TIME:
        when = max(made, due - timedelta(minutes=10))
    else:
        when = min(now, due + timedelta(hours=1))
    commitments.settle(session, promise_id, Actor(actor.analyst_id, ManualClock(when)), kept=outcome == CommitmentOutcome.KEPT_ON_TIME)


def _usual_time_to_fix(policies: Policies, route_key: str) -> str:
    """The route's usual time to fix (an escalation needs one; a tier may not say)."""
    route = policies.escalation.route(route_key)
    usual = route.tiers[0].usual_time_to_fix if route is not None else ""
    return usual or "as the receiver estimated"
