"""The console's messages on one reserved line above the keys, never over a field.

Placed last in a screen's layout (not docked: docked widgets on one edge overlap),
so it sits just above the key bar.

Pop-up toasts covered whatever was under them - at 80 columns the caller's card or
the field being typed in - and came back on every screen switch. Here the newest
message is shown in words (severity as a glyph, so it reads without colour), with
how many others are current; the palette's "Messages" lists them all.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from deskcli.widgets.safe import visible

GLYPHS = {"information": "·", "warning": "⚠", "error": "✗"}


class NoticeLine(Widget):
    """The newest current message, one line."""

    DEFAULT_CSS = """
    NoticeLine {
        height: 1;
        padding: 0 1;
    }
    NoticeLine.-warning { text-style: bold; }
    NoticeLine.-error { text-style: bold reverse; background: $error 60%; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()

    def show(self, severity: str, title: str, message: str, others: int) -> None:
        """Display one message (``others``: how many more are current)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{GLYPHS.get(severity, '·')} ")
        if title:
            text.append(f"{visible(title)}: ", style="bold")
        text.append(visible(" ".join(message.split())))
        if others:
            text.append(f"  (+{others} more: ^p Messages)", style="italic")
        self._text = text
        self.set_class(severity == "warning", "-warning")
        self.set_class(severity == "error", "-error")
        self.refresh()

    def clear(self) -> None:
        """No current message."""
        self._text = Text()
        self.remove_class("-warning", "-error")
        self.refresh()

    def render(self) -> Text:
        return self._text
