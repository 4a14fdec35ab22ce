"""Business time: opening hours per weekday in the office zone, less holidays and closed days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskcli.config import datafiles
from deskcli.services.rules.policy import SlaPolicy
from deskcli.services.timekeeping.business_time import BusinessCalendar, Range, seconds_excluding

LONDON = ZoneInfo("Europe/London")
HOUR = 3600.0

WEEKDAYS_WITH_LUNCH = {day: ["08:00-12:30", "13:30-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")}
TARGETS = [{"priority": 3, "response_minutes": 120, "resolution_minutes": 1440}]


def policy(**fields) -> SlaPolicy:
    """A policy stating its own hours (no public holidays unless the test asks for them)."""
    data = {"holiday_country": None, "hours": WEEKDAYS_WITH_LUNCH, "targets": TARGETS}
    data.update(fields)
    return SlaPolicy.model_validate(data)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    """A London wall-clock time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- Lunch break -------------------------------------------------------------------------


def test_lunch_break_is_not_business_time():
    """From 12:00 to 14:00 on a weekday only 12:00-12:30 and 13:30-14:00 count: one hour."""
    calendar = policy().calendar(LONDON)
    assert calendar.seconds_between(local(2026, 3, 11, 12), local(2026, 3, 11, 14)) == HOUR


def test_lunch_break_counts_the_same_in_summer_time():
    """In BST the lunch break is still read in local time (12:00-14:00 BST is 1 h of business)."""
    calendar = policy().calendar(LONDON)
    assert calendar.seconds_between(local(2026, 6, 10, 12), local(2026, 6, 10, 14)) == HOUR
    assert calendar.seconds_between(utc(2026, 6, 10, 11, 30), utc(2026, 6, 10, 12, 30)) == 0.0


def test_add_skips_the_lunch_break():
    """Adding 30 business minutes at 12:15 uses 15 minutes before lunch and lands at 13:45."""
    calendar = policy().calendar(LONDON)
    assert calendar.add(local(2026, 3, 11, 12, 15), 30 * 60) == local(2026, 3, 11, 13, 45)


def test_add_from_inside_lunch_starts_counting_when_the_desk_reopens():
    """Time added during lunch starts at 13:30."""
    calendar = policy().calendar(LONDON)
    assert calendar.add(local(2026, 3, 11, 12, 45), 10 * 60) == local(2026, 3, 11, 13, 40)


def test_add_at_closing_time_carries_over_to_the_next_morning():
    """What does not fit before 17:30 carries over to 08:00 the next weekday."""
    calendar = policy().calendar(LONDON)
    assert calendar.add(local(2026, 3, 11, 17), HOUR) == local(2026, 3, 12, 8, 30)


def test_is_open_follows_the_opening_ranges():
    """Open from 08:00 (inclusive) to 12:30 (exclusive), closed at lunch, closed at night."""
    calendar = policy().calendar(LONDON)
    assert calendar.is_open(local(2026, 3, 11, 8))
    assert calendar.is_open(local(2026, 3, 11, 12, 29))
    assert not calendar.is_open(local(2026, 3, 11, 12, 30))
    assert not calendar.is_open(local(2026, 3, 11, 13))
    assert calendar.is_open(local(2026, 3, 11, 13, 30))
    assert not calendar.is_open(local(2026, 3, 11, 7, 59))
    assert not calendar.is_open(local(2026, 3, 11, 17, 30))
    assert not calendar.is_open(local(2026, 3, 14, 10))  # Saturday


def test_seconds_between_is_zero_when_the_end_is_not_after_the_start():
    """A reversed or empty interval has no business time."""
    calendar = policy().calendar(LONDON)
    assert calendar.seconds_between(local(2026, 3, 11, 10), local(2026, 3, 11, 10)) == 0.0
    assert calendar.seconds_between(local(2026, 3, 11, 11), local(2026, 3, 11, 10)) == 0.0


def test_a_working_week_is_the_sum_of_its_ranges():
    """Monday 00:00 to Saturday 00:00 with 8.5 h a day is 42.5 h."""
    calendar = policy().calendar(LONDON)
    assert calendar.seconds_between(local(2026, 3, 9), local(2026, 3, 14)) == 5 * 8.5 * HOUR


# --- Holidays and closed days ------------------------------------------------------------


