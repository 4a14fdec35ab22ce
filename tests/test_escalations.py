"""Escalation rules: route, hand-off and next contact required; ownership moves; a promise is made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deskcli.core.enums import Channel
from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, CallStatus, Commitment, CommitmentKind, EscalationType, EventKind
from deskcli.services.lifecycle import calls, escalations
from deskcli.services.lifecycle.escalations import EscalationRequest
from helpers import event_kinds as kinds


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def request(clock, **overrides) -> EscalationRequest:
    values = {
        "route": "technical_experts",
        "handoff": "Printer offline for 3 people in Finance; power-cycled; re-added queue.",
        "next_contact_at": clock.now() + timedelta(hours=2),
        "time_to_fix": "4 hours",
        "triggers": ["several_people"],
        "cause": "better_tier",
    }
    values.update(overrides)
    return EscalationRequest(**values)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"route": ""}, "route"),
        ({"handoff": "   "}, "hand-off"),
        ({"next_contact_at": None}, "next contact"),
        ({"time_to_fix": "  "}, "time to fix"),
        ({"cause": ""}, "cause of the escalation"),
    ],
)
def test_escalation_refused_without_each_required_item(store, actor, call_id, clock, policies, override, expected):
    """No escalation without a route, a hand-off text, the time to fix, the cause and a next-contact time;
    the refusal names the request's field, for the screen to put the cursor there."""
    with store.write() as session, pytest.raises(RuleViolation) as refused:
        escalations.escalate(session, call_id, request(clock, **override), actor, policy=policies.escalation)
    assert expected in refused.value.message
    assert refused.value.fields == tuple(override)
    with store.read() as session:
        call = session.get(Call, call_id)
        assert call.status == CallStatus.OPEN
        assert session.exec(select(Commitment)).first() is None


def test_all_missing_items_are_named_at_once(store, actor, call_id, clock, policies):
    """The refusal lists everything missing, not just the first."""
    with store.write() as session, pytest.raises(RuleViolation) as refused:
        escalations.escalate(
            session, call_id, request(clock, route="", handoff="", next_contact_at=None, time_to_fix="", cause=""), actor,
            policy=policies.escalation,
        )
    message = refused.value.message
    assert "route" in message and "hand-off" in message and "next contact" in message
    assert "time to fix" in message and "cause" in message
    # In the order of the escalate pane, so the cursor goes to the first one up the screen.
    assert refused.value.fields == ("route", "cause", "time_to_fix", "next_contact_at", "handoff")


def test_unknown_route_or_tier_is_refused(store, actor, call_id, clock, policies):
    """Routes and tiers come from the policy."""
    with store.write() as session, pytest.raises(RuleViolation, match="not an escalation route"):
        escalations.escalate(session, call_id, request(clock, route="wizards"), actor, policy=policies.escalation)
    with store.write() as session, pytest.raises(RuleViolation, match="no tier 7"):
        escalations.escalate(session, call_id, request(clock, tier=7), actor, policy=policies.escalation)


def test_next_contact_in_the_past_is_refused(store, actor, call_id, clock, policies):
    """The time promised to the caller must be in the future."""
    past = clock.now() - timedelta(minutes=1)
    with store.write() as session, pytest.raises(RuleViolation, match="next contact time"):
        escalations.escalate(session, call_id, request(clock, next_contact_at=past), actor, policy=policies.escalation)


def test_escalation_moves_actual_owner_keeps_perceived_and_makes_a_promise(store, actor, analyst, call_id, clock, policies):
    """Actual owner moves to the receiver; the analyst stays perceived owner and owes the next contact."""
    due = clock.now() + timedelta(hours=2)
    with store.write() as session:
        escalation = escalations.escalate(
            session, call_id, request(clock, next_contact_at=due), actor, policy=policies.escalation
        )
    with store.read() as session:
        call = session.get(Call, call_id)
        promise = session.get(Commitment, escalation.next_contact_id)
    assert call.status == CallStatus.ESCALATED
    assert call.perceived_owner_id == analyst.id
    assert call.actual_owner_id is None and call.actual_owner_label == "Second-line technical team"
    assert escalation.type == EscalationType.FUNCTIONAL and escalation.tier == 2
    assert promise.kind == CommitmentKind.NEXT_CONTACT
    assert promise.due_at == due and promise.owed_by_id == analyst.id and promise.outcome is None
    assert kinds(store, call_id)[-4:] == [
        EventKind.COMMITMENT_MADE, EventKind.STATUS_CHANGED, EventKind.ESCALATED, EventKind.OWNERSHIP_MOVED,
    ]


def test_re_escalation_points_at_the_previous_escalation(store, actor, call_id, clock, policies):
    """A second escalation records which one it replaces."""
    with store.write() as session:
        first = escalations.escalate(session, call_id, request(clock), actor, policy=policies.escalation)
        second = escalations.escalate(
            session, call_id, request(clock, route="suppliers", tier=3), actor, policy=policies.escalation
        )
    assert second.previous_id == first.id
    assert second.receiver == "Supplier / manufacturer support"


