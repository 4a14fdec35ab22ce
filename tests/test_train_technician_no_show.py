"""Scenario "technician-no-show" played in trainer mode: once well, once with mistakes."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea

from deskcli.core.enums import CallStatus
from deskcli.screens.article import ArticleScreen
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.close import CloseScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.promise import PromiseScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.widgets.choice import Choice
from trainer_console import SIZE, demo_database, failed, fill, practice_ready, press, progress_call, scorecard, trainer

SCENARIO = "technician-no-show"
CALLER = "Margaret Featherstonehaugh"
OPEN_CALL = "No signal"
"""Words of the open call's summary (the visit was booked on it), recorded at practice start."""



async def greet_and_assess(app, pilot, *, apologise: bool, use_the_fix: bool) -> None:
    """Confirm the name, give the reference, log the valid complaint, say sorry, find the fix."""
    await press(app, pilot, "f2")
    assert isinstance(app.screen, GreetingScreen)
    await press(app, pilot, "ctrl+s")  # "Fanshaw", spelt F-E-A-T-H-E-R-S-T-O-N-E-H-A-U-G-H
    await press(app, pilot, "ctrl+r")  # reference given
    await press(app, pilot, "f3")
    assert isinstance(app.screen, AssessmentScreen)
    await fill(app, pilot, "#people", "3")  # her and two receptionists: keeps it priority 3
    await press(app, pilot, "ctrl+t")  # a complaint: valid or not is asked at once
    await press(app, pilot, "y")  # valid: the 9-11 visit is on record and has passed
    await fill(app, pilot, "#complaint-steps", "Visit 15:00; ring 15:05")
    if apologise:
        await press(app, pilot, "ctrl+y")
    await pilot.pause(0.5)  # the form is saved, and the fixes looked up, after a quiet moment
    await press(app, pilot)
    call = app.flow.view.call
    assert call.is_complaint and call.complaint_valid and call.priority == 3
    if use_the_fix:
        await press(app, pilot, "ctrl+f")
        suggestions = app.screen.query_one("#suggestions", OptionList)
        best = suggestions.get_option_at_index(suggestions.highlighted)
        assert "Monitor shows no signal" in str(best.prompt), best.prompt
        await press(app, pilot, "enter")  # open it
        assert isinstance(app.screen, ArticleScreen)
        await pilot.pause(0.3)
        await press(app, pilot, "ctrl+s")  # use it
        assert app.flow.article_id is not None


async def resolve(app, pilot, resolution: str) -> None:
    """F4, resolve pane (the passed visit proposes escalating; she can be helped now)."""
    await press(app, pilot, "f4")
    assert isinstance(app.screen, ResolveScreen)
    await press(app, pilot, "ctrl+r")
    app.screen.query_one("#resolution", TextArea).focus()
    await fill(app, pilot, "#resolution", resolution)
    await fill(app, pilot, "#instructions", "Visit at 15:00")
    await press(app, pilot, "ctrl+s")
    assert isinstance(app.screen, CloseScreen)


async def not_closed_yet(app, pilot) -> None:
    """F5: asked whether it can be closed; she says not until the visit and the call-back."""
    assert isinstance(app.screen, CloseScreen)
    await fill(app, pilot, "#comment", "After the visit")
    app.screen.query_one("#agreement", Choice).focus()
    await press(app, pilot, "n")  # "No, or not yet": recorded at once
    assert app.flow.view.call.status == CallStatus.AWAITING_CONFIRMATION


async def test_played_well_every_item_passes(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, SCENARIO)
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        open_call = await progress_call(app, pilot, OPEN_CALL)
        await greet_and_assess(app, pilot, apologise=True, use_the_fix=True)
        await resolve(app, pilot, "Cable swapped")
        await press(app, pilot, "ctrl+o")  # follow it through: ring her just after the visit
        assert isinstance(app.screen, PromiseScreen)
        await fill(app, pilot, "#due", "15:05")
        await fill(app, pilot, "#what", "Check visit")
        await press(app, pilot, "ctrl+s")
        assert app.flow.view.pending_promises
        await not_closed_yet(app, pilot)
        await press(app, pilot, "ctrl+g")  # hang up, awaiting her confirmation: scored
        results = await scorecard(app, pilot)
        card = app.screen.card
        whys = {item["key"]: item["why"] for item in card.items}
    assert card.call_id == open_call  # scored on the call she rang about
    assert failed(results) == set(), whys
    for key in ("name_confirmed", "reference", "apology", "solution", "escalated", "callback", "holds", "agreement", "follow_up"):
        assert results[key] == "pass", (key, whys[key])
    assert "monitor-no-signal" in whys["solution"]
    assert "15:05" in whys["callback"] and "awaiting confirmation" in whys["agreement"]
    for key in ("triggers", "route", "handoff", "time_to_fix", "next_contact", "warnings"):
        assert results[key] == "n/a", (key, whys[key])
    assert failed(results) == set(), whys


async def test_played_with_mistakes_the_right_items_fail(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, SCENARIO)
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await progress_call(app, pilot, OPEN_CALL)
        # No apology, a fix of their own instead of the known one, no call-back promised,
        # and she is left not satisfied with nothing booked to check back with her.
        await greet_and_assess(app, pilot, apologise=False, use_the_fix=False)
        await resolve(app, pilot, "Rebooted")
        await not_closed_yet(app, pilot)
        await press(app, pilot, "ctrl+g")
        results = await scorecard(app, pilot)
        whys = {item["key"]: item["why"] for item in app.screen.card.items}
    assert failed(results) == {"apology", "solution", "callback", "follow_up"}, whys
    assert "monitor-no-signal was not used" in whys["solution"]
    for key in ("name_confirmed", "reference", "escalated", "holds", "agreement"):
        assert results[key] == "pass", (key, whys[key])
    assert failed(results) == {"apology", "solution", "callback", "follow_up"}, whys
