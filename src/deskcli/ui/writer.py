"""Database writes, one after another, off the UI thread.

Writes must land in the order the analyst made them: two overlapping thread workers
could let an older save finish last and overwrite a newer one. Every write of the
console goes through one :class:`SerialWriter`: a single background thread that runs
jobs in submission order and hands each result (or error) back to the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
Deliver = Callable[..., Any]
"""Runs a callback on the UI thread (the app's ``call_from_thread``)."""


class SerialWriter:
    """A one-thread queue of write jobs."""

    def __init__(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskcli-writer")
        self._closed = False

    def submit(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        """Queue ``job``; ``on_done(result)`` or ``on_error(exc)`` run on the UI thread."""
        if self._closed:
            refused: Future[T] = Future()
            refused.set_exception(RuntimeError("deskcli is closing: the change was not saved"))
            return refused

        def run() -> T:
            try:
                result = job()
            except BaseException as exc:
                if on_error is not None:
                    self._safe_deliver(on_error, exc)
                raise
            if on_done is not None:
                self._safe_deliver(on_done, result)
            return result

        return self._pool.submit(run)

    def _safe_deliver(self, callback: Callable[..., None], value: object) -> None:
        if self._closed:
            return
        try:
            self._deliver(callback, value)
        except RuntimeError:  # the app has stopped; nothing is left to tell
            pass

    def close(self, *, wait: bool = True) -> None:
        """Finish queued jobs (when ``wait``) and stop the thread; callbacks are not delivered any more."""
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=wait)
