"""A call's timeline in words: every event in order, who did it, what happened.

The events are read as recorded (append-only), oldest first; each becomes one line
an analyst or a reviewer reads at a glance ("on hold 2:05 - long", "escalated to
Second-line technical team (technical experts, tier 2, functional)"). Runs of notes
autosaves, which can be hundreds on one call, are shown as one line with their count.
Times stay UTC here; the screen shows them in local time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.clock import as_utc
from deskcli.core.enums import contact_by, status_words
from deskcli.core.timefmt import duration
from deskcli.models import Analyst, CallEvent, Escalation, EventKind

SYSTEM = "deskcli"
"""Who did what deskcli did by itself (reminders, timers)."""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline."""

    event_id: int
    at: datetime
    who: str
    kind: str
    what: str
    """The event in words."""
    detail: str = ""
    """Longer text worth reading (a hand-off, a resolution, a warning's words)."""
    count: int = 1
    """Events folded into this line (notes autosaves in a row)."""
    until: datetime | None = None
    """The last of the folded events."""


def _when(value: Any, zone: ZoneInfo | None = None) -> str:
    """A due time from a payload (ISO text, UTC) in the desk's local time
    (``2026-03-10 15:05``), or as ``2026-03-10 15:05 UTC`` when no zone is given."""
    try:
        moment = as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)
    if zone is None:
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _kind(text: Any) -> str:
    return str(text or "").replace("_", " ")


PROMISE_KINDS = {
    "next_contact": "next contact",
    "callback": "call-back",
    "follow_up": "follow-up call",
    "promise": "promise",
    "feedback": "feedback meeting",
}
"""Promise kinds in words."""

_OUTCOMES = {
    "kept_on_time": "kept on time",
    "kept_late": "kept late",
    "missed": "MISSED",
    "rescheduled": "rescheduled",
    "cancelled": "cancelled",
}


def _fields(payload: dict[str, Any]) -> str:
    changes = payload.get("changes") or {}
    parts = []
    for field, pair in changes.items():
        new = pair[1] if isinstance(pair, list) and len(pair) == 2 else pair
        shown = "P" + str(new) if field == "priority" and new is not None else ("-" if new in (None, "") else str(new))
        if isinstance(new, bool):
            shown = "yes" if new else "no"
        parts.append(f"{_kind(field)} → {shown}")
    return "assessment: " + ", ".join(parts) if parts else "assessment changed"


_CUSTOMER_FIELDS = {
    "name": "name", "name_spelling": "spelling", "pronunciation": "said", "email": "e-mail",
    "organisation": "organisation", "department": "department", "is_vip": "VIP/executive",
    "caution_flags": "caution flags", "phones": "phones",
}


def _customer_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item).replace("_", " ") for item in value) or "none"
    return "-" if value in (None, "") else str(value)


def _customer_changes(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, old, new) in words for each change of the caller's record."""
    found = []
    for field, pair in (payload.get("changes") or {}).items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        found.append((_CUSTOMER_FIELDS.get(field, _kind(field)), _customer_value(old), _customer_value(new)))
    return found


def _customer_changed(payload: dict[str, Any]) -> str:
    parts = [f"{field} → {new}" for field, _old, new in _customer_changes(payload)]
    return "caller's details: " + "; ".join(parts) if parts else "caller's details changed"


def _customer_changed_detail(payload: dict[str, Any]) -> str:
    return "\n".join(f"{field}: {old} → {new}" for field, old, new in _customer_changes(payload))


def _escalated(payload: dict[str, Any]) -> str:
    again = "re-escalated" if payload.get("re_escalation") else "escalated"
    how = ", ".join(
        part for part in (
            _kind(payload.get("route")),
            f"tier {payload['tier']}" if payload.get("tier") else "",
            str(payload.get("type") or ""),
        ) if part
    )
    text = f"{again} to {payload.get('receiver', '?')} ({how})"
    if payload.get("transfer"):
        text += ", handed over live"
    if payload.get("time_to_fix"):
        text += f"; time to fix: {payload['time_to_fix']}"
    if payload.get("triggers"):
        text += "; triggers: " + ", ".join(_kind(t) for t in payload["triggers"])
    if payload.get("cause"):
        text += f"; cause: {payload.get('cause_label') or _kind(payload['cause'])}"
    if payload.get("channel"):
        text += f"; contact {contact_by(str(payload['channel']))} from now on"
    return text


def _hold_ended(payload: dict[str, Any]) -> str:
    seconds = int(payload.get("seconds") or 0)
    text = f"off hold after {duration_seconds(seconds)}"
    if payload.get("long"):
        text += " - LONG hold"
    if payload.get("ended_with_call"):
        text += " (the conversation ended)"
    return text


def _elevated(payload: dict[str, Any]) -> str:
    before = f"P{payload.get('from', '?')}" + (" (assumed)" if payload.get("assumed") else "")
    return f"priority raised by hand (elevation): {before} → P{payload.get('to', '?')}"


