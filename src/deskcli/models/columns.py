"""Column types shared by the tables, kept dialect-neutral.

``nocase`` columns compare case-insensitively on SQLite so that a prefix ``LIKE``
can use their index (an ``ilike`` cannot); other databases get a plain string and
search through their own means.
"""

from __future__ import annotations

from sqlalchemy import JSON, String, Text
from sqlalchemy.types import TypeEngine


def nocase(length: int | None = None) -> TypeEngine[str]:
    """A string column with SQLite's NOCASE collation (plain VARCHAR elsewhere)."""
    return String(length).with_variant(String(length, collation="NOCASE"), "sqlite")


def text() -> TypeEngine[str]:
    """Unbounded text (notes, hand-offs, article steps)."""
    return Text()


def json() -> TypeEngine[object]:
    """A small JSON document (event payloads, flag lists)."""
    return JSON()
