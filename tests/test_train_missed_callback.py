"""Scenario "missed-callback" played in trainer mode: once well, once with mistakes,
and the trainer's clock moved so a promise reminder fires and the SLA warning turns
into a breach."""

from __future__ import annotations

from textual.widgets import Static

from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.promise import PromiseScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.trainer.clock_screen import ClockScreen
from deskcli.widgets.call_header import CallHeader
from trainer_console import (
    SIZE,
    choose,
    demo_database,
    failed,
    fill,
    holding,
    practice_ready,
    press,
    progress_call,
    scorecard,
    trainer,
)

SCENARIO = "missed-callback"
CALLER = "Olumide Adeyemi"
OPEN_CALL = "document management system"
"""Words of the open (escalated) call's summary, recorded at practice start."""



def header(app) -> str:
    """The call header as drawn now."""
    return str(app.screen.query_one(CallHeader).render())


def notifications(app, title: str) -> list[str]:
    """The messages of the notifications with this title, oldest first."""
    return [n.message for n in app.notices.all if n.title == title]


async def greet_and_assess(app, pilot, *, apologise: bool) -> None:
    """Confirm the name, give the reference, log the valid complaint (and say sorry)."""
    await press(app, pilot, "f2")
    assert isinstance(app.screen, GreetingScreen)
    await press(app, pilot, "ctrl+s")  # name and spelling confirmed
    await press(app, pilot, "ctrl+r")  # reference read back (he could not find it)
    await press(app, pilot, "f3")
    assert isinstance(app.screen, AssessmentScreen)
    await fill(app, pilot, "#people", "2")  # "Me and my assistant, Kerry": keeps it priority 2
    await press(app, pilot, "ctrl+t")  # a complaint: valid or not is asked at once
    await press(app, pilot, "y")  # valid: the call-back by 13:30 was missed
    await fill(app, pilot, "#complaint-steps", "Senior analyst today")
    if apologise:
        await press(app, pilot, "ctrl+y")
    await pilot.pause(0.5)  # the form is saved after a quiet moment
    await press(app, pilot)
    call = app.flow.view.call
    assert call.is_complaint and call.complaint_valid and call.priority == 2


async def escalate(app, pilot, *, route_down: int = 0) -> None:
    """F4, escalate pane: the proposal (senior staff, hierarchical, because the promise
    passed), or the route ``route_down`` places further down the list."""
    await press(app, pilot, "f4")
    assert isinstance(app.screen, ResolveScreen)
    await press(app, pilot, "ctrl+t")
    proposal = str(app.screen.query_one("#proposal", Static).render())
    assert "Senior staff" in proposal and "hierarchical" in proposal and "promise" in proposal, proposal
    assert "promise_passed" in holding(app)
    if route_down:
        await choose(app, pilot, "#route", str(1 + route_down))  # routes are picked by their number
    await fill(app, pilot, "#time-to-fix", "18:00")
    await fill(app, pilot, "#next-contact", "17:15")
    await press(app, pilot, "ctrl+s")
    assert app.flow.view.escalations, "the escalation was refused"


async def promise_call_back(app, pilot, when: str, what: str) -> None:
    """ctrl+o: a call-back at ``when``."""
    await press(app, pilot, "ctrl+o")
    assert isinstance(app.screen, PromiseScreen)
    await fill(app, pilot, "#due", when)
    await fill(app, pilot, "#what", what)
    await press(app, pilot, "ctrl+s")
    assert not isinstance(app.screen, PromiseScreen)


async def move_clock(app, pilot, key: str | None = None, *, typed: str | None = None) -> None:
    """ctrl+k, then a quick jump (1-4) or a typed time and ctrl+s."""
    await press(app, pilot, "ctrl+k")
    assert isinstance(app.screen, ClockScreen)
    if typed is not None:
        await fill(app, pilot, "#clock-to", typed)
        await press(app, pilot, "ctrl+s")
    else:
        await press(app, pilot, key)
    assert not isinstance(app.screen, ClockScreen)
    await press(app, pilot)  # the reminder check and the call's reload


