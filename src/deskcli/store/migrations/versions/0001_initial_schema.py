"""Initial schema: the call record (customers, analysts, calls, events, promises,
escalations, knowledge articles) and the append-only guard on call events.

Revision ID: 0001
Revises: -
Create Date: 2026-11-23 11:58:25.892323
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analyst',
    sa.Column('handle', sa.String(length=64).with_variant(sa.String(length=64, collation='NOCASE'), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('department', sa.String(length=120), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('handle')
    )
    op.create_table('counter',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('customer',
    sa.Column('name', sa.String(length=160).with_variant(sa.String(length=160, collation='NOCASE'), 'sqlite'), nullable=False),
    sa.Column('name_spelling', sa.String(length=200), nullable=False),
    sa.Column('pronunciation', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254).with_variant(sa.String(length=254, collation='NOCASE'), 'sqlite'), nullable=True),
    sa.Column('organisation', sa.String(length=160).with_variant(sa.String(length=160, collation='NOCASE'), 'sqlite'), nullable=False),
    sa.Column('department', sa.String(length=160), nullable=False),
    sa.Column('is_vip', sa.Boolean(), nullable=False),
    sa.Column('caution_flags', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_organisation'), ['organisation'], unique=False)

    op.create_table('knowledge_article',
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('keywords', sa.String(length=500), nullable=False),
    sa.Column('symptoms', sa.Text(), nullable=False),
    sa.Column('steps', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('times_used', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('call',
    sa.Column('people_affected', sa.Integer(), nullable=True),
    sa.Column('departments_affected', sa.Integer(), nullable=True),
    sa.Column('business_impact', sa.String(length=16), nullable=True),
    sa.Column('executive_affected', sa.Boolean(), nullable=False),
    sa.Column('security_concern', sa.Boolean(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('urgency', sa.String(length=16), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('priority_reason', sa.String(length=300), nullable=False),
    sa.Column('is_complaint', sa.Boolean(), nullable=False),
    sa.Column('complaint_valid', sa.Boolean(), nullable=True),
    sa.Column('complaint_steps', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('notes_saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('prevention_note', sa.Text(), nullable=False),
    sa.Column('perceived_owner_id', sa.Integer(), nullable=False),
    sa.Column('actual_owner_id', sa.Integer(), nullable=True),
    sa.Column('actual_owner_label', sa.String(length=200), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ack_method', sa.String(length=8), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('customer_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('satisfaction_comment', sa.String(length=500), nullable=False),
    sa.Column('hold_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('abuse_warnings', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actual_owner_id'], ['analyst.id'], ),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['perceived_owner_id'], ['analyst.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.create_index('ix_call_customer_opened', ['customer_id', 'opened_at'], unique=False)
        batch_op.create_index('ix_call_opened', ['opened_at'], unique=False)
        batch_op.create_index('ix_call_status_actual_owner', ['status', 'actual_owner_id'], unique=False)
        batch_op.create_index('ix_call_status_perceived_owner', ['status', 'perceived_owner_id'], unique=False)

    op.create_table('customer_phone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('raw', sa.String(length=64), nullable=False),
    sa.Column('e164', sa.String(length=20), nullable=True),
    sa.Column('national_digits', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_phone', schema=None) as batch_op:
        batch_op.create_index('ix_customer_phone_customer', ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_phone_e164'), ['e164'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_phone_national_digits'), ['national_digits'], unique=False)

    op.create_table('call_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['analyst.id'], ),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('call_event', schema=None) as batch_op:
        batch_op.create_index('ix_call_event_call', ['call_id', 'id'], unique=False)
        batch_op.create_index('ix_call_event_kind_at', ['kind', 'at'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('owed_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_note', sa.String(length=500), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['analyst.id'], ),
    sa.ForeignKeyConstraint(['owed_by_id'], ['analyst.id'], ),
    sa.ForeignKeyConstraint(['replaces_id'], ['commitment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_call', ['call_id'], unique=False)
        batch_op.create_index('ix_commitment_pending', ['outcome', 'owed_by_id', 'due_at'], unique=False)

    op.create_table('escalation',
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('route', sa.String(length=64), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('receiver', sa.String(length=200), nullable=False),
    sa.Column('handoff', sa.Text(), nullable=False),
    sa.Column('time_to_fix', sa.String(length=120), nullable=False),
    sa.Column('triggers', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('receiver_analyst_id', sa.Integer(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escalated_by_id', sa.Integer(), nullable=False),
    sa.Column('next_contact_id', sa.Integer(), nullable=True),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], ),
    sa.ForeignKeyConstraint(['escalated_by_id'], ['analyst.id'], ),
    sa.ForeignKeyConstraint(['next_contact_id'], ['commitment.id'], ),
    sa.ForeignKeyConstraint(['previous_id'], ['escalation.id'], ),
    sa.ForeignKeyConstraint(['receiver_analyst_id'], ['analyst.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_call_id'), ['call_id'], unique=False)

    # The counter behind call reference numbers starts at zero: the first call is HD-000001.
    counter = sa.table("counter", sa.column("name", sa.String), sa.column("value", sa.Integer))
    op.bulk_insert(counter, [{"name": "call_reference", "value": 0}])

    if op.get_bind().dialect.name == "sqlite":
        # Call events are append-only, even for raw SQL.
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER call_event_no_{action.lower()} BEFORE {action} ON call_event "
                f"BEGIN SELECT RAISE(ABORT, 'call events are append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS call_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS call_event_no_delete")
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_call_id'))

    op.drop_table('escalation')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_pending')
        batch_op.drop_index('ix_commitment_call')

    op.drop_table('commitment')
    with op.batch_alter_table('call_event', schema=None) as batch_op:
        batch_op.drop_index('ix_call_event_kind_at')
        batch_op.drop_index('ix_call_event_call')

    op.drop_table('call_event')
    with op.batch_alter_table('customer_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_phone_national_digits'))
        batch_op.drop_index(batch_op.f('ix_customer_phone_e164'))
        batch_op.drop_index('ix_customer_phone_customer')

    op.drop_table('customer_phone')
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_index('ix_call_status_perceived_owner')
        batch_op.drop_index('ix_call_status_actual_owner')
        batch_op.drop_index('ix_call_opened')
        batch_op.drop_index('ix_call_customer_opened')

    op.drop_table('call')
    op.drop_table('knowledge_article')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_organisation'))
        batch_op.drop_index(batch_op.f('ix_customer_name'))
        batch_op.drop_index(batch_op.f('ix_customer_email'))

    op.drop_table('customer')
    op.drop_table('counter')
    op.drop_table('analyst')
