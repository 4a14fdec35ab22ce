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

from sqlalchemy import Engine, inspect, text

from deskcli.core.errors import StoreError

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
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


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
    first, so a failed upgrade never costs the office its calls.
    """
    known = known_revisions()
    target = target or known[-1]
    before = current_revision(engine)
    if before is not None and before not in known:
        raise StoreError(
            f"the database was made by a newer deskcli (schema revision {before}; this deskcli knows up to {known[-1]}).",
            "Upgrade deskcli (pip install -U deskcli) to open it.",
        )
    if before == target:
        return UpgradeResult(before, target)
    backup = _backup(sqlite_path, before) if sqlite_path is not None and before is not None else None

    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "deskcli.store:migrations")
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            # Batch migrations rebuild tables, so foreign keys must be off while they
            # run; the pragma only works outside a transaction, hence the raw connection.
            raw.execute("PRAGMA foreign_keys=OFF")
            # The call search triggers (0006) read other tables; without the legacy
            # rename, rebuilding one of those tables fails ("error in trigger").
            raw.execute("PRAGMA legacy_alter_table=ON")
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, target)
        finally:
            if connection.in_transaction():
                connection.commit()
            if raw is not None:
                raw.execute("PRAGMA legacy_alter_table=OFF")
                raw.execute("PRAGMA foreign_keys=ON")
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.rollback()
            if broken:
                raise StoreError(f"the upgrade to schema {target} left broken references: {broken[:3]}")
    return UpgradeResult(before, target, backup)


def _backup(path: Path, revision: str) -> Path:
    """Copy the database with SQLite's online backup (consistent even in WAL mode)."""
    destination = path.with_name(f"{path.name}.before-{revision}")
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
    return destination
