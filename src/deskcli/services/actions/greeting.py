"""The greeting's actions: take the caller, add a new one, confirm the name, acknowledge,
and correct the caller's details from the call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskcli.core.enums import AckMethod, EventKind, status_words
from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, callview, drafts, events
from deskcli.services.lifecycle.callview import CustomerCard
from deskcli.services.lifecycle.greeting import Opening
from deskcli.services.lookup import customer_edit, customers
from deskcli.services.lookup.customer_edit import CallerDetails
from deskcli.services.lookup.customers import CustomerMatch
from deskcli.services.rules.greeting_policy import GreetingPolicy

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskcli.config.settings import Settings
    from deskcli.services.lifecycle.acknowledgements import AckResult
    from deskcli.store.db import Store


@dataclass(frozen=True)
class TakenCall:
    """The call record opened for the caller."""

    call_id: int
    customer_id: int
    reference: str


def _greeted(session: Session, call: Call, opening: Opening, actor: Actor) -> None:
    """Log the greeting given, when one was (an e-mail or a fax gets none: nothing was said)."""
    if opening.given and opening.text.strip():
        calls.record_greeting(session, call.id, opening.text, actor)


def take_caller(
    store: Store, actor: Actor, customer_id: int, *, opening: Opening, prefix: str, came_in_on: str = ""
) -> TakenCall:
    """This is the caller: open the call on its channel (its reference number) and log the greeting given.

    ``came_in_on``: the number the phone system gave, kept for a call-back.
    """
    with store.write() as session:
        call = calls.create_call(session, customer_id, actor, prefix=prefix, channel=opening.channel,
                                 caller_number=came_in_on)
        _greeted(session, call, opening, actor)
        assert call.id is not None
        return TakenCall(call.id, customer_id, call.reference)


def add_new_caller(
    store: Store, actor: Actor, data: CustomerCreate, *, region: str, opening: Opening, prefix: str, came_in_on: str = ""
) -> TakenCall:
    """A caller not on record: add them and open their call, in one transaction."""
    with store.write() as session:
        customer = customers.create_customer(session, data, actor, region=region)
        assert customer.id is not None
        call = calls.create_call(session, customer.id, actor, prefix=prefix, channel=opening.channel,
                                 caller_number=came_in_on)
        _greeted(session, call, opening, actor)
        assert call.id is not None
        return TakenCall(call.id, customer.id, call.reference)


def progress_call(store: Store, actor: Actor, call_id: int, *, opening: Opening, came_in_on: str = "") -> int:
    """The caller rings about their open call: log the contact and the greeting there, talk resumed."""
    with store.write() as session:
        calls.log_contact(
            session, call_id, actor, inbound=True, note="progress call from the customer", caller_number=came_in_on
        )
        _greeted(session, calls.get_call(session, call_id), opening, actor)
        calls.resume_talk(session, call_id, actor)
    return call_id


def confirm_name(store: Store, actor: Actor, call_id: int, *, spelling: str, pronunciation: str) -> None:
    """The caller's spelling and pronunciation were asked and confirmed."""
    with store.write() as session:
        calls.confirm_name(session, call_id, actor, spelling=spelling, pronunciation=pronunciation)
        drafts.clear_drafts(session, call_id, actor.analyst_id, ("confirm_spelling", "confirm_pronunciation"))


def _ack_allowed(policy: GreetingPolicy, call: Call, method: AckMethod) -> None:
    """Refuse a way of acknowledging the call's channel does not allow (an e-mail is answered in writing)."""
    allowed = policy.channel(call.channel).acknowledge
    if method not in allowed:
        ways = " or ".join("by e-mail" if way == AckMethod.EMAIL else "verbally" for way in allowed)
        raise RuleViolation(
            f"{call.reference} came by {status_words(call.channel)}: acknowledge it {ways} "
            "(seed: the acknowledgement is sent back verbally or by e-mail)."
        )


def acknowledge_verbally(store: Store, actor: Actor, call_id: int, *, policy: GreetingPolicy) -> str:
    """The reference number was given in the conversation (said, or typed in the chat); returns it."""
    with store.write() as session:
        _ack_allowed(policy, calls.get_call(session, call_id), AckMethod.VERBAL)
        return calls.acknowledge(session, call_id, AckMethod.VERBAL, actor).reference


def acknowledge_by_email(
    store: Store, settings: Settings, actor: Actor, call_id: int, *, policy: GreetingPolicy,
    next_contact: datetime | None = None,
) -> AckResult:
    """E-mail the acknowledgement, when the call's channel allows it (the mail is sent outside any transaction)."""
    from deskcli.services.lifecycle import acknowledgements

    with store.read() as session:
        _ack_allowed(policy, calls.get_call(session, call_id), AckMethod.EMAIL)
    return acknowledgements.send_acknowledgement(store, settings, call_id, actor, next_contact=next_contact)


@dataclass(frozen=True)
class CallerEdited:
    """What changed on the caller's record: field → [old, new] (empty when nothing did)."""

    customer_id: int
    changes: dict[str, list[object]]


def edit_caller(store: Store, actor: Actor, call_id: int, details: CallerDetails, *, region: str) -> CallerEdited:
    """Correct the caller's record from their call, in one transaction; each change goes on the call's timeline.

    Seed: establish how to spell and pronounce the customer's name; a VIP or executive
    affected is an escalation trigger, and caution flags are what to know before speaking.
    Nothing changed records nothing.
    """
    with store.write() as session:
        call = calls.get_call(session, call_id)
        changes = customer_edit.apply(session, call.customer_id, details, actor, region=region)
        if changes:
            events.record(session, call, EventKind.CUSTOMER_CHANGED, actor, customer_id=call.customer_id, changes=changes)
            call.updated_at = actor.now()
            session.add(call)
        return CallerEdited(call.customer_id, changes)


def find_callers(store: Store, query: str, *, region: str, limit: int = 12) -> list[CustomerMatch]:
    """Customers matching what was typed in the lookup, best first."""
    with store.read() as session:
        return customers.lookup(session, query, region=region, limit=limit)


def caller_card(store: Store, customer_id: int, *, now: datetime, exclude_call_id: int | None) -> CustomerCard:
    """What the analyst sees about a caller before speaking."""
    with store.read() as session:
        return callview.customer_card(session, customer_id, now=now, exclude_call_id=exclude_call_id)


@dataclass(frozen=True)
class RingIn:
    """Who a ringing number is: the matching customers, and the card when exactly one matches."""

    number: str
    found: list[CustomerMatch]
    card: CustomerCard | None


def ring_in(store: Store, number: str, *, region: str, now: datetime) -> RingIn:
    """The phone rang with ``number``: its callers and, for a single one, their card, in one read.

    Run as soon as the ring is heard, while the greeting screen is being shown, so the
    card is ready when the screen is (the lookup and the card would otherwise follow each
    other, each in its own worker).
    """
    with store.read() as session:
        found = customers.lookup(session, number, region=region, limit=12)
        card = None
        if len(found) == 1:
            card = callview.customer_card(session, found[0].id, now=now, exclude_call_id=None)
        return RingIn(number, found, card)
