"""Reviewing one escalated call (seed 004): what the records say, point by point, and the reviewer's marks.

The checks come from the call's events. The reviewer gives each point a score (1-5)
and a comment, says what should have happened (the expected outcome, which becomes
the answer key if the call is exported as a practice caller), may book the feedback
meeting with the analyst, and saves (ctrl+s). ctrl+e exports the reviewed call as a
scenario; ctrl+t shows its timeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Input, Label, Static

from deskcli.screens.base import DeskScreen
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.safe import safe_text
from deskcli.widgets.time_field import TimeField

if TYPE_CHECKING:
    from deskcli.services.records.review import ReviewContext, ReviewRequest, ReviewView

POINTS = (
    ("when", "When escalated"),
    ("department", "Right department"),
    ("assessment", "Assessment"),
    ("customer", "Customer happy"),
    ("promises", "Promises kept"),
    ("sla", "SLA met"),
)
"""The points marked (the service's ``POINTS``, with short labels that fit 80 columns)."""


class ReviewScreen(DeskScreen):
    """One escalated call under review."""

    CSS_PATH = Path(__file__).parent / "records.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save review", id="review.save", priority=True),
        Binding("ctrl+e", "export", "Export as scenario", id="review.export", priority=True),
        Binding("ctrl+t", "timeline", "Timeline", id="review.timeline", priority=True),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self, call_id: int) -> None:
        super().__init__()
        self.call_id = call_id
        self.view: ReviewView | None = None
        self._filled = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="records-body"):
            yield Static("Loading the call…", id="review-record")
            yield DataTable(id="review-checks", cursor_type="row", show_cursor=False)
            with Vertical(id="review-form"):
                yield Static("Your marks: 1 (poor) to 5 (very good), and a comment", classes="records-help")
                for key, label in POINTS:
                    with Horizontal(classes="mark-row"):
                        yield Label(label)
                        yield Input(placeholder="1-5", id=f"score-{key}", classes="mark-score", compact=True, max_length=1)
                        yield Input(placeholder="comment", id=f"comment-{key}", compact=True)
                with Horizontal(classes="mark-row"):
                    yield Label("Should have been")
                    yield Input(id="expected", placeholder="escalate ROUTE TYPE, resolve or transfer", compact=True)
                with Horizontal(classes="mark-row"):
                    yield Label("Triggers")
                    yield Input(id="expected-triggers", placeholder="trigger keys, comma separated", compact=True)
                with Horizontal(classes="mark-row"):
                    yield Label("Overall")
                    yield Input(id="review-comment", placeholder="what to go over with the analyst", compact=True)
                yield Label("Feedback meeting with the analyst (optional)")
                yield TimeField(self._parse_time, placeholder="e.g. tomorrow 10am, fri 14:00", id="feedback")
            yield Static("", id="review-previous", classes="records-help")
        yield KeyBar()

    def _parse_time(self, text: str):
        from deskcli.services.timekeeping.timeparse import parse_when

        runtime = self.runtime
        assert runtime is not None
        return parse_when(text, runtime.clock.now(), runtime.settings.zone())

    def on_mount(self) -> None:
        self.query_one("#review-checks", DataTable).add_columns("Point", "Records", "What they say")
        super().on_mount()

    def runtime_ready(self) -> None:
        self._run("load")

    def _record_context(self) -> ReviewContext:
        from deskcli.services.records.review import ReviewContext

        runtime = self.runtime
        assert runtime is not None
        return ReviewContext(runtime.policies, runtime.calendar(), runtime.settings.zone())

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def _run(self, what: str, request: ReviewRequest | None = None) -> None:
        from deskcli.services.records import review

        runtime = self.runtime
        assert runtime is not None
        if what == "save":
            assert request is not None
            view = review.submit_review(runtime.store, runtime.actor(), request, self._record_context())
            booked = " The feedback meeting is in your follow-ups." if request.feedback_at is not None else ""
            self.app.call_from_thread(self.notify, f"Review saved.{booked}", markup=False, timeout=5)
        else:
            view = review.load_review(runtime.store, runtime.actor(), self.call_id, self._record_context())
        self.app.call_from_thread(self._show, view)

    def _show(self, view: ReviewView) -> None:
        self.view = view
        record = view.record
        head = Text()
        head.append_text(safe_text(record.reference, style="bold"))
        head.append("  ")
        head.append_text(safe_text(f"{record.customer} · taken by {record.analyst} · {record.status.replace('_', ' ')}"))
        head.append("\n")
        head.append_text(safe_text(record.summary or "(no summary)"))
        for line in record.escalations:
            head.append("\n→ ")
            head.append_text(safe_text(line.summary))
        self.query_one("#review-record", Static).update(head)
        table = self.query_one("#review-checks", DataTable)
        table.clear()
        for check in view.checks:
            mark = Text(check.result.upper(), style="bold reverse") if check.result == "check" else Text(check.result)
            table.add_row(safe_text(check.label), mark, safe_text(check.why))
        if not self._filled:
            self._filled = True
            expected = view.expected
            self.query_one("#expected", Input).value = " ".join(
                part for part in (expected.outcome, expected.route or "", expected.type or "") if part
            )
            self.query_one("#expected-triggers", Input).value = ", ".join(expected.triggers)
            self.query_one("#score-when", Input).focus()
        previous = [
            f"{saved.reviewed_at.astimezone(self._zone()):%d %b %Y %H:%M} by {saved.reviewer}: "
            + ", ".join(f"{mark.point} {mark.score}" for mark in saved.marks)
            + (" · meeting booked" if saved.feedback_promise_id else "")
            for saved in view.reviews
        ]
        self.query_one("#review-previous", Static).update(
            safe_text("Reviews so far (newest first):\n" + "\n".join(previous) if previous else "Not reviewed yet.")
        )

    def _zone(self):
        runtime = self.runtime
        assert runtime is not None
        return runtime.settings.zone()

    # --- actions --------------------------------------------------------------------------

    def _request(self) -> ReviewRequest | None:
        from deskcli.services.records.review import Expected, Mark, ReviewRequest

        marks = []
        for key, label in POINTS:
            score = self.query_one(f"#score-{key}", Input).value.strip()
            if not score.isdigit():
                self.notify(f"{label}: give a score from 1 to 5.", severity="warning", markup=False)
                self.query_one(f"#score-{key}", Input).focus()
                return None
            marks.append(Mark(key, int(score), self.query_one(f"#comment-{key}", Input).value))
        words = self.query_one("#expected", Input).value.split()
        triggers = tuple(t.strip() for t in self.query_one("#expected-triggers", Input).value.split(",") if t.strip())
        expected = (
            Expected(words[0].lower(), words[1] if len(words) > 1 else None, words[2].lower() if len(words) > 2 else None, triggers)
            if words else None
        )
        feedback = self.query_one("#feedback", TimeField)
        text = feedback.input.value.strip()
        if text and (feedback.result is None or not feedback.result.ok):
            self.notify(f"Feedback meeting: {feedback.result.error if feedback.result else 'say when'}", severity="warning", markup=False)
            return None
        return ReviewRequest(
            self.call_id, tuple(marks), self.query_one("#review-comment", Input).value, expected,
            feedback.result.when if text and feedback.result is not None else None,
        )

    def action_save(self) -> None:
        """Save the review (append-only) and book the feedback meeting if a time is given."""
        request = self._request()
        if request is not None:
            self._run("save", request)

    def action_export(self) -> None:
        """Write the reviewed call as a practice scenario (into the office's scenario folder)."""
        if self.view is None or self.view.latest is None:
            self.notify("Save a review first: the scenario's answer key comes from it.", severity="warning")
            return
        self._export()

    @work(thread=True, exclusive=True, group="review-export", exit_on_error=False)
    def _export(self) -> None:
        from deskcli.config import paths
        from deskcli.services.records.scenario_export import export_scenario

        runtime = self.runtime
        assert runtime is not None
        folder = runtime.settings.scenario_dir or paths.data_dir() / "scenarios"
        path = export_scenario(runtime.store, runtime.actor(), self.call_id, folder,
                               policies=runtime.policies, zone=runtime.settings.zone())
        hint = "" if runtime.settings.scenario_dir else f" Set scenario_dir = \"{folder}\" to play it with deskcli train."
        self.app.call_from_thread(self.notify, f"Practice caller written to {path}.{hint}", markup=False, timeout=10)

    def action_timeline(self) -> None:
        """The call's whole timeline."""
        from deskcli.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(self.call_id))

    def action_back(self) -> None:
        """Back to the list."""
        self.app.pop_screen()
