"""The outbox and e-mail acknowledgements: written first, sent when possible, recorded only when sent or queued."""

from __future__ import annotations

import email
import os
import socket
import stat
from datetime import timedelta
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from deskcli.config.settings import load_settings
from deskcli.core.errors import RuleViolation
from deskcli.models import (
    AckMethod,
    Analyst,
    AnalystBase,
    Call,
    CallEvent,
    Commitment,
    CommitmentKind,
    CustomerCreate,
    EventKind,
)
from deskcli.services.actions import complaint
from deskcli.services.actor import Actor
from deskcli.services.desk import mailer
from deskcli.services.lifecycle import acknowledgements, analysts, calls, supervisor
from deskcli.services.lookup import customers
from deskcli.services.records import timeline
from helpers import event_kinds as kinds


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
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


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def message(reference: str = "HD-000001", body: str = "Hello") -> email.message.EmailMessage:
    return mailer.compose(
        sender="helpdesk@acme.example", to="siobhan.oneill@northwind.example", subject=f"[{reference}] logged",
        body=body, reference=reference,
    )


# --- the outbox -------------------------------------------------------------------------------

def test_put_writes_a_private_eml_in_a_private_folder(tmp_path):
    """A new message is a 0600 .eml file in a freshly made 0700 folder, named after its call."""
    outbox = mailer.Outbox(tmp_path / "data" / "outbox")
    path = outbox.put(message(body="Reference HD-000001"))
    assert path.parent == outbox.folder and path.suffix == ".eml" and path.name.startswith("HD-000001-")
    assert mode(path) == 0o600
    assert mode(outbox.folder) == 0o700 and mode(outbox.folder.parent) == 0o700
    loaded = mailer.Outbox.read(path)
    assert loaded["To"] == "siobhan.oneill@northwind.example"
    assert loaded[mailer.CALL_HEADER] == "HD-000001"
    assert "Reference HD-000001" in loaded.get_content()


def test_put_leaves_no_temporary_file_and_never_overwrites(tmp_path):
    """Each put is a new file; no temporary file is left behind."""
    outbox = mailer.Outbox(tmp_path / "outbox")
    first, second = outbox.put(message()), outbox.put(message())
    assert first != second
    assert sorted(p.name for p in outbox.folder.iterdir()) == sorted([first.name, second.name])


