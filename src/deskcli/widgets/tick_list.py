"""A list of things to tick (escalation triggers), each shown ``[X]`` or ``[ ]``.

Textual's ``SelectionList`` draws the same mark either way (colour tells them
apart, which ``NO_COLOR`` removes) and lost its highlight whenever its options were
rebuilt. Here the mark is a glyph, space or Enter toggles the highlighted item,
and updating the items in place keeps the highlight where the analyst left it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class TickItem:
    """One line: its key, its text, and whether it is ticked."""

    key: str
    label: Text
    ticked: bool


class TickList(OptionList):
    """Items with a tick box each; the analyst toggles them with space or Enter."""

    BINDINGS = [Binding("space", "toggle", "Tick", show=False)]

    class Toggled(Message):
        """The analyst ticked or unticked an item (never posted for changes from code)."""

        def __init__(self, tick_list: TickList, key: str, ticked: bool) -> None:
            super().__init__()
            self.tick_list = tick_list
            self.key = key
            self.ticked = ticked

        @property
        def control(self) -> TickList:
            """The list."""
            return self.tick_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._items: list[TickItem] = []

    @property
    def ticked(self) -> set[str]:
        """The keys ticked now."""
        return {item.key for item in self._items if item.ticked}

    def set_items(self, items: Sequence[TickItem]) -> None:
        """Show these items; when the keys are the same, the lines change in place."""
        items = list(items)
        same_keys = [item.key for item in items] == [item.key for item in self._items]
        self._items = items
        if same_keys:
            for item in items:
                self.replace_option_prompt(item.key, self._prompt(item))
            return
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._prompt(item), id=item.key) for item in items])
        if items:
            self.highlighted = min(highlighted or 0, len(items) - 1)

    @staticmethod
    def _prompt(item: TickItem) -> Text:
        text = Text("[X] " if item.ticked else "[ ] ", style="bold" if item.ticked else "")
        text.append_text(item.label)
        return text

    def action_toggle(self) -> None:
        """Tick or untick the highlighted item."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self._items):
            return
        item = self._items[index]
        flipped = TickItem(item.key, item.label, not item.ticked)
        self._items[index] = flipped
        self.replace_option_prompt(item.key, self._prompt(flipped))
        self.post_message(self.Toggled(self, item.key, flipped.ticked))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle()
