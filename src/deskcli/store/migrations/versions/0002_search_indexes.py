"""Search indexes: SQLite FTS5 over customers and knowledge articles.

Customers are found by any word of their name, organisation, e-mail or department
as the analyst types (prefix indexes of 1-3 characters keep that fast); articles by
title, keywords, symptoms and steps. Both are external-content indexes kept in step
by triggers, and filled from the rows already there ("rebuild"), so a database made
at 0001 finds its existing customers after the upgrade.

Other databases skip this revision: their lookup uses indexed prefix matches until
their own full-text search is added.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    # fts table: (content table, indexed columns)
    "customer_fts": ("customer", ("name", "organisation", "email", "department")),
    "article_fts": ("knowledge_article", ("title", "keywords", "symptoms", "steps")),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, (table, columns) in _INDEXES.items():
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', "
            "prefix='1 2 3', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts in _INDEXES:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
