"""Imports: batches that can be undone, external ids, and the one deletion the timeline allows.

``import_batch`` records every committed import; ``customer`` and ``call`` gain the
id the row had in the system it came from (``external_id``) and the batch that made it
(``import_batch_id``), both with partial indexes (console rows leave them empty, so the
indexes hold imported rows only). ``import_change`` keeps what an import overwrote on
existing customers, ``import_key`` the file's own ids of imported customers.

The append-only trigger on call events is narrowed by exactly one case: events of a
call whose import batch is being undone (``undone_at`` is set inside the undo's own
transaction, which then deletes those calls). Updates stay refused without exception.

Columns are added with ``ALTER TABLE … ADD COLUMN`` on SQLite (a table rebuild of a
million calls would take minutes and drop the search triggers).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence
from typing import TypedDict

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW_COLUMNS = {"customer": ("external_id", "import_batch_id"), "call": ("external_id", "import_batch_id")}

_DELETE_GUARD = (
    "CREATE TRIGGER call_event_no_delete BEFORE DELETE ON call_event "
    "WHEN NOT EXISTS (SELECT 1 FROM call JOIN import_batch ON import_batch.id = call.import_batch_id "
    "WHERE call.id = OLD.call_id AND import_batch.undone_at IS NOT NULL) "
    "BEGIN SELECT RAISE(ABORT, 'call events are append-only'); END"
)
_DELETE_GUARD_0001 = (
    "CREATE TRIGGER call_event_no_delete BEFORE DELETE ON call_event "
    "BEGIN SELECT RAISE(ABORT, 'call events are append-only'); END"
)


class _PartialIndex(TypedDict):
    """The keyword arguments that make an index partial on SQLite and PostgreSQL."""

    sqlite_where: sa.TextClause
    postgresql_where: sa.TextClause


def _where(column: str) -> _PartialIndex:
    condition = sa.text(f"{column} IS NOT NULL")
    return {"sqlite_where": condition, "postgresql_where": condition}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("undo", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["analyst.id"]),
        sa.ForeignKeyConstraint(["undone_by_id"], ["analyst.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for table in _NEW_COLUMNS:
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN external_id VARCHAR(120)")
            op.execute(f"ALTER TABLE {table} ADD COLUMN import_batch_id INTEGER REFERENCES import_batch (id)")
        else:
            op.add_column(table, sa.Column("external_id", sa.String(length=120), nullable=True))
            op.add_column(table, sa.Column("import_batch_id", sa.Integer(), nullable=True))
            op.create_foreign_key(f"fk_{table}_import_batch", table, "import_batch", ["import_batch_id"], ["id"])
        op.create_index(f"ix_{table}_external_id", table, ["external_id"], unique=False, **_where("external_id"))
        op.create_index(f"ix_{table}_import_batch", table, ["import_batch_id"], unique=False, **_where("import_batch_id"))
    op.create_table(
        "import_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("added_phones", sa.JSON(), nullable=False),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_import_change_batch", "import_change", ["batch_id"], unique=False)
    op.create_table(
        "import_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_import_key_source", "import_key", ["kind", "source_key"], unique=False)
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS call_event_no_delete")
        op.execute(_DELETE_GUARD)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS call_event_no_delete")
        op.execute(_DELETE_GUARD_0001)
    op.drop_index("ix_import_key_source", table_name="import_key")
    op.drop_table("import_key")
    op.drop_index("ix_import_change_batch", table_name="import_change")
    op.drop_table("import_change")
    for table, columns in _NEW_COLUMNS.items():
        op.drop_index(f"ix_{table}_import_batch", table_name=table)
        op.drop_index(f"ix_{table}_external_id", table_name=table)
        if not sqlite:
            op.drop_constraint(f"fk_{table}_import_batch", table, type_="foreignkey")
        for column in reversed(columns):
            # SQLite 3.35+ drops a column in place (no table rebuild, triggers kept).
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}") if sqlite else op.drop_column(table, column)
    op.drop_table("import_batch")
