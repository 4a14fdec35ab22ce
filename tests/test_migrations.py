"""Schema migrations: the revision list, upgrading an older database in place with
its data, the models matching the migrated schema, and the append-only timeline."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel, select

import deskcli.models  # noqa: F401  (registers every table on SQLModel.metadata)
from deskcli.models import Call, CallEvent, Customer
from deskcli.models.guards import AppendOnlyError
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls
from deskcli.services.lookup import customers
from deskcli.store import db, dbfile, migrate

_UNMODELLED_PREFIXES = ("customer_fts", "article_fts", "call_fts")


def _include_object(obj, name, type_, reflected, compare_to):
    """The same filter as deskcli/store/migrations/env.py: FTS tables are not modelled."""
    return not (type_ == "table" and name and name.startswith(_UNMODELLED_PREFIXES))


def _script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", "deskcli.store:migrations")
    return ScriptDirectory.from_config(config)


# --- the revision list ---------------------------------------------------------------


def test_known_revisions_match_alembic_history() -> None:
    """known_revisions() (read from file names) equals Alembic's own linear history, oldest first."""
    script = _script_directory()
    assert len(script.get_heads()) == 1, "the history must be linear with one head"
    alembic_order = [revision.revision for revision in reversed(list(script.walk_revisions()))]
    assert migrate.known_revisions() == alembic_order
    assert migrate.head_revision() == script.get_current_head()


def test_revision_ids_match_file_prefixes() -> None:
    """Each migration file's ``revision`` is its four-digit file-name prefix, and each revises the previous one."""
    script = _script_directory()
    previous = None
    for revision in reversed(list(script.walk_revisions())):
        name = Path(revision.path).name
        match = re.match(r"^(\d{4})_\w+\.py$", name)
        assert match, f"{name} does not follow NNNN_name.py"
        assert revision.revision == match.group(1), name
        assert revision.down_revision == previous, name
        previous = revision.revision


# --- upgrading an old database in place ----------------------------------------------

_STAMP = "2026-03-10 14:00:00.000000"


