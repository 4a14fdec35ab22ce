"""The console showing what the engine decides: SLA pauses, progress calls, the queue's flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable

from console import answer, console, events_of, only_call, ready, seed, settle, type_text, with_runtime
from deskcli.models import CustomerCreate, EventKind
from deskcli.screens.waiting import WaitingScreen
from deskcli.services.lifecycle import calls, escalations

pytestmark = pytest.mark.usefixtures("analyst_profile")


async def test_f7_stops_and_restarts_the_sla_clock_with_a_reason(db_path, clock):
    """F7 asks what the desk waits for, pauses the clock (shown in the header), F7 again resumes."""
    seed(db_path, clock, CustomerCreate(name="Wen Tao"))
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "wen")
        await pilot.press("f3")
        await settle(app, pilot)
        app.screen.query_one("#urgency").focus()
        await pilot.press("h")  # urgency: high, by its letter
        await pilot.pause(0.6)
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, WaitingScreen)
        await type_text(pilot, "testing after lunch")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "paused" in str(app.screen.query_one("#call-header").render())
        clock.advance(timedelta(hours=2))
        await pilot.press("f7")
        await settle(app, pilot)
        assert "paused" not in str(app.screen.query_one("#call-header").render())
    call = with_runtime(db_path, clock, only_call)
    kinds = [(e.kind, e.payload.get("reason")) for e in with_runtime(db_path, clock, lambda rt: events_of(rt, call.id))]
    assert (EventKind.SLA_PAUSED, "testing after lunch") in kinds and (EventKind.SLA_RESUMED, None) in kinds


async def test_progress_call_is_logged_on_the_open_call_in_one_step(db_path, clock):
    """A caller asking about their open call: ctrl+t logs the contact there and opens it - no new call."""
    [customer_id] = seed(db_path, clock, CustomerCreate(name="Ola Nordmann"))

    def open_call(runtime):
        with runtime.store.write() as session:
            call = calls.create_call(session, customer_id, runtime.actor())
            calls.end_talk(session, call.id, runtime.actor())
            return call.id

    call_id = with_runtime(db_path, clock, open_call)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "ola")
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.flow.call_id == call_id
    call = with_runtime(db_path, clock, only_call)  # still only one call
    events = with_runtime(db_path, clock, lambda rt: events_of(rt, call.id))
    contacts = [e for e in events if e.kind == EventKind.CONTACT_LOGGED]
    assert len(contacts) == 1 and contacts[0].payload["direction"] == "inbound"
    assert call.talk_ended_at is None  # back in conversation


async def test_queue_flags_calls_with_no_next_contact_and_old_escalations(db_path, clock, policies):
    """Perceive-owned calls show the next contact (or that none is promised) and escalations past 30 days."""
    [customer_id] = seed(db_path, clock, CustomerCreate(name="Kai Blue"))

    def escalated(runtime):
        with runtime.store.write() as session:
            call = calls.create_call(session, customer_id, runtime.actor())
            escalations.escalate(
                session, call.id,
                escalations.EscalationRequest(route="suppliers", handoff="warranty repair", next_contact_at=clock.now() + timedelta(hours=1),
                                              time_to_fix="3 days", cause="better_tier"),
                runtime.actor(), policy=policies.escalation,
            )
            calls.end_talk(session, call.id, runtime.actor())

    with_runtime(db_path, clock, escalated)
    clock.advance(timedelta(days=31))
    app = console(db_path, clock)
    async with app.run_test(size=(160, 34)) as pilot:
        await ready(app, pilot)
        row = [str(cell) for cell in app.screen.query_one("#elsewhere", DataTable).get_row_at(0)]
    assert "(not you)" in row[2]
    assert row[3].startswith("OVERDUE")  # the next contact promised an hour after escalating
    assert "escalated 31 d ago" in row[4] and "past the close target" in row[4]
