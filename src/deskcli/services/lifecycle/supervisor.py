"""A valid complaint's notice to the supervisor (seed 000, Handling Customer Complaints).

"You're right - I'm sorry the technician didn't turn up. I guarantee that an technician
will be with you by 3pm and I'll let my supervisor know that you have had to call us."

Who the supervisor is: the ``supervisor`` setting (name and e-mail) when the office set
one; otherwise the analyst directory - an analyst with the role ``manager``, else
``senior``, of the analyst's own department first, who has an e-mail address. The
notice is a mail (the supervisor is rarely at this seat: the outbox sends it through
SMTP, or keeps it to send, like an acknowledgement) and an event on the call's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.errors import RuleViolation
from deskcli.models import Analyst, Call, CallEvent, CallStatus, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events

if TYPE_CHECKING:
    from deskcli.config.settings import SupervisorSettings
    from deskcli.services.lifecycle.callview import CallView

SUPERVISOR_ROLES = ("manager", "senior")
"""Roles in the analyst directory that supervise, the first preferred."""

NO_SUPERVISOR_HINT = (
    "Set [supervisor] name and email in the config file (DESKCLI_SUPERVISOR__NAME and __EMAIL), "
    "or give a manager of your department an e-mail address in the analyst directory."
)


@dataclass(frozen=True)
class Supervisor:
    """Who is told, and how they were found."""

    name: str
    email: str
    found_by: str
    """``the supervisor setting`` or ``the analyst directory (manager, Help Desk)``."""


def find_supervisor(session: Session, analyst: Analyst, configured: SupervisorSettings | None) -> Supervisor | None:
    """The analyst's supervisor: the setting, else the directory (``None`` when nobody is named)."""
    if configured is not None:
        return Supervisor(configured.name, configured.email, "the supervisor setting")
    candidates = session.exec(
        select(Analyst).where(col(Analyst.role).in_(SUPERVISOR_ROLES), Analyst.id != analyst.id, Analyst.email != "")
    ).all()
    department = analyst.department.casefold()
    ranked = sorted(
        candidates,
        key=lambda a: (a.department.casefold() != department, SUPERVISOR_ROLES.index(a.role), a.id or 0),
    )
    if not ranked:
        return None
    chosen = ranked[0]
    return Supervisor(chosen.name, chosen.email, f"the analyst directory ({chosen.role}, {chosen.department or 'no department'})")


def refusals(view: CallView) -> list[str]:
    """Why no notice can be sent for this call (empty when one can)."""
    call = view.call
    if call.status == CallStatus.CLOSED:
        return [f"{call.reference} is closed"]
    if not call.is_complaint or call.complaint_valid is not True:
        return ["the notice is for a valid complaint: mark the complaint valid first"]
    if view.supervisor_told:
        return ["the supervisor was already told of this complaint"]
    return []


def require_sendable(view: CallView) -> None:
    """Refuse a notice that cannot be sent (see :func:`refusals`)."""
    reasons = refusals(view)
    if reasons:
        raise RuleViolation(f"No notice to the supervisor: {'; '.join(reasons)}.")


def body_text(view: CallView, analyst: Analyst, supervisor: Supervisor, now: datetime, zone: ZoneInfo) -> str:
    """The notice's text: the call, the customer, the complaint and the steps agreed."""
    call = view.call
    customer = view.customer
    who = customer.name + (f", {customer.organisation}" if customer.organisation else "")
    return "\n".join([
        f"Dear {supervisor.name},",
        "",
        f"A valid complaint was logged on call {call.reference} at {now.astimezone(zone):%H:%M on %A %d %B %Y} ({zone.key}).",
        "I told the customer I would let you know that they have had to call us.",
        "",
        f"Customer: {who}",
        f"Problem: {call.summary or '(no summary yet)'}",
        f"Steps agreed with the customer: {call.complaint_steps or '(not written yet)'}",
        "",
        analyst.name,
        analyst.department,
    ])


def record_notice(session: Session, call: Call, by: Actor, supervisor: Supervisor, *, mail: str, path: str, error: str = "") -> CallEvent:
    """Put the notice on the call's timeline (``mail``: ``sent``, ``outbox`` or ``failed``)."""
    return events.record(
        session, call, EventKind.SUPERVISOR_NOTIFIED, by,
        supervisor=supervisor.name, email=supervisor.email, found_by=supervisor.found_by,
        mail=mail, path=path, error=error, summary=call.summary,
    )
