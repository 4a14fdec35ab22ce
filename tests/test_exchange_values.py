"""Cells into values: dates without guessing, vocabularies of other desks, markers for "not known"."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deskcli.core.enums import CallStatus, Channel
from deskcli.services.exchange import values
from deskcli.services.exchange.dates import DateError, DateReader

LONDON = ZoneInfo("Europe/London")


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", _utc(2024, 3, 5, 0, 0)),
        ("2024-03-05T14:05", _utc(2024, 3, 5, 14, 5)),
        ("2024-03-05 14:05:09", _utc(2024, 3, 5, 14, 5, 9)),
        ("2024-07-05 14:05", _utc(2024, 7, 5, 13, 5)),  # London summer time
        ("2024-07-05T14:05:00+02:00", _utc(2024, 7, 5, 12, 5)),
        ("2024-07-05T14:05:00Z", _utc(2024, 7, 5, 14, 5)),
        ("2024/03/05 09:15", _utc(2024, 3, 5, 9, 15)),
        ("05-03-2024 09:15", _utc(2024, 3, 5, 9, 15)),  # DD-MM-YYYY HH:MM
        ("05.03.2024", _utc(2024, 3, 5)),
        ("13/03/2024 09:15", _utc(2024, 3, 13, 9, 15)),  # only day first can be right
        ("03/13/2024 2:05 PM", _utc(2024, 3, 13, 14, 5)),  # only month first can be right
        ("02/02/2024", _utc(2024, 2, 2)),  # either way the same day
        ("5 Mar 2024 2:05 pm", _utc(2024, 3, 5, 14, 5)),
        ("March 5, 2024", _utc(2024, 3, 5)),
    ],
)
def test_dates_exports_write(text: str, expected: datetime) -> None:
    """ISO, day-first with dashes, slashes the numbers settle, month names; local times are the office's."""
    assert DateReader(LONDON).parse(text) == expected


def test_an_ambiguous_slashed_date_is_an_error_and_counted() -> None:
    """03/05/2024 could be 3 May or March 5: refused, with the option that settles it."""
    reader = DateReader(LONDON)
    with pytest.raises(DateError, match=r"ambiguous.*--date-format DD/MM/YYYY or MM/DD/YYYY"):
        reader.parse("03/05/2024")
    assert reader.ambiguous == 1


def test_a_file_mixing_day_first_and_month_first_dates_is_flagged() -> None:
    """13/03 (day first) then 03/14 (month first): the second is an error naming the first; the first order stands."""
    reader = DateReader(LONDON)
    assert reader.parse("13/03/2024") == _utc(2024, 3, 13)
    with pytest.raises(DateError, match=r"'03/14/2024' can only be month first, but '13/03/2024' earlier.*mixes both orders"):
        reader.parse("03/14/2024")
    assert reader.parse("14/03/2024") == _utc(2024, 3, 14)  # the file's order goes on reading
    assert DateReader(LONDON, "MM/DD/YYYY").parse("03/14/2024") == _utc(2024, 3, 14)


@pytest.mark.parametrize(
    ("date_format", "expected"),
    [("DD/MM/YYYY", _utc(2024, 1, 3)), ("MM/DD/YYYY", _utc(2024, 3, 1)), ("%m/%d/%Y", _utc(2024, 3, 1))],
)
def test_date_format_settles_the_file(date_format: str, expected: datetime) -> None:
    """--date-format decides day/month order (a named order or a strptime pattern); ISO still reads."""
    reader = DateReader(LONDON, date_format)
    assert reader.parse("03/01/2024") == expected
    assert reader.parse("2024-01-02") == _utc(2024, 1, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("03/05/24", "two-digit year"),
        ("31/02/2024", "not a real date"),
        ("2024-02-30", "not a real date"),
        ("yesterday", "not a date deskcli can read"),
        ("2024-10-27 01:30", "happens twice in Europe/London"),
        ("2024-03-31 01:30", "does not exist in Europe/London"),
        ("13/13/2024", "not a real date"),
        ("05-03-2024 25:00", "not a real date"),
        ("05-03-2024 13:00 pm", "not an hour on a 12-hour clock"),
        ("March 2024 maybe", "not a date deskcli can read"),
    ],
)
def test_dates_that_would_need_a_guess_are_refused(text: str, message: str) -> None:
    """Two-digit years, impossible dates, DST-ambiguous local times: errors that say why."""
    with pytest.raises(DateError, match=message):
        DateReader(LONDON).parse(text)


