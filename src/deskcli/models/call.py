"""The call: one support request carried from greeting to follow-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from deskcli.models.columns import text
from deskcli.models.enums import CallStatus, Channel, Stage


class CallImpact(SQLModel):
    """Impact fields: they feed the priority and the escalation triggers."""

    people_affected: int | None = Field(default=None, ge=0)
    departments_affected: int | None = Field(default=None, ge=0)
    business_impact: str | None = Field(default=None, max_length=16)
    """A :class:`~deskcli.models.enums.BusinessImpact` value."""
    executive_affected: bool = False
    """A senior manager or executive is affected (a personnel issue, seed 000)."""
    security_concern: bool = False
    company_wide: bool = False
    """The caller raised an issue that touches the whole company (seed 000), a trigger."""


class CallAssessment(CallImpact):
    """What the analyst learns while assessing."""

    category: str | None = Field(default=None, max_length=64)
    summary: str = Field(default="", max_length=500)
    urgency: str | None = Field(default=None, max_length=16)
    priority: int | None = Field(default=None, ge=1, le=4)
    """1 (critical) to 4 (low)."""
    priority_reason: str = Field(default="", max_length=300)
    is_complaint: bool = False
    complaint_valid: bool | None = None
    complaint_steps: str = Field(default="", sa_type=text())
    """The steps agreed with the customer to take a complaint forward."""


class Call(CallAssessment, table=True):
    """A call row. Change it only through ``deskcli.services`` so events are kept."""

    __tablename__ = "call"
    __table_args__ = (
        Index("ix_call_status_actual_owner", "status", "actual_owner_id"),
        Index("ix_call_status_perceived_owner", "status", "perceived_owner_id"),
        Index("ix_call_customer_opened", "customer_id", "opened_at"),
        Index("ix_call_opened", "opened_at"),
        Index("ix_call_live", "perceived_owner_id", "talk_ended_at"),
        # Partial indexes: only imported rows carry these (a million console calls add nothing).
        # SQLite's condition only: a postgresql_where would import SQLAlchemy's PostgreSQL
        # dialect into every console; migration 0008 gives PostgreSQL the same condition.
        Index(
            "ix_call_external_id", "external_id",
            sqlite_where=sql_text("external_id IS NOT NULL"),
        ),
        Index(
            "ix_call_import_batch", "import_batch_id",
            sqlite_where=sql_text("import_batch_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    """Readable reference number told to the customer, e.g. ``HD-000123``."""
    customer_id: int = Field(foreign_key="customer.id")
    channel: str = Field(default=Channel.PHONE, max_length=16)
    status: str = Field(default=CallStatus.OPEN, max_length=24)
    stage: str = Field(default=Stage.GREETING, max_length=16)

    notes: str = Field(default="", sa_type=text())
    """Free notes, saved as they are typed."""
    notes_saved_at: datetime | None = None

    resolution: str = Field(default="", sa_type=text())
    instructions: str = Field(default="", sa_type=text())
    """What the caller was told to do."""
    article_id: int | None = Field(default=None, foreign_key="knowledge_article.id")
    """The knowledge article the resolution used, if any."""
    prevention_note: str = Field(default="", sa_type=text())
    """For a valid complaint: what will stop it happening again."""

    perceived_owner_id: int = Field(foreign_key="analyst.id")
    """Who the caller believes has the call: the analyst who took it."""
    actual_owner_id: int | None = Field(default=None, foreign_key="analyst.id")
    """Who is working it, when that is an analyst of this desk."""
    actual_owner_label: str = Field(default="", max_length=200)
    """Who is working it, as shown (a team, a supplier, a named person)."""

    opened_at: datetime
    acknowledged_at: datetime | None = None
    ack_method: str | None = Field(default=None, max_length=8)
    resolved_at: datetime | None = None
    customer_agreed_at: datetime | None = None
    """When the customer agreed the call may be closed; cleared on reopen."""
    closed_at: datetime | None = None
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    satisfaction_comment: str = Field(default="", max_length=500)

    hold_started_at: datetime | None = None
    """Set while the caller is on hold."""
    talk_ended_at: datetime | None = None
    """When the live conversation ended; ``None`` while the analyst is still on the call.

    A call still in conversation when deskcli stops is resumed at the next start."""
    callback_preference: str = Field(default="", max_length=200)
    """When the caller prefers to be called back, in their words."""
    abuse_warnings: int = 0
    """Warnings given under the abusive-caller protocol on this call."""
    updated_at: datetime
    external_id: str | None = Field(default=None, max_length=120)
    """The call's id (ticket number) in the help desk it was imported from."""
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    """The import that brought this past call in; ``None`` for calls taken in deskcli."""
