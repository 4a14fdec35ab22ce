"""Files that others on the machine could read, and saying so once at start.

deskcli creates its own files readable only by the user (0600, folders 0700). A file
the user brings - a database given with ``--db``, a config file holding the SMTP
password - keeps the mode it has: on a machine where several analysts share one
database through a group, changing it would lock them out. Instead the start-up
notes (shown once in the console, printed by ``deskcli check``) say what can be read
and the command that fixes it.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskcli.config.settings import Settings
    from deskcli.store.db import DatabaseTarget


def mode_of(path: Path) -> int | None:
    """The permission bits of ``path``, or ``None`` when it cannot be seen."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def readable_by_others(path: Path, *, group: bool = False) -> bool:
    """True when users other than the owner (``group``: or the file's group) may read ``path``."""
    mode = mode_of(path)
    if mode is None:
        return False
    mask = stat.S_IROTH | (stat.S_IRGRP if group else 0)
    return bool(mode & mask)


def _holds_smtp_password(config_path: Path) -> bool:
    from deskcli.config.settings import read_config_file
    from deskcli.core.errors import DeskError

    try:
        smtp = read_config_file(config_path).get("smtp")
    except DeskError:
        return False
    return isinstance(smtp, dict) and bool(smtp.get("password"))


def file_warnings(settings: Settings, config_path: Path, target: DatabaseTarget) -> list[str]:
    """Notes about the config file and database when others can read them (empty when private)."""
    notes = []
    if settings.smtp is not None and readable_by_others(config_path, group=True) and _holds_smtp_password(config_path):
        notes.append(
            f"{config_path} holds the SMTP password and other users can read it "
            f"(mode {mode_of(config_path):04o}): run chmod 600 {config_path}"
        )
    database = target.sqlite_path
    if database is not None and readable_by_others(database):
        notes.append(
            f"{database} holds your callers' details and every user on this machine can read it "
            f"(mode {mode_of(database):04o}): run chmod 600 {database} (or chmod 660 if a group of analysts shares it)"
        )
    return notes
