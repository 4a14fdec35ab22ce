"""The greeting read aloud when the call is answered (seed: "The Greeting")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskcli.services.rules.greeting_policy import GreetingPolicy, fill_template


def time_of_day(moment: datetime, zone: ZoneInfo, policy: GreetingPolicy) -> str:
    """``morning``, ``afternoon`` or ``evening`` at ``moment`` in the office zone."""
    local = moment.astimezone(zone).time()
    if local >= policy.evening_from:
        return "evening"
    if local >= policy.afternoon_from:
        return "afternoon"
    return "morning"


def render(
    policy: GreetingPolicy,
    moment: datetime,
    zone: ZoneInfo,
    *,
    analyst_name: str,
    department: str,
    organisation: str = "",
    template: str | None = None,
) -> str:
    """The greeting line: "Good afternoon, Ann Jones, Help Desk. How may I help you today?"."""
    # Both templates were checked by rendering them once (GreetingPolicy, Settings).
    return fill_template(
        template or policy.template,
        time_of_day=time_of_day(moment, zone, policy),
        analyst_name=analyst_name,
        department=department,
        organisation=organisation,
    )
