"""Call-backs: when to propose one, and the words that tell the caller when and on which number.

Seed 003: "Ask them if they'd prefer a call-back instead of waiting on hold" and "If
you know the center has a 24-hour call back policy, let them know that they can
expect a call back within 24 hours. Or, if you know that your manager will call the
customer right after lunch, give the customer a more specific time frame." The
office's policy (``[call_back]`` in ``call_handling.toml``) gives the usual time frame;
the analyst may always give a more specific one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskcli.core.templates import fill_template
from deskcli.core.timefmt import spoken
from deskcli.services.rules.call_back_policy import CallBackPolicy
from deskcli.services.timekeeping.business_time import BusinessCalendar, OutOfReach


def propose_time(now: datetime, policy: CallBackPolicy, calendar: BusinessCalendar) -> datetime | None:
    """When to offer the call-back: ``within_hours`` from ``now`` on the clock, while the desk is open.

    The hours are the ones the caller is told ("within 24 hours"), so they count on the
    clock; but nobody rings from a closed desk, so a moment when the desk is closed
    becomes the last moment it is open before then, or - when it is closed all that
    time (a Friday evening call) - its next opening. To the minute; ``None`` when the
    policy proposes nothing.
    """
    if policy.within_hours is None:
        return None
    deadline = (now + timedelta(hours=policy.within_hours)).replace(second=0, microsecond=0)
    if calendar.is_open(deadline):
        return deadline
    first = now.astimezone(calendar.zone).date() - timedelta(days=1)
    last = deadline.astimezone(calendar.zone).date()
    ends = [end for start, end in calendar.open_intervals(first, last) if start < deadline and end > now]
    if ends:
        return min(max(ends), deadline)
    try:
        return calendar.add(now, 0)  # the next opening
    except OutOfReach:
        return deadline


def words(template: str, *, due: datetime | None, number: str, zone: ZoneInfo, now: datetime) -> str:
    """The call-back words with the time and the number filled in ("" until a time is given)."""
    if due is None:
        return ""
    return fill_template(template, time=spoken(due, zone, now), number=" ".join(number.split()) or "your number")
