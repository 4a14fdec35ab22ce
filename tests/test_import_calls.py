"""Importing past calls: original times kept, on the timeline as imported, no SLA clock, promise or reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, func, select

from deskcli.core.clock import ManualClock
from deskcli.models import Call, CallEvent, Commitment, Counter, Customer
from deskcli.services.actor import Actor
from deskcli.services.desk import queue
from deskcli.services.exchange.importer import ImportRequest, Office, run_import
from deskcli.services.lifecycle import calls
from deskcli.services.rules.policy import Policies
from deskcli.services.timekeeping import sla
from deskcli.store.db import Store
from exchange_files import CUSTOMERS, messy_calls, write
from helpers import event_kinds

LONDON = ZoneInfo("Europe/London")
OFFICE = Office("GB", LONDON, "HD")


def run(store: Store, actor: Actor, path: Path, kind: str = "calls", *, commit: bool = True, **options):
    request = ImportRequest(kind, path, commit=commit, **options)
    with (store.write() if commit else store.read()) as session:
        return run_import(session, request, by=actor, office=OFFICE)


@pytest.fixture
def imported(store: Store, actor: Actor, tmp_path: Path):
    """The messy calls file imported (good rows only) after the customers file."""
    run(store, actor, write(tmp_path / "customers.csv", CUSTOMERS), "customers")
    return run(store, actor, messy_calls(tmp_path / "calls.csv"), partial=True)


def _call(store: Store, external_id: str) -> Call:
    with store.read() as session:
        return session.exec(select(Call).where(Call.external_id == external_id)).one()


def test_the_messy_file_imports_its_good_rows_and_names_the_bad(imported) -> None:
    """BOM, semicolons, quoted newlines and a placeholder in every description; two rows refused with reasons."""
    report = imported
    assert report.format.describe() == "UTF-8 with BOM, delimiter ';', header on line 1"
    assert (report.created, report.skipped, report.error_count, report.customers_created) == (3, 0, 2, 1)
    described = [error.describe() for error in sorted(report.errors, key=lambda e: e.line)]
    assert described[0].startswith('line 5, column "Solved": resolved_at: 2024-03-06 09:00 GMT is before the call was opened')
    assert described[1].startswith('line 6, column "Created": opened_at: \'07/03/2024 09:00\' is ambiguous')


def test_imported_calls_keep_their_original_record(store: Store, imported) -> None:
    """Times, status, priority, channel, satisfaction, resolution and owner as the file had them."""
    call = _call(store, "T-100")
    assert call.opened_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert (call.resolved_at, call.closed_at) == (datetime(2024, 3, 5, 10, 0, tzinfo=UTC), datetime(2024, 3, 5, 10, 30, tzinfo=UTC))
    assert (call.status, call.priority, call.channel, call.satisfaction) == ("closed", 2, "phone", 5)
    assert call.resolution == "Cleared the jam;\nreloaded paper"
    assert call.notes == ""  # "N/A" in the description: not known
    assert call.actual_owner_label == "Ann Jones"
    assert call.talk_ended_at == call.closed_at  # never resumed as a live call
    done = _call(store, "T-104")
    assert (done.status, done.priority, done.notes) == ("closed", 4, "")


def test_the_caller_is_found_or_created(store: Store, imported) -> None:
    """Calls of customers on record go to them (by e-mail); an unknown caller becomes a customer of the batch."""
    with store.read() as session:
        siobhan = session.exec(select(Customer).where(Customer.email == "siobhan@northwind.example")).one()
        nuala = session.exec(select(Customer).where(Customer.name == "Nuala Brennan")).one()
    assert _call(store, "T-100").customer_id == siobhan.id
    assert (_call(store, "T-101").customer_id, nuala.import_batch_id) == (nuala.id, imported.batch_id)


def test_each_call_lands_on_the_timeline_as_imported(store: Store, imported) -> None:
    """One event, ``imported``, with the batch, the file and the line; no clock events."""
    call = _call(store, "T-101")
    assert event_kinds(store, call.id) == ["imported"]
    with store.read() as session:
        event = session.exec(select(CallEvent).where(CallEvent.call_id == call.id)).one()
    assert event.payload["batch"] == imported.batch_id
    # Line 4: the row before it spans lines 2 and 3 (a quoted newline in its resolution).
    assert (event.payload["source"], event.payload["line"], event.payload["external_id"]) == ("calls.csv", 4, "T-101")


def test_imported_calls_start_no_sla_clock_promise_or_reminder(store: Store, imported, analyst, policies: Policies,
                                                              clock: ManualClock) -> None:
    """The open imported call is in the queue with its clock stopped (never overdue for time before
    deskcli); closed ones are history; no promise exists, so nothing is due or reminded."""
    now = clock.now()
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Commitment)).one() == 0
        assert queue.promises_due(session, analyst.id, now=now, until=now + timedelta(days=365)) == []
        mine = queue.my_open_calls(session, analyst.id)
        assert [row.reference for row in mine] == [_call(store, "T-101").reference]
        notes = queue.annotate(session, mine, now=now, sla_policy=policies.sla, close_target_days=30, zone=LONDON,
                               calendar=policies.sla.calendar(LONDON))
        state = sla.for_call(session, mine[0].id, now, policies.sla, LONDON)
        closed = sla.for_call(session, _call(store, "T-100").id, now, policies.sla, LONDON)
        assert calls.live_call_of(session, analyst.id) is None
    note = notes[mine[0].id]
    assert note.sla.startswith("paused") and not note.sla_alarm
    assert state.paused and not state.breached and state.used == timedelta(0)
    assert closed.stopped


def test_the_analyst_starts_the_clock_when_taking_the_call_up(store: Store, imported, actor: Actor,
                                                               policies: Policies, clock: ManualClock) -> None:
    """F7 (resume) starts an imported open call's clock from then: only time in deskcli counts."""
    call_id = _call(store, "T-101").id
    with store.write() as session:
        sla.resume(session, call_id, actor, note="taken up after the import")
    clock.advance(timedelta(minutes=30))
    with store.read() as session:
        state = sla.for_call(session, call_id, clock.now(), policies.sla, LONDON)
    assert not state.paused
    assert timedelta(0) < state.used <= timedelta(minutes=30)


