"""The caller on the greeting, at the service level: the personal line with their name,
calls that came by other channels, and correcting the caller's record from the call."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from deskcli.core.errors import DataFileError, RuleViolation
from deskcli.models import AckMethod, Call, CallEvent, Customer, CustomerPhone, EventKind
from deskcli.services.actions import greeting as greeting_actions
from deskcli.services.lifecycle import greeting
from deskcli.services.lookup import customers
from deskcli.services.lookup.customer_edit import CallerDetails, CallerDetailsRefused
from deskcli.services.records.timeline import timeline
from deskcli.services.rules.greeting_policy import GreetingPolicy
from deskcli.services.rules.policy import load_policy_file

LONDON = ZoneInfo("Europe/London")
AFTERNOON = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
ANN = greeting.Speaker("Ann Jones", "Help Desk")


def _opening(policies, channel: str = "phone") -> greeting.Opening:
    return greeting.opening(policies.greeting, channel, AFTERNOON, LONDON, ANN)


def _events(store, call_id: int) -> list[CallEvent]:
    with store.read() as session:
        return list(session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))))


# --- the personal line -------------------------------------------------------------------


def test_the_personal_line_uses_the_callers_name_and_pronunciation(policies):
    """Seed: "Offer assistance, using the customer's name"; the pronunciation sits beside the name."""
    line = greeting.personal_line(policies.greeting, AFTERNOON, LONDON, ANN, caller_name="Siobhan  O'Neill", pronunciation="shi-VAWN")
    assert line is not None
    assert line.text == "Thank you, Siobhan O'Neill. How can I help you today?"
    assert (line.before, line.name, line.after) == ("Thank you, ", "Siobhan O'Neill", ". How can I help you today?")
    assert line.say_as == "shi-VAWN" and line.spoken


def test_the_policy_says_how_the_caller_is_addressed(policies):
    """An office's own line by first or last name; titles are not first names."""
    policy = GreetingPolicy(template=policies.greeting.template,
                            identified="Good {time_of_day}, {caller_first_name} - what can {department} do for you?")
    line = greeting.personal_line(policy, AFTERNOON, LONDON, greeting.Speaker("Ann Jones", "IT"), caller_name="Dr Siobhan O'Neill")
    assert line is not None and line.text == "Good afternoon, Siobhan - what can IT do for you?"
    formal = GreetingPolicy(template=policies.greeting.template, identified="Thank you, Mrs {caller_last_name}.")
    line = greeting.personal_line(formal, AFTERNOON, LONDON, ANN, caller_name="Siobhan O'Neill")
    assert line is not None and (line.text, line.name) == ("Thank you, Mrs O'Neill.", "O'Neill")


