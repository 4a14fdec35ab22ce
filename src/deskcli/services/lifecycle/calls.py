"""The call lifecycle: create, acknowledge, assess, resolve, agree, close, reopen.

Each function changes one call and appends the matching event(s) to its timeline.
Refusals are :class:`~deskcli.core.errors.RuleViolation` with a message that says why,
quoting the practice the rule comes from.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import (
    AckMethod,
    Analyst,
    BusinessImpact,
    Call,
    CallAssessment,
    CallStatus,
    Channel,
    Customer,
    EventKind,
    KnowledgeArticle,
    Stage,
)
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.references import next_reference

AGREEMENT_RULE = "Do not close the call until the customer agrees."


def get_call(session: Session, call_id: int) -> Call:
    """The call with this id, or :class:`NotFound`."""
    call = session.get(Call, call_id)
    if call is None:
        raise NotFound(f"call {call_id} does not exist.")
    return call


def find_by_reference(session: Session, reference: str) -> Call:
    """The call with this reference number (``hd-123`` and ``HD-000123`` both work)."""
    reference = reference.strip().upper()
    prefix, _, digits = reference.rpartition("-")
    if digits.isdigit():
        reference = f"{prefix}-{int(digits):06d}"
    call = session.exec(select(Call).where(Call.reference == reference)).first()
    if call is None:
        raise NotFound(f"no call has the reference {reference}.")
    return call


def create_call(
    session: Session,
    customer_id: int,
    by: Actor,
    *,
    prefix: str = "HD",
    channel: Channel = Channel.PHONE,
    caller_number: str = "",
) -> Call:
    """Open a call for a customer, with its reference number; the analyst owns it.

    The analyst who takes the call is both its actual owner and the owner the
    customer perceives (seed: Ownership). ``caller_number`` is the number the phone
    system gave (kept on the ``created`` event: a call-back rings it first).
    """
    if by.analyst_id is None:
        raise RuleViolation("a call must be taken by an analyst; set up the analyst profile first.")
    if session.get(Customer, customer_id) is None:
        raise NotFound(f"customer {customer_id} does not exist.")
    analyst = session.get(Analyst, by.analyst_id)
    if analyst is None:
        raise NotFound(f"analyst {by.analyst_id} does not exist.")
    now = by.now()
    call = Call(
        reference=next_reference(session, prefix),
        customer_id=customer_id,
        channel=channel,
        status=CallStatus.OPEN,
        stage=Stage.GREETING,
        perceived_owner_id=analyst.id,
        actual_owner_id=analyst.id,
        actual_owner_label=analyst.name,
        opened_at=now,
        updated_at=now,
    )
    session.add(call)
    session.flush()
    events.record(
        session, call, EventKind.CREATED, by, reference=call.reference, channel=str(channel), customer_id=customer_id,
        **_caller_number(caller_number),
    )
    return call


def _caller_number(number: str) -> dict[str, str]:
    """The payload field for the number a call came in on (nothing when there is none)."""
    number = " ".join(number.split())[:40]
    return {"caller_number": number} if number else {}


def _open_call(session: Session, call_id: int, action: str) -> Call:
    call = get_call(session, call_id)
    if call.status == CallStatus.CLOSED:
        raise RuleViolation(f"{call.reference} is closed: reopen it (with a reason) before you {action}.")
    return call


def set_status(session: Session, call: Call, status: CallStatus, by: Actor) -> None:
    """Change the call's status, recording the change (the SLA clock reads these events)."""
    status = CallStatus(status)
    if call.status != status:
        events.record(session, call, EventKind.STATUS_CHANGED, by, **{"from": call.status, "to": str(status)})
        call.status = status


def _touch(session: Session, call: Call, by: Actor) -> None:
    call.updated_at = by.now()
    session.add(call)


def acknowledge(session: Session, call_id: int, method: AckMethod, by: Actor, *, detail: str = "") -> Call:
    """Record that the call was acknowledged to the customer, verbally or by e-mail."""
    method = AckMethod(method)
    call = _open_call(session, call_id, "acknowledge it")
    if call.acknowledged_at is None:
        call.acknowledged_at = by.now()
        call.ack_method = method
    _touch(session, call, by)
    events.record(session, call, EventKind.ACKNOWLEDGED, by, method=str(method), reference=call.reference, detail=detail)
    return call


