"""Where deskcli keeps its files by default (per operating system, via platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "deskcli"

CONFIG_ENV = "DESKCLI_CONFIG"
"""Environment variable naming the config file, overriding the default location."""

CACHE_ENV = "DESKCLI_CACHE_DIR"
"""Environment variable naming the cache directory (derived data only, e.g. holiday dates)."""


def data_dir() -> Path:
    """The user data directory: the default database and the e-mail outbox live here."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    """The config file (TOML); ``DESKCLI_CONFIG`` overrides its location."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def cache_dir() -> Path:
    """Where derived data is cached (safe to delete); ``DESKCLI_CACHE_DIR`` overrides it."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The embedded SQLite database used when nothing else is configured."""
    return data_dir() / "deskcli.db"


def sqlite_file(db: Path | None) -> Path:
    """The SQLite file ``db`` names (``~`` expanded, made absolute), or the default one."""
    return (db or default_db_path()).expanduser().resolve()


def demo_db_path() -> Path:
    """The separate demo/training database (never the real one)."""
    return data_dir() / "demo.db"


def default_outbox_dir() -> Path:
    """Where e-mails are written as .eml files when no SMTP server is set."""
    return data_dir() / "outbox"


def default_backup_dir() -> Path:
    """Where ``deskcli backup`` keeps its copies unless ``backup_dir`` says otherwise."""
    return data_dir() / "backups"


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) readable only by the user (0700).

    Only directories this call creates are given 0700; an existing directory chosen
    by the user is left as it is.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700)
        os.chmod(directory, 0o700)  # mkdir's mode is reduced by the umask


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8), readable only by the user (0600).

    For files that name people (scorecards, exports): an existing file is tightened
    to 0600 too, since it is about to hold the same names. A new file is never
    readable by others, even for a moment (it is created 0600, whatever the umask).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fd = -1
            handle.write(text)
    finally:
        if fd != -1:
            os.close(fd)
