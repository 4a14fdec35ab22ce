"""Clocks: every service that needs the time is given one.

Times are stored in UTC and shown in the office's local zone. Tests and the trainer
use :class:`ManualClock` to move time forward (SLA warnings, due promises).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: for tests and the trainer.

    It can either be frozen (``running=False``) or run at real speed from an offset
    that :meth:`advance` moves.
    """

    def __init__(self, start: datetime, *, running: bool = False) -> None:
        if start.utcoffset() is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._lock = threading.Lock()
        self._running = running
        self._offset = start.astimezone(UTC) - datetime.now(UTC)
        self._frozen = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time in UTC."""
        with self._lock:
            if self._running:
                return datetime.now(UTC) + self._offset
            return self._frozen

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward (or back) by ``delta`` and return the new time."""
        with self._lock:
            self._offset += delta
            self._frozen += delta
        return self.now()

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (aware)."""
        with self._lock:
            when = when.astimezone(UTC)
            self._offset = when - datetime.now(UTC)
            self._frozen = when


def as_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC; naive datetimes are refused rather than guessed."""
    if value.utcoffset() is None:
        raise ValueError("naive datetime: deskcli stores only timezone-aware times")
    return value.astimezone(UTC)
