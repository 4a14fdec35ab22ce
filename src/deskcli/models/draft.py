"""Drafts: words typed into a field of a live call that are not yet part of the record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from deskcli.models.columns import text


class CallDraft(SQLModel, table=True):
    """One field's unsaved text, kept so a crash loses nothing (see migration 0006).

    Not part of the call record: the field is written to the call, with its event,
    only when the analyst saves it, and the draft is then removed.
    """

    __tablename__ = "call_draft"
    __table_args__ = (UniqueConstraint("call_id", "analyst_id", "field", name="uq_call_draft_field"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id")
    analyst_id: int = Field(foreign_key="analyst.id")
    field: str = Field(max_length=48)
    """Which field: ``resolution``, ``handoff``, ``close_comment`` …"""
    text: str = Field(default="", sa_type=text())
    updated_at: datetime
