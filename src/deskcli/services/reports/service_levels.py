"""SLA compliance: response and resolution targets met, in business time, as the SLA clock counts it."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from deskcli.core.enums import OPEN_STATUSES
from deskcli.services.reports.business import RunningCalendar, running_calendar
from deskcli.services.reports.common import Counts, Figure, ReportContext, count, share
from deskcli.services.reports.sqlbits import DIMENSIONS, REPORT_WHERE, Dialect, Window, dialect_of, rows
from deskcli.services.rules.policy import SlaPolicy
from deskcli.services.timekeeping.sla import pauses_from_events
from deskcli.store import rawsql

key = "sla"
title = "Service levels (SLA)"
definition = (
    "Response and resolution apart, each achieved / (achieved + breached) among the targets completed in the "
    "period, judged exactly as the SLA clock does: business hours of the office (DST changes, public "
    "holidays and closed days accounted for; 24x7 for priorities on a 24x7 clock), less the time paused "
    "(waiting on the customer, awaiting confirmation, closed before a reopen). Response: the calls opened in "
    "the period, met when first acknowledged (or, unacknowledged, closed) no later than the response time, "
    "breached when that came later or the time has run out unanswered (calls still within it are left out). "
    "Resolution: each close in the period, met when the time used is less than the resolution time. The "
    "call's priority is its priority at the close. "
    "Open and overdue now: calls still open whose resolution time has run out, or still unacknowledged "
    "past their response time, at the moment of the report."
)

WAITING_BATCH = 500
"""Calls whose clock paused, judged this many at a time (their clock events read together)."""

NOW_SEGMENT = -1
"""The counts about the moment of the report (open and overdue now), outside the periods."""


@dataclass(frozen=True)
class Clock:
    """One status change or wait on the customer, as the SLA clock reads it."""

    kind: str
    payload: dict[str, Any]
    at: datetime


def sql(window: Window, by: str | None, dialect: Dialect, pause_statuses: list[str]) -> tuple[str, str]:
    """The calls completing a target in the window (one row each), and the clock events of those that pause."""
    moved_from, moved_to = dialect.json("ev.payload", "from"), dialect.json("ev.payload", "to")
    # Only these change the clock before a close: waits, pause statuses and reopens. A
    # call without any (most calls) needs no clock events at all.
    paused = ", ".join(f"'{status}'" for status in pause_statuses) or "''"
    pausing = (
        f"ev.kind IN ('sla_paused', 'sla_resumed') OR (ev.kind = 'status_changed' AND "
        f"({moved_from} IN ({paused}) OR {moved_to} IN ({paused}) OR {moved_from} = 'closed'))"
    )
    # The calls closed in the window (their resolution) and the calls opened in it (their response).
    calls = f"""
WITH cand AS (
  SELECT call_id FROM call_event
  WHERE {REPORT_WHERE} AND kind = 'closed' AND at >= :lo AND at < :hi
  UNION
  SELECT id FROM call WHERE opened_at >= :lo AND opened_at < :hi
)
SELECT call.id, call.priority, {dialect.epoch('call.opened_at')}, {DIMENSIONS[by]},
  min(CASE WHEN ev.kind = 'acknowledged' THEN {dialect.epoch('ev.at')} END),
  group_concat(CASE WHEN ev.kind = 'closed' THEN {dialect.epoch('ev.at')} END),
  sum(CASE WHEN {pausing} THEN 1 ELSE 0 END)
FROM cand CROSS JOIN call ON call.id = cand.call_id
  LEFT JOIN call_event ev ON ev.call_id = cand.call_id
    AND ev.kind IN ('acknowledged', 'closed', 'status_changed', 'sla_paused', 'sla_resumed')
GROUP BY call.id
"""
    clock = f"""
