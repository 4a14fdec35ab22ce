"""In-app latencies of the records screens, in a process of their own.

``python -m deskcli.bench.records_inapp DB OUT.json REPORT_PERIOD WORDS…`` opens the
real app on DB, then:

* **history key → rows on screen**: the history screen is open; for each search the
  words are typed and enter is pressed; the time runs from the enter key's arrival
  to the refresh after the rows are in the table (the same budget as the lookup);
* **open the report screen**: a key pushes the report screen for REPORT_PERIOD; the
  time runs from that key to the refresh after the whole report is drawn.

Its own process, so the main in-app run's peak memory stays the console's own; this
one's peak is reported beside it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from deskcli.bench import first_frame
from deskcli.bench.inapp import ProbeApp, Samples, settle  # sets the process up as the console (first)
from deskcli.config.launch import LaunchOptions

if TYPE_CHECKING:
    from deskcli.screens.history import HistoryScreen
    from deskcli.screens.report import ReportScreen
    from deskcli.services.records.history import HistoryResult
    from deskcli.services.reports.report import Report


class RecordsProbe(ProbeApp):
    """The probe app with a key that opens the report screen (the lead wires the real one)."""

    BINDINGS = [Binding("f20", "open_report", "Report")]
    report_period = "last-month"

    def action_open_report(self) -> None:
        """Open the report screen for the period being measured."""
        from deskcli.screens.report import ReportScreen

        self.push_screen(ReportScreen(period=self.report_period))


def instrument(app: ProbeApp, samples: Samples) -> None:
    """Note when the rows and the report are on screen (bench only)."""
    from deskcli.screens.history import HistoryScreen
    from deskcli.screens.report import ReportScreen

    show_history = HistoryScreen._show
    show_report = ReportScreen._show

    def timed_history(self: HistoryScreen, seq: int, result: HistoryResult) -> None:
        started = app.key_at
        show_history(self, seq, result)
        if seq == self._seq and result.page.rows:
            self.call_after_refresh(samples.add, "history_key_to_rows", started)

    def timed_report(self: ReportScreen, seq: int, report: Report) -> None:
        started = app.key_at
        show_report(self, seq, report)
        if seq == self._seq:
            self.call_after_refresh(samples.add, "report_screen_open", started)

    # Replacing methods is the point here (timed, not changed); mypy refuses it by design.
    HistoryScreen._show = timed_history  # type: ignore[method-assign]
    ReportScreen._show = timed_report  # type: ignore[method-assign]


async def run(db_path: Path, period: str, searches: list[str]) -> dict[str, Any]:
    """Drive the records screens and return the samples."""
    from textual.widgets import Input

    from deskcli.screens.history import HistoryScreen
    from deskcli.screens.report import ReportScreen

    samples = Samples()
    app = RecordsProbe(LaunchOptions(db=db_path))
    app.report_period = period
    instrument(app, samples)
    async with app.run_test(size=(100, 34)) as pilot:
        for _ in range(500):
            if app.runtime is not None and app.runtime.analyst is not None:
                break
            await pilot.pause(0.02)
        await settle(app, pilot)
        app.push_screen(HistoryScreen())
        await settle(app, pilot)
        query = app.screen.query_one("#history-query", Input)
        for words in searches:
            query.value = ""
            query.focus()
            await pilot.pause()
            for char in words:
                await pilot.press("space" if char == " " else char)
            await pilot.press("enter")
            await settle(app, pilot)
        app.pop_screen()
        await settle(app, pilot)
        for _ in range(2):
            await pilot.press("f20")
            for _ in range(2400):  # up to two minutes
                await pilot.pause(0.05)
                if isinstance(app.screen, ReportScreen) and app.screen.report is not None:
                    break
            await settle(app, pilot)
            app.pop_screen()
            await settle(app, pilot)
    return {"samples": samples.data, "peak_rss_mb": first_frame.peak_rss_mb()}


def main() -> None:
    """``python -m deskcli.bench.records_inapp DB OUT PERIOD [WORDS …]``."""
    db_path, out, period = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    searches = sys.argv[4:] or ["printer offline", "password reset"]
    out.write_text(json.dumps(asyncio.run(run(db_path, period, searches))))


if __name__ == "__main__":
    main()
