"""Promises: owed by the perceived owner, kept on time or late, missed, rescheduled with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deskcli.core.errors import RuleViolation
from deskcli.models import Commitment, CommitmentKind, CommitmentOutcome, EventKind
from deskcli.services.lifecycle import calls, commitments
from helpers import event_kinds


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
