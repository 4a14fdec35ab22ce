"""The database file: where it is, how it is created and opened, and that a file
deskcli cannot use is refused with a message naming it and left exactly as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from deskcli.core.errors import DatabaseConflict, StoreError
from deskcli.models import AnalystBase, Call, Customer, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.store import db, dbfile, migrate
from helpers import in_two_processes

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_REASON = "running as root: permission bits do not stop root, so a read-only file cannot be simulated"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _snapshot(path: Path) -> tuple[str, int, int, list[str]]:
    """The file's digest, mtime and size, and the names in its folder."""
    info = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, info.st_mtime_ns, info.st_size, sorted(entry.name for entry in path.parent.iterdir())


def _refuse(path: Path) -> StoreError:
    """Open ``path``, expecting a StoreError naming it and the file untouched; return the error."""
    before = _snapshot(path)
    with pytest.raises(StoreError) as caught:
        store = db.open_store(db.target_for(path, None))
        store.dispose()  # only reached when the test is about to fail
    after = _snapshot(path)
    assert after == before, "the refused file (or its folder) was changed"
    assert not path.with_name(path.name + "-wal").exists()
    assert not path.with_name(path.name + "-shm").exists()
    assert str(path) in caught.value.message
    return caught.value


def _make_sqlite(path: Path, statements: list[str]) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


# --- creating the file ---------------------------------------------------------------


def test_new_database_is_private_in_private_folder(tmp_path: Path) -> None:
    """A new database file is 0600 inside a newly created 0700 folder."""
    path = tmp_path / "new" / "nested" / "deskcli.db"
    store = db.open_store(db.target_for(path, None))
    try:
        assert _mode(path) == 0o600
        assert _mode(path.parent) == 0o700
        assert _mode(path.parent.parent) == 0o700
    finally:
        store.dispose()


def test_wal_and_shm_files_are_not_readable_by_others(store: db.Store, db_path: Path, actor: Actor) -> None:
    """After writes, the -wal and -shm files are not group or world readable."""
    with store.write() as session:
        session.add(Customer(name="Ann", created_at=actor.now(), updated_at=actor.now()))
    # Keep a connection open so SQLite does not remove the WAL files on close.
    with store.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM customer").scalar()
        side_files = [db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm")]
        existing = [path for path in side_files if path.exists()]
        assert existing, "expected WAL mode to create a -wal or -shm file"
        for path in [*existing, db_path]:
            assert _mode(path) & 0o077 == 0, f"{path} is {oct(_mode(path))}"


def test_existing_folder_mode_is_left_alone(tmp_path: Path) -> None:
    """A folder the user chose (already existing) keeps its permissions."""
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    store = db.open_store(db.target_for(folder / "deskcli.db", None))
    store.dispose()
    assert _mode(folder) == 0o755
    assert _mode(folder / "deskcli.db") == 0o600


def test_empty_file_becomes_database(tmp_path: Path) -> None:
    """A zero-length file is taken as a new database and migrated to the head revision."""
    path = tmp_path / "empty.db"
    path.touch()
    store = db.open_store(db.target_for(path, None))
    try:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        store.dispose()


# --- connection settings -------------------------------------------------------------


def test_connection_pragmas(store: db.Store) -> None:
    """Connections use WAL, enforce foreign keys, wait when busy and sync at least NORMAL (FULL by default)."""
    with store.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") > 0
        assert pragma("synchronous") >= 1
        assert pragma("synchronous") == 2  # the default setting is FULL


def test_sqlite_options_are_applied(tmp_path: Path) -> None:
    """SqliteOptions(synchronous, busy_timeout_ms, cache_kib) reach every connection."""
    store = db.open_store(
        db.target_for(tmp_path / "opts.db", None),
        db.SqliteOptions(synchronous="NORMAL", busy_timeout_ms=1234, cache_kib=300),
    )
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -300  # negative: KiB
    finally:
        store.dispose()


def test_foreign_keys_are_enforced(store: db.Store, actor: Actor, analyst) -> None:
    """A call that points at a customer who does not exist is refused by the database
    (as the project's own error, with the driver's error as its cause)."""
    now = actor.now()
    with pytest.raises(DatabaseConflict) as caught, store.write() as session:
        session.add(
            Call(
                reference="HD-999999",
                customer_id=424242,
                perceived_owner_id=analyst.id,
                actual_owner_id=analyst.id,
                opened_at=now,
                updated_at=now,
            )
        )
    assert caught.value.cause == "conflict"
    assert isinstance(caught.value.__cause__, IntegrityError)
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Call)).one() == 0


