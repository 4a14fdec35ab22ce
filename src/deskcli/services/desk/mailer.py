"""Outgoing mail: an outbox of .eml files, sent through SMTP when one is configured.

Every message is written to the outbox first (0600 files in a 0700 folder); only a
successful send moves it to ``outbox/sent``. With no SMTP server set, or when the
send fails, the message stays in the outbox to be retried (or sent by hand), so no
acknowledgement is ever lost.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import format_datetime, formatdate, make_msgid
from pathlib import Path

from deskcli.config import paths
from deskcli.config.settings import SmtpSettings

CALL_HEADER = "X-Deskcli-Call"
"""Header naming the call reference a message belongs to (used when retrying)."""
KIND_HEADER = "X-Deskcli-Kind"
"""Header naming what a message is, when it is not an acknowledgement (e.g. ``supervisor_notice``)."""


class Outbox:
    """A folder of messages waiting to be sent, with ``sent/`` for the delivered ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sent_folder = folder / "sent"

    def put(self, message: EmailMessage) -> Path:
        """Write ``message`` as a new .eml file (atomically) and return its path."""
        paths.make_private_dir(self.folder)
        reference = str(message.get(CALL_HEADER, "mail"))
        name = f"{reference}-{uuid.uuid4().hex[:8]}.eml"
        target = self.folder / name
        temporary = self.folder / f".{name}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        return target

    def pending(self) -> list[Path]:
        """Messages not sent yet, oldest first."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.eml"), key=lambda path: path.stat().st_mtime)

    def mark_sent(self, path: Path) -> Path:
        """Move a delivered message to ``sent/``."""
        paths.make_private_dir(self.sent_folder)
        destination = self.sent_folder / path.name
        os.replace(path, destination)
        return destination

    @staticmethod
    def read(path: Path) -> EmailMessage:
        """Load a message back from its file."""
        with path.open("rb") as handle:
            return BytesParser(policy=default_policy).parse(handle)


@dataclass(frozen=True)
class Delivery:
    """What happened to one message."""

    path: Path
    """Where the message is now (the outbox, or ``outbox/sent``)."""
    sent: bool
    error: str | None = None
    """Why sending failed; ``None`` when it was sent or no server is configured."""

    @property
    def queued_only(self) -> bool:
        """True when no SMTP server is configured and the message waits in the outbox."""
        return not self.sent and self.error is None


def compose(
    *, sender: str, to: str, subject: str, body: str, reference: str, reply_to: str = "", sent_at: datetime | None = None,
    kind: str = "",
) -> EmailMessage:
    """A plain-text message tagged with its call reference (and ``kind``, when it is not an
    acknowledgement), dated ``sent_at`` (aware) or now."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at) if sent_at is not None else formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if reply_to:
        message["Reply-To"] = reply_to
    message[CALL_HEADER] = reference
    if kind:
        message[KIND_HEADER] = kind
    message.set_content(body)
    return message


def send(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Send one message; raises ``smtplib.SMTPException`` or ``OSError`` on failure."""
    password = smtp.password.get_secret_value() if smtp.password else None
    if smtp.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_seconds, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, password or "")
        client.send_message(message)


def deliver(message: EmailMessage, outbox: Outbox, smtp: SmtpSettings | None) -> Delivery:
    """Put ``message`` in the outbox, then send it if a server is configured."""
    path = outbox.put(message)
    if smtp is None:
        return Delivery(path, sent=False)
    return _try_send(path, message, outbox, smtp)


def _try_send(path: Path, message: EmailMessage, outbox: Outbox, smtp: SmtpSettings) -> Delivery:
    try:
        send(message, smtp)
    except (smtplib.SMTPException, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        return Delivery(path, sent=False, error=f"{smtp.host}:{smtp.port}: {reason}")
    return Delivery(outbox.mark_sent(path), sent=True)


def retry(outbox: Outbox, smtp: SmtpSettings | None) -> list[tuple[EmailMessage, Delivery]]:
    """Try to send every message still in the outbox."""
    if smtp is None:
        return []
    results = []
    for path in outbox.pending():
        message = Outbox.read(path)
        results.append((message, _try_send(path, message, outbox, smtp)))
    return results
