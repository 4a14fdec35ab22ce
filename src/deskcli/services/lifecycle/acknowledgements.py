"""Acknowledging a call by e-mail: reference, summary and when to expect the next contact.

The message is composed from the call, written to the outbox, sent (outside any
database transaction, so a slow mail server never holds the database), and only
then recorded. A failed send is recorded as such and the message waits in the
outbox; :func:`retry_pending` sends it later and records the acknowledgement then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from deskcli.config.settings import Settings
from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import AckMethod, Analyst, Call, CallStatus, CommitmentKind, EventKind
from deskcli.services.actor import Actor
from deskcli.services.desk import mailer
from deskcli.services.lifecycle import calls, callview, commitments, events
from deskcli.store.db import Store


@dataclass(frozen=True)
class AckResult:
    """What became of an e-mail acknowledgement."""

    delivery: mailer.Delivery
    acknowledged: bool
    """True when the acknowledgement was recorded on the call (sent, or queued by design)."""

    def message(self) -> str:
        """A sentence for the analyst."""
        if self.delivery.sent:
            return "Acknowledgement e-mail sent."
        if self.delivery.queued_only:
            return f"No mail server is set: the e-mail is in the outbox at {self.delivery.path} - send it from there."
        return f"The e-mail could not be sent ({self.delivery.error}); it is kept in the outbox to retry: {self.delivery.path}"


def body_text(view: callview.CallView, analyst: Analyst, next_contact: datetime | None, zone: ZoneInfo) -> str:
    """The acknowledgement's text."""
    call = view.call
    lines = [
        f"Dear {view.customer.name},",
        "",
        f"Thank you for contacting the {analyst.department or 'help desk'}. Your call has been logged.",
        "",
        f"Reference number: {call.reference}",
        f"Summary: {call.summary or '(to be confirmed)'}",
    ]
    if next_contact is not None:
        local = next_contact.astimezone(zone)
        lines.append(f"You can expect to hear from us by: {local:%A %d %B %Y, %H:%M} ({zone.key})")
    lines += [
        "",
        "Please quote the reference number if you contact us about this call.",
        "",
        f"{analyst.name}",
        f"{analyst.department}{', ' + analyst.organisation if analyst.organisation else ''}",
    ]
    return "\n".join(lines)


def send_acknowledgement(
    store: Store, settings: Settings, call_id: int, by: Actor, *, next_contact: datetime | None = None
) -> AckResult:
    """E-mail the acknowledgement of a call to its customer and record what happened.

    ``next_contact`` (told to the customer in the mail) is also recorded as a promise.
    """
    with store.read() as session:
        view = callview.load(session, call_id)
        analyst = session.get(Analyst, by.analyst_id) if by.analyst_id else None
    if not view.customer.email:
        raise RuleViolation(f"{view.customer.name} has no e-mail address: add one, or acknowledge verbally.")
    if analyst is None:
        raise RuleViolation("set up the analyst profile before sending acknowledgements.")
    if next_contact is not None:
        commitments.require_future(next_contact, by, "next contact time")
    sender = settings.smtp.sender if settings.smtp else (analyst.email or "helpdesk@localhost")
    message = mailer.compose(
        sender=sender,
        to=view.customer.email,
        subject=f"[{view.call.reference}] Your call has been logged",
        body=body_text(view, analyst, next_contact, settings.zone()),
        reference=view.call.reference,
        reply_to=analyst.email,
        sent_at=by.now().astimezone(settings.zone()),
    )
    delivery = mailer.deliver(message, mailer.Outbox(settings.outbox()), settings.smtp)
    with store.write() as session:
        if delivery.error is None:
            detail = "sent" if delivery.sent else f"written to the outbox: {delivery.path}"
            calls.acknowledge(session, call_id, AckMethod.EMAIL, by, detail=detail)
            kind = EventKind.EMAIL_SENT if delivery.sent else EventKind.EMAIL_QUEUED
            call = calls.get_call(session, call_id)
            events.record(session, call, kind, by, to=view.customer.email, path=str(delivery.path))
        else:
            call = calls.get_call(session, call_id)
            events.record(session, call, EventKind.EMAIL_FAILED, by, to=view.customer.email, path=str(delivery.path), error=delivery.error)
        if next_contact is not None:
            commitments.make_commitment(
                session, call_id, CommitmentKind.NEXT_CONTACT, next_contact, by,
                description="Next contact, as told in the acknowledgement",
            )
    return AckResult(delivery, acknowledged=delivery.error is None)


def retry_pending(store: Store, settings: Settings, by: Actor) -> list[AckResult]:
    """Send what waits in the outbox; record acknowledgements that now went out."""
    results = []
    for message, delivery in mailer.retry(mailer.Outbox(settings.outbox()), settings.smtp):
        reference = str(message.get(mailer.CALL_HEADER, ""))
        acknowledged = False
        if delivery.sent and reference:
            with store.write() as session:
                call: Call | None
                try:
                    call = calls.find_by_reference(session, reference)
                except NotFound:  # a message for a call that no longer exists
                    call = None
                if call is not None:
                    # Only an acknowledgement acknowledges: a supervisor's notice sent late does not.
                    if call.status != CallStatus.CLOSED and not message.get(mailer.KIND_HEADER):
                        calls.acknowledge(session, call.id, AckMethod.EMAIL, by, detail="sent from the outbox")
                        acknowledged = True
                    # A call closed since the send failed keeps its record; the sending is still logged.
                    events.record(session, call, EventKind.EMAIL_SENT, by, to=str(message["To"]), path=str(delivery.path), retried=True)
        results.append(AckResult(delivery, acknowledged))
    return results
