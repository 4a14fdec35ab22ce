"""Close: only with the customer's agreement, and the follow-up call booked with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskcli.models import CommitmentKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, commitments, drafts

if TYPE_CHECKING:
    from deskcli.store.db import Store

CLOSE_DRAFTS = ("close_summary", "close_comment", "prevention", "follow_up_at")
"""The close screen's fields kept as drafts until the customer's answer is recorded."""
FOLLOW_UP_DESCRIPTION = "Relationship follow-up call: check all is still well"


@dataclass(frozen=True)
class CloseRequest:
    """The customer's answer to "may we close this call?" and what goes with it."""

    agreed: bool
    summary: str = ""
    prevention: str = ""
    satisfaction: int | None = None
    comment: str = ""
    follow_up_at: datetime | None = None
    """When to make the relationship follow-up call (``None``: not booked)."""


def close_call(store: Store, actor: Actor, call_id: int, request: CloseRequest) -> bool:
    """Record the customer's answer; close the call when they agree (True when closed).

    Without their agreement the call stays open, awaiting their confirmation (seed:
    do not close the call until the customer agrees). With it, the call is closed
    with the resolution summary, satisfaction and, for a valid complaint, what will
    prevent a repeat, and the follow-up call is booked as a promise.
    """
    with store.write() as session:
        if not request.agreed:
            calls.record_agreement(session, call_id, actor, agreed=False, note=request.comment)
            drafts.clear_drafts(session, call_id, actor.analyst_id, CLOSE_DRAFTS)
            return False
        calls.record_agreement(session, call_id, actor, agreed=True)
        calls.close_call(
            session, call_id, actor,
            resolution=request.summary, satisfaction=request.satisfaction,
            comment=request.comment, prevention_note=request.prevention,
        )
        if request.follow_up_at is not None:
            commitments.make_commitment(
                session, call_id, CommitmentKind.FOLLOW_UP, request.follow_up_at, actor, description=FOLLOW_UP_DESCRIPTION
            )
        drafts.clear_drafts(session, call_id, actor.analyst_id, CLOSE_DRAFTS)
        return True
