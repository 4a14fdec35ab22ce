"""One parser for the times analysts type: ``15:05``, ``3.05pm``, ``tomorrow 10am``,
``+2h``, ``in 30 min``, ``mon 9:00``, ``2026-03-12 14:00``.

Times are read in the office's timezone and returned in UTC. Anything ambiguous (a
bare ``3:05``: night or afternoon? ``12/03``: which order?), impossible (a local time
skipped by a DST change, or one that happens twice) or in the past is refused, and
the refusal says what was understood. The parser never raises on any text.

``+2h`` and ``in 30 min`` are elapsed time. ``+1d``, ``+1w`` and ``+1 month`` are
calendar time: the same time of day a day, week or month on - what "I'll call you back
this time tomorrow" means - which is 23 or 25 hours away when the clocks change in
between; the understood text says which, and the hours, before anything is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_LONGEST_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
_UNITS = {
    "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
}
"""Elapsed time, in minutes: ``+2h`` is exactly two hours from now, whatever the clocks do."""
_CALENDAR_UNITS = {
    "d": ("days", 1), "day": ("days", 1), "days": ("days", 1),
    "w": ("days", 7), "wk": ("days", 7), "week": ("days", 7), "weeks": ("days", 7),
    "mo": ("months", 1), "month": ("months", 1), "months": ("months", 1),
}
"""Calendar time: ``+1d`` is the same time of day tomorrow (23 or 25 hours away when the clocks
change in between), ``+1 month`` the same time and day of the month a month on (dateutil's
``relativedelta``: 31 January + 1 month is 28 or 29 February)."""
_RELATIVE = re.compile(
    r"^(?:\+|in\s+)\s*(?P<amount>\d{1,4})\s*(?P<unit>[a-z]+)(?:\s*(?P<minutes>\d{1,2})\s*(?:m|min|mins|minutes)?)?$"
)
_CLOCK = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<meridiem>am|pm|a\.m\.|p\.m\.)?$")
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_DAY_MONTH = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]+)\.?$|^(?P<mon2>[a-z]+)\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?$")
_NUMERIC_DATE = re.compile(r"^\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?$")

_MAX_AHEAD = timedelta(days=400)


@dataclass(frozen=True)
class ParsedTime:
    """The result: a UTC time, or an error; ``understood`` says how the text was read."""

    when: datetime | None
    understood: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when a time was understood and accepted."""
        return self.when is not None and self.error is None


def _fail(message: str, understood: str = "") -> ParsedTime:
    return ParsedTime(None, understood, message)


def parse_when(text: str, now: datetime, zone: ZoneInfo, *, allow_past: bool = False) -> ParsedTime:
    """Read ``text`` as a moment in ``zone``, relative to ``now`` (aware)."""
    try:
        return _parse(str(text), now, zone, allow_past)
    except Exception as exc:
        return _fail(f"could not read {str(text)[:40]!r} as a time ({type(exc).__name__})")


def _parse(text: str, now: datetime, zone: ZoneInfo, allow_past: bool) -> ParsedTime:
    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    if not cleaned:
        return _fail("type a time, e.g. 15:05, tomorrow 10am, +2h or mon 9:00")
    if len(cleaned) > 60:
        return _fail("that is too long to be a time")

    relative = _RELATIVE.match(cleaned)
    if relative:
        return _relative(relative, now, zone)
    iso = _iso(cleaned, zone)
    if iso is not None:
        return _checked(iso, now, zone, allow_past)

    today = now.astimezone(zone).date()
    spec, rest = _split_day(cleaned.split(" "), today)
    if isinstance(spec, str):
        return _fail(spec)
    if not rest:
        if spec.label:
            return _fail(f"{spec.label}: at what time? e.g. {spec.label} 10:00")
        return _fail(f"could not read {text.strip()!r} as a time; try 15:05, 3.05pm, tomorrow 10am, +2h or mon 9:00")
    clock = _clock(" ".join(rest))
    if isinstance(clock, str):
        return _fail(clock, spec.label)
    day = spec.day
    if spec.weekday is not None:
        day = _next_weekday(today, spec.weekday, strictly_after=False)
        moment = _local(day, clock, zone)
        if day == today and isinstance(moment, datetime) and moment <= now:
            day += timedelta(days=7)  # "mon 9:00" said on a Monday at 10:00 means next Monday
    moment = _local(day, clock, zone)
    if isinstance(moment, str):
        return _fail(moment, f"{day:%a %d %b} {clock:%H:%M}")
    return _checked(moment, now, zone, allow_past)


