"""The abusive-caller protocol: warning, warning with its consequence, then transfer or disconnect."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, CallStatus, Customer, Escalation, EscalationType, EventKind
from deskcli.services.lifecycle import abuse, calls, holds
from deskcli.services.lifecycle.abuse import Ending
from deskcli.services.lookup.customers import ABUSIVE_HISTORY
from helpers import event_kinds as kinds


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def warn(store, actor, call_id, policies, remark: str = "") -> Call:
    with store.write() as session:
        return abuse.give_warning(session, call_id, actor, policy=policies.abuse, remark=remark)


def end(store, actor, call_id, policies, ending, manager="Priya Shah", note="Swore repeatedly after two warnings") -> Call:
    with store.write() as session:
        return abuse.end_abusive_call(session, call_id, ending, actor, policy=policies.abuse, manager=manager, note=note)


def protocol_events(store, call_id) -> list[CallEvent]:
    wanted = [EventKind.WARNING_GIVEN, EventKind.TRANSFERRED, EventKind.DISCONNECTED]
    with store.read() as session:
        return list(
            session.exec(
                select(CallEvent).where(CallEvent.call_id == call_id, col(CallEvent.kind).in_(wanted)).order_by(col(CallEvent.id))
            )
        )


def test_steps_go_warning_warning_then_act(store, actor, call_id, policies):
    """next_step follows the protocol order as warnings are given."""
    with store.read() as session:
        assert abuse.next_step(session.get(Call, call_id)) == "warning_1"
    call = warn(store, actor, call_id, policies)
    assert abuse.next_step(call) == "warning_2"
    call = warn(store, actor, call_id, policies)
    assert abuse.next_step(call) == "act"


def test_each_warning_is_logged_with_its_exact_line_number_and_time(store, actor, call_id, clock, policies):
    """Warning 1 and 2 are logged in order, with the policy's words, the remark and the time said."""
    first = clock.now()
    warn(store, actor, call_id, policies, remark="  swearing  ")
    clock.advance(timedelta(seconds=40))
    warn(store, actor, call_id, policies)
    logged = protocol_events(store, call_id)
    assert [e.payload["number"] for e in logged] == [1, 2]
    assert logged[0].payload["line"] == policies.abuse.warning_1
    assert logged[1].payload["line"] == policies.abuse.warning_2
    assert logged[0].payload["remark"] == "swearing"
    assert [e.at for e in logged] == [first, first + timedelta(seconds=40)]
    assert all(e.actor_id == actor.analyst_id for e in logged)


def test_a_third_warning_is_refused(store, actor, call_id, policies):
    """After two warnings the next step is to act; a third warning is refused and not logged."""
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    with pytest.raises(RuleViolation, match="transfer to a manager or disconnect"):
        warn(store, actor, call_id, policies)
    with store.read() as session:
        assert session.get(Call, call_id).abuse_warnings == 2
    assert kinds(store, call_id).count(EventKind.WARNING_GIVEN) == 2


@pytest.mark.parametrize("ending", [Ending.TRANSFER, Ending.DISCONNECT])
def test_acting_without_any_warning_is_refused(store, actor, call_id, policies, ending):
    """Transfer or disconnect before a warning is refused, saying a warning comes first."""
    with pytest.raises(RuleViolation, match=f"give a warning before you {ending.value}"):
        end(store, actor, call_id, policies, ending)
    assert kinds(store, call_id) == [EventKind.CREATED]


@pytest.mark.parametrize("ending", [Ending.TRANSFER, Ending.DISCONNECT])
def test_acting_after_one_warning_is_refused(store, actor, call_id, policies, ending):
    """One warning is not enough: the second warning, with its consequence, must be given."""
    warn(store, actor, call_id, policies)
    with pytest.raises(RuleViolation, match="the second warning"):
        end(store, actor, call_id, policies, ending)
    with store.read() as session:
        call = session.get(Call, call_id)
        assert call.talk_ended_at is None and call.status == CallStatus.OPEN
        assert session.exec(select(Escalation)).first() is None


@pytest.mark.parametrize(
    ("manager", "note", "expected"),
    [("", "told them", "manager"), ("   ", "told them", "manager"), ("Priya Shah", "", "note"), ("Priya Shah", "  ", "note")],
)
def test_acting_needs_the_manager_and_the_note(store, actor, call_id, policies, manager, note, expected):
    """The manager filled in and what they were told are both required."""
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    with pytest.raises(RuleViolation) as refused:
        end(store, actor, call_id, policies, Ending.TRANSFER, manager=manager, note=note)
    assert refused.value.message.startswith(f"{expected}:")
    assert EventKind.TRANSFERRED not in kinds(store, call_id)
    with store.read() as session:
        assert session.exec(select(Escalation)).first() is None


