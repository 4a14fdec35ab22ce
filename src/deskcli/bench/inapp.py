"""In-app latencies: key → the frame that shows its effect, timed inside the app.

Run in its own process (``python -m deskcli.bench.inapp DB OUT.json``) so its peak
memory is the app's. A key's time is taken when the app receives the key event;
the end is taken after the refresh that follows the effect (``call_after_refresh``).
Pilot's own per-key overhead (~64 ms) falls between keys, not inside a figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskcli.core.process import prepare_console_process

# This module is only ever run as the measured process: set it up as the deskcli
# command does, before Textual is imported.
prepare_console_process()

from textual import events  # noqa: E402

from deskcli.app import DeskApp  # noqa: E402
from deskcli.bench import first_frame  # noqa: E402
from deskcli.config.launch import LaunchOptions  # noqa: E402

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from deskcli.screens.followup import FollowUpScreen
    from deskcli.screens.greeting import GreetingScreen
    from deskcli.screens.stage import StageScreen
    from deskcli.services.desk.queue import PromiseRow
    from deskcli.services.lifecycle.callview import CustomerCard
    from deskcli.services.lookup.customers import CustomerMatch
    from deskcli.ui.autosave import EditKey, EditSaver, Save


class ProbeApp(DeskApp):
    """The real app, noting when each key arrives."""

    key_at = 0.0
    measuring_follow_up = False
    """Time the follow-up list's rows (while the bench opens it)."""
    measuring_stages = False
    """Time the stage screens' frames (while the bench switches stages)."""
    rang_for: str | None = None
    """The caller a ring is being timed for."""
    rang_at: float | None = None
    """When that ring was sent; ``None`` once the caller's card is on screen."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.key_at = time.perf_counter()
        await super().on_event(event)


class Samples:
    """Latencies collected per figure, in milliseconds."""

    def __init__(self) -> None:
        self.data: dict[str, list[float]] = {}

    def add(self, name: str, started: float) -> None:
        self.data.setdefault(name, []).append((time.perf_counter() - started) * 1000)


def instrument(app: ProbeApp, samples: Samples) -> None:
    """Hook the points where each effect is on screen (bench only: the app is unchanged)."""
    from deskcli.screens.followup import FollowUpScreen
    from deskcli.screens.greeting import GreetingScreen
    from deskcli.screens.stage import StageScreen
    from deskcli.ui.autosave import EditSaver

    show_matches = GreetingScreen._show_matches
    offer = EditSaver.offer
    resume = StageScreen.on_screen_resume
    show_promises = FollowUpScreen._show

    def timed_matches(self: GreetingScreen, query: str, found: list[CustomerMatch], card: CustomerCard | None = None) -> None:
        started = app.key_at
        show_matches(self, query, found, card)
        if found and query == self.form.query:
            self.call_after_refresh(samples.add, "lookup_key_to_rows", started)

    def timed_offer(self: EditSaver, key: EditKey, value: object, save: Save) -> None:
        # The notes handler hands each change to the autosaver: the keystroke's effect.
        started = app.key_at
        offer(self, key, value, save)
        if key[1] == "notes":
            app.call_after_refresh(samples.add, "notes_key_to_frame", started)

    shown: set[int] = set()

    def timed_resume(self: StageScreen) -> None:
        # The first frame of the stage screen after the key (its data follows). A
        # screen's first showing composes it: that is counted apart.
        started = app.key_at
        resume(self)
        first = id(self) not in shown
        shown.add(id(self))
        if app.measuring_stages:
            name = "stage_first_showing_key_to_frame" if first else "stage_switch_key_to_frame"
            self.call_after_refresh(samples.add, name, started)

    def timed_promises(self: FollowUpScreen, rows: list[PromiseRow], now: datetime) -> None:
        started = app.key_at
        show_promises(self, rows, now)
        if app.measuring_follow_up:
            self.call_after_refresh(samples.add, "follow_up_open_key_to_rows", started)

    show_card = GreetingScreen._show_card

    def timed_card(self: GreetingScreen, card: CustomerCard) -> None:
        # The caller's card on screen after a ring from the phone system.
        show_card(self, card)
        started = app.rang_at
        if started is not None and card.customer.name == app.rang_for:
            app.rang_at = None
            self.call_after_refresh(samples.add, "ring_to_caller_on_screen", started)

    # Replacing methods is the point here (the bench times the app at its display
    # points and changes nothing else); mypy refuses it by design, hence method-assign.
    GreetingScreen._show_card = timed_card  # type: ignore[method-assign]
    GreetingScreen._show_matches = timed_matches  # type: ignore[method-assign]
    EditSaver.offer = timed_offer  # type: ignore[method-assign]
    StageScreen.on_screen_resume = timed_resume  # type: ignore[method-assign]
    FollowUpScreen._show = timed_promises  # type: ignore[method-assign]


async def settle(app: DeskApp, pilot: Pilot[Any]) -> None:
    """Wait until the app's workers and its database writer are idle."""
    from textual.worker import WorkerCancelled

    for _ in range(6):
        # An exclusive worker replaced by a newer one (a lookup, a card) ends cancelled: that is done too.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        if app._writer is not None:
            await asyncio.to_thread(app.writer.submit(lambda: None).result, 30)
        await pilot.pause()


