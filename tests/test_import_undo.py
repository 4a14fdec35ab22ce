"""``import undo``: the one deletion the timeline allows, narrow, refused when it would lose work, recorded."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, update
from sqlmodel import func, select

from deskcli.core.clock import ManualClock
from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, Customer, CustomerPhone, ImportBatch, ImportChange
from deskcli.models.guards import AppendOnlyError
from deskcli.services.actor import Actor
from deskcli.services.exchange.importer import ImportRequest, Office, run_import
from deskcli.services.exchange.undo import undo
from deskcli.services.lifecycle import calls, commitments
from deskcli.services.lookup import customers as lookup
from deskcli.store.db import Store
from exchange_files import CUSTOMERS, messy_calls, write

OFFICE = Office("GB", ZoneInfo("Europe/London"), "HD")


def run(store: Store, actor: Actor, path: Path, kind: str, **options) -> int:
    with store.write() as session:
        return run_import(session, ImportRequest(kind, path, commit=True, partial=True, **options), by=actor,
                          office=OFFICE).batch_id


def _count(store: Store, model) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def batches(store: Store, actor: Actor, tmp_path: Path) -> tuple[int, int]:
    """A customers batch and a calls batch on top of it."""
    first = run(store, actor, write(tmp_path / "customers.csv", CUSTOMERS), "customers")
    second = run(store, actor, messy_calls(tmp_path / "calls.csv"), "calls")
    return first, second


def test_undo_removes_the_calls_with_their_events_and_records_it(store: Store, actor: Actor, batches) -> None:
    """Undoing the calls batch removes its calls, their timeline and the callers it created."""
    _customers, calls_batch = batches
    assert (_count(store, Call), _count(store, CallEvent), _count(store, Customer)) == (3, 3, 4)
    with store.write() as session:
        report = undo(session, calls_batch, actor)
    assert (report.calls_removed, report.events_removed, report.customers_removed) == (3, 3, 1)
    assert (_count(store, Call), _count(store, CallEvent), _count(store, Customer)) == (0, 0, 3)
    with store.read() as session:
        batch = session.get(ImportBatch, calls_batch)
        assert batch.undone_at == actor.now() and batch.undone_by_id == actor.analyst_id
        assert batch.undo["calls_removed"] == 3 and batch.undo["events_removed"] == 3
        assert lookup.lookup(session, "Nuala", region="GB") == []  # gone from the search index too


def test_an_earlier_batch_waits_until_the_later_one_built_on_it_is_undone(store: Store, actor: Actor, batches) -> None:
    """The customers batch has calls of the calls batch: refused until that one is undone."""
    customers_batch, calls_batch = batches
    with pytest.raises(RuleViolation, match=f"later import batch\\(es\\) {calls_batch} build on its customers"), store.write() as session:
        undo(session, customers_batch, actor)
    with store.write() as session:
        undo(session, calls_batch, actor)
    with store.write() as session:
        report = undo(session, customers_batch, actor)
    assert report.customers_removed == 3
    assert (_count(store, Customer), _count(store, CustomerPhone)) == (0, 0)
    with pytest.raises(RuleViolation, match="already undone"), store.write() as session:
        undo(session, customers_batch, actor)


def test_calls_worked_on_since_refuse_the_undo(store: Store, actor: Actor, batches, clock: ManualClock) -> None:
    """A promise made on an imported call, or a note saved on it: the undo would delete that work, so it is refused."""
    _customers, calls_batch = batches
    with store.read() as session:
        call = session.exec(select(Call).where(Call.external_id == "T-101")).one()
    with store.write() as session:
        commitments.make_commitment(session, call.id, "callback", clock.now() + timedelta(hours=1), actor,
                                    description="ring back")
    with pytest.raises(RuleViolation, match=f"{call.reference} \\(promises\\)"), store.write() as session:
        undo(session, calls_batch, actor)
    assert _count(store, Call) == 3
    with store.read() as session:
        assert session.get(ImportBatch, calls_batch).undone_at is None


def test_a_draft_or_a_review_on_an_imported_call_refuses_the_undo(store: Store, actor: Actor, batches) -> None:
    """Words typed on an imported call (a draft not saved yet) and an escalation review are work too."""
    from deskcli.models import EscalationReview
    from deskcli.services.lifecycle import drafts

    _customers, calls_batch = batches
    with store.read() as session:
        typed_on, reviewed = session.exec(select(Call).where(Call.external_id.in_(["T-100", "T-101"])).order_by(Call.external_id)).all()
    with store.write() as session:
        drafts.save_draft(session, typed_on.id, "notes", "caller rang again about the jam", actor)
        session.add(EscalationReview(call_id=reviewed.id, reviewer_id=actor.analyst_id, reviewed_at=actor.now()))
    with pytest.raises(RuleViolation) as refused, store.write() as session:
        undo(session, calls_batch, actor)
    assert f"{typed_on.reference} (unsaved drafts)" in str(refused.value)
    assert f"{reviewed.reference} (escalation reviews)" in str(refused.value)
    assert _count(store, Call) == 3


def test_undo_puts_back_what_an_update_changed_unless_changed_since(store: Store, actor: Actor, tmp_path: Path,
                                                                   clock: ManualClock) -> None:
    """Two customers updated by a batch: one untouched since gets its old values (and loses the added
    phone), one edited in deskcli afterwards is kept and named."""
    run(store, actor, write(tmp_path / "a.csv", CUSTOMERS), "customers")
    changed = [row[:] for row in CUSTOMERS]
    changed[1][5], changed[2][3] = "Treasury", "07700 900555"
    clock.advance(timedelta(minutes=5))
    second = run(store, actor, write(tmp_path / "b.csv", changed), "customers")
    with store.read() as session:
        siobhan = session.exec(select(Customer).where(Customer.external_id == "C-001")).one()
        bart = session.exec(select(Customer).where(Customer.external_id == "C-002")).one()
    clock.advance(timedelta(minutes=5))
    with store.write() as session:
        lookup.update_customer(session, bart.id, actor, region="GB", notes="called about invoices")
    clock.advance(timedelta(minutes=5))
    with store.write() as session:
        report = undo(session, second, actor)
    assert report.customers_restored == 1
    assert report.kept == [f"customer {bart.id} (Bartholomew Quince): changed in deskcli after the import"]
    with store.read() as session:
        assert session.get(Customer, siobhan.id).department == "Finance"
        assert "07700 900555" in [p.raw for p in lookup.phones_of(session, bart.id)]
        assert session.exec(select(func.count()).select_from(ImportChange)).one() == 0


def test_a_customer_of_the_batch_with_a_call_taken_since_is_kept(store: Store, actor: Actor, tmp_path: Path) -> None:
    """A customer the import brought who has since called in stays (with the call); the rest go."""
    batch = run(store, actor, write(tmp_path / "a.csv", CUSTOMERS), "customers")
    with store.read() as session:
        zoe = session.exec(select(Customer).where(Customer.external_id == "C-003")).one()
    with store.write() as session:
        calls.create_call(session, zoe.id, actor)
    with store.write() as session:
        report = undo(session, batch, actor)
    assert report.customers_removed == 2 and report.kept[0].startswith(f"customer {zoe.id} (Zoë Adams)")
    with store.read() as session:
        kept = session.get(Customer, zoe.id)
        assert kept is not None and kept.import_batch_id is None


def test_the_timeline_stays_append_only_outside_an_undo(store: Store, db_path: Path, batches) -> None:
    """Events of imported calls in a batch still in place cannot be deleted by raw SQL, nor by a bulk ORM
    delete without the undo's option; updates are refused always."""
    _customers, calls_batch = batches
    store.dispose()
    connection = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM call_event")
        connection.rollback()
        # Even with the batch marked undone by hand, an update is still refused.
        connection.execute("UPDATE import_batch SET undone_at = '2026-01-01 00:00:00' WHERE id = ?", (calls_batch,))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE call_event SET kind = 'tampered'")
        connection.rollback()
    finally:
        connection.close()
    with pytest.raises(AppendOnlyError, match="bulk delete"), store.write() as session:
        session.execute(delete(CallEvent))
    with pytest.raises(AppendOnlyError, match="bulk update"), store.write() as session:
        session.execute(update(CallEvent).values(kind="tampered"))
    assert _count(store, CallEvent) == 3


def test_events_of_calls_taken_in_deskcli_cannot_be_deleted_even_in_an_undone_batch(store: Store, db_path: Path,
                                                                                    actor: Actor, customer_id: int,
                                                                                    batches) -> None:
    """The trigger lets through only events of calls belonging to an undone batch, never a console call's."""
    _customers, calls_batch = batches
    with store.write() as session:
        live = calls.create_call(session, customer_id, actor)
        live_id = live.id
    with store.write() as session:
        undo(session, calls_batch, actor)
    store.dispose()
    connection = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM call_event WHERE call_id = ?", (live_id,))
    finally:
        connection.close()
