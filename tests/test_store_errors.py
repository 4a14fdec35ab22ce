"""Database failures reach callers as the project's own errors, one class and ``cause`` per
kind, made from real SQLite failures: a lock held past the busy timeout, a full database,
a read-only connection, a damaged page, a broken reference."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import func, select

from deskcli.core.errors import (
    DatabaseBusy,
    DatabaseConflict,
    DatabaseDamaged,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DeskError,
    DiskFull,
    StoreError,
)
from deskcli.models import Call, Customer
from deskcli.services.actor import Actor
from deskcli.services.lookup import customers
from deskcli.store import db
from deskcli.store.errors import store_error


def _quick_store(path: Path, busy_timeout_ms: int = 100) -> db.Store:
    return db.open_store(db.target_for(path, None), db.SqliteOptions(busy_timeout_ms=busy_timeout_ms))


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_lock_held_past_busy_timeout_is_database_busy(db_path: Path, actor: Actor) -> None:
    """The BEGIN hook's raw sqlite3 'database is locked' becomes DatabaseBusy, in words, with its cause."""
    store = _quick_store(db_path)
    other = _hold_write_lock(db_path)
    try:
        with pytest.raises(DatabaseBusy) as caught, store.write() as session:
            session.add(Customer(name="Never Saved", created_at=actor.now(), updated_at=actor.now()))
    finally:
        other.rollback()
        other.close()
        store.dispose()
    error = caught.value
    assert error.cause == "busy"
    assert "another program holds the database" in error.message
    assert str(db_path) in error.message
    assert "0.1 s" in error.message  # how long it waited
    assert "locked" not in error.message.lower()  # not SQLite's words
    assert isinstance(error.__cause__, sqlite3.OperationalError)


def test_store_works_again_once_the_lock_is_released(db_path: Path, actor: Actor) -> None:
    """A busy write leaves the store usable: the next write after the lock goes succeeds."""
    store = _quick_store(db_path)
    other = _hold_write_lock(db_path)
    with pytest.raises(DatabaseBusy), store.write() as session:
        session.add(Customer(name="First Try", created_at=actor.now(), updated_at=actor.now()))
    other.rollback()
    other.close()
    try:
        with store.write() as session:
            session.add(Customer(name="Second Try", created_at=actor.now(), updated_at=actor.now()))
        with store.read() as session:
            assert session.exec(select(Customer.name)).all() == ["Second Try"]
    finally:
        store.dispose()


def test_full_database_is_disk_full(store: db.Store, actor: Actor) -> None:
    """SQLITE_FULL (here: the page limit reached) is DiskFull with the 'kept on screen' message."""
    with pytest.raises(DiskFull) as caught, store.write() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar()
        session.connection().exec_driver_sql(f"PRAGMA max_page_count = {pages + 2}")
        for number in range(2000):
            session.add(Customer(name=f"Caller {number} " + "x" * 100, created_at=actor.now(), updated_at=actor.now()))
            if number % 100 == 0:
                session.flush()
    error = caught.value
    assert error.cause == "disk_full"
    assert "the disk is full" in error.message
    assert "kept on screen" in (error.hint or "")
    assert "check --full" not in str(error)


def test_write_on_read_only_connection_is_database_read_only(store: db.Store, actor: Actor) -> None:
    """SQLITE_READONLY becomes DatabaseReadOnly naming the file."""
    with pytest.raises(DatabaseReadOnly) as caught, store.write() as session:
        session.connection().exec_driver_sql("PRAGMA query_only = ON")
        session.add(Customer(name="Read Only", created_at=actor.now(), updated_at=actor.now()))
        session.flush()
    assert caught.value.cause == "readonly"
    assert str(store.target.sqlite_path) in caught.value.message


def _damage_table(path: Path, table: str, rows: int = 3000) -> None:
    """Fill ``table`` (customer) with rows, then overwrite one of its interior pages with garbage."""
    connection = sqlite3.connect(path)
    stamp = "2026-03-10 14:00:00.000000"
    connection.executemany(
        "INSERT INTO customer (name, name_spelling, pronunciation, email, organisation, department, is_vip, "
        "caution_flags, notes, created_at, updated_at) VALUES (?, '', '', ?, 'Org', 'Dept', 0, '[]', ?, ?, ?)",
        [(f"Customer {i:05d}", f"c{i}@example.org", "n" * 200, stamp, stamp) for i in range(rows)],
    )
    _garble_root_page(connection, path, table)


def _garble_root_page(connection: sqlite3.Connection, path: Path, table: str) -> None:
    """Commit, close ``connection``, and overwrite the middle of ``table``'s root page with garbage."""
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 100 : start + page_size - 100] = bytes((i * 7 + 3) % 256 for i in range(page_size - 200))
    path.write_bytes(bytes(data))


def test_damaged_table_page_is_database_damaged_on_read(db_path: Path) -> None:
    """A query that meets a damaged page raises DatabaseDamaged with what to do (restore a backup)."""
    store = _quick_store(db_path)
    store.dispose()
    _damage_table(db_path, "customer")
    engine = db.build_engine(db.target_for(db_path, None))
    damaged = db.Store(engine, db.target_for(db_path, None))  # opened past the start-up check
    try:
        with pytest.raises(DatabaseDamaged) as caught, damaged.read() as session:
            session.exec(select(func.sum(func.length(Customer.notes)))).one()
    finally:
        damaged.dispose()
    assert caught.value.cause == "damaged"
    assert "damaged" in caught.value.message
    assert "backup" in (caught.value.hint or "")


