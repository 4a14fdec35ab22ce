"""Promises: owed by the perceived owner, kept on time or late, missed, rescheduled with a reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from deskcli.core.errors import DataFileError, RuleViolation
from deskcli.models import CallEvent, Commitment, CommitmentKind, CommitmentOutcome, EventKind
from deskcli.services.lifecycle import callbacks, calls, callview, commitments
from deskcli.services.rules.policy import CallBackPolicy, CallHandlingPolicy, load_policy_file
from helpers import event_kinds

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def promise(store, actor, call_id, clock, minutes=30) -> Commitment:
    with store.write() as session:
        return commitments.make_commitment(
            session, call_id, CommitmentKind.CALLBACK, clock.now() + timedelta(minutes=minutes), actor,
            description="Ring back at 3.05",
        )


def test_a_promise_is_owed_by_the_perceived_owner(store, actor, analyst, call_id, clock):
    """Promises default to the call's perceived owner and log an event."""
    made = promise(store, actor, call_id, clock)
    assert made.owed_by_id == analyst.id and made.outcome is None
    assert event_kinds(store, call_id)[-1] == EventKind.COMMITMENT_MADE


def test_promise_must_be_in_the_future_and_aware(store, actor, call_id, clock):
    """A due time in the past or without a timezone is refused."""
    with store.write() as session, pytest.raises(RuleViolation, match="not in the future"):
        commitments.make_commitment(session, call_id, CommitmentKind.PROMISE, clock.now() - timedelta(hours=1), actor)
    with store.write() as session, pytest.raises(RuleViolation, match="timezone"):
        commitments.make_commitment(session, call_id, CommitmentKind.PROMISE, clock.now().replace(tzinfo=None), actor)


def test_kept_before_due_is_on_time(store, actor, call_id, clock):
    """Settled before its due time: kept on time."""
    made = promise(store, actor, call_id, clock)
    clock.advance(timedelta(minutes=29))
    with store.write() as session:
        settled = commitments.settle(session, made.id, actor, kept=True)
    assert settled.outcome == CommitmentOutcome.KEPT_ON_TIME


def test_kept_after_due_is_late(store, actor, call_id, clock):
    """Settled after its due time: kept late."""
    made = promise(store, actor, call_id, clock)
    clock.advance(timedelta(minutes=31))
    with store.write() as session:
        settled = commitments.settle(session, made.id, actor, kept=True, note="rang at 3.06")
    assert settled.outcome == CommitmentOutcome.KEPT_LATE and settled.outcome_note == "rang at 3.06"


def test_missed_promise_and_no_double_settling(store, actor, call_id, clock):
    """A missed promise is recorded; it cannot be settled twice."""
    made = promise(store, actor, call_id, clock)
    with store.write() as session:
        assert commitments.settle(session, made.id, actor, kept=False).outcome == CommitmentOutcome.MISSED
    with store.write() as session, pytest.raises(RuleViolation, match="already settled"):
        commitments.settle(session, made.id, actor, kept=True)


def test_reschedule_needs_a_reason_and_keeps_the_old_promise(store, actor, call_id, clock):
    """Rescheduling closes the old promise as rescheduled and makes a linked new one."""
    made = promise(store, actor, call_id, clock)
    later = clock.now() + timedelta(hours=3)
    with store.write() as session, pytest.raises(RuleViolation, match="reason"):
        commitments.reschedule(session, made.id, later, actor, reason="")
    with store.write() as session:
        new = commitments.reschedule(session, made.id, later, actor, reason="Customer in a meeting")
    with store.read() as session:
        old = session.get(Commitment, made.id)
    assert old.outcome == CommitmentOutcome.RESCHEDULED and old.outcome_note == "Customer in a meeting"
    assert new.replaces_id == made.id and new.due_at == later and new.outcome is None


def test_pending_for_lists_an_analysts_unsettled_promises_soonest_first(store, actor, analyst, call_id, clock):
    """Only unsettled promises due before the horizon, in due order."""
    late = promise(store, actor, call_id, clock, minutes=90)
    soon = promise(store, actor, call_id, clock, minutes=10)
    settled = promise(store, actor, call_id, clock, minutes=20)
    promise(store, actor, call_id, clock, minutes=600)
    with store.write() as session:
        commitments.settle(session, settled.id, actor, kept=True)
    with store.read() as session:
        pending = commitments.pending_for(session, analyst.id, due_before=clock.now() + timedelta(hours=2))
    assert [p.id for p in pending] == [soon.id, late.id]


