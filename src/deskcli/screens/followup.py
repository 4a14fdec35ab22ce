"""Stage 5, follow-up: every promise this analyst owes, kept or missed, never forgotten.

Next-contact times, call-backs (with the number to ring) and follow-up calls,
soonest first, overdue ones marked. Marking one kept records whether it was on time; a reschedule asks for a
reason. Lists are paged in SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from deskcli.core.enums import Stage, status_words
from deskcli.core.timefmt import relative, when
from deskcli.screens.call_keys import CALL_KEYS
from deskcli.screens.stage import StageScreen
from deskcli.widgets.safe import safe_text
from deskcli.widgets.tables import refill

if TYPE_CHECKING:
    from deskcli.services.desk.queue import PromiseRow
    from deskcli.services.lifecycle.callview import CallView

PAGE = 50


class FollowUpScreen(StageScreen):
    """The analyst's promises."""

    STAGE = Stage.FOLLOW_UP

    BINDINGS = [
        Binding("k", "settle(True)", "Kept", id="follow_up.kept"),
        Binding("m", "settle(False)", "Missed", id="follow_up.missed"),
        Binding("s", "reschedule", "Reschedule", id="follow_up.reschedule"),
        Binding("n", "new_call", "New call", id="follow_up.new_call", tooltip="The phone rings again: the greeting for the next caller"),
        Binding("enter", "open_call", "Open call", id="follow_up.open", show=False),
        Binding("]", "page(1)", "Next page", id="follow_up.next_page", show=False),
        Binding("[", "page(-1)", "Previous page", id="follow_up.previous_page", show=False),
        *CALL_KEYS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[PromiseRow] = []
        self._page = 0

    def compose_body(self) -> ComposeResult:
        with Vertical(id="follow-up-body"):
            yield Static("", id="follow-up-status")
            table: DataTable[Any] = DataTable(id="all-promises", cursor_type="row", zebra_stripes=True)
            table.add_columns("Due", "", "Call", "Customer", "Kind", "Ring", "Promise")
            yield table
            yield Static("k kept · m missed · s reschedule (with a reason) · enter open the call · [ ] pages", classes="dialog-help")

    def arrival_field(self) -> Widget | None:
        return self.query_one("#all-promises", DataTable)

    def load_call(self, view: CallView | None) -> None:
        self._load()

    def runtime_ready(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="promises", exit_on_error=False)
    def _load(self) -> None:
        from deskcli.services.actions import follow_up

        runtime = self.runtime
        if runtime is None or runtime.analyst is None:
            return
        now = runtime.clock.now()
        rows = follow_up.promises_page(runtime.store, runtime.analyst.id, now=now, limit=PAGE, offset=self._page * PAGE)
        self.app.call_from_thread(self._show, rows, now)

    def _show(self, rows: list[PromiseRow], now) -> None:
        runtime = self.runtime
        assert runtime is not None
        zone = runtime.settings.zone()
        self._rows = rows
        table = self.query_one("#all-promises", DataTable)
        current = self.flow.call_id
        refill(table, [
            (
                str(row.id),
                (
                    Text(when(row.due_at, zone, now)),
                    Text("OVERDUE", style="bold reverse") if row.overdue else Text(relative(row.due_at, now)),
                    safe_text(row.reference, style="bold" if row.call_id == current else ""),
                    safe_text(row.customer),
                    safe_text(status_words(row.kind)),
                    safe_text(row.contact_number),
                    safe_text(row.description),
                ),
            )
            for row in rows
        ])
        overdue = sum(1 for row in rows if row.overdue)
        page = f" (page {self._page + 1})" if self._page else ""
        self.query_one("#follow-up-status", Static).update(
            safe_text(f"{len(rows)} promise(s) pending{page}; {overdue} overdue." if rows else "No promises pending. Well kept.")
        )
        table.focus()

    def _selected(self) -> PromiseRow | None:
        table = self.query_one("#all-promises", DataTable)
        if not self._rows or table.cursor_row < 0 or table.cursor_row >= len(self._rows):
            return None
        return self._rows[table.cursor_row]

    def action_settle(self, kept: bool) -> None:
        """Mark the highlighted promise kept (on time or late) or missed."""
        row = self._selected()
        if row is None:
            return

        def job(runtime):
            from deskcli.services.actions import follow_up

            return follow_up.settle(runtime.store, runtime.actor(), row.id, kept=kept)

        def done(outcome: str) -> None:
            self.notify(f"{row.reference}: {status_words(outcome)}.", markup=False, timeout=3)
            self._load()
            self.desk.check_promises()

        self.flow.submit(job, done)

    def action_reschedule(self) -> None:
        """Move the highlighted promise to a new time, with a reason."""
        row = self._selected()
        if row is None:
            return
        from deskcli.screens.reschedule import RescheduleScreen

        self.app.push_screen(RescheduleScreen(row.description or row.kind), lambda result: self._rescheduled(row, result))

    def _rescheduled(self, row: PromiseRow, result) -> None:
        if result is None:
            return
        def job(runtime):
            from deskcli.services.actions import follow_up

            follow_up.reschedule(runtime.store, runtime.actor(), row.id, result.due_at, reason=result.reason)

        self.flow.submit(job, lambda _r: (self._load(), self.desk.check_promises()))

    def action_open_call(self) -> None:
        """Open the call the highlighted promise belongs to."""
        row = self._selected()
        if row is not None and row.call_id != self.flow.call_id:
            self.flow.open_call(row.call_id)

    def action_new_call(self) -> None:
        """The next caller, straight from here once this call is closed (or there is none)."""
        view = self.flow.view
        if view is not None and view.call.status != "closed" and view.call.talk_ended_at is None:
            self.notify("This call is still in conversation: hang up first (ctrl+g).", severity="warning")
            return
        self.flow.start_new_call()

    def action_page(self, step: int) -> None:
        """Next or previous page of promises."""
        if (step < 0 and self._page == 0) or (step > 0 and len(self._rows) < PAGE):
            return
        self._page += step
        self._load()
