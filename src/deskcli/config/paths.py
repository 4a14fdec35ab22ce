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
