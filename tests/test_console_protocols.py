"""The abusive-caller protocol, caller-ID start, markup in names, and e-mail acknowledgement."""

from __future__ import annotations

import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select
from textual.widgets import Input, OptionList

from console import answer, console, events_of, only_call, ready, seed, settle, text_of, type_text, with_runtime
from deskcli.models import (
    AckMethod,
    Call,
    CallStatus,
    Commitment,
    CommitmentKind,
    Customer,
    CustomerCreate,
    Escalation,
    EventKind,
)
from deskcli.screens.abuse import AbuseScreen
from deskcli.screens.greeting import GreetingScreen
from deskcli.services.lifecycle import calls as call_rules

MALLORY = CustomerCreate(name="Mal Content", organisation="Contoso", email="mal@contoso.example", phones=["0161 496 0999"])


pytestmark = pytest.mark.usefixtures("analyst_profile")


async def test_d_abusive_caller_two_warnings_then_transfer(db_path, clock):
    """F9 from any stage: warning 1, warning 2, then transfer with the manager filled in - all logged in order."""
    seed(db_path, clock, MALLORY)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "mal")
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, AbuseScreen)
        assert "Please refrain from using that kind of language" in text_of(app, "#abuse-line")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "transfer you to a manager or to hang up" in text_of(app, "#abuse-line")
        clock.advance(__import__("datetime").timedelta(seconds=40))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "I am going to transfer you to a manager now" in text_of(app, "#abuse-line")
        await pilot.press("ctrl+s")  # acting without filling the manager in is refused
        await settle(app, pilot)
        assert isinstance(app.screen, AbuseScreen)
        app.screen.query_one("#manager", Input).focus()
        await type_text(pilot, "Priya Shah")
        app.screen.query_one("#note", Input).focus()
        await type_text(pilot, "Swore twice after two warnings; wants a refund")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, AbuseScreen)

    def check(runtime):
        call = only_call(runtime)
        events = [e for e in events_of(runtime, call.id) if e.kind in (EventKind.WARNING_GIVEN, EventKind.TRANSFERRED)]
        with runtime.store.read() as session:
            customer = session.get(Customer, call.customer_id)
            escalation = session.exec(select(Escalation)).one()
        return call, events, customer, escalation

    call, steps, customer, escalation = with_runtime(db_path, clock, check)
    assert [e.kind for e in steps] == [EventKind.WARNING_GIVEN, EventKind.WARNING_GIVEN, EventKind.TRANSFERRED]
    assert [e.payload.get("number") for e in steps[:2]] == [1, 2]
    assert steps[1].at - steps[0].at == __import__("datetime").timedelta(seconds=40)
    assert steps[2].payload["manager"] == "Priya Shah" and "two warnings" in steps[2].payload["note"]
    assert call.status == CallStatus.ESCALATED and call.actual_owner_label == "Priya Shah"
    assert escalation.type == "hierarchical" and escalation.triggers == ["crossed_the_line"]
    assert "abusive_history" in customer.caution_flags


async def test_e_caller_id_opens_a_known_customer_with_previous_calls(db_path, clock):
    """--caller-id: the greeting opens with the caller identified and their previous calls shown."""
    [customer_id] = seed(db_path, clock, MALLORY)

    def earlier_call(runtime):
        with runtime.store.write() as session:
            call = call_rules.create_call(session, customer_id, runtime.actor())
            call_rules.update_assessment(session, call.id, runtime.actor(), summary="VPN drops every hour")
            call_rules.end_talk(session, call.id, runtime.actor())
            return call.reference

    earlier = with_runtime(db_path, clock, earlier_call)
    app = console(db_path, clock, caller_id="+44 161 496 0999")
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, GreetingScreen)
        card = text_of(app, "#card")
        assert "Mal Content" in card and earlier in card and "VPN drops every hour" in card
        assert "REPEAT CALLER" in card
        # The earlier call is still open: the caller may be ringing about it, so no new
        # record is started until the analyst knows (Enter: new call; ctrl+t: that call).
        assert app.flow.call_id is None
        assert any("open call" in n.message for n in app.notices.all)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.flow.call_id is not None
        assert "VPN drops every hour" in text_of(app, "#card")  # still shown for the new call


async def test_e_caller_id_of_a_caller_with_an_open_call_can_take_it_up(db_path, clock):
    """ctrl+t on the identified caller logs the progress call (and the greeting) on the open call."""
    [customer_id] = seed(db_path, clock, MALLORY)

    def earlier_call(runtime):
        with runtime.store.write() as session:
            call = call_rules.create_call(session, customer_id, runtime.actor())
            call_rules.end_talk(session, call.id, runtime.actor())
            return call.id

    earlier = with_runtime(db_path, clock, earlier_call)
    app = console(db_path, clock, caller_id="+44 161 496 0999")
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.flow.call_id == earlier
    kinds = [event.kind for event in with_runtime(db_path, clock, lambda runtime: events_of(runtime, earlier))]
    assert EventKind.CONTACT_LOGGED in kinds and EventKind.GREETED in kinds
    assert with_runtime(db_path, clock, lambda runtime: len(_all_calls(runtime))) == 1


def _all_calls(runtime):
    with runtime.store.read() as session:
        return list(session.exec(select(Call)))


async def test_e_unknown_caller_id_prefills_the_new_customer_form(db_path, clock):
    """An unknown number opens the new-customer form with the number filled in."""
    seed(db_path, clock)
    app = console(db_path, clock, caller_id="020 7946 0123")
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        assert app.screen.query_one("#new-phone", Input).value == "020 7946 0123"
        assert not app.screen.query_one("#new-customer").has_class("hidden")
        await type_text(pilot, "Nia Okafor")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    call = with_runtime(db_path, clock, only_call)

    def customer_of(runtime):
        with runtime.store.read() as session:
            return session.get(Customer, call.customer_id)

    assert with_runtime(db_path, clock, customer_of).name == "Nia Okafor"