def test_promises_stay_with_the_call_through_owner_changes(store, actor, analyst, call_id, clock, policies):
    """After escalation the promise is still owed by the perceived owner."""
    from deskcli.services.lifecycle.escalations import EscalationRequest, escalate

    made = promise(store, actor, call_id, clock)
    with store.write() as session:
        escalate(
            session, call_id,
            EscalationRequest(route="senior_staff", handoff="x", next_contact_at=clock.now() + timedelta(hours=1),
                              time_to_fix="1 hour", cause="dissatisfaction"),
            actor, policy=policies.escalation,
        )
    with store.read() as session:
        owed = list(session.exec(select(Commitment).where(Commitment.call_id == call_id)))
    assert made.id in {c.id for c in owed}
    assert all(c.owed_by_id == analyst.id for c in owed)


# --- the number a call-back rings --------------------------------------------------------


def record(store, actor, call_id, kind, due, number, policies) -> None:
    """ctrl+o's use case: the promise as the dialog hands it over."""
    from deskcli.services.actions import call

    request = call.PromiseRequest(kind, due, "Ring back with the licence key", number)
    call.record_promise(store, actor, call_id, request, hold_policy=policies.call_handling.hold)


def test_a_call_back_without_a_number_to_ring_is_refused(store, actor, call_id, clock, policies):
    """The analyst's call-back must say which number to ring; other promises need none."""
    due = clock.now() + timedelta(hours=1)
    with pytest.raises(RuleViolation, match="a call-back needs the number to ring"):
        record(store, actor, call_id, CommitmentKind.CALLBACK, due, "  ", policies)
    record(store, actor, call_id, CommitmentKind.PROMISE, due, "", policies)
    with store.read() as session:
        made = session.exec(select(Commitment)).all()
    assert [(m.kind, m.contact_number) for m in made] == [(CommitmentKind.PROMISE, "")]


@pytest.mark.parametrize("number", ["call reception", "12", "0" * 41])
def test_a_number_that_is_not_one_is_refused(store, actor, call_id, clock, policies, number):
    """A number to ring must look like a phone number (and fit the record), for any kind of promise."""
    with pytest.raises(RuleViolation, match="is not a phone number"):
        record(store, actor, call_id, CommitmentKind.PROMISE, clock.now() + timedelta(hours=1), number, policies)


def test_the_number_is_stored_and_on_the_timeline(store, actor, call_id, clock, policies):
    """The call-back's number is kept on the promise (spaces tidied) and on its commitment_made event, and read out in the timeline."""
    from deskcli.services.records.timeline import describe

    record(store, actor, call_id, CommitmentKind.CALLBACK, clock.now() + timedelta(hours=1), " 07700  900123 ", policies)
    with store.read() as session:
        made = session.exec(select(Commitment)).one()
        event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.COMMITMENT_MADE)).one()
    assert made.contact_number == "07700 900123"
    assert event.payload["contact_number"] == "07700 900123"
    what, _detail = describe(event.kind, event.payload, LONDON)
    assert what == "promised a call-back on 07700 900123 by 2026-03-10 15:00"


def test_a_rescheduled_call_back_keeps_its_number(store, actor, call_id, clock):
    """Moving a call-back to a new time keeps the number to ring."""
    with store.write() as session:
        made = commitments.make_commitment(
            session, call_id, CommitmentKind.CALLBACK, clock.now() + timedelta(hours=1), actor, contact_number="020 7946 0101"
        )
    with store.write() as session:
        moved = commitments.reschedule(session, made.id, clock.now() + timedelta(hours=3), actor, reason="engineer delayed")
    assert moved.contact_number == "020 7946 0101"


def test_the_call_back_number_is_the_one_the_call_came_in_on_else_the_first_phone(store, actor, customer_id):
    """A call from the phone system rings back the number it came from; without one, the customer's first phone."""
    with store.write() as session:
        rang_in = calls.create_call(session, customer_id, actor, caller_number="07700 900555").id
        typed_in = calls.create_call(session, customer_id, actor).id
    with store.read() as session:
        assert callview.load(session, rang_in).call_back_number == "07700 900555"
        assert callview.load(session, typed_in).call_back_number == "020 7946 0000"


def test_a_progress_call_from_another_number_is_the_one_rung_back(store, actor, customer_id):
    """The latest call in decides: a progress call from a mobile makes the mobile the call-back number;
    the desk ringing the customer does not; a later call in without a number leaves it unknown."""
    with store.write() as session:
        call_id = calls.create_call(session, customer_id, actor, caller_number="020 7946 0000").id
        calls.log_contact(session, call_id, actor, inbound=True, caller_number="07700 900777")
        calls.log_contact(session, call_id, actor, inbound=False, caller_number="01632 960000")
    with store.read() as session:
        assert callview.load(session, call_id).came_in_on == "07700 900777"
    with store.write() as session:
        calls.log_contact(session, call_id, actor, inbound=True)
    with store.read() as session:
        view = callview.load(session, call_id)
    assert (view.came_in_on, view.call_back_number) == ("", "020 7946 0000")