def move_to_stage(session: Session, call_id: int, stage: Stage, by: Actor, *, skipped: list[str] | None = None) -> Call:
    """Move the call to another stage; the analyst may go back and forth freely.

    ``skipped`` names script steps the analyst chose not to do; they are allowed but
    recorded.
    """
    stage = Stage(stage)
    call = get_call(session, call_id)
    previous = call.stage
    if previous != stage:
        call.stage = stage
        _touch(session, call, by)
        events.record(session, call, EventKind.STAGE_CHANGED, by, **{"from": previous, "to": str(stage)})
    if skipped:
        events.record(session, call, EventKind.STAGE_SKIPPED, by, stage=previous, steps=list(skipped))
    return call


_ASSESSMENT_FIELDS = set(CallAssessment.model_fields)


def update_assessment(session: Session, call_id: int, by: Actor, **changes: Any) -> Call:
    """Change assessment fields (summary, category, impact, priority, complaint …).

    Values are validated as the model declares them; the event lists each field's
    old and new value.
    """
    unknown = set(changes) - _ASSESSMENT_FIELDS
    if unknown:
        raise RuleViolation(f"{sorted(unknown)[0]}: not an assessment field.")
    call = _open_call(session, call_id, "change the assessment")
    current = CallAssessment.model_validate(call, from_attributes=True).model_dump()
    try:
        checked = CallAssessment.model_validate({**current, **changes})
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise RuleViolation(f"{field}: {problem['msg']}.") from None
    if checked.business_impact is not None and checked.business_impact not in set(BusinessImpact):
        expected = ", ".join(BusinessImpact)
        raise RuleViolation(f"business_impact: expected one of {expected} (got {checked.business_impact!r}).")
    diff: dict[str, list[Any]] = {}
    for field in changes:
        new = getattr(checked, field)
        old = getattr(call, field)
        if new != old:
            diff[field] = [old, new]
            setattr(call, field, new)
    if diff:
        _touch(session, call, by)
        events.record(session, call, EventKind.FIELDS_CHANGED, by, changes=diff)
        if "is_complaint" in diff and checked.is_complaint:
            events.record(session, call, EventKind.COMPLAINT_LOGGED, by, summary=call.summary)
    return call


def save_notes(session: Session, call_id: int, notes: str, by: Actor) -> Call:
    """Store the analyst's notes as they stand (called by the debounced autosave)."""
    call = get_call(session, call_id)
    if call.notes == notes:
        return call
    previous_length = len(call.notes)
    call.notes = notes
    call.notes_saved_at = by.now()
    _touch(session, call, by)
    events.record(session, call, EventKind.NOTES_SAVED, by, chars=len(notes), delta=len(notes) - previous_length)
    return call


def resolve(
    session: Session,
    call_id: int,
    by: Actor,
    *,
    resolution: str,
    instructions: str = "",
    article_id: int | None = None,
) -> Call:
    """Record the resolution and what the caller was told to do.

    A knowledge article used for the fix is linked and its use counted. The call is
    not closed here: closing needs the customer's agreement.
    """
    call = _open_call(session, call_id, "resolve it")
    if not resolution.strip():
        raise RuleViolation("resolution: say what fixed the problem (required).")
    if article_id is not None:
        article = session.get(KnowledgeArticle, article_id)
        if article is None:
            raise NotFound(f"knowledge article {article_id} does not exist.")
        article.times_used += 1
        session.add(article)
        call.article_id = article_id
        events.record(session, call, EventKind.ARTICLE_USED, by, article_id=article_id, slug=article.slug, title=article.title)
    call.resolution = resolution.strip()
    call.instructions = instructions.strip()
    call.resolved_at = by.now()
    _touch(session, call, by)
    events.record(session, call, EventKind.RESOLVED, by, resolution=call.resolution, instructions=call.instructions, article_id=article_id)
    return call


