"""What the analyst types is saved as it is typed, off the keystroke path, and never forgotten.

Every field of a live call that holds typed words (notes, the assessment, the
drafts of the resolution, hand-off and close) hands each change to
:meth:`EditSaver.offer`, which only stores the latest value (constant time). A
background thread saves it once typing pauses (``quiet`` seconds) and at least every
``max_delay`` seconds while typing goes on, so a killed process loses at most about
a second of anything. Saves go through the :class:`~deskcli.ui.writer.SerialWriter`,
in order with every other write.

A value is *unsaved* until its save has succeeded: a failed save (disk full, another
program holding the lock) keeps the value and tries again every ``retry`` seconds,
and :attr:`EditSaver.unsaved` says what is waiting and why, so the console can show
"not saved" and the quit can say what it waits for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from deskcli.ui.writer import SerialWriter

EditKey = tuple[int, str]
"""(call id, what): ``(12, "notes")``, ``(12, "assessment")``, ``(12, "draft:resolution")``."""
Save = Callable[[object], object]
"""Stores one value (runs on the writer thread)."""


@dataclass(frozen=True)
class SaveState:
    """How the typing of one call stands, reported after every save attempt."""

    call_id: int
    saved: bool
    """True when nothing of this call is waiting to be saved."""
    error: BaseException | None = None
    """Why the last attempt failed (kept until a save succeeds)."""
    what: tuple[str, ...] = ()
    """The keys (``notes``, ``assessment``, ``draft:…``) still unsaved."""


@dataclass
class _Pending:
    value: object
    save: Save
    first_change: float
    last_change: float
    error: BaseException | None = None
    retry_at: float = 0.0


class EditSaver:
    """Debounced, ordered, retried saving of the latest value per key."""

    def __init__(
        self,
        writer: SerialWriter,
        *,
        quiet: float = 0.4,
        max_delay: float = 1.0,
        retry: float = 1.0,
        on_state: Callable[[SaveState], None] | None = None,
    ) -> None:
        self._writer = writer
        self._quiet = quiet
        self._max_delay = max_delay
        self._retry = retry
        self._on_state = on_state
        self._lock = threading.Condition()
        self._pending: dict[EditKey, _Pending] = {}
        self._in_flight: dict[EditKey, _Pending] = {}
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="deskcli-autosave", daemon=True)
        self._thread.start()

    # --- the keystroke side (UI thread, constant time) ---------------------------------

    def offer(self, key: EditKey, value: object, save: Save) -> None:
        """``key`` now holds ``value``; ``save(value)`` stores it (called on every change)."""
        now = time.monotonic()
        with self._lock:
            pending = self._pending.get(key)
            if pending is None:
                self._pending[key] = _Pending(value, save, now, now)
            else:
                pending.value, pending.save, pending.last_change = value, save, now
            self._lock.notify_all()

    def flush(self) -> None:
        """Hand everything pending to the writer now, without waiting for it.

        Jobs submitted to the writer after this call run after these saves (the writer
        is first in, first out): a stage move, a hang-up or a close sees what was typed.
        """
        with self._lock:
            due, self._pending = self._pending, {}
            self._in_flight.update(due)
            for key, pending in due.items():
                self._submit(key, pending)
            self._lock.notify_all()

    # --- what is waiting ------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True while some typed value is not yet saved."""
        with self._lock:
            return bool(self._pending or self._in_flight)

    def unsaved(self) -> dict[EditKey, tuple[object, BaseException | None]]:
        """Every value not yet saved, with the error of its last attempt (if any)."""
        with self._lock:
            waiting = {**self._in_flight, **self._pending}
            return {key: (p.value, p.error) for key, p in waiting.items()}

    def wait(self, timeout: float) -> bool:
        """Block (never on the UI thread) until nothing is unsaved; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(timeout=remaining)
            return True

    def close(self, timeout: float = 3.0) -> bool:
        """Save what is pending (for up to ``timeout`` s) and stop the thread; True when all saved."""
        self.flush()
        saved = self.wait(timeout)
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._thread.join(timeout=1.0)
        return saved

    # --- the saving thread ------------------------------------------------------------------

    def _due_at(self, pending: _Pending) -> float:
        due = min(pending.last_change + self._quiet, pending.first_change + self._max_delay)
        return max(due, pending.retry_at)

    def _run(self) -> None:
        """Hand each value to the writer when it is due (the writer does the saving)."""
        with self._lock:
            while not self._stopping:
                now = time.monotonic()
                due = {key: p for key, p in self._pending.items() if self._due_at(p) <= now}
                for key, pending in due.items():
                    del self._pending[key]
                    self._in_flight[key] = pending
                    self._submit(key, pending)
                waits = [self._due_at(p) - now for p in self._pending.values()]
                self._lock.wait(timeout=max(0.0, min(waits)) if waits else None)

    def _submit(self, key: EditKey, pending: _Pending) -> None:
        """Queue the save of ``pending`` (called with the lock held)."""
        future = self._writer.submit(lambda: pending.save(pending.value))
        future.add_done_callback(lambda done: self._finished(key, pending, done.exception()))

    def _finished(self, key: EditKey, pending: _Pending, error: BaseException | None) -> None:
        """A save ended (on the writer thread): forget the value, or keep it to retry."""
        with self._lock:
            if self._in_flight.get(key) is pending:
                del self._in_flight[key]
            if error is not None:
                newer = self._pending.get(key)
                if newer is None:
                    # Keep the value and try again later; the typing is not lost.
                    pending.error, pending.retry_at = error, time.monotonic() + self._retry
                    pending.first_change = pending.last_change = time.monotonic()
                    self._pending[key] = pending
                else:
                    newer.error = error
            state = self._state_of(key[0])
            self._lock.notify_all()
        if self._on_state is not None:
            self._on_state(state)

    def _state_of(self, call_id: int) -> SaveState:
        waiting = [(key, p) for key, p in (*self._in_flight.items(), *self._pending.items()) if key[0] == call_id]
        errors = [p.error for _key, p in waiting if p.error is not None]
        return SaveState(
            call_id,
            saved=not waiting,
            error=errors[-1] if errors else None,
            what=tuple(sorted({key[1] for key, _p in waiting})),
        )