# --- transactions --------------------------------------------------------------------


def test_write_commits_on_success(store: db.Store, actor: Actor) -> None:
    """Store.write commits what the block did when it ends normally."""
    with store.write() as session:
        session.add(Customer(name="Committed Caller", created_at=actor.now(), updated_at=actor.now()))
    with store.read() as session:
        names = session.exec(select(Customer.name)).all()
    assert names == ["Committed Caller"]


def test_write_rolls_back_when_block_raises(store: db.Store, actor: Actor) -> None:
    """Store.write rolls back everything when the block raises, and the error propagates."""

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.write() as session:
        session.add(Customer(name="Lost Caller", created_at=actor.now(), updated_at=actor.now()))
        session.flush()
        raise Boom
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Customer)).one() == 0


def test_write_takes_the_write_lock_at_once(store: db.Store, db_path: Path) -> None:
    """Store.write begins IMMEDIATE: another writer is locked out before the block writes anything."""
    with store.write() as session:
        session.exec(select(func.count()).select_from(Customer)).one()  # a read only
        other = sqlite3.connect(db_path, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


# --- files deskcli refuses -----------------------------------------------------------


def test_refuses_text_file(tmp_path: Path) -> None:
    """A file that is not SQLite is refused, named, and left unchanged."""
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 20)
    error = _refuse(path)
    assert "not a SQLite database" in error.message


def test_refuses_corrupt_database(tmp_path: Path) -> None:
    """A SQLite file with a damaged first page is refused, named, and left unchanged."""
    path = tmp_path / "corrupt.db"
    _make_sqlite(
        path,
        ["CREATE TABLE t (a INTEGER, b TEXT)"]
        + [f"INSERT INTO t VALUES ({i}, '{'x' * 200}')" for i in range(100)],
    )
    data = bytearray(path.read_bytes())
    assert data.startswith(dbfile.SQLITE_HEADER) and len(data) > 4096
    garbage = bytes((i * 37 + 11) % 256 for i in range(3900))
    data[100:4000] = garbage
    path.write_bytes(bytes(data))
    error = _refuse(path)
    assert "damaged" in error.message


@pytest.mark.skipif(IS_ROOT, reason=ROOT_REASON)
def test_refuses_read_only_database(tmp_path: Path) -> None:
    """A database file the user cannot write is refused, named, and left unchanged."""
    path = tmp_path / "readonly.db"
    store = db.open_store(db.target_for(path, None))
    store.dispose()
    path.chmod(0o400)
    try:
        error = _refuse(path)
        assert "read-only" in error.message
    finally:
        path.chmod(0o600)


@pytest.mark.skipif(IS_ROOT, reason=ROOT_REASON)
def test_refuses_database_in_read_only_folder(tmp_path: Path) -> None:
    """A database whose folder is read-only (no room for -wal/-shm) is refused, named, and unchanged."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "deskcli.db"
    store = db.open_store(db.target_for(path, None))
    store.dispose()
    folder.chmod(0o500)
    try:
        error = _refuse(path)
        assert "read-only" in error.message
    finally:
        folder.chmod(0o700)


@pytest.fixture
def read_only_disk(tmp_path: Path):
    """A small tmpfs made read-only on demand: it stops root too (skipped where mounting is not allowed)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root in a namespace that allows it)")

    def make_read_only() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)

    try:
        yield mount_point, make_read_only
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_refuses_database_on_a_read_only_disk(read_only_disk) -> None:
    """A database on a read-only disk is refused with a message naming it, and left unchanged."""
    folder, make_read_only = read_only_disk
    path = folder / "deskcli.db"
    db.open_store(db.target_for(path, None)).dispose()
    make_read_only()
    error = _refuse(path)
    assert "read-only" in error.message
    assert "--db PATH" in (error.hint or "")


def test_refuses_to_create_a_database_on_a_read_only_disk(read_only_disk) -> None:
    """A new database cannot be created on a read-only disk; the message names the folder."""
    folder, make_read_only = read_only_disk
    make_read_only()
    path = folder / "new.db"
    with pytest.raises(StoreError) as refused:
        db.open_store(db.target_for(path, None))
    assert str(folder) in refused.value.message and "not writable" in refused.value.message
    assert not path.exists()


