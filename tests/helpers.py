"""Small helpers shared by tests (pytest puts this folder on sys.path)."""

from __future__ import annotations

from sqlmodel import col, select

from deskcli.store.db import Store
from deskcli.models import CallEvent


def event_kinds(store: Store, call_id: int) -> list[str]:
    """The event kinds of a call, oldest first."""
    with store.read() as session:
        rows = session.exec(select(CallEvent).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id)))
        return [event.kind for event in rows]
