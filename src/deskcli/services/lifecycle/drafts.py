"""Drafts of a live call's fields: kept as they are typed, cleared when committed.

A draft is the analyst's own unfinished typing (the resolution before ctrl+s, the
hand-off being edited, the close comment). It is never shown as the call's record;
it is what comes back into the field when the console restarts after a crash.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, delete, select

from deskcli.models import CallDraft
from deskcli.services.actor import Actor

MAX_FIELD = 48


def save_draft(session: Session, call_id: int, field: str, text: str, by: Actor) -> None:
    """Keep ``text`` as the draft of ``field`` (an empty text removes the draft)."""
    if by.analyst_id is None:
        return  # deskcli itself never types
    found = session.exec(
        select(CallDraft).where(
            CallDraft.call_id == call_id, CallDraft.analyst_id == by.analyst_id, CallDraft.field == field[:MAX_FIELD]
        )
    ).first()
    if not text:
        if found is not None:
            session.delete(found)
        return
    if found is None:
        found = CallDraft(call_id=call_id, analyst_id=by.analyst_id, field=field[:MAX_FIELD], text=text, updated_at=by.now())
    else:
        found.text, found.updated_at = text, by.now()
    session.add(found)


def drafts_of(session: Session, call_id: int, analyst_id: int | None) -> dict[str, str]:
    """The drafts this analyst has on this call, by field."""
    if analyst_id is None:
        return {}
    rows = session.exec(
        select(CallDraft.field, CallDraft.text).where(CallDraft.call_id == call_id, CallDraft.analyst_id == analyst_id)
    ).all()
    # A list of pairs: dict() of the Result itself would treat it as a mapping (it has keys()).
    return dict(rows)


def clear_drafts(session: Session, call_id: int, analyst_id: int | None, fields: Iterable[str]) -> None:
    """The fields were committed to the call: their drafts go."""
    names = [field[:MAX_FIELD] for field in fields]
    if analyst_id is None or not names:
        return
    session.exec(  # type: ignore[call-overload]
        delete(CallDraft).where(
            col(CallDraft.call_id) == call_id, col(CallDraft.analyst_id) == analyst_id, col(CallDraft.field).in_(names)
        )
    )