def test_put_is_atomic_an_interrupted_write_leaves_no_message(tmp_path, monkeypatch):
    """If the final rename never happens, no half-written .eml is pending."""
    outbox = mailer.Outbox(tmp_path / "outbox")

    def broken_replace(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(mailer.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk gone"):
        outbox.put(message())
    monkeypatch.undo()
    assert outbox.pending() == []
    assert not list(outbox.folder.glob("*.eml"))


def test_put_keeps_an_existing_folders_permissions(tmp_path):
    """An outbox folder the user chose and made is left as it is."""
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o750)
    mailer.Outbox(folder).put(message())
    assert mode(folder) == 0o750


def test_pending_lists_unsent_oldest_first_and_mark_sent_moves_to_sent(tmp_path):
    """pending() lists the unsent messages oldest first; mark_sent moves one to a private sent/ folder."""
    outbox = mailer.Outbox(tmp_path / "outbox")
    assert outbox.pending() == []
    older = outbox.put(message("HD-000001"))
    newer = outbox.put(message("HD-000002"))
    os.utime(older, (1_000_000, 1_000_000))
    assert outbox.pending() == [older, newer]
    moved = outbox.mark_sent(older)
    assert moved == outbox.sent_folder / older.name and moved.exists() and not older.exists()
    assert mode(outbox.sent_folder) == 0o700
    assert outbox.pending() == [newer]


def test_compose_tags_the_message_with_its_reference(tmp_path):
    """Composed messages carry From, To, Subject, Reply-To, a Message-ID and the call header."""
    composed = mailer.compose(
        sender="helpdesk@acme.example", to="x@y.example", subject="s", body="b", reference="HD-000009", reply_to="ann@acme.example"
    )
    assert composed["From"] == "helpdesk@acme.example" and composed["Reply-To"] == "ann@acme.example"
    assert composed[mailer.CALL_HEADER] == "HD-000009"
    assert composed["Message-ID"].endswith("@acme.example>")


def test_deliver_without_a_server_only_queues(tmp_path):
    """With no SMTP server the message waits in the outbox and is not an error."""
    outbox = mailer.Outbox(tmp_path / "outbox")
    delivery = mailer.deliver(message(), outbox, None)
    assert delivery.queued_only and not delivery.sent and delivery.error is None
    assert outbox.pending() == [delivery.path]
    assert mailer.retry(outbox, None) == []


# --- acknowledgements ---------------------------------------------------------------------------

@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        call = calls.create_call(session, customer_id, actor)
        calls.update_assessment(session, call.id, actor, summary="Cannot print payslips")
        return call.id


def settings_for(tmp_path, monkeypatch, port: int | None, timeout: float | None = None):
    if port is not None:
        monkeypatch.setenv("DESKCLI_SMTP__HOST", "127.0.0.1")
        monkeypatch.setenv("DESKCLI_SMTP__PORT", str(port))
        monkeypatch.setenv("DESKCLI_SMTP__SECURITY", "none")
        monkeypatch.setenv("DESKCLI_SMTP__SENDER", "helpdesk@acme.example")
        if timeout is not None:
            monkeypatch.setenv("DESKCLI_SMTP__TIMEOUT_SECONDS", str(timeout))
    return load_settings(tmp_path / "c.toml", outbox_dir=tmp_path / "outbox")


def call_row(store, call_id) -> Call:
    with store.read() as session:
        return session.get(Call, call_id)


def events_of_kind(store, call_id, kind) -> list[CallEvent]:
    with store.read() as session:
        return list(session.exec(select(CallEvent).where(CallEvent.call_id == call_id, CallEvent.kind == kind)))


def test_without_smtp_the_acknowledgement_is_queued_and_recorded(store, actor, clock, call_id, tmp_path, monkeypatch):
    """No server: the mail goes to the outbox, the call is acknowledged by e-mail and EMAIL_QUEUED is logged."""
    settings = settings_for(tmp_path, monkeypatch, None)
    assert settings.smtp is None
    result = acknowledgements.send_acknowledgement(store, settings, call_id, actor)
    assert result.acknowledged and result.delivery.queued_only
    assert "outbox" in result.message() and str(result.delivery.path) in result.message()
    assert mailer.Outbox(tmp_path / "outbox").pending() == [result.delivery.path]
    call = call_row(store, call_id)
    assert call.ack_method == AckMethod.EMAIL and call.acknowledged_at == clock.now()
    assert kinds(store, call_id)[-2:] == [EventKind.ACKNOWLEDGED, EventKind.EMAIL_QUEUED]
    queued = events_of_kind(store, call_id, EventKind.EMAIL_QUEUED)[0]
    assert queued.payload == {"to": "siobhan.oneill@northwind.example", "path": str(result.delivery.path)}
    written = mailer.Outbox.read(result.delivery.path)
    assert written["To"] == "siobhan.oneill@northwind.example"
    assert written["From"] == "helpdesk@localhost"
    assert "HD-000001" in written["Subject"]


def test_body_has_reference_summary_next_contact_and_signature(store, actor, clock, call_id, tmp_path, monkeypatch):
    """The mail quotes the reference and summary, the next contact in office time, and signs off."""
    settings = settings_for(tmp_path, monkeypatch, None)
    result = acknowledgements.send_acknowledgement(store, settings, call_id, actor, next_contact=clock.now() + timedelta(hours=2))
    body = mailer.Outbox.read(result.delivery.path).get_content()
    assert "Dear Siobhan O'Neill," in body
    assert "Reference number: HD-000001" in body
    assert "Summary: Cannot print payslips" in body
    assert "You can expect to hear from us by: Tuesday 10 March 2026, 16:00 (Europe/London)" in body
    assert "Ann Jones\nHelp Desk, Acme" in body


def test_next_contact_is_recorded_as_a_promise(store, actor, clock, call_id, tmp_path, monkeypatch):
    """The next contact told in the mail becomes a next-contact promise on the call."""
    settings = settings_for(tmp_path, monkeypatch, None)
    due = clock.now() + timedelta(hours=2)
    acknowledgements.send_acknowledgement(store, settings, call_id, actor, next_contact=due)
    with store.read() as session:
        promise = session.exec(select(Commitment)).one()
    assert (promise.call_id, promise.kind, promise.due_at) == (call_id, CommitmentKind.NEXT_CONTACT, due)


def test_customer_without_email_is_refused(store, actor, tmp_path, monkeypatch):
    """No address: refused, saying to add one or acknowledge verbally; nothing is written."""
    with store.write() as session:
        bob = customers.create_customer(session, CustomerCreate(name="Bob Smith"), actor, region="GB").id
        call_id = calls.create_call(session, bob, actor).id
    settings = settings_for(tmp_path, monkeypatch, None)
    with pytest.raises(RuleViolation, match="Bob Smith has no e-mail address"):
        acknowledgements.send_acknowledgement(store, settings, call_id, actor)
    assert mailer.Outbox(tmp_path / "outbox").pending() == []
    assert call_row(store, call_id).acknowledged_at is None
    assert kinds(store, call_id) == [EventKind.CREATED]


def test_next_contact_in_the_past_is_refused(store, actor, clock, call_id, tmp_path, monkeypatch):
    """A next contact that is not in the future is refused before any mail is written."""
    settings = settings_for(tmp_path, monkeypatch, None)
    with pytest.raises(RuleViolation, match="next contact time"):
        acknowledgements.send_acknowledgement(store, settings, call_id, actor, next_contact=clock.now() - timedelta(minutes=1))
    assert mailer.Outbox(tmp_path / "outbox").pending() == []
    assert call_row(store, call_id).acknowledged_at is None


def test_mail_reaches_a_real_smtp_server(store, actor, clock, call_id, tmp_path, monkeypatch, smtp_server):
    """With a server the mail is delivered with the reference in subject and body, moved to sent/ and recorded."""
    inbox, port = smtp_server
    settings = settings_for(tmp_path, monkeypatch, port)
    result = acknowledgements.send_acknowledgement(store, settings, call_id, actor, next_contact=clock.now() + timedelta(hours=1))
    assert result.delivery.sent and result.acknowledged
    assert result.message() == "Acknowledgement e-mail sent."
    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received["Subject"] == "[HD-000001] Your call has been logged"
    assert received["From"] == "helpdesk@acme.example"
    assert inbox.recipients == [["siobhan.oneill@northwind.example"]]
    body = received.get_content()
    assert "Reference number: HD-000001" in body and "Cannot print payslips" in body
    assert "15:00 (Europe/London)" in body
    outbox = mailer.Outbox(tmp_path / "outbox")
    assert outbox.pending() == []
    assert result.delivery.path.parent == outbox.sent_folder and result.delivery.path.exists()
    call = call_row(store, call_id)
    assert call.ack_method == AckMethod.EMAIL and call.acknowledged_at == clock.now()
    assert kinds(store, call_id)[-3:] == [EventKind.ACKNOWLEDGED, EventKind.EMAIL_SENT, EventKind.COMMITMENT_MADE]


def test_unreachable_server_keeps_the_mail_and_records_the_failure(store, actor, call_id, tmp_path, monkeypatch):
    """A server that is not there: failure reported, mail kept, no acknowledgement, EMAIL_FAILED logged."""
    settings = settings_for(tmp_path, monkeypatch, 9, timeout=2)
    result = acknowledgements.send_acknowledgement(store, settings, call_id, actor)
    assert not result.delivery.sent and not result.acknowledged
    assert result.delivery.error.startswith("127.0.0.1:9: ")
    assert "could not be sent" in result.message() and str(result.delivery.path) in result.message()
    assert mailer.Outbox(tmp_path / "outbox").pending() == [result.delivery.path]
    assert call_row(store, call_id).acknowledged_at is None
    assert EventKind.ACKNOWLEDGED not in kinds(store, call_id)
    failed = events_of_kind(store, call_id, EventKind.EMAIL_FAILED)
    assert len(failed) == 1 and failed[0].payload["error"] == result.delivery.error


def test_retry_sends_what_failed_and_records_the_acknowledgement(store, actor, clock, call_id, tmp_path, monkeypatch, smtp_server):
    """After a failed send, retry_pending with a working server sends it, moves it to sent/ and acknowledges."""
    failed = acknowledgements.send_acknowledgement(store, settings_for(tmp_path, monkeypatch, 9, timeout=2), call_id, actor)
    assert not failed.acknowledged
    inbox, port = smtp_server
    clock.advance(timedelta(minutes=3))
    results = acknowledgements.retry_pending(store, settings_for(tmp_path, monkeypatch, port), actor)
    assert len(results) == 1 and results[0].acknowledged and results[0].delivery.sent
    outbox = mailer.Outbox(tmp_path / "outbox")
    assert outbox.pending() == []
    assert results[0].delivery.path == outbox.sent_folder / failed.delivery.path.name
    assert len(inbox.messages) == 1 and "HD-000001" in inbox.messages[0]["Subject"]
    call = call_row(store, call_id)
    assert call.ack_method == AckMethod.EMAIL and call.acknowledged_at == clock.now()
    sent = events_of_kind(store, call_id, EventKind.EMAIL_SENT)
    assert len(sent) == 1 and sent[0].payload["retried"] is True
    assert acknowledgements.retry_pending(store, settings_for(tmp_path, monkeypatch, port), actor) == []


def test_retry_without_a_server_does_nothing(store, actor, call_id, tmp_path, monkeypatch):
    """With no server configured nothing is retried and the queued mail stays."""
    settings = settings_for(tmp_path, monkeypatch, None)
    acknowledgements.send_acknowledgement(store, settings, call_id, actor)
    assert acknowledgements.retry_pending(store, settings, actor) == []
    assert len(mailer.Outbox(tmp_path / "outbox").pending()) == 1


def test_retry_still_failing_records_nothing(store, actor, call_id, tmp_path, monkeypatch):
    """A retry that fails again leaves the mail in the outbox and the call unacknowledged."""
    settings = settings_for(tmp_path, monkeypatch, 9, timeout=2)
    acknowledgements.send_acknowledgement(store, settings, call_id, actor)
    results = acknowledgements.retry_pending(store, settings, actor)
    assert len(results) == 1 and not results[0].acknowledged and results[0].delivery.error
    assert len(mailer.Outbox(tmp_path / "outbox").pending()) == 1
    assert call_row(store, call_id).acknowledged_at is None


def test_retry_of_mail_for_an_unknown_call_sends_without_recording(store, actor, tmp_path, monkeypatch, smtp_server):
    """A message whose call no longer exists is still sent, and nothing is recorded."""
    outbox = mailer.Outbox(tmp_path / "outbox")
    outbox.put(message("HD-000777"))
    inbox, port = smtp_server
    results = acknowledgements.retry_pending(store, settings_for(tmp_path, monkeypatch, port), actor)
    assert len(results) == 1 and results[0].delivery.sent and not results[0].acknowledged
    assert len(inbox.messages) == 1


def test_retry_survives_a_call_closed_since_the_failed_send(store, actor, customer_id, call_id, tmp_path, monkeypatch, smtp_server):
    """A mail for a call closed meanwhile is sent without breaking the retry of the other mails."""
    with store.write() as session:
        other = calls.create_call(session, customer_id, actor).id
    unreachable = settings_for(tmp_path, monkeypatch, 9, timeout=2)
    acknowledgements.send_acknowledgement(store, unreachable, call_id, actor)
    acknowledgements.send_acknowledgement(store, unreachable, other, actor)
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="fixed on the phone")
        calls.record_agreement(session, call_id, actor, agreed=True)
        calls.close_call(session, call_id, actor)
    inbox, port = smtp_server
    results = acknowledgements.retry_pending(store, settings_for(tmp_path, monkeypatch, port), actor)
    assert len(inbox.messages) == 2 and all(r.delivery.sent for r in results)
    assert call_row(store, other).acknowledged_at is not None