@dataclass(frozen=True)
class _DaySpec:
    """The day part of what was typed: a date, or a weekday still to be placed."""

    day: date
    weekday: int | None = None
    label: str = ""


def _split_day(words: list[str], today: date) -> tuple[_DaySpec | str, list[str]]:
    """Take a leading day expression off ``words``; the rest should be a time of day."""
    first = words[0]
    if first in ("today", "tonight"):
        return _DaySpec(today, label="today"), words[1:]
    if first in ("tomorrow", "tmrw", "tmw"):
        return _DaySpec(today + timedelta(days=1), label="tomorrow"), words[1:]
    if first == "next" and len(words) > 1 and words[1] in _WEEKDAYS:
        day = _next_weekday(today, _WEEKDAYS[words[1]], strictly_after=True)
        return _DaySpec(day, label=f"next {words[1]}"), words[2:]
    if first in _WEEKDAYS:
        return _DaySpec(today, weekday=_WEEKDAYS[first], label=first), words[1:]
    if not isinstance(_clock(" ".join(words)), str):
        return _DaySpec(today), words  # the whole text is a time of day ("3.05 pm", "15.05")
    for size in (2, 1):
        head = " ".join(words[:size])
        if _NUMERIC_DATE.match(head):
            return f"{head!r} is ambiguous (day/month or month/day?): write it as 2026-03-12 or 12 Mar", []
        found = _day_month(head, today)
        if isinstance(found, str):
            return found, []
        if found is not None:
            return _DaySpec(found, label=head), words[size:]
    return _DaySpec(today), words


def _relative(match: re.Match[str], now: datetime, zone: ZoneInfo) -> ParsedTime:
    unit = match["unit"]
    if unit in _CALENDAR_UNITS:
        if match["minutes"]:
            return _fail("only hours can be followed by minutes (e.g. +1h30)")
        return _calendar_relative(int(match["amount"]), *_CALENDAR_UNITS[unit], now, zone)
    if unit not in _UNITS:
        return _fail(f"unknown unit {unit!r}; use min, h, d, week or month (e.g. +2h, in 30 min, +1d)")
    minutes = int(match["amount"]) * _UNITS[unit]
    if match["minutes"]:
        if _UNITS[unit] != 60:
            return _fail("only hours can be followed by minutes (e.g. +1h30)")
        minutes += int(match["minutes"])
    if minutes == 0:
        return _fail("that is now; give a time in the future")
    delta = timedelta(minutes=minutes)
    if delta > _MAX_AHEAD:
        return _fail("that is more than a year ahead")
    moment = now + delta
    note = ""
    if _offset(moment, zone) != _offset(now, zone):
        note = "; exactly that long from now (the clocks change in between, so the time of day moves)"
    return ParsedTime(moment.astimezone(UTC), _describe(moment, now, zone) + note)


def _offset(moment: datetime, zone: ZoneInfo) -> timedelta | None:
    return moment.astimezone(zone).utcoffset()


