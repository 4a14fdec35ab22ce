"""The escalation review list (seed 004): escalated calls, oldest open first, with the age buckets
and the 30-day close target above them. Enter reviews the highlighted call."""

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
    from deskcli.services.records.review_list import ReviewList


class ReviewListScreen(DeskScreen):
    """Escalated calls to review."""

    CSS_PATH = Path(__file__).parent / "records.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="review_list.back"),
        Binding("u", "toggle_unreviewed", "Unreviewed only", id="review_list.unreviewed"),
        Binding("r", "refresh", "Refresh", id="review_list.refresh"),
        Binding("]", "page(1)", "Next page", id="review_list.next_page"),
        Binding("[", "page(-1)", "Previous page", id="review_list.previous_page"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._unreviewed = False
        self._offset = 0
        self._listed: ReviewList | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="records-body"):
            yield Static("Escalation review", classes="records-title")
            yield Static("Loading the escalations…", id="review-summary", classes="records-status")
            yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#review-table", DataTable).add_columns(
            "Call", "Escalated", "Age", "Status", "Customer", "Taken by", "Reviewed", "Summary"
        )
        super().on_mount()

    def runtime_ready(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.runtime is not None:
            self.action_refresh()  # back from a review: its "reviewed" mark shows

    def action_refresh(self) -> None:
        """Read the list again."""
        self._load(self._unreviewed, self._offset)

    @work(thread=True, exclusive=True, group="review-list", exit_on_error=False)
    def _load(self, unreviewed: bool, offset: int) -> None:
        from deskcli.services.records.review_list import load_review_list

        runtime = self.runtime
        assert runtime is not None
        listed = load_review_list(
            runtime.store, runtime.actor(), target_days=runtime.policies.escalation.close_target_days,
            unreviewed_only=unreviewed, offset=offset,
        )
        self.app.call_from_thread(self._show, listed)

    def _show(self, listed: ReviewList) -> None:
        from deskcli.core.timefmt import when

        runtime = self.runtime
        assert runtime is not None
        zone, now = runtime.settings.zone(), runtime.clock.now()
        self._listed = listed
        buckets = " · ".join(f"{label}: {count}" for label, count in listed.open_buckets.items())
        which = "unreviewed escalations" if self._unreviewed else "escalated calls"
        shown = f"{listed.offset + 1}-{listed.offset + len(listed.rows)} of {listed.total} {which}" if listed.rows else f"no {which}"
        self.query_one("#review-summary", Static).update(
            safe_text(f"{shown}. Open, by age: {buckets}.\n{listed.describe_target()}.")
        )
        table = self.query_one("#review-table", DataTable)
        table.clear()
        for row in listed.rows:
            late = row.open and row.age_days > listed.target_days
            table.add_row(
                safe_text(row.reference),
                Text(when(row.first_escalated_at, zone, now)),
                Text(f"{row.age_days} d" + (" PAST TARGET" if late else ""), style="bold reverse" if late else ""),
                safe_text(row.status.replace("_", " ")),
                safe_text(row.customer),
                safe_text(row.analyst),
                Text("yes" if row.reviewed else "-"),
                safe_text(row.summary),
                key=str(row.call_id),
            )
        if listed.rows:
            table.focus()

    @on(DataTable.RowSelected, "#review-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            from deskcli.screens.review import ReviewScreen

            self.app.push_screen(ReviewScreen(int(event.row_key.value)))

    def action_toggle_unreviewed(self) -> None:
        """Show only the escalations nobody has reviewed yet (or all of them again)."""
        self._unreviewed = not self._unreviewed
        self._offset = 0
        self.action_refresh()

    def action_page(self, step: int) -> None:
        """Next or previous page."""
        from deskcli.services.records.review_list import PAGE

        listed = self._listed
        if listed is None:
            return
        offset = self._offset + step * PAGE
        if offset < 0 or offset >= max(listed.total, 1):
            return
        self._offset = offset
        self.action_refresh()

    def action_back(self) -> None:
        """Back to where the review was opened from."""
        self.app.pop_screen()