def _database_at_0001(path: Path) -> None:
    """A database at revision 0001 holding an analyst, a customer, a call and its event."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dbfile.create_private_file(path)
    engine = db.build_engine(db.target_for(path, None))
    try:
        result = migrate.upgrade(engine, sqlite_path=path, target="0001")
        assert result.to_revision == "0001"
        assert migrate.current_revision(engine) == "0001"
    finally:
        engine.dispose()
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            "INSERT INTO analyst (id, handle, name, department, organisation, email, role, created_at) "
            "VALUES (1, 'ajones', 'Ann Jones', 'Help Desk', 'Acme', '', 'analyst', ?)",
            (_STAMP,),
        )
        connection.execute(
            "INSERT INTO customer (id, name, name_spelling, pronunciation, email, organisation, department, "
            "is_vip, caution_flags, notes, created_at, updated_at) "
            "VALUES (7, 'Bartholomew Quince', '', '', 'bq@northwind.example', 'Northwind Traders', 'Finance', "
            "0, '[]', 'prefers e-mail', ?, ?)",
            (_STAMP, _STAMP),
        )
        connection.execute(
            "INSERT INTO call (id, reference, customer_id, channel, status, stage, notes, resolution, "
            "instructions, prevention_note, perceived_owner_id, actual_owner_id, actual_owner_label, opened_at, "
            "updated_at, executive_affected, security_concern, summary, priority_reason, is_complaint, "
            "complaint_steps, satisfaction_comment, abuse_warnings) "
            "VALUES (3, 'HD-000001', 7, 'phone', 'open', 'greeting', 'printer on fire', '', '', '', 1, 1, "
            "'Ann Jones', ?, ?, 0, 0, 'Printer on fire', '', 0, '', '', 0)",
            (_STAMP, _STAMP),
        )
        connection.execute(
            "INSERT INTO call_event (id, call_id, at, actor_id, kind, payload) "
            "VALUES (11, 3, ?, 1, 'created', ?)",
            (_STAMP, json.dumps({"reference": "HD-000001"})),
        )
        connection.execute("UPDATE counter SET value = 1 WHERE name = 'call_reference'")
        connection.commit()
    finally:
        connection.close()


def _rows(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of the 0001 tables, limited to ``columns`` (later revisions may add some)."""
    connection = sqlite3.connect(path)
    try:
        rows = {}
        for table in ("analyst", "customer", "call", "call_event", "counter"):
            names = (columns or {}).get(table) or [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            listed = ", ".join(f'"{name}"' for name in names)
            rows[table] = connection.execute(f"SELECT {listed} FROM {table} ORDER BY 1").fetchall()
        return rows
    finally:
        connection.close()


def _columns(path: Path) -> dict[str, list[str]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            for table in ("analyst", "customer", "call", "call_event", "counter")
        }
    finally:
        connection.close()


def test_upgrade_from_0001_keeps_data_and_backfills_search(tmp_path: Path) -> None:
    """A database made at 0001 is upgraded to head on open, its rows intact and its customers searchable."""
    path = tmp_path / "old" / "deskcli.db"
    _database_at_0001(path)
    columns = _columns(path)
    before = _rows(path, columns)
    assert all(before[table] for table in before)

    store = db.open_store(db.target_for(path, None))
    try:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        assert store.upgrade is not None
        assert (store.upgrade.from_revision, store.upgrade.to_revision) == ("0001", migrate.head_revision())
        assert store.upgrade.changed
        with store.read() as session:
            matches = customers.lookup(session, "Barth", region="GB")
            assert [match.id for match in matches] == [7]
            assert customers.lookup(session, "Northw", region="GB")[0].name == "Bartholomew Quince"
            call = session.exec(select(Call).where(Call.reference == "HD-000001")).one()
            assert (call.customer_id, call.notes) == (7, "printer on fire")
            event = session.exec(select(CallEvent)).one()
            assert (event.call_id, event.kind, event.payload) == (3, "created", {"reference": "HD-000001"})
    finally:
        store.dispose()
    assert _rows(path, columns) == before


def test_upgrade_leaves_a_backup_copy(tmp_path: Path) -> None:
    """Before upgrading a database with data, a copy <name>.before-0001 is made and holds the data."""
    path = tmp_path / "deskcli.db"
    _database_at_0001(path)
    store = db.open_store(db.target_for(path, None))
    store.dispose()
    backup = tmp_path / "deskcli.db.before-0001"
    assert store.upgrade is not None and store.upgrade.backup == backup
    assert backup.is_file()
    assert backup.read_bytes().startswith(dbfile.SQLITE_HEADER)
    assert backup.stat().st_mode & 0o077 == 0
    connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert connection.execute("SELECT name FROM customer WHERE id = 7").fetchone() == ("Bartholomew Quince",)
    finally:
        connection.close()


def test_new_database_has_no_backup(tmp_path: Path) -> None:
    """Creating a new database makes no backup copy (there is nothing to lose)."""
    path = tmp_path / "fresh.db"
    store = db.open_store(db.target_for(path, None))
    store.dispose()
    assert store.upgrade is not None and store.upgrade.from_revision is None and store.upgrade.backup is None
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["fresh.db"]


def test_opening_at_head_changes_nothing(store: db.Store, db_path: Path) -> None:
    """Opening a database already at head runs no migration and makes no backup."""
    store.dispose()
    again = db.open_store(db.target_for(db_path, None))
    again.dispose()
    assert again.upgrade is not None
    assert not again.upgrade.changed
    assert again.upgrade.backup is None
    assert not list(db_path.parent.glob("*.before-*"))


# --- models and schema agree ---------------------------------------------------------


def test_models_match_migrated_schema(store: db.Store) -> None:
    """Alembic autogenerate finds no difference between the models and the migrated database."""
    assert {"analyst", "customer", "call", "call_event", "commitment", "escalation"} <= set(SQLModel.metadata.tables)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _include_object}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_fts_tables_exist_but_are_not_modelled(store: db.Store) -> None:
    """The search indexes exist in the database (so excluding them from the comparison hides nothing else)."""
    with store.engine.connect() as connection:
        tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"customer_fts", "article_fts"} <= tables
    modelled = set(SQLModel.metadata.tables)
    unmodelled = {t for t in tables - modelled if not t.startswith("sqlite_")} - {"alembic_version"}
    assert unmodelled and all(name.startswith(_UNMODELLED_PREFIXES) for name in unmodelled)


# --- the timeline is append-only -----------------------------------------------------


@pytest.fixture
def event_id(store: db.Store, actor: Actor, customer_id: int) -> int:
    """The id of the 'created' event of a new call."""
    with store.write() as session:
        call = calls.create_call(session, customer_id, actor)
        session.flush()
        call_id = call.id
    with store.read() as session:
        return session.exec(select(CallEvent.id).where(CallEvent.call_id == call_id)).first()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE call_event SET kind = 'tampered' WHERE id = ?", "DELETE FROM call_event WHERE id = ?"],
    ids=["update", "delete"],
)
def test_raw_sql_cannot_change_events(store: db.Store, db_path: Path, event_id: int, statement: str) -> None:
    """Even raw SQL cannot update or delete a call event: a trigger refuses it."""
    store.dispose()
    connection = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute(statement, (event_id,))
        connection.rollback()
        assert connection.execute("SELECT kind FROM call_event WHERE id = ?", (event_id,)).fetchone() == ("created",)
    finally:
        connection.close()


