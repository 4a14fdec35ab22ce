"""Elevation from any stage after the greeting: raise the call's priority by hand, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from deskcli.core.timefmt import when
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import elevation
from deskcli.services.rules.policy import Policies
from deskcli.services.rules.priority import PRIORITY_NAMES
from deskcli.services.timekeeping import sla

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from deskcli.services.timekeeping.business_time import BusinessCalendar
    from deskcli.store.db import Store


@dataclass(frozen=True)
class Elevated:
    """A call whose priority was raised, with its new SLA target."""

    reference: str
    priority: int
    sla_target: str
    """``resolve by 16:00 (4h 00m target)``, in the office's time."""

    def message(self) -> str:
        """A sentence for the analyst."""
        return f"{self.reference} raised to {PRIORITY_NAMES[self.priority]}: {self.sla_target}."


def priority_now(current: int | None, policies: Policies) -> tuple[int, str]:
    """The priority now (the SLA default while none is set) and how to say it."""
    now = current if current is not None else policies.sla.default_priority
    said = PRIORITY_NAMES[now] + (" (assumed: not assessed yet)" if current is None else "")
    return now, said


def elevate(
    store: Store, actor: Actor, call_id: int, *, priority: int, reason: str, policies: Policies,
    zone: ZoneInfo, calendar: BusinessCalendar | None = None,
) -> Elevated:
    """Raise the priority (refused unless it is higher than now) and say the SLA it now has."""
    with store.write() as session:
        call = elevation.elevate(
            session, call_id, actor, priority=priority, reason=reason, default_priority=policies.sla.default_priority
        )
        now = actor.now()
        state = sla.state_of(call, sla.clock_events(session, [call_id])[call_id], now, policies.sla, zone, calendar)
    hours, minutes = divmod(int(state.target.total_seconds() // 60), 60)
    target = f"{hours}h {minutes:02d}m target"
    if state.due_at is not None:
        said = f"resolve by {when(state.due_at, zone, now)} ({target}, {state.clock} clock)"
    else:
        said = f"{target} ({state.label()})"
    return Elevated(call.reference, priority, said)
