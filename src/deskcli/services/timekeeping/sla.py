"""SLA clocks: how much of the response and resolution time is left on a call.

Time counts in business hours (or 24x7, per priority) from when the call was opened,
less the pauses: periods in a pause status (awaiting the customer's confirmation)
and periods the analyst marked as waiting on the customer. Both are read from the
call's timeline, so the clock can be recomputed for any moment, and changing the
priority re-targets without losing time already spent or paused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, CallStatus, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import events
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.rules.sla_policy import SlaPolicy
from deskcli.services.timekeeping.business_time import BusinessCalendar, OutOfReach, seconds_excluding

Pause = tuple[datetime, datetime | None]

_CLOCK_EVENTS = (EventKind.STATUS_CHANGED, EventKind.SLA_PAUSED, EventKind.SLA_RESUMED, EventKind.IMPORTED)


def _imported_pause(event: CallEvent) -> datetime | None:
    """When an imported open call's clock stopped: it was opened in another desk, so that
    time does not count (``deskcli import calls``); ``None`` for any other event."""
    if event.kind != EventKind.IMPORTED:
        return None
    since = (event.payload or {}).get("sla_paused_since")
    if not since:
        return None
    moment = datetime.fromisoformat(since)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=event.at.tzinfo)


def pauses_from_events(timeline: Iterable[CallEvent], pause_statuses: Sequence[str]) -> list[Pause]:
    """Pause intervals from a call's events (oldest first): pause statuses and manual waits."""
    intervals: list[Pause] = []
    status_since: datetime | None = None
    manual_since: datetime | None = None
    # A closed call's clock stops; if it is reopened, the time it spent closed does not count.
    stopping = {*pause_statuses, CallStatus.CLOSED.value}
    for event in timeline:
        if event.kind == EventKind.STATUS_CHANGED:
            entering = event.payload.get("to") in stopping
            leaving = event.payload.get("from") in stopping
            if leaving and status_since is not None:
                intervals.append((status_since, event.at))
                status_since = None
            if entering and status_since is None:
                status_since = event.at
        elif event.kind == EventKind.SLA_PAUSED and manual_since is None:
            manual_since = event.at
        elif (imported := _imported_pause(event)) is not None and manual_since is None:
            manual_since = imported
        elif event.kind == EventKind.SLA_RESUMED and manual_since is not None:
            intervals.append((manual_since, event.at))
            manual_since = None
    for since in (status_since, manual_since):
        if since is not None:
            intervals.append((since, None))
    return _merged(intervals)


def _merged(intervals: list[Pause]) -> list[Pause]:
    """Overlapping pauses (a manual wait during a pause status) counted once."""
    far = datetime.max.replace(tzinfo=intervals[0][0].tzinfo) if intervals else None
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals, key=lambda pair: pair[0]):
        stop = end or far
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)  # type: ignore[arg-type]
        else:
            merged.append([start, stop])  # type: ignore[list-item]
    return [(start, None if end == far else end) for start, end in merged]


@dataclass(frozen=True)
class SlaState:
    """The SLA of one call at one moment."""

    priority: int
    priority_assumed: bool
    """True while the priority is the policy default (not yet assessed)."""
    clock: str
    target: timedelta
    used: timedelta
    remaining: timedelta
    paused: bool
    warning: bool
    breached: bool
    due_at: datetime | None
    """When the resolution time runs out if nothing pauses it; ``None`` while paused (or out of
    the calendar's reach)."""
    response_due_at: datetime | None
    """When the response is due; ``None`` when the calendar has no opening hours in reach."""
    responded: bool
    response_breached: bool
    stopped: bool
    """The call is closed: the clock no longer runs."""
    response_target: timedelta = timedelta(0)
    """How long the desk has to respond (acknowledge the call to the customer)."""
    response_used: timedelta = timedelta(0)
    """Counted time from opening to the response (to now while there is none)."""
    response_warning: bool = False
    """No response yet and the warning share of the response time is used (not yet late)."""

    @property
    def response_remaining(self) -> timedelta:
        """Response time left (negative once late)."""
        return self.response_target - self.response_used

    @property
    def awaiting_response(self) -> bool:
        """The call is open and has not been responded to: the response target is the one that counts now."""
        return not self.responded and not self.stopped

    def label(self) -> str:
        """``2h 10m left``, ``WARNING 35m left``, ``BREACHED 1h 05m over``, ``paused, …``."""
        if self.stopped:
            return "met" if not self.breached else "missed"
        if self.paused:
            return f"paused, {short_duration(self.remaining)} left"
        if self.breached:
            return f"BREACHED {short_duration(-self.remaining)} over"
        prefix = "WARNING " if self.warning else ""
        return f"{prefix}{short_duration(self.remaining)} left"