# --- a valid complaint: "I'll let my supervisor know" (seed 000) -------------------------------------

def valid_complaint(store, actor, call_id) -> None:
    with store.write() as session:
        calls.update_assessment(
            session, call_id, actor, is_complaint=True, complaint_valid=True, complaint_steps="Technician by 15:00"
        )


def with_supervisor(monkeypatch) -> None:
    monkeypatch.setenv("DESKCLI_SUPERVISOR__NAME", "Priya Shah")
    monkeypatch.setenv("DESKCLI_SUPERVISOR__EMAIL", "priya.shah@acme.example")


def add_analyst(store, clock, handle, *, role, department="Help Desk", email="") -> None:
    with store.write() as session:
        analysts.ensure_analyst(
            session, AnalystBase(handle=handle, name=handle.title(), department=department, email=email, role=role),
            Actor(None, clock),
        )


def test_valid_complaint_notice_is_mailed_to_the_supervisor_and_logged(store, actor, clock, call_id, tmp_path, monkeypatch):
    """No server: the notice waits in the outbox, addressed to the supervisor; the timeline says so."""
    with_supervisor(monkeypatch)
    valid_complaint(store, actor, call_id)
    told = complaint.tell_supervisor(store, settings_for(tmp_path, monkeypatch, None), actor, call_id)
    assert told.supervisor.name == "Priya Shah" and told.supervisor.found_by == "the supervisor setting"
    assert told.delivery.queued_only and "waits in the outbox" in told.message()
    written = mailer.Outbox.read(told.delivery.path)
    assert written["To"] == "priya.shah@acme.example"
    assert written["Subject"] == "[HD-000001] Valid complaint: Cannot print payslips"
    assert written[mailer.KIND_HEADER] == "supervisor_notice"
    body = written.get_content()
    assert "Dear Priya Shah," in body and "Steps agreed with the customer: Technician by 15:00" in body
    assert "Siobhan O'Neill, Northwind Traders" in body and "I told the customer I would let you know" in body
    [event] = events_of_kind(store, call_id, EventKind.SUPERVISOR_NOTIFIED)
    assert event.payload["supervisor"] == "Priya Shah" and event.payload["mail"] == "outbox"
    what, _detail = timeline.describe(event.kind, event.payload)
    assert what == "valid complaint: supervisor Priya Shah told (e-mail waiting in the outbox)"
    assert call_row(store, call_id).acknowledged_at is None  # a notice is not an acknowledgement