def test_transfer_is_a_hierarchical_escalation_to_the_manager(store, actor, analyst, call_id, clock, policies):
    """Transfer logs its line, creates a senior-staff tier-3 escalation and moves only the actual owner."""
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    clock.advance(timedelta(minutes=1))
    call = end(store, actor, call_id, policies, Ending.TRANSFER, manager="  Priya Shah ", note=" Abuse went on ")
    assert call.status == CallStatus.ESCALATED
    assert call.actual_owner_id is None and call.actual_owner_label == "Priya Shah"
    assert call.perceived_owner_id == analyst.id
    assert call.talk_ended_at == clock.now()
    event = protocol_events(store, call_id)[-1]
    assert event.kind == EventKind.TRANSFERRED
    assert event.payload == {"line": policies.abuse.transfer, "manager": "Priya Shah", "note": "Abuse went on"}
    assert event.at == clock.now()
    with store.read() as session:
        escalation = session.exec(select(Escalation)).one()
    assert escalation.type == EscalationType.HIERARCHICAL
    assert (escalation.route, escalation.tier) == ("senior_staff", 3)
    assert escalation.triggers == ["crossed_the_line"]
    assert escalation.receiver == "Priya Shah" and escalation.handoff == "Abuse went on"
    assert escalation.escalated_by_id == analyst.id and escalation.escalated_at == clock.now()
    assert escalation.next_contact_id is None


def test_disconnect_ends_the_conversation_without_an_escalation(store, actor, analyst, call_id, clock, policies):
    """Disconnect logs its line and ends the talk; the call stays the analyst's and is not escalated."""
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    clock.advance(timedelta(seconds=30))
    call = end(store, actor, call_id, policies, Ending.DISCONNECT)
    assert call.talk_ended_at == clock.now()
    assert call.status == CallStatus.OPEN
    assert call.actual_owner_id == analyst.id
    event = protocol_events(store, call_id)[-1]
    assert event.kind == EventKind.DISCONNECTED
    assert event.payload["line"] == policies.abuse.disconnect
    assert event.payload["manager"] == "Priya Shah"
    with store.read() as session:
        assert session.exec(select(Escalation)).first() is None
    assert kinds(store, call_id)[-4:] == [EventKind.WARNING_GIVEN, EventKind.WARNING_GIVEN, EventKind.DISCONNECTED, EventKind.TALK_ENDED]


def test_ending_given_as_text_is_accepted(store, actor, call_id, policies):
    """The ending may be passed as its string value ("disconnect")."""
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    end(store, actor, call_id, policies, "disconnect")
    assert EventKind.DISCONNECTED in kinds(store, call_id)


def test_acting_clears_a_hold_in_progress(store, actor, call_id, policies):
    """A caller left on hold is no longer on hold once the call is disconnected."""
    with store.write() as session:
        holds.start_hold(session, call_id, actor, policy=policies.call_handling.hold)
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    call = end(store, actor, call_id, policies, Ending.DISCONNECT)
    assert call.hold_started_at is None


def test_customer_is_flagged_once(store, actor, call_id, customer_id, policies):
    """The first warning flags the customer with abusive_history; later ones do not duplicate it."""
    warn(store, actor, call_id, policies)
    with store.read() as session:
        assert session.get(Customer, customer_id).caution_flags == [ABUSIVE_HISTORY]
    warn(store, actor, call_id, policies)
    with store.write() as session:
        second = calls.create_call(session, customer_id, actor).id
    warn(store, actor, second, policies)
    with store.read() as session:
        assert session.get(Customer, customer_id).caution_flags == [ABUSIVE_HISTORY]


def test_the_protocol_acts_only_once(store, actor, call_id, policies):
    """After the call was transferred (or disconnected) the protocol is over: acting again is refused."""
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    end(store, actor, call_id, policies, Ending.TRANSFER)
    with pytest.raises(RuleViolation):
        end(store, actor, call_id, policies, Ending.DISCONNECT)


def test_acting_during_a_hold_logs_the_end_of_the_hold(store, actor, call_id, clock, policies):
    """Every hold is logged: a hold cut short by the disconnect still gets its HOLD_ENDED event."""
    with store.write() as session:
        holds.start_hold(session, call_id, actor, policy=policies.call_handling.hold)
    warn(store, actor, call_id, policies)
    warn(store, actor, call_id, policies)
    clock.advance(timedelta(seconds=20))
    end(store, actor, call_id, policies, Ending.DISCONNECT)
    assert EventKind.HOLD_ENDED in kinds(store, call_id)
