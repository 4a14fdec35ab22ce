"""Holds: every hold is logged with its number and length; long and frequent holds are flagged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, EventKind
from deskcli.services.lifecycle import calls, holds
from helpers import event_kinds as kinds


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


@pytest.fixture
def hold_policy(policies):
    return policies.call_handling.hold


def hold_for(store, actor, clock, call_id, policy, seconds: int) -> None:
    with store.write() as session:
        holds.start_hold(session, call_id, actor, policy=policy)
    clock.advance(timedelta(seconds=seconds))
    with store.write() as session:
        holds.end_hold(session, call_id, actor, policy=policy)


def test_shipped_limits(hold_policy):
    """The shipped policy warns after 60 s, offers a call-back after 120 s, and allows 2 holds."""
    assert (hold_policy.warn_after_seconds, hold_policy.offer_callback_after_seconds, hold_policy.max_holds_per_call) == (60, 120, 2)


def test_start_and_end_are_logged_with_number_and_seconds(store, actor, clock, call_id, hold_policy):
    """Starting logs HOLD_STARTED with its number; ending logs HOLD_ENDED with how long it lasted."""
    with store.write() as session:
        call = holds.start_hold(session, call_id, actor, policy=hold_policy)
        assert call.hold_started_at == clock.now()
    clock.advance(timedelta(seconds=45))
    with store.write() as session:
        call = holds.end_hold(session, call_id, actor, policy=hold_policy)
        assert call.hold_started_at is None
    with store.read() as session:
        logged = holds.holds_logged(session, call_id)
        assert holds.hold_count(session, call_id) == 1
    assert [e.kind for e in logged] == [EventKind.HOLD_STARTED, EventKind.HOLD_ENDED]
    assert logged[0].payload == {"number": 1, "too_frequent": False}
    assert logged[1].payload == {"seconds": 45, "long": False}
    assert kinds(store, call_id) == [EventKind.CREATED, EventKind.HOLD_STARTED, EventKind.HOLD_ENDED]


def test_hold_longer_than_the_limit_is_flagged_long(store, actor, clock, call_id, hold_policy):
    """A hold of 61 s is long; one of exactly 60 s is not."""
    hold_for(store, actor, clock, call_id, hold_policy, 60)
    hold_for(store, actor, clock, call_id, hold_policy, 61)
    with store.read() as session:
        ended = [e.payload for e in holds.holds_logged(session, call_id) if e.kind == EventKind.HOLD_ENDED]
    assert ended == [{"seconds": 60, "long": False}, {"seconds": 61, "long": True}]


def test_more_holds_than_allowed_are_flagged_too_frequent(store, actor, clock, call_id, hold_policy):
    """Holds are numbered 1, 2, 3; the third (over the limit of 2) is too frequent."""
    for _ in range(3):
        hold_for(store, actor, clock, call_id, hold_policy, 5)
    with store.read() as session:
        started = [e.payload for e in holds.holds_logged(session, call_id) if e.kind == EventKind.HOLD_STARTED]
        assert holds.hold_count(session, call_id) == 3
    assert started == [
        {"number": 1, "too_frequent": False},
        {"number": 2, "too_frequent": False},
        {"number": 3, "too_frequent": True},
    ]


def test_hold_while_on_hold_is_refused(store, actor, call_id, hold_policy):
    """A second start without an end is refused and logs nothing."""
    with store.write() as session:
        holds.start_hold(session, call_id, actor, policy=hold_policy)
    with store.write() as session, pytest.raises(RuleViolation, match="already on hold"):
        holds.start_hold(session, call_id, actor, policy=hold_policy)
    assert kinds(store, call_id).count(EventKind.HOLD_STARTED) == 1


def test_ending_a_hold_that_was_not_started_is_refused(store, actor, call_id, hold_policy):
    """Ending without a hold is refused, naming the call, and logs nothing."""
    with store.write() as session, pytest.raises(RuleViolation, match="HD-000001 is not on hold"):
        holds.end_hold(session, call_id, actor, policy=hold_policy)
    assert EventKind.HOLD_ENDED not in kinds(store, call_id)
    with store.read() as session:
        assert session.get(Call, call_id).hold_started_at is None


def test_hold_counts_are_per_call(store, actor, clock, customer_id, call_id, hold_policy):
    """Another call's holds do not count towards this one."""
    with store.write() as session:
        other = calls.create_call(session, customer_id, actor).id
    hold_for(store, actor, clock, other, hold_policy, 5)
    hold_for(store, actor, clock, other, hold_policy, 5)
    with store.write() as session:
        holds.start_hold(session, call_id, actor, policy=hold_policy)
    with store.read() as session:
        assert holds.hold_count(session, call_id) == 1
        assert holds.hold_count(session, other) == 2
        assert holds.holds_logged(session, call_id)[0].payload["number"] == 1


