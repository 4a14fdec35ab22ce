"""Scorecards: practice calls checked against the seeds' practice, kept per trainee.

One row per scored call, its items as JSON (the checks may grow without a migration).
Listed per trainee, newest first, hence the (trainee, scored_at) index.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scorecard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("scenario_key", sa.String(length=64), nullable=False),
        sa.Column("scenario_title", sa.String(length=120), nullable=False),
        sa.Column(
            "trainee",
            sa.String(length=120).with_variant(sa.String(length=120, collation="NOCASE"), "sqlite"),
            nullable=False,
        ),
        sa.Column("analyst_id", sa.Integer(), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("applicable", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("trainer_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["analyst_id"], ["analyst.id"]),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scorecard", schema=None) as batch_op:
        batch_op.create_index("ix_scorecard_trainee_scored", ["trainee", "scored_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scorecard", schema=None) as batch_op:
        batch_op.drop_index("ix_scorecard_trainee_scored")
    op.drop_table("scorecard")
