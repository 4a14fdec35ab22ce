"""Records and reports: the call search index, an event index for reports, escalation reviews.

* ``call_fts`` (SQLite only): FTS5 over each call's summary, notes, resolution, the
  hand-offs of its escalations and its customer's name and organisation. Contentless
  (the text stays in the tables it comes from) and ``detail=none`` (words and the
  calls holding them, no positions): history search matches whole words, which needs
  neither, and the index is a quarter of the size and builds in half the time.
  Triggers keep it in step: before a change they delete the call's document as it
  was indexed, after it they index the new one. The documents read other tables
  (customer, escalation), so a later batch migration that rebuilds one of these
  tables must run with ``legacy_alter_table=ON`` (``deskcli.store.migrate`` sets it)
  and must recreate the triggers on the table it rebuilt.
* ``ix_call_event_report``: the events reports select by time, by kind and time,
  with the call id (a covering index, so the planner never prefers a table scan).
  Partial, on the kinds the reports read: under a third of the events, not all of them.
* ``ix_commitment_due``: promises by due time (the promise-kept rate).
* ``escalation_review``: a reviewer's marks on an escalated call, append-only like the
  timeline (an ORM guard and, on SQLite, triggers refuse updates and deletes).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_KINDS = (
    "article_used", "closed", "contact_logged", "escalated", "hold_ended",
    "ownership_moved", "reopened", "resolved", "talk_ended", "talk_resumed", "transferred",
)
"""Kept equal to ``deskcli.services.reports.sqlbits.REPORT_KINDS`` (a query must repeat
the index's WHERE clause word for word for SQLite to use a partial index)."""

_REPORT_WHERE = "kind IN (" + ", ".join(f"'{kind}'" for kind in REPORT_KINDS) + ")"

# The document of call X, as the search indexes it (frozen here: a migration must not
# change when the application code does).
_DOC = (
    "SELECT c.id, c.summary, c.notes, c.resolution, "
    "coalesce((SELECT group_concat(e.handoff, ' ') FROM escalation e WHERE e.call_id = c.id), ''), "
    "coalesce((SELECT cu.name || ' ' || cu.organisation FROM customer cu WHERE cu.id = c.customer_id), '') "
    "FROM call c"
)
_COLUMNS = "rowid, summary, notes, resolution, handoff, customer"


def _index(where: str) -> str:
    return f"INSERT INTO call_fts({_COLUMNS}) {_DOC} WHERE {where};"


def _unindex(where: str) -> str:
    return f"INSERT INTO call_fts(call_fts, {_COLUMNS}) SELECT 'delete', * FROM ({_DOC} WHERE {where});"


# name: (timing and event, body)
_TRIGGERS = {
    "call_fts_call_ai": ("AFTER INSERT ON call", _index("c.id = new.id")),
    "call_fts_call_bu": ("BEFORE UPDATE OF summary, notes, resolution, customer_id ON call", _unindex("c.id = old.id")),
    "call_fts_call_au": ("AFTER UPDATE OF summary, notes, resolution, customer_id ON call", _index("c.id = new.id")),
    "call_fts_call_bd": ("BEFORE DELETE ON call", _unindex("c.id = old.id")),
    "call_fts_escalation_bi": ("BEFORE INSERT ON escalation", _unindex("c.id = new.call_id")),
    "call_fts_escalation_ai": ("AFTER INSERT ON escalation", _index("c.id = new.call_id")),
    "call_fts_escalation_bu": (
        "BEFORE UPDATE OF handoff, call_id ON escalation",
        _unindex("c.id IN (old.call_id, new.call_id)"),
    ),
    "call_fts_escalation_au": (
        "AFTER UPDATE OF handoff, call_id ON escalation",
        _index("c.id IN (old.call_id, new.call_id)"),
    ),
    "call_fts_escalation_bd": ("BEFORE DELETE ON escalation", _unindex("c.id = old.call_id")),
    "call_fts_escalation_ad": ("AFTER DELETE ON escalation", _index("c.id = old.call_id")),
    "call_fts_customer_bu": ("BEFORE UPDATE OF name, organisation ON customer", _unindex("c.customer_id = old.id")),
    "call_fts_customer_au": ("AFTER UPDATE OF name, organisation ON customer", _index("c.customer_id = new.id")),
}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("call_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_call_event_report", ["kind", "at", "call_id"], unique=False,
            sqlite_where=sa.text(_REPORT_WHERE), postgresql_where=sa.text(_REPORT_WHERE),
        )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index("ix_commitment_due", ["due_at"], unique=False)

    op.create_table(
        "escalation_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("analyst_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("feedback_commitment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["analyst_id"], ["analyst.id"]),
        sa.ForeignKeyConstraint(["call_id"], ["call.id"]),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalation.id"]),
        sa.ForeignKeyConstraint(["feedback_commitment_id"], ["commitment.id"]),
        sa.ForeignKeyConstraint(["reviewer_id"], ["analyst.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("escalation_review", schema=None) as batch_op:
        batch_op.create_index("ix_escalation_review_call", ["call_id", "id"], unique=False)

    if not sqlite:
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER escalation_review_no_{action.lower()} BEFORE {action} ON escalation_review "
            "BEGIN SELECT RAISE(ABORT, 'escalation reviews are append-only'); END"
        )
    op.execute(
        "CREATE VIRTUAL TABLE call_fts USING fts5(summary, notes, resolution, handoff, customer, "
        "content='', detail=none, tokenize='porter unicode61 remove_diacritics 2')"
    )
    for name, (when, body) in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    # The calls already on record (an upgraded database) become searchable at once.
    op.execute(f"INSERT INTO call_fts({_COLUMNS}) {_DOC}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS call_fts")
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS escalation_review_no_{action}")
    with op.batch_alter_table("escalation_review", schema=None) as batch_op:
        batch_op.drop_index("ix_escalation_review_call")
    op.drop_table("escalation_review")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_due")
    with op.batch_alter_table("call_event", schema=None) as batch_op:
        batch_op.drop_index("ix_call_event_report")
