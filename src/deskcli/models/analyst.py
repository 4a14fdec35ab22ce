"""Analysts: the people who take calls and own them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from deskcli.models.columns import nocase


class AnalystBase(SQLModel):
    """Fields an analyst is created with."""

    handle: str = Field(max_length=64, sa_type=nocase(64), unique=True)
    """Login-style identifier, unique on this database (the OS user name by default)."""
    name: str = Field(max_length=120)
    """Full name, as said in the greeting."""
    department: str = Field(default="", max_length=120)
    organisation: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=254)
    role: str = Field(default="analyst", max_length=32)
    """analyst, senior or manager: who may take hierarchical escalations."""


class Analyst(AnalystBase, table=True):
    """An analyst row; events and promises point at it."""

    __tablename__ = "analyst"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime
