"""Scenario "outage-several-departments" played in trainer mode: once well, once with mistakes.

Priya Raghunathan (VIP, the Chief Executive's office) reports that the shared drives
and the finance system are down for the whole fourth floor. No known fix: escalate
early and functionally to the technical experts with every detail, get a time to
fix (the console refuses to escalate without one), and give a next-contact time. The
console proposes senior staff (an executive is affected); played well, the trainee
overrides it with the technical experts.
"""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Checkbox

from deskcli.core.enums import CallStatus
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.widgets.choice import Choice
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

EXPECTED_TRIGGERS = {"several_departments", "several_people", "executive_affected", "business_impact"}


async def _greet_and_assess(app, pilot) -> None:
    """Greeting done properly; the scope of the outage assessed and recorded."""
    assert isinstance(app.screen, GreetingScreen)
    await press(app, pilot, "ctrl+s")  # name and spelling confirmed
    await press(app, pilot, "ctrl+r")  # reference given
    await press(app, pilot, "f10")  # "The network path was not found"
    await press(app, pilot, "f3")
    assert isinstance(app.screen, AssessmentScreen)
    await fill(app, pilot, "#summary", "4th floor drives down")
    await choose(app, pilot, "#category", "n")  # network
    await choose(app, pilot, "#urgency", "h")  # high
    await choose(app, pilot, "#business", "v")  # severe
    await fill(app, pilot, "#people", "30")
    await fill(app, pilot, "#departments", "3")
    app.screen.query_one("#executive", Checkbox).focus()
    await press(app, pilot, "space")  # the Chief Executive cannot open the board papers
    await fill(app, pilot, "#notes", "comms cupboard work")
    await pilot.pause(0.6)  # debounced save and the knowledge suggestions
    await press(app, pilot)
    screen = app.screen
    assert screen.query_one("#category", Choice).value == "network"
    assert screen.query_one("#urgency", Choice).value == "high"
    assert screen.query_one("#business", Choice).value == "severe"
    assert screen.query_one("#executive", Checkbox).value is True
    call = app.flow.view.call
    assert (call.people_affected, call.departments_affected, call.business_impact) == (30, 3, "severe")
    await press(app, pilot, "f10", "f10")  # "Is this something you can fix?" "How long will it be?"


async def _escalate_pane(app, pilot) -> None:
    """F4: the triggers hold from the assessment, so the escalate pane is shown."""
    await press(app, pilot, "f4")
    assert isinstance(app.screen, ResolveScreen)
    assert app.screen.form.pane == "escalate"
    assert holding(app) >= EXPECTED_TRIGGERS, holding(app)
    # An executive is affected, so the console proposes senior staff (hierarchical).
    assert app.screen.query_one("#route", Choice).value == "senior_staff"
    assert app.screen.query_one("#type", Choice).value == "hierarchical"


async def test_played_well_every_item_passes(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "outage-several-departments")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await _greet_and_assess(app, pilot)
        await _escalate_pane(app, pilot)
        # The fix needs expertise: the technical experts, tier 3 (infrastructure).
        await choose(app, pilot, "#route", "2")  # technical experts
        await choose(app, pilot, "#tier", "3")
        screen = app.screen
        assert screen.query_one("#route", Choice).value == "technical_experts"
        assert screen.query_one("#type", Choice).value == "functional"
        assert screen.query_one("#tier", Choice).value == 3
        assert screen.query_one("#receiver").value == "Infrastructure and security specialists"
        await fill(app, pilot, "#time-to-fix", "2 hours")
        await fill(app, pilot, "#next-contact", "+30m")
        assert "12:20" in str(screen.query_one("#next-contact .time-preview").render())
        await press(app, pilot, "ctrl+s")  # escalate
        assert app.flow.view.call.status == CallStatus.ESCALATED
        await caller_reacts(app, pilot)
        assert "Good. Who is looking at it?" in [line.text for line in app.practice.script.said]
        await press(app, pilot, "f10", "f10")  # "So when will I hear from you?" "Thank you."
        await press(app, pilot, "ctrl+g")  # hang up: the call stays escalated
        results = await scorecard(app, pilot)
    assert failed(results) == set(), results
    for key in ("greeting", "name_confirmed", "reference", "solution", "escalated", "triggers", "route",
                "handoff", "time_to_fix", "next_contact", "holds", "agreement", "follow_up"):
        assert results[key] == "pass", key
    for key in ("apology", "callback", "warnings"):
        assert results[key] == "n/a", key


async def test_played_with_mistakes_the_right_items_fail(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "outage-several-departments")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await _greet_and_assess(app, pilot)
        # "How long will it be?" - the trainee leaves her on hold for three minutes
        # to chase it instead of ringing back...
        await press(app, pilot, "f8")
        assert app.flow.view.call.hold_started_at is not None
        clock.advance(timedelta(minutes=3))
        await press(app, pilot, "f8")
        assert app.flow.view.call.hold_started_at is None
        await caller_reacts(app, pilot)
        assert "Sorry - are you still there? Could you ring me back instead?" in [
            line.text for line in app.practice.script.said
        ]
        # ...then takes the console's proposal (senior staff) and asks no time to fix: refused,
        # the cursor put in the field - so she asks the receiver after all.
        await _escalate_pane(app, pilot)
        await fill(app, pilot, "#next-contact", "+30m")
        await press(app, pilot, "ctrl+s")
        assert app.flow.view.call.status == CallStatus.OPEN
        assert app.screen.focused is app.screen.query_one("#time-to-fix")
        assert any("time to fix" in notice.message for notice in app.notices.current())
        await fill(app, pilot, "#time-to-fix", "same day")
        await press(app, pilot, "ctrl+s")
        assert app.flow.view.call.status == CallStatus.ESCALATED
        await press(app, pilot, "ctrl+g")
        results = await scorecard(app, pilot)
        why = {item["key"]: item["why"] for item in app.screen.card.items}
    assert failed(results) == {"route", "holds", "callback"}, results
    assert "senior_staff (hierarchical)" in why["route"] and "technical_experts (functional)" in why["route"]
    assert "180 s" in why["holds"]
    for key in ("greeting", "name_confirmed", "reference", "solution", "escalated", "triggers", "handoff",
                "time_to_fix", "next_contact", "agreement", "follow_up"):
        assert results[key] == "pass", key


async def test_the_analysts_route_choice_survives_a_refresh(tmp_path, clock):
    """Choosing another route than the proposal sticks: a hold or a moved clock refreshes
    the call, and must not put the proposal back behind the analyst's back."""
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "outage-several-departments")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await _greet_and_assess(app, pilot)
        await _escalate_pane(app, pilot)
        await choose(app, pilot, "#route", "2")  # technical experts
        await choose(app, pilot, "#tier", "3")
        await press(app, pilot, "f8")  # hold on: the view refreshes
        await press(app, pilot, "f8")  # and off
        app.move_clock_to(clock.now() + timedelta(minutes=5))
        await press(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResolveScreen)
        assert screen.query_one("#route", Choice).value == "technical_experts"
        assert screen.query_one("#tier", Choice).value == 3
        assert screen.query_one("#receiver").value == "Infrastructure and security specialists"
        assert "Proposed: Senior staff" in str(screen.query_one("#proposal").render())
