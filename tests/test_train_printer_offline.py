"""Scenario "printer-offline" played in trainer mode: once well, once with mistakes."""

from __future__ import annotations

from textual.widgets import TextArea

from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.close import CloseScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.resolve import ResolveScreen
from trainer_console import SIZE, demo_database, failed, fill, practice_ready, press, scorecard, trainer


async def _assess_printer(app, pilot, *, use_the_fix: bool) -> None:
    await press(app, pilot, "f3")
    assert isinstance(app.screen, AssessmentScreen)
    await fill(app, pilot, "#summary", "printer is offline")
    await pilot.press("enter", "h")  # category: hardware, by its letter
    await pilot.pause(0.6)  # the knowledge suggestions are looked up after a quiet moment
    await press(app, pilot)
    if use_the_fix:
        await press(app, pilot, "ctrl+f", "enter")  # open the best known fix
        await pilot.pause(0.3)
        await press(app, pilot, "ctrl+s")  # use it
    await press(app, pilot, "f4")
    assert isinstance(app.screen, ResolveScreen)
    app.screen.query_one("#resolution", TextArea).focus()
    await fill(app, pilot, "#resolution", "Cleared the print queue and re-added the printer")
    await fill(app, pilot, "#instructions", "Print a test page; ring us if it goes offline again")
    await press(app, pilot, "ctrl+s")
    assert isinstance(app.screen, CloseScreen)


async def test_played_well_every_item_passes(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "printer-offline")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        assert app.screen.query_one("#caller-panel") is not None  # the practice caller is beside the call
        await press(app, pilot, "ctrl+s")  # name and spelling confirmed
        await press(app, pilot, "ctrl+r")  # reference given
        await press(app, pilot, "f10")  # the caller moves on
        assert app.practice.script.position == 1
        await _assess_printer(app, pilot, use_the_fix=True)
        await press(app, pilot, "5", "y")  # satisfaction 5; they agree: closed, follow-up booked
        await press(app, pilot, "ctrl+g")  # hang up: the practice is scored
        results = await scorecard(app, pilot)
    assert failed(results) == set(), results
    for key in ("greeting", "name_confirmed", "reference", "solution", "escalated", "agreement", "follow_up"):
        assert results[key] == "pass", key
    assert results["route"] == "n/a" and results["apology"] == "n/a"


async def test_played_with_mistakes_the_right_items_fail(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "printer-offline")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        # No spelling check, no reference number, and a fix made up instead of the known one.
        await _assess_printer(app, pilot, use_the_fix=False)
        await press(app, pilot, "y")
        results = await scorecard(app, pilot)
    assert failed(results) == {"name_confirmed", "reference", "solution"}, results
    assert results["greeting"] == "pass" and results["agreement"] == "pass"