def test_opening_a_damaged_file_is_refused_before_any_write(db_path: Path) -> None:
    """The structural check at opening finds the damaged page: nothing is written into the file."""
    _quick_store(db_path).dispose()
    _damage_table(db_path, "customer")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseDamaged) as caught:
        db.open_store(db.target_for(db_path, None)).dispose()
    assert str(db_path) in caught.value.message
    assert "Restore" in (caught.value.hint or "")
    assert db_path.read_bytes() == before


def test_broken_reference_is_database_conflict(store: db.Store, analyst, actor: Actor) -> None:
    """SQLITE_CONSTRAINT is DatabaseConflict (cause 'conflict')."""
    with pytest.raises(DatabaseConflict) as caught, store.write() as session:
        session.add(Call(reference="HD-999998", customer_id=4242, perceived_owner_id=analyst.id,
                         opened_at=actor.now(), updated_at=actor.now()))
    assert caught.value.cause == "conflict"


def test_errors_raised_inside_a_read_are_store_errors(store: db.Store) -> None:
    """Any driver error leaving Store.read() is a StoreError (a DeskError), never SQLAlchemy's own."""
    with pytest.raises(StoreError) as caught, store.read() as session:
        session.connection().exec_driver_sql("SELECT * FROM no_such_table")
    assert isinstance(caught.value, DeskError)
    assert caught.value.cause == "error"
    assert "no_such_table" in caught.value.message


def test_service_errors_pass_through_unchanged(store: db.Store, actor: Actor) -> None:
    """A rule refusal inside a write is not turned into a database error."""
    from deskcli.core.errors import RuleViolation
    from deskcli.models import CustomerCreate

    with pytest.raises(RuleViolation), store.write() as session:
        customers.create_customer(session, CustomerCreate(name="   "), actor, region="GB")


@pytest.mark.parametrize(
    ("raised", "kind", "cause"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), DiskFull, "disk_full"),
        (OSError(errno.EIO, "Input/output error"), DatabaseUnavailable, "unavailable"),
        (OSError(errno.EROFS, "Read-only file system"), DatabaseReadOnly, "readonly"),
        (sqlite3.DatabaseError("database disk image is malformed"), DatabaseDamaged, "damaged"),
        (RuntimeError("server closed the connection unexpectedly"), DatabaseUnavailable, "unavailable"),
    ],
)
def test_other_failures_are_classified(raised: BaseException, kind: type[StoreError], cause: str) -> None:
    """OS errors (copying the file) and other drivers' messages get the same classes and causes."""
    error = store_error("the database", raised)
    assert type(error) is kind
    assert error.cause == cause
    assert error.message.startswith("the database")


# --- deskcli check and the structural check ------------------------------------------------


def _damage_call_table(path: Path) -> None:
    """A deskcli database whose call table has one damaged page (its index pages are sound)."""
    store = _quick_store(path)
    store.dispose()
    connection = sqlite3.connect(path)
    stamp = "2026-03-10 14:00:00.000000"
    connection.execute(
        "INSERT INTO analyst (id, handle, name, department, organisation, email, role, created_at) "
        "VALUES (1, 'ajones', 'Ann Jones', 'Help Desk', '', '', 'analyst', ?)", (stamp,),
    )
    connection.execute(
        "INSERT INTO customer (id, name, name_spelling, pronunciation, email, organisation, department, is_vip, "
        "caution_flags, notes, created_at, updated_at) VALUES (1, 'C', '', '', NULL, '', '', 0, '[]', '', ?, ?)",
        (stamp, stamp),
    )
    connection.executemany(
        "INSERT INTO call (reference, customer_id, channel, status, stage, notes, resolution, instructions, "
        "prevention_note, perceived_owner_id, actual_owner_id, actual_owner_label, opened_at, updated_at, "
        "executive_affected, security_concern, summary, priority_reason, is_complaint, complaint_steps, "
        "satisfaction_comment, abuse_warnings) VALUES (?, 1, 'phone', 'open', 'greeting', ?, '', '', '', 1, 1, "
        "'', ?, ?, 0, 0, 'x', '', 0, '', '', 0)",
        [(f"HD-{n:06d}", "notes " * 80, stamp, stamp) for n in range(1, 1500)],
    )
    _garble_root_page(connection, path, "call")


def test_check_finds_a_damaged_call_table_and_says_to_restore(tmp_path: Path) -> None:
    """``deskcli check`` (without --full) no longer passes a file whose call table is damaged."""
    import os
    import subprocess
    import sys

    path = tmp_path / "damaged.db"
    _damage_call_table(path)
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "deskcli", "--db", str(path), "check"], capture_output=True, text=True,
        env=dict(os.environ), stdin=subprocess.DEVNULL, timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "damaged" in result.stderr and "Restore the file from a backup" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before  # start-up wrote nothing into it


def test_quick_check_stops_at_its_budget_and_says_so(db_path: Path, actor: Actor) -> None:
    """On a file too big for the budget the check is cut short: no damage claimed, 'not finished' reported."""
    from deskcli.store import dbfile

    store = _quick_store(db_path)
    with store.write() as session:
        for number in range(3000):
            session.add(Customer(name=f"Caller {number}", notes="n" * 300, created_at=actor.now(), updated_at=actor.now()))
    store.dispose()
    cut = dbfile.quick_check(db_path, 0.0)
    assert not cut.finished and not cut.damaged
    whole = dbfile.quick_check(db_path, None)
    assert whole.finished and not whole.damaged
