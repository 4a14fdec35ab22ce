"""Scenario "abusive-caller" played in trainer mode: once well, once with mistakes.

Derek Hollis is locked out and swears at the analyst. Played well: the abuse
protocol (F9) - the first warning, the second with its consequence, then the
transfer to a manager who is filled in first - with the caller reacting to each
step. The protocol's transfer is the escalation: no route, time to fix or
next-contact time is asked of it.
"""

from __future__ import annotations

from console import text_of
from deskcli.core.enums import CallStatus
from deskcli.screens.abuse import AbuseScreen
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

WARNING_1 = "Oh, here we go. Language police."
WARNING_2 = "Go on then, transfer me. See if I care."
TRANSFERRED = "About time I spoke to someone who knows what they're doing."


def said(app) -> list[str]:
    """Everything the practice caller has said so far."""
    return [line.text for line in app.practice.script.said]


async def _assess(app, pilot) -> None:
    """F3: what the problem is, in his words (the swearing starts here)."""
    await press(app, pilot, "f10")  # "I don't want a reference number ... you idiot."
    await press(app, pilot, "f3")
    assert isinstance(app.screen, AssessmentScreen)
    await fill(app, pilot, "#summary", "account locked out")
    await pilot.pause(0.6)
    await press(app, pilot)


async def _warn(app, pilot, number: int) -> None:
    """F9, say the line shown, log it (ctrl+s), and go back to helping (escape)."""
    await press(app, pilot, "f9")
    assert isinstance(app.screen, AbuseScreen)
    line = text_of(app, "#abuse-line")
    assert ("transfer you to a manager" in line) is (number == 2), line
    await press(app, pilot, "ctrl+s")
    await press(app, pilot, "escape")
    assert not isinstance(app.screen, AbuseScreen)
    assert app.flow.view.call.abuse_warnings == number


async def test_played_well_every_item_passes(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "abusive-caller")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        await press(app, pilot, "ctrl+s")  # name confirmed
        await press(app, pilot, "ctrl+r")  # reference given (he does not care)
        await _assess(app, pilot)

        await _warn(app, pilot, 1)
        await caller_reacts(app, pilot)
        assert WARNING_1 in said(app) and WARNING_2 not in said(app)

        await press(app, pilot, "f10")  # "... a muppet like you?"
        await _warn(app, pilot, 2)
        await caller_reacts(app, pilot)
        assert WARNING_2 in said(app) and TRANSFERRED not in said(app)

        await press(app, pilot, "f10")  # "You're useless, the lot of you."
        await press(app, pilot, "f9")
        assert isinstance(app.screen, AbuseScreen)
        assert "I am going to transfer you to a manager now" in text_of(app, "#abuse-line")
        await fill(app, pilot, "#manager", "Pat Reid")
        await fill(app, pilot, "#note", "Swore after 2 warnings; locked out")
        await press(app, pilot, "ctrl+s")  # transferred, the manager filled in
        assert not isinstance(app.screen, AbuseScreen)
        assert app.flow.view.call.status == CallStatus.ESCALATED
        assert app.flow.view.call.actual_owner_label == "Pat Reid"
        await caller_reacts(app, pilot)
        assert TRANSFERRED in said(app)
        # In the order he said them, after the line that provoked each step.
        reactions = [line.source for line in app.practice.script.said if line.source.startswith("reaction:")]
        steps = [source for source in reactions if source in ("reaction:warning_1", "reaction:warning_2", "reaction:transferred")]
        assert steps == ["reaction:warning_1", "reaction:warning_2", "reaction:transferred"], reactions

        await press(app, pilot, "f10")  # "(to the manager) ...yeah, well. Fine."
        await press(app, pilot, "ctrl+g")  # hang up our side: scored
        results = await scorecard(app, pilot)
        why = {item["key"]: item["why"] for item in app.screen.card.items}
    assert failed(results) == set(), results
    for key in ("greeting", "name_confirmed", "reference", "solution", "escalated", "triggers", "handoff",
                "holds", "warnings", "agreement"):
        assert results[key] == "pass", key
    # The live transfer to a manager has no route, time to fix or next contact to ask.
    for key in ("apology", "route", "time_to_fix", "next_contact", "callback", "follow_up"):
        assert results[key] == "n/a", key
    assert "transferred to Pat Reid" in why["warnings"]
    assert "Swore after 2 warnings" in why["handoff"]


async def test_played_with_mistakes_the_right_items_fail(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, "abusive-caller")
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        # Rattled by his tone, the trainee neither confirms his name nor gives the
        # reference, gives only the first warning, and then - instead of the second
        # warning and the transfer - hands him to the help desk manager through the
        # ordinary escalation form.
        await _assess(app, pilot)
        await _warn(app, pilot, 1)
        await press(app, pilot, "f10")
        await press(app, pilot, "f4")
        assert isinstance(app.screen, ResolveScreen)
        await press(app, pilot, "ctrl+t")
        assert "crossed_the_line" not in holding(app), holding(app)  # one warning is not crossing the line
        await choose(app, pilot, "#route", "1")  # senior staff
        await choose(app, pilot, "#tier", "3")  # tier 3: the help desk manager
        assert app.screen.query_one("#route", Choice).value == "senior_staff"
        assert app.screen.query_one("#tier", Choice).value == 3
        await choose(app, pilot, "#cause", "a")  # the abusive caller
        await fill(app, pilot, "#time-to-fix", "today")
        await fill(app, pilot, "#next-contact", "+1h")
        await press(app, pilot, "ctrl+s")
        assert app.flow.view.call.status == CallStatus.ESCALATED
        await caller_reacts(app, pilot)
        assert WARNING_1 in said(app)
        assert WARNING_2 not in said(app) and TRANSFERRED not in said(app)
        await press(app, pilot, "ctrl+g")
        results = await scorecard(app, pilot)
        why = {item["key"]: item["why"] for item in app.screen.card.items}
    assert failed(results) == {"name_confirmed", "reference", "warnings", "triggers"}, results
    assert "never transferred" in why["warnings"]
    assert "crossed_the_line" in why["triggers"]
    for key in ("greeting", "escalated", "handoff", "holds", "agreement"):
        assert results[key] == "pass", key
