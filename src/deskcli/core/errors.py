"""Errors the user can act on.

Anything raised as a :class:`DeskError` is shown as a short message (and a hint on
what to do), never as a traceback. Every layer may raise these; none of them import
Textual.
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


class StoreError(DeskError):
    """The database cannot be opened, created, upgraded or written."""


class DataFileError(DeskError):
    """A shipped or office-edited data file (policy, article, scenario) is invalid."""


class RuleViolation(DeskError):
    """A call-lifecycle rule refused the change; the message says which rule and why."""


class NotFound(DeskError):
    """A record asked for by id or reference does not exist."""
