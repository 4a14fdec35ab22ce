"""Home: the queue. My open calls, calls I perceive-own that someone else is working,
and promises due today, with overdue ones impossible to miss."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Static

from deskcli.screens.base import DeskScreen
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.notice_line import NoticeLine
from deskcli.widgets.safe import safe_text
from deskcli.widgets.tables import refill

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from deskcli.services.actions.queue import QueuePage
    from deskcli.services.desk.queue import RowNotes


class HomeScreen(DeskScreen):
    """The queue an analyst keeps open between calls."""

    _promise_calls: dict[int, int] = {}
    _tables_ready = False
    _pending: QueuePage | None = None

    BINDINGS = [
        Binding("n", "new_call", "New call", id="home.new_call", tooltip="Answer: the greeting, with the lookup ready"),
        Binding("c", "other_channel", "Other channel", id="home.other_channel",
                tooltip="A call that came face to face, by e-mail, chat or fax (n is the phone)"),
        Binding("enter", "open", "Open", id="home.open", tooltip="Open the highlighted call or promise"),
        Binding("f", "follow_ups", "Follow-ups", id="home.follow_ups"),
        Binding("r", "refresh", "Refresh", id="home.refresh"),
        Binding("o", "outbox", "Send outbox", id="home.outbox", tooltip="Retry the e-mails waiting in the outbox"),
        Binding("h", "history", "History", id="home.history", tooltip="Search past calls; open one with its timeline"),
        Binding("e", "reviews", "Reviews", id="home.reviews", tooltip="Escalated calls to review (seed 004)"),
        Binding("m", "report", "Report", id="home.report", tooltip="The desk's metrics for a period"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("Opening the database…", id="home-status", markup=False)
            yield Static("Promises due today", classes="section-title")
            yield Vertical(id="promises-box", classes="table-box")
            yield Static("My open calls", classes="section-title")
            yield Vertical(id="mine-box", classes="table-box")
            yield Static("Calls I perceive-own that someone else is working", classes="section-title")
            yield Vertical(id="elsewhere-box", classes="table-box")
        yield NoticeLine()
        yield KeyBar()

    def on_mount(self) -> None:
        # The tables are mounted just after the first frame: styling three DataTables
        # (a dozen component classes each) would otherwise delay it by ~50 ms.
        self.call_after_refresh(self._mount_tables)

    def _mount_tables(self) -> None:
        from textual.widgets import DataTable

        if not self.is_attached:
            return  # the app closed before its first frame was out (ctrl+q at once)

        columns = {
            "promises": ("Due", "Call", "Customer", "Promise"),
            "mine": ("Call", "Opened", "Customer", "Status", "SLA", "Summary"),
            "elsewhere": ("Call", "Customer", "Working it", "Next contact", "SLA", "Summary"),
        }
        for name, headings in columns.items():
            table = DataTable(id=name, cursor_type="row", zebra_stripes=True)
            self.query_one(f"#{name}-box").mount(table)
            table.add_columns(*headings)
        self._tables_ready = True
        if self._pending is not None:
            self._show(self._pending)

    def runtime_ready(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_new_call(self) -> None:
        """The phone rang: open the greeting."""
        self.desk.flow.start_new_call()

    def action_other_channel(self) -> None:
        """A call that did not come by phone: pick the channel, then the greeting for it."""
        from deskcli.screens.channel import ChannelScreen

        def picked(channel: str | None) -> None:
            if channel:
                self.desk.flow.start_new_call(channel=channel)

        self.app.push_screen(ChannelScreen(), picked)

    def action_history(self) -> None:
        """Past calls: search, filter, open one read-only with its timeline."""
        from deskcli.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_reviews(self) -> None:
        """The escalated calls, with the review questions of seed 004."""
        from deskcli.screens.review_list import ReviewListScreen

        self.app.push_screen(ReviewListScreen())

    def action_report(self) -> None:
        """How the desk is doing: this month's metrics."""
        from deskcli.screens.report import ReportScreen

        self.app.push_screen(ReportScreen())

    def action_follow_ups(self) -> None:
        """Every promise owed, to keep or reschedule."""
        from deskcli.core.enums import Stage

        flow = self.desk.flow
        flow.install()
        flow.go(Stage.FOLLOW_UP)

    def action_open(self) -> None:
        """Open the call under the cursor (a call row, or the call of a promise)."""
        from textual.widgets import DataTable

        table = self.focused if isinstance(self.focused, DataTable) else None
        if table is None or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        kind, _, ident = key.partition("-")
        if kind == "call":
            self.desk.flow.open_call(int(ident))
        elif kind == "promise":
            call_id = self._promise_calls.get(int(ident))
            if call_id is not None:
                self.desk.flow.open_call(call_id)

    def on_data_table_row_selected(self) -> None:
        """Enter on a row opens its call."""
        self.action_open()

    def action_outbox(self) -> None:
        """Send what waits in the outbox."""
        self.desk.retry_outbox()

    def action_refresh(self) -> None:
        """Reload the queue."""
        if self.runtime is not None and self.runtime.analyst is not None:
            self._load_queue()

    @work(thread=True, exclusive=True, group="home-queue", exit_on_error=False)
    def _load_queue(self) -> QueuePage:
        from deskcli.services.actions import queue

        runtime = self.runtime
        assert runtime is not None and runtime.analyst is not None
        page = queue.queue_page(
            runtime.store, runtime.analyst.id, now=runtime.clock.now(), zone=runtime.settings.zone(),
            policies=runtime.policies, calendar=runtime.calendar(),
        )
        self.app.call_from_thread(self._show, page)
        return page

    def _show(self, data: QueuePage) -> None:
        if not self._tables_ready:
            self._pending = data  # shown as soon as the tables are mounted
            return
        self._pending = None
        from textual.widgets import DataTable

        from deskcli.core.timefmt import when  # imports zoneinfo: after the first frame

        runtime = self.runtime
        assert runtime is not None
        zone = runtime.settings.zone()
        status = self.query_one("#home-status", Static)
        status.set_class(data.overdue > 0, "overdue")
        more = f" (the first {len(data.promises)} below; f lists them all)" if data.due_today > len(data.promises) else ""
        if data.overdue:
            status.update(f"⚠ {data.overdue} promise(s) OVERDUE: call the customer now.{more}")
        else:
            status.update(f"{len(data.mine)} open call(s); {data.due_today} promise(s) due today.{more}")
        self._promise_calls = {row.id: row.call_id for row in data.promises}
        refill(self.query_one("#promises", DataTable), [
            (
                f"promise-{row.id}",
                (
                    Text(("OVERDUE " if row.overdue else "") + when(row.due_at, zone, data.now), style="bold reverse" if row.overdue else ""),
                    safe_text(row.reference),
                    safe_text(row.customer),
                    safe_text(row.description or row.kind),
                ),
            )
            for row in data.promises
        ])
        refill(self.query_one("#mine", DataTable), [
            (
                f"call-{row.id}",
                (
                    safe_text(row.reference),
                    Text(when(row.opened_at, zone, data.now)),
                    safe_text(row.customer),
                    self._status_cell(row.status, row.id in data.live_call_ids),
                    self._sla_cell(data.notes.get(row.id)),
                    safe_text(row.summary),
                ),
            )
            for row in data.mine
        ])
        refill(self.query_one("#elsewhere", DataTable), [
            (
                f"call-{row.id}",
                (
                    safe_text(row.reference),
                    safe_text(row.customer),
                    safe_text(row.actual_owner + " (not you)"),
                    self._contact_cell(data.notes.get(row.id), data.now, zone),
                    self._sla_cell(data.notes.get(row.id)),
                    safe_text(row.summary),
                ),
            )
            for row in data.elsewhere
        ])
        self._focus_a_table()

    def _focus_a_table(self) -> None:
        """Enter opens the highlighted row at once: the cursor is on a table with rows."""
        from textual.widgets import DataTable

        focused = self.focused
        if isinstance(focused, DataTable) and focused.row_count:
            return
        for name in ("mine", "promises", "elsewhere"):
            table = self.query_one(f"#{name}", DataTable)
            if table.row_count:
                table.focus()
                return

    @staticmethod
    def _status_cell(status: str, live: bool) -> Text:
        """The status in words; a call still in conversation is marked LIVE."""
        from deskcli.core.enums import status_words

        text = Text("● LIVE ", style="bold reverse") if live else Text()
        text.append(status_words(status))
        return text

    @staticmethod
    def _contact_cell(note: RowNotes | None, now: datetime, zone: ZoneInfo) -> Text:
        """When the customer was promised the next contact; loud when overdue or never promised."""
        from deskcli.core.timefmt import when

        if note is None or note.next_contact is None:
            return Text("none promised: call them", style="bold reverse")
        overdue = note.next_contact < now
        return Text(("OVERDUE " if overdue else "") + when(note.next_contact, zone, now), style="bold reverse" if overdue else "")

    @staticmethod
    def _sla_cell(note: RowNotes | None) -> Text:
        if note is None:
            return Text("")
        text = Text(note.sla, style="bold reverse" if note.sla_alarm else "")
        if note.escalated_days is not None:
            text.append(f" · escalated {note.escalated_days} d ago: past the close target", style="bold reverse")
        return text
