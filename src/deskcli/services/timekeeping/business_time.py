"""Business time: opening hours in the office's timezone, less holidays.

Opening hours are wall-clock ranges per weekday (several a day, e.g. around lunch),
read in the office zone, so a DST change shortens or lengthens only the hours it
really touches. Public holidays come from the ``holidays`` package for the office's
country and region (through :mod:`deskcli.services.timekeeping.public_holidays`, which keeps that
package out of the console's memory); the office adds its own closed days.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 800
"""How far ahead :meth:`BusinessCalendar.add` looks before giving up."""


@dataclass(frozen=True)
class Range:
    """Opening hours within one day, as minutes from local midnight (end may be 1440)."""

    start: int
    end: int


@dataclass
class BusinessCalendar:
    """When the desk is open."""

    zone: ZoneInfo
    weekly: dict[int, tuple[Range, ...]]
    """Weekday (Monday = 0) → opening ranges."""
    closed_days: set[date] = field(default_factory=set)
    """Office-specific closed days."""
    country: str | None = None
    subdivision: str | None = None
    _public: dict[int, frozenset[date]] = field(default_factory=dict, repr=False)

    @classmethod
    def always_open(cls, zone: ZoneInfo) -> BusinessCalendar:
        """A 24x7 calendar (no holidays)."""
        return cls(zone, {day: (Range(0, 1440),) for day in range(7)})

    def is_closed_day(self, day: date) -> bool:
        """A public holiday or an office closed day."""
        if day in self.closed_days:
            return True
        if self.country is None:
            return False
        if day.year not in self._public:
            from deskcli.services.timekeeping import public_holidays

            self._public[day.year] = public_holidays.dates(self.country, self.subdivision, day.year)
        return day in self._public[day.year]

    def _local(self, day: date, minute: int) -> datetime:
        """The instant of ``minute`` past local midnight on ``day`` (24:00 is next midnight)."""
        if minute >= 1440:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone).astimezone(UTC)

    def open_intervals(self, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
        """Opening intervals (UTC) of every day from ``first`` to ``last`` inclusive."""
        day = first
        while day <= last:
            if not self.is_closed_day(day):
                for span in self.weekly.get(day.weekday(), ()):
                    start, end = self._local(day, span.start), self._local(day, span.end)
                    if end > start:
                        yield start, end
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds from ``start`` to ``end`` (0 when end is not after start)."""
        if end <= start:
            return 0.0
        first = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date()
        total = 0.0
        for open_start, open_end in self.open_intervals(first, last):
            overlap = min(end, open_end) - max(start, open_start)
            if overlap > timedelta(0):
                total += overlap.total_seconds()
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of business time after ``start``."""
        remaining = max(0.0, seconds)
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(MAX_DAYS):
            for open_start, open_end in self.open_intervals(day, day):
                begin = max(open_start, start)
                if begin >= open_end:
                    continue
                available = (open_end - begin).total_seconds()
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
            day += timedelta(days=1)
        raise ValueError("the calendar has no opening hours in reach")

    def is_open(self, moment: datetime) -> bool:
        """True while the desk is open."""
        day = moment.astimezone(self.zone).date()
        return any(start <= moment < end for start, end in self.open_intervals(day - timedelta(days=1), day))


def seconds_excluding(
    calendar: BusinessCalendar, start: datetime, end: datetime, pauses: Iterable[tuple[datetime, datetime | None]]
) -> float:
    """Business seconds from ``start`` to ``end`` minus those spent in ``pauses`` (open pauses run to ``end``).

    Overlapping pauses are merged first, so no paused moment is subtracted twice.
    """
    total = calendar.seconds_between(start, end)
    spans = sorted((max(p_start, start), min(p_end or end, end)) for p_start, p_end in pauses)
    merged: list[list[datetime]] = []
    for begin, stop in spans:
        if stop <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([begin, stop])
    for begin, stop in merged:
        total -= calendar.seconds_between(begin, stop)
    return max(0.0, total)
