"""Home: the queue. My open calls, calls I perceive-own that someone else is working,
and promises due today, with overdue ones impossible to miss."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from deskcli.screens.base import DeskScreen
from deskcli.timefmt import when
from deskcli.widgets.safe import safe_text

if TYPE_CHECKING:
    from deskcli.services.queue import CallRow, PromiseRow


@dataclass(frozen=True)
class QueueData:
    """Everything the home screen shows, loaded in one worker."""

    promises: list[PromiseRow]
    mine: list[CallRow]
    elsewhere: list[CallRow]
    now: datetime


class HomeScreen(DeskScreen):
    """The queue an analyst keeps open between calls."""

    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="home.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("Opening the database…", id="home-status", markup=False)
            yield Static("Promises due today", classes="section-title")
            yield DataTable(id="promises", cursor_type="row", zebra_stripes=True)
            yield Static("My open calls", classes="section-title")
            yield DataTable(id="mine", cursor_type="row", zebra_stripes=True)
            yield Static("Calls I perceive-own that someone else is working", classes="section-title")
            yield DataTable(id="elsewhere", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#promises", DataTable).add_columns("Due", "Call", "Customer", "Promise")
        for table_id in ("#mine", "#elsewhere"):
            self.query_one(table_id, DataTable).add_columns("Call", "Opened", "Customer", "Status", "Summary", "Working it")
        super().on_mount()

    def runtime_ready(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        """Reload the queue."""
        if self.runtime is not None and self.runtime.analyst is not None:
            self._load_queue()

    @work(thread=True, exclusive=True, group="home-queue", exit_on_error=False)
    def _load_queue(self) -> QueueData:
        from deskcli.services import queue

        runtime = self.runtime
        assert runtime is not None and runtime.analyst is not None
        now = runtime.clock.now()
        zone = runtime.settings.zone()
        local_now = now.astimezone(zone)
        end_of_day = (local_now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        me = runtime.analyst.id
        with runtime.store.read() as session:
            data = QueueData(
                promises=queue.promises_due(session, me, now=now, until=end_of_day),
                mine=queue.my_open_calls(session, me),
                elsewhere=queue.perceived_elsewhere(session, me),
                now=now,
            )
        self.app.call_from_thread(self._show, data)
        return data

    def _show(self, data: QueueData) -> None:
        runtime = self.runtime
        assert runtime is not None
        zone = runtime.settings.zone()
        overdue = sum(1 for p in data.promises if p.overdue)
        status = self.query_one("#home-status", Static)
        status.set_class(overdue > 0, "overdue")
        if overdue:
            status.update(f"⚠ {overdue} promise(s) OVERDUE: call the customer now.")
        else:
            status.update(f"{len(data.mine)} open call(s); {len(data.promises)} promise(s) due today.")
        promises = self.query_one("#promises", DataTable)
        promises.clear()
        for row in data.promises:
            style = "bold reverse" if row.overdue else ""
            due = ("OVERDUE " if row.overdue else "") + when(row.due_at, zone, data.now)
            promises.add_row(
                Text(due, style=style),
                safe_text(row.reference),
                safe_text(row.customer),
                safe_text(row.description or row.kind),
                key=f"promise-{row.id}",
            )
        for table_id, rows in (("#mine", data.mine), ("#elsewhere", data.elsewhere)):
            table = self.query_one(table_id, DataTable)
            table.clear()
            for row in rows:
                table.add_row(
                    safe_text(row.reference),
                    Text(when(row.opened_at, zone, data.now)),
                    safe_text(row.customer),
                    safe_text(row.status.replace("_", " ")),
                    safe_text(row.summary),
                    safe_text(row.actual_owner + (" (not you)" if row.owners_differ else "")),
                    key=f"call-{row.id}",
                )
