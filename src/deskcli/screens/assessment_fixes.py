"""The assessment's side pane: known fixes that follow the summary, and the category's questions.

Suggestions are looked up after a short quiet moment (on a thread); Enter opens one,
and a fix the analyst uses is noted on the call (linked when the resolution is
recorded). Whether any matched feeds the "no apparent solution" trigger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from deskcli.widgets.safe import visible

if TYPE_CHECKING:
    from deskcli.models import KnowledgeArticle
    from deskcli.screens.stage import StageScreen

SUGGEST_DELAY = 0.15
"""Seconds of quiet before knowledge suggestions are looked up."""


class KnownFixes(Vertical):
    """Known fixes (ctrl+f) and the questions to ask."""

    class Found(Message):
        """The suggestions were looked up again (the prompts may change with them)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._found: list[KnowledgeArticle] = []
        self._timer: Timer | None = None
        self._asked: tuple[str, bool] = ("", False)
        """The last words looked up, and whether a summary was among them."""

    def compose(self) -> ComposeResult:
        yield Static("Known fixes (ctrl+f, enter to open)", classes="section-title")
        yield OptionList(id="suggestions")
        yield Static("", id="questions")

    @property
    def _stage(self) -> StageScreen:
        return self.screen  # type: ignore[return-value]

    def show_questions(self, text: Text) -> None:
        """The category's questions."""
        self.query_one("#questions", Static).update(text)

    def focus_list(self) -> None:
        """Jump to the suggestions."""
        self.query_one("#suggestions", OptionList).focus()

    def look_up(self, words: str, has_summary: bool) -> None:
        """Look these words up after a quiet moment (a newer call replaces an older one)."""
        self._asked = (words, has_summary)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SUGGEST_DELAY, self._start)

    def _start(self) -> None:
        words, has_summary = self._asked
        self._suggest(words, has_summary, self._stage.flow.generation)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _suggest(self, words: str, has_summary: bool, generation: int) -> None:
        from deskcli.services.actions import assessment

        runtime = self._stage.runtime
        assert runtime is not None
        found = assessment.known_fixes(runtime.store, words)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, found, has_summary, generation)

    def _show(self, found: list[KnowledgeArticle], has_summary: bool, generation: int) -> None:
        flow = self._stage.flow
        if generation != flow.generation or not self.is_mounted:
            return  # for a call that has gone
        self._found = found
        flow.suggestions_found = bool(found) if has_summary else None
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        used = flow.article_id
        for article in found:
            label = Text(("✓ " if article.id == used else "") + visible(article.title))
            options.add_option(Option(label, id=str(article.id)))
        if found:
            options.highlighted = 0
        elif has_summary:
            options.add_option(Option(Text("No known fix matches: consider escalating.", style="italic"), disabled=True))
        self.post_message(self.Found())

    @on(OptionList.OptionSelected, "#suggestions")
    def _open_article(self, event: OptionList.OptionSelected) -> None:
        article = next((a for a in self._found if str(a.id) == event.option.id), None)
        if article is None:
            return
        from deskcli.screens.article import ArticleScreen

        self.app.push_screen(ArticleScreen(article), lambda use: self._article_closed(article.id, use))

    def _article_closed(self, article_id: int | None, use: bool | None) -> None:
        flow = self._stage.flow
        call_id = flow.call_id
        if not use or call_id is None or article_id is None:
            return

        def job(runtime: Any) -> None:
            from deskcli.services.actions import assessment

            assessment.record_article_use(runtime.store, runtime.actor(), call_id, article_id)

        def noted(_result: object) -> None:
            self._stage.notify("Article noted: it will be linked when you resolve (F4).", timeout=4)
            self._start()  # the used fix is ticked

        flow.article_id = article_id
        flow.submit(job, noted)
