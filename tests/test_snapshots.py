"""SVG snapshots of each stage of a call, at 80x24 and 120x40.

The clock is frozen and the data fixed, so every run draws the same screens.
Update the accepted pictures with ``pytest tests/test_snapshots.py --snapshot-update``
after looking at them (``snapshot_report.html`` shows the differences).
"""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, TextArea

from console import console, ready, seed, settle, type_text
from deskcli.models import CustomerCreate

SIZES = [(80, 24), (120, 40)]

SIOBHAN = CustomerCreate(
    name="Siobhan O'Neill",
    name_spelling="S-I-O-B-H-A-N",
    pronunciation="shi-VAWN",
    organisation="Northwind Traders",
    department="Finance",
    email="siobhan@northwind.example",
    phones=["020 7946 0000"],
    is_vip=True,
)


pytestmark = pytest.mark.usefixtures("analyst_profile")


async def to_greeting(pilot) -> None:
    app = pilot.app
    await ready(app, pilot)
    app.sub_title = "deskcli.db"  # the real path differs per run
    await pilot.press("n")
    await settle(app, pilot)
    await type_text(pilot, "sio")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


async def to_assessment(pilot) -> None:
    await to_greeting(pilot)
    app = pilot.app
    await pilot.press("f3")
    await settle(app, pilot)
    await type_text(pilot, "printer offline for the finance team")
    app.screen.query_one("#people", Input).value = "3"
    app.screen.query_one("#notes", TextArea).load_text("Power-cycled it together; still offline.")
    await pilot.pause(0.6)
    await settle(app, pilot)


async def to_resolve(pilot) -> None:
    await to_assessment(pilot)
    await pilot.press("f4")
    await settle(pilot.app, pilot)


async def to_close(pilot) -> None:
    await to_resolve(pilot)
    await pilot.press("f5")
    await settle(pilot.app, pilot)


async def to_follow_up(pilot) -> None:
    await to_close(pilot)
    await pilot.press("f6")
    await settle(pilot.app, pilot)


def quiet(steps):
    """Run ``steps`` then clear the transient notifications, so the picture is stable."""

    async def run_before(pilot) -> None:
        await steps(pilot)
        app = pilot.app
        # Everything typed is saved (the notes' title says when), nothing is still moving.
        await asyncio.to_thread(app.saver.wait, 10)
        await settle(app, pilot)
        app.clear_notifications()
        # The cursor of the focused field blinks: drawn solid, so every run draws the same.
        for field in app.screen.query("Input, TextArea"):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize(
    "steps",
    [to_greeting, to_assessment, to_resolve, to_close, to_follow_up],
    ids=["greeting", "assessment", "resolve", "close", "follow_up"],
)
def test_stage_snapshot(snap_compare, db_path, clock, steps, size):
    """Each stage draws as accepted, at the smallest and a comfortable terminal size."""
    seed(db_path, clock, SIOBHAN)
    assert snap_compare(console(db_path, clock), terminal_size=size, run_before=quiet(steps))