async def test_g_markup_in_a_name_is_shown_literally(db_path, clock):
    """A customer called [@click=app.quit]… is listed, carded and headed literally; nothing fires.

    The escape character typed into the name is never stored (control characters are
    dropped on the way into the database); the markup around it shows as typed."""
    name = "[@click=app.quit]Eve[/] [bold]x\x1b[31m"
    seed(db_path, clock, CustomerCreate(name=name, organisation="[red]Org[/red]"))
    app = console(db_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "eve")
        await settle(app, pilot)
        option = app.screen.query_one("#matches", OptionList).get_option_at_index(0)
        assert "[@click=app.quit]Eve[/] [bold]x[31m" in str(option.prompt)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.click("#call-header")  # clicking the name must not run an action
        await settle(app, pilot)
        header = str(app.screen.query_one("#call-header").render())
        assert "[@click=app.quit]Eve[/] [bold]x[31m" in header
        assert "[red]Org[/red]" in text_of(app, "#card")
        assert app.return_code is None and app.is_running


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port nothing listens on right now (the Controller checks its server by connecting)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback that keeps the messages it gets."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_h_email_acknowledgement_reaches_a_real_smtp_server(db_path, clock, smtp_server, monkeypatch):
    """ctrl+l sends the acknowledgement through SMTP; the server receives reference, summary and next contact."""
    inbox, port = smtp_server
    monkeypatch.setenv("DESKCLI_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("DESKCLI_SMTP__PORT", str(port))
    monkeypatch.setenv("DESKCLI_SMTP__SECURITY", "none")
    monkeypatch.setenv("DESKCLI_SMTP__SENDER", "helpdesk@acme.example")
    seed(db_path, clock, MALLORY)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "mal")
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "laptop will not boot")
        await pilot.pause(0.6)
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await type_text(pilot, "+2h")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    call = with_runtime(db_path, clock, only_call)
    body = message.get_content()
    assert message["To"] == "mal@contoso.example" and call.reference in message["Subject"]
    assert call.reference in body and "laptop will not boot" in body
    assert "You can expect to hear from us by: Tuesday 10 March 2026, 16:00" in body
    assert call.ack_method == AckMethod.EMAIL and call.acknowledged_at is not None

    def promise(runtime):
        with runtime.store.read() as session:
            return session.exec(select(Commitment)).one()

    assert with_runtime(db_path, clock, promise).kind == CommitmentKind.NEXT_CONTACT


async def test_h_without_smtp_the_mail_waits_in_the_outbox(db_path, clock, isolated_home):
    """No server set: the .eml is written to the outbox and the analyst is told where."""
    seed(db_path, clock, MALLORY)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "mal")
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        messages = [n.message for n in app.notices.all]
    outbox = isolated_home / "data" / "deskcli" / "outbox"
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1 and (files[0].stat().st_mode & 0o777) == 0o600
    assert any(str(outbox) in message for message in messages)
    assert "mal@contoso.example" in files[0].read_text()


async def test_h_failed_send_is_reported_and_kept_to_retry(db_path, clock, monkeypatch, isolated_home):
    """A server that is not there: the failure is reported, the call stays, the mail waits in the outbox."""
    monkeypatch.setenv("DESKCLI_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("DESKCLI_SMTP__PORT", "9")  # discard port: nothing listens
    monkeypatch.setenv("DESKCLI_SMTP__SECURITY", "none")
    monkeypatch.setenv("DESKCLI_SMTP__SENDER", "helpdesk@acme.example")
    monkeypatch.setenv("DESKCLI_SMTP__TIMEOUT_SECONDS", "2")
    seed(db_path, clock, MALLORY)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "mal")
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        errors = [n.message for n in app.notices.all if n.severity == "error"]
    assert errors and "could not be sent" in errors[0]
    call = with_runtime(db_path, clock, only_call)
    assert call.acknowledged_at is None and call.status == CallStatus.OPEN
    kinds = [e.kind for e in with_runtime(db_path, clock, lambda rt: events_of(rt, call.id))]
    assert EventKind.EMAIL_FAILED in kinds
    assert len(list((isolated_home / "data" / "deskcli" / "outbox").glob("*.eml"))) == 1


async def test_h_outbox_is_sent_when_the_server_is_back(db_path, clock, monkeypatch, isolated_home):
    """A mail that failed waits in the outbox; at the next start, with the server up, it goes and the call is acknowledged."""
    port = free_port()
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("SECURITY", "none"),
                        ("SENDER", "helpdesk@acme.example"), ("TIMEOUT_SECONDS", "2")):
        monkeypatch.setenv(f"DESKCLI_SMTP__{name}", value)
    seed(db_path, clock, MALLORY)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await answer(app, pilot, "mal")
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
    assert with_runtime(db_path, clock, only_call).acknowledged_at is None

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = console(db_path, clock)
        async with app.run_test(size=(100, 34)) as pilot:
            await ready(app, pilot)
            await settle(app, pilot)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and "[HD-000001]" in inbox.messages[0]["Subject"]
    call = with_runtime(db_path, clock, only_call)
    assert call.ack_method == AckMethod.EMAIL and call.acknowledged_at is not None
    outbox = isolated_home / "data" / "deskcli" / "outbox"
    assert not list(outbox.glob("*.eml")) and len(list((outbox / "sent").glob("*.eml"))) == 1
