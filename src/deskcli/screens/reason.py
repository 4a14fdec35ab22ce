"""Ask for a short text before an action: the reason to reopen a call, the note of a progress call."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskcli.screens.modal import Dialog
from deskcli.widgets.safe import safe_text


class ReasonScreen(Dialog[str | None]):
    """Returns the text typed (``None`` when cancelled); ``required`` refuses an empty one."""

    BINDINGS = [Binding("enter", "save", "Save", id="reason.save", priority=True)]
    DEFAULT_CSS = "ReasonScreen { align: center middle; }"

    def __init__(self, title: str, help_text: str, *, required: bool = True, placeholder: str = "") -> None:
        super().__init__()
        self._title = title
        self._help = help_text
        self._required = required
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text(self._title), classes="dialog-title")
            yield Static(safe_text(self._help), classes="dialog-help")
            yield Input(id="reason-text", placeholder=self._placeholder, compact=True)
            yield Static("enter save · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_save(self) -> None:
        """Hand back the text (refused when it is required and empty)."""
        text = self.query_one(Input).value.strip()
        if self._required and not text:
            self.notify("Say why (required).", severity="warning")
            return
        self.dismiss(text)