def test_easter_holidays_in_england_count_zero():
    """Good Friday 2026-04-03 and Easter Monday 2026-04-06 (GB/ENG) have no business time."""
    calendar = policy(holiday_country="GB", holiday_subdivision="ENG").calendar(LONDON)
    assert calendar.seconds_between(local(2026, 4, 3), local(2026, 4, 4)) == 0.0
    assert calendar.seconds_between(local(2026, 4, 6), local(2026, 4, 7)) == 0.0
    assert calendar.seconds_between(local(2026, 4, 2), local(2026, 4, 3)) == 8.5 * HOUR
    assert calendar.seconds_between(local(2026, 4, 7), local(2026, 4, 8)) == 8.5 * HOUR
    assert not calendar.is_open(local(2026, 4, 3, 10))
    assert calendar.is_closed_day(date(2026, 4, 6))
    assert list(calendar.open_intervals(date(2026, 4, 3), date(2026, 4, 6))) == []


def test_without_a_holiday_country_good_friday_is_a_working_day():
    """The holidays come from the policy's country: with none, Good Friday is a normal Friday."""
    calendar = policy(holiday_country=None).calendar(LONDON)
    assert calendar.seconds_between(local(2026, 4, 3), local(2026, 4, 4)) == 8.5 * HOUR


def test_add_skips_the_easter_weekend():
    """One business hour from Thursday 17:00 before Easter ends on Tuesday 08:30 (BST)."""
    calendar = policy(holiday_country="GB", holiday_subdivision="ENG").calendar(LONDON)
    assert calendar.add(local(2026, 4, 2, 17), HOUR) == local(2026, 4, 7, 8, 30)


def test_an_office_closed_day_counts_zero():
    """A day in office_closed_days has no business time even though it is a weekday."""
    calendar = policy(office_closed_days=["2026-03-11"]).calendar(LONDON)
    assert calendar.seconds_between(local(2026, 3, 11), local(2026, 3, 12)) == 0.0
    assert calendar.seconds_between(local(2026, 3, 10), local(2026, 3, 13)) == 2 * 8.5 * HOUR
    assert not calendar.is_open(local(2026, 3, 11, 10))
    assert calendar.add(local(2026, 3, 10, 17), HOUR) == local(2026, 3, 12, 8, 30)


def test_shipped_policy_skips_christmas_eve_christmas_and_boxing_day_observed():
    """With the shipped policy, 1 h from Wed 23 Dec 17:00 lands on Tue 29 Dec 08:30 (24th closed, 25th/28th holidays)."""
    shipped = datafiles.load_toml_model(SlaPolicy, "policies/sla.toml")
    calendar = shipped.calendar(LONDON)
    assert date(2026, 12, 24) in calendar.closed_days
    assert calendar.seconds_between(local(2026, 12, 24), local(2026, 12, 29)) == 0.0
    assert calendar.add(local(2026, 12, 23, 17), HOUR) == local(2026, 12, 29, 8, 30)


def test_a_business_day_is_a_day_the_desk_opens():
    """is_business_day: a weekday with hours, not a public holiday, an office closed day, a closure rule's day or a day with no hours."""
    calendar = policy(
        holiday_country="GB", holiday_subdivision="ENG", office_closed_days=["2026-12-24"],
        recurring_closures=["FREQ=MONTHLY;BYDAY=1MO"], hours={**WEEKDAYS_WITH_LUNCH, "wed": []},
    ).calendar(LONDON)
    assert calendar.is_business_day(date(2026, 3, 10))  # an ordinary Tuesday
    assert not calendar.is_business_day(date(2026, 3, 11))  # Wednesday: no hours
    assert not calendar.is_business_day(date(2026, 3, 14))  # Saturday
    assert not calendar.is_business_day(date(2026, 4, 3))  # Good Friday
    assert not calendar.is_business_day(date(2026, 5, 4))  # early May bank holiday
    assert not calendar.is_business_day(date(2026, 12, 24))  # the office's closed day
    assert not calendar.is_business_day(date(2026, 3, 2))  # the first Monday of the month


def test_holidays_are_looked_up_per_year():
    """A span over New Year counts neither the 31st (office closed) nor 1 January (holiday) in the shipped policy."""
    shipped = datafiles.load_toml_model(SlaPolicy, "policies/sla.toml")
    calendar = shipped.calendar(LONDON)
    # Wed 30 Dec 2026 is open 8.5 h; Thu 31 closed; Fri 1 Jan holiday; Mon 4 Jan open.
    assert calendar.seconds_between(local(2026, 12, 30), local(2027, 1, 4)) == 8.5 * HOUR
    assert calendar.add(local(2026, 12, 30, 17, 30), 60) == local(2027, 1, 4, 8, 1)


