"""Preparing a practice caller: the persona, a history relative to now, and a clean slate each time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from deskcli.config.launch import DEMO_SEAT_HANDLE
from deskcli.core.clock import ManualClock
from deskcli.core.errors import DataFileError
from deskcli.models import (
    Analyst,
    Call,
    CallEvent,
    CallStatus,
    Commitment,
    CommitmentKind,
    Customer,
    CustomerCreate,
    Escalation,
    EventKind,
)
from deskcli.services.actor import Actor
from deskcli.services.desk import queue
from deskcli.services.lifecycle import abuse, calls, holds
from deskcli.services.lookup import customers
from deskcli.services.lookup.customers import ABUSIVE_HISTORY
from deskcli.services.training.practice_setup import PRACTICE_RESET_NOTE, prepare_practice
from deskcli.services.training.scenarios import Answer, Expected, PastCall, PastPromise, Persona, Scenario
from deskcli.store import db
from deskcli.workload.demo import DemoSize, build_demo

PHONE = "020 7946 0999"
FULL_NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
"""The demo's moment in the demo-database test (a Tuesday afternoon)."""


def scenario(*history: PastCall, **persona: object) -> Scenario:
    """A practice caller built in code (independent of the shipped scenario files)."""
    fields = dict(
        name="Gwen Pryce-Owen", pronunciation="GWEN price-OH-en", spelling="G-W-E-N, P-R-Y-C-E hyphen O-W-E-N",
        organisation="Pennine Water", department="Operations", job_title="Control Room Supervisor",
        email="gwen.pryce-owen@penninewater.example", phone=PHONE, notes="Works shifts; mobile after 6pm.",
    )
    fields.update(persona)
    return Scenario(
        key="missed-callback",
        title="The call-back that never came",
        persona=Persona(**fields),
        history=list(history),
        opening="I was promised a call back this morning and nobody rang.",
        answers=[Answer(ask="reference", say="I don't have it to hand.")],
        expected=Expected(outcome="resolve", existing_call=True, callback=True),
    )


MISSED_CALLBACK = PastCall(
    summary="Telemetry laptop will not connect to the SCADA VPN",
    category="network",
    opened="26h",
    status=CallStatus.OPEN,
    urgency="high",
    promise=PastPromise(kind=CommitmentKind.CALLBACK, description="Call Gwen back with the VPN fix", due="3h"),
)
ESCALATED = PastCall(
    summary="Control room printer prints garbage",
    category="hardware",
    opened="2d",
    status=CallStatus.ESCALATED,
    escalated_to="technical_experts",
    promise=PastPromise(kind=CommitmentKind.NEXT_CONTACT, description="Update from second line", due="90m"),
)
CLOSED = PastCall(
    summary="Password expired", category="accounts", opened="10d", status=CallStatus.CLOSED,
    resolution="Reset the password with her on the phone.",
    promise=PastPromise(kind=CommitmentKind.FOLLOW_UP, description="Follow-up call", due="8d", outcome="kept_on_time"),
)
AWAITING = PastCall(
    summary="Shared calendar missing", opened="5d", status=CallStatus.AWAITING_CONFIRMATION,
    promise=PastPromise(kind=CommitmentKind.PROMISE, description="Check the calendar is back", due="4d", outcome="missed"),
)
FULL = scenario(MISSED_CALLBACK, ESCALATED, CLOSED, AWAITING)


def prepare(store, clock, analyst, policies, practice: Scenario = FULL):
    with store.write() as session:
        return prepare_practice(session, practice, Actor(analyst.id, clock), policies=policies, region="GB")


def timeline(store, call_id: int) -> list[CallEvent]:
    with store.read() as session:
        return list(session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))))


# --------------------------------------------------------------------------- first preparation


def test_creates_the_persona(store, clock, analyst, policies) -> None:
    caller = prepare(store, clock, analyst, policies)
    assert caller.created and caller.phone == PHONE
    with store.read() as session:
        customer = session.get(Customer, caller.customer_id)
        assert customer.name == "Gwen Pryce-Owen" and customer.name_spelling.startswith("G-W-E-N")
        assert customer.pronunciation == "GWEN price-OH-en" and customer.organisation == "Pennine Water"
        assert customer.notes.startswith("Control Room Supervisor.") and "mobile after 6pm" in customer.notes
        assert not customer.is_vip and customer.caution_flags == []
        assert customer.created_at < clock.now() - timedelta(days=10)  # on record before the oldest past call
        found = customers.lookup(session, "+44 20 7946 0999", region="GB")
    assert [match.id for match in found] == [caller.customer_id]


