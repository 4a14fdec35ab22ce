"""A time field that shows how the typed time was understood before it is saved.

"15:05", "tomorrow 10am", "+2h" … the resolved local time (or why it cannot be
used) appears under the field as the analyst types. The parser is given by the
screen, so the widget stays free of services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from deskcli.widgets.safe import safe_text


class Parsed(Protocol):
    """What the parser returns (``deskcli.services.timekeeping.timeparse.ParsedTime``)."""

    @property
    def ok(self) -> bool: ...

    understood: str
    error: str | None


class TimeField(Vertical):
    """An input for a moment, with a live preview of its meaning."""

    class Changed(Message):
        """The typed time changed (read :attr:`TimeField.result` for its meaning)."""

        def __init__(self, field: TimeField) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> TimeField:
            """The field that changed."""
            return self.field

    DEFAULT_CSS = """
    TimeField { height: auto; }
    TimeField > .time-preview { color: $text-muted; padding-left: 1; }
    TimeField > .time-preview.-bad { color: $error; text-style: bold; }
    """

    def __init__(self, parse: Callable[[str], Parsed], *, value: str = "", placeholder: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._parse = parse
        self._value = value
        self._placeholder = placeholder
        self.result: Parsed | None = None
        """How the current text was understood (``None`` while empty)."""

    def compose(self) -> ComposeResult:
        yield Input(self._value, placeholder=self._placeholder, compact=True)
        yield Static("", classes="time-preview")

    def on_mount(self) -> None:
        self._update(self._value)

    @property
    def input(self) -> Input:
        """The text field itself."""
        return self.query_one(Input)

    @property
    def value(self) -> str:
        """The text typed."""
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text
        self._update(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._update(event.value)
        self.post_message(self.Changed(self))

    def _update(self, text: str) -> None:
        preview = self.query_one(".time-preview", Static)
        if not text.strip():
            self.result = None
            preview.update("")
            preview.remove_class("-bad")
            return
        self.result = self._parse(text)
        bad = not self.result.ok
        preview.set_class(bad, "-bad")
        preview.update(safe_text(f"✗ {self.result.error}" if bad else f"→ {self.result.understood}"))
