"""The rules of the call the seeds name and the record lacked.

- ``call.company_wide``: the caller raised an issue that touches the whole company
  (seed 000: "company-wide issues"), an escalation trigger.
- ``escalation.cause``: why the call had to be escalated (seed 003: lack of experience or
  training, low operational efficiency, dissatisfaction with a product or service …),
  a key of the escalation policy's causes.
- ``escalation.channel``: the channel the customer is contacted on from now on when the
  escalation changes it (phone → e-mail); ``NULL`` keeps the call's own channel.
- ``commitment.contact_number``: the number to ring for a call-back, beside its time.

Columns are added with ``ALTER TABLE … ADD COLUMN`` (constant defaults, no table rebuild
of a million calls).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _columns() -> tuple[tuple[str, sa.Column[object]], ...]:
    """Fresh column objects each time (a Column belongs to one table once added)."""
    return (
        ("call", sa.Column("company_wide", sa.Boolean(), nullable=False, server_default=sa.false())),
        ("escalation", sa.Column("cause", sa.String(length=64), nullable=False, server_default="")),
        ("escalation", sa.Column("channel", sa.String(length=16), nullable=True)),
        ("commitment", sa.Column("contact_number", sa.String(length=40), nullable=False, server_default="")),
    )


def upgrade() -> None:
    for table, column in _columns():
        op.add_column(table, column)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in reversed(_columns()):
        # SQLite 3.35+ drops a column in place (no table rebuild, triggers kept).
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}") if sqlite else op.drop_column(table, column.name)
