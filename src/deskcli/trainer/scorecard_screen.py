"""The scorecard of a practice call: each item of the seeds' practice, pass or fail, and why."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskcli.screens.base import DeskScreen
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.safe import visible

_RESULT_STYLE = {"pass": ("✔ pass", "bold green"), "fail": ("✘ FAIL", "bold red"), "n/a": ("– n/a", "dim")}


class ScorecardScreen(DeskScreen):
    """Shows a saved scorecard; exports it as Markdown or JSON."""

    BINDINGS = [
        Binding("m", "export('markdown')", "Export Markdown", id="scorecard.markdown"),
        Binding("j", "export('json')", "Export JSON", id="scorecard.json"),
        Binding("n", "app.practice", "Next practice", id="scorecard.next"),
        Binding("escape", "done", "Back to the queue", id="scorecard.done"),
    ]

    def __init__(self, card: Any) -> None:
        """``card``: a saved :class:`~deskcli.models.scorecard.Scorecard`."""
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        title = Text()
        title.append(" SCORECARD ", style="bold reverse")
        title.append(f"  {visible(card.trainee)} · {visible(card.scenario_title)} · ", style="bold")
        title.append(f"{card.passed}/{card.applicable}", style="bold reverse")
        with VerticalScroll(id="scorecard"):
            yield Static(title, id="scorecard-title")
            yield Static(self._table(), id="scorecard-items")
        yield KeyBar()

    def _table(self) -> Table:
        table = Table(expand=True, show_lines=False)
        table.add_column("Item", ratio=2, overflow="fold")
        table.add_column("Result", width=8, no_wrap=True)
        table.add_column("Why", ratio=3, overflow="fold")
        for item in self.card.items:
            label, style = _RESULT_STYLE.get(item["result"], (item["result"], ""))
            table.add_row(Text(item["label"]), Text(label, style=style), Text(item["why"]))
        return table

    def action_export(self, fmt: str) -> None:
        """Write the scorecard to the scorecards folder in the data directory."""
        self._export(fmt)

    def _export(self, fmt: str) -> None:
        import json

        from deskcli.config import paths
        from deskcli.services.training import scorecard

        card = self.card
        folder = paths.data_dir() / "scorecards"
        stem = f"{card.scored_at:%Y%m%d-%H%M}-{_slug(card.trainee)}-{card.scenario_key}"
        if fmt == "json":
            path, body = folder / f"{stem}.json", json.dumps(scorecard.to_json(card), indent=2) + "\n"
        else:
            path, body = folder / f"{stem}.md", scorecard.to_markdown(card)
        try:
            paths.make_private_dir(folder)
            paths.write_private_text(path, body)  # it names trainees and callers: 0600
        except OSError as error:
            self.notify(f"{path}: not saved ({error.strerror or error}).", title="Scorecard", severity="error", markup=False)
            return
        self.notify(f"Saved {path}", title="Scorecard", markup=False, timeout=6)

    def action_done(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()


def _slug(name: str) -> str:
    return "".join(char if char.isalnum() else "-" for char in name.lower()).strip("-") or "trainee"
