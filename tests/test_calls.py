"""Rules of the call lifecycle: creation, acknowledgement, close and reopen, events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from deskcli.core.errors import RuleViolation
from deskcli.models import AckMethod, Call, CallEvent, CallStatus, EventKind, Stage
from deskcli.services.lifecycle import calls
from helpers import event_kinds as kinds


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def test_create_call_gives_readable_sequential_references(store, actor, customer_id):
    """Each new call gets the next HD-nnnnnn reference, and a CREATED event."""
    with store.write() as session:
        first = calls.create_call(session, customer_id, actor)
        second = calls.create_call(session, customer_id, actor)
    assert (first.reference, second.reference) == ("HD-000001", "HD-000002")
    assert kinds(store, first.id) == [EventKind.CREATED]


def test_reference_prefix_is_configurable(store, actor, customer_id):
    """The office's prefix is used in the reference."""
    with store.write() as session:
        call = calls.create_call(session, customer_id, actor, prefix="IT")
    assert call.reference == "IT-000001"


def test_new_call_is_owned_actually_and_perceptibly_by_the_analyst(store, actor, analyst, customer_id):
    """The analyst who takes the call is its actual and perceived owner."""
    with store.write() as session:
        call = calls.create_call(session, customer_id, actor)
    assert call.actual_owner_id == analyst.id
    assert call.perceived_owner_id == analyst.id
    assert call.status == CallStatus.OPEN and call.stage == Stage.GREETING
    assert call.opened_at == actor.now()


def test_find_by_reference_accepts_short_forms(store, call_id):
    """hd-1 finds HD-000001."""
    with store.read() as session:
        assert calls.find_by_reference(session, "hd-1").id == call_id


@pytest.mark.parametrize("method", [AckMethod.VERBAL, AckMethod.EMAIL])
def test_acknowledgement_is_recorded_with_its_method(store, actor, call_id, method):
    """Acknowledgement is recorded as verbal or e-mail, with an event."""
    with store.write() as session:
        call = calls.acknowledge(session, call_id, method, actor)
    assert call.ack_method == method
    assert call.acknowledged_at == actor.now()
    with store.read() as session:
        event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.ACKNOWLEDGED)).one()
    assert event.payload["method"] == method.value
    assert event.actor_id == actor.analyst_id


def test_acknowledgement_method_must_be_verbal_or_email(store, actor, call_id):
    """Any other method is refused."""
    with store.write() as session, pytest.raises(ValueError):
        calls.acknowledge(session, call_id, "carrier pigeon", actor)  # type: ignore[arg-type]


def test_close_is_refused_without_customer_agreement_and_says_why(store, actor, call_id):
    """Do not close the call until the customer agrees."""
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="Reset the password")
    with store.write() as session, pytest.raises(RuleViolation) as refused:
        calls.close_call(session, call_id, actor)
    assert "agreement" in refused.value.message
    assert "Do not close the call until the customer agrees" in str(refused.value)
    with store.read() as session:
        assert session.get(Call, call_id).status == CallStatus.OPEN


def test_close_is_refused_without_a_resolution_summary(store, actor, call_id):
    """A resolution summary is required to close."""
    with store.write() as session:
        calls.record_agreement(session, call_id, actor, agreed=True)
    with store.write() as session, pytest.raises(RuleViolation) as refused:
        calls.close_call(session, call_id, actor)
    assert "resolution" in refused.value.message


def test_valid_complaint_needs_a_prevention_note_to_close(store, actor, call_id):
    """For a valid complaint, what will prevent a repeat must be written."""
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, is_complaint=True, complaint_valid=True)
        calls.resolve(session, call_id, actor, resolution="Technician rebooked for 3pm")
        calls.record_agreement(session, call_id, actor, agreed=True)
    with store.write() as session, pytest.raises(RuleViolation) as refused:
        calls.close_call(session, call_id, actor)
    assert "prevent" in refused.value.message
    with store.write() as session:
        call = calls.close_call(session, call_id, actor, prevention_note="Dispatch now confirms visits by SMS")
    assert call.status == CallStatus.CLOSED


def test_declining_leaves_the_call_awaiting_confirmation(store, actor, call_id):
    """Without agreement the call waits as awaiting customer confirmation."""
    with store.write() as session:
        call = calls.record_agreement(session, call_id, actor, agreed=False, note="wants to test tomorrow")
    assert call.status == CallStatus.AWAITING_CONFIRMATION
    assert kinds(store, call_id)[-1] == EventKind.CUSTOMER_DECLINED


def test_close_with_agreement_records_satisfaction(store, actor, call_id, clock):
    """With agreement and a resolution the call closes, keeping satisfaction."""
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="Unlocked the account", instructions="Update phone password")
        calls.record_agreement(session, call_id, actor, agreed=True)
    clock.advance(timedelta(minutes=2))
    with store.write() as session:
        call = calls.close_call(session, call_id, actor, satisfaction=5, comment="quick")
    assert call.status == CallStatus.CLOSED
    assert call.closed_at == clock.now()
    assert (call.satisfaction, call.satisfaction_comment) == (5, "quick")
    assert kinds(store, call_id)[-4:] == [EventKind.RESOLVED, EventKind.CUSTOMER_AGREED, EventKind.STATUS_CHANGED, EventKind.CLOSED]


