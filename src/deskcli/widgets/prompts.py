"""The seeds' advice, shown beside the call when it applies (e.g. "apologise" on a complaint)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.text import Text
from textual.widgets import Static


class PromptLike(Protocol):
    """A prompt: a title and the words to use."""

    title: str
    text: str


class PromptPanel(Static):
    """A short list of prompts."""

    DEFAULT_CSS = """
    PromptPanel { height: auto; padding: 0 1; color: $text-muted; }
    """

    def show(self, prompts: Sequence[PromptLike]) -> None:
        """Display these prompts (policy text, shown literally)."""
        text = Text()
        for prompt in prompts:
            text.append(f"▸ {prompt.title}: ", style="bold")
            text.append(prompt.text + "\n")
        self.update(text)


class ReadBackPanel(Static):
    """The logged problem to read back to the caller before leaving the assessment (seed 000:
    "confirm that you have correctly understood the customer"); shown while it waits for them."""

    DEFAULT_CSS = """
    ReadBackPanel { height: auto; border: round $warning; padding: 0 1; }
    """

    def show_line(self, line: str) -> None:
        """Show the words to read back (text, never markup) and what confirms them."""
        text = Text()
        text.append("Read back: ", style="bold")
        text.append(line)
        text.append("\nctrl+s when the caller confirms · if not, correct the field first", style="italic")
        self.update(text)
        self.remove_class("hidden")

    def hide(self) -> None:
        """Confirmed (or not needed): out of the way."""
        self.add_class("hidden")
