"""The time parser: what analysts type, read in the office zone, returned in UTC; refusals say why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskcli.services.timekeeping.timeparse import ParsedTime, parse_when

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
"""Tuesday 10 March 2026, 14:00 UTC (also 14:00 in London: GMT until the 29th)."""


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def parse(text: str, now: datetime = NOW, zone: ZoneInfo = LONDON) -> ParsedTime:
    return parse_when(text, now, zone)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15:05", utc(2026, 3, 10, 15, 5)),
        ("3.05pm", utc(2026, 3, 10, 15, 5)),
        ("3:05 pm", utc(2026, 3, 10, 15, 5)),
        ("3:05 p.m.", utc(2026, 3, 10, 15, 5)),
        ("today 5pm", utc(2026, 3, 10, 17, 0)),
        ("tomorrow 10am", utc(2026, 3, 11, 10, 0)),
        ("tomorrow at 3pm", utc(2026, 3, 11, 15, 0)),
        ("Tomorrow  10AM", utc(2026, 3, 11, 10, 0)),
        ("tomorrow 00:30", utc(2026, 3, 11, 0, 30)),
        ("+2h", utc(2026, 3, 10, 16, 0)),
        ("+1h30", utc(2026, 3, 10, 15, 30)),
        ("+1h30m", utc(2026, 3, 10, 15, 30)),
        ("in 30 min", utc(2026, 3, 10, 14, 30)),
        ("in 2 days", utc(2026, 3, 12, 14, 0)),
        ("mon 9:00", utc(2026, 3, 16, 9, 0)),
        ("tue 15:00", utc(2026, 3, 10, 15, 0)),
        ("tue 9:00", utc(2026, 3, 17, 9, 0)),
        ("next tue 9:00", utc(2026, 3, 17, 9, 0)),
        ("friday 4pm", utc(2026, 3, 13, 16, 0)),
        ("2026-03-12 14:00", utc(2026, 3, 12, 14, 0)),
        ("2026-03-12T14:00Z", utc(2026, 3, 12, 14, 0)),
        ("2026-03-12T14:00+01:00", utc(2026, 3, 12, 13, 0)),
        ("12 mar 10:00", utc(2026, 3, 12, 10, 0)),
        ("mar 12 10am", utc(2026, 3, 12, 10, 0)),
        ("12th march 10am", utc(2026, 3, 12, 10, 0)),
    ],
)
def test_accepted_forms_resolve_to_the_right_utc_moment(text, expected):
    """Each documented form is read in London time and returned as the exact UTC moment."""
    result = parse(text)
    assert result.ok, result.error
    assert result.error is None
    assert result.when == expected
    assert result.when.tzinfo is UTC


def test_same_weekday_before_the_time_means_today_after_it_next_week():
    """A weekday named on that weekday is today if the time is still ahead, else a week later."""
    assert parse("tue 15:00").when == utc(2026, 3, 10, 15, 0)
    assert parse("tue 9:00").when == utc(2026, 3, 17, 9, 0)
    assert parse("tue 14:00").when == utc(2026, 3, 17, 14, 0)  # exactly now is not the future


def test_next_weekday_is_always_strictly_after_today():
    """``next tue`` said on a Tuesday means next week, even when the time is still ahead today."""
    assert parse("next tue 15:00").when == utc(2026, 3, 17, 15, 0)
    assert parse("next wed 9:00").when == utc(2026, 3, 11, 9, 0)


def test_understood_text_describes_the_local_moment_and_zone():
    """The result says how it was read: today/tomorrow, the local date and time, and the zone."""
    assert parse("15:05").understood == "today, Tue 10 Mar 2026 15:05 (Europe/London)"
    assert parse("tomorrow 10am").understood == "tomorrow, Wed 11 Mar 2026 10:00 (Europe/London)"
    assert parse("mon 9:00").understood == "Mon 16 Mar 2026 09:00 (Europe/London)"


def test_day_month_already_past_this_year_means_next_year():
    """A day and month earlier than today is read as that date next year."""
    assert parse("9 mar 10:00").when == utc(2027, 3, 9, 10, 0)


def test_noon_already_passed_is_refused_with_what_was_understood():
    """``noon`` at 14:00 is understood as today 12:00, which has passed: refused, saying so."""
    result = parse("noon")
    assert not result.ok and result.when is None
    assert result.understood == "today, Tue 10 Mar 2026 12:00 (Europe/London)"
    assert "already passed" in result.error
    assert "12:00" in result.error


def test_noon_tomorrow_is_accepted():
    """``tomorrow noon`` is 12:00 the next day."""
    assert parse("tomorrow noon").when == utc(2026, 3, 11, 12, 0)


@pytest.mark.parametrize(
    ("text", "understood_part"),
    [
        ("13:00", "today, Tue 10 Mar 2026 13:00"),
        ("2026-03-09 10:00", "Mon 09 Mar 2026 10:00"),
        ("10 mar 9am", "today, Tue 10 Mar 2026 09:00"),
        ("14:00", "today, Tue 10 Mar 2026 14:00"),
    ],
)
def test_past_times_are_refused_saying_what_was_understood(text, understood_part):
    """A time at or before now is refused; the message and ``understood`` name the moment."""
    result = parse(text)
    assert not result.ok
    assert "already passed" in result.error
    assert understood_part in result.understood
    assert understood_part in result.error


def test_allow_past_accepts_a_past_time():
    """With ``allow_past`` a past time is returned instead of refused."""
    result = parse_when("13:00", NOW, LONDON, allow_past=True)
    assert result.ok and result.when == utc(2026, 3, 10, 13, 0)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("3:05", ["ambiguous", "night or afternoon", "3:05pm", "15:05", "03:05"]),
        ("12/03 10:00", ["ambiguous", "day/month or month/day", "2026-03-12", "12 Mar"]),
        ("12.03 10:00", ["ambiguous", "day/month"]),
        ("midnight", ["midnight is ambiguous", "23:59", "tomorrow 00:00"]),
        ("9", ["add am/pm or minutes", "9pm", "9:00"]),
        ("25:00", ["hours go up to 23"]),
        ("10:61", ["minutes go up to 59"]),
        ("13pm", ["with am/pm the hour is 1 to 12"]),
        ("tomorrow", ["tomorrow: at what time?", "tomorrow 10:00"]),
        ("mon", ["mon: at what time?"]),
        ("2026-03-12", ["at what time?"]),
        ("+0m", ["that is now", "future"]),
        ("in 0 hours", ["that is now"]),
        ("+2 fortnights", ["unknown unit", "min, h, d, week or month"]),
        ("+2d30", ["only hours can be followed by minutes"]),
        ("+500d", ["more than a year ahead"]),
        ("2027-06-01 10:00", ["more than a year ahead"]),
        ("banana", ["could not read", "15:05"]),
        ("tomorrow banana", ["could not read 'banana'"]),
        ("31 feb 10:00", ["31 feb is not a date"]),
        ("2026-02-30 10:00", ["2026-02-30 is not a date"]),
        ("", ["type a time", "15:05"]),
        ("   ", ["type a time"]),
        ("x" * 61, ["too long"]),
    ],
)
def test_refusals_say_what_was_wrong_or_what_to_type(text, says):
    """Ambiguous, impossible, incomplete or nonsense input is refused with a helpful message."""
    result = parse(text)
    assert not result.ok
    assert result.when is None
    assert result.error
    for part in says:
        assert part in result.error


def test_a_bare_hour_is_refused_but_with_minutes_it_is_read_as_24_hour_clock():
    """``9`` is refused; ``09:05`` and ``19:05`` are unambiguous 24-hour times."""
    assert not parse("9").ok
    assert parse("19:05").when == utc(2026, 3, 10, 19, 5)
    assert parse("tomorrow 09:05").when == utc(2026, 3, 11, 9, 5)
    assert parse("tomorrow 7:30").when == utc(2026, 3, 11, 7, 30)


def test_rejection_of_a_time_of_day_keeps_the_day_that_was_understood():
    """``tomorrow 25:00`` is refused for the hour, and ``understood`` still says tomorrow."""
    result = parse("tomorrow 25:00")
    assert not result.ok
    assert "hours go up to 23" in result.error
    assert result.understood == "tomorrow"


def test_a_local_time_skipped_by_the_clocks_going_forward_is_refused():
    """01:30 on 29 March 2026 does not exist in London: refused, saying the clocks go forward."""
    result = parse("2026-03-29 01:30")
    assert not result.ok
    assert "does not exist" in result.error and "clocks go forward" in result.error
    assert "Sun 29 Mar" in result.understood and "01:30" in result.understood


def test_a_local_time_that_happens_twice_is_refused():
    """01:30 on 25 October 2026 happens twice in London: refused, saying the clocks go back."""
    result = parse("2026-10-25 01:30")
    assert not result.ok
    assert "happens twice" in result.error and "clocks go back" in result.error


def test_weekday_across_the_change_to_summer_time_uses_bst():
    """Said on Friday 27 March, ``mon 9:00`` is 09:00 BST on the 30th, i.e. 08:00 UTC."""
    result = parse("mon 9:00", now=utc(2026, 3, 27, 12, 0))
    assert result.when == utc(2026, 3, 30, 8, 0)
    assert "09:00" in result.understood


def test_relative_time_across_the_change_is_exact_elapsed_time():
    """``+24h`` across the clocks going forward is 24 real hours, shown as 25:00 on the wall clock."""
    result = parse("+24h", now=utc(2026, 3, 28, 12, 0))
    assert result.when == utc(2026, 3, 29, 12, 0)
    assert "13:00" in result.understood


def test_tomorrow_across_the_change_back_to_winter_time():
    """``tomorrow 10am`` said on Saturday 24 October is 10:00 GMT on the 25th (10:00 UTC), not 09:00."""
    result = parse("tomorrow 10am", now=utc(2026, 10, 24, 12, 0))
    assert result.when == utc(2026, 10, 25, 10, 0)
    before = parse("tomorrow 10am", now=utc(2026, 10, 23, 12, 0))
    assert before.when == utc(2026, 10, 24, 9, 0)  # still BST on the 24th


def test_other_office_zone_new_york():
    """In New York (EDT from 8 March 2026) local times are four hours behind UTC."""
    assert parse("15:05", zone=NEW_YORK).when == utc(2026, 3, 10, 19, 5)
    assert parse("tomorrow 10am", zone=NEW_YORK).when == utc(2026, 3, 11, 14, 0)
    # 14:00 UTC is 10:00 in New York, so 9:00 on this Tuesday has passed there too.
    assert parse("tue 9:00", zone=NEW_YORK).when == utc(2026, 3, 17, 13, 0)
    assert parse("tue 11:00", zone=NEW_YORK).when == utc(2026, 3, 10, 15, 0)
    assert "(America/New_York)" in parse("15:05", zone=NEW_YORK).understood


def test_new_york_today_is_the_local_day_not_the_utc_day():
    """At 02:00 UTC it is still the previous evening in New York: ``today`` is that local day."""
    result = parse("today 11pm", now=utc(2026, 3, 11, 2, 0), zone=NEW_YORK)
    assert result.when == utc(2026, 3, 11, 3, 0)
    assert result.understood.startswith("today, Tue 10 Mar 2026 23:00")


@pytest.mark.parametrize("text", ["3.05 pm", "10.30 am"])
def test_dotted_time_with_spaced_am_pm_is_a_time(text):
    """``3.05pm`` is documented; the same time written ``3.05 pm`` is unambiguous and must be read too."""
    result = parse(f"tomorrow {text}")  # at 14:00 today, 10.30 am has passed
    assert result.ok, result.error


def _suggested_forms(hour: int) -> list[str]:
    """The forms the refusal of a bare ``hour`` tells the analyst to type."""
    result = parse(str(hour))
    assert not result.ok
    return result.error.split("(e.g. ")[1].rstrip(")").split(" or ")


@pytest.mark.parametrize("hour", [7, 9, 12])
def test_the_suggestion_for_a_bare_morning_hour_is_accepted(hour):
    """For a bare ``9`` the refusal suggests ``9pm`` or ``9:00``, and both are accepted."""
    forms = _suggested_forms(hour)
    assert forms == [f"{hour}pm", f"{hour}:00"]
    assert all(parse(f"tomorrow {form}").ok for form in forms)


@pytest.mark.parametrize("hour", [0, 3, 13, 17])
def test_the_suggestion_for_a_bare_hour_is_itself_accepted(hour):
    """The refusal of a bare hour names forms to type; every one of them must be accepted."""
    for form in _suggested_forms(hour):
        assert parse(f"tomorrow {form}").ok, f"{form}: {parse(f'tomorrow {form}').error}"


# --- properties -------------------------------------------------------------------

def _check_contract(result: ParsedTime, now: datetime) -> None:
    assert isinstance(result, ParsedTime)
    if result.ok:
        assert result.error is None
        assert result.when.tzinfo is not None and result.when.utcoffset() == timedelta(0)
        assert result.when > now
    else:
        assert result.when is None
        assert isinstance(result.error, str) and result.error


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    """Any text gives either an accepted future UTC time or an error string, never an exception."""
    _check_contract(parse_when(text, NOW, LONDON), NOW)


_TOKENS = [
    "today", "tomorrow", "next", "mon", "tue", "sun", "mar", "oct", "12", "29", "3", "9", "10am",
    "3.05pm", "15:05", "01:30", "00:00", "noon", "midnight", "at", "in", "+", "+2h", "h", "min",
    "days", "2026-03-29", "2026-10-25", "T", "Z", "12/03", "pm", "am", ":", ".", "-", " ", "99",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=5).map(" ".join),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)),
    st.sampled_from([LONDON, NEW_YORK, ZoneInfo("UTC"), ZoneInfo("Australia/Lord_Howe")]),
)
def test_contract_holds_for_time_like_text_at_any_moment_and_zone(text, now, zone):
    """Plausible time-like input at any moment in any zone still honours the accept-or-explain contract."""
    _check_contract(parse_when(text, now, zone), now)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=500),
    st.sampled_from([("+{n}h", 60), ("in {n} min", 1), ("+{n}m", 1), ("in {n} hours", 60), ("+{n} mins", 1)]),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)),
)
def test_relative_inputs_are_exactly_now_plus_the_delta(n, form, now):
    """``+{n}h`` / ``in {n} min`` always give exactly now + n hours / minutes."""
    pattern, minutes = form
    result = parse_when(pattern.format(n=n), now, LONDON)
    assert result.ok, result.error
    assert result.when == now + timedelta(minutes=n * minutes)
    assert result.when.utcoffset() == timedelta(0)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=23), st.integers(min_value=0, max_value=59))
def test_relative_hours_and_minutes_add_up(hours, minutes):
    """``+{h}h{m}`` is now + h hours + m minutes."""
    result = parse_when(f"+{hours}h{minutes:02d}", NOW, LONDON)
    assert result.when == NOW + timedelta(hours=hours, minutes=minutes)


# --- the odd days: 29 February ahead, and +1d across the clocks changing ----------------


def test_29_february_typed_in_december_is_next_february():
    """On 1 Dec 2027, 29 Feb 2028 is ahead (2027 has no 29 Feb): accepted, not "not a date"."""
    result = parse("29 feb 10:00", now=utc(2027, 12, 1, 10, 0))
    assert result.ok, result.error
    assert result.when == utc(2028, 2, 29, 10, 0)


def test_29_february_in_a_year_without_one_is_too_far_not_not_a_date():
    """On 1 Mar 2026 the next 29 February is in 2028: refused as too far ahead, saying which day."""
    result = parse("29 feb 10:00", now=utc(2026, 3, 1, 10, 0))
    assert not result.ok
    assert "29 Feb 2028" in result.error and "more than a year ahead" in result.error


def test_a_day_no_month_has_is_not_a_date():
    assert parse("31 apr 10:00").error == "31 apr is not a date"


def test_plus_one_day_is_the_same_time_tomorrow_across_the_clocks_going_forward():
    """Saturday 28 March 12:00 GMT: +1d is Sunday 12:00 BST, 23 hours away, and the text says so."""
    result = parse("+1d", now=utc(2026, 3, 28, 12, 0))
    assert result.when == utc(2026, 3, 29, 11, 0)
    assert "Sun 29 Mar 2026 12:00" in result.understood
    assert "same time of day" in result.understood and "23 hours from now" in result.understood


def test_plus_one_day_is_the_same_time_tomorrow_across_the_clocks_going_back():
    """Saturday 24 October 12:00 BST: +1d is Sunday 12:00 GMT, 25 hours away."""
    result = parse("+1d", now=utc(2026, 10, 24, 11, 0))
    assert result.when == utc(2026, 10, 25, 12, 0)
    assert "Sun 25 Oct 2026 12:00" in result.understood and "25 hours from now" in result.understood


def test_plus_one_day_on_an_ordinary_day_is_24_hours_and_says_same_time_of_day():
    result = parse("+1d")
    assert result.when == NOW + timedelta(days=1)
    assert result.understood.endswith("the same time of day, 1 day on")


def test_plus_24_hours_is_elapsed_time_and_says_the_time_of_day_moves():
    """+24h across the change stays 24 real hours; the text warns that the wall clock moves."""
    result = parse("+24h", now=utc(2026, 3, 28, 12, 0))
    assert result.when == utc(2026, 3, 29, 12, 0)
    assert "13:00" in result.understood and "time of day moves" in result.understood
    assert "time of day moves" not in parse("+24h").understood


def test_plus_one_day_into_the_skipped_hour_is_refused_offering_hours():
    """01:30 on Saturday: +1d would be 01:30 on Sunday, which does not exist; +24h is offered."""
    result = parse("+1d", now=utc(2026, 3, 28, 1, 30))
    assert not result.ok
    assert "does not exist" in result.error and "+24h" in result.error
    assert parse("+24h", now=utc(2026, 3, 28, 1, 30)).ok


def test_plus_one_month_keeps_the_time_and_clamps_to_the_end_of_the_month():
    """relativedelta: 31 January + 1 month is 28 February, and the text says why."""
    result = parse("+1 month", now=utc(2026, 1, 31, 10, 0))
    assert result.when == utc(2026, 2, 28, 10, 0)
    assert "the last day of that month" in result.understood
    assert parse("in 2 weeks").when == NOW + timedelta(days=14)
    assert not parse("+14 months").ok


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["+{n}d", "in {n} days", "+{n} day"]),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)),
    st.sampled_from([LONDON, NEW_YORK, ZoneInfo("Australia/Lord_Howe")]),
)
def test_calendar_days_keep_the_time_of_day(n, form, now, zone):
    """``+{n}d`` is refused (a skipped or repeated time) or lands at the same wall time n days on."""
    result = parse_when(form.format(n=n), now, zone)
    if not result.ok:
        assert "does not exist" in result.error or "happens twice" in result.error
        return
    before, after = now.astimezone(zone), result.when.astimezone(zone)
    assert after.date() == before.date() + timedelta(days=n)
    assert (after.hour, after.minute, after.second) == (before.hour, before.minute, before.second)
