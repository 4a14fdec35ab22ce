"""Scenario "insists-on-a-manager" played in trainer mode: once well, once with mistakes.

Gareth Llewellyn wants design software installed today; the desk has no authority
to install it without approval and he demands a manager. Played well: escalate
hierarchically to senior staff with both analyst-ticked triggers (he asks for a
manager, no authority), a hand-off, the receiver's time to fix and a next-contact
time, and a call-back instead of a hold; the call stays open.
"""

from __future__ import annotations

from deskcli.core.enums import CallStatus
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.promise import PromiseScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.services.rules.policy import load_policies
from deskcli.widgets.choice import Choice
from deskcli.widgets.tick_list import TickList
from trainer_console import (
    SIZE,
    caller_reacts,
    choose,
    demo_database,
    failed,
    fill,
    holding,
    practice_ready,
    press,
    scorecard,
    trainer,
)

# Policy order of the escalation triggers in the list (escalation.toml).
_TRIGGERS = [trigger.key for trigger in load_policies().escalation.triggers]
CUSTOMER_REQUEST = _TRIGGERS.index("customer_request")
NO_AUTHORITY = _TRIGGERS.index("no_authority")


async def _greet_and_assess(app, pilot) -> None:
    """Greeting done properly, then the request assessed (category Software)."""
    assert isinstance(app.screen, GreetingScreen)
    await press(app, pilot, "ctrl+s")  # name, spelling and pronunciation confirmed
    await press(app, pilot, "ctrl+r")  # reference given on the phone
    await press(app, pilot, "f10")  # "Can you just install it remotely?"
    await press(app, pilot, "f3")
    assert isinstance(app.screen, AssessmentScreen)
    await fill(app, pilot, "#summary", "InDesign today")
    await pilot.press("enter", "s")  # category: software, by its letter
    await pilot.pause(0.6)  # the knowledge suggestions are looked up after a quiet moment
    await press(app, pilot)
    assert app.screen.query_one("#category", Choice).value == "software"
    await press(app, pilot, "f10")  # "I want to speak to your manager. Now, please."


async def _tick(app, pilot, index: int) -> None:
    """Tick the trigger at ``index`` of the list (the highlight stays where it was left)."""
    triggers = app.screen.query_one("#triggers", TickList)
    triggers.focus()
    await pilot.pause()
    triggers.highlighted = index
    await press(app, pilot, "space")


async def _escalation_details(app, pilot) -> None:
    """The receiver's estimate, the call-back preference and the next-contact time."""
    await fill(app, pilot, "#time-to-fix", "today")
    await fill(app, pilot, "#callback-pref", "mobile, 2pm on")
    await fill(app, pilot, "#next-contact", "14:15")
    assert "14:15" in str(app.screen.query_one("#next-contact .time-preview").render())


async def test_played_well_every_item_passes(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "insists-on-a-manager")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await _greet_and_assess(app, pilot)
        await press(app, pilot, "ctrl+y")  # sorry it has taken this long
        await press(app, pilot, "f10")  # "Fine. So what happens now?"

        await press(app, pilot, "f4")
        assert isinstance(app.screen, ResolveScreen)
        await press(app, pilot, "ctrl+t")  # the escalate pane
        assert app.screen.form.pane == "escalate"
        await _tick(app, pilot, CUSTOMER_REQUEST)
        await _tick(app, pilot, NO_AUTHORITY)
        assert {"customer_request", "no_authority"} <= holding(app), holding(app)
        # Both triggers point to senior staff, hierarchical: the console proposes it, and the
        # cause: he is dissatisfied with the service (seed 003).
        assert app.screen.query_one("#route", Choice).value == "senior_staff"
        assert app.screen.query_one("#type", Choice).value == "hierarchical"
        assert app.screen.query_one("#cause", Choice).value == "dissatisfaction"
        await _escalation_details(app, pilot)
        await press(app, pilot, "ctrl+s")  # escalate
        assert app.flow.view.call.status == CallStatus.ESCALATED

        await press(app, pilot, "f10")  # "Call me back. And I want a time."
        await press(app, pilot, "ctrl+o")
        assert isinstance(app.screen, PromiseScreen)
        await fill(app, pilot, "#due", "14:15")
        await fill(app, pilot, "#what", "Manager rings mobile")
        await press(app, pilot, "ctrl+s")  # a call-back (the default kind)
        assert not isinstance(app.screen, PromiseScreen)
        await caller_reacts(app, pilot)
        said = [line.text for line in app.practice.script.said]
        assert "Well... thank you. It's not your fault, I know." in said
        assert "Good. That's all I wanted." in said
        assert "On my mobile, then - as long as someone actually rings when you say." in said

        await press(app, pilot, "ctrl+g")  # hang up, the call left open (escalated): scored
        results = await scorecard(app, pilot)
    assert failed(results) == set(), results
    for key in ("greeting", "name_confirmed", "reference", "solution", "escalated", "triggers", "route",
                "handoff", "time_to_fix", "next_contact", "callback", "holds", "agreement", "follow_up"):
        assert results[key] == "pass", key
    assert results["apology"] == "n/a" and results["warnings"] == "n/a"


async def test_played_with_mistakes_the_right_items_fail(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "insists-on-a-manager")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await _greet_and_assess(app, pilot)
        await press(app, pilot, "f10")

        # He asked for a manager and the desk has no authority, but the trainee ticks
        # neither and sends it to the technical experts, then hangs up without
        # offering him the call-back he asked for.
        await press(app, pilot, "f4")
        assert isinstance(app.screen, ResolveScreen)
        await press(app, pilot, "ctrl+t")
        assert not holding(app)
        await choose(app, pilot, "#route", "2")  # route: technical experts
        assert app.screen.query_one("#route", Choice).value == "technical_experts"
        assert app.screen.query_one("#type", Choice).value == "functional"
        assert app.screen.query_one("#cause", Choice).value is None  # no trigger: no cause proposed
        await choose(app, pilot, "#cause", "b")  # "another tier can better assist"
        await _escalation_details(app, pilot)
        await press(app, pilot, "ctrl+s")
        assert app.flow.view.call.status == CallStatus.ESCALATED
        await press(app, pilot, "ctrl+g")
        results = await scorecard(app, pilot)
        why = {item["key"]: item["why"] for item in app.screen.card.items}
    assert failed(results) == {"triggers", "route", "callback"}, results
    assert "technical_experts (functional)" in why["route"] and "senior_staff (hierarchical)" in why["route"]
    assert "customer_request" in why["triggers"] and "no_authority" in why["triggers"]
    for key in ("greeting", "name_confirmed", "reference", "escalated", "handoff", "time_to_fix", "next_contact",
                "follow_up"):
        assert results[key] == "pass", key