def test_orm_cannot_update_event(store: db.Store, event_id: int) -> None:
    """Changing a loaded CallEvent and committing is refused by the ORM guard."""
    with pytest.raises(Exception) as caught, store.write() as session:
        event = session.get(CallEvent, event_id)
        event.kind = "tampered"
        session.add(event)
    assert isinstance(caught.value, AppendOnlyError) or isinstance(caught.value.__cause__, AppendOnlyError)
    assert "append-only" in str(caught.value)
    with store.read() as session:
        assert session.get(CallEvent, event_id).kind == "created"


def test_orm_cannot_delete_event(store: db.Store, event_id: int) -> None:
    """Deleting a CallEvent through the ORM is refused by the guard."""
    with pytest.raises(AppendOnlyError, match="append-only"), store.write() as session:
        session.delete(session.get(CallEvent, event_id))
    with store.read() as session:
        assert session.get(CallEvent, event_id) is not None


def test_customer_changes_reach_search_index(store: db.Store, actor: Actor, customer_id: int) -> None:
    """The 0002 triggers keep the customer search index in step with renames."""
    with store.read() as session:
        assert [m.id for m in customers.lookup(session, "Neill", region="GB")] == [customer_id]
    with store.write() as session:
        customers.update_customer(session, customer_id, actor, region="GB", name="Zebedee Marchbanks")
    with store.read() as session:
        assert [m.id for m in customers.lookup(session, "Zebed", region="GB")] == [customer_id]
        assert customers.lookup(session, "Neill", region="GB") == []  # the old surname is gone
        assert session.get(Customer, customer_id).name == "Zebedee Marchbanks"


# --- start-up cost -------------------------------------------------------------------

_NO_ALEMBIC_SCRIPT = """
import sys
from pathlib import Path
from deskcli.store import db

store = db.open_store(db.target_for(Path(sys.argv[1]), None))
store.dispose()
print("up-to-date", "alembic" in sys.modules)
store = db.open_store(db.target_for(Path(sys.argv[2]), None))
store.dispose()
print("new", "alembic" in sys.modules)
"""


def test_open_at_head_does_not_import_alembic(store: db.Store, db_path: Path, tmp_path: Path) -> None:
    """Opening a database that is already up to date does not import Alembic (a new one does)."""
    store.dispose()
    result = subprocess.run(
        [sys.executable, "-c", _NO_ALEMBIC_SCRIPT, str(db_path), str(tmp_path / "brand-new.db")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["up-to-date", "False", "new", "True"]


# --- 0008: import batches, and the narrowed delete trigger ------------------------------


def _schema(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return sorted(connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
    finally:
        connection.close()


def test_0008_downgrades_to_exactly_the_0007_schema_and_back(tmp_path: Path) -> None:
    """Upgrading 0007 → 0008 and downgrading again gives the 0007 schema (tables, indexes, triggers)."""
    path = tmp_path / "deskcli.db"
    dbfile.create_private_file(path)
    engine = db.build_engine(db.target_for(path, None))
    try:
        migrate.upgrade(engine, sqlite_path=path, target="0007")
        at_0007 = _schema(path)
        migrate.upgrade(engine, sqlite_path=path, target="0008")
        upgraded = _schema(path)
        assert {row[1] for row in upgraded} - {row[1] for row in at_0007} >= {
            "import_batch", "import_change", "import_key", "ix_call_external_id", "ix_customer_import_batch"}
        config = Config()
        config.set_main_option("script_location", "deskcli.store:migrations")
        from alembic import command

        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
        assert _schema(path) == at_0007
    finally:
        engine.dispose()


def test_0008_keeps_the_data_of_an_older_database(tmp_path: Path) -> None:
    """A 0001 database upgraded through 0008: its call has no batch and its events still cannot be deleted."""
    path = tmp_path / "deskcli.db"
    _database_at_0001(path)
    store = db.open_store(db.target_for(path, None))
    store.dispose()
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT import_batch_id, external_id FROM call WHERE id = 3").fetchone() == (None, None)
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM call_event WHERE id = 11")
    finally:
        connection.close()
