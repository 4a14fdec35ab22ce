"""Customers (callers) and their phone numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from deskcli.models.columns import json, nocase, text


class CustomerBase(SQLModel):
    """What the analyst records about a caller."""

    name: str = Field(max_length=160, sa_type=nocase(160), index=True)
    """The caller's name as written."""
    name_spelling: str = Field(default="", max_length=200)
    """The spelling confirmed with the caller, e.g. ``S-I-O-B-H-A-N``."""
    pronunciation: str = Field(default="", max_length=200)
    """How to say the name, e.g. ``shi-VAWN``."""
    email: str | None = Field(default=None, max_length=254, sa_type=nocase(254), index=True)
    organisation: str = Field(default="", max_length=160, sa_type=nocase(160), index=True)
    department: str = Field(default="", max_length=160)
    is_vip: bool = False
    """VIP or executive: escalation triggers and the greeting screen take note."""
    caution_flags: list[str] = Field(default_factory=list, sa_type=json())
    """Things to know before speaking, e.g. ``abusive_history``."""
    notes: str = Field(default="", sa_type=text())


class CustomerCreate(CustomerBase):
    """Input for a new customer; ``phones`` are numbers as typed."""

    phones: list[str] = []


class Customer(CustomerBase, table=True):
    """A customer row."""

    __tablename__ = "customer"
    # Partial indexes: only imported customers carry these, so the index stays small. Only
    # SQLite's condition is named: a postgresql_where would import SQLAlchemy's PostgreSQL
    # dialect into every console; migration 0008 gives PostgreSQL the same condition.
    __table_args__ = (
        Index(
            "ix_customer_external_id", "external_id",
            sqlite_where=sql_text("external_id IS NOT NULL"),
        ),
        Index(
            "ix_customer_import_batch", "import_batch_id",
            sqlite_where=sql_text("import_batch_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=120)
    """The customer's id in the system it was imported from (dedupes the next import)."""
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    """The import that created this customer (``deskcli import undo`` removes it again)."""
    created_at: datetime
    updated_at: datetime


class CustomerPhone(SQLModel, table=True):
    """A phone number of a customer, kept as typed and normalised for lookup."""

    __tablename__ = "customer_phone"
    __table_args__ = (Index("ix_customer_phone_customer", "customer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="CASCADE")
    label: str = Field(default="", max_length=40)
    """work, mobile, home …"""
    raw: str = Field(max_length=64)
    """The number exactly as it was typed."""
    e164: str | None = Field(default=None, max_length=20, index=True)
    """International form (``+442079460000``) when the number could be understood."""
    national_digits: str = Field(default="", max_length=20, index=True)
    """National significant digits (``2079460000``) for lookup as the analyst types."""
