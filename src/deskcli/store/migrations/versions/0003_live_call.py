"""Live call: when the conversation ended, and the caller's preferred callback time.

``talk_ended_at`` lets deskcli bring the analyst back to a call that was still in
conversation when the terminal closed or the process was killed. Calls that existed
before this revision are treated as finished conversations.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.add_column(sa.Column("talk_ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("callback_preference", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_index("ix_call_live", ["perceived_owner_id", "talk_ended_at"], unique=False)
    # Conversations of calls made before this revision are over.
    op.execute("UPDATE call SET talk_ended_at = updated_at")


def downgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index("ix_call_live")
        batch_op.drop_column("callback_preference")
        batch_op.drop_column("talk_ended_at")
