"""Drop the (kind, at) index on call events.

No query uses it: every timeline query filters by call and uses (call_id, id)
(checked with EXPLAIN QUERY PLAN, with and without ANALYZE statistics). At a
million calls it was ~15% of the file and a third of the index build time.
A report that needs events by kind over time can bring back a better-fitted one.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_event", schema=None) as batch_op:
        batch_op.drop_index("ix_call_event_kind_at")


def downgrade() -> None:
    with op.batch_alter_table("call_event", schema=None) as batch_op:
        batch_op.create_index("ix_call_event_kind_at", ["kind", "at"], unique=False)