def test_a_customer_without_a_phone_has_no_number_to_propose(store, actor):
    """Nobody rang in on a known number and the customer has none on record: the analyst must ask."""
    from deskcli.models import CustomerCreate
    from deskcli.services.lookup import customers

    with store.write() as session:
        customer = customers.create_customer(session, CustomerCreate(name="Nora Phone"), actor, region="GB")
        call_id = calls.create_call(session, customer.id, actor).id
    with store.read() as session:
        assert callview.load(session, call_id).call_back_number == ""


# --- the office's call-back policy ----------------------------------------------------------


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "expected", "why"),
    [
        (local(2026, 3, 10, 14, 0), local(2026, 3, 11, 14, 0), "Tuesday 14:00 -> Wednesday 14:00, the desk is open"),
        (local(2026, 3, 10, 9, 20, 31), local(2026, 3, 11, 9, 20), "to the minute"),
        (local(2026, 3, 10, 18, 0), local(2026, 3, 11, 17, 30), "after closing: 18:00 next day is closed, so its closing time"),
        (local(2026, 3, 11, 12, 45), local(2026, 3, 12, 12, 30), "lunch next day: the last open moment before it"),
        (local(2026, 3, 13, 16, 0), local(2026, 3, 13, 17, 0), "Friday 16:00: Saturday is closed, so before Friday's close"),
        (local(2026, 3, 13, 19, 0), local(2026, 3, 16, 8, 0), "Friday evening: closed all 24 hours, so Monday's opening"),
        (local(2026, 4, 2, 18, 0), local(2026, 4, 7, 8, 0), "Thursday before Easter: Good Friday to Easter Monday closed"),
    ],
)
def test_the_call_back_is_proposed_within_the_policy_hours_while_the_desk_is_open(policies, now, expected, why):
    """Shipped policy: within 24 hours on the clock, at a moment the desk (sla.toml) is open."""
    policy = policies.call_handling.call_back
    assert policy.within_hours == 24
    assert callbacks.propose_time(now, policy, policies.sla.calendar(LONDON)) == expected, why


def test_no_within_hours_proposes_nothing(policies):
    """A [call_back] section without within_hours (or none at all) leaves the time to the analyst."""
    assert CallHandlingPolicy().call_back.within_hours is None
    assert callbacks.propose_time(local(2026, 3, 10, 14), CallBackPolicy(), policies.sla.calendar(LONDON)) is None


def test_the_words_fill_in_the_time_and_the_number(policies):
    """The shipped words with a time tomorrow and the number; with no time yet there is nothing to say."""
    now = local(2026, 3, 10, 14)
    say = policies.call_handling.call_back.say
    assert callbacks.words(say, due=local(2026, 3, 11, 14), number="020 7946 0000", zone=LONDON, now=now) == (
        "We'll call you back on 020 7946 0000 by tomorrow at 14:00."
    )
    assert callbacks.words(say, due=local(2026, 3, 13, 9, 30), number="", zone=LONDON, now=now) == (
        "We'll call you back on your number by Friday 13 March at 09:30."
    )
    assert callbacks.words(say, due=None, number="020 7946 0000", zone=LONDON, now=now) == ""


def test_a_missing_call_back_section_loads_with_the_default_words(tmp_path):
    """An office call_handling.toml from before the policy existed still loads: nothing proposed, the default words."""
    (tmp_path / "call_handling.toml").write_text("[follow_up]\nbusiness_days_after = 1\n", encoding="utf-8")
    policy = load_policy_file("call_handling", tmp_path)
    assert policy.call_back == CallBackPolicy()
    assert "{time}" in policy.call_back.say and "{number}" in policy.call_back.say


@pytest.mark.parametrize(
    ("say", "refused"),
    [
        ("We'll call you back soon.", "put {time} in them"),
        ("We'll call you back at {when}.", "unknown placeholder {when}; allowed: {time}, {number}"),
        ("We'll call you back at {time:%H:%M}.", "takes no format"),
        ("We'll call you back at {time!r}.", "takes no format"),
        ("We'll call you back by {time} {", "not a valid template"),
        ("By {time}. " + "x" * 300, "at most 300 characters"),
    ],
)
def test_bad_call_back_words_are_refused_naming_the_file_and_field(tmp_path, say, refused):
    """The words are checked like the greeting: only {time} and {number}, plainly, and {time} required."""
    (tmp_path / "call_handling.toml").write_text(f"[call_back]\nsay = {json.dumps(say)}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_policy_file("call_handling", tmp_path)
    assert "call_handling.toml" in error.value.message and "call_back.say" in error.value.message
    assert refused in error.value.message
