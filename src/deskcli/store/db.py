"""The database: which one, how it is opened, and how sessions are handed out.

The CLI decides *which* database (:func:`target_for`); :func:`open_store` checks it,
creates it if needed, builds the engine and applies migrations. Nothing here runs at
import time, and nothing imports Textual.

SQLite is opened with WAL, foreign keys on, a busy timeout and ``synchronous=FULL``
(by default). Writes begin with ``BEGIN IMMEDIATE`` so that two deskcli processes
queue for the write lock instead of failing half-way through a transaction.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError
from sqlmodel import Session

from deskcli.config import paths
from deskcli.core.errors import DatabaseBusy, StoreError, UpgradeInProgress
from deskcli.store import dbfile, migrate
from deskcli.store.errors import store_error

T = TypeVar("T")


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
    path = paths.sqlite_file(db)
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
            _configure_sqlite(engine, options, target.describe())
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


def _configure_sqlite(engine: Engine, options: SqliteOptions, where: str) -> None:
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
        # 50-row queue page (the queue's budget is 2x raw SQL). SQLAlchemy does not wrap
        # what an event handler raises, so the driver's error (a lock held past the busy
        # timeout, above all) becomes the project's own here.
        try:
            connection.connection.driver_connection.execute(f"BEGIN {mode}")
        except sqlite3.Error as exc:
            raise store_error(where, exc, waited_s=options.busy_timeout_ms / 1000) from exc


def as_store_error(target: DatabaseTarget, exc: BaseException) -> StoreError:
    """Turn a database driver error into a message naming the database and what to do.

    The result is a :class:`StoreError` subclass with a stable ``cause`` (see
    :mod:`deskcli.store.errors`); a :class:`StoreError` is returned as it is.
    """
    return store_error(target.describe(), exc)


class Store:
    """The open database: sessions for reading and transactions for writing.

    Every database error that leaves :meth:`read` or :meth:`write` is a
    :class:`StoreError` subclass (busy, disk full, read-only, damaged …), with the
    driver's error as its ``__cause__``.
    """

    def __init__(
        self,
        engine: Engine,
        target: DatabaseTarget,
        upgrade: migrate.UpgradeResult | None = None,
        *,
        busy_timeout_ms: int | None = None,
    ) -> None:
        self.engine = engine
        """The SQLAlchemy engine (one per process)."""
        self.target = target
        """What was opened."""
        self.upgrade = upgrade
        """What the migrations did when the store was opened."""
        self.busy_timeout_ms = busy_timeout_ms
        """How long a write waits for another writer (for messages)."""
        self.start_check: dbfile.QuickCheck | None = None
        """What the structural check at opening found (``None`` when there was nothing to check)."""

    @property
    def is_sqlite(self) -> bool:
        """True for SQLite (FTS5 search, IMMEDIATE transactions)."""
        return self.engine.dialect.name == "sqlite"

    def error(self, exc: BaseException) -> StoreError:
        """``exc`` as this store's :class:`StoreError` (naming the database)."""
        waited = self.busy_timeout_ms / 1000 if self.busy_timeout_ms else None
        return store_error(self.target.describe(), exc, waited_s=waited)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; objects stay usable after it closes."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except _DRIVER_ERRORS as exc:
            raise self.error(exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a write transaction: committed on success, rolled back on error.

        On SQLite the transaction takes the write lock at once (``BEGIN IMMEDIATE``),
        waiting up to the busy timeout for another writer; past it, :class:`DatabaseBusy`.
        """
        try:
            with self.engine.connect() as connection:
                if self.is_sqlite:
                    connection = connection.execution_options(sqlite_begin="IMMEDIATE")
                with Session(bind=connection, expire_on_commit=False) as session, session.begin():
                    yield session
        except _DRIVER_ERRORS as exc:
            raise self.error(exc) from exc

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_DRIVER_ERRORS = (DBAPIError, sqlite3.Error)
"""What a database driver raises (SQLAlchemy's wrapper, or sqlite3's own from a raw call)."""


START_CHECK_BUDGET_S = 0.5
"""How long the structural check at opening may take (a large file is checked in part)."""

Progress = Callable[[float], None]
"""Told the seconds left while the start-up waits for another program's lock."""


def open_store(
    target: DatabaseTarget,
    options: SqliteOptions | None = None,
    *,
    wait_s: float = 0.0,
    progress: Progress | None = None,
) -> Store:
    """Check, create if needed, and migrate the database; return the open store.

    Raises a :class:`StoreError` subclass with a message naming the file (or URL) when
    it cannot be used. A file that fails the checks is not modified. When another
    program holds the write lock (or another deskcli is upgrading the file), opening
    waits up to ``wait_s`` seconds, telling ``progress`` the seconds left, then raises
    :class:`DatabaseBusy`.
    """
    deadline = time.monotonic() + wait_s
    return retry_while_busy(lambda: _open_once(target, options, deadline, progress), deadline, progress)


def retry_while_busy(attempt: Callable[[], T], deadline: float, progress: Progress | None = None) -> T:
    """Run ``attempt`` again while it raises :class:`DatabaseBusy`, until ``deadline`` (monotonic).

    The last :class:`DatabaseBusy` is raised once the deadline has passed, saying how
    long deskcli waited.
    """
    started = time.monotonic()
    while True:
        try:
            return attempt()
        except DatabaseBusy as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                waited = time.monotonic() - started
                if waited < 1:
                    raise
                said = re.sub(r" \(deskcli waited [^)]*\)", "", exc.message).rstrip(".")
                raise type(exc)(f"{said} (deskcli waited {waited:.0f} s for it).", exc.hint) from exc
            if progress is not None:
                progress(left)
            time.sleep(min(0.25, left))


def _open_once(target: DatabaseTarget, options: SqliteOptions | None, deadline: float, progress: Progress | None) -> Store:
    known = migrate.known_revisions()
    start_check = None
    if target.sqlite_path is not None:
        report = dbfile.inspect_file(target.sqlite_path, known)
        if report.state is dbfile.FileState.MISSING:
            paths.make_private_dir(target.sqlite_path.parent)
            dbfile.create_private_file(target.sqlite_path)
        elif report.state is dbfile.FileState.EXISTING:
            # Before anything writes into it: a damaged page found now costs nothing.
            start_check = dbfile.refuse_if_damaged(target.sqlite_path, START_CHECK_BUDGET_S)
            if not dbfile.wait_for_write_lock(target.sqlite_path, deadline, progress):
                if report.revision is not None and report.revision != known[-1]:
                    # An old schema and a writer at start-up: most likely another seat upgrading it.
                    raise UpgradeInProgress(
                        f"{target.describe()}: another deskcli is upgrading the database (or another program holds it).",
                        "Start deskcli again in a moment: the upgrade is done once, by the deskcli that started first.",
                    )
                raise DatabaseBusy(
                    f"{target.describe()}: another program holds the database.",
                    "Close the other program (or wait for the other deskcli to finish), then start deskcli again.",
                )
    engine = build_engine(target, options)
    try:
        upgrade = migrate.upgrade(engine, sqlite_path=target.sqlite_path)
    except UpgradeInProgress:
        engine.dispose()
        raise
    except StoreError as exc:
        engine.dispose()
        if exc.message.startswith(target.describe()):
            raise
        raise type(exc)(f"{target.describe()}: {exc.message}", exc.hint) from None
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        engine.dispose()
        raise as_store_error(target, exc) from exc
    store = Store(engine, target, upgrade, busy_timeout_ms=(options or SqliteOptions()).busy_timeout_ms)
    store.start_check = start_check
    return store
