"""The call timeline: append-only events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from deskcli.models.columns import json

REPORT_KINDS: tuple[str, ...] = (
    "article_used", "closed", "contact_logged", "escalated", "hold_ended",
    "ownership_moved", "reopened", "resolved", "talk_ended", "talk_resumed", "transferred",
)
"""The event kinds reports select by time (``ix_call_event_report``, migration 0007)."""

REPORT_KINDS_WHERE = "kind IN (" + ", ".join(f"'{kind}'" for kind in REPORT_KINDS) + ")"
"""The partial index's condition: a query repeats it word for word so SQLite uses the index."""


class CallEvent(SQLModel, table=True):
    """One thing that happened on a call. Never updated, never deleted.

    The rule is kept three times over: the services only insert, an ORM hook refuses
    updates and deletes (``deskcli.models.guards``), and on SQLite a trigger refuses
    them even from raw SQL.
    """

    __tablename__ = "call_event"
    __table_args__ = (
        Index("ix_call_event_call", "call_id", "id"),
        # Reports: events of some kinds by time, with their call (covering, partial). Only
        # SQLite's condition is named here: a postgresql_where would make SQLAlchemy import
        # its PostgreSQL dialect into the console (~4 MB of the 100 MB budget); migration
        # 0007 gives PostgreSQL the same condition.
        Index("ix_call_event_report", "kind", "at", "call_id", sqlite_where=text(REPORT_KINDS_WHERE)),
    )

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id")
    at: datetime
    """When it happened, UTC."""
    actor_id: int | None = Field(default=None, foreign_key="analyst.id")
    """Who did it; ``None`` for deskcli itself (reminders, SLA timers)."""
    kind: str = Field(max_length=32)
    """An :class:`~deskcli.models.enums.EventKind` value."""
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=json())
    """Small details: changed fields, reasons, methods."""
