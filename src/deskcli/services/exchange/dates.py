"""Dates and times as exports write them, read without guessing.

Understood: ISO 8601 (``2024-03-05``, ``2024-03-05T14:05``, ``2024-03-05 14:05:09+01:00``),
year-first with slashes (``2024/03/05``), day first with dashes or dots
(``05-03-2024 14:05``, ``05.03.2024``), slashes (``05/03/2024`` or ``03/05/2024``, only
when the numbers say which: a part above 12, or day and month equal), month names
(``5 Mar 2024 2:05 PM``), each with an optional time (24-hour or am/pm).

A slashed date that could be either (``03/05/2024``) is an error, not a guess:
``--date-format DD/MM/YYYY`` (or ``MM/DD/YYYY``, or a ``strptime`` pattern such as
``%d/%m/%Y %H:%M``) settles the file. Two-digit years are refused for the same reason.
Times without an offset are the office's local time; a local time that the clocks
skip or repeat (a DST change) is refused too. python-dateutil is used for strict ISO
(``isoparse``) and for month names, where the day and month cannot be confused.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

NAMED_FORMATS = {
    "ISO": None,
    "YYYY-MM-DD": None,
    "DD/MM/YYYY": "day",
    "DD-MM-YYYY": "day",
    "DD.MM.YYYY": "day",
    "MM/DD/YYYY": "month",
    "MM-DD-YYYY": "month",
}
"""``--date-format`` names: which comes first in a date written year last."""

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)(?P<time>.*)$")
_YEAR_LAST = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(?P<time>.*)$")
_TIME = re.compile(r"^(?:[T ,]+(\d{1,2})(?::(\d{2}))?(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?\s*$")
_MONTH_NAME = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
_FOUR_DIGITS = re.compile(r"\b\d{4}\b")


class DateError(ValueError):
    """A cell that is not a date deskcli can read without guessing; the message says why."""


class DateReader:
    """Reads the dates of one file: the office zone for local times, and the file's date format."""

    def __init__(self, zone: ZoneInfo, date_format: str | None = None) -> None:
        self.zone = zone
        self.order: str | None = None
        self.pattern: str | None = None
        if date_format is not None:
            key = date_format.strip().upper()
            if key in NAMED_FORMATS:
                self.order = NAMED_FORMATS[key]
            elif "%" in date_format:
                self.pattern = date_format
            else:
                raise DateError(
                    f"--date-format {date_format!r}: expected one of {', '.join(NAMED_FORMATS)} "
                    "or a strptime pattern such as %d/%m/%Y %H:%M."
                )
        self.ambiguous = 0
        """How many ambiguous dates were met (the report suggests --date-format)."""
        self.day_first_seen = False
        self.month_first_seen = False
        """Whether the file holds slashed dates that can only be day first (or month first)."""
        self._implied: tuple[str, str] | None = None
        """The order the first telling slashed date of the file implied (``day``/``month``), and that date."""

    def parse(self, text: str) -> datetime:
        """``text`` as an aware UTC datetime, or :class:`DateError`."""
        text = text.strip()
        if self.pattern is not None and not _ISO.match(text):
            try:
                return self._local(datetime.strptime(text, self.pattern), text)
            except ValueError:
                raise DateError(f"{text!r} does not match --date-format {self.pattern!r}.") from None
        if _ISO.match(text):
            try:
                parsed = dateutil_parser.isoparse(text.replace(" ", "T", 1).replace(" ", ""))
            except ValueError as exc:
                raise DateError(f"{text!r} is not a real date ({exc}).") from None
            return self._local(parsed, text)
        if match := _YEAR_FIRST.match(text):
            year, month, day = (int(part) for part in match.groups()[:3])
            return self._build(text, year, month, day, match.group("time"))
        if match := _YEAR_LAST.match(text):
            first, separator, second, year_text = match.groups()[:4]
            if len(year_text) == 2:
                raise DateError(f"{text!r} has a two-digit year: write the year in full (e.g. 2024).")
            day, month = self._day_month(text, int(first), int(second), separator)
            return self._build(text, int(year_text), month, day, match.group("time"))
        if _MONTH_NAME.search(text) and _FOUR_DIGITS.search(text):
            try:
                parsed = dateutil_parser.parse(text, default=datetime(1, 1, 1))
            except (ValueError, OverflowError):
                raise DateError(f"{text!r} is not a date deskcli can read.") from None
            if parsed.year == 1:
                raise DateError(f"{text!r} has no year.")
            return self._local(parsed, text)
        raise DateError(
            f"{text!r} is not a date deskcli can read (expected e.g. 2024-03-05 14:05, 05-03-2024 14:05 "
            "or 03/05/2024 with --date-format)."
        )

    def _day_month(self, text: str, first: int, second: int, separator: str) -> tuple[int, int]:
        if self.order == "day":
            return first, second
        if self.order == "month":
            return second, first
        if separator in "-.":
            return first, second  # DD-MM-YYYY and DD.MM.YYYY: the forms exports write day first
        if first > 12 >= second:
            self._settled("day", text)
            self.day_first_seen = True
            return first, second
        if second > 12 >= first:
            self._settled("month", text)
            self.month_first_seen = True
            return second, first
        if first == second:
            return first, second
        self.ambiguous += 1
        raise DateError(
            f"{text!r} is ambiguous: day {first} of month {second}, or month {first} day {second}? "
            "Give --date-format DD/MM/YYYY or MM/DD/YYYY."
        )

    def _settled(self, order: str, text: str) -> None:
        """A slashed date that can only be ``order`` first: refused if the file said the other order before.

        ``13/03/2024`` then ``03/14/2024`` in one file: each reads one way only, but
        together they say the file was written two ways, so its ambiguous dates cannot
        be trusted to either order. The first telling date wins; the others are errors.
        """
        if self._implied is None:
            self._implied = (order, text)
            return
        seen, example = self._implied
        if seen != order:
            raise DateError(
                f"{text!r} can only be {order} first, but {example!r} earlier in this file can only be {seen} "
                "first: the file mixes both orders. Correct these dates, or give --date-format DD/MM/YYYY or MM/DD/YYYY."
            )

    def _build(self, text: str, year: int, month: int, day: int, rest: str) -> datetime:
        time = _TIME.match(rest)
        if time is None:
            raise DateError(f"{text!r}: the time after the date is not readable (expected e.g. 14:05 or 2:05 pm).")
        hour_text, minute_text, second_text, meridiem = time.groups()
        hour = int(hour_text or 0)
        minute = int(minute_text or 0)
        second = int(second_text or 0)
        if hour_text is not None and minute_text is None and meridiem is None:
            raise DateError(f"{text!r}: the time after the date is not readable (expected e.g. 14:05).")
        if meridiem:
            if not 1 <= hour <= 12:
                raise DateError(f"{text!r}: {hour} is not an hour on a 12-hour clock.")
            hour = hour % 12 + (12 if meridiem[0] in "Pp" else 0)
        try:
            moment = datetime(year, month, day, hour, minute, second)
        except ValueError as exc:
            raise DateError(f"{text!r} is not a real date ({exc}).") from None
        return self._local(moment, text)

    def _local(self, moment: datetime, text: str) -> datetime:
        """An aware UTC time; a naive one is the office's local time, refused if a clock change makes it ambiguous."""
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
        early = moment.replace(tzinfo=self.zone, fold=0)
        late = moment.replace(tzinfo=self.zone, fold=1)
        early_offset, late_offset = early.utcoffset(), late.utcoffset()  # never None: both carry the zone
        if early_offset is not None and late_offset is not None and early_offset != late_offset:
            kind = "happens twice" if early_offset > late_offset else "does not exist"
            raise DateError(
                f"{text!r} {kind} in {self.zone.key} (the clocks changed that night): give the time with its "
                "UTC offset, e.g. 2024-10-27T01:30+01:00."
            )
        # A time in the spring-forward gap reads back differently: it does not exist.
        if early.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != moment:
            raise DateError(f"{text!r} does not exist in {self.zone.key} (the clocks went forward).")
        return early.astimezone(UTC)


def within(moment: datetime, now: datetime, *, slack: timedelta = timedelta(minutes=5)) -> bool:
    """True unless ``moment`` lies in the future (a past call cannot be opened tomorrow)."""
    return moment <= now + slack
