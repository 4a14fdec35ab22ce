"""Actions on the call in hand, from any stage: open it, move between stages, hold,
promise, wait on the customer, save what is typed, hang up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskcli.core.enums import CommitmentKind, Stage
from deskcli.models import Call
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, callview, commitments, drafts, holds, script
from deskcli.services.lifecycle.callview import CallView
from deskcli.services.rules.policy import HoldPolicy
from deskcli.services.timekeeping import sla

if TYPE_CHECKING:
    from deskcli.store.db import Store


@dataclass(frozen=True)
class OpenedCall:
    """A call as the console opens it: the view, and the analyst's unsaved drafts on it."""

    view: CallView
    drafts: dict[str, str]


def open_call(store: Store, actor: Actor, call_id: int, *, resume_talk: bool = False) -> OpenedCall:
    """Open a call on screen (``resume_talk``: the analyst is on the phone about it again)."""
    if resume_talk:
        with store.write() as session:
            calls.resume_talk(session, call_id, actor)
    with store.read() as session:
        return OpenedCall(callview.load(session, call_id), drafts.drafts_of(session, call_id, actor.analyst_id))


def load_view(store: Store, call_id: int) -> CallView:
    """The call as it stands now."""
    with store.read() as session:
        return callview.load(session, call_id)


def live_call(store: Store, analyst_id: int) -> Call | None:
    """The call this analyst was still talking on when deskcli stopped, if any."""
    with store.read() as session:
        return calls.live_call_of(session, analyst_id)


def move_to_stage(store: Store, actor: Actor, call_id: int, *, leaving: Stage, going_to: Stage) -> list[str]:
    """Move the call to another stage; the steps passed over undone are recorded and returned."""
    with store.write() as session:
        # Read inside the write transaction: every save queued before this move has landed.
        skipped = script.skipped_steps(callview.load(session, call_id), leaving, going_to)
        calls.move_to_stage(session, call_id, going_to, actor, skipped=skipped)
    return skipped


def end_talk(store: Store, actor: Actor, call_id: int) -> None:
    """The conversation is over (the call stays open until it is closed)."""
    with store.write() as session:
        calls.end_talk(session, call_id, actor)


def toggle_hold(store: Store, actor: Actor, call_id: int, *, policy: HoldPolicy) -> bool:
    """Put the caller on hold, or take them off; True when now on hold."""
    with store.write() as session:
        call = calls.get_call(session, call_id)
        if call.hold_started_at is not None:
            holds.end_hold(session, call_id, actor, policy=policy)
            return False
        holds.start_hold(session, call_id, actor, policy=policy)
        return True


@dataclass(frozen=True)
class PromiseRequest:
    """A promise made to the caller during the call."""

    kind: CommitmentKind
    due_at: datetime
    description: str
    contact_number: str = ""
    """The number to ring: required for a call-back."""


def record_promise(store: Store, actor: Actor, call_id: int, request: PromiseRequest, *, hold_policy: HoldPolicy) -> None:
    """Record a promise; a call-back offered instead of more waiting ends the hold (seed 003).

    A call-back without a number to ring is refused (:func:`commitments.contact_number_for`).
    """
    number = commitments.contact_number_for(request.kind, request.contact_number)
    with store.write() as session:
        if calls.get_call(session, call_id).hold_started_at is not None:
            holds.end_hold(session, call_id, actor, policy=hold_policy)
        commitments.make_commitment(
            session, call_id, request.kind, request.due_at, actor, description=request.description, contact_number=number
        )


def wait_on_customer(store: Store, actor: Actor, call_id: int, *, reason: str) -> None:
    """Stop the SLA clock: the desk waits on the customer."""
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason=reason)


def resume_sla(store: Store, actor: Actor, call_id: int) -> None:
    """Start the SLA clock again."""
    with store.write() as session:
        sla.resume(session, call_id, actor)


def save_notes(store: Store, actor: Actor, call_id: int, text: str) -> None:
    """Store the notes as typed (the autosaver calls this)."""
    with store.write() as session:
        calls.save_notes(session, call_id, text, actor)


def save_draft(store: Store, actor: Actor, call_id: int, field: str, text: str) -> None:
    """Keep the words typed into a field not yet committed (the autosaver calls this)."""
    with store.write() as session:
        drafts.save_draft(session, call_id, field, text, actor)
