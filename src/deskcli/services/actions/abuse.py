"""The abusive-caller protocol (seed 002): warning, warning with its consequence, then
transfer to a manager or disconnect - each step logged with its time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskcli.models import CallEvent, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import abuse, events
from deskcli.services.lifecycle.abuse import Ending
from deskcli.services.rules.policy import AbusePolicy

if TYPE_CHECKING:
    from deskcli.store.db import Store

PROTOCOL_EVENTS = (EventKind.WARNING_GIVEN, EventKind.TRANSFERRED, EventKind.DISCONNECTED)


def give_warning(store: Store, actor: Actor, call_id: int, *, policy: AbusePolicy) -> int:
    """Log the warning just said; returns how many warnings the call has now."""
    with store.write() as session:
        return abuse.give_warning(session, call_id, actor, policy=policy).abuse_warnings


def end_abusive_call(
    store: Store, actor: Actor, call_id: int, ending: Ending, *, policy: AbusePolicy, manager: str, note: str
) -> None:
    """Transfer to a manager or disconnect, with the manager filled in."""
    with store.write() as session:
        abuse.end_abusive_call(session, call_id, ending, actor, policy=policy, manager=manager, note=note)


def protocol_log(store: Store, call_id: int) -> list[CallEvent]:
    """The protocol's steps on this call so far, oldest first."""
    with store.read() as session:
        return [e for e in reversed(events.timeline(session, call_id, limit=500)) if e.kind in PROTOCOL_EVENTS]
