"""The abusive-caller protocol, one key from any stage (seed 002).

Shows the exact line to say for the next step - warning, warning with its
consequence, then transfer to a manager or disconnect - and logs each step with its
time. After acting, the manager must be filled in: the note is required.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from deskcli.screens.modal import Dialog
from deskcli.core.timefmt import when
from deskcli.widgets.safe import safe_text, visible

if TYPE_CHECKING:
    from deskcli.app import DeskApp


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
                with RadioSet(id="ending", compact=True):
                    yield RadioButton("Transfer to a manager", value=True, id="transfer", compact=True)
                    yield RadioButton("Disconnect", id="disconnect", compact=True)
                yield Label("Manager you filled in")
                yield Input(id="manager", placeholder="e.g. Priya Shah, help desk manager", compact=True)
                yield Label("What you told them")
                yield Input(id="note", placeholder="the situation, what was said, what you did", compact=True)

    def on_mount(self) -> None:
        view = cast("DeskApp", self.app).flow.view
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
        pressed = self.query_one("#ending", RadioSet).pressed_button
        return "disconnect" if pressed is not None and pressed.id == "disconnect" else "transfer"

    @on(RadioSet.Changed, "#ending")
    def _ending_changed(self) -> None:
        self._show()

    @work(thread=True, exclusive=True, group="abuse-log", exit_on_error=False)
    def _load_log(self) -> None:
        from deskcli.models import EventKind
        from deskcli.services.lifecycle import events

        app = cast("DeskApp", self.app)
        call_id = app.flow.call_id
        runtime = self.runtime
        if call_id is None:
            return
        with runtime.store.read() as session:
            steps = [
                e for e in reversed(events.timeline(session, call_id, limit=500))
                if e.kind in (EventKind.WARNING_GIVEN, EventKind.TRANSFERRED, EventKind.DISCONNECTED)
            ]
        self.app.call_from_thread(self._show_log, steps)

    def _show_log(self, steps) -> None:  # noqa: ANN001
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
        app = cast("DeskApp", self.app)
        call_id = app.flow.call_id
        if call_id is None or self._done:
            return
        if self._warnings < 2:

            def warn(runtime):  # noqa: ANN001, ANN202
                from deskcli.services.lifecycle import abuse

                with runtime.store.write() as session:
                    return abuse.give_warning(session, call_id, runtime.actor(), policy=runtime.policies.abuse).abuse_warnings

            app.flow.write(warn, self._warned)
            return
        ending = self._ending()
        manager = self.query_one("#manager", Input).value
        note = self.query_one("#note", Input).value

        def act(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import abuse

            with runtime.store.write() as session:
                abuse.end_abusive_call(
                    session, call_id, abuse.Ending(ending), runtime.actor(),
                    policy=runtime.policies.abuse, manager=manager, note=note,
                )

        app.flow.write(act, lambda _r: self._ended(ending, manager))

    def _warned(self, count: int) -> None:
        self._warnings = count
        self._show()
        self._load_log()

    def _ended(self, ending: str, manager: str) -> None:
        self._done = True
        what = f"Transferred to {visible(manager)}" if ending == "transfer" else "Call disconnected"
        self.notify(f"{what}; logged with the manager's note.", markup=False, timeout=6)
        self.dismiss(None)