def record_agreement(session: Session, call_id: int, by: Actor, *, agreed: bool, note: str = "") -> Call:
    """Record the customer's answer to "may we close this call?".

    Without agreement the call waits as "awaiting customer confirmation".
    """
    call = _open_call(session, call_id, "ask for agreement")
    if agreed:
        call.customer_agreed_at = by.now()
        events.record(session, call, EventKind.CUSTOMER_AGREED, by, note=note)
    else:
        call.customer_agreed_at = None
        set_status(session, call, CallStatus.AWAITING_CONFIRMATION, by)
        events.record(session, call, EventKind.CUSTOMER_DECLINED, by, note=note)
    _touch(session, call, by)
    return call


def close_refusals(call: Call, *, resolution: str | None = None, prevention_note: str | None = None) -> list[str]:
    """Why ``call`` cannot be closed yet (empty when it can)."""
    reasons = []
    if call.status == CallStatus.CLOSED:
        return [f"{call.reference} is already closed"]
    if call.customer_agreed_at is None:
        reasons.append("the customer's agreement to close is not recorded")
    if not (resolution if resolution is not None else call.resolution).strip():
        reasons.append("there is no resolution summary")
    prevention = prevention_note if prevention_note is not None else call.prevention_note
    if call.is_complaint and call.complaint_valid and not prevention.strip():
        reasons.append("the complaint was valid, and nothing says what will prevent a repeat")
    return reasons


def close_call(
    session: Session,
    call_id: int,
    by: Actor,
    *,
    resolution: str | None = None,
    satisfaction: int | None = None,
    comment: str = "",
    prevention_note: str | None = None,
) -> Call:
    """Close the call. Refused unless the customer agreed and the resolution is written."""
    call = get_call(session, call_id)
    reasons = close_refusals(call, resolution=resolution, prevention_note=prevention_note)
    if reasons:
        raise RuleViolation(
            f"{call.reference} cannot be closed: " + "; ".join(reasons) + ".",
            f"{AGREEMENT_RULE} Ask the customer whether they are satisfied and agree to close it.",
        )
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise RuleViolation("satisfaction: expected a score from 1 to 5.")
    now = by.now()
    if resolution is not None:
        call.resolution = resolution.strip()
    if prevention_note is not None:
        call.prevention_note = prevention_note.strip()
    set_status(session, call, CallStatus.CLOSED, by)
    call.closed_at = now
    if call.talk_ended_at is None:
        call.talk_ended_at = now
    call.satisfaction = satisfaction
    call.satisfaction_comment = comment.strip()
    if call.resolved_at is None:
        call.resolved_at = now
    _touch(session, call, by)
    events.record(
        session,
        call,
        EventKind.CLOSED,
        by,
        resolution=call.resolution,
        satisfaction=satisfaction,
        comment=call.satisfaction_comment,
        prevention_note=call.prevention_note,
    )
    return call


def reopen_call(session: Session, call_id: int, by: Actor, *, reason: str) -> Call:
    """Reopen a closed call; the reason is required and kept on the timeline.

    The customer's earlier agreement no longer counts: it must be asked again.
    """
    call = get_call(session, call_id)
    if call.status != CallStatus.CLOSED:
        raise RuleViolation(f"{call.reference} is not closed, so it cannot be reopened.")
    if not reason.strip():
        raise RuleViolation("reason: say why the call is reopened (required).")
    set_status(session, call, CallStatus.OPEN, by)
    call.closed_at = None
    call.customer_agreed_at = None
    _touch(session, call, by)
    events.record(session, call, EventKind.REOPENED, by, reason=reason.strip())
    return call


def record_greeting(session: Session, call_id: int, text: str, by: Actor) -> Call:
    """Log the greeting that was read to the caller (the trainer's scorecard checks it)."""
    call = get_call(session, call_id)
    events.record(session, call, EventKind.GREETED, by, text=text)
    return call


def record_apology(session: Session, call_id: int, by: Actor, *, words: str = "") -> Call:
    """Record that the analyst apologised and empathised (seed: Complaints - saying sorry is not agreeing)."""
    call = get_call(session, call_id)
    events.record(session, call, EventKind.APOLOGISED, by, words=words.strip())
    return call


