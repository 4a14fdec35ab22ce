"""The greeting's actions: take the caller, add a new one, confirm the name, acknowledge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskcli.core.enums import AckMethod
from deskcli.models import CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, callview, drafts
from deskcli.services.lifecycle.callview import CustomerCard
from deskcli.services.lookup import customers
from deskcli.services.lookup.customers import CustomerMatch

if TYPE_CHECKING:
    from deskcli.store.db import Store


@dataclass(frozen=True)
class TakenCall:
    """The call record opened for the caller."""

    call_id: int
    customer_id: int
    reference: str


def take_caller(store: Store, actor: Actor, customer_id: int, *, greeting: str, prefix: str, came_in_on: str = "") -> TakenCall:
    """This is the caller: open the call (its reference number) and log the greeting said.

    ``came_in_on``: the number the phone system gave, kept for a call-back.
    """
    with store.write() as session:
        call = calls.create_call(session, customer_id, actor, prefix=prefix, caller_number=came_in_on)
        calls.record_greeting(session, call.id, greeting, actor)
        assert call.id is not None
        return TakenCall(call.id, customer_id, call.reference)


def add_new_caller(
    store: Store, actor: Actor, data: CustomerCreate, *, region: str, greeting: str, prefix: str, came_in_on: str = ""
) -> TakenCall:
    """A caller not on record: add them and open their call, in one transaction."""
    with store.write() as session:
        customer = customers.create_customer(session, data, actor, region=region)
        assert customer.id is not None
        call = calls.create_call(session, customer.id, actor, prefix=prefix, caller_number=came_in_on)
        calls.record_greeting(session, call.id, greeting, actor)
        assert call.id is not None
        return TakenCall(call.id, customer.id, call.reference)


def progress_call(store: Store, actor: Actor, call_id: int, *, greeting: str, came_in_on: str = "") -> int:
    """The caller rings about their open call: log the contact and the greeting there, talk resumed."""
    with store.write() as session:
        calls.log_contact(
            session, call_id, actor, inbound=True, note="progress call from the customer", caller_number=came_in_on
        )
        calls.record_greeting(session, call_id, greeting, actor)
        calls.resume_talk(session, call_id, actor)
    return call_id


def confirm_name(store: Store, actor: Actor, call_id: int, *, spelling: str, pronunciation: str) -> None:
    """The caller's spelling and pronunciation were asked and confirmed."""
    with store.write() as session:
        calls.confirm_name(session, call_id, actor, spelling=spelling, pronunciation=pronunciation)
        drafts.clear_drafts(session, call_id, actor.analyst_id, ("confirm_spelling", "confirm_pronunciation"))


def acknowledge_verbally(store: Store, actor: Actor, call_id: int) -> str:
    """The reference number was read to the caller; returns it."""
    with store.write() as session:
        return calls.acknowledge(session, call_id, AckMethod.VERBAL, actor).reference


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