@pytest.mark.parametrize(
    ("assessment", "refusal"),
    [
        ({}, "the notice is for a valid complaint"),
        ({"is_complaint": True}, "the notice is for a valid complaint"),  # not judged yet
        ({"is_complaint": True, "complaint_valid": False}, "the notice is for a valid complaint"),
    ],
)
def test_no_notice_unless_the_complaint_is_valid(store, actor, call_id, tmp_path, monkeypatch, assessment, refusal):
    with_supervisor(monkeypatch)
    if assessment:
        with store.write() as session:
            calls.update_assessment(session, call_id, actor, **assessment)
    with pytest.raises(RuleViolation, match=refusal):
        complaint.tell_supervisor(store, settings_for(tmp_path, monkeypatch, None), actor, call_id)
    assert mailer.Outbox(tmp_path / "outbox").pending() == []


def test_the_supervisor_is_told_once(store, actor, call_id, tmp_path, monkeypatch):
    with_supervisor(monkeypatch)
    valid_complaint(store, actor, call_id)
    settings = settings_for(tmp_path, monkeypatch, None)
    complaint.tell_supervisor(store, settings, actor, call_id)
    with pytest.raises(RuleViolation, match="already told"):
        complaint.tell_supervisor(store, settings, actor, call_id)
    assert len(mailer.Outbox(tmp_path / "outbox").pending()) == 1


