"""The SLA policy (``data/policies/sla.toml``): targets, opening hours, holidays, closures.

Every value is checked for what it is used for: opening hours as ranges within a day,
closed days as dates, recurring closures as recurrence rules (python-dateutil's
``rrule``, the iCalendar RRULE syntax calendars use), and every target as a duration
the business calendar can actually reach from any day - so an SLA due time can always
be computed once the file has passed ``deskcli policies check``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field, field_validator, model_validator

from deskcli.config.datafiles import Strict
from deskcli.services.timekeeping.business_time import MAX_DAYS, BusinessCalendar, OutOfReach, Range

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

MAX_TARGET_MINUTES = 366 * 24 * 60
"""No target is longer than a year of calendar time."""

MAX_CLOSED_DAYS = 1000
"""Office closed days listed one by one (recurring ones belong in ``recurring_closures``)."""

MAX_RULE_DAYS_PER_YEAR = 60
"""Days a year the recurring closures may close the desk, all rules together."""

RULES_START = datetime(2000, 1, 1)
RULES_UNTIL = "21001231T000000"
"""Recurring closures are counted from 2000 to the end of 2100 (an open-ended rule with no
occurrence would otherwise be searched for up to the year 9999)."""

_SPAN = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})\s*$")
_RULE = re.compile(r"^(?:RRULE:)?(FREQ=[A-Z]+(?:;[A-Z]+=[A-Z0-9,+\-]+)*)$")
_SAMPLE_STARTS = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 6, 30, tzinfo=UTC), datetime(2028, 12, 20, tzinfo=UTC))
"""Moments the reach of the targets is checked from (a new year, midsummer, Christmas)."""


def _calendar_date(value: object) -> date:
    """A TOML date (``2026-12-24``) or the text ``"2026-12-24"``; not a number, not a date and time."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"expected a date such as 2026-12-24, found {value!r}")


CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]


def closure_rule(text: str):
    """``text`` (``FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24``) as a dateutil rule, or ``ValueError``."""
    from dateutil import rrule

    cleaned = text.strip().upper()
    match = _RULE.match(cleaned)
    if match is None:
        raise ValueError(f"{text!r} is not a recurrence rule such as FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24")
    body = match.group(1)
    frequency = body.split(";", 1)[0].removeprefix("FREQ=")
    if frequency not in ("YEARLY", "MONTHLY"):
        raise ValueError(f"{text!r}: a closure repeats yearly or monthly (FREQ=YEARLY or FREQ=MONTHLY); "
                         "for a weekday the desk is always closed, leave it out of hours")
    if "DTSTART" in body:
        raise ValueError(f"{text!r}: leave DTSTART out (closures are counted from {RULES_START:%Y})")
    if "UNTIL=" not in body and "COUNT=" not in body:
        body += f";UNTIL={RULES_UNTIL}"
    try:
        return rrule.rrulestr(body, dtstart=RULES_START)
    except Exception as exc:
        raise ValueError(f"{text!r} is not a valid recurrence rule ({exc})") from None


def span_minutes(text: str, day: str) -> tuple[int, int]:
    """``"08:00-12:30"`` as minutes from midnight; ``24:00`` is allowed as an end."""
    match = _SPAN.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"hours.{day}: {text!r} is not a range like 08:00-12:30")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if not (0 <= start < 1440 and 0 < end <= 1440 and start_m < 60 and end_m < 60 and start < end):
        raise ValueError(f"hours.{day}: {text!r} is not a range within one day (00:00-24:00)")
    return start, end


class SlaTarget(Strict):
    """Response and resolution targets for one priority."""

    priority: int = Field(ge=1, le=4)
    response_minutes: int = Field(gt=0, le=MAX_TARGET_MINUTES)
    resolution_minutes: int = Field(gt=0, le=MAX_TARGET_MINUTES)
    clock: Literal["business", "24x7"] = "business"
    """``business`` counts opening hours only; ``24x7`` counts every minute."""