# --- Daylight saving time ----------------------------------------------------------------

SUNDAY_NIGHTS = {"sun": ["00:00-04:00"], "mon": ["08:00-17:30"]}


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 3, 29), 3),  # clocks go forward at 01:00 UTC
        (date(2026, 10, 25), 5),  # clocks go back at 01:00 UTC
        (date(2026, 3, 22), 4),  # an ordinary Sunday
    ],
)
def test_sunday_night_opening_across_a_clock_change(day, hours):
    """00:00-04:00 local is 3 h when the clocks go forward, 5 h when they go back, 4 h otherwise."""
    calendar = policy(hours=SUNDAY_NIGHTS).calendar(LONDON)
    start = local(day.year, day.month, day.day)
    assert calendar.seconds_between(start, start + timedelta(hours=30)) == hours * HOUR
    assert calendar.add(start, hours * HOUR) == local(day.year, day.month, day.day, 4)


def test_sunday_opening_intervals_in_utc_around_the_changes():
    """The 00:00-04:00 range maps to 00:00-03:00 UTC in March and 23:00 (Sat)-04:00 UTC in October."""
    calendar = policy(hours=SUNDAY_NIGHTS).calendar(LONDON)
    assert list(calendar.open_intervals(date(2026, 3, 29), date(2026, 3, 29))) == [(utc(2026, 3, 29, 0), utc(2026, 3, 29, 3))]
    assert list(calendar.open_intervals(date(2026, 10, 25), date(2026, 10, 25))) == [(utc(2026, 10, 24, 23), utc(2026, 10, 25, 4))]


def test_the_repeated_hour_in_october_counts_twice():
    """Both 01:00-02:00 hours of 25 October (BST then GMT) are inside the opening: 2 h from 01:00 BST to 02:00 GMT."""
    calendar = policy(hours=SUNDAY_NIGHTS).calendar(LONDON)
    assert calendar.seconds_between(local(2026, 10, 25, 1), local(2026, 10, 25, 2)) == 2 * HOUR
    assert calendar.is_open(local(2026, 10, 25, 1, 30, fold=1))


NIGHT_DESK = {day: ["01:30-02:30"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.mark.parametrize(
    ("day", "minutes"),
    [
        (date(2026, 3, 29), 30),  # 01:00-02:00 local does not exist: 02:00-02:30 BST does
        (date(2026, 10, 25), 90),  # 01:30-02:00 BST, then 01:30-02:30 GMT
        (date(2026, 3, 28), 60),
    ],
)
def test_a_desk_open_in_the_small_hours_counts_the_minutes_that_exist(day, minutes):
    """A desk open 01:30-02:30 counts 30 minutes on the night the clocks go forward (not 0), 90 when they go back."""
    calendar = policy(hours=NIGHT_DESK).calendar(LONDON)
    start = local(day.year, day.month, day.day)
    assert calendar.seconds_between(start, start + timedelta(hours=12)) == minutes * 60
    assert sum((end - begin).total_seconds() for begin, end in calendar.open_intervals(day, day)) == minutes * 60


def test_the_opening_that_exists_on_the_spring_night_is_from_the_jump_to_0230():
    """The 30 minutes are 02:00-02:30 BST (01:00-01:30 UTC): add() finds them."""
    calendar = policy(hours=NIGHT_DESK).calendar(LONDON)
    assert list(calendar.open_intervals(date(2026, 3, 29), date(2026, 3, 29))) == [(utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30))]
    assert calendar.add(utc(2026, 3, 29, 0, 0), 20 * 60) == utc(2026, 3, 29, 1, 20)


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 3, 30), 24)])
def test_a_full_day_in_24x7_follows_the_clock_change(day, hours):
    """A 24x7 calendar's local day is 23 h when the clocks go forward and 25 h when they go back."""
    calendar = BusinessCalendar.always_open(LONDON)
    start = local(day.year, day.month, day.day)
    end = local(*(day + timedelta(days=1)).timetuple()[:3])
    assert end - start == timedelta(hours=hours)
    assert calendar.seconds_between(start, end) == hours * HOUR
    assert calendar.add(start, hours * HOUR) == end


