"""Whole calls taken through the real screens by keys, checked in the database and on screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from textual.widgets import DataTable, TextArea

from console import console, events_of, only_call, ready, seed, settle, text_of, type_text, with_runtime
from deskcli.models import (
    AckMethod,
    CallStatus,
    Commitment,
    CommitmentKind,
    CustomerCreate,
    Escalation,
    EventKind,
    KnowledgeArticle,
)
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.close import CloseScreen
from deskcli.screens.followup import FollowUpScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.screens.resolve import ResolveScreen

SIOBHAN = CustomerCreate(
    name="Siobhan O'Neill",
    organisation="Northwind Traders",
    department="Finance",
    email="siobhan@northwind.example",
    phones=["020 7946 0000"],
)


pytestmark = pytest.mark.usefixtures("analyst_profile")


async def identify(app, pilot, typed: str = "siob") -> None:
    """Answer (n), look the caller up, pick the only match."""
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, GreetingScreen)
    await type_text(pilot, typed)
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert app.flow.call_id is not None


async def test_a_resolved_on_first_contact_with_a_knowledge_article(db_path, clock):
    """Greeting → assessment with a known fix → resolved → closed with agreement → follow-up."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await identify(app, pilot)
        greeting = text_of(app, "#greeting-line")
        assert greeting == "Good afternoon, Ann Jones, Help Desk. How may I help you today?"
        await type_text(pilot, "S-I-O-B-H-A-N")
        await pilot.press("ctrl+s")  # name and spelling confirmed
        await pilot.press("ctrl+r")  # reference given on the phone
        await settle(app, pilot)

        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        await type_text(pilot, "printer is offline")
        await pilot.press("enter", "h")  # category: hardware, by its letter
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert "Which device" in text_of(app, "#questions")
        notes = app.screen.query_one("#notes", TextArea)
        notes.focus()
        await type_text(pilot, "power cycled it together")
        await pilot.press("ctrl+f", "enter")  # open the best known fix
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # use it
        await pilot.pause(0.5)
        await settle(app, pilot)

        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        app.screen.query_one("#resolution", TextArea).focus()
        await type_text(pilot, "Cleared the queue and re-added the printer")
        app.screen.query_one("#instructions", TextArea).focus()
        await type_text(pilot, "Print a test page tomorrow")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CloseScreen)

        await pilot.press("5")  # satisfaction 5
        await pilot.press("y")  # "Yes, they agree": closed
        await settle(app, pilot)
        assert isinstance(app.screen, FollowUpScreen)
        table = app.screen.query_one("#all-promises", DataTable)
        assert table.row_count == 1
        assert "Relationship follow-up" in str(table.get_row_at(0)[6])

    def check(runtime):
        call = only_call(runtime)
        kinds = [event.kind for event in events_of(runtime, call.id)]
        with runtime.store.read() as session:
            article = session.get(KnowledgeArticle, call.article_id)
            follow_up = session.exec(select(Commitment).where(Commitment.kind == CommitmentKind.FOLLOW_UP)).one()
        return call, kinds, article, follow_up

    call, kinds, article, follow_up = with_runtime(db_path, clock, check)
    assert call.status == CallStatus.CLOSED and call.customer_agreed_at is not None
    assert call.summary == "printer is offline" and call.category == "hardware"
    assert call.notes == "power cycled it together"
    assert call.resolution == "Cleared the queue and re-added the printer"
    assert call.instructions == "Print a test page tomorrow"
    assert call.ack_method == AckMethod.VERBAL and call.satisfaction == 5
    assert article.slug == "printer-offline" and article.times_used == 1
    for kind in (EventKind.GREETED, EventKind.NAME_CONFIRMED, EventKind.ACKNOWLEDGED, EventKind.ARTICLE_USED,
                 EventKind.RESOLVED, EventKind.CUSTOMER_AGREED, EventKind.CLOSED, EventKind.COMMITMENT_MADE):
        assert kind in kinds, kind
    local_due = follow_up.due_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    assert (local_due.weekday(), local_due.hour) == (2, 10)  # Tuesday's call: Wednesday 10:00


async def test_b_escalated_with_handoff_then_closed_with_agreement(db_path, clock):
    """Escalation carries the hand-off, time to fix and next contact; later closed with agreement."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await identify(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "shared drive down for the team")
        people = app.screen.query_one("#people")
        people.focus()
        await type_text(pilot, "6")
        await pilot.pause(0.5)
        await settle(app, pilot)

        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        assert app.screen.form.pane == "escalate"  # a trigger holds
        assert "More than one person is affected" in text_of(app, "#proposal")
        handoff = app.screen.query_one("#handoff", TextArea).text
        assert "shared drive down for the team" in handoff and "6 people affected" in handoff
        assert "siobhan@northwind.example" in handoff
        app.screen.query_one("#time-to-fix").focus()
        await type_text(pilot, "4 hours")
        app.screen.query_one("#next-contact").input.focus()
        await type_text(pilot, "+2h")
        await pilot.pause()
        assert "16:00" in str(app.screen.query_one("#next-contact .time-preview").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+g")  # hang up: the call stays open in the queue
        await settle(app, pilot)

    def escalated(runtime):
        call = only_call(runtime)
        with runtime.store.read() as session:
            escalation = session.exec(select(Escalation)).one()
            promise = session.get(Commitment, escalation.next_contact_id)
        return call, escalation, promise

    call, escalation, promise = with_runtime(db_path, clock, escalated)
    assert call.status == CallStatus.ESCALATED and call.talk_ended_at is not None
    assert call.actual_owner_label == "Second-line technical team" and call.actual_owner_id is None
    assert escalation.route == "technical_experts" and escalation.tier == 2
    assert escalation.time_to_fix == "4 hours" and "several_people" in escalation.triggers
    assert promise.kind == CommitmentKind.NEXT_CONTACT and promise.due_at == clock.now() + timedelta(hours=2)
    assert promise.owed_by_id == call.perceived_owner_id

    clock.advance(timedelta(hours=1))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        elsewhere = app.screen.query_one("#elsewhere", DataTable)
        assert elsewhere.row_count == 1  # perceived-owned, someone else is working it
        elsewhere.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        await type_text(pilot, "Second line restored the file server")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CloseScreen)
        await pilot.press("y")
        await settle(app, pilot)

    call = with_runtime(db_path, clock, only_call)
    assert call.status == CallStatus.CLOSED and call.customer_agreed_at is not None


async def test_c_close_refused_without_agreement(db_path, clock):
    """Closing is refused until the customer agrees; "not yet" leaves it awaiting confirmation."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await identify(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CloseScreen)
        await pilot.press("ctrl+s")  # nothing chosen yet
        await settle(app, pilot)
        assert "Ask the customer first" in text_of(app, "#close-status")
        assert app.screen.focused is app.screen.query_one("#agreement")
        await pilot.press("n")  # "No, or not yet": recorded at once
        await settle(app, pilot)
        assert "awaiting" in text_of(app, "#close-status").lower()
        assert with_runtime(db_path, clock, only_call).status == CallStatus.AWAITING_CONFIRMATION
        await pilot.press("y")  # now they agree, but there is no resolution summary
        await settle(app, pilot)
        status = text_of(app, "#close-status")
        assert "cannot be closed" in status and "resolution summary" in status
    call = with_runtime(db_path, clock, only_call)
    assert call.status == CallStatus.AWAITING_CONFIRMATION and call.closed_at is None
