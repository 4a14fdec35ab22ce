"""The call timeline: every change appends an event; none is ever changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from deskcli.models import Call, CallEvent, EventKind
from deskcli.services.actor import Actor


def _plain(value: Any) -> Any:
    """Make ``value`` JSON-friendly (datetimes as ISO text in UTC)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def record(session: Session, call: Call, kind: EventKind, by: Actor, /, **payload: Any) -> CallEvent:
    """Append an event to ``call``'s timeline, stamped with the actor and the UTC time."""
    if call.id is None:
        session.flush()
    event = CallEvent(
        call_id=call.id,
        at=by.now(),
        actor_id=by.analyst_id,
        kind=kind,
        payload=_plain(payload),
    )
    session.add(event)
    return event


def timeline(session: Session, call_id: int, *, limit: int = 200, before_id: int | None = None) -> list[CallEvent]:
    """The newest events of a call, newest first, one page at a time."""
    query = select(CallEvent).where(CallEvent.call_id == call_id)
    if before_id is not None:
        query = query.where(col(CallEvent.id) < before_id)
    return list(session.exec(query.order_by(col(CallEvent.id).desc()).limit(limit)))


def events_after(session: Session, call_id: int, after_id: int, *, limit: int = 200) -> list[tuple[int, str, dict[str, Any]]]:
    """A call's events newer than ``after_id``, oldest first, as ``(id, kind, payload)``
    (what a practice caller reacts to)."""
    query = (
        select(CallEvent.id, CallEvent.kind, CallEvent.payload)
        .where(CallEvent.call_id == call_id, col(CallEvent.id) > after_id)
        .order_by(col(CallEvent.id))
        .limit(limit)
    )
    return [(event_id, kind, payload or {}) for event_id, kind, payload in session.exec(query)]
