"""``deskcli backup`` and ``deskcli restore`` through the real command line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskcli.models import CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.lookup import customers
from deskcli.store import backup, db, dbfile, migrate
from exchange_files import deskcli

pytestmark = pytest.mark.slow

_WRITER = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from deskcli.core.clock import SystemClock
from deskcli.models import AnalystBase, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import analysts, calls
from deskcli.services.lookup import customers
from deskcli.store import db

# Writes as a console does (through the store and the services), until told to stop.
store = db.open_store(db.target_for(Path(sys.argv[1]), None))
clock = SystemClock()
with store.write() as session:
    analyst = analysts.ensure_analyst(session, AnalystBase(handle="w", name="Writer", department="HD"), Actor(None, clock))
actor = Actor(analyst.id, clock)
with store.write() as session:
    customer = customers.create_customer(session, CustomerCreate(name="Caller"), actor, region="GB")
    call = calls.create_call(session, customer.id, actor)
print("ready", flush=True)
saved = 0
while not Path(sys.argv[2]).exists():
    with store.write() as session:
        calls.save_notes(session, call.id, "word " * (saved + 1), actor)
    saved += 1
print(saved, flush=True)
"""


def _customers(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM customer ORDER BY id")]
    finally:
        connection.close()


def _database(path: Path, *names: str) -> Path:
    store = db.open_store(db.target_for(path, None))
    try:
        from deskcli.core.clock import SystemClock

        with store.write() as session:
            for name in names:
                customers.create_customer(session, CustomerCreate(name=name), Actor(None, SystemClock()), region="GB")
    finally:
        store.dispose()
    return path


def test_backup_while_a_console_writes(tmp_path: Path) -> None:
    """A process saving notes as fast as it can goes on saving while the backup is taken; the copy
    is whole (integrity ok), 0600, one file (no -wal), and holds the notes as they were."""
    database = tmp_path / "desk.db"
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(database), str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        copy = tmp_path / "copy.db"
        result = deskcli("backup", str(copy), db=database)
        assert result.returncode == 0, result.stderr
        assert f"Backed up {database} to {copy}" in result.stdout and "integrity ok" in result.stdout
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert int(out.split()[-1]) > 10  # it kept writing
    assert (copy.stat().st_mode & 0o777) == 0o600
    assert not copy.with_name(copy.name + "-wal").exists()
    connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        notes = connection.execute("SELECT notes FROM call").fetchone()[0]
        assert notes.startswith("word ")
    finally:
        connection.close()


def test_backups_in_the_folder_keep_the_last_n(tmp_path: Path) -> None:
    """Without FILE the copy goes to the backup folder; only the newest backup_keep of them stay."""
    database = _database(tmp_path / "desk.db", "Ann")
    folder = tmp_path / "backups"
    env = {"DESKCLI_BACKUP_DIR": str(folder), "DESKCLI_BACKUP_KEEP": "2"}
    for _ in range(3):
        result = deskcli("backup", db=database, env=env)
        assert result.returncode == 0, result.stderr
        time.sleep(1.1)  # names carry the second
    kept = sorted(path.name for path in folder.iterdir())
    assert len(kept) == 2 and all(name.startswith("desk-") and name.endswith("Z.db") for name in kept)
    assert "removed 1 older" in result.stdout
    assert (folder.stat().st_mode & 0o777) == 0o700


def test_backup_refuses_to_overwrite_and_postgresql(tmp_path: Path) -> None:
    """An existing FILE is never overwritten; on PostgreSQL the message names pg_dump and pg_restore."""
    database = _database(tmp_path / "desk.db", "Ann")
    existing = tmp_path / "existing.db"
    existing.write_text("mine")
    result = deskcli("backup", str(existing), db=database)
    assert result.returncode == 2 and "never overwrites" in result.stderr and existing.read_text() == "mine"
    env = {"DESKCLI_DATABASE_URL": "postgresql+psycopg://desk@localhost/deskcli"}
    for command in (["backup"], ["restore", str(existing), "--yes"]):
        refused = deskcli(*command, env=env)
        assert refused.returncode == 2
        assert "pg_dump" in refused.stderr and "pg_restore" in refused.stderr and "Traceback" not in refused.stderr


def test_daily_backup_once_a_day(tmp_path: Path) -> None:
    """The console's daily backup: taken once, skipped while today's exists."""
    database = _database(tmp_path / "desk.db", "Ann")
    folder = tmp_path / "backups"
    env = {"DESKCLI_BACKUP_DIR": str(folder)}
    for _ in range(2):
        assert deskcli("backup", "--daily", db=database, env=env).returncode == 0
    assert len(list(folder.glob("desk-*.db"))) == 1
    zone = ZoneInfo("Europe/London")
    today = datetime.now(UTC).astimezone(zone).date()
    assert backup.taken_on(folder, database, today, zone)
    assert not backup.taken_on(folder, database, date(2000, 1, 1), zone)
    assert backup.start_daily(database, folder, today=today, zone=zone, config=None) is False


def test_restore_puts_the_backup_back_and_keeps_the_current_aside(tmp_path: Path) -> None:
    """Restore: the database is the backup again; what it replaced is kept next to it, 0600."""
    database = _database(tmp_path / "desk.db", "Ann", "Bob")
    copy = tmp_path / "copy.db"
    assert deskcli("backup", str(copy), db=database).returncode == 0
    _database(database, "Carol")
    result = deskcli("restore", str(copy), "--yes", db=database)
    assert result.returncode == 0, result.stderr
    assert _customers(database) == ["Ann", "Bob"]
    aside = next(tmp_path.glob("desk.db.before-restore-*"))
    assert _customers(aside) == ["Ann", "Bob", "Carol"]
    assert (aside.stat().st_mode & 0o777) == 0o600 and (database.stat().st_mode & 0o777) == 0o600
    assert f"kept at {aside}" in result.stdout
    assert deskcli("check", "--full", db=database).returncode == 0


def test_restore_is_refused_while_a_console_has_the_database_open(tmp_path: Path) -> None:
    """An open connection (as a running console holds) makes restore refuse; nothing changes."""
    database = _database(tmp_path / "desk.db", "Ann")
    copy = tmp_path / "copy.db"
    assert deskcli("backup", str(copy), db=database).returncode == 0
    _database(database, "Bob")
    console = db.open_store(db.target_for(database, None))
    try:
        with console.read() as session:
            customers.lookup(session, "Ann", region="GB")  # the pool now holds a connection, as a console's does
        result = deskcli("restore", str(copy), "--yes", db=database)
        assert result.returncode == 2
        assert "is open in a deskcli console" in result.stderr and "Close every deskcli" in result.stderr
    finally:
        console.dispose()
    assert _customers(database) == ["Ann", "Bob"]
    assert not list(tmp_path.glob("desk.db.before-restore-*"))


def test_restore_upgrades_an_older_backup(tmp_path: Path) -> None:
    """A backup made at schema 0005 is restored and brought up to this deskcli's schema."""
    old = tmp_path / "old.db"
    dbfile.create_private_file(old)
    engine = db.build_engine(db.target_for(old, None))
    migrate.upgrade(engine, sqlite_path=old, target="0005")
    engine.dispose()
    connection = sqlite3.connect(old)
    connection.execute(
        "INSERT INTO customer (name, name_spelling, pronunciation, email, organisation, department, is_vip, "
        "caution_flags, notes, created_at, updated_at) VALUES ('Old Timer', '', '', NULL, '', '', 0, '[]', '', "
        "'2025-01-01 10:00:00.000000', '2025-01-01 10:00:00.000000')"
    )
    connection.commit()
    connection.close()
    database = _database(tmp_path / "desk.db", "Ann")
    result = deskcli("restore", str(old), "--yes", db=database)
    assert result.returncode == 0, result.stderr
    assert "at schema 0005" in result.stdout and f"Upgraded it from schema 0005 to {migrate.head_revision()}" in result.stdout
    assert _customers(database) == ["Old Timer"]
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (migrate.head_revision(),)
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("not a database"), "is not a SQLite database"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE notes (x)").connection.commit(), "not a deskcli one"),
        ("newer", "was made by a newer deskcli"),
        ("damaged", "is damaged"),
    ],
    ids=["text", "other-sqlite", "newer", "damaged"],
)
def test_restore_refuses_files_that_are_not_good_backups(tmp_path: Path, make, message: str) -> None:
    """Not a database, another program's, a newer deskcli's, damaged: refused, the database untouched."""
    database = _database(tmp_path / "desk.db", "Ann")
    bad = tmp_path / "bad.db"
    if make == "newer":
        _database(bad, "Z")
        connection = sqlite3.connect(bad)
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
        connection.close()
    elif make == "damaged":
        assert deskcli("backup", str(bad), db=_database(tmp_path / "other.db", *[f"C{n}" for n in range(500)])).returncode == 0
        with bad.open("r+b") as handle:
            handle.seek(3 * 4096)
            handle.write(b"\xff" * 8192)
    else:
        make(bad)
    result = deskcli("restore", str(bad), "--yes", db=database)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _customers(database) == ["Ann"]


def test_restore_needs_yes_when_not_on_a_terminal(tmp_path: Path) -> None:
    """Without --yes and no terminal to ask on, nothing is replaced."""
    database = _database(tmp_path / "desk.db", "Ann")
    copy = tmp_path / "copy.db"
    assert deskcli("backup", str(copy), db=database).returncode == 0
    result = deskcli("restore", str(copy), db=database)
    assert result.returncode == 2 and "--yes" in result.stderr
