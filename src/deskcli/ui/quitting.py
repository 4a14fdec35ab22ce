"""Quitting without losing a typed word: ctrl+q, the terminal closing, or a shutdown.

``ctrl+q`` hands everything typed to the writer, waits (off the UI thread) up to
:data:`QUICK` seconds for it to land, and quits. If it cannot land - the disk is
full, another program holds the database - the console stays open and says what it
waits for; it quits by itself once the words are saved, and a second ``ctrl+q``
quits at once after writing what is unsaved to a recovery file. Closing the
terminal (SIGHUP) or a shutdown (SIGTERM) saves the same way, without asking.

Nothing here blocks the UI thread: the writer hands results back by message, so
waiting for it can never deadlock with it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from deskcli.ui.autosave import EditSaver
    from deskcli.ui.writer import SerialWriter

QUICK = 1.0
"""Seconds ctrl+q waits for the typing to be saved before it says what it waits for."""
ON_SIGNAL = 3.0
"""Seconds a closing terminal or a shutdown waits for the typing to be saved."""


class Quitting:
    """The app's way out."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._asked = False
        self.recovery_file: Path | None = None
        """Where unsaved typing was written when the console had to quit without it."""

    # --- the pieces ------------------------------------------------------------------

    def _helpers(self) -> tuple[EditSaver | None, SerialWriter | None]:
        return getattr(self.app, "_saver", None), getattr(self.app, "_writer", None)

    def _drained(self, timeout: float) -> bool:
        """Block (on a worker thread) until every typed value and write has landed."""
        saver, writer = self._helpers()
        until = time.monotonic() + timeout
        if saver is not None and not saver.wait(timeout):
            return False
        return not (writer is not None and not writer.wait_idle(max(0.0, until - time.monotonic())))

    def _flush(self) -> None:
        saver, _writer = self._helpers()
        if saver is not None:
            saver.flush()

    def waiting_for(self) -> str:
        """What the quit waits for, in words."""
        saver, _writer = self._helpers()
        unsaved = saver.unsaved() if saver is not None else {}
        if not unsaved:
            return "the last writes to reach the database"
        errors = [error for _value, error in unsaved.values() if error is not None]
        what = ", ".join(sorted({f"{name} of call {call_id}" for call_id, name in unsaved}))
        why = f" ({self._describe(errors[-1])})" if errors else ""
        return what + why

    def _describe(self, error: BaseException) -> str:
        describe = getattr(self.app, "describe_error", None)
        return describe(error) if describe is not None else str(error)

    # --- ctrl+q -----------------------------------------------------------------------

    async def quit(self) -> None:
        """Save, then quit; or say what it waits for (a second ctrl+q quits at once)."""
        if self._asked:
            self.leave_now()
            return
        self._asked = True
        self._flush()
        if await asyncio.to_thread(self._drained, QUICK):
            self.app.exit()
            return
        self.app.notify(
            f"Saving before quitting: waiting for {self.waiting_for()}. It quits by itself once saved; "
            "ctrl+q again quits now and keeps the unsaved words in a recovery file.",
            title="Quitting", severity="warning", timeout=3600, key="quitting",
        )
        self.app.run_worker(self._quit_once_saved, group="quitting", exit_on_error=False)

    async def _quit_once_saved(self) -> None:
        while not await asyncio.to_thread(self._drained, 1.0):
            pass
        self.app.exit()

    def leave_now(self) -> None:
        """Quit without waiting; what is unsaved goes to a recovery file first."""
        self.recovery_file = self.write_recovery()
        message = f"Not saved to the database; kept in {self.recovery_file}" if self.recovery_file else None
        self.app.exit(message=message)

    # --- the terminal going away --------------------------------------------------------

    def watch_terminal(self) -> None:
        """Save before going when the terminal closes (SIGHUP) or the system stops (SIGTERM)."""
        if sys.platform == "win32":
            return
        try:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(number, self._signalled)
        except (RuntimeError, NotImplementedError, ValueError):
            pass  # not the main thread (tests), or no signals here

    def _signalled(self) -> None:
        self._flush()
        self.app.run_worker(self._save_then_exit, group="quitting", exit_on_error=False)

    async def _save_then_exit(self) -> None:
        if not await asyncio.to_thread(self._drained, ON_SIGNAL):
            self.write_recovery()
        self.app.exit()

    def close_helpers(self, saver: EditSaver | None, writer: SerialWriter | None) -> None:
        """At unmount: save what is left (bounded), then stop the threads."""
        if saver is not None:
            saver.close(timeout=2.0)
        if writer is not None:
            writer.close(wait=True, timeout=2.0)
        if saver is not None and saver.dirty:
            self.write_recovery()

    # --- the recovery file ----------------------------------------------------------------

    def write_recovery(self) -> Path | None:
        """Write every unsaved typed value to a private JSON file; its path (None: nothing to keep)."""
        saver, _writer = self._helpers()
        unsaved = saver.unsaved() if saver is not None else {}
        if not unsaved:
            return None
        from deskcli.config import paths

        folder = paths.data_dir() / "unsaved"
        entries = [
            {"call_id": call_id, "field": name, "value": value, "error": str(error) if error else None}
            for (call_id, name), (value, error) in sorted(unsaved.items(), key=lambda item: item[0])
        ]
        try:
            paths.make_private_dir(folder)
            target = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.json"
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entries, handle, ensure_ascii=False, indent=1, default=str)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            return None  # nowhere to write either: the console said what was unsaved
        self.recovery_file = target
        return target