@pytest.mark.parametrize(("identified", "message"), [
    ("Thank you. How can I help you today?", "needs {caller_name}"),
    ("Thank you, {name}. How can I help?", "unknown placeholder {name}"),
    ("Thank you, {caller_name:>9}. How can I help?", "takes no format"),
    ("Thank you, {caller_name. How can I help?", "not a valid template"),
])
def test_a_personal_line_that_cannot_name_the_caller_is_refused_naming_the_file(tmp_path: Path, identified, message):
    """The personal line is checked like the opening: the file and the field are named."""
    office = tmp_path / "office"
    office.mkdir()
    (office / "greeting.toml").write_text(
        'template = "Good {time_of_day}, {analyst_name}. How may I help?"\n' f"identified = {identified!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as refused:
        load_policy_file("greeting", office)
    assert "greeting.toml" in refused.value.message and "identified" in refused.value.message
    assert message in refused.value.message


def test_a_channel_the_policy_does_not_list_keeps_its_default(tmp_path: Path):
    """A policy file naming only the phone still knows the e-mail gets no spoken greeting."""
    office = tmp_path / "office"
    office.mkdir()
    (office / "greeting.toml").write_text(
        'template = "Good {time_of_day}, {analyst_name}. How may I help?"\n[channels.phone]\ngreeting = "spoken"\n',
        encoding="utf-8",
    )
    policy = load_policy_file("greeting", office)
    assert policy.channel("email").greeting == "none" and policy.channel("email").acknowledge == [AckMethod.EMAIL]
    (office / "greeting.toml").write_text(
        'template = "Good {time_of_day}, {analyst_name}. How may I help?"\n[channels.pigeon]\ngreeting = "spoken"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as refused:
        load_policy_file("greeting", office)
    assert "greeting.toml" in refused.value.message and "channels" in refused.value.message


# --- other channels ------------------------------------------------------------------------


@pytest.mark.parametrize(("channel", "kind", "greeted"), [
    ("phone", "spoken", True), ("face_to_face", "spoken", True), ("chat", "written", True),
    ("email", "none", False), ("fax", "none", False),
])
def test_a_call_is_recorded_with_its_channel_and_the_greeting_it_got(store, actor, customer_id, policies, channel, kind, greeted):
    """Seed: a call may be face to face, by phone, fax or e-mail; an e-mail is not greeted aloud."""
    opening = _opening(policies, channel)
    assert opening.kind == kind
    if kind == "none":
        assert "no greeting to say" in opening.text
    else:
        assert opening.text == "Good afternoon, Ann Jones, Help Desk. How may I help you today?"
    taken = greeting_actions.take_caller(store, actor, customer_id, opening=opening, prefix="HD")
    with store.read() as session:
        assert session.get(Call, taken.call_id).channel == channel
        lines = timeline(session, taken.call_id)
    kinds = [event.kind for event in _events(store, taken.call_id)]
    assert (EventKind.GREETED in kinds) is greeted
    words = {"phone": "phone", "face_to_face": "face to face", "chat": "chat", "email": "e-mail", "fax": "fax"}
    assert lines[0].what == f"call {taken.reference} opened ({words[channel]})"


def test_an_email_call_is_acknowledged_in_writing_only(store, actor, customer_id, policies):
    """The reference of an e-mail is not "given verbally": the refusal says how instead."""
    taken = greeting_actions.take_caller(store, actor, customer_id, opening=_opening(policies, "email"), prefix="HD")
    with pytest.raises(RuleViolation) as refused:
        greeting_actions.acknowledge_verbally(store, actor, taken.call_id, policy=policies.greeting)
    assert "came by e-mail: acknowledge it by e-mail" in refused.value.message
    assert EventKind.ACKNOWLEDGED not in [event.kind for event in _events(store, taken.call_id)]
    chat = greeting_actions.take_caller(store, actor, customer_id, opening=_opening(policies, "chat"), prefix="HD")
    assert greeting_actions.acknowledge_verbally(store, actor, chat.call_id, policy=policies.greeting) == chat.reference


def test_no_personal_line_for_an_email(policies):
    """An e-mail is answered in writing (the acknowledgement opens "Dear ..."): no line to say."""
    assert greeting.personal_line(policies.greeting, AFTERNOON, LONDON, ANN, caller_name="Siobhan", channel="email") is None
    chat = greeting.personal_line(policies.greeting, AFTERNOON, LONDON, ANN, caller_name="Siobhan", pronunciation="shi-VAWN",
                                  channel="chat")
    assert chat is not None and not chat.spoken


# --- correcting the caller's record ----------------------------------------------------------


def _details(store, customer_id: int, **changes) -> CallerDetails:
    """The caller's details as the dialog shows them, with ``changes``."""
    with store.read() as session:
        customer = session.get(Customer, customer_id)
        numbers = tuple(phone.raw for phone in customers.phones_of(session, customer_id))
        shown = CallerDetails(
            name=customer.name, name_spelling=customer.name_spelling, pronunciation=customer.pronunciation,
            email=customer.email or "", organisation=customer.organisation, department=customer.department,
            is_vip=customer.is_vip, caution_flags=tuple(customer.caution_flags), phones=numbers,
        )
    return CallerDetails(**{**shown.__dict__, **changes})


@pytest.fixture
def call_id(store, actor, customer_id, policies) -> int:
    return greeting_actions.take_caller(store, actor, customer_id, opening=_opening(policies), prefix="HD").call_id


def test_editing_the_caller_saves_in_one_go_and_puts_each_change_on_the_timeline(store, actor, customer_id, call_id):
    details = _details(
        store, customer_id, is_vip=True, caution_flags=("Hard of hearing",), name_spelling="S-I-O-B-H-Á-N",
        phones=("+44 20 7946 0000", "07700 900123"),  # the first is the number on record, written another way
    )
    edited = greeting_actions.edit_caller(store, actor, call_id, details, region="GB")
    assert edited.changes == {
        "name_spelling": ["S-I-O-B-H-A-N", "S-I-O-B-H-Á-N"], "is_vip": [False, True],
        "caution_flags": [[], ["hard_of_hearing"]],
        "phones": [["020 7946 0000"], ["+44 20 7946 0000", "07700 900123"]],
    }
    with store.read() as session:
        customer = session.get(Customer, customer_id)
        assert customer.is_vip and customer.caution_flags == ["hard_of_hearing"]
        rows = list(session.exec(select(CustomerPhone).where(CustomerPhone.customer_id == customer_id).order_by(col(CustomerPhone.id))))
        assert [(row.raw, row.e164) for row in rows] == [("020 7946 0000", "+442079460000"), ("07700 900123", "+447700900123")]
        assert [match.name for match in customers.lookup(session, "07700 900", region="GB")] == ["Siobhan O'Neill"]
        line = timeline(session, call_id)[-1]
    assert line.kind == EventKind.CUSTOMER_CHANGED
    assert line.what == ("caller's details: spelling → S-I-O-B-H-Á-N; VIP/executive → yes; caution flags → hard of hearing; "
                         "phones → +44 20 7946 0000, 07700 900123")
    assert "VIP/executive: no → yes" in line.detail and "phones: 020 7946 0000 → +44 20 7946 0000, 07700 900123" in line.detail


def test_nothing_changed_records_nothing(store, actor, customer_id, call_id):
    before = len(_events(store, call_id))
    edited = greeting_actions.edit_caller(store, actor, call_id, _details(store, customer_id, phones=("02079460000",)), region="GB")
    assert edited.changes == {}
    assert len(_events(store, call_id)) == before


def test_a_removed_phone_no_longer_finds_the_caller(store, actor, customer_id, call_id):
    greeting_actions.edit_caller(store, actor, call_id, _details(store, customer_id, phones=("07700 900123",)), region="GB")
    with store.read() as session:
        assert customers.lookup(session, "020 7946", region="GB") == []
        assert [m.name for m in customers.lookup(session, "07700", region="GB")] == ["Siobhan O'Neill"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": "  "}, "name", "name: required"),
    ({"email": "siobhan at northwind"}, "email", "e-mail: 'siobhan at northwind' is not an e-mail address"),
    ({"phones": ("020 7946 0000", "ask reception")}, "phones", "phones: 'ask reception' is not a phone number"),
    ({"caution_flags": ("!!",)}, "caution_flags", "caution flags: '!!' is not a flag"),
    ({"pronunciation": "x" * 201}, "pronunciation", "say it as: at most 200 characters"),
])
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_saved(store, actor, customer_id, call_id, changes, field, message):
    before = len(_events(store, call_id))
    with pytest.raises(CallerDetailsRefused) as refused:
        greeting_actions.edit_caller(store, actor, call_id, _details(store, customer_id, is_vip=True, **changes), region="GB")
    assert refused.value.field == field and refused.value.message.startswith(message)
    with store.read() as session:
        assert not session.get(Customer, customer_id).is_vip  # the VIP change in the same save was not kept
    assert len(_events(store, call_id)) == before
