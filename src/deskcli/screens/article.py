"""A knowledge article's steps, to follow with the caller."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskcli.screens.modal import Dialog
from deskcli.widgets.safe import visible

if TYPE_CHECKING:
    from deskcli.models import KnowledgeArticle


class ArticleScreen(Dialog[bool | None]):
    """Shows an article; returns True when the analyst uses it."""

    BINDINGS = [Binding("ctrl+s", "use", "Use this fix", id="article.use", priority=True)]

    def __init__(self, article: KnowledgeArticle) -> None:
        super().__init__()
        self._article = article

    def compose(self) -> ComposeResult:
        article = self._article
        body = Text()
        if article.symptoms:
            body.append("Symptoms\n", style="bold")
            body.append(visible(article.symptoms) + "\n\n")
        body.append("Steps\n", style="bold")
        body.append(visible(article.steps))
        with Vertical(classes="dialog wide"):
            yield Static(Text(visible(article.title), style="bold"), classes="dialog-title")
            with VerticalScroll(classes="article-body"):
                yield Static(body)
            yield Static("ctrl+s use this fix (it is linked to the call) · escape back", classes="dialog-help")

    def action_use(self) -> None:
        """Record that this fix is being followed."""
        self.dismiss(True)
