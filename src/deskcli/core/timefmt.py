"""Showing UTC times in the office's local time, the way an analyst reads them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` (aware) in the office zone."""
    return moment.astimezone(zone)


def when(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """Short local time: ``14:05`` today, ``Tue 14:05`` this week, else ``12 Mar 14:05``."""
    here = local(moment, zone)
    today = local(now, zone).date()
    if here.date() == today:
        return here.strftime("%H:%M")
    if abs((here.date() - today).days) < 7:
        return here.strftime("%a %H:%M")
    return here.strftime("%d %b %Y %H:%M") if here.year != today.year else here.strftime("%d %b %H:%M")


def spoken(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """A time to tell a caller: ``today at 14:05``, ``tomorrow at 10:00``, ``Friday 3 April at 09:30``."""
    here = local(moment, zone)
    days = (here.date() - local(now, zone).date()).days
    at = here.strftime("%H:%M")
    if days == 0:
        return f"today at {at}"
    if days == 1:
        return f"tomorrow at {at}"
    return f"{here:%A} {here.day} {here:%B} at {at}"


def duration(delta: timedelta) -> str:
    """``4:05`` for four minutes five seconds; ``1:02:03`` past an hour; ``-`` signs kept."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def relative(moment: datetime, now: datetime) -> str:
    """``in 25 min``, ``3 h ago``, ``in 2 d`` …"""
    seconds = (moment - now).total_seconds()
    future = seconds >= 0
    seconds = abs(seconds)
    if seconds < 60:
        text = "now" if seconds < 30 else "1 min"
    elif seconds < 3600:
        text = f"{int(seconds // 60)} min"
    elif seconds < 86400:
        text = f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"
    else:
        text = f"{int(seconds // 86400)} d"
    if text == "now":
        return text
    return f"in {text}" if future else f"{text} ago"
