"""Migration 0007: the call search index, the report event index and escalation reviews; down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import exc as sa_exc

from desk_builder import Desk
from deskcli.services.records import history
from deskcli.store import db, migrate

_ADDED = {
    "table": {"call_fts", "escalation_review"},
    "index": {"ix_call_event_report", "ix_commitment_due", "ix_escalation_review_call"},
    "trigger": {"call_fts_call_ai", "call_fts_call_bu", "call_fts_customer_au", "call_fts_escalation_bi",
                "escalation_review_no_update", "escalation_review_no_delete"},
}


def _schema(path: Path) -> dict[str, set[str]]:
    connection = sqlite3.connect(path)
    try:
        found: dict[str, set[str]] = {"table": set(), "index": set(), "trigger": set()}
        for kind, name in connection.execute("SELECT type, name FROM sqlite_master"):
            if kind in found:
                found[kind].add(name)
        return found
    finally:
        connection.close()


def test_down_to_0006_and_up_again_backfills_the_search(store, clock, policies, db_path):
    desk = Desk(store, clock, policies)
    call = desk.call(desk.customer("Siobhan O'Neill"), summary="Printer offline", notes="Tried a restart")
    schema = _schema(db_path)
    for kind, names in _ADDED.items():
        assert names <= schema[kind], kind
    config = Config()
    config.set_main_option("script_location", "deskcli.store:migrations")
    with store.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
        connection.commit()
    schema = _schema(db_path)
    for kind, names in _ADDED.items():
        assert not names & schema[kind], kind
    assert not any(name.startswith("call_fts") for name in schema["table"])
    assert migrate.upgrade(store.engine).to_revision == migrate.head_revision()
    with store.read() as session:
        page = history.search(session, history.HistoryRequest("restart"))
    assert [row.id for row in page.rows] == [call]  # the calls on record are indexed by the upgrade
    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def _rebuild_call_table(db_path: Path, *, legacy: bool) -> None:
    """What a later batch migration of ``call`` does: create a new table, copy, drop, rename."""
    import sqlalchemy as sa
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    engine = db.build_engine(db.target_for(db_path, None))
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute(f"PRAGMA legacy_alter_table={'ON' if legacy else 'OFF'}")
            operations = Operations(MigrationContext.configure(connection))
            with operations.batch_alter_table("call", recreate="always") as batch:
                batch.add_column(sa.Column("later_column", sa.Integer(), nullable=True))
            connection.commit()
    finally:
        engine.dispose()


def test_a_later_batch_rebuild_of_the_call_table_needs_the_legacy_rename(db_path):
    """The search triggers name other tables; SQLite's modern rename refuses a batch migration's
    drop-and-rename because of them, so deskcli.store.migrate runs migrations with the legacy one."""
    store = db.open_store(db.target_for(db_path, None))
    store.dispose()
    with pytest.raises(sa_exc.OperationalError, match="error in trigger"):
        _rebuild_call_table(db_path, legacy=False)
    _rebuild_call_table(db_path, legacy=True)
    connection = sqlite3.connect(db_path)
    try:
        assert "later_column" in [row[1] for row in connection.execute("PRAGMA table_info(call)")]
    finally:
        connection.close()


def test_the_models_do_not_load_the_postgresql_dialect(tmp_path):
    """The report index's PostgreSQL condition lives in the migration: naming it on the model made
    SQLAlchemy import its PostgreSQL dialect into every console (~4 MB of its memory budget)."""
    import json
    import os
    import subprocess
    import sys

    script = "import json, sys; import deskcli.models; print(json.dumps(sorted(m for m in sys.modules if 'postgresql' in m)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env=dict(os.environ), stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
