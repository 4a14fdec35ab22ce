"""The caller on the greeting, driven by keys: the personal line with their name, a call
that came by e-mail or face to face, and correcting the caller's details from the call."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from console import console, events_of, only_call, ready, seed, settle, text_of, type_text, with_runtime
from deskcli.models import CustomerCreate, EventKind
from deskcli.screens.caller_edit import CallerEditScreen
from deskcli.screens.channel import ChannelScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.services.lookup import customers
from deskcli.widgets.call_header import CallHeader
from deskcli.widgets.tick import Tick

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIZE = (100, 34)

SIOBHAN = CustomerCreate(
    name="Siobhan O'Neill",
    name_spelling="S-I-O-B-H-A-N",
    pronunciation="shi-VAWN",
    organisation="Northwind Traders",
    department="Finance",
    email="siobhan@northwind.example",
    phones=["020 7946 0000"],
)


def _header(app) -> str:
    return str(app.screen.query_one(CallHeader).render())


def _messages(app) -> list[str]:
    return [notice.message for notice in app.notices.all]


async def _answer(app, pilot, *, channel_key: str | None = None) -> None:
    """Answer the phone (n), or pick another channel first (c, then the channel's key)."""
    if channel_key is None:
        await pilot.press("n")
    else:
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ChannelScreen)
        await pilot.press(channel_key)
    await settle(app, pilot)
    assert isinstance(app.screen, GreetingScreen)


async def _look_up(app, pilot) -> None:
    """Look Siobhan up and take her: the call record is made."""
    await type_text(pilot, "siob")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert app.flow.call_id is not None


async def _identify(app, pilot, *, channel_key: str | None = None) -> None:
    await _answer(app, pilot, channel_key=channel_key)
    await _look_up(app, pilot)


async def test_the_greeting_offers_help_by_the_callers_name_as_soon_as_they_are_identified(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await _answer(app, pilot)
        assert app.screen.query_one("#personal-line").has_class("hidden")  # nobody to name yet
        assert text_of(app, "#greeting-line") == "Good afternoon, Ann Jones, Help Desk. How may I help you today?"
        await _look_up(app, pilot)
        assert not app.screen.query_one("#personal-line").has_class("hidden")
        assert text_of(app, "#personal-line") == "→ Thank you, Siobhan O'Neill (shi-VAWN). How can I help you today?"
        # The pronunciation confirmed with the caller is the one shown from then on.
        pronunciation = app.screen.query_one("#confirm-pronunciation", Input)
        pronunciation.value = "shiv-AWN"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert text_of(app, "#personal-line") == "→ Thank you, Siobhan O'Neill (shiv-AWN). How can I help you today?"


async def test_an_email_gets_no_spoken_greeting_and_is_acknowledged_in_writing(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await _answer(app, pilot, channel_key="e")
        assert "[E-MAIL]" in _header(app)
        assert text_of(app, "#greeting-line").startswith("An e-mail: there is no greeting to say.")
        await _look_up(app, pilot)
        assert "HD-000001" in _header(app) and "[E-MAIL]" in _header(app)
        assert app.screen.query_one("#personal-line").has_class("hidden")  # the e-mail opens "Dear ..." itself
        assert "(ctrl+l)" in text_of(app, "#steps") and "ctrl+r" not in text_of(app, "#steps")
        await pilot.press("ctrl+r")  # "acknowledged verbally" makes no sense for an e-mail
        await settle(app, pilot)
        assert any("came by e-mail: acknowledge it by e-mail" in message for message in _messages(app))

    def check(runtime):
        call = only_call(runtime)
        return call, [event.kind for event in events_of(runtime, call.id)]

    call, kinds = with_runtime(db_path, clock, check)
    assert call.channel == "email" and call.acknowledged_at is None
    assert EventKind.GREETED not in kinds and EventKind.ACKNOWLEDGED not in kinds


async def test_a_visitor_at_the_desk_is_greeted_face_to_face_and_the_phone_stays_the_default(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await _identify(app, pilot, channel_key="f")
        assert "[FACE TO FACE]" in _header(app)
        assert text_of(app, "#greeting-line") == "Good afternoon, Ann Jones, Help Desk. How may I help you today?"
        await pilot.press("ctrl+r")  # the reference given in person
        await settle(app, pilot)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        await _identify(app, pilot)  # n: the phone, no extra key
        assert "[FACE TO FACE]" not in _header(app) and "[PHONE]" not in _header(app)  # the phone is not marked
    channels = with_runtime(db_path, clock, lambda rt: _channels(rt))
    assert channels == ["face_to_face", "phone"]


def _channels(runtime) -> list[str]:
    from sqlmodel import col, select

    from deskcli.models import Call

    with runtime.store.read() as session:
        return list(session.exec(select(Call.channel).order_by(col(Call.id))))


async def test_the_callers_details_are_corrected_from_the_call_each_change_on_the_timeline(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await _identify(app, pilot)
        assert "VIP" not in _header(app)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CallerEditScreen)
        assert dialog.query_one("#edit-phones", Input).value == "020 7946 0000"
        dialog.query_one("#edit-phones", Input).focus()
        await pilot.press("end")
        await type_text(pilot, ", 07700 900123")
        dialog.query_one("#edit-email", Input).value = "siobhan at northwind"
        dialog.query_one("#edit-is_vip", Tick).focus()
        await pilot.press("space")
        dialog.query_one("#edit-caution_flags", Input).focus()
        await type_text(pilot, "hard of hearing")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # Refused: the dialog stays, says which field and why, the cursor is in it; nothing is saved.
        assert app.screen is dialog
        assert "e-mail: 'siobhan at northwind' is not an e-mail address" in text_of(app, "#edit-error")
        assert app.screen.focused is dialog.query_one("#edit-email", Input)
        dialog.query_one("#edit-email", Input).value = "siobhan.oneill@northwind.example"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        assert "VIP/EXECUTIVE" in _header(app) and "HARD_OF_HEARING" in _header(app)
        card = text_of(app, "#card")
        assert "07700 900123" in card and "siobhan.oneill@northwind.example" in card
        assert any(message.startswith("Caller's details saved (e-mail, VIP / executive, caution flags, phones)")
                   for message in _messages(app))

    def check(runtime):
        call = only_call(runtime)
        changed = [event for event in events_of(runtime, call.id) if event.kind == EventKind.CUSTOMER_CHANGED]
        with runtime.store.read() as session:
            found = [match.name for match in customers.lookup(session, "07700 900123", region="GB")]
        return changed, found

    changed, found = with_runtime(db_path, clock, check)
    assert len(changed) == 1 and changed[0].payload["changes"] == {
        "email": ["siobhan@northwind.example", "siobhan.oneill@northwind.example"],
        "is_vip": [False, True],
        "caution_flags": [[], ["hard_of_hearing"]],
        "phones": [["020 7946 0000"], ["020 7946 0000", "07700 900123"]],
    }
    assert found == ["Siobhan O'Neill"]  # the new number finds her, normalised as the lookup does


async def test_editing_needs_an_identified_caller_and_escape_changes_nothing(db_path, clock):
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await _answer(app, pilot)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        assert any("Identify the caller first" in message for message in _messages(app))
        await _look_up(app, pilot)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        app.screen.query_one("#edit-name", Input).value = "Someone Else"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
    kinds = with_runtime(db_path, clock, lambda rt: [e.kind for e in events_of(rt, only_call(rt).id)])
    assert EventKind.CUSTOMER_CHANGED not in kinds
