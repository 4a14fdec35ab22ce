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