SELECT ev.call_id, ev.kind, {moved_from}, {moved_to}, {dialect.epoch('ev.at')}
FROM call_event ev
WHERE ev.call_id IN (SELECT value FROM json_each(:ids)) AND ev.kind IN ('status_changed', 'sla_paused', 'sla_resumed')
ORDER BY ev.call_id, ev.id
"""
    return calls, clock


def _clock_sql_portable(dialect: Dialect, count_ids: int) -> str:
    marks = ", ".join(f":id{n}" for n in range(count_ids))
    return (
        f"SELECT ev.call_id, ev.kind, {dialect.json('ev.payload', 'from')}, {dialect.json('ev.payload', 'to')}, "
        f"{dialect.epoch('ev.at')} FROM call_event ev WHERE ev.call_id IN ({marks}) "
        "AND ev.kind IN ('status_changed', 'sla_paused', 'sla_resumed') ORDER BY ev.call_id, ev.id"
    )


class Judge:
    """Response and resolution of one call, with the office's calendars laid out for the report's span.

    Business time never runs faster than the clock, so a call answered (or closed) within
    its target's length in plain seconds met it, whatever the calendar says: most calls
    are judged by one subtraction.
    """

    def __init__(self, policy: SlaPolicy, context: ReportContext, first: datetime, last: datetime) -> None:
        self.policy = policy
        self.business = running_calendar(context.calendar, first, last)
        self.always = RunningCalendar(context.calendar, first, last, always_open=True)
        self._rules: dict[int | None, tuple[RunningCalendar, float, float]] = {}

    def rule(self, priority: int | None) -> tuple[RunningCalendar, float, float]:
        """The calendar, response seconds and resolution seconds of a priority."""
        found = self._rules.get(priority)
        if found is None:
            target = self.policy.target(priority)
            calendar = self.always if target.clock == "24x7" else self.business
            found = self._rules[priority] = (calendar, target.response_minutes * 60.0, target.resolution_minutes * 60.0)
        return found

    def response(
        self, priority: int | None, opened: float, ack: float | None, first_close: float | None, now: float
    ) -> tuple[float | None, bool]:
        """``(completed at, met)`` of the response target; ``completed at`` is ``None`` while it is still running.

        Met when the acknowledgement (or, without one, the close) is no later than the
        due time, as the SLA clock says; still running, "met" means not yet overdue.
        """
        calendar, response_seconds, _ = self.rule(priority)
        moment = ack if ack is not None else first_close
        if moment is not None and moment - opened <= response_seconds:
            return moment, True
        due = calendar.add(opened, response_seconds)
        if moment is not None:
            return moment, moment <= due
        return None, now <= due

    def used(self, priority: int | None, opened: float, end: float, pauses: list[tuple[float, float | None]]) -> float:
        """Business seconds used from opening to ``end``, less the pauses."""
        calendar = self.rule(priority)[0]
        total = calendar.between(opened, end)
        for start, stop in pauses:
            total -= calendar.between(max(start, opened), min(stop if stop is not None else end, end))
        return max(0.0, total)

    def resolution_met(self, priority: int | None, opened: float, end: float, pauses: list[tuple[float, float | None]]) -> bool:
        """Met when the time used at ``end`` is less than the resolution time (the SLA clock's rule)."""
        limit = self.rule(priority)[2]
        if end - opened < limit:
            return True
        return self.used(priority, opened, end, pauses) < limit


def _pauses(events: list[tuple[str, str | None, str | None, float]], pause_statuses: list[str]) -> list[tuple[float, float | None]]:
    """Pause intervals (epoch seconds) from a call's clock events, by the SLA clock's own reading of them."""
    timeline = [
        Clock(kind, {"from": moved_from, "to": moved_to}, datetime.fromtimestamp(at, UTC))
        for kind, moved_from, moved_to, at in events
    ]
    return [
        (start.timestamp(), stop.timestamp() if stop is not None else None)
        # pauses_from_events reads only kind, payload and at, which a Clock has; its signature
        # names CallEvent (a full model row, too costly to build per event here).
        for start, stop in pauses_from_events(timeline, pause_statuses)  # type: ignore[arg-type]
    ]


def collect(session: Session, window: Window, by: str | None, context: ReportContext) -> Counts:
    """Targets completed per segment and group, met or breached; and open calls overdue now."""
    connection = session.connection()
    dialect = dialect_of(connection)
    policy = context.policies.sla
    pause_statuses = list(policy.pause_statuses)
    calls_sql, clock_sql = sql(window, by, dialect, pause_statuses)
    params = window.params(dialect)
    open_rows = _open_rows(connection, dialect, by)
    # Laid out (lazily) from the oldest call on record: calls closed in the window may
    # have been opened long before it.
    oldest = rows(connection, f"SELECT min({dialect.epoch('opened_at')}) FROM call", {})[0][0]
    first = datetime.fromtimestamp(oldest, UTC) if oldest is not None else window.start
    judge = Judge(policy, context, min(first, window.start), max(window.end, context.now) + timedelta(days=30))
    epochs = window.epochs()
    low, high = epochs[0], epochs[-1]
    now = context.now.timestamp()
    # One tight loop over thousands of calls, streamed (a month of a big desk is never held
    # at once): local names, plain lists, counts added at the end. The few calls whose clock
    # paused wait until their clock events are read.
    tallies: dict[tuple[int, object], list[int]] = {}
    response, resolution_met = judge.response, judge.resolution_met
    waiting: list[tuple[Any, ...]] = []

    def judge_call(
        call_id: int, priority: int | None, opened: float, group: object, ack: float | None, closes_text: str | None,
        *, pauses: list[tuple[float, float | None]],
    ) -> None:
        closes = [float(value) for value in closes_text.split(",")] if closes_text else []
        if len(closes) > 1:
            closes.sort()
        if low <= opened < high:
            completed, met = response(priority, opened, ack, closes[0] if closes else None, now)
            if completed is not None or not met:  # a call still within its response time is not judged yet
                key = (bisect_right(epochs, opened) - 1, group)
                tally = tallies.get(key) or tallies.setdefault(key, [0, 0, 0, 0])
                tally[0 if met else 1] += 1
        for closed in closes:
            if low <= closed < high:
                key = (bisect_right(epochs, closed) - 1, group)
                tally = tallies.get(key) or tallies.setdefault(key, [0, 0, 0, 0])
                tally[2 if resolution_met(priority, opened, closed, pauses) else 3] += 1

    def judge_waiting() -> None:
        """Read the clock events of the calls put aside, judge them, and let them go."""
        ids = [row[0] for row in waiting]
        if dialect.name == "sqlite":
            clock_rows = rows(connection, clock_sql, {"ids": json.dumps(ids)})
        else:
            clock_rows = rows(connection, _clock_sql_portable(dialect, len(ids)), {f"id{n}": i for n, i in enumerate(ids)})
        clocks: dict[int, list[tuple[str, str | None, str | None, float]]] = {}
        for call_id, kind, moved_from, moved_to, at in clock_rows:
            clocks.setdefault(call_id, []).append((kind, moved_from, moved_to, at))
        for row in waiting:
            judge_call(*row[:6], pauses=_pauses(clocks.get(row[0], []), pause_statuses))
        waiting.clear()

    for row in rawsql.stream(connection, calls_sql, params):
        if not row[6]:
            judge_call(*row[:6], pauses=[])
            continue
        waiting.append(row)
        if len(waiting) >= WAITING_BATCH:
            judge_waiting()
    if waiting:
        judge_waiting()
    found = Counts()
    for (segment, group), (r_met, r_breached, met, breached) in tallies.items():
        found.add(segment, group, response_met=r_met, response_breached=r_breached,
                  resolution_met=met, resolution_breached=breached)
    _overdue_now(connection, dialect, open_rows, judge, found, pause_statuses, now)
    return found


def open_sql(dialect: Dialect, by: str | None) -> str:
    """The calls open now, with their first acknowledgement."""
    statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    return f"""
SELECT call.id, call.priority, {dialect.epoch('call.opened_at')}, {DIMENSIONS[by]},
  (SELECT min({dialect.epoch('ev.at')}) FROM call_event ev WHERE ev.call_id = call.id AND ev.kind = 'acknowledged')
FROM call WHERE call.status IN ({statuses})
"""


def clock_sql(dialect: Dialect, count_ids: int) -> str:
    """The clock events of ``count_ids`` calls (parameters ``:id0`` …)."""
    return _clock_sql_portable(dialect, count_ids)


def _open_rows(connection: Connection, dialect: Dialect, by: str | None) -> list[tuple[Any, ...]]:
    return rows(connection, open_sql(dialect, by), {})


def _overdue_now(
    connection: Connection, dialect: Dialect, open_rows: list[tuple[Any, ...]], judge: Judge, found: Counts,
    pause_statuses: list[str], now: float,
) -> None:
    """Open calls whose resolution time has run out now, or that wait for a response past its time."""
    if not open_rows:
        return
    ids = [row[0] for row in open_rows]
    clocks: dict[int, list[tuple[str, str | None, str | None, float]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for call_id, kind, moved_from, moved_to, at in rows(
            connection, _clock_sql_portable(dialect, len(chunk)), {f"id{n}": i for n, i in enumerate(chunk)}
        ):
            clocks.setdefault(call_id, []).append((kind, moved_from, moved_to, at))
    for call_id, priority, opened, group, ack in open_rows:
        pauses = _pauses(clocks.get(call_id, []), pause_statuses)
        late_resolution = not judge.resolution_met(priority, opened, now, pauses)
        _completed, responded_in_time = judge.response(priority, opened, ack, None, now)
        late_response = ack is None and not responded_in_time
        found.add(NOW_SEGMENT, group, open_now=1, overdue_now=1 if late_resolution else 0,
                  response_overdue_now=1 if late_response else 0)


def figures(sums: dict[str, float]) -> list[Figure]:
    """Response and resolution compliance, and what is overdue now."""
    response_met, response_breached = sums.get("response_met", 0), sums.get("response_breached", 0)
    resolution_met, resolution_breached = sums.get("resolution_met", 0), sums.get("resolution_breached", 0)
    return [
        share("resolution", "resolution within target", resolution_met, resolution_met + resolution_breached),
        share("response", "response within target", response_met, response_met + response_breached),
        count("resolution_breached", "resolution targets breached", resolution_breached),
        count("response_breached", "response targets breached", response_breached),
        count("overdue_now", "open now and past the resolution time", sums.get("overdue_now", 0)),
        count("response_overdue_now", "open now, unacknowledged past the response time", sums.get("response_overdue_now", 0)),
    ]
