"""Database failures as the project's own errors, one class (and ``cause``) per kind.

Whatever the driver raised - a SQLAlchemy ``DBAPIError``, a bare ``sqlite3.Error``
(SQLite's BEGIN runs straight on the driver, see :mod:`deskcli.store.db`), or an
``OSError`` from copying the file - :func:`store_error` says in words what happened
and what to do, and names the database. SQLite's result codes are used where the
driver gives them (Python 3.11's ``sqlite3`` does); the message text is the fallback
for other drivers.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError, IntegrityError

from deskcli.core.errors import (
    DatabaseBusy,
    DatabaseConflict,
    DatabaseDamaged,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFull,
    StoreError,
)
from deskcli.store.dbfile import RESTORE_HINT

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _CONSTRAINT, _AUTH, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 19, 23, 26,
)

def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception inside a SQLAlchemy wrapper (or ``exc`` itself)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return exc.orig
    return exc


def _kind(exc: BaseException) -> str:
    """``busy``, ``disk_full``, ``readonly``, ``damaged``, ``unavailable``, ``conflict`` or ``error``."""
    driver = _driver_error(exc)
    code = getattr(driver, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        by_code = {
            _BUSY: "busy", _LOCKED: "busy", _FULL: "disk_full", _READONLY: "readonly", _PERM: "readonly",
            _AUTH: "readonly", _CORRUPT: "damaged", _NOTADB: "damaged", _IOERR: "unavailable",
            _CANTOPEN: "unavailable", _CONSTRAINT: "conflict",
        }
        if primary in by_code:
            return by_code[primary]
    if isinstance(driver, OSError) and driver.errno is not None:
        if driver.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return "disk_full"
        if driver.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "readonly"
        return "unavailable"
    if isinstance(exc, IntegrityError) or isinstance(driver, sqlite3.IntegrityError):
        return "conflict"
    text = str(driver).lower()
    for words, kind in (
        (("locked", "busy", "lock timeout", "could not obtain lock"), "busy"),
        (("disk is full", "no space left", "database or disk is full", "quota"), "disk_full"),
        (("readonly", "read-only", "read only", "permission denied"), "readonly"),
        (("malformed", "not a database", "corrupt"), "damaged"),
        (("disk i/o", "unable to open", "connection", "server closed", "terminating"), "unavailable"),
    ):
        if any(word in text for word in words):
            return kind
    return "error"


def store_error(where: str, exc: BaseException, *, waited_s: float | None = None) -> StoreError:
    """``exc`` (a driver, SQLAlchemy or OS error) as a :class:`StoreError` subclass.

    ``where`` names the database (a file, or a URL without its password);
    ``waited_s`` is how long the busy timeout let deskcli wait for a lock.
    A :class:`StoreError` is returned unchanged.
    """
    if isinstance(exc, StoreError):
        return exc
    said = str(_driver_error(exc)).strip() or type(exc).__name__
    kind = _kind(exc)
    if kind == "busy":
        waited = f" (deskcli waited {waited_s:g} s for it)" if waited_s else ""
        return DatabaseBusy(
            f"{where}: another program holds the database{waited}.",
            "Another deskcli or another program is writing to it. Nothing typed is lost: "
            "try again in a moment, or close the other program.",
        )
    if kind == "disk_full":
        return DiskFull(
            f"{where}: the disk is full.",
            "What you type is kept on screen and saved when there is room: free some space on the disk.",
        )
    if kind == "readonly":
        return DatabaseReadOnly(
            f"{where} cannot be written: the file, its folder or its disk is read-only (SQLite: “{said}”).",
            "Make the file and its folder writable, or choose another file with --db PATH.",
        )
    if kind == "damaged":
        return DatabaseDamaged(f"{where} is damaged: SQLite says “{said}”.", RESTORE_HINT)
    if kind == "unavailable":
        return DatabaseUnavailable(
            f"{where} cannot be reached: the database said “{said}”.",
            "Check that the disk (or the server) is there and working, then start deskcli again.",
        )
    if kind == "conflict":
        return DatabaseConflict(
            f"{where}: the database refused the change (“{said}”).",
            "Someone else may have changed the same record: reload it and try again.",
        )
    return StoreError(f"{where}: the database said “{said}”.", "Run deskcli check for details.")