def test_refuses_database_from_newer_deskcli(tmp_path: Path) -> None:
    """A database at an unknown (newer) revision is refused, telling the user to upgrade deskcli."""
    path = tmp_path / "future.db"
    _make_sqlite(
        path,
        [
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
            "INSERT INTO alembic_version VALUES ('9999')",
            "CREATE TABLE call (id INTEGER PRIMARY KEY, reference TEXT)",
        ],
    )
    error = _refuse(path)
    assert "newer" in error.message
    assert "9999" in error.message
    assert "Upgrade deskcli" in str(error)


def test_refuses_deskcli_database_from_newer_deskcli_unchanged(tmp_path: Path) -> None:
    """A real deskcli database moved to revision 9999 is refused and its bytes and mtime stay the same."""
    path = tmp_path / "future.db"
    store = db.open_store(db.target_for(path, None))
    store.dispose()
    _make_sqlite(path, ["UPDATE alembic_version SET version_num = '9999'"])
    digest, mtime, size, _names = _snapshot(path)
    with pytest.raises(StoreError) as caught:
        db.open_store(db.target_for(path, None)).dispose()
    assert _snapshot(path)[:3] == (digest, mtime, size)
    assert str(path) in caught.value.message and "newer" in caught.value.message


def _wal_database(path: Path, deskcli_made: bool) -> None:
    """A WAL-mode database: deskcli's own at revision 9999, or another program's."""
    if deskcli_made:
        db.open_store(db.target_for(path, None)).dispose()
        _make_sqlite(path, ["UPDATE alembic_version SET version_num = '9999'"])
    else:
        _make_sqlite(path, ["PRAGMA journal_mode = WAL", "CREATE TABLE contacts (name TEXT)"])


@pytest.mark.parametrize("deskcli_made", [True, False], ids=["newer-deskcli", "other-program"])
def test_refused_wal_database_gets_no_side_files(tmp_path: Path, deskcli_made: bool) -> None:
    """Refusing a WAL-mode database leaves no -wal or -shm file next to it."""
    path = tmp_path / "wal.db"
    _wal_database(path, deskcli_made)
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["wal.db"]
    _refuse(path)


def test_refuses_other_programs_database(tmp_path: Path) -> None:
    """A SQLite database of another program (tables, no alembic_version) is refused and unchanged."""
    path = tmp_path / "contacts.db"
    _make_sqlite(path, ["CREATE TABLE contacts (name TEXT, phone TEXT)", "INSERT INTO contacts VALUES ('a', '1')"])
    error = _refuse(path)
    assert "not one of deskcli's" in error.message
    assert "contacts" in error.message


def test_refuses_directory(tmp_path: Path) -> None:
    """A path that is a folder is refused with a message naming it; nothing is created inside."""
    path = tmp_path / "adir.db"
    path.mkdir()
    with pytest.raises(StoreError) as caught:
        db.open_store(db.target_for(path, None))
    assert str(path) in caught.value.message
    assert "directory" in caught.value.message
    assert list(path.iterdir()) == []


# --- which database ------------------------------------------------------------------


def test_default_target_is_in_user_data_dir(isolated_home: Path) -> None:
    """With no --db and no URL, the database is deskcli.db in the platform user data dir."""
    target = db.target_for(None, None)
    expected = (isolated_home / "data" / "deskcli" / "deskcli.db").resolve()
    assert target.sqlite_path == expected
    assert target.url == f"sqlite:///{expected}"


def test_db_path_target(tmp_path: Path) -> None:
    """A --db path gives a sqlite URL for that (absolute) file."""
    target = db.target_for(tmp_path / "x.db", None)
    assert target.sqlite_path == (tmp_path / "x.db").resolve()
    assert target.describe() == str((tmp_path / "x.db").resolve())


def test_sqlite_url_target_has_path() -> None:
    """A sqlite:////abs/path.db URL is recognised as that file."""
    target = db.target_for(None, "sqlite:////abs/path.db")
    assert target.sqlite_path == Path("/abs/path.db")
    assert target.url == "sqlite:////abs/path.db"


