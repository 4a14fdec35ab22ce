"""Checks on a SQLite database file made before anything writes to it.

Everything here uses the standard library's ``sqlite3`` in read-only mode, so a file
that turns out to be wrong (not SQLite, corrupt, from a newer deskcli, not writable)
is reported and left exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote

from deskcli.core.errors import DatabaseDamaged, DatabaseReadOnly, StoreError

SQLITE_HEADER = b"SQLite format 3\x00"

_CHOOSE_ANOTHER = "Choose another file with --db PATH (or DESKCLI_DB)."

RESTORE_HINT = (
    "deskcli has stopped before writing more into it. Restore the file from a backup "
    "(deskcli keeps a copy named <file>.before-NNNN from before each upgrade), "
    "or choose another file with --db PATH."
)
"""What to do about a damaged database file."""


class FileState(Enum):
    """What was found at the database path."""

    MISSING = "missing"
    """No file yet: deskcli will create it (0600, in a 0700 directory it creates)."""
    EMPTY = "empty"
    """A zero-length file: SQLite treats it as a new database."""
    EXISTING = "existing"
    """A SQLite database, empty of tables or made by deskcli."""


@dataclass(frozen=True)
class FileReport:
    """The result of :func:`inspect_file`."""

    path: Path
    state: FileState
    revision: str | None = None
    """The schema revision recorded in the file, if it has one."""


def inspect_file(path: Path, known_revisions: list[str]) -> FileReport:
    """Check ``path`` without changing it; raise :class:`StoreError` when it cannot be used."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file.", _CHOOSE_ANOTHER)
    if not path.exists():
        _check_creatable(path)
        return FileReport(path, FileState.MISSING)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise StoreError(
            f"{path} cannot be read: permission denied.",
            "Give your user read and write access to it, or choose another file with --db PATH (or DESKCLI_DB).",
        ) from None
    except OSError as exc:
        raise StoreError(f"{path} cannot be read: {exc.strerror}.", _CHOOSE_ANOTHER) from None
    if not header:
        _check_writable(path)
        return FileReport(path, FileState.EMPTY)
    if header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a SQLite database (it does not start with the SQLite header).",
            f"deskcli has not changed it. {_CHOOSE_ANOTHER}",
        )
    _check_writable(path)
    revision = _read_revision(path, known_revisions)
    return FileReport(path, FileState.EXISTING, revision)


def _check_creatable(path: Path) -> None:
    ancestor = path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise StoreError(
            f"{path} cannot be created: {ancestor} is not writable.",
            _CHOOSE_ANOTHER,
        )


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise DatabaseReadOnly(
            f"{path} cannot be written: the file is read-only (for your user, or on a read-only disk).",
            "deskcli has not changed it. Make it writable, or choose another file with --db PATH (or DESKCLI_DB).",
        )
    # WAL mode keeps two files next to the database, so the folder must be writable too.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseReadOnly(
            f"{path} cannot be written: its folder {path.parent} is read-only for your user "
            "(SQLite needs to create its -wal and -shm files there).",
            _CHOOSE_ANOTHER,
        )


