"""The relationship follow-up call scheduled at close.

Seed 000: "A relationship building follow-up call is often regarded normal practice,
and is beginning to be expected by the customers". The call is booked on a day the
desk is open - the office's SLA calendar decides which days those are: its weekly
hours (a weekday with no hours is a closed day), public holidays and the office's
own closed days - so nobody is booked to ring a customer on Good Friday or on a
Christmas Eve the office has closed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskcli.services.rules.policy import FollowUpPolicy
from deskcli.services.timekeeping.business_time import MAX_DAYS, BusinessCalendar


def default_follow_up(now: datetime, zone: ZoneInfo, policy: FollowUpPolicy, calendar: BusinessCalendar) -> datetime | None:
    """``business_days_after`` business days of ``calendar`` from today, at the policy time (local), as UTC.

    With 0 days it is today when today is a business day and the time is still ahead;
    otherwise the next business day. ``None`` when the calendar has no business day
    within :data:`MAX_DAYS` (closures listed for years ahead): nothing is proposed and
    the analyst says when.
    """
    day = now.astimezone(zone).date()
    remaining = policy.business_days_after
    for _ in range(MAX_DAYS):
        if remaining <= 0 and calendar.is_business_day(day):
            # A time skipped by a DST change moves forward by the gap, as a wall clock would.
            moment = datetime.combine(day, policy.at, tzinfo=zone).astimezone(UTC)
            if moment > now:
                return moment
            remaining = 1  # "today" has already passed that time: the next business day
        day += timedelta(days=1)
        if calendar.is_business_day(day):
            remaining -= 1
    return None
