"""Control characters inside pasted or injected text are text, never keys.

A terminal without bracketed paste (or ``tmux send-keys``) delivers pasted text as
keys. A BEL (``\\a``) in it then arrived as ctrl+g - hang up - and the letters after
it fired the queue's commands (``n``, ``f``). What a person types arrives one key
per read of the terminal, milliseconds apart; pasted text arrives in one read, the
keys microseconds apart. So a control key that arrives within :data:`BURST` of
other keys is part of a paste: it is dropped (never taken as a key, never stored).

A control key at the very start of a burst cannot be judged when it arrives, so
every control key waits its turn behind the keys already queued (and at most
:data:`BURST` more): if more keys follow at once, it was text.

Bracketed pastes arrive as one ``Paste`` event; their control characters are
removed before any field sees them.
"""

from __future__ import annotations

import sys
import time

from textual import events

from deskcli.core.text import clean_text

BURST = 0.003
"""Seconds between keys parsed from one read of the terminal (a person needs ~30 ms)."""
_TEXT_CONTROLS = frozenset("\t\r\n\x1b\x08\x7f")
_now = time.perf_counter if sys.platform == "win32" else time.monotonic
"""The clock Textual stamps events with."""


def is_control(event: events.Key) -> bool:
    """A key whose character is a C0 control other than tab, enter, escape and backspace."""
    char = event.character
    return char is not None and len(char) == 1 and ord(char) < 0x20 and char not in _TEXT_CONTROLS


class KeyFilter:
    """Tells keys a person pressed from control characters inside pasted text."""

    def __init__(self) -> None:
        self._last_time = 0.0
        self._last_was_text = False
        self._waiting: events.Key | None = None
        self._followed = False

    def arrived(self, event: events.Key) -> str:
        """``pass`` the key on, ``drop`` it (part of a paste), or ``defer`` it (judged later)."""
        gap = event.time - self._last_time
        in_burst = gap < BURST
        after_text = self._last_was_text
        self._last_time = event.time
        self._last_was_text = event.is_printable
        if self._waiting is not None and event is not self._waiting and event.time - self._waiting.time < BURST:
            self._followed = True
        if not is_control(event):
            return "pass"
        if in_burst and after_text:
            return "drop"
        self._waiting, self._followed = event, False
        return "defer"

    def settled(self, event: events.Key) -> bool:
        """True once no more keys of ``event``'s burst can arrive."""
        return self._followed or self.waited(event) >= BURST

    @staticmethod
    def waited(event: events.Key) -> float:
        """Seconds since ``event`` arrived."""
        return _now() - event.time

    def release(self, event: events.Key) -> bool:
        """The deferred ``event`` may act as a key (False: it was inside pasted text)."""
        followed = self._followed if self._waiting is event else False
        if self._waiting is event:
            self._waiting, self._followed = None, False
        return not followed

    @staticmethod
    def clean_paste(text: str) -> str:
        """Pasted text without control characters (tabs and line breaks kept)."""
        return clean_text(text)
