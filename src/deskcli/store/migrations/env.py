"""Alembic environment: runs on the connection deskcli hands it (see ``deskcli.store.migrate``)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, create_engine, pool
from sqlmodel import SQLModel

import deskcli.models  # noqa: F401  (registers every table on the metadata)

target_metadata = SQLModel.metadata

# Tables that the ORM does not model (SQLite FTS5 indexes and their shadow tables).
_UNMODELLED_PREFIXES = ("customer_fts", "article_fts", "call_fts")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave FTS tables out of autogenerate comparisons."""
    return not (type_ == "table" and name and name.startswith(_UNMODELLED_PREFIXES))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection, or build one from ``sqlalchemy.url``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("deskcli migrations need a connection or a sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("deskcli migrations run online only")
run_migrations_online()
