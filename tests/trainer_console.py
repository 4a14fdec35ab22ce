"""Helpers for playing practice calls through the real screens in trainer mode (Pilot)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import TextArea

from console import ready, settle, type_text
from deskcli.config.launch import LaunchOptions
from deskcli.core.clock import ManualClock
from deskcli.screens.greeting import GreetingScreen
from deskcli.trainer.app import TrainerApp
from deskcli.trainer.scorecard_screen import ScorecardScreen
from deskcli.workload.demo import DemoSize, build_demo

TRAINEE = "Sam Trainee"
SIZE = (120, 40)
"""Wide enough for the stage screens and the caller panel side by side."""


def demo_database(tmp_path: Path, clock: ManualClock) -> Path:
    """A small demo database made at the clock's time (curated layer plus a little bulk)."""
    path = tmp_path / "demo" / "demo.db"
    build_demo(path, size=DemoSize(customers=30, calls=120, analysts=3), now=clock.now(), zone="Europe/London")
    return path


def trainer(db_path: Path, clock: ManualClock, scenario: str, *, trainee: str = TRAINEE) -> TrainerApp:
    """Trainer mode on this demo database, playing ``scenario``."""
    options = LaunchOptions(db=db_path, mode="train", scenario=scenario, trainee=trainee)
    return TrainerApp(options, clock=clock)


async def practice_ready(app: TrainerApp, pilot: Pilot) -> None:
    """Wait until the practice caller rang and the greeting has identified them (a new
    call record, or - for a caller with an open call - their card, waiting for the analyst)."""
    await ready(app, pilot)
    for _ in range(200):
        form = getattr(app.screen, "form", None)
        card = getattr(form, "card", None)
        if app.practice is not None and (app.flow.call_id is not None or (card is not None and card.open_calls)):
            break
        await pilot.pause(0.05)
        await settle(app, pilot, rounds=1)
    assert app.practice is not None, "the practice did not start"
    await settle(app, pilot)


async def press(app: TrainerApp, pilot: Pilot, *keys: str) -> None:
    """Press keys, then let the writes and reads they caused finish."""
    await pilot.press(*keys)
    await settle(app, pilot)


async def fill(app: TrainerApp, pilot: Pilot, selector: str, text: str) -> None:
    """Focus a field of the current screen and type into it."""
    widget = app.screen.query_one(selector)
    if isinstance(widget, TextArea):
        widget.focus()
    else:
        getattr(widget, "input", widget).focus()
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.pause(0.3)  # debounced saves and lookups
    await settle(app, pilot)


async def choose(app: TrainerApp, pilot: Pilot, selector: str, key: str) -> None:
    """Pick an option of a choice field of the current screen by its key (a letter or digit)."""
    app.screen.query_one(selector).focus()
    await pilot.pause()
    await press(app, pilot, key)


def holding(app: TrainerApp) -> set[str]:
    """The escalation triggers that hold on the resolve screen."""
    advice = app.screen.form.advice
    return {t.key for t in advice.triggers if t.holds} if advice is not None else set()


async def caller_reacts(app: TrainerApp, pilot: Pilot) -> None:
    """Give the practice poller time to read new events and the caller to react."""
    for _ in range(3):
        await pilot.pause(0.6)
        await settle(app, pilot, rounds=2)


async def scorecard(app: TrainerApp, pilot: Pilot) -> dict[str, str]:
    """Score the practice (F12) and return each item's result by key."""
    if not isinstance(app.screen, ScorecardScreen):
        await pilot.press("f12")
    for _ in range(100):
        await settle(app, pilot, rounds=1)
        if isinstance(app.screen, ScorecardScreen):
            break
        await asyncio.sleep(0.05)
    assert isinstance(app.screen, ScorecardScreen), f"no scorecard, on {type(app.screen).__name__}"
    return {item["key"]: item["result"] for item in app.screen.card.items}


def failed(results: dict[str, str]) -> set[str]:
    """The keys of the items that failed."""
    return {key for key, result in results.items() if result == "fail"}


async def progress_call(app: TrainerApp, pilot: Pilot, about: str) -> int:
    """The caller rings about their open call (``about``: words of its summary): ctrl+t
    takes it up there instead of starting a new record; its id."""
    assert isinstance(app.screen, GreetingScreen)
    assert app.flow.call_id is None, "caller-id must not start a new record for a caller with an open call"
    await press(app, pilot, "ctrl+t")
    assert app.flow.call_id is not None
    assert app.flow.view is not None and about in app.flow.view.call.summary
    return app.flow.call_id
