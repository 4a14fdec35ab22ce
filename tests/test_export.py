"""Export: streamed in pages, in CSV, JSON or JSON lines, by period; memory does not grow with the table."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from deskcli.core.errors import DeskError
from deskcli.models import Call, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.exchange import export
from deskcli.services.lifecycle import calls
from deskcli.services.lookup import customers
from deskcli.services.reports.period import parse_bounds
from deskcli.store.db import Store

LONDON = ZoneInfo("Europe/London")


def _text(store: Store, kind: str, fmt: str, bounds=None) -> str:
    out = io.StringIO()
    with store.read() as session:
        export.write(export.SOURCES[kind](session, LONDON, bounds), kind, fmt, out)
    return out.getvalue()


def test_customers_export_in_each_format(store: Store, actor: Actor, customer_id: int) -> None:
    """CSV with the import's field names, JSON as one array, JSON lines one object a line; same values."""
    with store.write() as session:
        customers.add_phone(session, customer_id, "07700 900123", region="GB", label="mobile")
        customers.update_customer(session, customer_id, actor, region="GB", caution_flags=["hard_of_hearing"])
    rows = list(csv.DictReader(io.StringIO(_text(store, "customers", "csv"))))
    assert list(rows[0]) == list(export.CUSTOMER_COLUMNS)
    assert (rows[0]["name"], rows[0]["phone"], rows[0]["mobile"], rows[0]["caution_flags"], rows[0]["is_vip"]) == (
        "Siobhan O'Neill", "020 7946 0000", "07700 900123", "hard_of_hearing", "no")
    as_json = json.loads(_text(store, "customers", "json"))
    lines = [json.loads(line) for line in _text(store, "customers", "jsonl").splitlines()]
    assert as_json == lines and as_json[0]["mobile"] == ["07700 900123"] and as_json[0]["is_vip"] is False
    assert as_json[0]["created_at"] == "2026-03-10T14:00:00+00:00"


def test_calls_and_events_export_with_local_times_and_a_period(store: Store, actor: Actor, customer_id: int,
                                                              clock) -> None:
    """--period picks rows by their date in the office's zone; times carry their offset."""
    with store.write() as session:
        first = calls.create_call(session, customer_id, actor).reference
    clock.advance(timedelta(days=40))
    with store.write() as session:
        second = calls.create_call(session, customer_id, actor).reference
    everything = list(csv.DictReader(io.StringIO(_text(store, "calls", "csv"))))
    assert [row["reference"] for row in everything] == [first, second]
    assert everything[1]["opened_at"] == "2026-04-19T15:00:00+01:00"  # British Summer Time by then
    march = parse_bounds("2026-03", now=clock.now(), zone=LONDON)
    assert [row["reference"] for row in csv.DictReader(io.StringIO(_text(store, "calls", "csv", march)))] == [first]
    events = [json.loads(line) for line in _text(store, "events", "jsonl").splitlines()]
    assert [(e["call_reference"], e["kind"], e["actor"]) for e in events] == [(first, "created", "ajones"),
                                                                              (second, "created", "ajones")]
    assert events[0]["payload"]["reference"] == first


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-07", datetime(2026, 6, 30, 23, tzinfo=UTC), datetime(2026, 7, 31, 23, tzinfo=UTC)),
        ("2026-03-01..2026-03-10", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC)),
        ("2026-03-01..", datetime(2026, 3, 1, tzinfo=UTC), None),
        ("today", datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC)),
        ("last-month", datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
    ],
)
def test_periods(text: str, start: datetime, end: datetime | None) -> None:
    """Years, months, days, ranges and named periods, as [start, end) in UTC."""
    assert parse_bounds(text, now=datetime(2026, 3, 10, 14, tzinfo=UTC), zone=LONDON) == (start, end)


@pytest.mark.parametrize("text", ["last week", "2026-13", "2026-03-10..2026-03-01"])
def test_bad_periods_say_what_is_understood(text: str) -> None:
    """A period that cannot be read is refused with the forms that can."""
    with pytest.raises(DeskError, match=r"period: .*expected|period: .*before it starts"):
        parse_bounds(text, now=datetime(2026, 3, 10, tzinfo=UTC), zone=LONDON)


def _add_calls(store: Store, actor: Actor, customer_id: int, count: int, start: int = 0) -> None:
    """Many calls quickly (straight inserts: this test is about reading them back)."""
    now = actor.now()
    rows = [
        {"reference": f"X-{n:07d}", "customer_id": customer_id, "perceived_owner_id": actor.analyst_id,
         "summary": f"call {n} " + "words " * 20, "notes": "n" * 200, "opened_at": now, "updated_at": now}
        for n in range(start, start + count)
    ]
    with store.write() as session:
        session.connection().execute(insert(Call.__table__), rows)


def _peak(store: Store) -> tuple[int, int]:
    """Rows exported and the peak of memory allocated while exporting them."""
    out = io.StringIO()
    tracemalloc.start()
    try:
        with store.read() as session:
            rows = export.SOURCES["calls"](session, LONDON)
            before = tracemalloc.get_traced_memory()[0]
            count = export.write(rows, "calls", "csv", _Discard())
            peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    out.close()
    return count, peak


class _Discard(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


def test_export_memory_stays_flat_as_the_table_grows(store: Store, actor: Actor, customer_id: int) -> None:
    """Six times the calls, about the same peak memory: rows are streamed a page at a time."""
    _add_calls(store, actor, customer_id, 2 * export.PAGE)
    small_count, small_peak = _peak(store)
    _add_calls(store, actor, customer_id, 10 * export.PAGE, start=2 * export.PAGE)
    big_count, big_peak = _peak(store)
    assert (small_count, big_count) == (2 * export.PAGE, 12 * export.PAGE)
    assert big_peak < 1.5 * small_peak, (small_peak, big_peak)


def test_csv_cells_round_trip_through_the_csv_module(tmp_path: Path, store: Store, actor: Actor) -> None:
    """Quotes, delimiters, newlines and markup in names come back as they were."""
    with store.write() as session:
        customers.create_customer(session, CustomerCreate(name='Ann "the boss", [b]Smith[/b]', notes="a\nb; c"),
                                  actor, region="GB")
    row = next(csv.DictReader(io.StringIO(_text(store, "customers", "csv"))))
    assert (row["name"], row["notes"]) == ('Ann "the boss", [b]Smith[/b]', "a\nb; c")