def open_for_a_glance(path: Path, timeout_s: float = 0.2) -> sqlite3.Connection:
    """A read-only connection for a quick look before the store is open (waits ``timeout_s`` for a lock).

    Not immutable (unlike the checks' connection): another console may be writing.
    Raises :class:`sqlite3.Error` when the file cannot be read.
    """
    if not path.is_file():
        raise sqlite3.OperationalError(f"{path} does not exist")
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=timeout_s)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no trace on the file."""
    # Without a -wal file there is nothing to recover, so the file can be read as
    # immutable: SQLite then creates no -wal/-shm of its own and leaves no trace.
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    uri = f"file:{quote(str(path))}?{flags}"
    try:
        return sqlite3.connect(uri, uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be opened: {exc}.", _CHOOSE_ANOTHER) from None


def _read_revision(path: Path, known_revisions: list[str]) -> str | None:
    connection = _open_read_only(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            user_tables = sorted(name for name in tables if not name.startswith("sqlite_"))
            if user_tables:
                raise StoreError(
                    f"{path} is a SQLite database, but not one of deskcli's "
                    f"(it holds tables such as {', '.join(user_tables[:3])}).",
                    f"deskcli has not changed it. {_CHOOSE_ANOTHER}",
                )
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseDamaged(f"{path} is damaged: SQLite says “{exc}”.", RESTORE_HINT) from None
    finally:
        connection.close()
    revision = row[0] if row else None
    if revision is not None and revision not in known_revisions:
        raise StoreError(
            f"{path} was made by a newer deskcli (schema revision {revision}; "
            f"this deskcli knows up to {known_revisions[-1]}).",
            "deskcli has not changed it. Upgrade deskcli (pip install -U deskcli) to open it.",
        )
    return revision


def create_private_file(path: Path) -> None:
    """Create an empty database file readable only by its owner (0600).

    SQLite gives its -wal and -shm files the same permissions as the database.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


@dataclass(frozen=True)
class QuickCheck:
    """What SQLite's ``PRAGMA quick_check`` found within its time budget."""

    problems: tuple[str, ...]
    """SQLite's findings (empty when none were found)."""
    finished: bool
    """False when the budget ran out first (only part of the file was checked)."""
    seconds: float

    @property
    def damaged(self) -> bool:
        """True when SQLite found damage."""
        return bool(self.problems)


def quick_check(path: Path, budget_s: float | None) -> QuickCheck:
    """Run ``PRAGMA quick_check`` read-only, stopping after ``budget_s`` seconds (``None``: no limit).

    The quick check reads every page of every table and index and checks their
    structure (not that indexes match their tables - that is ``integrity_check``): a
    damaged page of the call table is found before anything writes into it. On a
    large file the budget stops it part-way; what was read is still reported.
    """
    started = time.monotonic()
    connection = _open_read_only(path)
    if budget_s is not None:
        deadline = started + budget_s
        # Called every 1,000 virtual-machine steps; a non-zero answer interrupts the pragma.
        connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
    try:
        rows = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
        finished = True
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc).lower():
            rows, finished = [str(exc)], True
        else:
            rows, finished = ["ok"], False
    except sqlite3.DatabaseError as exc:
        rows, finished = [str(exc)], True
    finally:
        connection.close()
    problems = tuple(row for row in rows if row != "ok")
    return QuickCheck(problems, finished, time.monotonic() - started)


def refuse_if_damaged(path: Path, budget_s: float | None) -> QuickCheck:
    """:func:`quick_check`, raising :class:`DatabaseDamaged` (with what to do) when it finds damage."""
    found = quick_check(path, budget_s)
    if found.damaged:
        listed = "; ".join(found.problems[:3])
        raise DatabaseDamaged(f"{path} is damaged: SQLite's check found “{listed}”.", RESTORE_HINT)
    return found


def wait_for_write_lock(
    path: Path, deadline: float, progress: Callable[[float], None] | None = None, *, poll_s: float = 0.25
) -> bool:
    """Wait until no other program holds ``path``'s write lock, or until ``deadline`` (monotonic).

    Takes the lock for an instant (``BEGIN IMMEDIATE`` then ``ROLLBACK``) on a
    connection of its own, polling every ``poll_s`` and calling ``progress`` with the
    seconds left while another program holds it. Returns True once the lock was free,
    False when the deadline passed first. A file that cannot be opened at all is left to
    the real open to report (True).
    """
    try:
        connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return True
    try:
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
                return True
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", 5) & 0xFF not in (5, 6):  # not BUSY / LOCKED
                    return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if progress is not None:
                progress(left)
            time.sleep(min(poll_s, left))
    finally:
        connection.close()
