"""Promises coming due while deskcli runs: announce each one ahead of time, and again
when it is due. Overdue promises stay counted until they are settled.

A few at a time are announced one by one. When many fall due at once - deskcli was
closed over lunch, or a colleague's promises were handed over - one announcement
names how many and the oldest: a stack of pop-ups the analyst cannot read in a live
call would hide the one that matters. The follow-up list shows them all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from deskcli.services.desk.queue import PromiseRow


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


MOST_ONE_BY_ONE = 3
"""More announcements than this of one kind, in one check, are grouped into one."""


@dataclass(frozen=True)
class ReminderGroup:
    """Many promises of one phase announced together."""

    phase: str
    promises: tuple[PromiseRow, ...]
    """Soonest (most overdue) first."""


def grouped(found: list[Reminder], most: int = MOST_ONE_BY_ONE) -> list[Reminder | ReminderGroup]:
    """``found`` as announcements: one each while there are at most ``most`` of a phase, else one group."""
    result: list[Reminder | ReminderGroup] = []
    for phase in ("due", "soon"):
        of_phase = [reminder for reminder in found if reminder.phase == phase]
        if len(of_phase) > most:
            ordered = sorted((reminder.promise for reminder in of_phase), key=lambda promise: promise.due_at)
            result.append(ReminderGroup(phase, tuple(ordered)))
        else:
            result.extend(of_phase)
    return result


@dataclass(frozen=True)
class Notice:
    """What the console pops up for one announcement."""

    title: str
    message: str
    severity: Literal["warning", "error"]
    timeout: float
    """Seconds on screen."""


def notices(found: list[Reminder], due_total: int, zone: ZoneInfo, now: datetime) -> list[Notice]:
    """The pop-ups for these reminders: one each, or one per crowd (see :func:`grouped`).

    ``due_total`` is how many promises are due or overdue in all (the rows checked are
    capped; the count of a crowd of due promises is not).
    """
    from deskcli.core.timefmt import when

    result = []
    for announcement in grouped(found):
        if isinstance(announcement, ReminderGroup):
            first = announcement.promises[0]
            due = announcement.phase == "due"
            count = max(due_total, len(announcement.promises)) if due else len(announcement.promises)
            result.append(Notice(
                "Promises DUE now" if due else "Promises coming up",
                f"{count} promises {'due or overdue' if due else 'coming up'}; the first: {first.reference} "
                f"{first.customer}: {_what(first)} - {when(first.due_at, zone, now)}. F6 (or f on the queue) lists them all.",
                "error" if due else "warning",
                20,
            ))
        elif announcement.phase == "due":
            row = announcement.promise
            result.append(Notice(
                "Promise DUE now", f"{row.reference} {row.customer}: {_what(row)} - due {when(row.due_at, zone, now)}", "error", 15
            ))
        else:
            row = announcement.promise
            result.append(Notice(
                "Promise coming up", f"{row.reference} {row.customer}: {_what(row)} at {when(row.due_at, zone, now)}", "warning", 10
            ))
    return result


def _what(row: PromiseRow) -> str:
    """The promise in words, with the number to ring when it has one."""
    what = row.description or row.kind.replace("_", " ")
    return f"{what} (ring {row.contact_number})" if row.contact_number else what
