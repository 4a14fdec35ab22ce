"""Escalations: a call handed to someone who can deal with it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from deskcli.models.columns import json, text
from deskcli.models.enums import EscalationType


class EscalationBase(SQLModel):
    """What an escalation must carry (seed: the call escalation procedure)."""

    type: str = Field(default=EscalationType.FUNCTIONAL, max_length=16)
    """Functional (to expertise) or hierarchical (to seniority)."""
    route: str = Field(max_length=64)
    """The route's key in the escalation policy."""
    tier: int = Field(default=2, ge=1, le=9)
    receiver: str = Field(max_length=200)
    """Who takes it over: a team, a supplier or a named person."""
    handoff: str = Field(sa_type=text())
    """Everything passed on: summary, steps tried, impact, contact details."""
    time_to_fix: str = Field(default="", max_length=120)
    """The receiver's estimate of the time to fix, as they said it."""
    triggers: list[str] = Field(default_factory=list, sa_type=json())
    """The escalation triggers that held, by key."""
    cause: str = Field(default="", max_length=64)
    """Why the call had to be escalated (seed 003), a key of the policy's causes."""
    channel: str | None = Field(default=None, max_length=16)
    """The channel the customer is contacted on from now on; ``None`` keeps the call's."""


class Escalation(EscalationBase, table=True):
    """An escalation row."""

    __tablename__ = "escalation"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    receiver_analyst_id: int | None = Field(default=None, foreign_key="analyst.id")
    escalated_at: datetime
    escalated_by_id: int = Field(foreign_key="analyst.id")
    next_contact_id: int | None = Field(default=None, foreign_key="commitment.id")
    """The promise of when the customer will next hear from the desk."""
    previous_id: int | None = Field(default=None, foreign_key="escalation.id")
    """Set on a re-escalation: the escalation this one replaces."""
