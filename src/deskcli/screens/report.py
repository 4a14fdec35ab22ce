"""Reports: every metric for a period beside the previous one, with bars and a weekly trend line.

The report is built in a thread worker (one service call) with its progress shown, so
typing never waits for it; a report that finishes after a newer one was asked for is
dropped. Charts are Textual's own ``Sparkline`` (the weekly trend) and bars drawn as
text (groups, the satisfaction scores, the issues): no plotting library is needed for
either, and textual-plotext no longer works with plotext 6.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, ProgressBar, Sparkline, Static

from deskcli.screens.base import DeskScreen
from deskcli.widgets.bars import bars
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.safe import safe_text

if TYPE_CHECKING:
    from deskcli.services.reports.report import MetricReport, Report

HEADLINES = 4
"""Figures shown per metric on screen (``deskcli report`` prints them all)."""


class ReportScreen(DeskScreen):
    """The desk's metrics for a period."""

    CSS_PATH = Path(__file__).parent / "records.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="report.back"),
        Binding("ctrl+r", "run", "Run report", id="report.run", priority=True),
    ]

    def __init__(self, period: str = "month", by: str = "") -> None:
        super().__init__()
        self._period = period
        self._by = by
        self._seq = 0
        self.report: Report | None = None
        """The report on screen."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="records-body"):
            with Horizontal(classes="records-row mark-row"):
                yield Label("Period ")
                yield Input(self._period, id="report-period", placeholder="month, last-month, week, 2026-03, 30d …", compact=True)
                yield Label(" By ")
                yield Input(self._by, id="report-by", placeholder="analyst, category or priority", compact=True)
            yield ProgressBar(id="report-progress", total=1.0, show_eta=False)
            yield Static("", id="report-status", classes="records-status")
            yield VerticalScroll(id="report-body")
        yield KeyBar()

    def runtime_ready(self) -> None:
        self.action_run()

    @on(Input.Submitted)
    def _submitted(self, _event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        """Build the report for the period and breakdown typed."""
        if self.runtime is None:
            return
        self._seq += 1
        period = self.query_one("#report-period", Input).value
        by = self.query_one("#report-by", Input).value.strip().lower() or None
        progress = self.query_one("#report-progress", ProgressBar)
        progress.display = True
        progress.update(progress=0.0)
        self._status(f"Working out the report for {period.strip() or '?'}…")
        self._build(self._seq, period, by)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _build(self, seq: int, period: str, by: str | None) -> None:
        from deskcli.core.errors import DeskError
        from deskcli.services.reports.report import ReportRequest, run_report

        runtime = self.runtime
        assert runtime is not None

        def progress(fraction: float, what: str) -> None:
            self.app.call_from_thread(self._progress, seq, fraction, what)

        try:
            made = run_report(
                runtime.store, runtime.actor(), ReportRequest(period=period, by=by),
                policies=runtime.policies, zone=runtime.settings.zone(), calendar=runtime.calendar(), progress=progress,
            )
        except DeskError as error:
            self.app.call_from_thread(self._refused, seq, str(error))
            return
        self.app.call_from_thread(self._show, seq, made)

    def _progress(self, seq: int, fraction: float, what: str) -> None:
        if seq == self._seq:
            self.query_one("#report-progress", ProgressBar).update(progress=fraction)
            self._status(f"{fraction:.0%} · {what}…")

    def _refused(self, seq: int, message: str) -> None:
        if seq == self._seq:
            self.query_one("#report-progress", ProgressBar).display = False
            self._status(message, bad=True)

    def _status(self, message: str, *, bad: bool = False) -> None:
        status = self.query_one("#report-status", Static)
        status.set_class(bad, "-bad")
        status.update(safe_text(message))

    def _show(self, seq: int, report: Report) -> None:
        if seq != self._seq:
            return
        self.report = report
        self.query_one("#report-progress", ProgressBar).display = False
        body = self.query_one("#report-body", VerticalScroll)
        body.remove_children()
        head = f"{report.period.label}, beside {report.previous.label}" + (f", by {report.by}" if report.by else "")
        if report.empty:
            self._status(f"{head}: no calls on record yet, so there is nothing to report.")
            return
        self._status(head + ". Each figure is worked out from the event log; its definition is under it.")
        body.mount_all([Static(self._glance(report), id="report-glance", classes="report-metric"),
                        *(self._metric(metric, report) for metric in report.metrics)])
        body.scroll_home(animate=False)
        body.focus()  # the arrow keys and page keys now scroll the report; enter a field to change it

    @staticmethod
    def _glance(report: Report) -> Table:
        """Every metric's headline figure beside the previous period's, with its weekly trend in one line."""
        from deskcli.services.reports.render import change_text, sparkline, value_text

        table = Table(box=None, show_edge=False, pad_edge=False, title="At a glance", title_justify="left",
                      title_style="bold")
        table.add_column("")
        table.add_column(report.period.short, justify="right")
        table.add_column(report.previous.short, justify="right")
        table.add_column("change", justify="right")
        table.add_column(f"{len(report.metrics[0].trend) if report.metrics else 0} weeks", no_wrap=True)
        for metric in report.metrics:
            figure = metric.current[0]
            before = metric.previous_of(figure.key)
            trend = sparkline([point.figure.value for point in metric.trend])
            table.add_row(safe_text(figure.label), value_text(figure), value_text(before), change_text(figure, before), trend)
        return table

    def _metric(self, metric: MetricReport, report: Report) -> Vertical:
        from deskcli.services.reports.render import change_text, value_text

        table = Table(box=None, show_edge=False, pad_edge=False, expand=False)
        table.add_column(Text(metric.title, style="bold"), no_wrap=True)
        table.add_column(report.period.short, justify="right")
        table.add_column(report.previous.short, justify="right")
        table.add_column("change", justify="right")
        for figure in metric.current[:HEADLINES]:
            before = metric.previous_of(figure.key)
            table.add_row(safe_text(figure.label), value_text(figure), value_text(before), change_text(figure, before))
        parts: list = [Static(table)]
        chart = self._chart(metric, report)
        if chart is not None:
            parts.append(Static(chart))
        values = [point.figure.value for point in metric.trend]
        if any(value is not None for value in values):
            first, last = metric.trend[0].week.first, metric.trend[-1].week.last
            parts.append(Static(safe_text(f"  weekly {metric.trend[0].figure.label}, {first:%d %b} to {last:%d %b}:"), classes="records-help"))
            parts.append(Sparkline([value or 0.0 for value in values], summary_function=max))
        parts.append(Static(safe_text(metric.definition), classes="report-definition"))
        return Vertical(*parts, classes="report-metric", id=f"report-{metric.key}")

    @staticmethod
    def _chart(metric: MetricReport, report: Report) -> Text | None:
        """Bars: each group's headline figure, or the scores, or the most frequent issues."""
        from deskcli.services.reports.render import value_text

        if metric.groups:
            items = [(group.label, group.figures[0].value, value_text(group.figures[0])) for group in metric.groups]
            return bars(items)
        if metric.key == "satisfaction":
            scores = [f for f in metric.current if f.key.startswith("score_")]
            return bars([(f.label, f.numerator, f"{f.numerator:,.0f}") for f in scores]) if scores else None
        if metric.key == "issues":
            found = [f for f in metric.current if f.key.startswith(("category:", "article:"))]
            return bars([(f.label, f.value, f"{f.value:,.0f}") for f in found]) if found else None
        return None

    def action_back(self) -> None:
        """Back to where the report was opened from."""
        self.app.pop_screen()
