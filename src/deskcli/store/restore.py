"""Restoring a backup over the live SQLite database.

The order matters, so nothing is lost whatever fails:

1. the backup file is checked without changing it (a SQLite database of deskcli's,
   a schema this deskcli knows, ``integrity_check`` clean);
2. the live database is checked to be closed everywhere: switching a WAL database
   to a rollback journal needs every other connection gone, so a console that has
   it open (even idle, its pooled connection holds the WAL index) makes the switch
   fail with "database is locked", and the restore is refused;
3. the live database is copied aside (``<name>.before-restore-<UTC time>``, 0600);
4. the backup is copied *into* the live file with SQLite's backup API, in one
   transaction of the destination (atomic: a crash leaves the old or the new
   database, never a mixture), keeping the file's inode and permissions;
5. the caller opens the store, which upgrades an older backup through the migrations
   (with its own ``.before-<revision>`` copy).

Limits: the check sees connections on this machine only (a database on a network
share opened from another machine is not supported by SQLite's WAL anyway), and a
console started during the few moments of steps 3-4 waits on the busy timeout and
then reads the restored database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from deskcli.config import paths
from deskcli.core.errors import StoreError
from deskcli.store.dbfile import SQLITE_HEADER, create_private_file

_DESKCLI_TABLES = {"alembic_version", "customer", "call", "call_event"}

BUSY_MS = 200
"""How long the open-elsewhere check waits for a lock before it says the database is in use."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds, as checked before restoring it."""

    path: Path
    revision: str
    customers: int
    calls: int


@dataclass(frozen=True)
class RestoreResult:
    """What :func:`restore` did."""

    restored: BackupInfo
    aside: Path | None
    """Where the database that was replaced now is (``None`` when there was none)."""


def check_backup(path: Path, known_revisions: list[str]) -> BackupInfo:
    """Check ``path`` is a whole deskcli database this deskcli can open; change nothing."""
    if not path.is_file():
        raise StoreError(f"{path}: no such file.")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a SQLite database, so it is not a deskcli backup.")
    wal = path.with_name(path.name + "-wal")
    # A backup has no -wal of its own: read it as immutable, leaving no trace beside it.
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?{flags}", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be opened: {exc}.") from None
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables >= _DESKCLI_TABLES:
            raise StoreError(f"{path} is a SQLite database, but not a deskcli one (it has no calls and customers).")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
        if revision not in known_revisions:
            raise StoreError(
                f"{path} was made by a newer deskcli (schema revision {revision}; this deskcli knows up to "
                f"{known_revisions[-1]}).",
                "Upgrade deskcli (pip install -U deskcli) and restore with the newer version.",
            )
        problems = [found[0] for found in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise StoreError(f"{path} is damaged: {'; '.join(problems[:3])}.", "Choose another backup.")
        customers = connection.execute("SELECT count(*) FROM customer").fetchone()[0]
        calls = connection.execute("SELECT count(*) FROM call").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged: SQLite says “{exc}”.", "Choose another backup.") from None
    finally:
        connection.close()
    return BackupInfo(path, revision, customers, calls)


def restore(backup_file: Path, live: Path, known_revisions: list[str], *, moment: datetime) -> RestoreResult:
    """Put ``backup_file`` in place of the database ``live`` (see the module notes for the steps)."""
    info = check_backup(backup_file, known_revisions)
    if live.exists() and backup_file.resolve() == live.resolve():
        raise StoreError(f"{backup_file} is the database itself: choose a backup file.")
    source = sqlite3.connect(f"file:{quote(str(backup_file.resolve()))}?mode=ro&immutable=1", uri=True)
    try:
        if not live.exists():
            paths.make_private_dir(live.parent)
            create_private_file(live)
            created = sqlite3.connect(live, isolation_level=None)
            try:
                source.backup(created)
            finally:
                created.close()
            return RestoreResult(info, None)
        target = _take_over(live)
        if target is None:
            return RestoreResult(info, _replace_damaged(source, live, moment))
        try:
            aside = _keep_aside(target, live, moment)
            try:
                source.backup(target)
            except sqlite3.Error as exc:
                raise StoreError(
                    f"restoring into {live} failed: SQLite says “{exc}”.",
                    f"The database was not changed; a copy of it is at {aside}.",
                ) from None
        finally:
            target.close()
    finally:
        source.close()
    return RestoreResult(info, aside)


def _take_over(live: Path) -> sqlite3.Connection | None:
    """A connection that is the only one on ``live``, in rollback-journal mode; else refuse.

    ``None`` when ``live`` is not a readable database at all (nobody can be using it).
    """
    in_use = StoreError(
        f"{live} is open in a deskcli console (or another program): a restore would pull it from under it.",
        "Close every deskcli on this database (ctrl+q), then run the restore again.",
    )
    try:
        connection = sqlite3.connect(live, timeout=BUSY_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{live} cannot be opened: {exc}.") from None
    try:
        mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        connection.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise in_use from None
        raise StoreError(f"{live} cannot be used: SQLite says “{exc}”.") from None
    except sqlite3.DatabaseError:
        # Not a database any more (the reason to restore, perhaps): nobody can be using it.
        connection.close()
        return None
    if str(mode).lower() != "delete":
        connection.close()
        raise in_use
    # Hold the lock from here on: a console starting now waits instead of reading half a restore.
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    return connection


def _aside_path(live: Path, moment: datetime) -> Path:
    aside = live.with_name(f"{live.name}.before-restore-{moment.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    base, number = aside, 2
    while aside.exists():
        aside = base.with_name(f"{base.name}-{number}")
        number += 1
    return aside


def _replace_damaged(source: sqlite3.Connection, live: Path, moment: datetime) -> Path:
    """``live`` is no database: keep its bytes (and any -wal) aside, and put a fresh copy in its place."""
    aside = _aside_path(live, moment)
    fresh = live.with_name(f".{live.name}.restoring-{os.getpid()}")
    create_private_file(fresh)
    try:
        target = sqlite3.connect(fresh, isolation_level=None)
        try:
            source.backup(target)
        finally:
            target.close()
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        shutil.copyfile(live, aside)
        for suffix in ("-wal", "-shm"):
            leftover = live.with_name(live.name + suffix)
            if leftover.exists():
                # The old log must never be replayed onto the restored file.
                if suffix == "-wal":
                    shutil.copyfile(leftover, aside.with_name(aside.name + suffix))
                leftover.unlink()
        os.replace(fresh, live)
    finally:
        fresh.unlink(missing_ok=True)
    return aside


def _keep_aside(connection: sqlite3.Connection, live: Path, moment: datetime) -> Path:
    """Copy the database about to be replaced next to it, 0600; the copy's path."""
    aside = _aside_path(live, moment)
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        copy = sqlite3.connect(aside)
        try:
            connection.backup(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError:
        # A damaged database cannot be read page by page: keep its bytes as they are.
        shutil.copyfile(live, aside)
    return aside
