"""Record a promise: a call-back instead of a hold, or any "I'll ring you at 3.05"."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from deskcli.core.enums import CommitmentKind
from deskcli.screens.modal import Dialog
from deskcli.widgets.time_field import TimeField


class PromiseScreen(Dialog[tuple[CommitmentKind, datetime, str] | None]):
    """Returns (kind, due time, description)."""

    BINDINGS = [Binding("ctrl+s", "save", "Save promise", id="promise.save", priority=True)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("A promise to the caller", classes="dialog-title")
            yield Static("Do not promise what you may not be able to keep.", classes="dialog-help")
            with RadioSet(id="kind", compact=True):
                yield RadioButton("Call-back (instead of holding)", value=True, id="callback", compact=True)
                yield RadioButton("Other promise", id="promise", compact=True)
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
        pressed = self.query_one("#kind", RadioSet).pressed_button
        kind = CommitmentKind.CALLBACK if pressed is None or pressed.id == "callback" else CommitmentKind.PROMISE
        what = self.query_one("#what", Input).value.strip() or ("Call back" if kind is CommitmentKind.CALLBACK else "Promise")
        self.dismiss((kind, field.result.when, what))
