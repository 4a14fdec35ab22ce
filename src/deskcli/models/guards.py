"""ORM-level guard: call events are append-only.

The migration also installs database triggers on SQLite; this hook catches mistakes
earlier, with a clearer message, on every dialect.

The one deletion the timeline allows is ``deskcli import undo`` removing the calls of
an import batch with their events (:mod:`deskcli.services.exchange.undo`). It deletes
with a statement carrying the execution option :data:`IMPORT_UNDO` (the batch id);
any other bulk UPDATE or DELETE of call events through a session is refused here,
and on SQLite the trigger refuses it unless that batch is marked undone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from deskcli.models.event import CallEvent

IMPORT_UNDO = "deskcli_import_undo"
"""Execution option naming the import batch whose calls' events a DELETE removes."""


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a call event."""


def _refuse(action: str):
    def listener(mapper: Any, connection: Any, target: CallEvent) -> None:
        raise AppendOnlyError(f"call events are append-only: refusing to {action} event {target.id}")

    return listener


event.listen(CallEvent, "before_update", _refuse("update"))
event.listen(CallEvent, "before_delete", _refuse("delete"))


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
