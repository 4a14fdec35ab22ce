"""A practice call as it unfolds: the caller's lines and the trainer's clock.

:class:`CallerScript` keeps what the practice caller has said: the opening, the
script lines the trainer advances to, and the reactions to what the analyst does
(matched against the call's new events). :func:`clock_jumps` lists the moves a
trainer can make with the clock so SLA warnings, breaches and promise reminders
fire in front of the class. No Textual here: the caller panel only draws this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from deskcli.services.timekeeping.business_time import BusinessCalendar
from deskcli.services.training.scenarios import Answer, Scenario


@dataclass(frozen=True)
class CallerLine:
    """One thing the caller said, and why (the script, or a reaction to the analyst)."""

    text: str
    source: str
    """``opening``, ``script`` or ``reaction:<trigger>``."""


@dataclass
class CallerScript:
    """The practice caller of one scenario, from the opening line on."""

    scenario: Scenario
    said: list[CallerLine] = field(default_factory=list)
    position: int = 0
    """How many script lines have been said."""
    seen_event_id: int = 0
    """Events up to this id have been reacted to."""

    def __post_init__(self) -> None:
        if not self.said:
            self.said.append(CallerLine(self.scenario.opening, "opening"))

    @property
    def answers(self) -> list[Answer]:
        """What the caller says when asked (the trainer reads these out)."""
        return list(self.scenario.answers)

    @property
    def next_hint(self) -> str:
        """What a good analyst does now: the hint of the line last said (or the first one)."""
        lines = self.scenario.script
        if not lines:
            return ""
        return lines[max(0, self.position - 1)].hint if self.position else lines[0].hint

    @property
    def lines_left(self) -> int:
        """Script lines the trainer has not advanced to yet."""
        return len(self.scenario.script) - self.position

    def advance(self) -> CallerLine | None:
        """The next line of the script (``None`` at the end)."""
        if self.position >= len(self.scenario.script):
            return None
        line = self.scenario.script[self.position]
        self.position += 1
        said = CallerLine(line.say, "script")
        self.said.append(said)
        return said

    def react(self, events: Iterable[tuple[int, str, Mapping[str, Any]]]) -> list[CallerLine]:
        """The caller's reactions to new events ``(id, kind, payload)``, each event once."""
        new: list[CallerLine] = []
        for event_id, kind, payload in sorted(events, key=lambda event: event[0]):
            if event_id <= self.seen_event_id:
                continue
            self.seen_event_id = event_id
            for reaction in self.scenario.reactions_to(kind, payload):
                line = CallerLine(reaction.say, f"reaction:{reaction.on}")
                self.said.append(line)
                new.append(line)
        return new


@dataclass(frozen=True)
class ClockJump:
    """A move of the trainer's clock."""

    key: str
    label: str
    to: datetime


def next_opening(calendar: BusinessCalendar, now: datetime) -> datetime:
    """When the desk next opens on a later day than today (the "next morning")."""
    today = now.astimezone(calendar.zone).date()
    for start, _end in calendar.open_intervals(today + timedelta(days=1), today + timedelta(days=21)):
        return start
    return now + timedelta(days=1)


def clock_jumps(now: datetime, calendar: BusinessCalendar) -> list[ClockJump]:
    """The trainer's quick moves: a quarter of an hour, an hour, half a day, the next morning."""
    return [
        ClockJump("1", "+15 minutes", now + timedelta(minutes=15)),
        ClockJump("2", "+1 hour", now + timedelta(hours=1)),
        ClockJump("3", "+4 hours", now + timedelta(hours=4)),
        ClockJump("4", "next morning, opening time", next_opening(calendar, now)),
    ]


def practice_start(now: datetime, call_time: time | None, calendar: BusinessCalendar) -> datetime:
    """When the practice call starts: at the scenario's time of day on today or the next
    working day (an SLA "about to breach" needs a working day), else now."""
    if call_time is None:
        return now
    day: date = now.astimezone(calendar.zone).date()
    for _ in range(21):
        if next(calendar.open_intervals(day, day), None) is not None:
            break
        day += timedelta(days=1)
    return datetime.combine(day, call_time, tzinfo=calendar.zone).astimezone(now.tzinfo)