def test_an_unknown_date_format_is_refused() -> None:
    """--date-format must be a known order or a strptime pattern."""
    with pytest.raises(DateError, match="--date-format 'DMY'"):
        DateReader(LONDON, "DMY")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1", 1), ("P2", 2), ("priority 3", 3), ("Critical", 1), ("urgent", 1), ("High", 2), ("normal", 3), ("low", 4)],
)
def test_priorities(cell: str, expected: int) -> None:
    """Numbers, P1-P4 and the usual words map to deskcli's 1-4."""
    assert values.priority(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Open", CallStatus.OPEN), ("In Progress", CallStatus.OPEN), ("new", CallStatus.OPEN),
     ("Escalated", CallStatus.ESCALATED), ("Solved", CallStatus.AWAITING_CONFIRMATION),
     ("awaiting_confirmation", CallStatus.AWAITING_CONFIRMATION), ("Closed", CallStatus.CLOSED),
     ("done", CallStatus.CLOSED)],
)
def test_statuses(cell: str, expected: CallStatus) -> None:
    """Other desks' status words map to deskcli's four."""
    assert values.status(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Phone", Channel.PHONE), ("e-mail", Channel.EMAIL), ("Walk-in", Channel.FACE_TO_FACE),
     ("web chat", Channel.CHAT), ("face_to_face", Channel.FACE_TO_FACE)],
)
def test_channels(cell: str, expected: Channel) -> None:
    """How a call came in, in the words exports use."""
    assert values.channel(cell) == expected


@pytest.mark.parametrize(
    ("reader", "cell", "message"),
    [
        (values.priority, "P9", "not a priority"),
        (values.status, "frozen", "not a status"),
        (values.channel, "pigeon", "not a channel"),
        (values.rating, "6", "not a satisfaction rating"),
        (values.boolean, "perhaps", "not yes or no"),
        (values.email, "bob@", "not an e-mail address"),
        (values.email, "bob smith@example.org", "not an e-mail address"),
    ],
)
def test_unreadable_cells_say_what_was_expected(reader, cell: str, message: str) -> None:
    """Each vocabulary refuses what it does not know, naming what it expected."""
    with pytest.raises(values.CellError, match=message):
        reader(cell)


def test_missing_markers_and_extra_ones() -> None:
    """Empty, ?, N/A, -, null, none mean "not known"; --missing adds more; real values are not markers."""
    missing = values.Missing(["unknown"])
    assert all(missing(cell) for cell in ("", "?", "N/A", "n/a", "-", "NULL", "none", "(none)", "Unknown"))
    assert not any(missing(cell) for cell in ("0", "no", "Ann", "NA Holdings"))


def test_multi_value_cells_split_on_the_separator() -> None:
    """Several phones or flags in one cell; the separator is an option."""
    assert values.phone_texts("020 7946 0001; 07700 900123", ";") == ["020 7946 0001", "07700 900123"]
    assert values.phone_texts("020 7946 0001|07700 900123", "|") == ["020 7946 0001", "07700 900123"]
    assert values.flags("Abusive history; hard of hearing", ";") == ["abusive_history", "hard_of_hearing"]
    with pytest.raises(values.CellError, match="not a phone number"):
        values.phone_texts("ask reception", ";")


def test_names_compare_without_case_accents_or_apostrophe_styles() -> None:
    """Siobhán O’Neill and siobhan o'neill are one name; Siobhan O'Neil is another."""
    assert values.same_name("Siobhán O’Neill", "siobhan o'neill")
    assert values.same_name("  Ann   Smith ", "ann smith")
    assert not values.same_name("Siobhan O'Neill", "Siobhan O'Neil")
