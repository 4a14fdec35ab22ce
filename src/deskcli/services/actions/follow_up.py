"""The analyst's promises: the list, kept or missed, rescheduled with a reason."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from deskcli.services.actor import Actor
from deskcli.services.desk import queue
from deskcli.services.desk.queue import PromiseRow
from deskcli.services.lifecycle import commitments

if TYPE_CHECKING:
    from deskcli.store.db import Store


def promises_page(store: Store, analyst_id: int, *, now: datetime, limit: int, offset: int) -> list[PromiseRow]:
    """A page of the promises this analyst owes, soonest (overdue) first."""
    with store.read() as session:
        return queue.pending_promises(session, analyst_id, now=now, limit=limit, offset=offset)


def settle(store: Store, actor: Actor, promise_id: int, *, kept: bool) -> str:
    """Mark a promise kept (on time or late) or missed; returns the outcome."""
    with store.write() as session:
        return commitments.settle(session, promise_id, actor, kept=kept).outcome or ""


def reschedule(store: Store, actor: Actor, promise_id: int, new_due: datetime, *, reason: str) -> None:
    """Move a promise to a new time; the reason is kept."""
    with store.write() as session:
        commitments.reschedule(session, promise_id, new_due, actor, reason=reason)
