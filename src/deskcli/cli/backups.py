"""``deskcli backup`` and ``deskcli restore``: copies of the SQLite database, and the way back.

Neither opens the database through the data layer first: a backup must copy the file
as it is (never migrate it), and a restore must find it closed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deskcli.cli.common import fail
from deskcli.config.launch import LaunchOptions

if TYPE_CHECKING:
    from deskcli.config.settings import Settings

DAILY_FAILED = "daily-backup-failed.txt"
"""Left in the backup folder when the automatic daily backup failed (the console says so)."""


def _office_database(options: LaunchOptions) -> tuple[Settings, Path]:
    """The settings and the SQLite file of the office; PostgreSQL is refused with the tools to use."""
    from deskcli.config.settings import load_settings
    from deskcli.core.errors import DeskError, StoreError
    from deskcli.store import backup, db

    try:
        settings = load_settings(options.config, db=options.db)
    except DeskError as error:
        fail(error)
    target = db.target_for(settings.db, settings.database_url)
    if target.sqlite_path is None:
        fail(StoreError(f"{target.describe()} is not a SQLite file.", backup.PG_TOOLS))
    return settings, target.sqlite_path


@click.command("backup")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--daily", is_flag=True, hidden=True,
              help="The console's automatic backup: only if none was taken today, quietly.")
@click.pass_obj
def backup_command(options: LaunchOptions, file: Path | None, daily: bool) -> None:
    """Copy the database to FILE (default: a new file in the backup folder), checked, 0600.

    Consoles keep working while it runs. In the backup folder the last N copies are
    kept (setting backup_keep).
    """
    from deskcli.cli.progress import Progress
    from deskcli.core.errors import DeskError
    from deskcli.store import backup

    settings, db_path = _office_database(options)
    folder = settings.backups()
    now = datetime.now(UTC)
    if daily:
        sys.exit(_daily(settings, db_path, folder, now))
    if file is None:
        destination = backup.default_destination(folder, db_path, now)
    elif file.is_dir():
        destination = backup.default_destination(file, db_path, now)
    else:
        destination = file
    progress = Progress("copying")
    try:
        result = backup.backup(db_path, destination, progress=lambda done, total: progress(done, total))
    except DeskError as error:
        progress.close()
        fail(error)
    progress.close()
    removed = []
    if destination.parent.resolve() == folder.resolve():
        removed = backup.prune(folder, db_path, settings.backup_keep)
    click.echo(f"Backed up {db_path} to {destination} ({result.bytes / 1_048_576:.1f} MB, integrity ok, "
               f"{result.seconds:.1f} s).")
    if removed:
        click.echo(f"Kept the last {settings.backup_keep} backups in {folder}; removed {len(removed)} older.")


def _daily(settings: Settings, db_path: Path, folder: Path, now: datetime) -> int:
    """The first console of the day's backup: once a day, one at a time, failures left as a note."""
    from deskcli.config import paths
    from deskcli.core.errors import DeskError
    from deskcli.store import backup

    zone = settings.zone()
    if backup.taken_on(folder, db_path, now.astimezone(zone).date(), zone):
        return 0
    try:
        paths.make_private_dir(folder)
        lock = folder / ".daily-backup.lock"
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            # Another console is taking it (a lock older than an hour is left from a crash).
            if now.timestamp() - lock.stat().st_mtime < 3600:
                return 0
            lock.unlink(missing_ok=True)
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        _note_failure(folder, f"the backup folder {folder} cannot be used: {exc.strerror}")
        return 2
    try:
        backup.backup(db_path, backup.default_destination(folder, db_path, now))
        backup.prune(folder, db_path, settings.backup_keep)
        (folder / DAILY_FAILED).unlink(missing_ok=True)
        return 0
    except DeskError as error:
        _note_failure(folder, error.message)
        return 2
    finally:
        lock.unlink(missing_ok=True)


def _note_failure(folder: Path, message: str) -> None:
    with contextlib.suppress(OSError):
        (folder / DAILY_FAILED).write_text(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {message}\n", encoding="utf-8")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (needed when not on a terminal).")
@click.pass_obj
def restore_command(options: LaunchOptions, file: Path, yes: bool) -> None:
    """Put the backup FILE in place of the database (the current one is kept aside).

    Refused while a console has the database open. An older backup is upgraded to
    this deskcli's schema.
    """
    from deskcli.core.errors import DeskError
    from deskcli.store import db, migrate, restore

    _settings, db_path = _office_database(options)
    try:
        info = restore.check_backup(file, migrate.known_revisions())
    except DeskError as error:
        fail(error)
    click.echo(f"{file}: a deskcli database at schema {info.revision}, {info.customers:,} customers, "
               f"{info.calls:,} calls, integrity ok.")
    if not yes:
        if not sys.stdin.isatty():
            fail(DeskError("restore replaces the database: give --yes to confirm when not on a terminal."))
        click.confirm(f"Replace {db_path} with it (the current database is kept aside)?", abort=True)
    try:
        result = restore.restore(file, db_path, migrate.known_revisions(), moment=datetime.now(UTC))
        store = db.open_store(db.target_for(db_path, None))
    except DeskError as error:
        fail(error)
    upgrade = store.upgrade
    store.dispose()
    click.echo(f"Restored {file} into {db_path}.")
    if result.aside is not None:
        click.echo(f"The database it replaced is kept at {result.aside}.")
    if upgrade is not None and upgrade.changed:
        click.echo(f"Upgraded it from schema {upgrade.from_revision} to {upgrade.to_revision}.")
