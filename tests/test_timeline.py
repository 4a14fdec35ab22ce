"""The timeline of a past call in words, and reopening or logging a progress call from it."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from desk_builder import Desk
from deskcli.core.errors import RuleViolation
from deskcli.models import CommitmentKind, EventKind
from deskcli.services.lifecycle import abuse
from deskcli.services.records import past_call
from deskcli.services.records.past_call import ProgressCall, RecordContext, ReopenRequest

ZONE = ZoneInfo("Europe/London")


@pytest.fixture
def desk(store, clock, policies) -> Desk:
    return Desk(store, clock, policies)


@pytest.fixture
def context(policies) -> RecordContext:
    return RecordContext(policies.sla, policies.sla.calendar(ZONE), ZONE)


def test_every_event_in_order_with_who_and_what(desk, context, policies):
    siobhan = desk.customer("Siobhan O'Neill")
    call = desk.call(siobhan, summary="VPN drops", category="network", priority=2, notes="Drops every ten minutes")
    desk.wait(minutes=1)
    desk.notes(call, "Drops every ten minutes; tried another network")
    desk.notes(call, "Drops every ten minutes; tried another network; same")
    desk.hold(call, 75)
    desk.do(lambda s, by: abuse.give_warning(s, call, by, policy=policies.abuse))
    callback = desk.promise(call, CommitmentKind.CALLBACK, timedelta(minutes=30), "Ring back with news")
    desk.escalate(call, handoff="Tried another network; logs attached", triggers=["no_solution"])
    desk.hang_up(call)
    desk.wait(minutes=20)
    desk.keep(callback)
    desk.contact(call, note="Any news?")
    desk.wait(hours=1)
    desk.close(call, satisfaction=4)
    desk.wait(days=1)
    desk.reopen(call, "It came back")

    record = past_call.load_record(desk.store, desk.by(), call, context)
    lines = [(line.kind, line.what) for line in record.timeline]
    kinds = [kind for kind, _ in lines]
    assert kinds[0] == EventKind.CREATED and kinds[-1] == EventKind.REOPENED
    words = dict(lines)
    assert words[EventKind.HOLD_ENDED] == "off hold after 1:15 - LONG hold"
    assert words[EventKind.WARNING_GIVEN] == "warning 1 given (abusive caller)"
    assert words[EventKind.ESCALATED].startswith("escalated to Second-line technical team (technical experts, tier 2, functional)")
    assert "triggers: no solution" in words[EventKind.ESCALATED]
    assert words[EventKind.COMMITMENT_RESOLVED].startswith("promise kept on time")
    assert words[EventKind.CONTACT_LOGGED] == "progress call from the customer"
    assert words[EventKind.CLOSED] == "closed; satisfaction 4/5"
    escalated = next(line for line in record.timeline if line.kind == EventKind.ESCALATED)
    assert escalated.detail == "Tried another network; logs attached"  # the hand-off, to read in full
    made = next(line for line in record.timeline if line.kind == EventKind.COMMITMENT_MADE and "call-back" in line.what)
    assert made.detail == "Ring back with news"
    reopened = record.timeline[-1]
    assert reopened.detail == "It came back" and reopened.who == "Ann Jones"
    # The three notes saves in a row are one line.
    notes = [line for line in record.timeline if line.kind == EventKind.NOTES_SAVED]
    assert len(notes) == 1 and notes[0].count == 3 and "3 times" in notes[0].what
    assert [line.at for line in record.timeline] == sorted(line.at for line in record.timeline)
    assert record.holds == 1 and record.hold_seconds == 75
    assert record.escalations[0].handoff == "Tried another network; logs attached"
    assert {p.kind: p.outcome for p in record.promises}["callback"] == "kept_on_time"


def test_reopen_from_the_record_needs_a_reason_and_a_closed_call(desk, context):
    call = desk.call(desk.customer("Marek Nowak"), summary="Password expired")
    with pytest.raises(RuleViolation, match="is not closed"):
        past_call.reopen(desk.store, desk.by(), ReopenRequest(call, "again"), context)
    desk.close(call)
    with pytest.raises(RuleViolation, match="reason"):
        past_call.reopen(desk.store, desk.by(), ReopenRequest(call, "  "), context)
    record = past_call.reopen(desk.store, desk.by(), ReopenRequest(call, "Locked out again"), context)
    assert record.status == "open" and not record.can_reopen
    assert record.timeline[-1].kind == EventKind.REOPENED


def test_the_record_says_how_the_call_came_in(desk, context):
    """A call by e-mail is marked so in the record and on the first line of its timeline."""
    from deskcli.core.enums import Channel
    from deskcli.services.lifecycle import calls

    customer = desk.customer("Marek Nowak")
    emailed = desk.do(lambda s, by: calls.create_call(s, customer, by, channel=Channel.EMAIL)).id
    record = past_call.load_record(desk.store, desk.by(), emailed, context)
    assert record.channel == "email"
    assert record.timeline[0].what == f"call {record.reference} opened (e-mail)"
    assert past_call.load_record(desk.store, desk.by(), desk.call(customer), context).channel == "phone"


def test_a_progress_call_is_logged_on_the_call(desk, context):
    call = desk.call(desk.customer("Marek Nowak"), summary="Password expired")
    record = past_call.log_progress_call(desk.store, desk.by(), ProgressCall(call, "Asked for news"), context)
    assert (record.timeline[-1].kind, record.timeline[-1].detail) == (EventKind.CONTACT_LOGGED, "Asked for news")


def test_text_from_the_database_stays_text(desk, context):
    """Markup in a record comes back as the same characters (the screen shows it literally)."""
    call = desk.call(desk.customer("[@click=app.quit]x[/]"), summary="[b]bold[/b]")
    desk.contact(call, note="[red]note[/red]")
    record = past_call.load_record(desk.store, desk.by(), call, context)
    assert record.customer == "[@click=app.quit]x[/]" and record.summary == "[b]bold[/b]"
    assert record.timeline[-1].detail == "[red]note[/red]"


def test_a_promise_due_time_reads_in_the_desks_local_time(desk, clock, policies):
    """A due time in the words is local: 14:00 UTC on 10 June is 15:00 in London (BST), 10:00 in New York."""
    from datetime import UTC, datetime

    desk.at(datetime(2026, 6, 10, 13, 30, tzinfo=UTC))
    call = desk.call(desk.customer("Siobhan O'Neill"), summary="VPN drops")
    desk.promise(call, CommitmentKind.CALLBACK, timedelta(minutes=30), "Ring back")
    for zone, shown in ((ZONE, "2026-06-10 15:00"), (ZoneInfo("America/New_York"), "2026-06-10 10:00")):
        context = RecordContext(policies.sla, policies.sla.calendar(zone), zone)
        record = past_call.load_record(desk.store, desk.by(), call, context)
        made = next(line for line in record.timeline if line.kind == EventKind.COMMITMENT_MADE)
        assert made.what.endswith(f"by {shown}"), made.what
        assert "UTC" not in made.what
