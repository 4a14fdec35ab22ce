"""The database: which one, how it is opened, and how sessions are handed out.

The CLI decides *which* database (:func:`target_for`); :func:`open_store` checks it,
creates it if needed, builds the engine and applies migrations. Nothing here runs at
import time, and nothing imports Textual.

SQLite is opened with WAL, foreign keys on, a busy timeout and ``synchronous=FULL``
(by default). Writes begin with ``BEGIN IMMEDIATE`` so that two deskcli processes
queue for the write lock instead of failing half-way through a transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from deskcli.store import dbfile, migrate
from deskcli.config import paths
from deskcli.core.errors import StoreError


@dataclass(frozen=True)
class DatabaseTarget:
    """Which database to open."""

    url: str
    """SQLAlchemy URL."""
    sqlite_path: Path | None
    """The file, when the URL is a SQLite file."""

    def describe(self) -> str:
        """The file name, or the URL with any password hidden."""
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        return make_url(self.url).render_as_string(hide_password=True)


def target_for(db: Path | None, database_url: str | None) -> DatabaseTarget:
    """Choose the database: a URL wins over a file; the default is the user data dir."""
    if database_url:
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            path = Path(url.database).expanduser().resolve()
            # The URL must name the very file that was checked (e.g. with ~ expanded).
            resolved = url.set(database=str(path)).render_as_string(hide_password=False)
            return DatabaseTarget(resolved, path)
        return DatabaseTarget(database_url, None)
    path = (db or paths.default_db_path()).expanduser().resolve()
    return DatabaseTarget(f"sqlite:///{path}", path)


@dataclass(frozen=True)
class SqliteOptions:
    """How SQLite connections are set up."""

    synchronous: str = "FULL"
    busy_timeout_ms: int = 5000
    cache_kib: int = 1024
    """Page cache per connection (SQLite's default is 2 MiB; see Settings.sqlite_cache_kib)."""


def build_engine(target: DatabaseTarget, options: SqliteOptions | None = None) -> Engine:
    """Create the engine for ``target`` (no connection is made yet)."""
    options = options or SqliteOptions()
    try:
        if target.sqlite_path is not None or target.url.startswith("sqlite"):
            engine = create_engine(
                target.url,
                connect_args={"check_same_thread": False, "timeout": options.busy_timeout_ms / 1000},
            )
            _configure_sqlite(engine, options)
        else:
            engine = create_engine(target.url, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise StoreError(
            f"database URL {target.describe()}: no driver for this kind of database ({exc}).",
            "Install the driver (e.g. pip install 'psycopg[binary]') or use a sqlite:/// URL.",
        ) from None
    except ImportError as exc:
        raise StoreError(
            f"database URL {target.describe()}: the driver is not installed ({exc.name}).",
            f"Install it with pip install {exc.name}.",
        ) from None
    return engine


def _configure_sqlite(engine: Engine, options: SqliteOptions) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN (deferred or immediate) itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(options.busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA synchronous = {options.synchronous}")
            cursor.execute(f"PRAGMA cache_size = -{int(options.cache_kib)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        # Straight to the driver: through exec_driver_sql this BEGIN cost a tenth of a
        # 50-row queue page (the queue's budget is 2x raw SQL).
        connection.connection.driver_connection.execute(f"BEGIN {mode}")


def as_store_error(target: DatabaseTarget, exc: DBAPIError) -> StoreError:
    """Turn a database driver error into a message naming the database and what to do."""
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = reason.lower()
    if "locked" in lowered or "busy" in lowered:
        hint = "Another program (or another deskcli) is holding it: wait a moment and try again."
    elif "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        hint = "The file is damaged. Restore it from a backup, or choose another file with --db PATH."
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        hint = "Make the file and its folder writable, or choose another file with --db PATH."
    else:
        hint = "Run deskcli check --full for details."
    return StoreError(f"{target.describe()}: the database said “{reason}”.", hint)


class Store:
    """The open database: sessions for reading and transactions for writing."""

    def __init__(self, engine: Engine, target: DatabaseTarget, upgrade: migrate.UpgradeResult | None = None) -> None:
        self.engine = engine
        """The SQLAlchemy engine (one per process)."""
        self.target = target
        """What was opened."""
        self.upgrade = upgrade
        """What the migrations did when the store was opened."""

    @property
    def is_sqlite(self) -> bool:
        """True for SQLite (FTS5 search, IMMEDIATE transactions)."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; objects stay usable after it closes."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a write transaction: committed on success, rolled back on error.

        On SQLite the transaction takes the write lock at once (``BEGIN IMMEDIATE``),
        waiting up to the busy timeout for another writer.
        """
        with self.engine.connect() as connection:
            if self.is_sqlite:
                connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with Session(bind=connection, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_store(target: DatabaseTarget, options: SqliteOptions | None = None) -> Store:
    """Check, create if needed, and migrate the database; return the open store.

    Raises :class:`StoreError` with a message naming the file (or URL) when it cannot
    be used. A file that fails the checks is not modified.
    """
    known = migrate.known_revisions()
    if target.sqlite_path is not None:
        report = dbfile.inspect_file(target.sqlite_path, known)
        if report.state is dbfile.FileState.MISSING:
            paths.make_private_dir(target.sqlite_path.parent)
            dbfile.create_private_file(target.sqlite_path)
    engine = build_engine(target, options)
    try:
        upgrade = migrate.upgrade(engine, sqlite_path=target.sqlite_path)
    except StoreError as exc:
        engine.dispose()
        raise StoreError(f"{target.describe()}: {exc.message}", exc.hint) from None
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise StoreError(
            f"{target.describe()} cannot be opened: {exc.orig}.",
            "If another program holds it, close that program; otherwise choose another file with --db PATH.",
        ) from None
    return Store(engine, target, upgrade)