async def run(db_path: Path, prefixes: list[str], *, note_keys: int, stage_rounds: int, ring: str = "") -> dict[str, Any]:
    """Drive the app through the measured actions and return the samples."""
    from textual.widgets import Input

    samples = Samples()
    app = ProbeApp(LaunchOptions(db=db_path))
    instrument(app, samples)
    async with app.run_test(size=(100, 34)) as pilot:
        for _ in range(500):
            if app.runtime is not None and app.runtime.analyst is not None:
                break
            await pilot.pause(0.02)
        else:
            raise SystemExit(f"the console did not open: {app.startup_error or 'no analyst after 10 s'}")
        await settle(app, pilot)
        # Opening the follow-up list from the queue.
        for _ in range(3):
            app.measuring_follow_up = True
            await pilot.press("f")
            await settle(app, pilot)
            app.measuring_follow_up = False
            await pilot.press("ctrl+b")
            await settle(app, pilot)
        # The phone system rings (an HTTP event on loopback): the caller's card on screen.
        if ring and app.phone.listener is not None and app.phone.listener.control_file is not None:
            number, name = ring.split("|", 1)
            control = json.loads(app.phone.listener.control_file.read_text())
            for attempt in range(3):
                app.rang_for = name
                app.rang_at = time.perf_counter()
                await asyncio.to_thread(_post_ring, control, number, f"bench-{attempt}")
                for _ in range(200):
                    await pilot.pause(0.01)
                    if app.rang_at is None:
                        break
                await settle(app, pilot)
                await pilot.press("ctrl+g")
                await settle(app, pilot)
        # Lookup as you type, one key at a time.
        await pilot.press("n")
        await settle(app, pilot)
        lookup = app.screen.query_one("#lookup", Input)
        for prefix in prefixes:
            lookup.value = ""
            await pilot.pause()
            for char in prefix:
                await pilot.press("space" if char == " " else char)
                await pilot.pause(0.03)
            await settle(app, pilot)
        # A call: Enter takes the highlighted caller.
        await pilot.press("enter")
        await settle(app, pilot)
        if app.flow.call_id is None:
            raise SystemExit("the benchmark could not open a call from the lookup")
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        rng = random.Random(3)
        words = ["caller", "says", "the", "printer", "is", "offline", "again", "after", "the", "update", "so", "we", "tried", "a", "restart"]
        for _ in range(note_keys):
            word = rng.choice(words)
            for char in word + " ":
                await pilot.press("space" if char == " " else char)
        await settle(app, pilot)
        app.measuring_stages = True
        for _ in range(stage_rounds):
            for key in ("f2", "f3", "f4", "f5"):
                await pilot.press(key)
                await settle(app, pilot)
        app.measuring_stages = False
        # The stage screens' size, for the floor's two screens of the same widget count.
        stage_widgets = max((len(list(screen.query("*"))) for screen in app.flow.stage_screens()), default=0)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
    return {
        "samples": samples.data,
        "peak_rss_mb": first_frame.peak_rss_mb(),
        "stage_widgets": stage_widgets,
    }


def _post_ring(control: dict[str, Any], number: str, call_id: str) -> None:
    """A newCall event to the console's ring port, as ``deskcli ring`` sends it."""
    import urllib.request
    from urllib.parse import urlencode

    body = urlencode({"event": "newCall", "from": number, "direction": "in", "callId": call_id}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{control['port']}/cti", data=body, method="POST", headers={"X-Deskcli-Token": control["token"]},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def main() -> None:
    """``python -m deskcli.bench.inapp DB OUT NOTE_WORDS STAGE_ROUNDS RING [PREFIXES …]``.

    RING is ``NUMBER|NAME`` of a customer to ring in as (empty: no ring figure)."""
    db_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    note_keys, stage_rounds = int(sys.argv[3]), int(sys.argv[4])
    ring = sys.argv[5] if len(sys.argv) > 5 else ""
    prefixes = sys.argv[6:] or ["smi", "jon", "pat"]
    result = asyncio.run(run(db_path, prefixes, note_keys=note_keys, stage_rounds=stage_rounds, ring=ring))
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
