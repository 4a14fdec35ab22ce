"""The record says what happened: the proposed tier is the tier saved, no false "skipped"
step, a running timer on a call opened from the queue, and a new caller who wins over
a call left live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input

from console import console, events_of, ready, seed, settle, text_of, type_text, with_runtime
from deskcli.app import DeskApp
from deskcli.config.launch import LaunchOptions
from deskcli.models import Call, CustomerCreate, Escalation, EventKind, Stage
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.services.lifecycle import calls
from deskcli.widgets.call_header import CallHeader
from deskcli.widgets.choice import Choice
from deskcli.widgets.time_field import TimeField

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIOBHAN = CustomerCreate(name="Siobhan O'Neill", phones=["020 7946 0000"])
RAHUL = CustomerCreate(name="Rahul Verma", phones=["020 7946 0999"])


def live_call(db_path, clock, customer_id: int, *, stage: Stage, **assessment) -> int:
    """A call of Ann's still in conversation, left at ``stage`` with this assessment."""

    def make(runtime):
        with runtime.store.write() as session:
            call = calls.create_call(session, customer_id, runtime.actor())
            if assessment:
                calls.update_assessment(session, call.id, runtime.actor(), **assessment)
            calls.move_to_stage(session, call.id, stage, runtime.actor())
            return call.id

    return with_runtime(db_path, clock, make)


async def test_the_proposed_tier_fills_the_field_and_the_analysts_change_stands(db_path, clock):
    """Three departments: technical experts, tier 3 proposed - and tier 3 is in the field, not 2."""
    [customer] = seed(db_path, clock, SIOBHAN)
    call_id = live_call(db_path, clock, customer, stage=Stage.RESOLVE, summary="file server down", departments_affected=3)
    app = console(db_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResolveScreen) and screen.form.pane == "escalate"
        assert "Knowledge experts / technical staff, tier 3" in text_of(app, "#proposal")
        assert screen.query_one("#route", Choice).value == "technical_experts"
        assert screen.query_one("#tier", Choice).value == 3
        assert screen.query_one("#receiver", Input).value == "Infrastructure and security specialists"
        await pilot.press("f8", "f8")  # a hold on and off refreshes the call: the proposal is re-applied, same tier
        await settle(app, pilot)
        assert screen.query_one("#tier", Choice).value == 3
        screen.query_one("#tier", Choice).focus()
        await pilot.press("2")  # the analyst's own choice
        await settle(app, pilot)
        assert screen.query_one("#receiver", Input).value == "Second-line technical team"
        await pilot.press("f8", "f8")
        await settle(app, pilot)
        assert screen.query_one("#tier", Choice).value == 2  # stands through refreshes
        screen.query_one("#time-to-fix", Input).focus()
        await type_text(pilot, "4 hours")
        screen.query_one("#next-contact", TimeField).input.focus()
        await type_text(pilot, "+2h")
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    def saved(runtime):
        with runtime.store.read() as session:
            return session.exec(select(Escalation).where(Escalation.call_id == call_id)).one()

    escalation = with_runtime(db_path, clock, saved)
    assert (escalation.route, escalation.tier, escalation.receiver) == ("technical_experts", 2, "Second-line technical team")


async def test_a_category_picked_just_before_moving_on_is_not_recorded_as_skipped(db_path, clock):
    """Pick the category and press F4 at once: the move sees the category (no false "Skipped: category")."""
    [customer] = seed(db_path, clock, SIOBHAN)
    call_id = live_call(db_path, clock, customer, stage=Stage.ASSESSMENT, summary="printer offline", people_affected=1, urgency="low")
    app = console(db_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        app.screen.query_one("#category", Choice).focus()
        await pilot.press("h", "f4")  # no pause for the autosave between them
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        # F4 passed the read-back by (a real skip); the category is not among the skipped.
        said = [n.message for n in app.notices.all if n.message.startswith("Skipped")]
        assert said == ["Skipped: problem read back to the caller (recorded)."]
    skipped = [e for e in with_runtime(db_path, clock, lambda rt: events_of(rt, call_id)) if e.kind == EventKind.STAGE_SKIPPED]
    assert [e.payload["steps"] for e in skipped] == [["problem read back to the caller"]]


async def test_a_call_opened_from_the_queue_has_a_running_timer(db_path, clock):
    """A call whose conversation ended, opened again from the queue: the timer counts from the opening."""
    [customer] = seed(db_path, clock, SIOBHAN)

    def ended_call(runtime):
        with runtime.store.write() as session:
            call = calls.create_call(session, customer, runtime.actor())
            clock.advance(timedelta(seconds=1))
            calls.end_talk(session, call.id, runtime.actor())
            return call.id

    with_runtime(db_path, clock, ended_call)
    clock.advance(timedelta(minutes=30))
    app = console(db_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        table = app.screen.query_one("#mine", DataTable)
        assert app.screen.focused is table  # Enter works at once, no Tab first
        await pilot.press("enter")
        await settle(app, pilot)
        clock.advance(timedelta(seconds=10))
        header = app.screen.query_one(CallHeader)
        header.refresh()
        await pilot.pause()
        drawn = str(header.render())
        assert "open 0:10" in drawn, drawn
        assert "call 0:01" not in drawn


async def test_a_new_caller_wins_over_a_call_left_live(db_path, clock):
    """--caller-id while a call was left in conversation: greet the new caller; the old call is flagged."""
    siobhan, _rahul = seed(db_path, clock, SIOBHAN, RAHUL)
    old = live_call(db_path, clock, siobhan, stage=Stage.ASSESSMENT, summary="vpn drops")
    app = DeskApp(LaunchOptions(db=db_path, caller_id="020 7946 0999"), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        for _ in range(20):
            await settle(app, pilot)
            if app.flow.call_id is not None:
                break
        assert isinstance(app.screen, GreetingScreen)
        assert app.flow.view is not None and app.flow.view.customer.name == "Rahul Verma"
        assert app.flow.call_id != old
        assert [n for n in app.notices.all if "left in conversation" in n.message and "HD-" in n.message]
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        mine = app.screen.query_one("#mine", DataTable)
        rows = {str(mine.get_row_at(i)[0]): str(mine.get_row_at(i)[3]) for i in range(mine.row_count)}
    reference = with_runtime(db_path, clock, lambda rt: _reference(rt, old))
    assert "LIVE" in rows[reference]


def _reference(runtime, call_id: int) -> str:
    with runtime.store.read() as session:
        return session.get(Call, call_id).reference
