"""``--period`` for exports: a year, a month, a day, or a range of days, in the office's zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from deskcli.core.errors import DeskError

_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, FROM..TO (days, either end may be left open), today, yesterday, this-month, last-month"


class PeriodError(DeskError):
    """A ``--period`` that cannot be read."""


def _start(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _one(text: str, zone: ZoneInfo, today: date) -> tuple[date, date]:
    """The first day and the day after the last of one period word."""
    word = text.strip().lower()
    if word == "today":
        return today, today + timedelta(days=1)
    if word == "yesterday":
        return today - timedelta(days=1), today
    if word in ("this-month", "last-month"):
        first = today.replace(day=1) - (relativedelta(months=1) if word == "last-month" else relativedelta())
        return first, first + relativedelta(months=1)
    try:
        if re.fullmatch(r"\d{4}", word):
            first = date(int(word), 1, 1)
            return first, first + relativedelta(years=1)
        if re.fullmatch(r"\d{4}-\d{1,2}", word):
            year, month = (int(part) for part in word.split("-"))
            first = date(year, month, 1)
            return first, first + relativedelta(months=1)
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", word):
            first = date(*(int(part) for part in word.split("-")))
            return first, first + timedelta(days=1)
    except ValueError as exc:
        raise PeriodError(f"--period {text!r}: not a real date ({exc}).") from None
    raise PeriodError(f"--period {text!r}: expected {_FORMS}.")


def parse(text: str, zone: ZoneInfo, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The UTC bounds ``[start, end)`` of ``text``; ``None`` for an open end."""
    today = now.astimezone(zone).date()
    if ".." in text:
        left, _, right = text.partition("..")
        start = _start(_one(left, zone, today)[0], zone) if left.strip() else None
        end = _start(_one(right, zone, today)[1], zone) if right.strip() else None
        if start is not None and end is not None and end <= start:
            raise PeriodError(f"--period {text!r}: the end comes before the start.")
        return start, end
    first, after = _one(text, zone, today)
    return _start(first, zone), _start(after, zone)
