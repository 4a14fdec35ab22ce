"""Imports: every import is a batch that can be undone, with what it changed.

``customer.import_batch_id`` and ``call.import_batch_id`` mark the rows a batch
created; ``import_change`` keeps the values a batch overwrote on existing customers
(so an undo can put them back); ``import_key`` remembers which customer a row of a
file stood for, by the id the file gave it, so a calls file can refer to customers
imported earlier from the same system.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskcli.models.columns import json


class ImportBatch(SQLModel, table=True):
    """One committed import (``deskcli import customers|calls FILE --commit``)."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    """``customers`` or ``calls``."""
    source: str = Field(max_length=500)
    """The file's name as it was given."""
    sha256: str = Field(default="", max_length=64)
    """The file's digest: importing the very same file again is pointed out."""
    mode: str = Field(default="all", max_length=16)
    """``all`` (all-or-nothing) or ``partial`` (the good rows, the rest reported)."""
    options: dict[str, Any] = Field(default_factory=dict, sa_type=json())
    """The column mapping and reading options used (encoding, delimiter, date format …)."""
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=json())
    """Rows created, updated, skipped and in error."""
    started_at: datetime
    finished_at: datetime | None = None
    by_id: int | None = Field(default=None, foreign_key="analyst.id")
    """Who ran the import."""
    undone_at: datetime | None = None
    """When ``deskcli import undo`` removed the batch again; the row itself is kept as the record."""
    undone_by_id: int | None = Field(default=None, foreign_key="analyst.id")
    undo: dict[str, Any] = Field(default_factory=dict, sa_type=json())
    """What the undo removed, restored and kept (and why)."""


class ImportChange(SQLModel, table=True):
    """The values an import overwrote on an existing customer, for its undo."""

    __tablename__ = "import_change"
    __table_args__ = (Index("ix_import_change_batch", "batch_id"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id")
    customer_id: int = Field(foreign_key="customer.id")
    previous: dict[str, Any] = Field(default_factory=dict, sa_type=json())
    """Each changed field's value before the import."""
    added_phones: list[int] = Field(default_factory=list, sa_type=json())
    """Ids of the phone numbers the import added."""
    stamped_at: datetime
    """The ``updated_at`` the import gave the customer: a later change means hands off."""


class ImportKey(SQLModel, table=True):
    """Which customer a file's own id stood for (``deskcli_id`` in a deskcli export)."""

    __tablename__ = "import_key"
    __table_args__ = (Index("ix_import_key_source", "kind", "source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id")
    kind: str = Field(max_length=16)
    """``customer``."""
    source_key: str = Field(max_length=120)
    row_id: int
    """The customer's id in this database."""
