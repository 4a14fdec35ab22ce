"""Record a promise: a call-back instead of a hold, or any "I'll ring you at 3.05"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskcli.core.enums import CommitmentKind
from deskcli.screens.modal import Dialog
from deskcli.widgets.choice import Choice, Option
from deskcli.widgets.time_field import TimeField


@dataclass(frozen=True)
class PromiseResult:
    """The promise as the analyst gave it."""

    kind: CommitmentKind
    due_at: datetime
    description: str


class PromiseScreen(Dialog[PromiseResult | None]):
    """Returns the promise made, or ``None`` when cancelled."""

    BINDINGS = [Binding("ctrl+s", "save", "Save promise", id="promise.save", priority=True)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("A promise to the caller", classes="dialog-title")
            yield Static("Do not promise what you may not be able to keep.", classes="dialog-help")
            yield Choice(
                [Option("Call-back (instead of holding)", CommitmentKind.CALLBACK.value, "c"),
                 Option("Other promise", CommitmentKind.PROMISE.value, "o")],
                value=CommitmentKind.CALLBACK.value, id="kind",
            )
            yield Label("When")
            yield TimeField(self.parse_time, placeholder="e.g. 15:05, +30 min, tomorrow 10am", id="due")
            yield Label("What was promised")
            yield Input(placeholder="e.g. Ring back to check the technician arrived", id="what", compact=True)
            yield Static("ctrl+s save · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(TimeField).input.focus()

    def action_save(self) -> None:
        """Record the promise when its time is understood."""
        field = self.query_one(TimeField)
        if field.result is None or not field.result.ok:
            reason = field.result.error if field.result else "say when"
            self.notify(f"When: {reason}", severity="warning", markup=False)
            return
        kind = CommitmentKind(self.query_one("#kind", Choice).value or CommitmentKind.CALLBACK)
        what = self.query_one("#what", Input).value.strip() or ("Call back" if kind is CommitmentKind.CALLBACK else "Promise")
        self.dismiss(PromiseResult(kind, field.result.when, what))
