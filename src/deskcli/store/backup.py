"""Backups of the SQLite database, taken while consoles keep working.

The copy is made with SQLite's online backup API inside one read transaction on the
source: in WAL mode readers never block writers, so consoles go on saving while the
copy is taken, and the copy is the database as it stood when the transaction began
(a consistent snapshot; the backup never restarts, however much is written meanwhile).
The copy is written under a temporary name, created 0600 before any data goes into it,
switched to a rollback journal (one self-contained file), checked with
``PRAGMA integrity_check`` and only then given its name. See :mod:`deskcli.store.restore`
for the way back.

Nothing here imports SQLAlchemy: ``deskcli backup`` must not open (and so not migrate)
the database it copies.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from deskcli.config import paths
from deskcli.core.errors import StoreError
from deskcli.store.dbfile import SQLITE_HEADER

Progress = Callable[[int, int], None]
"""Called with (pages copied, pages in all)."""

PAGES_PER_STEP = 4096
"""Pages copied per backup step (16 MiB at SQLite's 4 KiB pages): progress without overhead."""

PG_TOOLS = (
    "deskcli backup and restore work on SQLite files. For PostgreSQL use its own tools: "
    "pg_dump -Fc -f deskcli.dump DBNAME to back up, pg_restore --clean -d DBNAME deskcli.dump to restore."
)
"""What to say when the database is not a SQLite file."""

_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class BackupResult:
    """What :func:`backup` made."""

    path: Path
    bytes: int
    pages: int
    seconds: float
    removed: list[Path] = field(default_factory=list)
    """Older backups removed to keep the last N."""


def backup_name(db_path: Path, moment: datetime) -> str:
    """``deskcli-20260310T140000Z.db``: the database's name and the UTC time (sorts in time order)."""
    return f"{db_path.stem}-{moment.astimezone(UTC).strftime(_STAMP)}.db"


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.stem)}-(\d{{8}}T\d{{6}}Z)(?:-\d+)?\.db$")


def own_backups(folder: Path, db_path: Path) -> list[tuple[datetime, Path]]:
    """The backups of ``db_path`` that ``deskcli backup`` made in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    pattern = _pattern(db_path)
    found = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if match and entry.is_file():
            found.append((datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC), entry))
    return sorted(found)


def default_destination(folder: Path, db_path: Path, moment: datetime) -> Path:
    """A new file in ``folder`` named for the database and the moment (never an existing one)."""
    name = backup_name(db_path, moment)
    candidate = folder / name
    number = 2
    while candidate.exists():
        candidate = folder / name.replace(".db", f"-{number}.db")
        number += 1
    return candidate


def check_source(path: Path) -> None:
    """Refuse a source that is missing or not a SQLite database (nothing is touched)."""
    if not path.exists():
        raise StoreError(f"{path}: there is no database here, so there is nothing to back up.",
                         "Check --db (or DESKCLI_DB), or start deskcli once to create the database.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path} cannot be read: {exc.strerror}.") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a SQLite database (it does not start with the SQLite header).")


def backup(source: Path, destination: Path, *, progress: Progress | None = None) -> BackupResult:
    """Copy the live database ``source`` to ``destination`` (a new file, 0600), checked.

    Raises :class:`StoreError` naming the file when the source cannot be copied, the
    destination cannot be written, or the copy fails its integrity check; no file is
    left under ``destination``'s name then.
    """
    started = time.perf_counter()
    check_source(source)
    source = source.resolve()
    destination = destination.expanduser()
    if destination.exists():
        raise StoreError(f"{destination} already exists: deskcli never overwrites a file with a backup.",
                         "Give another file name, or leave FILE out to use the backup folder.")
    if destination.resolve() == source:
        raise StoreError(f"{destination} is the database itself.")
    try:
        paths.make_private_dir(destination.parent)
    except OSError as exc:
        raise StoreError(f"{destination.parent} cannot be created: {exc.strerror}.") from None
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise StoreError(f"{destination} cannot be written: {exc.strerror}.",
                         "Choose a folder you can write to.") from None
    os.close(fd)
    try:
        pages = _copy(source, partial, progress)
        _fsync(partial)
        os.replace(partial, destination)
        _fsync_dir(destination.parent)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise
    return BackupResult(destination, destination.stat().st_size, pages, time.perf_counter() - started)


def _copy(source: Path, target: Path, progress: Progress | None) -> int:
    """The online backup of ``source`` into the empty file ``target``; its page count."""
    try:
        live = sqlite3.connect(source, timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{source} cannot be opened: {exc}.") from None
    try:
        live.execute("PRAGMA query_only = ON")
        try:
            # One read transaction for the whole copy: every step reads the same snapshot.
            live.execute("BEGIN")
            tables = {row[0] for row in live.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{source} cannot be read: SQLite says “{exc}”.",
                             "If it is damaged, restore an earlier backup (deskcli restore FILE).") from None
        if tables and "alembic_version" not in tables:
            raise StoreError(f"{source} is a SQLite database, but not one of deskcli's.")
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            total = [0]

            def step(_status: int, remaining: int, pages: int) -> None:
                total[0] = pages
                if progress is not None:
                    progress(pages - remaining, pages)

            try:
                live.backup(copy, pages=PAGES_PER_STEP, progress=step)
            except sqlite3.Error as exc:
                raise StoreError(f"the backup of {source} failed: SQLite says “{exc}”.") from None
            finally:
                live.execute("COMMIT")
            # A backup is one file: no -wal beside it that could be lost in a copy.
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise StoreError(f"the copy of {source} failed its integrity check: {'; '.join(problems[:3])}.",
                                 "The database itself may be damaged: run deskcli check --full.")
            return total[0]
        finally:
            copy.close()
    finally:
        live.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (not possible on every platform; then the file's own fsync has to do)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def prune(folder: Path, db_path: Path, keep: int) -> list[Path]:
    """Remove the oldest of ``deskcli backup``'s own copies in ``folder`` beyond the newest ``keep``.

    Only files named as :func:`backup_name` names them are counted or removed.
    """
    found = own_backups(folder, db_path)
    removed = []
    for _moment, path in found[: max(0, len(found) - keep)]:
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def taken_on(folder: Path, db_path: Path, day: date, zone: ZoneInfo) -> bool:
    """True when a backup of ``db_path`` in ``folder`` was taken on ``day`` (the office's local date)."""
    return any(moment.astimezone(zone).date() == day for moment, _path in own_backups(folder, db_path))


def start_daily(db_path: Path, folder: Path, *, today: date, zone: ZoneInfo, config: Path | None) -> bool:
    """Start ``deskcli backup --daily`` in the background unless today's backup exists.

    A separate process, so the console's memory and first frame are not touched and
    the copy goes on if the console is closed. Returns True when one was started.
    """
    if not db_path.exists() or taken_on(folder, db_path, today, zone):
        return False
    command = [sys.executable, "-m", "deskcli", "--db", str(db_path)]
    if config is not None:
        command += ["--config", str(config)]
    command += ["backup", "--daily"]
    try:
        subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )
    except OSError:
        return False
    return True