def _calendar_relative(amount: int, kind: str, per: int, now: datetime, zone: ZoneInfo) -> ParsedTime:
    """``amount`` days or months on, at the same time of day (the wall clock, not elapsed hours)."""
    count = amount * per
    if count == 0:
        return _fail("that is now; give a time in the future")
    if (kind == "days" and count > _MAX_AHEAD.days) or (kind == "months" and count > 13):
        return _fail("that is more than a year ahead")
    from dateutil.relativedelta import relativedelta

    wall = now.astimezone(zone).replace(tzinfo=None)
    step = timedelta(days=count) if kind == "days" else relativedelta(months=count)
    target = wall + step
    said = f"{count} day{'s' if count != 1 else ''}" if kind == "days" else f"{count} month{'s' if count != 1 else ''}"
    moment = _local(target.date(), target.time(), zone)
    if isinstance(moment, str):
        hours = int((target - wall).total_seconds() // 3600)
        return _fail(f"{moment}; or type +{hours}h for exactly {hours} hours from now", f"{target:%a %d %b} {target:%H:%M}")
    note = f"; the same time of day, {said} on"
    if kind == "months" and target.day != wall.day:
        note += f" (there is no {wall.day} {target:%B}: the last day of that month)"
    elapsed = moment - now
    if elapsed != target - wall:
        hours = elapsed.total_seconds() / 3600
        note += f": {hours:g} hours from now, as the clocks change in between"
    checked = _checked(moment, now, zone, allow_past=False)
    if not checked.ok:
        return checked
    return ParsedTime(checked.when, checked.understood + note)


def _iso(cleaned: str, zone: ZoneInfo) -> datetime | None:
    if not re.match(r"^\d{4}-\d{1,2}-\d{1,2}([ t]\d{1,2}:\d{2}(:\d{2})?)?([+-]\d{2}:?\d{2}|z)?$", cleaned):
        return None
    candidate = cleaned.replace(" ", "T").upper()
    if candidate.endswith("Z"):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if "T" not in candidate:
        return None  # a date alone: handled by the day parser, which asks for a time
    if parsed.tzinfo is None:
        local = _local(parsed.date(), parsed.time(), zone)
        return local if isinstance(local, datetime) else None
    return parsed


def _next_weekday(start: date, weekday: int, *, strictly_after: bool) -> date:
    ahead = (weekday - start.weekday()) % 7
    if ahead == 0 and strictly_after:
        ahead = 7
    return start + timedelta(days=ahead)


def _day_month(text: str, today: date) -> date | str | None:
    iso = _ISO_DATE.match(text)
    if iso:
        try:
            return date(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        except ValueError:
            return f"{text} is not a date"
    match = _DAY_MONTH.match(text)
    if not match:
        return None
    month_name = match["mon"] or match["mon2"]
    day_number = int(match["d"] or match["d2"])
    if month_name not in _MONTHS:
        return None
    month = _MONTHS[month_name]
    if day_number < 1 or day_number > _LONGEST_MONTH[month]:
        return f"{text} is not a date"
    # The next time this day comes round: 29 Feb typed in December is next February's
    # when that is a leap year, and otherwise the leap year's (refused later as too far).
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day_number)
        except ValueError:
            continue  # 29 February in a year that is not a leap year
        if candidate >= today:
            return candidate
    return f"{text} is not a date"


def _clock(text: str) -> time | str:
    if text in ("noon", "midday", "12 noon"):
        return time(12, 0)
    if text == "midnight":
        return "midnight is ambiguous (start or end of the day?): type 23:59 or tomorrow 00:00"
    text = text.removeprefix("at ").strip()
    match = _CLOCK.match(text)
    if not match:
        return f"could not read {text!r} as a time of day; try 15:05, 3.05pm or 10am"
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    meridiem = (match["meridiem"] or "").replace(".", "")
    if minute > 59:
        return f"{text}: minutes go up to 59"
    if meridiem:
        if not 1 <= hour <= 12:
            return f"{text}: with am/pm the hour is 1 to 12"
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
        return time(hour, minute)
    if hour > 23:
        return f"{text}: hours go up to 23"
    if match["minute"] is None:
        if hour == 0 or hour >= 13:
            return f"{text}: add the minutes (e.g. {hour:02d}:00)"
        if hour <= 6:
            return f"{text}: morning or afternoon? (e.g. {hour}am or {hour}pm or 0{hour}:00)"
        return f"{text}: add am/pm or minutes (e.g. {hour}pm or {hour}:00)"
    if 1 <= hour <= 6 and not match["hour"].startswith("0"):
        return f"{text} is ambiguous (night or afternoon?): type {hour}:{minute:02d}pm, {hour + 12}:{minute:02d} or 0{hour}:{minute:02d}"
    return time(hour, minute)


def _local(day: date, clock: time, zone: ZoneInfo) -> datetime | str:
    """The aware moment for a local date and time, refusing DST gaps and repeats."""
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    first_ok = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
    second_ok = second.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
    if first_ok and second_ok and first.utcoffset() != second.utcoffset():
        return f"{clock:%H:%M} happens twice on {day:%a %d %b} (the clocks go back): pick another time"
    if not first_ok and not second_ok:
        return f"{clock:%H:%M} does not exist on {day:%a %d %b} (the clocks go forward): pick another time"
    return first if first_ok else second


def _describe(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        prefix = "today, "
    elif local.date() == today + timedelta(days=1):
        prefix = "tomorrow, "
    else:
        prefix = ""
    return f"{prefix}{local:%a %d %b %Y %H:%M} ({zone.key})"


def _checked(moment: datetime, now: datetime, zone: ZoneInfo, allow_past: bool) -> ParsedTime:
    described = _describe(moment, now, zone)
    if not allow_past and moment <= now:
        return _fail(f"{described} has already passed", described)
    if moment - now > _MAX_AHEAD:
        return _fail(f"{described} is more than a year ahead", described)
    return ParsedTime(moment.astimezone(UTC), described)
