"""Call history: search past calls by any words of their record, with filters, newest first, paged.

Type words and press enter; filters go in the second line as ``name:value``
(``period:month analyst:ajones escalated:yes``). The down arrow goes to the list;
enter on a call opens it with its timeline; ctrl+r reopens the highlighted closed call
(with a reason). A call that did not come by phone shows its channel before its summary. The search runs in a thread worker (one service call); a result that
arrives after a newer search started is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from deskcli.screens.base import DeskScreen
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.safe import safe_text, visible

if TYPE_CHECKING:
    from deskcli.services.records.history import HistoryResult, HistoryRow

FILTER_HELP = (
    "filters: period:month analyst:HANDLE customer:NAME category:KEY status:closed priority:2 "
    "escalated:yes|no sla:met|breached promise:kept|missed"
)


COLUMNS = (("Call", 9), ("Opened", 12), ("Customer", 18), ("Taken by", 12), ("Status", 13), ("P", 2), ("Summary", 0))
"""The list's columns and their widths; the summary takes what is left of the line."""


def widths(total: int) -> list[int]:
    """Column widths for a list ``total`` cells wide (one space between columns)."""
    fixed = [width for _label, width in COLUMNS[:-1]]
    return [*fixed, max(10, total - sum(fixed) - len(fixed) - 1)]


def _fit(value: object, width: int) -> str:
    """``value`` as text exactly ``width`` cells wide: control characters made visible, cut with an ellipsis."""
    text = visible(value)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _line(values: tuple[object, ...], sizes: list[int]) -> Text:
    """One call as one line of fixed-width fields, shown literally (a ``Text`` parses no markup).

    One ``Text`` per call (an option list), not a table of cells, and never wider
    than the list: a page drawn as a seven-column table, or lines the list had to
    wrap, cost several times the lookup's budget to draw.
    """
    return Text(" ".join(_fit(value, width) for value, width in zip(values, sizes, strict=True)).rstrip(), no_wrap=True)


def headings(total: int) -> str:
    """The column headings for a list ``total`` cells wide."""
    return " ".join(label.ljust(width) for (label, _w), width in zip(COLUMNS, widths(total), strict=True)).rstrip()


SCREEN_PAGE = 25
"""Calls per page on screen: about a screenful (drawing 50 lines cost twice the lookup's budget)."""


