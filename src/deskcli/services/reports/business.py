"""Business time for thousands of calls at once: opening hours as a running total.

:class:`~deskcli.services.timekeeping.business_time.BusinessCalendar` walks the days
between two moments; a report judging the SLA of every call of a month would walk
them tens of thousands of times. Here the calendar's opening intervals over the
report's span (the same intervals: local opening hours turned into UTC across DST
changes, public holidays and the office's closed days left out) are laid end to end
with the business seconds before each, so the business time between two moments is
two binary searches and a subtraction.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, datetime, timedelta

from deskcli.services.timekeeping.business_time import BusinessCalendar


class RunningCalendar:
    """Business seconds since the start of a span, for any moment in it (epoch seconds in, seconds out)."""

    def __init__(self, calendar: BusinessCalendar, first: datetime, last: datetime, *, always_open: bool = False) -> None:
        self.always_open = always_open
        self.calendar = calendar
        self.first = first.timestamp()
        self.last = last.timestamp()
        self._first_day = first.astimezone(calendar.zone).date() - timedelta(days=1)
        self._last_day = last.astimezone(calendar.zone).date() + timedelta(days=1)
        self._laid_out = always_open

    def _lay_out(self) -> None:
        """The intervals end to end, on first use (a report's calls are mostly judged without them)."""
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.before: list[float] = []
        """Business seconds before each interval starts."""
        self.totals: list[float] = []
        """Business seconds by the end of each interval."""
        total = 0.0
        for start, end in self.calendar.open_intervals(self._first_day, self._last_day):
            self.starts.append(start.timestamp())
            self.ends.append(end.timestamp())
            self.before.append(total)
            total += (end - start).total_seconds()
            self.totals.append(total)
        self._laid_out = True

    def covers(self, *moments: float) -> bool:
        """True when every moment lies in the span this calendar was laid out for."""
        return all(self.first <= moment <= self.last for moment in moments)

    def at(self, moment: float) -> float:
        """Business seconds from the span's start to ``moment``."""
        if self.always_open:
            return moment
        if not self._laid_out:
            self._lay_out()
        index = bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0.0
        return self.before[index] + min(moment, self.ends[index]) - self.starts[index]

    def between(self, start: float, end: float) -> float:
        """Business seconds from ``start`` to ``end`` (0 when end is not after start)."""
        if end <= start:
            return 0.0
        if not self.covers(start, end):
            return self.calendar.seconds_between(_moment(start), _moment(end)) if not self.always_open else end - start
        return self.at(end) - self.at(start)

    def add(self, start: float, seconds: float) -> float:
        """The moment ``seconds`` (> 0) of business time after ``start``: where the SLA clock puts a due time."""
        if self.always_open:
            return start + seconds
        if self.covers(start):
            target = self.at(start) + seconds  # lays the intervals out if need be
            # The first interval whose running total reaches the target; the due time is
            # the end of an interval when the target is reached exactly there.
            index = bisect_left(self.totals, target)
            if index < len(self.starts):
                return self.starts[index] + (target - self.before[index])
        return self.calendar.add(_moment(start), seconds).timestamp()


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


_LAID_OUT: list[RunningCalendar] = []
"""The last few running calendars made (a report run or a bench repeat asks for the same span again)."""


def running_calendar(calendar: BusinessCalendar, first: datetime, last: datetime) -> RunningCalendar:
    """A running calendar covering ``first`` to ``last``: one made earlier for the same calendar if it covers them."""
    for made in _LAID_OUT:
        if made.calendar is calendar and made.covers(first.timestamp(), last.timestamp()):
            return made
    made = RunningCalendar(calendar, first, last)
    _LAID_OUT.insert(0, made)
    del _LAID_OUT[4:]
    return made