def test_unknown_trigger_is_refused(store, actor, call_id, clock, policies):
    """Triggers must be keys of the policy."""
    with store.write() as session, pytest.raises(RuleViolation, match="triggers"):
        escalations.escalate(session, call_id, request(clock, triggers=["full_moon"]), actor, policy=policies.escalation)


def test_routing_review_counts_calls_that_had_to_be_rerouted(store, actor, customer_id, clock, policies):
    """A call escalated twice counts as not sent to the right place first."""
    with store.write() as session:
        first = calls.create_call(session, customer_id, actor).id
        second = calls.create_call(session, customer_id, actor).id
        escalations.escalate(session, first, request(clock), actor, policy=policies.escalation)
        escalations.escalate(session, second, request(clock), actor, policy=policies.escalation)
        escalations.escalate(session, second, request(clock, route="suppliers", tier=3), actor, policy=policies.escalation)
    with store.read() as session:
        review = escalations.routing_review(session)
    assert (review.escalated_calls, review.rerouted_calls) == (2, 1)
    assert review.right_first_time == 0.5


def test_unknown_cause_is_refused_naming_the_causes(store, actor, call_id, clock, policies):
    """The cause is a key of the policy's causes (seed 003's reasons for escalation)."""
    with store.write() as session, pytest.raises(RuleViolation) as refused:
        escalations.escalate(session, call_id, request(clock, cause="bad_luck"), actor, policy=policies.escalation)
    assert "cause: 'bad_luck' is not a cause of escalation" in refused.value.message
    assert "dissatisfaction" in refused.value.message and refused.value.fields == ("cause",)


def test_the_cause_is_kept_on_the_escalation_and_its_event(store, actor, call_id, clock, policies):
    """Why it was escalated is recorded with its words, for the timeline and the review."""
    with store.write() as session:
        escalation = escalations.escalate(
            session, call_id, request(clock, route="senior_staff", cause="dissatisfaction", triggers=["customer_request"]),
            actor, policy=policies.escalation,
        )
    assert escalation.cause == "dissatisfaction" and escalation.channel is None
    with store.read() as session:
        event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.ESCALATED)).one()
    assert event.payload["cause"] == "dissatisfaction"
    assert event.payload["cause_label"] == policies.escalation.cause("dissatisfaction").label
    assert event.payload["channel"] is None


def test_a_channel_change_is_kept_and_carried_into_the_promise_and_the_hand_off(store, actor, call_id, clock, policies):
    """Seed 003: escalating can change the communication method, "such as from phone to email"."""
    with store.write() as session:
        escalation = escalations.escalate(
            session, call_id, request(clock, channel=Channel.EMAIL), actor, policy=policies.escalation
        )
    with store.read() as session:
        promise = session.get(Commitment, escalation.next_contact_id)
        event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.ESCALATED)).one()
        call = session.get(Call, call_id)
    assert escalation.channel == "email" and event.payload["channel"] == "email"
    assert promise.description == "Next contact by e-mail after escalation to Second-line technical team"
    assert escalation.handoff.endswith("\nContact the customer by e-mail from now on.")
    assert escalation.handoff.startswith("Printer offline for 3 people")
    assert call.channel == "phone"  # how the call came in stays as it was


def test_the_hand_off_line_is_not_added_twice(store, actor, call_id, clock, policies):
    """A hand-off composed with the channel line already in it is stored as written."""
    text = "Printer offline.\nContact the customer by e-mail from now on."
    with store.write() as session:
        escalation = escalations.escalate(
            session, call_id, request(clock, channel="email", handoff=text), actor, policy=policies.escalation
        )
    assert escalation.handoff == text


def test_choosing_the_current_channel_is_no_change(store, actor, call_id, clock, policies):
    """The call came in by phone: "phone" keeps it (stored as no change); after a change to
    e-mail, the next escalation compares with e-mail."""
    with store.write() as session:
        first = escalations.escalate(session, call_id, request(clock, channel="phone"), actor, policy=policies.escalation)
        second = escalations.escalate(session, call_id, request(clock, channel="email"), actor, policy=policies.escalation)
        third = escalations.escalate(session, call_id, request(clock, channel="email"), actor, policy=policies.escalation)
        fourth = escalations.escalate(session, call_id, request(clock, channel="phone"), actor, policy=policies.escalation)
    assert (first.channel, second.channel, third.channel, fourth.channel) == (None, "email", None, "phone")
    with store.read() as session:
        promise = session.get(Commitment, third.next_contact_id)
    assert promise.description == "Next contact after escalation to Second-line technical team"


def test_unknown_channel_is_refused(store, actor, call_id, clock, policies):
    """Channels are the console's own (phone, e-mail, face to face, chat, fax)."""
    with store.write() as session, pytest.raises(RuleViolation) as refused:
        escalations.escalate(session, call_id, request(clock, channel="pigeon"), actor, policy=policies.escalation)
    assert "channel: 'pigeon' is not a contact channel" in refused.value.message
    assert refused.value.fields == ("channel",)
