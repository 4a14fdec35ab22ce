"""The relationship follow-up call scheduled at close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskcli.services.rules.policy import FollowUpPolicy


def default_follow_up(now: datetime, zone: ZoneInfo, policy: FollowUpPolicy) -> datetime:
    """``business_days_after`` weekdays from today at the policy time, local, as UTC.

    Weekends are skipped; office holidays join when the SLA calendar does.
    """
    day = now.astimezone(zone).date()
    remaining = policy.business_days_after
    while True:
        while remaining > 0 or day.weekday() >= 5:
            day += timedelta(days=1)
            if day.weekday() < 5:
                remaining -= 1
        # A time skipped by a DST change moves forward by the gap, as a wall clock would.
        moment = datetime.combine(day, policy.at, tzinfo=zone).astimezone(UTC)
        if moment > now:
            return moment
        remaining = 1  # "today" has already passed that time: the next business day
