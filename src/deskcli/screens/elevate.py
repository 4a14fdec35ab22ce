"""Elevation: raise the call's priority by hand, with the reason (seed 000: "Escalation is
also referred to as 'Elevation' ... used to mean making a call higher priority")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskcli.screens.modal import Dialog
from deskcli.widgets.choice import Choice, Option
from deskcli.widgets.safe import safe_text

if TYPE_CHECKING:
    from deskcli.services.actions.elevation import Elevated

PRIORITIES = [Option("P1 critical", 1, "1"), Option("P2 high", 2, "2"), Option("P3 medium", 3, "3"), Option("P4 low", 4, "4")]


class ElevateScreen(Dialog["Elevated | None"]):
    """Asks the new priority and why, and raises it; returns what was done (``None``: cancelled).

    A refusal (not higher than now, no reason) is shown here and the dialog stays open,
    so the reason typed is not lost.
    """

    BINDINGS = [Binding("ctrl+s", "save", "Raise it", id="elevate.save", priority=True)]
    DEFAULT_CSS = "ElevateScreen { align: center middle; }"

    def __init__(self, call_id: int, now_said: str, reason: str) -> None:
        super().__init__()
        self._call_id = call_id
        self._now_said = now_said
        self._reason = reason
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Raise the priority (elevation)", classes="dialog-title")
            now = f"Now {self._now_said}" + (f": {self._reason}" if self._reason else ".")
            yield Static(safe_text(now), id="elevate-now", classes="dialog-help")
            yield Label("New priority (type its digit)")
            yield Choice(PRIORITIES, id="elevate-priority")
            yield Label("Why (required; kept on the call's timeline)")
            yield Input(id="elevate-reason", compact=True, max_length=250,
                        placeholder="e.g. the payroll run is due at 16:00 today")
            yield Static("", id="elevate-error", classes="error")
            yield Static("ctrl+s raise it · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#elevate-priority", Choice).focus()

    def on_choice_changed(self, event: Choice.Changed) -> None:
        if event.value is not None:
            self.query_one("#elevate-reason", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def _refused(self, text: str) -> None:
        self._saving = False
        self.query_one("#elevate-error", Static).update(safe_text(text))

    def action_save(self) -> None:
        """Raise the priority: the use case refuses a priority that is not higher."""
        chosen = self.query_one("#elevate-priority", Choice).value
        reason = self.query_one("#elevate-reason", Input).value.strip()
        if chosen is None:
            self._refused("Choose the new priority: type 1, 2, 3 or 4.")
            return
        if not reason:
            self._refused("Say why the priority is raised (required).")
            return
        if self._saving:
            return
        self._saving = True
        call_id, priority = self._call_id, int(chosen)  # type: ignore[call-overload]

        def job(runtime: Any) -> Elevated:
            from deskcli.services.actions import elevation

            return elevation.elevate(
                runtime.store, runtime.actor(), call_id, priority=priority, reason=reason,
                policies=runtime.policies, zone=runtime.settings.zone(), calendar=runtime.calendar(),
            )

        self.desk.flow.submit(job, self.dismiss, lambda error: self._refused(self.desk.describe_error(error)))