def test_vip_executive_and_abusive_personas_are_flagged(store, clock, analyst, policies) -> None:
    caller = prepare(store, clock, analyst, policies, scenario(executive=True, abusive_history=True))
    with store.read() as session:
        customer = session.get(Customer, caller.customer_id)
    assert customer.is_vip and customer.caution_flags == [ABUSIVE_HISTORY]
    assert caller.history_call_ids == ()


def test_history_is_placed_relative_to_now(store, clock, analyst, policies) -> None:
    now = clock.now()
    caller = prepare(store, clock, analyst, policies)
    assert len(caller.history_call_ids) == 4
    missed, escalated, closed, awaiting = caller.history_call_ids
    with store.read() as session:
        by_id = {call.id: call for call in session.exec(select(Call).where(col(Call.id).in_(caller.history_call_ids)))}
        promises = {p.call_id: p for p in session.exec(select(Commitment).where(col(Commitment.call_id).in_(caller.history_call_ids)))}
        escalation = session.exec(select(Escalation).where(Escalation.call_id == escalated)).one()
        due_rows = queue.promises_due(session, analyst.id, now=now, until=now + timedelta(hours=1))
    # The missed call-back: opened 26 hours ago, the call-back due 3 hours ago and still pending.
    assert by_id[missed].status == CallStatus.OPEN and by_id[missed].opened_at == now - timedelta(hours=26)
    assert by_id[missed].priority is not None and by_id[missed].talk_ended_at is not None
    callback = promises[missed]
    assert callback.kind == CommitmentKind.CALLBACK and callback.outcome is None
    assert callback.due_at == now - timedelta(hours=3) and callback.owed_by_id == analyst.id
    # Escalated to the route's first tier; its next contact is the scenario's promise, 90 minutes overdue.
    assert by_id[escalated].status == CallStatus.ESCALATED
    assert (escalation.route, escalation.tier, escalation.receiver) == ("technical_experts", 2, "Second-line technical team")
    assert escalation.next_contact_id == promises[escalated].id
    assert promises[escalated].due_at == now - timedelta(minutes=90) and promises[escalated].outcome is None
    # Closed with agreement, its follow-up kept; awaiting confirmation, its promise missed.
    assert by_id[closed].status == CallStatus.CLOSED and by_id[closed].resolution.startswith("Reset")
    assert promises[closed].outcome == "kept_on_time" and promises[closed].resolved_at <= promises[closed].due_at
    assert by_id[awaiting].status == CallStatus.AWAITING_CONFIRMATION
    assert promises[awaiting].outcome == "missed" and promises[awaiting].resolved_at > promises[awaiting].due_at
    # Both overdue promises are in the practice seat's queue, marked overdue.
    assert {(row.call_id, row.overdue) for row in due_rows} == {(missed, True), (escalated, True)}


def test_history_timelines_are_genuine_and_run_forward(store, clock, analyst, policies) -> None:
    caller = prepare(store, clock, analyst, policies)
    for call_id in caller.history_call_ids:
        events = timeline(store, call_id)
        assert events[0].kind == EventKind.CREATED
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert all(e.at <= clock.now() for e in events)
    closed_kinds = [e.kind for e in timeline(store, caller.history_call_ids[2])]
    assert closed_kinds.index(EventKind.CUSTOMER_AGREED) < closed_kinds.index(EventKind.CLOSED)


def test_a_promise_due_before_its_call_opened_is_a_scenario_error() -> None:
    """Refused when the scenario is validated (by ``scenarios check`` and at practice time alike)."""
    with pytest.raises(ValidationError, match=r"promise\.due: 3h ago is not after the call was opened"):
        PastCall(summary="x", opened="2h", status=CallStatus.OPEN, promise=PastPromise(description="impossible", due="3h"))


def test_a_route_the_policies_do_not_have_stops_the_practice_with_the_reason(store, clock, analyst, policies) -> None:
    """A practice that cannot start says why (and nothing of it is recorded)."""
    broken = PastCall(summary="Escalated somewhere", opened="2d", status=CallStatus.ESCALATED, escalated_to="nowhere")
    with pytest.raises(DataFileError, match=r"practice cannot start.*history\.0\.escalated_to: 'nowhere'"):
        prepare(store, clock, analyst, policies, scenario(broken))
    with store.read() as session:
        assert session.exec(select(Customer)).all() == []


# --------------------------------------------------------------------------- again, after a practice