# --- the hold timer --------------------------------------------------------------

def test_timer_off_hold_shows_nothing(clock, hold_policy):
    """Not on hold: no seconds, no warnings, no call-back offer."""
    state = holds.hold_state(None, 1, clock.now(), hold_policy)
    assert (state.on_hold, state.seconds, state.holds, state.warnings, state.offer_callback) == (False, 0, 1, (), False)


def test_timer_warns_only_past_the_limit(clock, hold_policy):
    """At 60 s no warning; at 61 s the timer says the hold is too long."""
    started = clock.now()
    at_limit = holds.hold_state(started, 1, started + timedelta(seconds=60), hold_policy)
    assert at_limit.on_hold and at_limit.seconds == 60 and at_limit.warnings == ()
    past = holds.hold_state(started, 1, started + timedelta(seconds=61), hold_policy)
    assert past.warnings == ("on hold 1:01: too long - go back to the caller",)
    assert not past.offer_callback


def test_timer_offers_a_callback_past_two_minutes(clock, hold_policy):
    """At 120 s no offer yet; at 121 s offer a call-back (and still warn it is too long)."""
    started = clock.now()
    assert not holds.hold_state(started, 1, started + timedelta(seconds=120), hold_policy).offer_callback
    state = holds.hold_state(started, 1, started + timedelta(seconds=121), hold_policy)
    assert state.offer_callback
    assert "on hold 2:01: too long - go back to the caller" in state.warnings
    assert "offer a call-back instead of more waiting" in state.warnings


def test_timer_warns_about_too_many_holds(clock, hold_policy):
    """Two holds are fine; a third is too often, even while not on hold."""
    assert holds.hold_state(None, 2, clock.now(), hold_policy).warnings == ()
    assert holds.hold_state(None, 3, clock.now(), hold_policy).warnings == ("3 holds on this call: too often",)
    on_hold = holds.hold_state(clock.now(), 3, clock.now() + timedelta(seconds=10), hold_policy)
    assert on_hold.warnings == ("3 holds on this call: too often",)


# --- the long-hold prompt (seed 003: "Ask them if they'd prefer a call-back instead of waiting on hold") ---

LONG_HOLD = "Offer a call-back: This hold is running long. Ask if they would prefer a call-back instead of waiting."


def test_long_hold_prompt_only_past_the_call_back_limit(clock, hold_policy, policies):
    """Up to 120 s the header has the timer's warnings; past it the policy's long_hold prompt, in full,
    in place of the bare "offer a call-back"."""
    started = clock.now()
    before = holds.hold_notes(holds.hold_state(started, 1, started + timedelta(seconds=120), hold_policy), policies.prompts)
    assert before == ("on hold 2:00: too long - go back to the caller",)
    past = holds.hold_notes(holds.hold_state(started, 1, started + timedelta(seconds=121), hold_policy), policies.prompts)
    assert past == ("on hold 2:01: too long - go back to the caller", LONG_HOLD)
    assert holds.hold_notes(holds.hold_state(None, 3, clock.now(), hold_policy), policies.prompts) == (
        "3 holds on this call: too often",
    )


def test_an_office_without_a_long_hold_prompt_keeps_the_timer_offer(clock, hold_policy, policies):
    """The prompt comes from the policy file: without one, the timer's own offer stays."""
    office = policies.prompts.model_copy(update={"prompts": [p for p in policies.prompts.prompts if p.when != "long_hold"]})
    started = clock.now()
    notes = holds.hold_notes(holds.hold_state(started, 1, started + timedelta(seconds=200), hold_policy), office)
    assert "offer a call-back instead of more waiting" in notes and LONG_HOLD not in notes


def test_hold_situations(clock, hold_policy):
    started = clock.now()
    assert holds.hold_situations(holds.hold_state(None, 0, started, hold_policy)) == set()
    assert holds.hold_situations(holds.hold_state(started, 1, started + timedelta(seconds=30), hold_policy)) == {"on_hold"}
    assert holds.hold_situations(holds.hold_state(started, 1, started + timedelta(seconds=121), hold_policy)) == {"on_hold", "long_hold"}