def test_without_a_supervisor_named_the_refusal_says_what_to_set(store, actor, clock, call_id, tmp_path, monkeypatch):
    """No setting, and nobody in the directory with a supervising role and an e-mail address."""
    valid_complaint(store, actor, call_id)
    add_analyst(store, clock, "nomail", role="manager")  # a manager without an e-mail address cannot be told
    with pytest.raises(RuleViolation) as caught:
        complaint.tell_supervisor(store, settings_for(tmp_path, monkeypatch, None), actor, call_id)
    assert "No supervisor is named for Help Desk" in str(caught.value) and "[supervisor] name and email" in str(caught.value)


def test_the_directory_names_the_departments_manager_first(store, actor, clock, call_id, tmp_path, monkeypatch):
    """Without the setting: a manager of the analyst's department, before a senior, before another department."""
    valid_complaint(store, actor, call_id)
    add_analyst(store, clock, "faraway", role="manager", department="Facilities", email="far@acme.example")
    add_analyst(store, clock, "senior", role="senior", email="senior@acme.example")
    settings = settings_for(tmp_path, monkeypatch, None)
    with store.read() as session:
        me = session.get(Analyst, actor.analyst_id)
        assert supervisor.find_supervisor(session, me, None).email == "senior@acme.example"
    add_analyst(store, clock, "boss", role="manager", email="boss@acme.example")
    with store.read() as session:
        found = supervisor.find_supervisor(session, me, None)
    assert (found.email, found.found_by) == ("boss@acme.example", "the analyst directory (manager, Help Desk)")
    told = complaint.tell_supervisor(store, settings, actor, call_id)
    assert mailer.Outbox.read(told.delivery.path)["To"] == "boss@acme.example"


def test_retrying_a_notice_sends_it_and_acknowledges_nothing(store, actor, clock, call_id, tmp_path, monkeypatch, smtp_server):
    """A notice that waited in the outbox goes out on retry; it is not taken for an acknowledgement."""
    with_supervisor(monkeypatch)
    valid_complaint(store, actor, call_id)
    complaint.tell_supervisor(store, settings_for(tmp_path, monkeypatch, None), actor, call_id)
    inbox, port = smtp_server
    results = acknowledgements.retry_pending(store, settings_for(tmp_path, monkeypatch, port), actor)
    assert len(results) == 1 and results[0].delivery.sent and not results[0].acknowledged
    assert inbox.recipients == [["priya.shah@acme.example"]]
    assert call_row(store, call_id).acknowledged_at is None