def test_second_preparation_retires_and_recreates(store, clock, analyst, policies) -> None:
    first = prepare(store, clock, analyst, policies)
    actor = Actor(analyst.id, clock)
    # The trainee's practice call: taken, put on hold, a warning given; the trainer stops it mid-call.
    clock.advance(timedelta(minutes=5))
    with store.write() as session:
        practice = calls.create_call(session, first.customer_id, actor)
        holds.start_hold(session, practice.id, actor, policy=policies.call_handling.hold)
        abuse.give_warning(session, practice.id, actor, policy=policies.abuse)
    before = {call_id: [e.id for e in timeline(store, call_id)] for call_id in (*first.history_call_ids, practice.id)}

    clock.advance(timedelta(days=2))
    now = clock.now()
    second = prepare(store, clock, analyst, policies)

    assert second.customer_id == first.customer_id and not second.created
    missed, escalated, _closed, awaiting = first.history_call_ids
    assert set(second.retired_call_ids) == {missed, escalated, awaiting, practice.id}
    with store.read() as session:
        for call_id in second.retired_call_ids:
            call = session.get(Call, call_id)
            assert call.status == CallStatus.CLOSED and call.talk_ended_at is not None and call.hold_started_at is None
        cancelled = session.exec(select(Commitment).where(col(Commitment.id).in_(second.cancelled_promise_ids))).all()
        persona = session.get(Customer, first.customer_id)
        same_phone = customers.lookup(session, PHONE, region="GB")
        pending_old = session.exec(
            select(Commitment).where(col(Commitment.call_id).in_(first.history_call_ids), col(Commitment.outcome).is_(None))
        ).all()
    assert {p.call_id for p in cancelled} == {missed, escalated}
    assert all(p.outcome == "cancelled" and p.outcome_note == PRACTICE_RESET_NOTE for p in cancelled)
    assert pending_old == []
    # Nothing was deleted: every earlier event is still there, with the reset appended.
    for call_id, ids in before.items():
        events = timeline(store, call_id)
        assert [e.id for e in events][: len(ids)] == ids
        if call_id in second.retired_call_ids:
            agreed = [e for e in events if e.kind == EventKind.CUSTOMER_AGREED]
            assert agreed[-1].payload["note"] == PRACTICE_RESET_NOTE
            assert events[-1].kind == EventKind.CLOSED and events[-1].at == now
    # The warning's flag is gone again: this persona has no abusive history.
    assert persona.caution_flags == []
    assert [match.id for match in same_phone] == [first.customer_id]
    # The history is there afresh, relative to the new now.
    assert len(second.history_call_ids) == 4 and not set(second.history_call_ids) & set(first.history_call_ids)
    with store.read() as session:
        callback = session.exec(select(Commitment).where(Commitment.call_id == second.history_call_ids[0])).one()
        opened = session.get(Call, second.history_call_ids[0]).opened_at
    assert callback.due_at == now - timedelta(hours=3) and callback.outcome is None
    assert opened == now - timedelta(hours=26)


def test_someone_else_with_the_same_number_is_not_the_persona(store, clock, analyst, policies, actor) -> None:
    """The demo's bulk customers use the same drama number ranges."""
    with store.write() as session:
        other = customers.create_customer(session, CustomerCreate(name="Alan Smithee", phones=[PHONE]), actor, region="GB")
        other_id = other.id
        other_call = calls.create_call(session, other_id, actor).id
    caller = prepare(store, clock, analyst, policies)
    assert caller.created and caller.customer_id != other_id
    assert other_call not in caller.retired_call_ids
    with store.read() as session:
        assert session.get(Call, other_call).status == CallStatus.OPEN


# --------------------------------------------------------------------------- on the demo database


def test_on_the_demo_database_for_the_demo_seat(tmp_path: Path, policies) -> None:
    path = tmp_path / "demo.db"
    report = build_demo(path, size=DemoSize(customers=40, calls=200, analysts=3), now=FULL_NOW)
    clock = ManualClock(FULL_NOW + timedelta(hours=1))  # the trainer starts a little later
    store = db.open_store(db.target_for(path, None))
    try:
        with store.write() as session:
            seat = session.exec(select(Analyst).where(Analyst.handle == DEMO_SEAT_HANDLE)).one()
            assert seat.id == report.seat_id
            caller = prepare_practice(session, FULL, Actor(seat.id, clock), policies=policies)
        with store.read() as session:
            overdue = [
                row for row in queue.promises_due(session, seat.id, now=clock.now(), until=clock.now())
                if row.call_id in caller.history_call_ids
            ]
    finally:
        store.dispose()
    assert {row.call_id for row in overdue} == {caller.history_call_ids[0], caller.history_call_ids[1]}

