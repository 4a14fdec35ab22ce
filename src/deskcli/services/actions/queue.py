"""The queue an analyst keeps open between calls, and the promises coming due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from deskcli.services.desk import queue
from deskcli.services.desk.queue import CallRow, PromiseRow, RowNotes
from deskcli.services.lifecycle import calls
from deskcli.services.rules.policy import Policies
from deskcli.services.timekeeping.business_time import BusinessCalendar

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from deskcli.store.db import Store

PROMISE_PAGE = 50
"""Promises due today listed on the queue (the counts above the list are of all of them)."""


@dataclass(frozen=True)
class QueuePage:
    """Everything the queue shows, read in one transaction."""

    promises: list[PromiseRow]
    """The first page of promises due by the end of today."""
    due_today: int
    """How many promises are due by the end of today, in all."""
    overdue: int
    """How many of them are overdue, in all."""
    mine: list[CallRow]
    elsewhere: list[CallRow]
    notes: dict[int, RowNotes]
    now: datetime
    live_call_ids: frozenset[int] = frozenset()
    """Calls of this analyst still in conversation (left live by a crash or a new caller)."""


def queue_page(
    store: Store, analyst_id: int, *, now: datetime, zone: ZoneInfo, policies: Policies, calendar: BusinessCalendar
) -> QueuePage:
    """My open calls, the calls I perceive-own elsewhere, and today's promises."""
    local_now = now.astimezone(zone)
    end_of_day = (local_now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    with store.read() as session:
        mine = queue.my_open_calls(session, analyst_id)
        elsewhere = queue.perceived_elsewhere(session, analyst_id)
        notes = queue.annotate(
            session, mine + elsewhere, now=now, sla_policy=policies.sla,
            close_target_days=policies.escalation.close_target_days, zone=zone, calendar=calendar,
        )
        live = frozenset(calls.live_call_ids(session, analyst_id))
        return QueuePage(
            promises=queue.promises_due(session, analyst_id, now=now, until=end_of_day, limit=PROMISE_PAGE),
            due_today=queue.count_promises_due(session, analyst_id, until=end_of_day),
            overdue=queue.count_promises_due(session, analyst_id, until=end_of_day, overdue_at=now),
            mine=mine,
            elsewhere=elsewhere,
            notes=notes,
            now=now,
            live_call_ids=live,
        )


@dataclass(frozen=True)
class DueSoon:
    """Promises coming due (for the reminders) and how many are due now."""

    rows: list[PromiseRow]
    due_now: int


def promises_due_soon(store: Store, analyst_id: int, *, now: datetime, ahead: timedelta) -> DueSoon:
    """Promises due within ``ahead`` (a page, for reminders) and the count due by now."""
    with store.read() as session:
        rows = queue.promises_due(session, analyst_id, now=now, until=now + ahead, limit=200)
        return DueSoon(rows, queue.count_promises_due(session, analyst_id, until=now))


@dataclass(frozen=True)
class DueList:
    """The promises due by a moment (``deskcli due``), and who owes each when listing everyone's."""

    rows: list[PromiseRow]
    owners: dict[int, str]
    """Analyst id → name (only when listing everyone's promises)."""


def due_list(store: Store, analyst_id: int | None, *, now: datetime, until: datetime, limit: int = 10_000) -> DueList:
    """Pending promises due by ``until`` (overdue first): this analyst's, or everyone's for ``None``."""
    from sqlmodel import select

    from deskcli.models import Analyst

    with store.read() as session:
        rows = queue.promises_due(session, analyst_id, now=now, until=until, limit=limit)
        owners = {a.id: a.name for a in session.exec(select(Analyst)) if a.id is not None} if analyst_id is None else {}
    return DueList(rows, owners)
