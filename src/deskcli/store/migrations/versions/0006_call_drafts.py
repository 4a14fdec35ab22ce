"""Drafts: what an analyst has typed into a field not yet committed to the call.

The resolution, the hand-off, the close comment and the like become part of the
record only when the analyst saves them (ctrl+s), but a crash must not lose the
words typed so far. Each is kept here, per call, analyst and field, as it is typed,
and cleared when the field is committed.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("analyst_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=48), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["analyst_id"], ["analyst.id"]),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id", "analyst_id", "field", name="uq_call_draft_field"),
    )


def downgrade() -> None:
    op.drop_table("call_draft")
