"""Periods as a desk manager names them (reports, history, exports): one parser for all three."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deskcli.core.errors import RuleViolation
from deskcli.services.reports.period import parse_bounds, parse_period

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "first", "last", "kind"),
    [
        ("today", "2026-03-18", "2026-03-18", "day"),
        ("week", "2026-03-16", "2026-03-22", "week"),
        ("last-week", "2026-03-09", "2026-03-15", "week"),
        ("last-month", "2026-02-01", "2026-02-28", "month"),
        ("7d", "2026-03-12", "2026-03-18", "range"),
        ("2026-W11", "2026-03-09", "2026-03-15", "week"),
        ("2025", "2025-01-01", "2025-12-31", "year"),
        ("2026-03-01..2026-03-31", "2026-03-01", "2026-03-31", "range"),
    ],
)
def test_periods_read_as_named(text: str, first: str, last: str, kind: str) -> None:
    period = parse_period(text, now=NOW, zone=LONDON)
    assert (str(period.first), str(period.last), period.kind) == (first, last, kind)


def test_a_week_over_the_clock_change_is_as_long_as_the_office_lived_it() -> None:
    period = parse_period("2026-W13", now=NOW, zone=LONDON)  # 23-29 March 2026; clocks go forward on the 29th
    assert (period.end - period.start).total_seconds() == 167 * 3600


def test_bounds_may_leave_one_end_open() -> None:
    assert parse_bounds("2026-03..", now=NOW, zone=LONDON) == (datetime(2026, 3, 1, tzinfo=UTC), None)
    assert parse_bounds("..2025", now=NOW, zone=LONDON) == (None, datetime(2026, 1, 1, tzinfo=UTC))
    assert parse_bounds("2026-07-01", now=NOW, zone=LONDON) == (
        datetime(2026, 6, 30, 23, 0, tzinfo=UTC), datetime(2026, 7, 1, 23, 0, tzinfo=UTC))  # BST midnights


@pytest.mark.parametrize(
    ("text", "message"),
    [("..", "neither a start nor an end"), ("last fortnight", "is not a period"), ("2026-02-30", "not a real date"),
     ("2026-03-10..2026-03-01", "before it starts"), ("2026-W54", "has no ISO week")],
)
def test_a_bad_period_names_what_was_wrong(text: str, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        parse_bounds(text, now=NOW, zone=LONDON)
