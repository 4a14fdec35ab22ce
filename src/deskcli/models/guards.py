"""ORM-level guards: call events are append-only, and no control character is stored.

The migration also installs database triggers on SQLite for the first; this hook
catches mistakes earlier, with a clearer message, on every dialect. The second is
the one place every write passes through: whatever a screen, a paste or an import
hands to a service, text columns and JSON payloads are cleaned as they are flushed
(:func:`deskcli.core.text.clean_text`).

The one deletion the timeline allows is ``deskcli import undo`` removing the calls of
an import batch with their events (:mod:`deskcli.services.exchange.undo`). It deletes
with a statement carrying the execution option :data:`IMPORT_UNDO` (the batch id);
any other bulk UPDATE or DELETE of call events through a session is refused here,
and on SQLite the trigger refuses it unless that batch is marked undone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, String, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel import SQLModel

from deskcli.core.text import clean_json, clean_text
from deskcli.models.event import CallEvent

IMPORT_UNDO = "deskcli_import_undo"
"""Execution option naming the import batch whose calls' events a DELETE removes."""


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a call event."""


def _refuse(action: str) -> Callable[[Any, Any, CallEvent], None]:
    def listener(mapper: Any, connection: Any, target: CallEvent) -> None:
        raise AppendOnlyError(f"call events are append-only: refusing to {action} event {target.id}")

    return listener


event.listen(CallEvent, "before_update", _refuse("update"))
event.listen(CallEvent, "before_delete", _refuse("delete"))


_TEXT_COLUMNS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}
"""Per table class: its string columns and its JSON columns (found once)."""


def _columns_of(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = _TEXT_COLUMNS.get(cls)
    if found is None:
        table = getattr(cls, "__table__", None)
        strings: list[str] = []
        documents: list[str] = []
        for column in table.columns if table is not None else ():
            if isinstance(column.type, String):
                strings.append(column.key)
            elif isinstance(column.type, JSON):
                documents.append(column.key)
        found = _TEXT_COLUMNS[cls] = (tuple(strings), tuple(documents))
    return found


@event.listens_for(Session, "before_flush")
def _clean_text_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for target in (*session.new, *session.dirty):
        if not isinstance(target, SQLModel):
            continue
        strings, documents = _columns_of(type(target))
        for name in strings:
            value = getattr(target, name, None)
            if isinstance(value, str) and not value.isprintable():
                cleaned = clean_text(value)
                if cleaned != value:
                    setattr(target, name, cleaned)
        for name in documents:
            value = getattr(target, name, None)
            if value:
                cleaned_document = clean_json(value)
                if cleaned_document != value:
                    setattr(target, name, cleaned_document)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state: ORMExecuteState) -> None:
    """Bulk ``update(CallEvent)`` is refused; bulk ``delete(CallEvent)`` only for an import undo."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not CallEvent:
        return
    if state.is_delete and state.execution_options.get(IMPORT_UNDO) is not None:
        return
    raise AppendOnlyError(
        f"call events are append-only: refusing a bulk {'update' if state.is_update else 'delete'} of events"
    )