async def test_played_well_every_item_passes(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, SCENARIO)
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        open_call = await progress_call(app, pilot, OPEN_CALL)
        await greet_and_assess(app, pilot, apologise=True)
        assert "SLA WARNING" in header(app)  # still priority 2, nearly used
        await escalate(app, pilot)
        await promise_call_back(app, pilot, "17:15", "Ring Olumide")
        await press(app, pilot, "ctrl+g")  # hang up, the call left escalated: scored
        results = await scorecard(app, pilot)
        whys = {item["key"]: item["why"] for item in app.screen.card.items}
        assert app.screen.card.call_id == open_call  # scored on the call he rang about
    assert failed(results) == set(), whys
    for key in (
        "name_confirmed", "reference", "apology", "solution", "escalated", "triggers", "route",
        "handoff", "time_to_fix", "next_contact", "callback", "holds", "agreement", "follow_up",
    ):
        assert results[key] == "pass", (key, whys[key])
    assert "senior_staff (hierarchical)" in whys["route"]
    assert "17:15" in whys["next_contact"] and "17:15" in whys["callback"]
    assert results["warnings"] == "n/a"
    assert failed(results) == set(), whys


async def test_played_with_mistakes_the_right_items_fail(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, SCENARIO)
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await progress_call(app, pilot, OPEN_CALL)
        # No apology, sent functionally to second line again instead of up to senior
        # staff, and no call-back to make good the one that was missed.
        await greet_and_assess(app, pilot, apologise=False)
        await escalate(app, pilot, route_down=1)
        assert app.flow.view.escalations[-1].route == "technical_experts"
        await press(app, pilot, "ctrl+g")
        results = await scorecard(app, pilot)
        whys = {item["key"]: item["why"] for item in app.screen.card.items}
    assert failed(results) == {"apology", "route", "callback"}, whys
    assert "technical_experts (functional)" in whys["route"] and "expected senior_staff (hierarchical)" in whys["route"]
    for key in ("name_confirmed", "reference", "escalated", "triggers", "next_contact", "follow_up"):
        assert results[key] == "pass", (key, whys[key])
    assert failed(results) == {"apology", "route", "callback"}, whys


async def test_moved_clock_fires_the_reminder_and_breaches_the_sla(tmp_path, clock):
    db_path = demo_database(tmp_path, clock)
    app = trainer(db_path, clock, SCENARIO)
    async with app.run_test(size=SIZE) as pilot:
        await practice_ready(app, pilot)
        await progress_call(app, pilot, OPEN_CALL)
        reference = app.flow.view.call.reference
        # 16:30: priority 2 opened at 9:00 has used 390 of its 480 business minutes.
        assert f"{reference} (escalated)" in header(app) and "SLA WARNING 1h 30m left" in header(app), header(app)
        await promise_call_back(app, pilot, "+30 min", "Ring Olumide")
        ours = lambda title: [m for m in notifications(app, title) if "Ring Olumide" in m]  # noqa: E731
        assert not ours("Promise coming up") and not ours("Promise DUE now")

        await move_clock(app, pilot, "1")  # 16:45: due in 15 minutes, not yet within the 10 of notice
        assert not ours("Promise coming up") and not ours("Promise DUE now")
        assert "SLA WARNING 1h 15m left" in header(app), header(app)

        await move_clock(app, pilot, typed="16:55")  # 5 minutes before it is due
        coming = ours("Promise coming up")
        assert len(coming) == 1 and reference in coming[0] and CALLER in coming[0], coming
        assert not ours("Promise DUE now")

        await move_clock(app, pilot, "1")  # 17:10: past it
        due = ours("Promise DUE now")
        assert len(due) == 1 and reference in due[0] and "17:00" in due[0], due
        assert "SLA WARNING 50m left" in header(app), header(app)
        assert "OVERDUE promise" in header(app)

        await move_clock(app, pilot, "4")  # next morning, 08:00: the desk was shut all night
        assert "SLA WARNING 30m left" in header(app), header(app)
        await move_clock(app, pilot, "2")  # 09:00
        assert "SLA BREACHED 30m over" in header(app), header(app)
        local = clock.now().astimezone(app.runtime.settings.zone())
        assert (local.strftime("%a %H:%M")) == "Wed 09:00"
        assert [m for m in notifications(app, "Trainer") if m.startswith("Clock moved to Wed 11 Mar 09:00")]