def test_a_call_already_imported_is_skipped(store: Store, actor: Actor, imported, tmp_path: Path) -> None:
    """The same file again: every good row is there already (by external id), nothing doubles."""
    with store.read() as session:
        before = session.exec(select(func.count()).select_from(Call)).one()
    again = run(store, actor, messy_calls(tmp_path / "again.csv"), partial=True)
    assert (again.created, again.skipped) == (0, 3)
    assert f"this very file was imported before as batch {imported.batch_id}" in again.notes[0]  # same bytes
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Call)).one() == before


def test_references_are_kept_when_free_and_the_counter_moves_past_them(store: Store, actor: Actor, customer_id: int,
                                                                      tmp_path: Path) -> None:
    """A deskcli reference in the file is kept; the next call taken gets a higher number; a taken
    reference gets a new one, the old kept as the external id."""
    with store.write() as session:
        live = calls.create_call(session, customer_id, actor)  # HD-000001 is taken here
        live_reference = live.reference
    rows = [["reference", "customer_email", "opened_at", "status", "closed_at"],
            ["HD-000040", "siobhan.oneill@northwind.example", "2024-01-02 10:00", "closed", "2024-01-02 11:00"],
            ["HD-000001", "siobhan.oneill@northwind.example", "2024-01-03 10:00", "closed", "2024-01-03 11:00"]]
    report = run(store, actor, write(tmp_path / "calls.csv", rows))
    assert report.created == 2 and "the reference HD-000001 is taken here" in report.notes[0]
    with store.read() as session:
        references = sorted(session.exec(select(Call.reference)))
        moved = session.exec(select(Call).where(Call.external_id == "HD-000001")).one()
        assert session.get(Counter, "call_reference").value == 40
    assert "HD-000040" in references and live_reference == "HD-000001"
    assert moved.reference not in ("HD-000001", "HD-000040")
    with store.write() as session:
        assert calls.create_call(session, customer_id, actor).reference == "HD-000041"


def test_open_status_with_a_closing_time_and_closed_without_one_are_refused(store: Store, actor: Actor,
                                                                           customer_id: int, tmp_path: Path) -> None:
    """A status that contradicts the times is reported, not guessed."""
    rows = [["customer_email", "opened_at", "status", "closed_at"],
            ["siobhan.oneill@northwind.example", "2024-01-02 10:00", "closed", ""],
            ["siobhan.oneill@northwind.example", "2024-01-02 10:00", "open", "2024-01-02 11:00"],
            ["siobhan.oneill@northwind.example", "2099-01-02 10:00", "open", ""]]
    report = run(store, actor, write(tmp_path / "calls.csv", rows), commit=False)
    reasons = [error.reason for error in report.errors]
    assert reasons[0].startswith("status: closed, but there is no closed_at")
    assert reasons[1] == "closed_at: given, but the status is open."
    assert "is in the future" in reasons[2]


def test_a_caller_with_no_match_and_no_name_is_an_error(store: Store, actor: Actor, tmp_path: Path) -> None:
    """Without a customer on record to match and no name, no customer can be made up."""
    rows = [["customer_email", "opened_at"], ["nobody@example.org", "2024-01-02 10:00"]]
    report = run(store, actor, write(tmp_path / "calls.csv", rows), commit=False)
    assert report.errors[0].reason.startswith("customer_name: no customer on record matches")


def test_importing_calls_needs_the_analyst(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    """The calls are put in the importing analyst's name: without a profile the commit is refused."""
    from deskcli.core.errors import DataFileError

    rows = [["customer_name", "opened_at"], ["Ann", "2024-01-02 10:00"]]
    with pytest.raises(DataFileError, match="needs the analyst profile"):
        run(store, Actor(None, clock), write(tmp_path / "calls.csv", rows))
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Call)).one() == 0
        assert session.exec(select(col(Customer.id))).first() is None