class HistoryScreen(DeskScreen):
    """Past calls, found by their words."""

    CSS_PATH = Path(__file__).parent / "records.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="history.back"),
        Binding("ctrl+f", "focus_filters", "Filters", id="history.filters", priority=True),
        Binding("ctrl+l", "focus_query", "Words", id="history.words", priority=True),
        Binding("]", "page(1)", "Next page", id="history.next_page"),
        Binding("[", "page(-1)", "Previous page", id="history.previous_page"),
        Binding("ctrl+r", "reopen", "Reopen", id="history.reopen", priority=True,
                tooltip="Reopen the highlighted closed call (with a reason, kept on its timeline)"),
        Binding("down", "to_list", "To the list", id="history.to_list", show=False),
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
        self._rows: dict[int, HistoryRow] = {}
        self._headings = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="records-body"):
            yield Static("Call history: words of the summary, notes, resolution, hand-off or customer", classes="records-title")
            yield Input(self._text, placeholder="words, e.g. printer offline", id="history-query", compact=True)
            yield Input(self._filters, placeholder=FILTER_HELP, id="history-filters", compact=True)
            yield Static("Type words or filters and press enter.", id="history-status", classes="records-status")
            yield Static(headings(80), id="history-headings", classes="records-help", markup=False)
            yield OptionList(id="history-table")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history-query", Input).focus()
        super().on_mount()

    def runtime_ready(self) -> None:
        if self._text or self._filters:
            self._start()
        else:
            self._warm()

    @work(thread=True, group="history-warm", exit_on_error=False)
    def _warm(self) -> None:
        """Load the search's modules while the analyst types (the first search then waits for none)."""
        import deskcli.services.records.filters
        import deskcli.services.records.history  # noqa: F401

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
                runtime.store, runtime.actor(), HistoryQuery(text, parse_filter_line(filter_line), before_id, SCREEN_PAGE),
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
        from deskcli.core.enums import status_words
        from deskcli.core.timefmt import when

        runtime = self.runtime
        assert runtime is not None
        zone, now = runtime.settings.zone(), runtime.clock.now()
        page = result.page
        table = self.query_one("#history-table", OptionList)
        sizes = widths(max(40, table.scrollable_content_region.width - 1))
        wanted = headings(sum(sizes) + len(sizes))
        if wanted != self._headings:  # an unchanged line is not laid out again
            self._headings = wanted
            self.query_one("#history-headings", Static).update(wanted)
        options = []
        for row in page.rows:
            status = row.status.replace("_", " ")
            if row.escalated and row.status != "escalated":
                status += " (esc.)"
            summary = row.summary if row.channel == "phone" else f"({status_words(row.channel)}) {row.summary}"
            values = (
                row.reference, when(row.opened_at, zone, now), row.customer, row.analyst, status,
                f"P{row.priority}" if row.priority else "-", summary,
            )
            options.append(Option(_line(values, sizes), id=str(row.id)))
        # One clear and one add: each option added on its own would lay the list out again.
        table.clear_options()
        table.add_options(options)
        if options:
            table.highlighted = 0
        self._ids = [row.id for row in page.rows]
        self._rows = {row.id: row for row in page.rows}
        self._next = page.next_before
        said = ", ".join(result.filters.described)
        number = f" · page {len(self._pages)}" if len(self._pages) > 1 else ""
        self._set_status(page.describe() + (f" Filters: {said}." if said else "") + number)
        # Focus stays in the field typed in (moving it restyles both: ~10 ms of the key's time);
        # the down arrow goes to the list.

    def _set_status(self, message: str, *, bad: bool = False) -> None:
        status = self.query_one("#history-status", Static)
        status.set_class(bad, "-bad")
        status.update(safe_text(message))

    # --- actions --------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#history-table")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            from deskcli.screens.timeline import TimelineScreen

            self.app.push_screen(TimelineScreen(int(event.option.id)))

    def action_reopen(self) -> None:
        """Reopen the highlighted call when it is closed, asking why (the reason goes on its timeline)."""
        listed = self.query_one("#history-table", OptionList)
        index = listed.highlighted
        row = self._rows.get(self._ids[index]) if index is not None and 0 <= index < len(self._ids) else None
        if row is None:
            self.notify("Find the closed call first, then ctrl+r with it highlighted.", severity="warning")
            return
        if row.status != "closed":
            self.notify(f"{row.reference} is not closed, so there is nothing to reopen.", severity="warning", markup=False)
            return
        from deskcli.screens.reason import ReasonScreen

        def chosen(reason: str | None) -> None:
            if reason:
                self._reopen(row.id, row.reference, reason)

        self.app.push_screen(
            ReasonScreen(f"Reopen {row.reference}", "Why is it reopened? (required; kept on the timeline)"), chosen
        )

    @work(thread=True, group="history-reopen", exit_on_error=False)
    def _reopen(self, call_id: int, reference: str, reason: str) -> None:
        from deskcli.screens.timeline import record_context
        from deskcli.services.records import past_call

        runtime = self.runtime
        assert runtime is not None
        past_call.reopen(runtime.store, runtime.actor(), past_call.ReopenRequest(call_id, reason), record_context(runtime))
        self.app.call_from_thread(self._reopened, reference)

    def _reopened(self, reference: str) -> None:
        self.notify(f"{reference} reopened: it is open again.", markup=False, timeout=5)
        self._start()  # the list shows it as it now stands

    def action_page(self, step: int) -> None:
        """The next (or previous) page of results."""
        if step > 0 and self._next is not None:
            self._pages.append(self._next)
        elif step < 0 and len(self._pages) > 1:
            self._pages.pop()
        else:
            return
        self._start()

    def action_to_list(self) -> None:
        """From a field down into the list of calls (enter there opens one)."""
        table = self.query_one("#history-table", OptionList)
        if table.option_count:
            table.focus()

    def action_focus_filters(self) -> None:
        """Edit the filters."""
        self.query_one("#history-filters", Input).focus()

    def action_focus_query(self) -> None:
        """Edit the words."""
        self.query_one("#history-query", Input).focus()

    def action_back(self) -> None:
        """Back to where the history was opened from."""
        self.app.pop_screen()