_MAIL_WORDS = {"sent": "e-mail sent", "outbox": "e-mail waiting in the outbox", "failed": "e-mail failed, kept in the outbox"}


def _supervisor(payload: dict[str, Any]) -> str:
    mail = _MAIL_WORDS.get(str(payload.get("mail")), "no e-mail")
    return f"valid complaint: supervisor {payload.get('supervisor', '?')} told ({mail})"


def duration_seconds(seconds: int) -> str:
    """``2:05`` for 125 seconds (``1:02:03`` past an hour)."""
    from datetime import timedelta

    return duration(timedelta(seconds=seconds))


_WORDS: dict[str, Callable[[dict[str, Any]], str]] = {
    EventKind.CREATED: lambda p: f"call {p.get('reference', '')} opened ({status_words(str(p.get('channel') or 'phone'))})"
    + (f" from {p['caller_number']}" if p.get("caller_number") else ""),
    EventKind.GREETED: lambda p: "greeted the caller",
    EventKind.NAME_CONFIRMED: lambda p: "name confirmed"
    + (f": {p['spelling']}" if p.get("spelling") else "")
    + (f", said {p['pronunciation']}" if p.get("pronunciation") else ""),
    EventKind.ACKNOWLEDGED: lambda p: f"acknowledged {'by e-mail' if p.get('method') == 'email' else 'verbally'}: "
    f"reference {p.get('reference', '')} given",
    EventKind.STAGE_CHANGED: lambda p: f"stage: {_kind(p.get('from'))} → {_kind(p.get('to'))}",
    EventKind.STAGE_SKIPPED: lambda p: "skipped: " + "; ".join(str(step) for step in p.get("steps") or []),
    EventKind.FIELDS_CHANGED: _fields,
    EventKind.NOTES_SAVED: lambda p: f"notes saved ({p.get('chars', 0)} characters)",
    EventKind.HOLD_STARTED: lambda p: f"caller put on hold (hold {p.get('number', '?')})"
    + (" - too many holds" if p.get("too_frequent") else ""),
    EventKind.HOLD_ENDED: _hold_ended,
    EventKind.WARNING_GIVEN: lambda p: f"warning {p.get('number', '?')} given (abusive caller)",
    EventKind.TRANSFERRED: lambda p: f"transferred to {p.get('manager', 'a manager')} (abusive caller)",
    EventKind.DISCONNECTED: lambda p: f"disconnected (abusive caller); {p.get('manager', 'a manager')} told",
    EventKind.COMPLAINT_LOGGED: lambda p: "complaint logged",
    EventKind.APOLOGISED: lambda p: "apologised to the caller",
    EventKind.ARTICLE_USED: lambda p: f"known fix used: {p.get('title') or p.get('slug', '')}",
    EventKind.ESCALATED: _escalated,
    EventKind.OWNERSHIP_MOVED: lambda p: f"now worked by {(p.get('actual_to') or {}).get('label') or 'nobody'}"
    f" (was {(p.get('actual_from') or {}).get('label') or 'nobody'})",
    EventKind.CONTACT_LOGGED: lambda p: ("progress call from the customer" if p.get("direction") == "inbound"
                                         else "called the customer")
    + (f" ({p['caller_number']})" if p.get("caller_number") else ""),
    EventKind.RESOLVED: lambda p: "resolution recorded" + (" (with a known fix)" if p.get("article_id") else ""),
    EventKind.CUSTOMER_AGREED: lambda p: "the customer agreed the call can be closed",
    EventKind.CUSTOMER_DECLINED: lambda p: "the customer did not agree to close: awaiting confirmation",
    EventKind.CLOSED: lambda p: "closed" + (f"; satisfaction {p['satisfaction']}/5" if p.get("satisfaction") else ""),
    EventKind.REOPENED: lambda p: "reopened",
    EventKind.EMAIL_SENT: lambda p: f"e-mail sent to {p.get('to', '')}",
    EventKind.EMAIL_QUEUED: lambda p: f"e-mail to {p.get('to', '')} waiting in the outbox",
    EventKind.EMAIL_FAILED: lambda p: f"e-mail to {p.get('to', '')} failed",
    EventKind.STATUS_CHANGED: lambda p: f"status: {_kind(p.get('from'))} → {_kind(p.get('to'))}",
    EventKind.SLA_PAUSED: lambda p: "SLA clock stopped: waiting on the customer",
    EventKind.SLA_RESUMED: lambda p: "SLA clock running again",
    EventKind.TALK_ENDED: lambda p: "conversation ended" + (f" ({p['ending']})" if p.get("ending") else ""),
    EventKind.TALK_RESUMED: lambda p: "on the phone about the call again",
    EventKind.PRIORITY_ELEVATED: _elevated,
    EventKind.PROBLEM_READ_BACK: lambda p: "problem read back and confirmed",
    EventKind.SUPERVISOR_NOTIFIED: _supervisor,
    EventKind.CUSTOMER_CHANGED: _customer_changed,
}

