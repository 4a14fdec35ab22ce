"""Named counters (call reference numbers)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Counter(SQLModel, table=True):
    """A counter advanced inside a write transaction, so two processes never share a value."""

    __tablename__ = "counter"

    name: str = Field(primary_key=True, max_length=32)
    value: int = 0
