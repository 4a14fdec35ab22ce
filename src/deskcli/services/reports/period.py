"""Periods of time as a desk manager names them: a day, a week, a month, a custom range.

Boundaries are local midnights in the office zone, turned into UTC, so a week that
holds a DST change is 167 or 169 hours long, as the office lived it. Each period
knows the period before it of the same length (the previous day, week or month; for a
custom range, the same number of days just before it) and the weeks of its trend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskcli.core.errors import RuleViolation

PERIOD_HELP = (
    "today, yesterday, week (this week), last-week, month (this month), last-month, year, "
    "7d or 30d (the last N days), 2026-03-10 (a day), 2026-W11 (an ISO week), 2026-03 (a month), "
    "2026 (a year), or 2026-03-01..2026-03-31 (a custom range, both days included; "
    "exports may leave one end open: 2026-03.. or ..2025)"
)
"""What a period may be, for messages and ``--help``."""

TREND_WEEKS = 8
"""Weeks in a report's weekly trend (more when the period itself is longer)."""

MAX_TREND_WEEKS = 53

_DAYS = re.compile(r"^(\d{1,3})d$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-w(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """Whole local days from ``first`` to ``last`` (inclusive), and what kind of period it is."""

    first: date
    last: date
    kind: str
    """``day``, ``week``, ``month``, ``year`` or ``range``."""
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        """The period's first moment (local midnight), UTC."""
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The moment just after the period (the next local midnight), UTC."""
        return local_midnight(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        """Calendar days in the period."""
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        """``10 Mar 2026``, ``week 2026-W11``, ``March 2026``, ``2026`` or ``1 Mar - 31 Mar 2026``."""
        if self.kind == "day":
            return f"{self.first:%a} {self.first.day} {self.first:%b %Y}"
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"week {year}-W{week:02d} ({self.first.day} {self.first:%b} - {self.last.day} {self.last:%b %Y})"
        if self.kind == "month":
            return f"{self.first:%B %Y}"
        if self.kind == "year":
            return f"{self.first.year}"
        return f"{self.first.day} {self.first:%b %Y} - {self.last.day} {self.last:%b %Y}"

    @property
    def short(self) -> str:
        """A column heading: ``10 Mar``, ``2026-W11``, ``Mar 2026``, ``2026`` or ``1 Mar-31 Mar``."""
        if self.kind == "day":
            return f"{self.first.day} {self.first:%b}"
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.first:%b %Y}"
        if self.kind == "year":
            return f"{self.first.year}"
        return f"{self.first.day} {self.first:%b}-{self.last.day} {self.last:%b}"

    def previous(self) -> Period:
        """The period just before, of the same length (the same kind of calendar unit)."""
        if self.kind == "month":
            last = self.first - timedelta(days=1)
            return Period(last.replace(day=1), last, "month", self.zone)
        if self.kind == "year":
            return Period(date(self.first.year - 1, 1, 1), date(self.first.year - 1, 12, 31), "year", self.zone)
        last = self.first - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last, self.kind, self.zone)

    def trend_weeks(self) -> list[Period]:
        """The ISO weeks (Monday to Sunday) of the weekly trend, oldest first, ending with the period's last week."""
        last_monday = self.last - timedelta(days=self.last.weekday())
        first_monday = self.first - timedelta(days=self.first.weekday())
        count = max(TREND_WEEKS, (last_monday - first_monday).days // 7 + 1)
        count = min(count, MAX_TREND_WEEKS)
        mondays = [last_monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
        return [Period(monday, monday + timedelta(days=6), "week", self.zone) for monday in mondays]

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` (aware) falls in the period."""
        return self.start <= moment < self.end


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of local midnight starting ``day``."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _valid_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise RuleViolation(f"period: {text!r} is not a real date; expected {PERIOD_HELP}.") from None


def _single(text: str, today: date, zone: ZoneInfo) -> Period:
    """A period named by one word or date."""
    monday = today - timedelta(days=today.weekday())
    named = {
        "today": Period(today, today, "day", zone),
        "yesterday": Period(today - timedelta(days=1), today - timedelta(days=1), "day", zone),
        "week": Period(monday, monday + timedelta(days=6), "week", zone),
        "this-week": Period(monday, monday + timedelta(days=6), "week", zone),
        "last-week": Period(monday - timedelta(days=7), monday - timedelta(days=1), "week", zone),
    }
    first_of_month = today.replace(day=1)
    next_month = (first_of_month + timedelta(days=32)).replace(day=1)
    named["month"] = named["this-month"] = Period(first_of_month, next_month - timedelta(days=1), "month", zone)
    named["last-month"] = Period(first_of_month, first_of_month, "month", zone).previous()
    named["year"] = named["this-year"] = Period(date(today.year, 1, 1), date(today.year, 12, 31), "year", zone)
    if text in named:
        return named[text]
    if match := _DAYS.match(text):
        count = int(match.group(1))
        if count < 1:
            raise RuleViolation(f"period: {text!r} has no days; expected at least 1d.")
        return Period(today - timedelta(days=count - 1), today, "range", zone)
    if match := _DAY.match(text):
        day = _valid_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
        return Period(day, day, "day", zone)
    if match := _WEEK.match(text):
        year, week = int(match.group(1)), int(match.group(2))
        try:
            first = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise RuleViolation(f"period: {text!r}: {year} has no ISO week {week}.") from None
        return Period(first, first + timedelta(days=6), "week", zone)
    if match := _MONTH.match(text):
        first = _valid_date(int(match.group(1)), int(match.group(2)), 1, text)
        after = (first + timedelta(days=32)).replace(day=1)
        return Period(first, after - timedelta(days=1), "month", zone)
    if match := _YEAR.match(text):
        year = int(match.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31), "year", zone)
    raise RuleViolation(f"period: {text!r} is not a period; expected {PERIOD_HELP}.")


def parse_period(text: str, *, now: datetime, zone: ZoneInfo) -> Period:
    """Read a period as typed (see :data:`PERIOD_HELP`); a :class:`RuleViolation` names what was wrong."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        raise RuleViolation(f"period: nothing was given; expected {PERIOD_HELP}.")
    today = now.astimezone(zone).date()
    if ".." in cleaned:
        left, _, right = cleaned.partition("..")
        if not left or not right:
            raise RuleViolation(f"period: {text.strip()!r} needs a first and a last day, e.g. 2026-03-01..2026-03-31.")
        first, last = _single(left, today, zone), _single(right, today, zone)
        if last.last < first.first:
            raise RuleViolation(f"period: {text.strip()!r} ends ({last.last}) before it starts ({first.first}).")
        return Period(first.first, last.last, "range", zone)
    return _single(cleaned, today, zone)


def parse_bounds(text: str, *, now: datetime, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The UTC bounds ``[start, end)`` of a period, where a range may leave either end open.

    For exports and history: ``2026-03..`` is everything from March on, ``..2025`` everything
    up to the end of 2025; any other period reads as :func:`parse_period` reads it.
    """
    cleaned = text.strip().lower().replace(" ", "")
    if ".." in cleaned:
        left, _, right = cleaned.partition("..")
        if not left and not right:
            raise RuleViolation(f"period: {text.strip()!r} has neither a start nor an end; expected {PERIOD_HELP}.")
        if left and right:
            period = parse_period(cleaned, now=now, zone=zone)
            return period.start, period.end
        today = now.astimezone(zone).date()
        if left:
            return _single(left, today, zone).start, None
        return None, _single(right, today, zone).end
    period = parse_period(cleaned, now=now, zone=zone)
    return period.start, period.end