def confirm_name(session: Session, call_id: int, by: Actor, *, spelling: str = "", pronunciation: str = "") -> Call:
    """Record that the caller's name, spelling and pronunciation were confirmed.

    Seed (The Greeting): it is vital to establish how to pronounce the customer's name
    and how to spell it. Confirmed details are kept on the customer for next time.
    """
    call = get_call(session, call_id)
    customer = session.get(Customer, call.customer_id)
    assert customer is not None
    if spelling.strip():
        customer.name_spelling = spelling.strip()
    if pronunciation.strip():
        customer.pronunciation = pronunciation.strip()
    customer.updated_at = by.now()
    session.add(customer)
    events.record(
        session, call, EventKind.NAME_CONFIRMED, by,
        name=customer.name, spelling=customer.name_spelling, pronunciation=customer.pronunciation,
    )
    return call


def set_callback_preference(session: Session, call_id: int, preference: str, by: Actor) -> Call:
    """Keep when the caller prefers to be called back (it goes into the hand-off)."""
    call = _open_call(session, call_id, "change it")
    preference = preference.strip()[:200]
    if preference != call.callback_preference:
        events.record(session, call, EventKind.FIELDS_CHANGED, by, changes={"callback_preference": [call.callback_preference, preference]})
        call.callback_preference = preference
        _touch(session, call, by)
    return call


def end_talk(session: Session, call_id: int, by: Actor) -> Call:
    """The conversation is over (the call record may well stay open)."""
    call = get_call(session, call_id)
    if call.talk_ended_at is None:
        if call.hold_started_at is not None:
            seconds = int((by.now() - call.hold_started_at).total_seconds())
            call.hold_started_at = None
            events.record(session, call, EventKind.HOLD_ENDED, by, seconds=seconds, long=False, ended_with_call=True)
        call.talk_ended_at = by.now()
        _touch(session, call, by)
        events.record(session, call, EventKind.TALK_ENDED, by, seconds=int((by.now() - call.opened_at).total_seconds()))
    return call


def resume_talk(session: Session, call_id: int, by: Actor) -> Call:
    """The analyst is on the phone about this call again (e.g. the customer rang back)."""
    call = get_call(session, call_id)
    if call.talk_ended_at is not None:
        call.talk_ended_at = None
        _touch(session, call, by)
        events.record(session, call, EventKind.TALK_RESUMED, by)
    return call


def live_call_of(session: Session, analyst_id: int) -> Call | None:
    """The call this analyst was still talking on (e.g. when deskcli was killed), if any."""
    return session.exec(
        select(Call)
        .where(Call.perceived_owner_id == analyst_id, col(Call.talk_ended_at).is_(None), Call.status != CallStatus.CLOSED)
        .order_by(col(Call.opened_at).desc())
        .limit(1)
    ).first()


def live_call_ids(session: Session, analyst_id: int, *, limit: int = 20) -> list[int]:
    """Every call this analyst is still talking on (newest first): one after a crash, or an
    older one left live when a new caller was put through."""
    return list(
        session.exec(
            select(Call.id)
            .where(Call.perceived_owner_id == analyst_id, col(Call.talk_ended_at).is_(None), Call.status != CallStatus.CLOSED)
            .order_by(col(Call.opened_at).desc())
            .limit(limit)
        )
    )


def log_contact(
    session: Session, call_id: int, by: Actor, *, inbound: bool, note: str = "", caller_number: str = ""
) -> Call:
    """Log a contact with the customer about a call (seed: record contact in the application).

    An inbound progress call ("any news on my call?") is logged against the existing
    call in one step; so is an outbound call keeping the customer informed.
    ``caller_number``: the number an inbound call came in on, if the phone system gave it.
    """
    call = get_call(session, call_id)
    events.record(
        session, call, EventKind.CONTACT_LOGGED, by, direction="inbound" if inbound else "outbound", note=note.strip(),
        **(_caller_number(caller_number) if inbound else {}),
    )
    _touch(session, call, by)
    return call
