"""The floors of the in-app figures: the smallest bare Textual apps that do the same thing.

A latency inside deskcli is judged against the same latency in a bare app started and
driven the same way (Pilot, the same keys, the same pauses, timed from the key event
to the refresh after the effect), in a process of its own, run between deskcli's own
runs so both see the same load on the machine:

- **lookup**: an ``Input`` and an ``OptionList``; every key runs the raw SQL of the
  lookup floor (one FTS5 statement, then the rows and their phones) in a thread worker
  on the same database and fills the list;
- **notes**: a ``TextArea`` and nothing else;
- **stage switch**: two installed screens with as many widgets as deskcli's stage
  screens, switched with F2/F3.

Run as ``python -m deskcli.bench.floor_apps DB OUT.json WIDGETS NOTE_WORDS SWITCHES PREFIX…``;
it writes the samples (ms) and its peak RSS. Nothing of deskcli is imported here but
this package's timing helpers, so the floor is Textual and SQLite alone.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, TextArea

from deskcli.bench.first_frame import peak_rss_mb

_WORD = re.compile(r"\w+")

NOTE_WORDS = ["caller", "says", "the", "printer", "is", "offline", "again", "after", "the", "update", "so", "we",
              "tried", "a", "restart"]
"""The words the notes figures type (the same as deskcli's run)."""


def _match(prefix: str) -> str | None:
    """The FTS5 query deskcli's lookup builds: each word a quoted prefix term."""
    words = _WORD.findall(prefix)
    return " ".join(f'"{word}"*' for word in words) or None


class FloorApp(App[None]):
    """Notes when each key arrives, and what the timed effects took."""

    def __init__(self) -> None:
        super().__init__()
        self.key_at = 0.0
        self.samples: dict[str, list[float]] = {}
        self.measuring: str | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.key_at = time.perf_counter()
        await super().on_event(event)

    def sample(self, name: str, started: float) -> None:
        self.samples.setdefault(name, []).append((time.perf_counter() - started) * 1000)


class LookupScreen(Screen[None]):
    """An Input and an OptionList filled by the raw lookup SQL."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Input(id="lookup")
        yield OptionList(id="matches")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.look_up(event.value, self.app.key_at)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="lookup")
    def look_up(self, text: str, started: float) -> None:
        expression = _match(text)
        rows: list[tuple[Any, ...]] = []
        if expression:
            connection = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
            try:
                ids = [row[0] for row in connection.execute(
                    "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? ORDER BY rowid DESC LIMIT 12", (expression,))]
                if ids:
                    marks = ",".join("?" * len(ids))
                    rows = connection.execute(
                        f"SELECT id, name, organisation, department, email, pronunciation, is_vip, caution_flags "
                        f"FROM customer WHERE id IN ({marks})", ids).fetchall()
                    connection.execute(f"SELECT customer_id, raw FROM customer_phone WHERE customer_id IN ({marks})",
                                       ids).fetchall()
            finally:
                connection.close()
        self.app.call_from_thread(self.show, text, rows, started)

    def show(self, text: str, rows: list[tuple[Any, ...]], started: float) -> None:
        if text != self.query_text:
            return
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([f"{row[1]}  {row[2]}  {row[4] or ''}" for row in rows])
        if rows:
            self.call_after_refresh(self.app.sample, "lookup_key_to_rows", started)  # type: ignore[attr-defined]


class NotesScreen(Screen[None]):
    """A TextArea and nothing else."""

    def compose(self) -> ComposeResult:
        yield TextArea(id="notes")

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        app: FloorApp = self.app  # type: ignore[assignment]
        self.call_after_refresh(app.sample, "notes_key_to_frame", app.key_at)


class StageLike(Screen[None]):
    """A screen of ``widgets`` labels and inputs, like a stage screen's count."""

    BINDINGS = [Binding("f2", "app.switch_screen('one')"), Binding("f3", "app.switch_screen('two')")]

    def __init__(self, widgets: int, title: str) -> None:
        super().__init__()
        self.widgets = widgets
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            for index in range(max(self.widgets - 2, 0) // 2):
                yield Label(f"field {index}")
                yield Input(placeholder=f"value {index}")

    def on_screen_resume(self) -> None:
        app: FloorApp = self.app  # type: ignore[assignment]
        if app.measuring == "switch":
            self.call_after_refresh(app.sample, "stage_switch_key_to_frame", app.key_at)


async def _settle(app: App[None], pilot: Pilot[None]) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def run(db_path: Path, widgets: int, note_words: int, switches: int, prefixes: list[str]) -> dict[str, Any]:
    """Drive the floor app through the same actions as deskcli's run; the samples and peak RSS."""
    app = FloorApp()
    async with app.run_test(size=(100, 34)) as pilot:
        app.push_screen(LookupScreen(db_path))
        await _settle(app, pilot)
        for prefix in prefixes:
            app.screen.query_one(Input).value = ""
            await pilot.pause()
            for char in prefix:
                await pilot.press("space" if char == " " else char)
                await pilot.pause(0.03)
            await _settle(app, pilot)
        app.pop_screen()
        app.push_screen(NotesScreen())
        await _settle(app, pilot)
        rng = random.Random(3)
        for _ in range(note_words):
            for char in rng.choice(NOTE_WORDS) + " ":
                await pilot.press("space" if char == " " else char)
        await _settle(app, pilot)
        app.pop_screen()
        app.install_screen(StageLike(widgets, "one"), "one")
        app.install_screen(StageLike(widgets, "two"), "two")
        app.push_screen("one")
        await _settle(app, pilot)
        await pilot.press("f3", "f2")  # each screen composed once, as deskcli's first showings
        await _settle(app, pilot)
        app.measuring = "switch"
        for _ in range(switches):
            for key in ("f3", "f2"):
                await pilot.press(key)
                await _settle(app, pilot)
        app.measuring = None
    return {"samples": app.samples, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    """``python -m deskcli.bench.floor_apps DB OUT WIDGETS NOTE_WORDS SWITCHES [PREFIX …]``."""
    db_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    widgets, note_words, switches = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    prefixes = sys.argv[6:] or ["smi", "jon", "pat"]
    result = asyncio.run(run(db_path, widgets, note_words, switches, prefixes))
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
