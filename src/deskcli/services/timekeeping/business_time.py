"""Business time: opening hours in the office's timezone, less holidays.

Opening hours are wall-clock ranges per weekday (several a day, e.g. around lunch),
read in the office zone. Public holidays come from the ``holidays`` package for the office's
country and region (through :mod:`deskcli.services.timekeeping.public_holidays`, which keeps that
package out of the console's memory); the office adds its own closed days, one by one
or as recurrence rules (python-dateutil's ``rrule``: "every 24 December").

An instant is open when the office's wall clock then reads a time within one of the
day's ranges: a DST change shortens or lengthens only the ranges it really touches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 1100
"""How far ahead :meth:`BusinessCalendar.add` looks before giving up (three years: the SLA
policy keeps every target within reach of this, see ``SlaPolicy._reachable``)."""


class OutOfReach(ValueError):
    """The calendar has no (or not enough) opening hours within :data:`MAX_DAYS` days."""


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
    rules: tuple = ()
    """Recurring closures (dateutil ``rrule`` objects): a day with an occurrence is closed."""
    _public: dict[int, frozenset[date]] = field(default_factory=dict, repr=False)
    _recurring: dict[int, frozenset[date]] = field(default_factory=dict, repr=False)
    _instants: dict[date, tuple[tuple[datetime, datetime], ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def always_open(cls, zone: ZoneInfo) -> BusinessCalendar:
        """A 24x7 calendar (no holidays)."""
        return cls(zone, {day: (Range(0, 1440),) for day in range(7)})

    def is_closed_day(self, day: date) -> bool:
        """A public holiday or an office closed day."""
        if day in self.closed_days:
            return True
        if self.rules:
            if day.year not in self._recurring:
                first, after = datetime(day.year, 1, 1), datetime(day.year + 1, 1, 1)
                self._recurring[day.year] = frozenset(
                    moment.date() for rule in self.rules for moment in rule.between(first, after, inc=True)
                )
            if day in self._recurring[day.year]:
                return True
        if self.country is None:
            return False
        if day.year not in self._public:
            from deskcli.services.timekeeping import public_holidays

            self._public[day.year] = public_holidays.dates(self.country, self.subdivision, day.year)
        return day in self._public[day.year]

    def is_business_day(self, day: date) -> bool:
        """The desk opens on ``day``: the week's hours have a range for its weekday, and it is
        neither a public holiday nor an office closed day."""
        return bool(self.weekly.get(day.weekday())) and not self.is_closed_day(day)

    def _day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The weekly opening ranges of ``day`` as UTC intervals (cached; closed days not considered).

        An instant is open when the office's wall clock then reads a time within a
        range. So on the night the clocks go forward, a desk open 01:30-02:30 is open
        for the 30 minutes that exist; on the night they go back, the repeated half
        hour of a range counts twice, as it is worked twice.
        """
        found = self._instants.get(day)
        if found is None:
            if len(self._instants) > 5_000:
                self._instants.clear()  # a long-running console: keep the cache small
            shape = _day_shape(day, self.zone)
            midnight = datetime.combine(day, time(0), tzinfo=UTC)  # the wall clock, read as if it were UTC
            # Sorted: around a change the pieces of neighbouring ranges can interleave.
            found = tuple(sorted(
                interval
                for span in self.weekly.get(day.weekday(), ())
                for interval in _wall_range(
                    midnight + timedelta(minutes=span.start), midnight + timedelta(minutes=span.end), shape
                )
            ))
            self._instants[day] = found
        return found

    def open_intervals(self, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
        """Opening intervals (UTC) of every day from ``first`` to ``last`` inclusive."""
        day = first
        while day <= last:
            if not self.is_closed_day(day):
                yield from self._day_intervals(day)
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
        raise OutOfReach(f"the calendar has no opening hours in reach (searched {MAX_DAYS} days ahead)")

    def is_open(self, moment: datetime) -> bool:
        """True while the desk is open."""
        day = moment.astimezone(self.zone).date()
        return any(start <= moment < end for start, end in self.open_intervals(day - timedelta(days=1), day))


_DayShape = tuple[timedelta, timedelta, datetime | None]
"""UTC offset before and after a day's clock change, and the instant of the change (``None``: no change)."""


def _offset(moment: datetime, zone: ZoneInfo) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def _day_shape(day: date, zone: ZoneInfo) -> _DayShape:
    """Whether the clocks change around ``day`` in ``zone``, and when (found to the second)."""
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    # Every instant whose wall time falls on ``day`` lies in this window, whatever the offset.
    low, high = midnight - timedelta(hours=15), midnight + timedelta(hours=39)
    before, after = _offset(low, zone), _offset(high, zone)
    if before == after:
        return before, after, None
    low_s, high_s = int(low.timestamp()), int(high.timestamp())
    while high_s - low_s > 1:
        middle = (low_s + high_s) // 2
        if _offset(datetime.fromtimestamp(middle, UTC), zone) == before:
            low_s = middle
        else:
            high_s = middle
    return before, after, datetime.fromtimestamp(high_s, UTC)


def _wall_range(start: datetime, end: datetime, shape: _DayShape) -> Iterator[tuple[datetime, datetime]]:
    """The instants whose wall time is in ``[start, end)`` (wall times written as UTC datetimes)."""
    before, after, change = shape
    if change is None:
        yield start - before, end - before
        return
    # Before the change the wall clock reads instant + before; from it on, instant + after.
    first = (start - before, min(end - before, change))
    second = (max(start - after, change), end - after)
    pieces = [piece for piece in (first, second) if piece[1] > piece[0]]
    if len(pieces) == 2 and pieces[0][1] >= pieces[1][0]:
        pieces = [(pieces[0][0], max(pieces[0][1], pieces[1][1]))]
    yield from pieces


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