def test_sqlite_url_with_home_directory_opens_the_checked_file(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sqlite:///~/desk.db opens the very file that was checked and created: ~/desk.db."""
    monkeypatch.chdir(tmp_path)
    target = db.target_for(None, "sqlite:///~/desk.db")
    assert target.sqlite_path == (isolated_home / "desk.db").resolve()
    store = db.open_store(target)
    try:
        with store.engine.connect() as connection:
            opened = connection.exec_driver_sql("PRAGMA database_list").fetchone()[2]
        assert Path(opened) == target.sqlite_path
    finally:
        store.dispose()


def test_url_wins_over_db_path(tmp_path: Path) -> None:
    """A database URL takes precedence over a database file."""
    target = db.target_for(tmp_path / "ignored.db", f"sqlite:///{tmp_path / 'chosen.db'}")
    assert target.sqlite_path == (tmp_path / "chosen.db").resolve()


def test_non_sqlite_url_hides_password() -> None:
    """A server URL has no file path and is described without its password."""
    target = db.target_for(None, "postgresql://desk:secret@db.example/deskcli")
    assert target.sqlite_path is None
    assert "secret" not in target.describe()
    assert "db.example" in target.describe()


def test_open_store_at_default_location(isolated_home: Path) -> None:
    """Opening the default target creates the database under the user data dir."""
    store = db.open_store(db.target_for(None, None))
    try:
        assert (isolated_home / "data" / "deskcli" / "deskcli.db").is_file()
    finally:
        store.dispose()


# --- import-time behaviour -----------------------------------------------------------

_NO_ENGINE_SCRIPT = """
import gc
import deskcli.store.db, deskcli.runtime
from sqlalchemy.engine import Engine

def engines():
    return [o for o in gc.get_objects() if isinstance(o, Engine)]

print("at-import", len(engines()))
import deskcli.store.db as db
probe = db.build_engine(db.target_for(None, "sqlite://"))
print("after-build", len(engines()))
"""


def test_no_engine_is_created_at_import(tmp_path: Path) -> None:
    """Importing deskcli.db and deskcli.runtime creates no SQLAlchemy engine (the probe proves one would be seen)."""
    result = subprocess.run(
        [sys.executable, "-c", _NO_ENGINE_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split() for line in result.stdout.splitlines())
    assert lines["at-import"] == "0"
    assert int(lines["after-build"]) >= 1


# --- two processes at once -----------------------------------------------------------

CALLS_PER_PROCESS = 25


def _create_calls_worker(path: str, customer_id: int, analyst_id: int, go, results) -> None:
    """Open the store and create calls as fast as possible once told to go (runs in a child process)."""
    from deskcli.core.clock import SystemClock
    from deskcli.services.actor import Actor as ChildActor
    from deskcli.services.lifecycle.calls import create_call
    from deskcli.store import db as child_db

    try:
        store = child_db.open_store(child_db.target_for(Path(path), None))
        by = ChildActor(analyst_id, SystemClock())
        references = []
        go.wait(60)  # a barrier: both processes start writing together
        for _ in range(CALLS_PER_PROCESS):
            with store.write() as session:
                references.append(create_call(session, customer_id, by).reference)
                time.sleep(0.002)  # hold the write lock a moment so the other process must queue
        store.dispose()
        results.put(("ok", references))
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def test_two_processes_get_unique_references(tmp_path: Path, clock) -> None:
    """Two processes creating 25 calls each at once get 50 distinct references HD-000001…HD-000050."""
    from deskcli.services.lifecycle.analysts import ensure_analyst
    from deskcli.services.lookup.customers import create_customer

    path = tmp_path / "shared" / "deskcli.db"
    store = db.open_store(db.target_for(path, None))
    try:
        with store.write() as session:
            analyst = ensure_analyst(session, AnalystBase(handle="ajones", name="Ann Jones"), Actor(None, clock))
            customer = create_customer(
                session, CustomerCreate(name="Siobhan O'Neill"), Actor(analyst.id, clock), region="GB"
            )
            analyst_id, customer_id = analyst.id, customer.id
    finally:
        store.dispose()

    outcomes, exit_codes = in_two_processes(_create_calls_worker, str(path), customer_id, analyst_id)
    errors = [detail for status, detail in outcomes if status != "ok"]
    assert errors == []
    references = [reference for _, refs in outcomes for reference in refs]
    assert len(references) == 2 * CALLS_PER_PROCESS
    assert sorted(references) == [f"HD-{n:06d}" for n in range(1, 2 * CALLS_PER_PROCESS + 1)]
    assert exit_codes == [0, 0]

    check = sqlite3.connect(path)
    try:
        stored = [row[0] for row in check.execute("SELECT reference FROM call ORDER BY reference")]
    finally:
        check.close()
    assert stored == sorted(references)

