"""The abusive-caller protocol, one key from any stage (seed 002).

Shows the exact line to say for the next step - warning, warning with its
consequence, then transfer to a manager or disconnect - and logs each step with its
time. After acting, the manager must be filled in: the note is required.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskcli.core.timefmt import when
from deskcli.screens.modal import Dialog
from deskcli.widgets.choice import Choice, Option
from deskcli.widgets.safe import safe_text, visible

if TYPE_CHECKING:
    from deskcli.models import CallEvent


class AbuseScreen(Dialog[None]):
    """Warning 1 → warning 2 → transfer or disconnect, each logged."""

    BINDINGS = [Binding("ctrl+s", "next_step", "Said it: log this step", id="abuse.next", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self._warnings = 0
        self._done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="abuse"):
            yield Static("Abusive caller: warning protocol", classes="dialog-title")
            yield Static(
                "Under no circumstances is abuse to be tolerated. Say the line, then ctrl+s to log it. "
                "Escape returns to the call if the behaviour stops.",
                classes="dialog-help",
            )
            yield Static("", id="abuse-steps")
            yield Static("Say:", classes="section-title")
            yield Static("", id="abuse-line", classes="say-this")
            with Vertical(id="abuse-act", classes="hidden"):
                yield Choice(
                    [Option("Transfer to a manager", "transfer", "t"), Option("Disconnect", "disconnect", "d")],
                    value="transfer", id="ending",
                )
                yield Label("Manager you filled in")
                yield Input(id="manager", placeholder="e.g. Priya Shah, help desk manager", compact=True)
                yield Label("What you told them")
                yield Input(id="note", placeholder="the situation, what was said, what you did", compact=True)

    def on_mount(self) -> None:
        view = self.desk.flow.view
        self._warnings = view.call.abuse_warnings if view else 0
        self._show()
        self._load_log()

    def _show(self) -> None:
        policy = self.runtime.policies.abuse
        acting = self._warnings >= 2
        self.query_one("#abuse-act").set_class(not acting, "hidden")
        if acting:
            ending = self._ending()
            line = policy.transfer if ending == "transfer" else policy.disconnect
            self.query_one("#abuse-line", Static).update(safe_text(f"“{line}”"))
            self.query_one("#manager", Input).focus()
        else:
            line = policy.warning_1 if self._warnings == 0 else policy.warning_2
            self.query_one("#abuse-line", Static).update(safe_text(f"“{line}”"))

    def _ending(self) -> str:
        return "disconnect" if self.query_one("#ending", Choice).value == "disconnect" else "transfer"

    @on(Choice.Changed, "#ending")
    def _ending_changed(self) -> None:
        self._show()

    @work(thread=True, exclusive=True, group="abuse-log", exit_on_error=False)
    def _load_log(self) -> None:
        from deskcli.services.actions import abuse

        call_id = self.desk.flow.call_id
        if call_id is None:
            return
        steps = abuse.protocol_log(self.runtime.store, call_id)
        self.app.call_from_thread(self._show_log, steps)

    def _show_log(self, steps: list[CallEvent]) -> None:
        runtime = self.runtime
        zone, now = runtime.settings.zone(), runtime.clock.now()
        text = Text()
        labels = {"warning_given": "Warning", "transferred": "Transferred", "disconnected": "Disconnected"}
        for event in steps:
            number = event.payload.get("number", "")
            text.append(f"✓ {when(event.at, zone, now)} {labels.get(event.kind, event.kind)} {number}\n")
        remaining = ["Warning 1", "Warning 2 (with its consequence)", "Transfer or disconnect, then fill in the manager"]
        for label in remaining[len(steps):]:
            text.append(f"· {label}\n", style="dim")
        self.query_one("#abuse-steps", Static).update(text)

    def action_next_step(self) -> None:
        """Log the step just said."""
        flow = self.desk.flow
        call_id = flow.call_id
        if call_id is None or self._done:
            return
        if self._warnings < 2:

            def warn(runtime):
                from deskcli.services.actions import abuse

                return abuse.give_warning(runtime.store, runtime.actor(), call_id, policy=runtime.policies.abuse)

            flow.submit(warn, self._warned)
            return
        ending = self._ending()
        manager = self.query_one("#manager", Input).value
        note = self.query_one("#note", Input).value

        def act(runtime):
            from deskcli.services.actions import abuse

            abuse.end_abusive_call(
                runtime.store, runtime.actor(), call_id, abuse.Ending(ending),
                policy=runtime.policies.abuse, manager=manager, note=note,
            )

        flow.submit(act, lambda _r: self._ended(ending, manager))

    def _warned(self, count: int) -> None:
        self._warnings = count
        self._show()
        self._load_log()

    def _ended(self, ending: str, manager: str) -> None:
        self._done = True
        what = f"Transferred to {visible(manager)}" if ending == "transfer" else "Call disconnected"
        self.notify(f"{what}; logged with the manager's note.", markup=False, timeout=6)
        self.dismiss(None)
