"""Reschedule a promise: a new time and the reason (both required)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskcli.screens.modal import Dialog
from deskcli.widgets.safe import safe_text
from deskcli.widgets.time_field import TimeField


@dataclass(frozen=True)
class Rescheduled:
    """The new time of a promise and why it moves."""

    due_at: datetime
    reason: str


class RescheduleScreen(Dialog[Rescheduled | None]):
    """Returns the new time and the reason, or ``None`` when cancelled."""

    BINDINGS = [Binding("ctrl+s", "save", "Reschedule", id="reschedule.save", priority=True)]

    def __init__(self, what: str) -> None:
        super().__init__()
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Reschedule a promise", classes="dialog-title")
            yield Static(safe_text(self._what), classes="dialog-help")
            yield Label("New time")
            yield TimeField(self.parse_time, placeholder="e.g. tomorrow 10am", id="due")
            yield Label("Why (required; the customer should hear it too)")
            yield Input(id="reason", compact=True)
            yield Static("ctrl+s reschedule · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(TimeField).input.focus()

    def action_save(self) -> None:
        """Reschedule when both the time and the reason are given."""
        field = self.query_one(TimeField)
        reason = self.query_one("#reason", Input).value.strip()
        if field.result is None or not field.result.ok:
            self.notify(f"New time: {field.result.error if field.result else 'say when'}", severity="warning", markup=False)
        elif not reason:
            self.notify("Reason: say why the promise moves.", severity="warning")
            self.query_one("#reason", Input).focus()
        else:
            self.dismiss(Rescheduled(field.result.when, reason))
