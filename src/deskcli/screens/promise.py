"""Record a promise: a call-back instead of a hold, or any "I'll ring you at 3.05".

A call-back proposes its time from the office's call-back policy (``[call_back]`` in
``call_handling.toml``) and the number to ring (the one the call came in on, else the
customer's first phone), and shows the words to tell the caller with both filled in;
all of it can be changed before ctrl+s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskcli.core.enums import CommitmentKind
from deskcli.core.errors import RuleViolation
from deskcli.screens.modal import Dialog
from deskcli.widgets.choice import Choice, Option
from deskcli.widgets.safe import safe_text
from deskcli.widgets.time_field import TimeField


@dataclass(frozen=True)
class PromiseResult:
    """The promise as the analyst gave it."""

    kind: CommitmentKind
    due_at: datetime
    description: str
    contact_number: str = ""
    """The number to ring (required for a call-back)."""


class PromiseScreen(Dialog[PromiseResult | None]):
    """Returns the promise made, or ``None`` when cancelled."""

    BINDINGS = [Binding("ctrl+s", "save", "Save promise", id="promise.save", priority=True)]

    def __init__(self, number: str = "") -> None:
        super().__init__()
        self._number = number
        """The number proposed to ring (the caller's)."""

    def _proposed_time(self) -> str:
        """The call-back time the policy proposes, as the field shows it ("" for none)."""
        from deskcli.services.lifecycle import callbacks

        runtime = self.runtime
        due = callbacks.propose_time(runtime.clock.now(), runtime.policies.call_handling.call_back, runtime.calendar())
        return "" if due is None else f"{due.astimezone(runtime.settings.zone()):%Y-%m-%d %H:%M}"

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
            yield TimeField(self.parse_time, value=self._proposed_time(), placeholder="e.g. 15:05, +30 min, tomorrow 10am", id="due")
            yield Label("Number to ring", id="number-label")
            yield Input(self._number, placeholder="e.g. 020 7946 0101", id="number", compact=True)
            yield Label("What was promised")
            yield Input(placeholder="e.g. Ring back to check the technician arrived", id="what", compact=True)
            yield Static("", id="say", classes="say-this")
            yield Static("ctrl+s save · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(TimeField).input.focus()
        self._show_words()

    def _kind(self) -> CommitmentKind:
        return CommitmentKind(self.query_one("#kind", Choice).value or CommitmentKind.CALLBACK)

    @on(Choice.Changed, "#kind")
    @on(TimeField.Changed, "#due")
    @on(Input.Changed, "#number")
    def _show_words(self) -> None:
        """The words to tell the caller, for a call-back, with the time and number as they stand."""
        from deskcli.services.lifecycle import callbacks

        runtime = self.runtime
        callback = self._kind() is CommitmentKind.CALLBACK
        self.query_one("#number-label", Label).update("Number to ring" + ("" if callback else " (if any)"))
        field = self.query_one(TimeField)
        due = field.result.when if field.result is not None and field.result.ok else None
        words = callbacks.words(
            runtime.policies.call_handling.call_back.say, due=due, number=self.query_one("#number", Input).value,
            zone=runtime.settings.zone(), now=runtime.clock.now(),
        ) if callback else ""
        say = self.query_one("#say", Static)
        say.update(safe_text(f"Say: {words}" if words else ""))
        say.display = bool(words)

    def action_save(self) -> None:
        """Record the promise when its time is understood and a call-back has its number."""
        from deskcli.services.lifecycle import commitments

        field = self.query_one(TimeField)
        if field.result is None or not field.result.ok:
            reason = field.result.error if field.result else "say when"
            self.notify(f"When: {reason}", severity="warning", markup=False)
            return
        kind = self._kind()
        try:
            number = commitments.contact_number_for(kind, self.query_one("#number", Input).value)
        except RuleViolation as refused:
            self.notify(str(refused), severity="warning", markup=False)
            self.query_one("#number", Input).focus()
            return
        what = self.query_one("#what", Input).value.strip() or ("Call back" if kind is CommitmentKind.CALLBACK else "Promise")
        self.dismiss(PromiseResult(kind, field.result.when, what, number))
