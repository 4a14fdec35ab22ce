"""Choose the practice caller (``deskcli train`` without a scenario)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskcli.screens.modal import Dialog


class PracticePicker(Dialog[str | None]):
    """Returns the chosen scenario's key (``None``: no practice now)."""

    BINDINGS = [Binding("enter", "choose", "Play this caller", id="practice.choose", show=False)]

    def __init__(self, scenarios: Sequence[tuple[str, str, str, str]]) -> None:
        """``scenarios``: (key, title, summary, outcome) for each practice caller."""
        super().__init__()
        self._scenarios = list(scenarios)

    def compose(self) -> ComposeResult:
        options = []
        for key, title, summary, outcome in self._scenarios:
            label = Text()
            label.append(title, style="bold")
            label.append(f"  ({key}, {outcome})\n", style="dim")
            label.append(summary)
            options.append(Option(label, id=key))
        with Vertical(classes="dialog wide"):
            yield Static("Practice caller", classes="dialog-title")
            yield Static("Pick who calls. F10 advances the caller, ctrl+k moves the clock, F12 scores the call.", classes="dialog-help")
            yield OptionList(*options, id="scenarios")
            yield Static("enter play · escape not now", classes="dialog-help")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self) -> None:
        """Play the highlighted scenario."""
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)
