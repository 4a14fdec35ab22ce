"""The practice caller's script and reactions, and the trainer's clock moves (no screens)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskcli.core.enums import CommitmentKind, EventKind
from deskcli.services.training.practice import CallerScript, clock_jumps, next_opening, practice_start
from deskcli.services.training.scenarios import get_scenario

LONDON = ZoneInfo("Europe/London")


def test_the_caller_opens_then_says_the_script_line_by_line(policies):
    scenario = get_scenario("printer-offline")
    script = CallerScript(scenario)
    assert [line.source for line in script.said] == ["opening"]
    assert script.said[0].text == scenario.opening
    assert script.next_hint == scenario.script[0].hint
    for number, expected in enumerate(scenario.script, start=1):
        line = script.advance()
        assert line is not None and line.text == expected.say
        assert script.lines_left == len(scenario.script) - number
        assert script.next_hint == expected.hint
    assert script.advance() is None
    assert len(script.said) == 1 + len(scenario.script)


def test_reactions_answer_each_event_once_in_order():
    scenario = get_scenario("printer-offline")
    script = CallerScript(scenario)
    events = [
        (5, EventKind.HOLD_STARTED.value, {"number": 1}),
        (3, EventKind.ACKNOWLEDGED.value, {"method": "verbal"}),
        (4, EventKind.NOTES_SAVED.value, {}),
    ]
    lines = script.react(events)
    assert [line.source for line in lines] == ["reaction:acknowledged", "reaction:hold_started"]
    assert script.seen_event_id == 5
    assert script.react(events) == []  # already answered
    agreed = script.react([(9, EventKind.CUSTOMER_AGREED.value, {})])
    assert [line.source for line in agreed] == ["reaction:customer_agreed"]


def test_a_callback_reaction_matches_only_a_callback_promise():
    scenario = get_scenario("printer-offline")
    matched = scenario.reactions_to(EventKind.COMMITMENT_MADE.value, {"kind": CommitmentKind.FOLLOW_UP.value})
    assert all(reaction.on != "callback_offered" for reaction in matched)


def test_clock_jumps_and_the_next_morning(policies):
    calendar = policies.sla.calendar(LONDON)
    friday_afternoon = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # Friday 15:00 London
    jumps = {jump.key: jump for jump in clock_jumps(friday_afternoon, calendar)}
    assert jumps["1"].to - friday_afternoon == timedelta(minutes=15)
    assert jumps["2"].to - friday_afternoon == timedelta(hours=1)
    morning = next_opening(calendar, friday_afternoon).astimezone(LONDON)
    assert morning.weekday() == 0  # the weekend is skipped
    assert jumps["4"].to == next_opening(calendar, friday_afternoon)
    assert calendar.is_open(jumps["4"].to) and not calendar.is_open(jumps["4"].to - timedelta(minutes=1))


def test_the_practice_starts_at_the_scenarios_time_on_a_working_day(policies):
    calendar = policies.sla.calendar(LONDON)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    start = practice_start(saturday, time(16, 40), calendar).astimezone(LONDON)
    assert (start.weekday(), start.hour, start.minute) == (0, 16, 40)
    assert practice_start(saturday, None, calendar) == saturday
