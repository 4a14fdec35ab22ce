"""The escalation rules of the call on screen (issue 13 §2): a company-wide issue and a
breached SLA as triggers, the time to fix required, the cause of the escalation, a
change of channel, and the seeds' prompts before escalating."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from textual.widgets import Checkbox, Input, TextArea

from console import answer, console, events_of, ready, seed, settle, text_of, type_text, with_runtime
from desk_builder import Desk
from deskcli.models import CallStatus, Commitment, CustomerCreate, Escalation, EventKind
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.resolve import ResolveScreen
from deskcli.screens.review import ReviewScreen
from deskcli.screens.timeline import TimelineScreen
from deskcli.store import db
from deskcli.widgets.choice import Choice
from deskcli.widgets.prompts import PromptPanel
from deskcli.widgets.tick_list import TickList

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIZE = (100, 34)
SIOBHAN = CustomerCreate(name="Siobhan O'Neill", organisation="Northwind Traders", phones=["020 7946 0000"])


def trigger_line(app, key: str) -> str:
    """A trigger's line on the resolve screen, as shown."""
    return str(app.screen.query_one("#triggers", TickList).get_option(key).prompt)


def holding(app) -> set[str]:
    """The triggers the resolve screen shows as holding."""
    return {result.key for result in app.screen.form.advice.triggers if result.holds}


async def type_into(app, pilot, selector: str, text: str) -> None:
    """Focus a field of the current screen and type into it (let the saves run)."""
    widget = app.screen.query_one(selector)
    getattr(widget, "input", widget).focus()
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.pause(0.5)
    await settle(app, pilot)


async def assess(app, pilot, summary: str) -> None:
    """Answer Siobhan's call and type the problem summary on the assessment."""
    await ready(app, pilot)
    await answer(app, pilot, "siob")
    await pilot.press("ctrl+r")  # the reference read to the caller: responded (the header shows resolution from now)
    await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)
    assert isinstance(app.screen, AssessmentScreen)
    await type_into(app, pilot, "#summary", summary)


def header(app) -> str:
    return str(app.screen.query_one("#call-header").render())


def escalation_of(db_path, clock) -> tuple[Escalation, Commitment]:
    def read(runtime):
        with runtime.store.read() as session:
            escalation = session.exec(select(Escalation)).one()
            return escalation, session.get(Commitment, escalation.next_contact_id)

    return with_runtime(db_path, clock, read)


async def test_a_company_wide_issue_ticked_on_the_assessment_is_a_trigger_with_the_prompts(db_path, clock):
    """Seed 000: a caller raising company-wide issues is referred to the manager; seed 003's
    apology and seed 002's urgency are shown with the benefit before escalating."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await assess(app, pilot, "payroll late again and nobody tells us")
        app.screen.query_one("#company-wide", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert app.flow.view.call.company_wide is True  # saved through the assessment use case
        assert "Escalate early" in str(app.screen.query_one(PromptPanel).render())

        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        assert app.screen.form.pane == "escalate"
        assert holding(app) == {"company_wide"}
        assert "The caller raises company-wide issues: the caller raised a company-wide issue" in trigger_line(app, "company_wide")
        # Referred to the manager: senior staff, the help desk manager's tier.
        assert app.screen.query_one("#route", Choice).value == "senior_staff"
        assert app.screen.query_one("#tier", Choice).value == 3
        assert "company-wide issue raised" in app.screen.query_one("#handoff", TextArea).text
        prompts = str(app.screen.query_one("#escalate-prompts", PromptPanel).render())
        for title in ("Apologise first", "Position the escalation", "Show the urgency", "Tell them what happens next"):
            assert title in prompts, title
        assert "acknowledge the customer's dissatisfaction" in prompts.lower()
        assert "handled properly, and urgently" in prompts
        # Nothing clearly says why it goes further: the analyst chooses the cause.
        assert app.screen.query_one("#cause", Choice).value is None

        # Unticked on the assessment: the trigger no longer holds.
        await pilot.press("f3")
        await settle(app, pilot)
        app.screen.query_one("#company-wide", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause(0.5)
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert "company_wide" not in holding(app)
        call_id = app.flow.call_id
    events = with_runtime(db_path, clock, lambda rt: events_of(rt, call_id))
    changes = [e.payload["changes"] for e in events if e.kind == EventKind.FIELDS_CHANGED and "company_wide" in e.payload["changes"]]
    assert [change["company_wide"] for change in changes] == [[False, True], [True, False]]


async def test_a_breached_sla_holds_as_a_trigger_while_the_header_says_breached(db_path, clock):
    """Seed 000: "the problem has reached its time limit for resolution according to the SLA".
    The resolve screen follows the clock: when the header turns BREACHED, the trigger holds."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await assess(app, pilot, "warehouse scanners all down")
        app.screen.query_one("#urgency", Choice).focus()
        await pilot.press("h")  # high
        app.screen.query_one("#business", Choice).focus()
        await pilot.press("v")  # severe: priority 1, four hours around the clock
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert app.flow.view.call.priority == 1
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, ResolveScreen)
        assert "BREACHED" not in header(app)
        assert "sla_breached" not in holding(app)
        assert app.screen.query_one("#route", Choice).value == "technical_experts"  # the business impact

        clock.advance(timedelta(hours=4, minutes=1))
        await pilot.pause(1.3)  # the header and the screen look again every second
        await settle(app, pilot)
        assert "BREACHED" in header(app)
        assert "sla_breached" in holding(app)
        assert "the resolution time limit of the SLA has been reached" in trigger_line(app, "sla_breached")
        # Hierarchical now, and the cause follows: the desk was too slow.
        assert app.screen.query_one("#route", Choice).value == "senior_staff"
        assert app.screen.query_one("#cause", Choice).value == "operational_efficiency"
        assert "The SLA time limit for resolution is reached" in app.screen.query_one("#handoff", TextArea).text

        # The assessment's prompts say so too.
        await pilot.press("f3")
        await settle(app, pilot)
        assert "Escalate early" in str(app.screen.query_one(PromptPanel).render())


