"""F1: every key of the screen, deskcli's own first; and the recent messages.

Textual's help panel lists the focused widget's editing keys first (cursor moves,
word deletion) and the keys that run the call last; analysts need the opposite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from deskcli.screens.modal import Dialog
from deskcli.widgets.safe import visible

if TYPE_CHECKING:
    from deskcli.ui.notices import Notice


def keys_text(screen: Screen[object]) -> Text:
    """The keys active on ``screen``: deskcli's (with their ids, for the keymap) then the rest."""
    app = screen.app
    own, others = [], []
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.action in seen or not binding.description:
            continue
        seen.add(binding.action)
        (own if binding.id else others).append(active)
    text = Text()
    text.append("deskcli's keys", style="bold underline")
    text.append("  (remap them in the config file: [keymap] id = \"keys\")\n")
    for active in own:
        binding = active.binding
        text.append(f"{app.get_key_display(binding):>10}  ", style="bold")
        text.append(binding.description)
        if binding.tooltip:
            text.append(f" - {binding.tooltip}", style="dim")
        text.append(f"  [{binding.id}]\n", style="italic")
    text.append("\n^p  the command palette: every action by name\n", style="bold")
    if others:
        text.append("\nKeys of the field in use\n", style="bold underline")
        for active in others:
            text.append(f"{app.get_key_display(active.binding):>10}  {active.binding.description}\n")
    return text


class KeysScreen(Dialog[None]):
    """The keys of the screen underneath (escape or F1 closes)."""

    BINDINGS = [Binding("f1", "cancel", "Close", id="keys.close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self._under = under

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll(classes="article-body"):
                yield Static(keys_text(self._under))
            yield Static("escape closes", classes="dialog-help")


class MessagesScreen(Dialog[None]):
    """The recent messages, newest first (escape closes)."""

    def __init__(self, notices: Sequence[Notice]) -> None:
        super().__init__()
        self._notices = list(notices)

    def compose(self) -> ComposeResult:
        text = Text()
        for notice in reversed(self._notices):
            mark = {"error": "✗", "warning": "⚠"}.get(notice.severity, "·")
            text.append(f"{mark} ")
            if notice.title:
                text.append(f"{visible(notice.title)}: ", style="bold")
            text.append(visible(notice.message))
            if notice.count > 1:
                text.append(f" (×{notice.count})", style="italic")
            text.append("\n")
        with Vertical(classes="dialog wide"):
            yield Static("Messages", classes="dialog-title")
            with VerticalScroll(classes="article-body"):
                yield Static(text or Text("No messages yet."))
            yield Static("escape closes", classes="dialog-help")
