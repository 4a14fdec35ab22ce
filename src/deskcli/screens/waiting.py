"""Waiting on the customer: what for (the SLA clock stops until they come back)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskcli.screens.modal import Dialog


class WaitingScreen(Dialog[str | None]):
    """Returns the reason the desk is waiting on the customer."""

    BINDINGS = [Binding("ctrl+s", "save", "Stop the clock", id="waiting.save", priority=True)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Waiting on the customer", classes="dialog-title")
            yield Static("The SLA clock stops until they come back (F7 again restarts it).", classes="dialog-help")
            yield Label("What are we waiting for?")
            yield Input(id="reason", compact=True, placeholder="e.g. the customer will test after lunch and ring back")
            yield Static("ctrl+s stop the clock · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Stop the clock with this reason."""
        reason = self.query_one(Input).value.strip()
        if not reason:
            self.notify("Say what the desk is waiting for.", severity="warning")
            return
        self.dismiss(reason)
