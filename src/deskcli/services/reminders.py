"""Promises coming due while deskcli runs: announce each one ahead of time, and again
when it is due. Overdue promises stay counted until they are settled."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from deskcli.services.queue import PromiseRow


@dataclass(frozen=True)
class Reminder:
    """One announcement to make."""

    promise: PromiseRow
    phase: str
    """``soon`` (due within the notice period) or ``due`` (due now or overdue)."""


def reminders(rows: Iterable[PromiseRow], now: datetime, ahead: timedelta, announced: set[tuple[int, str]]) -> list[Reminder]:
    """The announcements not made yet for these pending promises (``announced`` is updated)."""
    result = []
    for row in rows:
        if row.due_at <= now:
            phase = "due"
        elif row.due_at <= now + ahead:
            phase = "soon"
        else:
            continue
        if (row.id, phase) in announced:
            continue
        announced.add((row.id, phase))
        if phase == "soon" and (row.id, "due") in announced:
            continue
        result.append(Reminder(row, phase))
    return result


def due_count(rows: Iterable[PromiseRow], now: datetime) -> int:
    """How many of these promises are due or overdue."""
    return sum(1 for row in rows if row.due_at <= now)
