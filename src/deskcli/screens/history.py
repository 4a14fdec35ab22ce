"""Call history: search past calls by any words of their record, with filters, newest first, paged.

Type words and press enter; filters go in the second line as ``name:value``
(``period:month analyst:ajones escalated:yes``). Enter on a call opens it with its
timeline. The search runs in a thread worker (one service call); a result that
arrives after a newer search started is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Input, Static

from deskcli.screens.base import DeskScreen
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.safe import safe_text

if TYPE_CHECKING:
    from deskcli.services.records.history import HistoryResult

FILTER_HELP = (
    "filters: period:month analyst:HANDLE customer:NAME category:KEY status:closed priority:2 "
    "escalated:yes|no sla:met|breached promise:kept|missed"
)


class HistoryScreen(DeskScreen):
    """Past calls, found by their words."""

    CSS_PATH = Path(__file__).parent / "records.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="history.back"),
        Binding("ctrl+f", "focus_filters", "Filters", id="history.filters", priority=True),
        Binding("ctrl+l", "focus_query", "Words", id="history.words", priority=True),
        Binding("]", "page(1)", "Next page", id="history.next_page"),
        Binding("[", "page(-1)", "Previous page", id="history.previous_page"),
    ]

    def __init__(self, text: str = "", filters: str = "") -> None:
        super().__init__()
        self._text = text
        self._filters = filters
        self._seq = 0
        self._pages: list[int | None] = [None]
        """``before_id`` of each page seen so far (the first page has none)."""
        self._next: int | None = None
        self._ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="records-body"):
            yield Static("Call history: words of the summary, notes, resolution, hand-off or customer", classes="records-title")
            yield Input(self._text, placeholder="words, e.g. printer offline", id="history-query", compact=True)
            yield Input(self._filters, placeholder=FILTER_HELP, id="history-filters", compact=True)
            yield Static("Type words or filters and press enter.", id="history-status", classes="records-status")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_columns("Call", "Opened", "Customer", "Taken by", "Status", "P", "Summary")
        self.query_one("#history-query", Input).focus()
        super().on_mount()

    def runtime_ready(self) -> None:
        if self._text or self._filters:
            self._start()

    # --- searching ----------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, _event: Input.Submitted) -> None:
        self._pages = [None]
        self._start()

    def _start(self) -> None:
        if self.runtime is None:
            return
        self._seq += 1
        self._set_status("Searching…")
        self._search(
            self._seq,
            self.query_one("#history-query", Input).value,
            self.query_one("#history-filters", Input).value,
            self._pages[-1],
        )

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _search(self, seq: int, text: str, filter_line: str, before_id: int | None) -> None:
        from deskcli.core.errors import DeskError
        from deskcli.services.records.filters import parse_filter_line
        from deskcli.services.records.history import HistoryQuery, find_calls

        runtime = self.runtime
        assert runtime is not None
        try:
            result = find_calls(
                runtime.store, runtime.actor(), HistoryQuery(text, parse_filter_line(filter_line), before_id),
                policies=runtime.policies, calendar=runtime.calendar(), zone=runtime.settings.zone(),
                region=runtime.settings.phone_region,
            )
        except DeskError as error:
            self.app.call_from_thread(self._refused, seq, str(error))
            return
        self.app.call_from_thread(self._show, seq, result)

    def _refused(self, seq: int, message: str) -> None:
        if seq == self._seq:
            self._set_status(message, bad=True)

    def _show(self, seq: int, result: HistoryResult) -> None:
        if seq != self._seq:
            return  # a newer search has started
        from deskcli.core.timefmt import when

        runtime = self.runtime
        assert runtime is not None
        zone, now = runtime.settings.zone(), runtime.clock.now()
        page = result.page
        table = self.query_one("#history-table", DataTable)
        table.clear()
        for row in page.rows:
            table.add_row(
                safe_text(row.reference),
                Text(when(row.opened_at, zone, now)),
                safe_text(row.customer),
                safe_text(row.analyst),
                safe_text(row.status.replace("_", " ") + (" · escalated" if row.escalated else "")),
                Text(f"P{row.priority}" if row.priority else "-"),
                safe_text(row.summary),
                key=str(row.id),
            )
        self._ids = [row.id for row in page.rows]
        self._next = page.next_before
        said = ", ".join(result.filters.described)
        number = f" · page {len(self._pages)}" if len(self._pages) > 1 else ""
        self._set_status(page.describe() + (f" Filters: {said}." if said else "") + number)
        if page.rows:
            table.focus()

    def _set_status(self, message: str, *, bad: bool = False) -> None:
        status = self.query_one("#history-status", Static)
        status.set_class(bad, "-bad")
        status.update(safe_text(message))

    # --- actions --------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#history-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            from deskcli.screens.timeline import TimelineScreen

            self.app.push_screen(TimelineScreen(int(event.row_key.value)))

    def action_page(self, step: int) -> None:
        """The next (or previous) page of results."""
        if step > 0 and self._next is not None:
            self._pages.append(self._next)
        elif step < 0 and len(self._pages) > 1:
            self._pages.pop()
        else:
            return
        self._start()

    def action_focus_filters(self) -> None:
        """Edit the filters."""
        self.query_one("#history-filters", Input).focus()

    def action_focus_query(self) -> None:
        """Edit the words."""
        self.query_one("#history-query", Input).focus()

    def action_back(self) -> None:
        """Back to where the history was opened from."""
        self.app.pop_screen()
