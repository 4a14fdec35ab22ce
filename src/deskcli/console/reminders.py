"""Promises coming due while the console runs: checked on a timer, announced once each.

The rules (what to announce, grouping a crowd of due promises) live in
:mod:`deskcli.services.desk.reminders`; this only asks on a timer and shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from deskcli.ui.messages import PromisesDueChanged

if TYPE_CHECKING:
    from deskcli.app import DeskApp
    from deskcli.runtime import Runtime
    from deskcli.services.actions.queue import DueSoon


class PromiseReminders:
    """The promise reminders of one console."""

    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self._announced: set[tuple[int, str]] = set()

    def start(self, runtime: Runtime) -> None:
        """Check now and then at the policy's interval."""
        self.app.set_interval(runtime.policies.call_handling.reminders.check_every_seconds, self.check)
        self.check()

    def check(self) -> None:
        """Look for promises due soon (in a worker)."""
        runtime = self.app.runtime
        if runtime is not None and runtime.analyst is not None:
            self.app.run_worker(self._read, thread=True, exclusive=True, group="reminders", exit_on_error=False)

    def _read(self) -> None:
        from deskcli.services.actions import queue

        app = self.app
        runtime = app.runtime
        assert runtime is not None and runtime.analyst is not None
        now = runtime.clock.now()
        ahead = timedelta(minutes=runtime.policies.call_handling.reminders.notify_ahead_minutes)
        found = queue.promises_due_soon(runtime.store, runtime.analyst.id, now=now, ahead=ahead)
        app.call_from_thread(self._announce, found, now, ahead)

    def _announce(self, found: DueSoon, now: datetime, ahead: timedelta) -> None:
        from deskcli.services.desk import reminders

        app = self.app
        runtime = app.runtime
        assert runtime is not None
        new = reminders.reminders(found.rows, now, ahead, self._announced)
        for notice in reminders.notices(new, found.due_now, runtime.settings.zone(), now):
            app.notify(
                notice.message, title=notice.title, severity=notice.severity, markup=False, timeout=notice.timeout,
                key=f"promise:{notice.title}:{notice.message}",
            )
        if found.due_now != app.promises_due:
            app.promises_due = found.due_now
            app.tell_screen(PromisesDueChanged(found.due_now))
