"""Escalation reviews (seed 004, "Records Review"): a reviewer's marks on an escalated call.

Append-only like the timeline: a later review of the same call is a new row, and the
newest one is the call's current review. An ORM hook refuses updates and deletes here;
on SQLite a trigger (migration 0007) refuses them even from raw SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Index, event
from sqlmodel import Field, SQLModel

from deskcli.models.columns import json, text
from deskcli.models.guards import AppendOnlyError


class EscalationReview(SQLModel, table=True):
    """One review of an escalated call, written once by ``deskcli.services.records.review``."""

    __tablename__ = "escalation_review"
    __table_args__ = (Index("ix_escalation_review_call", "call_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id")
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id")
    """The call's latest escalation when it was reviewed."""
    reviewer_id: int = Field(foreign_key="analyst.id")
    analyst_id: int | None = Field(default=None, foreign_key="analyst.id")
    """The analyst whose call it was (the perceived owner), who gets the feedback."""
    reviewed_at: datetime
    marks: list[dict[str, Any]] = Field(default_factory=list, sa_type=json())
    """The reviewer's mark per point: ``{"point", "score" (1-5), "comment"}``."""
    checks: list[dict[str, Any]] = Field(default_factory=list, sa_type=json())
    """The automatic checks as they read at review time: ``{"point", "label", "result", "why"}``."""
    expected: dict[str, Any] = Field(default_factory=dict, sa_type=json())
    """What should have happened, in the reviewer's judgement (a practice scenario's answer key)."""
    comment: str = Field(default="", sa_type=text())
    feedback_commitment_id: int | None = Field(default=None, foreign_key="commitment.id")
    """The feedback meeting with the analyst, a promise owed by the reviewer."""


def _refuse(action: str) -> Callable[[Any, Any, EscalationReview], None]:
    def listener(_mapper: Any, _connection: Any, target: EscalationReview) -> None:
        raise AppendOnlyError(f"escalation reviews are append-only: refusing to {action} review {target.id}")

    return listener


event.listen(EscalationReview, "before_update", _refuse("update"))
event.listen(EscalationReview, "before_delete", _refuse("delete"))