def test_24x7_add_counts_elapsed_time_not_wall_clock_time():
    """24 h of 24x7 time from Saturday noon before the spring change ends at 13:00 BST on Sunday."""
    calendar = BusinessCalendar.always_open(LONDON)
    assert calendar.add(local(2026, 3, 28, 12), 24 * HOUR) == local(2026, 3, 29, 13)
    assert calendar.add(local(2026, 10, 24, 12), 24 * HOUR) == local(2026, 10, 25, 11)


@pytest.mark.parametrize(
    ("monday", "opens_utc"),
    [(date(2026, 3, 30), utc(2026, 3, 30, 7)), (date(2026, 10, 26), utc(2026, 10, 26, 8))],
)
def test_monday_after_a_clock_change_opens_at_local_eight(monday, opens_utc):
    """08:00-17:30 on the Monday after each change is 9.5 h from 07:00 UTC (BST) or 08:00 UTC (GMT)."""
    calendar = policy(hours=SUNDAY_NIGHTS).calendar(LONDON)
    assert list(calendar.open_intervals(monday, monday)) == [(opens_utc, opens_utc + timedelta(hours=9.5))]
    start = local(monday.year, monday.month, monday.day)
    assert calendar.seconds_between(start, start + timedelta(days=1)) == 9.5 * HOUR
    assert calendar.is_open(opens_utc)
    assert not calendar.is_open(opens_utc - timedelta(seconds=1))


def test_opening_hours_follow_the_office_zone():
    """The same hours read in New York open at 13:00 UTC in winter (EST) and 12:00 UTC in summer (EDT)."""
    calendar = policy(hours={"mon": ["08:00-17:30"]}).calendar(ZoneInfo("America/New_York"))
    assert next(calendar.open_intervals(date(2026, 1, 12), date(2026, 1, 12)))[0] == utc(2026, 1, 12, 13)
    assert next(calendar.open_intervals(date(2026, 6, 15), date(2026, 6, 15)))[0] == utc(2026, 6, 15, 12)


def test_a_range_may_end_at_midnight():
    """``22:00-24:00`` runs to the next local midnight."""
    calendar = policy(hours={"mon": ["22:00-24:00"]}).calendar(LONDON)
    assert list(calendar.open_intervals(date(2026, 3, 9), date(2026, 3, 9))) == [(utc(2026, 3, 9, 22), utc(2026, 3, 10, 0))]
    assert calendar.weekly[0] == (Range(22 * 60, 1440),)


# --- seconds_excluding -------------------------------------------------------------------


def test_seconds_excluding_removes_only_the_business_part_of_a_pause():
    """A pause from Friday 17:00 to Monday 10:00 removes 17:00-17:30 on Friday and 08:00-10:00 on Monday."""
    calendar = policy().calendar(LONDON)
    start, end = local(2026, 3, 13, 16), local(2026, 3, 16, 11)
    pause = (local(2026, 3, 13, 17), local(2026, 3, 16, 10))
    assert calendar.seconds_between(start, end) == 4.5 * HOUR
    assert seconds_excluding(calendar, start, end, [pause]) == 2 * HOUR


def test_seconds_excluding_an_open_pause_runs_to_the_end():
    """A pause with no end excludes everything from its start to ``end``."""
    calendar = policy().calendar(LONDON)
    start, end = local(2026, 3, 11, 9), local(2026, 3, 11, 16)
    assert seconds_excluding(calendar, start, end, [(local(2026, 3, 11, 11), None)]) == 2 * HOUR


def test_seconds_excluding_clips_pauses_to_the_interval():
    """Pause time outside start..end is not taken off."""
    calendar = policy().calendar(LONDON)
    start, end = local(2026, 3, 11, 9), local(2026, 3, 11, 11)
    pauses = [(local(2026, 3, 11, 8), local(2026, 3, 11, 9, 30)), (local(2026, 3, 11, 10, 30), local(2026, 3, 11, 15))]
    assert seconds_excluding(calendar, start, end, pauses) == HOUR


# --- Property ----------------------------------------------------------------------------

SHIPPED_CALENDAR = datafiles.load_toml_model(SlaPolicy, "policies/sla.toml").calendar(LONDON)


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    seconds=st.floats(min_value=0, max_value=200 * HOUR, allow_nan=False, allow_infinity=False),
)
def test_add_then_measure_gives_back_the_duration(start, seconds):
    """For any start and duration, seconds_between(start, add(start, s)) == s (shipped calendar, London)."""
    end = SHIPPED_CALENDAR.add(start, seconds)
    assert end >= start
    assert SHIPPED_CALENDAR.seconds_between(start, end) == pytest.approx(seconds, abs=1.0)