async def test_escalating_needs_the_time_to_fix_records_the_cause_and_a_channel_change(db_path, clock):
    """No escalation without the receiver's time to fix (the cursor goes there); the cause
    proposed from the customer asking for a manager, then the analyst's own choice; the
    customer to be contacted by e-mail from now on."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await assess(app, pilot, "invoice portal rejects every upload")
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("ctrl+t")  # no trigger holds yet: the escalate pane by its key
        await settle(app, pilot)
        screen = app.screen
        assert screen.focused is screen.query_one("#cause", Choice)  # the first field needing an answer
        screen.query_one("#triggers", TickList).focus()
        await pilot.press("space")  # the first trigger: the customer asks for a manager
        await settle(app, pilot)
        assert holding(app) == {"customer_request"}
        assert screen.query_one("#cause", Choice).value == "dissatisfaction"  # proposed

        screen.query_one("#cause", Choice).focus()
        await pilot.press("l")  # the analyst knows better: lack of experience or training
        await settle(app, pilot)
        assert screen.query_one("#cause", Choice).value == "experience_or_training"
        assert screen.focused is screen.query_one("#time-to-fix", Input)  # on to the next field
        screen.query_one("#triggers", TickList).focus()
        await pilot.press("down", "space")  # another trigger: the analyst's cause stands
        await settle(app, pilot)
        assert screen.query_one("#cause", Choice).value == "experience_or_training"

        screen.query_one("#channel", Choice).focus()
        await pilot.press("e")  # contact by e-mail from now on
        await settle(app, pilot)
        assert "Contact the customer by e-mail from now on." in screen.query_one("#handoff", TextArea).text

        await type_into(app, pilot, "#next-contact", "+2h")
        screen.query_one("#handoff", TextArea).focus()
        await pilot.press("ctrl+s")  # no time to fix: refused
        await settle(app, pilot)
        assert app.flow.view.call.status == CallStatus.OPEN
        assert screen.focused is screen.query_one("#time-to-fix", Input)
        refusals = [n.message for n in app.notices.current() if n.title == "Not done"]
        assert any("the time to fix (obtain the receiver's estimate)" in message for message in refusals), refusals

        await type_text(pilot, "end of the day")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.flow.view.call.status == CallStatus.ESCALATED
        call_id = app.flow.call_id

    escalation, promise = escalation_of(db_path, clock)
    assert escalation.cause == "experience_or_training" and escalation.channel == "email"
    assert escalation.time_to_fix == "end of the day"
    assert escalation.handoff.endswith("Contact the customer by e-mail from now on.")
    assert promise.description == "Next contact by e-mail after escalation to Help desk manager"
    escalated = [e for e in with_runtime(db_path, clock, lambda rt: events_of(rt, call_id)) if e.kind == EventKind.ESCALATED]
    assert escalated[0].payload["cause_label"] == "Lack of experience or training (analyst)"


async def test_the_cause_and_the_channel_show_in_the_past_call_and_the_review(db_path, clock, policies):
    """Seed 004: keep records of escalations - and seed 003: learn from their causes."""
    store = db.open_store(db.target_for(db_path, None))
    try:
        desk = Desk(store, clock, policies)
        customer = desk.customer("Siobhan O'Neill")
        call_id = desk.call(customer, summary="Invoice portal rejects uploads", category="accounts", priority=2)
        desk.escalate(call_id, "senior_staff", triggers=["customer_request"], cause="dissatisfaction", channel="email")
    finally:
        store.dispose()
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.push_screen(TimelineScreen(call_id))
        await settle(app, pilot)
        record = text_of(app, "#timeline-record")
        assert ("Escalated: senior_staff tier 2 (hierarchical) to Senior analyst on duty · cause: Dissatisfied with "
                "a product or service · contact by e-mail from now on") in " ".join(record.split())
        timeline = [str(app.screen.query_one("#timeline-table").get_row_at(i)[2])
                    for i in range(app.screen.query_one("#timeline-table").row_count)]
        escalated = next(line for line in timeline if line.startswith("escalated to"))
        assert "cause: Dissatisfied with a product or service; contact by e-mail from now on" in escalated
        await pilot.press("escape")
        app.push_screen(ReviewScreen(call_id))
        await settle(app, pilot)
        assert "cause: Dissatisfied with a product or service" in " ".join(text_of(app, "#review-record").split())
