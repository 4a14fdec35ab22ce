"""A one-key choice: a category by its letter, a satisfaction score by its digit.

A ``Select`` costs three keys (open, move, confirm) and a ``RadioSet`` highlights on
its first arrow press without choosing; in a live call every key counts. ``Choice``
shows its options on one line, takes the option whose key (its first letter or
digit, or the one given) is typed, and moves with the arrows at once. Enter asks
to move on (:class:`Choice.Submitted`), backspace clears the answer.

The chosen option is marked with a glyph and brackets, not by colour alone, so it
reads the same with ``NO_COLOR``. Setting :attr:`Choice.value` from code never posts
:class:`Choice.Changed`: only the analyst's own choices do, so a screen can fill the
field from the record without mistaking that for an answer.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget


@dataclass(frozen=True)
class Option:
    """One choice: what is shown, what it means, and the key that picks it."""

    label: str
    value: Hashable
    key: str = ""
    """The key that picks it; by default the label's first letter or digit."""

    @property
    def hotkey(self) -> str:
        """The key that picks this option, lower case."""
        if self.key:
            return self.key.lower()
        return next((char.lower() for char in self.label if char.isalnum()), "")


class Choice(Widget, can_focus=True):
    """Options on a line; a letter, a digit or an arrow chooses."""

    DEFAULT_CSS = """
    Choice { height: auto; width: 1fr; padding: 0 1 0 0; }
    Choice:focus { text-style: bold; background: $boost; }
    Choice.-empty:focus { text-style: bold underline; }
    """

    BINDINGS = [
        Binding("left,up", "move(-1)", "Previous", show=False),
        Binding("right,down", "move(1)", "Next", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
        Binding("enter", "submit", "Next field", show=False),
    ]

    class Changed(Message):
        """The analyst chose an option (or cleared the choice)."""

        def __init__(self, choice: Choice, value: Hashable | None) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            """The choice that changed."""
            return self.choice

    class Submitted(Message):
        """Enter was pressed: the analyst wants the next field."""

        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

        @property
        def control(self) -> Choice:
            """The choice Enter was pressed on."""
            return self.choice

    def __init__(
        self,
        options: Sequence[Option] = (),
        *,
        prompt: str = "",
        value: Hashable | None = None,
        wrap: bool = True,
        compact: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._options: list[Option] = list(options)
        self._prompt = prompt
        self._value = value if any(o.value == value for o in self._options) else None
        self._wrap = wrap
        self._compact = compact
        """Show only the chosen option unless focused (long option lists)."""
        self.set_class(self._value is None, "-empty")

    # --- the value ---------------------------------------------------------------------

    @property
    def options(self) -> list[Option]:
        """The options, in order."""
        return list(self._options)

    def set_options(self, options: Sequence[Option]) -> None:
        """Replace the options; a value no longer offered is cleared (without a message)."""
        self._options = list(options)
        if not any(o.value == self._value for o in self._options):
            self._value = None
        self._changed_display()

    @property
    def value(self) -> Hashable | None:
        """The chosen option's value, or ``None``."""
        return self._value

    @value.setter
    def value(self, value: Hashable | None) -> None:
        """Set from code: no :class:`Changed` is posted."""
        self._value = value if any(o.value == value for o in self._options) else None
        self._changed_display()

    @property
    def selected(self) -> Option | None:
        """The chosen option."""
        return next((o for o in self._options if o.value == self._value), None)

    def _choose(self, option: Option | None) -> None:
        new = option.value if option is not None else None
        if new == self._value:
            return
        self._value = new
        self._changed_display()
        self.post_message(self.Changed(self, new))

    def _changed_display(self) -> None:
        self.set_class(self._value is None, "-empty")
        self.refresh(layout=True)

    # --- keys --------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        char = (event.character or "").lower()
        if not char or not char.isprintable() or char == " ":
            return
        matching = [o for o in self._options if o.hotkey == char]
        if not matching:
            return
        event.stop()
        event.prevent_default()
        current = self.selected
        # Typing the same key again steps through the options sharing it.
        if current in matching:
            self._choose(matching[(matching.index(current) + 1) % len(matching)])
        else:
            self._choose(matching[0])

    def action_move(self, step: int) -> None:
        """The previous or next option (the first press already chooses)."""
        if not self._options:
            return
        current = self.selected
        if current is None:
            index = 0 if step > 0 else len(self._options) - 1
        else:
            index = self._options.index(current) + step
            if not 0 <= index < len(self._options):
                if not self._wrap:
                    return
                index %= len(self._options)
        self._choose(self._options[index])

    def action_clear(self) -> None:
        """No answer (yet)."""
        self._choose(None)

    def action_submit(self) -> None:
        """Ask for the next field."""
        self.post_message(self.Submitted(self))

    # --- drawing -------------------------------------------------------------------------

    def on_focus(self) -> None:
        if self._compact:
            self.refresh(layout=True)

    def on_blur(self) -> None:
        if self._compact:
            self.refresh(layout=True)

    def render(self) -> Text:
        text = Text()
        if self._prompt:
            text.append(self._prompt + " ", style="bold")
        if not self._options:
            text.append("(nothing to choose)", style="dim italic")
            return text
        if self._compact and not self.has_focus:
            chosen = self.selected
            if chosen is None:
                text.append("- (type its letter)", style="italic")
            else:
                text.append(f"[● {chosen.label}]", style="bold")
            return text
        for option in self._options:
            if option.value == self._value:
                text.append(f"[● {option.label}]", style="bold reverse")
            else:
                # The key that picks it is underlined (or shown before it, if not its first letter).
                dim = "dim" if self._value is not None else ""
                text.append(" ")
                if option.label[:1].lower() == option.hotkey:
                    text.append(option.label[:1], style="bold underline")
                    text.append(option.label[1:] + " ", style=dim)
                else:
                    text.append(option.hotkey, style="bold underline")
                    text.append(f":{option.label} ", style=dim)
            text.append(" ")
        return text
