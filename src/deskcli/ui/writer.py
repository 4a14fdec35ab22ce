"""Database writes, one after another, off the UI thread.

Writes must land in the order the analyst made them: two overlapping thread workers
could let an older save finish last and overwrite a newer one. Every write of the
console goes through one :class:`SerialWriter`: a single background thread that runs
jobs in submission order and hands each result (or error) back to the UI.

Handing back never waits for the UI. ``deliver`` must only *queue* the callback (the
app posts a message, which Textual makes thread-safe): a writer that waited for the
UI thread deadlocked the moment the UI thread waited for the writer (quitting right
after typing).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
Deliver = Callable[[Callable[..., Any], object], None]
"""Queues a callback with its value for the UI thread; must never block."""


class WriterClosed(RuntimeError):
    """A write was submitted after the console began to close."""


class SerialWriter:
    """A one-thread queue of write jobs."""

    def __init__(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskcli-writer")
        self._closed = False
        self._lock = threading.Condition()
        self._queued = 0

    def submit(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        """Queue ``job``; ``on_done(result)`` or ``on_error(exc)`` run on the UI thread."""
        if self._closed:
            refused: Future[T] = Future()
            refused.set_exception(WriterClosed("deskcli is closing: the change was not saved"))
            return refused

        def run() -> T:
            try:
                try:
                    result = job()
                except BaseException as exc:
                    if on_error is not None:
                        self._safe_deliver(on_error, exc)
                    raise
                if on_done is not None:
                    self._safe_deliver(on_done, result)
                return result
            finally:
                with self._lock:
                    self._queued -= 1
                    self._lock.notify_all()

        with self._lock:
            self._queued += 1
        return self._pool.submit(run)

    @property
    def busy(self) -> bool:
        """True while some job is queued or running."""
        with self._lock:
            return self._queued > 0

    def wait_idle(self, timeout: float) -> bool:
        """Block (not on the UI thread) until every queued job has run; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._queued == 0, timeout=timeout)

    def _safe_deliver(self, callback: Callable[..., Any], value: object) -> None:
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # the app has stopped; nothing is left to tell
            self._deliver(callback, value)

    def close(self, *, wait: bool = True, timeout: float | None = None) -> bool:
        """Stop taking jobs; finish the queued ones (when ``wait``, for up to ``timeout`` s).

        Callbacks are not delivered any more. True when nothing was left unfinished.
        """
        if not self._closed:
            self._closed = True
        finished = self.wait_idle(timeout if timeout is not None else 3600) if wait else not self.busy
        self._pool.shutdown(wait=False)
        return finished
