"""The complaint's actions beyond the assessment form: telling the supervisor of a valid one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from deskcli.core.errors import RuleViolation
from deskcli.models import Analyst
from deskcli.services.actor import Actor
from deskcli.services.desk import mailer
from deskcli.services.lifecycle import callview, supervisor
from deskcli.services.lifecycle.calls import get_call

if TYPE_CHECKING:
    from deskcli.config.settings import Settings
    from deskcli.store.db import Store

SUPERVISOR_NOTICE = "supervisor_notice"
"""The mail's kind (``X-Deskcli-Kind``): sending it late acknowledges nothing."""


@dataclass(frozen=True)
class SupervisorTold:
    """What became of the notice."""

    supervisor: supervisor.Supervisor
    delivery: mailer.Delivery

    def message(self) -> str:
        """A sentence for the analyst."""
        who = f"{self.supervisor.name} ({self.supervisor.found_by})"
        if self.delivery.sent:
            return f"Supervisor {who} told: e-mail sent."
        if self.delivery.queued_only:
            return f"Supervisor {who} told: the e-mail waits in the outbox ({self.delivery.path})."
        return f"Supervisor {who}: the e-mail could not be sent ({self.delivery.error}); it is kept in the outbox to retry."


def tell_supervisor(store: Store, settings: Settings, actor: Actor, call_id: int) -> SupervisorTold:
    """The analyst told the caller "I'll let my supervisor know": mail the supervisor and log it.

    Refused unless the complaint is marked valid, not told already, and a supervisor is
    named (setting or analyst directory). The mail is sent outside any database
    transaction (a slow server never holds the database), then recorded.
    """
    with store.read() as session:
        view = callview.load(session, call_id)
        analyst = session.get(Analyst, actor.analyst_id) if actor.analyst_id is not None else None
        if analyst is None:
            raise RuleViolation("set up the analyst profile before telling the supervisor.")
        found = supervisor.find_supervisor(session, analyst, settings.supervisor)
    supervisor.require_sendable(view)
    if found is None:
        raise RuleViolation(f"No supervisor is named for {analyst.department or 'your department'}.", supervisor.NO_SUPERVISOR_HINT)
    zone = settings.zone()
    message = mailer.compose(
        sender=settings.smtp.sender if settings.smtp else (analyst.email or "helpdesk@localhost"),
        to=found.email,
        subject=f"[{view.call.reference}] Valid complaint: {' '.join((view.call.summary or view.customer.name).split())}"[:200],
        body=supervisor.body_text(view, analyst, found, actor.now(), zone),
        reference=view.call.reference,
        reply_to=analyst.email,
        sent_at=actor.now().astimezone(zone),
        kind=SUPERVISOR_NOTICE,
    )
    delivery = mailer.deliver(message, mailer.Outbox(settings.outbox()), settings.smtp)
    mail = "sent" if delivery.sent else ("outbox" if delivery.queued_only else "failed")
    with store.write() as session:
        supervisor.record_notice(
            session, get_call(session, call_id), actor, found, mail=mail, path=str(delivery.path), error=delivery.error or ""
        )
    return SupervisorTold(found, delivery)
