"""The trainer's clock: move time forward so SLA warnings and promise reminders fire."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from deskcli.screens.modal import Dialog
from deskcli.widgets.time_field import TimeField


class ClockScreen(Dialog[datetime | None]):
    """Returns the moment to move the clock to (``None``: leave it)."""

    BINDINGS = [
        Binding("ctrl+s", "typed", "Move to the typed time", id="clock.typed", priority=True),
        Binding("1", "jump('1')", "+15 min", id="clock.1", show=False),
        Binding("2", "jump('2')", "+1 hour", id="clock.2", show=False),
        Binding("3", "jump('3')", "+4 hours", id="clock.3", show=False),
        Binding("4", "jump('4')", "Next morning", id="clock.4", show=False),
    ]

    def compose(self) -> ComposeResult:
        from deskcli.core.timefmt import when
        from deskcli.services.training.practice import clock_jumps

        runtime = self.runtime
        now = runtime.clock.now()
        zone = runtime.settings.zone()
        self._jumps = {jump.key: jump for jump in clock_jumps(now, runtime.calendar())}
        choices = []
        for jump in self._jumps.values():
            label = Text()
            label.append(f" {jump.key} ", style="bold reverse")
            label.append(f" {jump.label}: {when(jump.to, zone, now)}")
            choices.append(Option(label, id=jump.key))
        with Vertical(classes="dialog"):
            yield Static("Move the clock", classes="dialog-title")
            yield Static(Text(f"It is now {now.astimezone(zone):%a %d %b %H:%M}. Promises, holds and SLA clocks follow it."), classes="dialog-help")
            yield OptionList(*choices, id="clock-jumps")
            yield Label("Or type a time (e.g. +2h, tomorrow 9:00) and press ctrl+s")
            yield TimeField(self.parse_time, placeholder="+2h, 16:55, tomorrow 9am", id="clock-to")
            yield Static("1-4 or enter: jump · tab, type, ctrl+s: typed time · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#clock-jumps").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id in self._jumps:
            self.dismiss(self._jumps[event.option.id].to)

    def action_jump(self, key: str) -> None:
        """One of the quick moves."""
        # Only reached while the list has focus: in the time field, digits are typed.
        self.dismiss(self._jumps[key].to)

    def action_typed(self) -> None:
        """The typed time, once it is understood."""
        field = self.query_one(TimeField)
        if field.result is None or not field.result.ok:
            self.notify(f"Time: {field.result.error if field.result else 'type a time first'}", severity="warning", markup=False)
            return
        self.dismiss(field.result.when)
