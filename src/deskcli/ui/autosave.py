"""Notes saved as they are typed, off the keystroke path.

The UI hands every change to :meth:`NotesAutosaver.offer` (constant time: it only
stores the latest text). A background thread saves the latest text once typing
pauses (``quiet`` seconds) and at least every ``max_delay`` seconds during
continuous typing, so a killed process loses at most about a second of notes.
Saves go through the :class:`~deskcli.ui.writer.SerialWriter`, in order with every other
write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from deskcli.ui.writer import SerialWriter

SaveNotes = Callable[[int, str], None]
"""Stores the notes of a call (runs on the writer thread)."""


class NotesAutosaver:
    """Debounced, ordered saving of one text per call."""

    def __init__(
        self,
        writer: SerialWriter,
        save: SaveNotes,
        *,
        quiet: float = 0.4,
        max_delay: float = 1.0,
        on_saved: Callable[[int], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._writer = writer
        self._save = save
        self._quiet = quiet
        self._max_delay = max_delay
        self._on_saved = on_saved
        self._on_error = on_error
        self._lock = threading.Condition()
        self._pending: dict[int, str] = {}
        self._first_change: float | None = None
        self._last_change = 0.0
        self._in_flight = 0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="deskcli-autosave", daemon=True)
        self._thread.start()

    def offer(self, call_id: int, text: str) -> None:
        """The notes of ``call_id`` now read ``text`` (called on every change)."""
        with self._lock:
            self._pending[call_id] = text
            now = time.monotonic()
            self._last_change = now
            if self._first_change is None:
                self._first_change = now
            self._lock.notify_all()

    @property
    def dirty(self) -> bool:
        """True while some typed text is not yet saved."""
        with self._lock:
            return bool(self._pending) or self._in_flight > 0

    def _due_in(self, now: float) -> float | None:
        if not self._pending or self._first_change is None:
            return None
        return max(0.0, min(self._last_change + self._quiet, self._first_change + self._max_delay) - now)

    def _run(self) -> None:
        while True:
            with self._lock:
                while True:
                    if self._stopping and not self._pending:
                        return
                    wait = self._due_in(time.monotonic())
                    if wait is not None and (wait <= 0 or self._stopping):
                        break
                    self._lock.wait(timeout=wait)
                batch, self._pending = self._pending, {}
                self._first_change = None
                self._in_flight += 1
            try:
                self._write(batch)
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self._lock.notify_all()

    def _write(self, batch: dict[int, str]) -> None:
        for call_id, text in batch.items():
            future = self._writer.submit(
                lambda call_id=call_id, text=text: self._save(call_id, text),
                on_done=(lambda _result, call_id=call_id: self._on_saved(call_id)) if self._on_saved else None,
                on_error=self._on_error,
            )
            try:
                future.result()
            except BaseException:  # noqa: BLE001 - reported through on_error; keep the text to retry
                with self._lock:
                    self._pending.setdefault(call_id, text)
                    if self._first_change is None:
                        self._first_change = time.monotonic() + 1.0  # back off a second
                    self._last_change = time.monotonic()

    def flush(self, timeout: float = 5.0) -> bool:
        """Save whatever is pending now; True when nothing is left unsaved."""
        with self._lock:
            if self._pending:
                self._first_change = time.monotonic() - self._max_delay
                self._lock.notify_all()
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._lock.wait(timeout=remaining)
        return not self.dirty

    def close(self, timeout: float = 5.0) -> bool:
        """Save what is pending and stop the thread."""
        saved = self.flush(timeout)
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._thread.join(timeout)
        return saved