def test_satisfaction_must_be_one_to_five(store, actor, call_id):
    """A score outside 1-5 is refused, naming the field."""
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="fixed")
        calls.record_agreement(session, call_id, actor, agreed=True)
    with store.write() as session, pytest.raises(RuleViolation, match="satisfaction"):
        calls.close_call(session, call_id, actor, satisfaction=9)


def closed_call(store, actor, call_id) -> None:
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="fixed")
        calls.record_agreement(session, call_id, actor, agreed=True)
        calls.close_call(session, call_id, actor)


def test_reopen_needs_a_reason_and_asks_for_agreement_again(store, actor, call_id):
    """A closed call can be reopened with a reason; agreement must then be asked again."""
    closed_call(store, actor, call_id)
    with store.write() as session, pytest.raises(RuleViolation, match="reason"):
        calls.reopen_call(session, call_id, actor, reason="  ")
    with store.write() as session:
        call = calls.reopen_call(session, call_id, actor, reason="Problem came back")
    assert call.status == CallStatus.OPEN and call.closed_at is None and call.customer_agreed_at is None
    with store.read() as session:
        event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.REOPENED)).one()
    assert event.payload["reason"] == "Problem came back"
    with store.write() as session, pytest.raises(RuleViolation, match="agreement"):
        calls.close_call(session, call_id, actor)


def test_only_closed_calls_can_be_reopened(store, actor, call_id):
    """Reopening an open call is refused."""
    with store.write() as session, pytest.raises(RuleViolation, match="not closed"):
        calls.reopen_call(session, call_id, actor, reason="why not")


def test_closed_call_refuses_changes_until_reopened(store, actor, call_id):
    """A closed call cannot be acknowledged, assessed or resolved."""
    closed_call(store, actor, call_id)
    with store.write() as session, pytest.raises(RuleViolation, match="reopen"):
        calls.update_assessment(session, call_id, actor, summary="more")


def test_assessment_changes_are_validated_and_logged_with_old_and_new(store, actor, call_id):
    """Each changed field appears in the event with its old and new value."""
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, summary="Printer offline", people_affected=3)
    with store.read() as session:
        event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.FIELDS_CHANGED)).one()
    assert event.payload["changes"] == {"summary": ["", "Printer offline"], "people_affected": [None, 3]}
    with store.write() as session, pytest.raises(RuleViolation, match="priority"):
        calls.update_assessment(session, call_id, actor, priority=7)
    with store.write() as session, pytest.raises(RuleViolation, match="business_impact"):
        calls.update_assessment(session, call_id, actor, business_impact="catastrophic")
    with store.write() as session, pytest.raises(RuleViolation, match="not an assessment field"):
        calls.update_assessment(session, call_id, actor, status="closed")


def test_flagging_a_complaint_logs_it(store, actor, call_id):
    """Setting the complaint flag appends a complaint-logged event."""
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, is_complaint=True)
    assert EventKind.COMPLAINT_LOGGED in kinds(store, call_id)


def test_notes_are_saved_with_an_event_only_when_they_change(store, actor, call_id):
    """Autosaving the same text twice appends one event."""
    with store.write() as session:
        calls.save_notes(session, call_id, "Caller says the printer", actor)
        calls.save_notes(session, call_id, "Caller says the printer", actor)
    assert kinds(store, call_id).count(EventKind.NOTES_SAVED) == 1
    with store.read() as session:
        assert session.get(Call, call_id).notes == "Caller says the printer"


def test_stage_moves_and_skips_are_recorded(store, actor, call_id):
    """Moving freely between stages is allowed; skipped steps are recorded."""
    with store.write() as session:
        calls.move_to_stage(session, call_id, Stage.RESOLVE, actor, skipped=["category questions"])
        calls.move_to_stage(session, call_id, Stage.ASSESSMENT, actor)
    assert kinds(store, call_id)[-3:] == [EventKind.STAGE_CHANGED, EventKind.STAGE_SKIPPED, EventKind.STAGE_CHANGED]


def test_every_change_appends_an_event_with_actor_and_utc_time(store, actor, call_id, clock):
    """Events carry the actor and the (UTC) time of the change, in order."""
    clock.advance(timedelta(minutes=5))
    with store.write() as session:
        calls.acknowledge(session, call_id, AckMethod.VERBAL, actor)
    with store.read() as session:
        events = list(session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))))
    assert [e.kind for e in events] == [EventKind.CREATED, EventKind.ACKNOWLEDGED]
    assert all(e.actor_id == actor.analyst_id for e in events)
    assert events[1].at == clock.now() and events[1].at.utcoffset() == timedelta(0)


def test_a_call_needs_an_analyst(store, clock, customer_id):
    """Without an analyst profile no call can be taken."""
    from deskcli.services.actor import Actor

    with store.write() as session, pytest.raises(RuleViolation, match="analyst"):
        calls.create_call(session, customer_id, Actor(None, clock))