_TIMED_WORDS: dict[str, Callable[[dict[str, Any], Callable[[Any], str]], str]] = {
    # Payloads that carry a due time: ``when`` shows it in the desk's local time.
    EventKind.COMMITMENT_MADE: lambda p, when: f"promised a {PROMISE_KINDS.get(p.get('kind'), _kind(p.get('kind')))} "
    + (f"on {p['contact_number']} " if p.get("contact_number") else "")
    + f"by {when(p.get('due_at'))}",
    EventKind.COMMITMENT_RESOLVED: lambda p, when: f"promise {_OUTCOMES.get(p.get('outcome'), _kind(p.get('outcome')))}"
    + (f", moved to {when(p['new_due_at'])}" if p.get("new_due_at") else "")
    + f" (was due {when(p.get('due_at'))})",
}

_DETAIL_FIELDS = {
    EventKind.GREETED: ("text",),
    EventKind.COMMITMENT_MADE: ("description",),
    EventKind.COMMITMENT_RESOLVED: ("note",),
    EventKind.WARNING_GIVEN: ("line", "remark"),
    EventKind.TRANSFERRED: ("note",),
    EventKind.DISCONNECTED: ("note",),
    EventKind.CONTACT_LOGGED: ("note",),
    EventKind.RESOLVED: ("resolution", "instructions"),
    EventKind.CUSTOMER_AGREED: ("note",),
    EventKind.CUSTOMER_DECLINED: ("note",),
    EventKind.CLOSED: ("comment", "prevention_note"),
    EventKind.REOPENED: ("reason",),
    EventKind.SLA_PAUSED: ("reason",),
    EventKind.SLA_RESUMED: ("note",),
    EventKind.EMAIL_FAILED: ("error",),
    EventKind.APOLOGISED: ("words",),
    EventKind.COMPLAINT_LOGGED: ("summary",),
    EventKind.PRIORITY_ELEVATED: ("reason",),
    EventKind.PROBLEM_READ_BACK: ("line",),
    EventKind.SUPERVISOR_NOTIFIED: ("error",),
}


def describe(kind: str, payload: dict[str, Any], zone: ZoneInfo | None = None) -> tuple[str, str]:
    """An event in words (times in ``zone``), and the longer text worth reading under it."""
    timed = _TIMED_WORDS.get(kind)
    words = _WORDS.get(kind)
    if timed is not None:
        what = timed(payload, lambda value: _when(value, zone))
    else:
        what = words(payload) if words is not None else _kind(kind)
    detail = "\n".join(str(payload[name]).strip() for name in _DETAIL_FIELDS.get(kind, ()) if str(payload.get(name) or "").strip())
    if kind == EventKind.CUSTOMER_CHANGED:
        detail = _customer_changed_detail(payload)
    return what, detail


def entries_from(
    events: Iterable[CallEvent], names: dict[int, str], handoffs: dict[int, str] | None = None,
    zone: ZoneInfo | None = None,
) -> list[TimelineEntry]:
    """Timeline lines from a call's events (oldest first); notes autosaves in a row fold into one line.

    Each entry's ``at`` stays UTC (the screen shows it locally); times inside the words
    (a promise's due time) are written in ``zone``."""
    handoffs = handoffs or {}
    lines: list[TimelineEntry] = []
    for event in events:
        payload = event.payload or {}
        who = names.get(event.actor_id, "?") if event.actor_id is not None else SYSTEM
        at = as_utc(event.at)
        previous = lines[-1] if lines else None
        if event.kind == EventKind.NOTES_SAVED and previous is not None and previous.kind == EventKind.NOTES_SAVED:
            lines[-1] = TimelineEntry(
                previous.event_id, previous.at, previous.who, previous.kind,
                f"notes saved {previous.count + 1} times (now {payload.get('chars', 0)} characters)",
                count=previous.count + 1, until=at,
            )
            continue
        what, detail = describe(event.kind, payload, zone)
        if event.kind == EventKind.ESCALATED and payload.get("escalation_id") in handoffs:
            detail = handoffs[payload["escalation_id"]]
        lines.append(TimelineEntry(event.id or 0, at, who, event.kind, what, detail))
    return lines


def analyst_names(session: Session) -> dict[int, str]:
    """Every analyst's name by id (a desk has a handful; one query)."""
    return dict(session.exec(select(Analyst.id, Analyst.name)).all())


def timeline(session: Session, call_id: int, zone: ZoneInfo | None = None) -> list[TimelineEntry]:
    """The whole timeline of a call, oldest first, in words (due times in ``zone``)."""
    events = session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))).all()
    handoffs = dict(session.exec(select(Escalation.id, Escalation.handoff).where(Escalation.call_id == call_id)).all())
    return entries_from(events, analyst_names(session), handoffs, zone)
