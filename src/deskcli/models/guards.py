"""ORM-level guard: call events are append-only.

The migration also installs database triggers on SQLite; this hook catches mistakes
earlier, with a clearer message, on every dialect.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from deskcli.models.event import CallEvent


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a call event."""


def _refuse(action: str):
    def listener(mapper: Any, connection: Any, target: CallEvent) -> None:
        raise AppendOnlyError(f"call events are append-only: refusing to {action} event {target.id}")

    return listener


event.listen(CallEvent, "before_update", _refuse("update"))
event.listen(CallEvent, "before_delete", _refuse("delete"))
