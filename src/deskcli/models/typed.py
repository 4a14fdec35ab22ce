"""Typed access to what SQLModel builds at run time.

* The bulk services (import, export, undo, the queue, lookup) write SQLAlchemy Core
  statements against a model's table. SQLModel sets ``Model.__table__`` when the
  class is created but does not declare it, so a type checker cannot see it;
  :func:`table_of` reaches the same :class:`~sqlalchemy.Table` through the mapper.
* A table's ``id`` is ``int | None``: ``None`` until the row is flushed.
  :func:`saved_id` is the id of a row that has been, for code that goes on to use it.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Table, inspect
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """The :class:`~sqlalchemy.Table` ``model`` maps to (the object ``model.__table__`` is)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a single table")
    return table


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Row) -> int:
    """The primary key of ``row``, which has been flushed (or read) from the database."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has no id yet: it was never flushed")
    return row.id
