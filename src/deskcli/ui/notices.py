"""The console's messages: current ones on the notice line, the recent ones kept for a list.

One message per cause: a notice with the same ``key`` as a current one replaces it
instead of stacking ("the disk is full" once, not fourteen times in three seconds).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Notice:
    """One message (the attribute names are those of Textual's notifications)."""

    message: str
    title: str = ""
    severity: str = "information"
    timeout: float = 5.0
    key: str = ""
    """Its cause: a newer notice with the same key replaces this one."""
    raised: float = field(default_factory=time.monotonic)
    count: int = 1
    """How many times it was raised while current."""

    @property
    def expires(self) -> float:
        """When it stops being current (monotonic seconds)."""
        return self.raised + self.timeout


class Notices:
    """Current and recent messages."""

    def __init__(self, keep: int = 50) -> None:
        self._current: list[Notice] = []
        self.recent: deque[Notice] = deque(maxlen=keep)
        """The latest messages, newest last (shown by the palette's "Messages")."""

    def add(self, notice: Notice) -> Notice:
        """Add a message; one of the same cause (key) still current is replaced."""
        now = time.monotonic()
        self._expire(now)
        if notice.key:
            same = next((n for n in self._current if n.key == notice.key), None)
            if same is not None:
                self._current.remove(same)
                notice.count = same.count + 1
        self._current.append(notice)
        self.recent.append(notice)
        return notice

    def dismiss(self, key: str) -> None:
        """The cause is over (e.g. the save went through): its message goes."""
        self._current = [n for n in self._current if n.key != key]

    def clear(self) -> None:
        """Forget the current messages."""
        self._current.clear()

    def current(self) -> list[Notice]:
        """Messages still current, oldest first."""
        self._expire(time.monotonic())
        return list(self._current)

    @property
    def all(self) -> list[Notice]:
        """Every recent message, oldest first."""
        return list(self.recent)

    def next_expiry(self) -> float | None:
        """When the next current message expires."""
        self._expire(time.monotonic())
        return min((n.expires for n in self._current), default=None)

    def _expire(self, now: float) -> None:
        self._current = [n for n in self._current if n.expires > now]