def short_duration(delta: timedelta) -> str:
    """``45m``, ``2h 05m``, ``3d 4h``: a countdown's length (negative reads as 0)."""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(max(0, minutes), 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def state(
    *,
    opened_at: datetime,
    priority: int | None,
    acknowledged_at: datetime | None,
    closed_at: datetime | None,
    pauses: Sequence[Pause],
    now: datetime,
    policy: SlaPolicy,
    zone: ZoneInfo,
    calendar: BusinessCalendar | None = None,
) -> SlaState:
    """The SLA at ``now`` for a call with these facts (pure: no database)."""
    target = policy.target(priority)
    business = calendar or policy.calendar(zone)
    counting = BusinessCalendar.always_open(zone) if target.clock == "24x7" else business
    end = min(now, closed_at) if closed_at else now
    used = timedelta(seconds=seconds_excluding(counting, opened_at, end, pauses))
    limit = timedelta(minutes=target.resolution_minutes)
    remaining = limit - used
    # A closed call's clock has stopped rather than paused.
    paused = closed_at is None and any(start <= end and (stop is None or stop > end) for start, stop in pauses)
    due_at = None if paused or closed_at else _due(counting, now, max(0.0, remaining.total_seconds()))
    response_due = _due(counting, opened_at, target.response_minutes * 60)
    responded_at = acknowledged_at
    # The response clock runs from opening to the response and no pause is taken off:
    # the due time above is counted that way too (and reports judge a late response by it).
    response_limit = timedelta(minutes=target.response_minutes)
    response_used = timedelta(seconds=counting.seconds_between(opened_at, min(end, responded_at) if responded_at else end))
    response_breached = response_due is not None and (responded_at or end) > response_due
    return SlaState(
        priority=target.priority,
        priority_assumed=priority is None,
        clock=target.clock,
        target=limit,
        used=used,
        remaining=remaining,
        paused=paused,
        warning=used >= limit * (policy.warning_percent / 100) and remaining > timedelta(0),
        breached=remaining <= timedelta(0),
        due_at=due_at,
        response_due_at=response_due,
        responded=responded_at is not None,
        response_breached=response_breached,
        stopped=closed_at is not None,
        response_target=response_limit,
        response_used=response_used,
        response_warning=(
            responded_at is None and not response_breached
            and response_used >= response_limit * (policy.warning_percent / 100)
        ),
    )


def _due(calendar: BusinessCalendar, start: datetime, seconds: float) -> datetime | None:
    """``seconds`` of counted time after ``start``; ``None`` when the calendar cannot reach it.

    The SLA policy check keeps every target within reach; office closures added in a
    way the check cannot foresee (years of closed days) leave the clock without a due
    time instead of stopping the queue.
    """
    try:
        return calendar.add(start, seconds)
    except OutOfReach:
        return None


def clock_events(session: Session, call_ids: Sequence[int]) -> dict[int, list[CallEvent]]:
    """The events the SLA clock reads, per call (one indexed query for many calls)."""
    found: dict[int, list[CallEvent]] = defaultdict(list)
    if not call_ids:
        return found
    rows = session.exec(
        select(CallEvent)
        .where(col(CallEvent.call_id).in_(list(call_ids)), col(CallEvent.kind).in_(_CLOCK_EVENTS))
        .order_by(col(CallEvent.id))
    )
    for event in rows:
        found[event.call_id].append(event)
    return found


def state_of(call: Call, clock_timeline: Iterable[CallEvent], now: datetime, policy: SlaPolicy, zone: ZoneInfo, calendar: BusinessCalendar | None = None) -> SlaState:
    """The SLA of a loaded call, given its clock events."""
    return state(
        opened_at=call.opened_at,
        priority=call.priority,
        acknowledged_at=call.acknowledged_at,
        closed_at=call.closed_at,
        pauses=pauses_from_events(clock_timeline, policy.pause_statuses),
        now=now,
        policy=policy,
        zone=zone,
        calendar=calendar,
    )


def for_call(session: Session, call_id: int, now: datetime, policy: SlaPolicy, zone: ZoneInfo) -> SlaState:
    """The SLA of one call now."""
    call = get_call(session, call_id)
    return state_of(call, clock_events(session, [call_id])[call_id], now, policy, zone)


def is_waiting(timeline: Iterable[CallEvent]) -> bool:
    """True while the clock is stopped as waiting on the customer (or an imported open call's
    clock has not been started yet)."""
    waiting = False
    for event in timeline:
        if event.kind == EventKind.SLA_PAUSED or _imported_pause(event) is not None:
            waiting = True
        elif event.kind == EventKind.SLA_RESUMED:
            waiting = False
    return waiting


def wait_on_customer(session: Session, call_id: int, by: Actor, *, reason: str) -> Call:
    """Stop the clock: the desk is waiting on the customer (the reason is required)."""
    call = get_call(session, call_id)
    if call.status == CallStatus.CLOSED:
        raise RuleViolation(f"{call.reference} is closed: its clock has already stopped.")
    if not reason.strip():
        raise RuleViolation("reason: say what the desk is waiting for from the customer (required).")
    if is_waiting(clock_events(session, [call_id])[call_id]):
        raise RuleViolation(f"{call.reference} is already waiting on the customer.")
    events.record(session, call, EventKind.SLA_PAUSED, by, reason=reason.strip())
    return call


def resume(session: Session, call_id: int, by: Actor, *, note: str = "") -> Call:
    """Start the clock again: the customer has come back."""
    call = get_call(session, call_id)
    if not is_waiting(clock_events(session, [call_id])[call_id]):
        raise RuleViolation(f"{call.reference} is not waiting on the customer.")
    events.record(session, call, EventKind.SLA_RESUMED, by, note=note.strip())
    return call
