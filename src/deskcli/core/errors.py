"""Errors the user can act on.

Anything raised as a :class:`DeskError` is shown as a short message (and a hint on
what to do), never as a traceback. Every layer may raise these; none of them import
Textual.

Database errors carry a stable :attr:`StoreError.cause` (``"busy"``, ``"disk_full"``
…) so the console can show one message per cause instead of one per failed save.
"""

from __future__ import annotations


class DeskError(Exception):
    """An error with a message meant for the person at the keyboard."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        """What went wrong, naming the file, field or setting involved."""
        self.hint = hint
        """What to do about it, if there is something to do."""

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class SettingsError(DeskError):
    """A setting (variable, config file entry or flag) is unknown or invalid."""


class StartupError(DeskError):
    """Opening deskcli failed for a reason that is not one of the more specific errors.

    The message names the step (settings, policies, database) and the underlying
    error, so an unexpected failure still ends in a message, never a hang or a traceback.
    """


class StoreError(DeskError):
    """The database cannot be opened, created, upgraded or written."""

    cause: str = "error"
    """Stable name of the kind of failure, for the console to group messages by:
    ``busy``, ``upgrading``, ``disk_full``, ``readonly``, ``damaged``, ``unavailable``,
    ``conflict`` or ``error`` (anything else)."""


class DatabaseBusy(StoreError):
    """Another program holds the database's write lock for longer than the busy timeout."""

    cause = "busy"


class UpgradeInProgress(DatabaseBusy):
    """Another deskcli is upgrading the database's schema right now."""

    cause = "upgrading"


class DiskFull(StoreError):
    """The disk (or the database's size limit) is full: nothing more can be written."""

    cause = "disk_full"


class DatabaseReadOnly(StoreError):
    """The database file, its folder or its disk cannot be written."""

    cause = "readonly"


class DatabaseDamaged(StoreError):
    """The database file is damaged (SQLite finds malformed pages): restore a backup."""

    cause = "damaged"


class DatabaseUnavailable(StoreError):
    """The database cannot be reached: an I/O error, the file vanished, the server went away."""

    cause = "unavailable"


class DatabaseConflict(StoreError):
    """The database refused a change that breaks one of its constraints (a reference or a unique value)."""

    cause = "conflict"


class DataFileError(DeskError):
    """A shipped or office-edited data file (policy, article, scenario) is invalid."""


class RuleViolation(DeskError):
    """A call-lifecycle rule refused the change; the message says which rule and why."""

    def __init__(self, message: str, hint: str | None = None, *, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message, hint)
        self.fields = fields
        """The request's fields the refusal is about, in the order the message names them
        (a screen puts the cursor in the first one it shows)."""


class NotFound(DeskError):
    """A record asked for by id or reference does not exist."""
