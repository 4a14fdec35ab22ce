"""Promises made to customers, kept as records so none is forgotten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Commitment(SQLModel, table=True):
    """A promise: who owes what to the customer of a call, and by when."""

    __tablename__ = "commitment"
    __table_args__ = (
        Index("ix_commitment_pending", "outcome", "owed_by_id", "due_at"),
        Index("ix_commitment_call", "call_id"),
        Index("ix_commitment_due", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id")
    kind: str = Field(max_length=16)
    """A :class:`~deskcli.models.enums.CommitmentKind` value."""
    description: str = Field(default="", max_length=300)
    contact_number: str = Field(default="", max_length=40)
    """The number to ring for a call-back (empty for other promises)."""
    due_at: datetime
    """When it is due, UTC."""
    owed_by_id: int = Field(foreign_key="analyst.id")
    """Who must keep it: the perceived owner of the call."""
    created_at: datetime
    created_by_id: int = Field(foreign_key="analyst.id")
    outcome: str | None = Field(default=None, max_length=16)
    """``None`` while pending; otherwise a :class:`~deskcli.models.enums.CommitmentOutcome`."""
    resolved_at: datetime | None = None
    outcome_note: str = Field(default="", max_length=500)
    replaces_id: int | None = Field(default=None, foreign_key="commitment.id")
    """The promise this one reschedules."""
