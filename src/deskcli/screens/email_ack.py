"""Acknowledge by e-mail: the reference, summary and when to expect the next contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from deskcli.screens.modal import Dialog
from deskcli.widgets.safe import safe_text
from deskcli.widgets.time_field import TimeField


@dataclass(frozen=True)
class SendAcknowledgement:
    """Send the acknowledgement, with the next-contact time told to the caller (if any)."""

    next_contact: datetime | None


class EmailAckScreen(Dialog[SendAcknowledgement | None]):
    """Returns what to send, or ``None`` when cancelled."""
    BINDINGS = [Binding("ctrl+s", "send", "Send", id="email_ack.send", priority=True)]

    def __init__(self, address: str) -> None:
        super().__init__()
        self._address = address

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("E-mail acknowledgement", classes="dialog-title")
            yield Static(safe_text(f"To: {self._address}"))
            yield Label("When can they expect to hear from us? (optional; it becomes a promise)")
            yield TimeField(self.parse_time, placeholder="e.g. 16:00, tomorrow 10am, +2h", id="next-contact")
            yield Static("ctrl+s send · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(TimeField).input.focus()

    def action_send(self) -> None:
        """Send with the next-contact time, if one was given and understood."""
        field = self.query_one(TimeField)
        if field.result is None:
            self.dismiss(SendAcknowledgement(None))
        elif field.result.ok:
            self.dismiss(SendAcknowledgement(field.result.when))
        else:
            self.notify(f"Next contact: {field.result.error}", severity="warning", markup=False)
