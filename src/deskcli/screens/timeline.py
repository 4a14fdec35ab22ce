"""A past call, read only, with its timeline: every event in order, local time, who, what.

From here the call can be reopened (with a reason) or a progress call logged on it;
each is one service call in a thread worker, after which the record is shown again
as it now stands. The highlighted line's longer text (a hand-off, a resolution, a
warning's words) is shown under the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from deskcli.screens.base import DeskScreen
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.safe import safe_text

if TYPE_CHECKING:
    from deskcli.runtime import Runtime
    from deskcli.services.records.past_call import CallRecord, RecordContext


def record_context(runtime: Runtime) -> RecordContext:
    """What reading a past call needs besides the database: the SLA policy, calendar and zone."""
    from deskcli.services.records.past_call import RecordContext

    return RecordContext(runtime.policies.sla, runtime.calendar(), runtime.settings.zone())


class TimelineScreen(DeskScreen):
    """One past call and its timeline."""

    CSS_PATH = Path(__file__).parent / "records.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="timeline.back"),
        Binding("r", "reopen", "Reopen", id="timeline.reopen", tooltip="Reopen the closed call (with a reason)"),
        Binding("p", "progress_call", "Progress call", id="timeline.progress", tooltip="The customer rang about this call: log it"),
    ]

    def __init__(self, call_id: int) -> None:
        super().__init__()
        self.call_id = call_id
        self.record: CallRecord | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="records-body"):
            yield Static("Loading the call…", id="timeline-record")
            yield DataTable(id="timeline-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="timeline-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#timeline-table", DataTable).add_columns("When", "Who", "What")
        super().on_mount()

    def runtime_ready(self) -> None:
        self._run("load")

    def _record_context(self) -> RecordContext:
        runtime = self.runtime
        assert runtime is not None
        return record_context(runtime)

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def _run(self, what: str, text: str = "") -> None:
        from deskcli.services.records import past_call

        runtime = self.runtime
        assert runtime is not None
        if what == "reopen":
            record = past_call.reopen(runtime.store, runtime.actor(), past_call.ReopenRequest(self.call_id, text), self._record_context())
            self.app.call_from_thread(self.notify, f"{record.reference} reopened.", markup=False, timeout=4)
        elif what == "progress":
            record = past_call.log_progress_call(runtime.store, runtime.actor(), past_call.ProgressCall(self.call_id, text), self._record_context())
            self.app.call_from_thread(self.notify, f"Progress call logged on {record.reference}.", markup=False, timeout=4)
        else:
            record = past_call.load_record(runtime.store, runtime.actor(), self.call_id, self._record_context())
        self.app.call_from_thread(self._show, record)

    def _show(self, record: CallRecord) -> None:
        from deskcli.core.timefmt import when

        runtime = self.runtime
        assert runtime is not None
        zone, now = runtime.settings.zone(), runtime.clock.now()
        self.record = record
        head = Text()
        head.append_text(safe_text(record.reference, style="bold"))
        head.append("  ")
        head.append_text(safe_text(record.customer, style="bold"))
        if record.organisation:
            head.append_text(safe_text(f", {record.organisation}"))
        head.append(f"  {record.status.replace('_', ' ')}")
        if record.channel != "phone":
            from deskcli.core.enums import status_words

            head.append(f"  by {status_words(record.channel)}")
        head.append(f"  P{record.priority}" if record.priority else "  no priority")
        head.append_text(safe_text(f"  {record.category or 'no category'}"))
        head.append(f"\nopened {when(record.opened_at, zone, now)}")
        if record.closed_at is not None:
            head.append(f", closed {when(record.closed_at, zone, now)}")
        head.append_text(safe_text(f" · taken by {record.analyst}, worked by {record.working_it or '-'} · SLA {record.sla}"))
        if record.holds:
            head.append(f" · {record.holds} hold(s), {record.hold_seconds // 60}:{record.hold_seconds % 60:02d} in all")
        if record.satisfaction:
            head.append(f" · scored {record.satisfaction}/5")
        head.append("\n")
        head.append_text(safe_text(record.summary or "(no summary)"))
        if record.resolution:
            head.append("\nResolution: ", style="bold")
            head.append_text(safe_text(record.resolution))
        for line in record.escalations:
            head.append("\nEscalated: ", style="bold")
            head.append_text(safe_text(line.summary))
        self.query_one("#timeline-record", Static).update(head)
        table = self.query_one("#timeline-table", DataTable)
        table.clear()
        for index, entry in enumerate(record.timeline):
            moment = entry.at.astimezone(zone)
            stamp = moment.strftime("%d %b %Y %H:%M:%S") if moment.year != now.astimezone(zone).year else moment.strftime("%d %b %H:%M:%S")
            table.add_row(Text(stamp), safe_text(entry.who), safe_text(entry.what), key=str(index))
        if record.timeline:
            table.move_cursor(row=len(record.timeline) - 1)
        table.focus()
        self._detail(table.cursor_row)

    @on(DataTable.RowHighlighted, "#timeline-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, row: int) -> None:
        record = self.record
        detail = self.query_one("#timeline-detail", Static)
        if record is None or not 0 <= row < len(record.timeline):
            detail.update("")
            return
        entry = record.timeline[row]
        detail.update(safe_text(entry.detail or entry.what))

    # --- actions --------------------------------------------------------------------------

    def action_reopen(self) -> None:
        """Reopen the call, asking why (the reason goes on the timeline)."""
        if self.record is None:
            return
        if not self.record.can_reopen:
            self.notify(f"{self.record.reference} is not closed, so there is nothing to reopen.", severity="warning", markup=False)
            return
        from deskcli.screens.reason import ReasonScreen

        def chosen(reason: str | None) -> None:
            if reason:
                self._run("reopen", reason)

        self.app.push_screen(ReasonScreen("Reopen the call", "Why is it reopened? (required; kept on the timeline)"), chosen)

    def action_progress_call(self) -> None:
        """Log a progress call from the customer on this call."""
        from deskcli.screens.reason import ReasonScreen

        def chosen(note: str | None) -> None:
            if note is not None:
                self._run("progress", note)

        self.app.push_screen(
            ReasonScreen("Progress call", "What did the customer ask or hear? (optional)", required=False,
                         placeholder="e.g. asked when the engineer comes"),
            chosen,
        )

    def action_back(self) -> None:
        """Back to the list."""
        self.app.pop_screen()
