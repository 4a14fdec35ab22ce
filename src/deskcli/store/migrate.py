"""Schema migrations (Alembic), applied on start.

Revision ids are the four-digit prefixes of the files in ``migrations/versions``, in
order; the history is linear. Reading them from file names lets a start-up that finds
the database up to date skip importing Alembic (~0.4 s).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from deskcli.core.errors import DatabaseBusy, StoreError, UpgradeInProgress

_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def known_revisions() -> list[str]:
    """Every schema revision this deskcli knows, oldest first."""
    folder = resources.files("deskcli.store.migrations") / "versions"
    found = sorted(
        match.group(1)
        for entry in folder.iterdir()
        if (match := _REVISION_FILE.match(entry.name))
    )
    return found


def head_revision() -> str:
    """The newest revision: what a database is upgraded to."""
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, or ``None`` for a database without one."""
    with engine.connect() as connection:
        return revision_on(connection)


@dataclass(frozen=True)
class UpgradeResult:
    """What :func:`upgrade` did."""

    from_revision: str | None
    to_revision: str
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        """True when the schema was changed."""
        return self.from_revision != self.to_revision


def upgrade(engine: Engine, *, sqlite_path: Path | None = None, target: str | None = None) -> UpgradeResult:
    """Bring the database to ``target`` (default: the newest revision).

    A SQLite database that already holds data is copied to ``<name>.before-<rev>``
    first, so a failed upgrade never costs the office its calls. On SQLite the whole
    upgrade - reading the revision again, the copy, the migrations - runs holding the
    write lock, so two deskcli processes starting on one old file at once do not both
    upgrade it: the second waits (and raises :class:`UpgradeInProgress` past the busy
    timeout); once it has the lock it finds the file upgraded and leaves it alone.
    """
    known = known_revisions()
    target = target or known[-1]
    before = current_revision(engine)
    _refuse_newer(before, known)
    if before == target:
        return UpgradeResult(before, target)

    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "deskcli.store:migrations")
    sqlite = engine.dialect.name == "sqlite"
    backup: Path | None = None
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            # Batch migrations rebuild tables, so foreign keys must be off while they
            # run; the pragma only works outside a transaction, hence the raw connection.
            raw.execute("PRAGMA foreign_keys=OFF")
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            # The call search triggers (0007) read other tables; without the legacy
            # rename, rebuilding one of those tables fails ("error in trigger").
            raw.execute("PRAGMA legacy_alter_table=ON")
        try:
            try:
                transaction = connection.begin()
            except DatabaseBusy as exc:
                raise UpgradeInProgress(
                    "another deskcli is upgrading the database (or another program holds it).",
                    "Start deskcli again in a moment: the upgrade is done once, by the deskcli that started first.",
                ) from exc
            try:
                # Read again under the lock: another process may have upgraded it meanwhile.
                before = revision_on(connection)
                _refuse_newer(before, known)
                if before == target:
                    transaction.rollback()
                    return UpgradeResult(target, target)
                if sqlite_path is not None and before is not None:
                    backup = _backup(sqlite_path, before)
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(f"the upgrade to schema {target} left broken references: {broken[:3]}")
            except BaseException:
                transaction.rollback()
                raise
            transaction.commit()
        finally:
            if raw is not None:
                raw.execute("PRAGMA legacy_alter_table=OFF")
                raw.execute("PRAGMA foreign_keys=ON")
    return UpgradeResult(before, target, backup)


def revision_on(connection: Connection) -> str | None:
    """The revision recorded in the database, read on ``connection``."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _refuse_newer(revision: str | None, known: list[str]) -> None:
    if revision is not None and revision not in known:
        raise StoreError(
            f"the database was made by a newer deskcli (schema revision {revision}; this deskcli knows up to {known[-1]}).",
            "Upgrade deskcli (pip install -U deskcli) to open it.",
        )


def _backup(path: Path, revision: str) -> Path:
    """Copy the database with SQLite's online backup (consistent even in WAL mode).

    Runs while :func:`upgrade` holds the write lock, so no other deskcli is copying to
    the same name. A copy that cannot be finished (disk full …) is removed, and the
    database is left as it was.
    """
    from deskcli.store.errors import store_error

    destination = path.with_name(f"{path.name}.before-{revision}")
    try:
        if destination.exists():
            destination.unlink()
        # Created 0600 before any data is written into it.
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        source = sqlite3.connect(path)
        try:
            target = sqlite3.connect(destination)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error) as exc:
        destination.unlink(missing_ok=True)
        error = store_error(f"the copy made before the upgrade ({destination})", exc)
        raise type(error)(f"{error.message} The database was not upgraded.", error.hint) from exc
    return destination