class SlaPolicy(Strict):
    """Service levels, opening hours, holidays and pauses."""

    holiday_country: str | None = "GB"
    holiday_subdivision: str | None = None
    office_closed_days: list[CalendarDate] = Field(default=[], max_length=MAX_CLOSED_DAYS)
    recurring_closures: list[str] = Field(default=[], max_length=50)
    """Closures that come back every year or month, as RRULEs: ``FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24``
    (Christmas Eve), ``FREQ=MONTHLY;BYDAY=1MO`` (a training morning the first Monday of each month)."""
    warning_percent: int = Field(default=75, ge=1, le=99)
    pause_statuses: list[str] = ["awaiting_confirmation"]
    default_priority: int = Field(default=3, ge=1, le=4)
    hours: dict[str, list[str]]
    targets: list[SlaTarget] = Field(min_length=1)

    @field_validator("hours")
    @classmethod
    def _opening_hours(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(DAYS)
        if unknown:
            raise ValueError(f"unknown day {sorted(unknown)[0]!r}; expected {', '.join(DAYS)}")
        any_open = False
        for day, spans in value.items():
            last_end = -1
            for span in spans:
                start, end = span_minutes(span, day)
                if start < last_end:
                    raise ValueError(f"hours.{day}: {span!r} overlaps or is out of order")
                last_end = end
                any_open = True
        if not any_open:
            raise ValueError("the desk must be open at some time in the week")
        return value

    @field_validator("recurring_closures")
    @classmethod
    def _closures(cls, value: list[str]) -> list[str]:
        rules = [closure_rule(text) for text in value]
        for year in (2026, 2027, 2028):
            closed = {moment.date() for rule in rules for moment in rule.between(datetime(year, 1, 1), datetime(year + 1, 1, 1), inc=True)}
            if len(closed) > MAX_RULE_DAYS_PER_YEAR:
                raise ValueError(
                    f"the recurring closures close the desk {len(closed)} days in {year}; "
                    f"at most {MAX_RULE_DAYS_PER_YEAR} (set the weekly hours for regular closed days)"
                )
        return value

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        from deskcli.services.timekeeping import public_holidays

        if value and value not in public_holidays.catalogue():
            raise ValueError(f"unknown holiday country {value!r}; expected a code such as GB, US, DE")
        return value

    @field_validator("pause_statuses")
    @classmethod
    def _known_statuses(cls, value: list[str]) -> list[str]:
        from deskcli.core.enums import CallStatus

        known = {status.value for status in CallStatus}
        unknown = [status for status in value if status not in known]
        if unknown:
            raise ValueError(f"unknown status {unknown[0]!r}; expected one of {', '.join(sorted(known))}")
        return value

    @model_validator(mode="after")
    def _known_subdivision(self) -> SlaPolicy:
        from deskcli.services.timekeeping import public_holidays

        if not self.holiday_subdivision:
            return self
        if not self.holiday_country:
            raise ValueError("holiday_subdivision is set without a holiday_country")
        known = public_holidays.catalogue().get(self.holiday_country, ())
        if self.holiday_subdivision not in known:
            raise ValueError(
                f"holiday_subdivision: unknown subdivision {self.holiday_subdivision!r} for {self.holiday_country}; "
                f"expected one of {', '.join(known) or '(none)'}"
            )
        return self

    @model_validator(mode="after")
    def _all_priorities(self) -> SlaPolicy:
        given = sorted(target.priority for target in self.targets)
        if given != sorted(set(given)):
            raise ValueError("targets: a priority is listed twice")
        if self.default_priority not in given:
            raise ValueError(f"default_priority {self.default_priority} has no target")
        return self

    @model_validator(mode="after")
    def _reachable(self) -> SlaPolicy:
        """The longest business target must fall due within the calendar's reach from any day."""
        business = [target for target in self.targets if target.clock == "business"]
        if not business:
            return self
        longest = max(max(target.response_minutes, target.resolution_minutes) for target in business)
        # Public holidays are left out here (they come from another process); the
        # calendar's search reaches far enough past them, and SLA clocks cope if not.
        calendar = self.calendar(ZoneInfo("UTC"), public_holidays=False)
        listed = [datetime.combine(min(self.office_closed_days), datetime.min.time(), UTC)] if self.office_closed_days else []
        for start in (*_SAMPLE_STARTS, *listed):
            try:
                calendar.add(start, longest * 60)
            except OutOfReach:
                raise ValueError(
                    f"targets: {longest} minutes of opening hours cannot be reached within {MAX_DAYS} days "
                    f"of {start:%Y-%m-%d} with these hours and closures; shorten the target or open the desk longer"
                ) from None
        return self

    def target(self, priority: int | None) -> SlaTarget:
        """The target for ``priority`` (the default priority when not set yet)."""
        wanted = priority or self.default_priority
        for target in self.targets:
            if target.priority == wanted:
                return target
        return next(target for target in self.targets if target.priority == self.default_priority)

    def calendar(self, zone: ZoneInfo, *, public_holidays: bool = True) -> BusinessCalendar:
        """The office's business calendar in ``zone``."""
        weekly = {
            index: tuple(Range(*span_minutes(span, day)) for span in self.hours.get(day, []))
            for index, day in enumerate(DAYS)
        }
        return BusinessCalendar(
            zone,
            weekly,
            closed_days=set(self.office_closed_days),
            country=(self.holiday_country or None) if public_holidays else None,
            subdivision=(self.holiday_subdivision or None) if public_holidays else None,
            rules=tuple(closure_rule(text) for text in self.recurring_closures),
        )
