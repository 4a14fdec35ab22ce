"""``deskcli import undo BATCH``: an import removed again, and the removal recorded.

The one deletion the call timeline allows, kept narrow and explicit:

* the batch row is marked ``undone_at`` first, inside the undo's transaction; the
  SQLite trigger on ``call_event`` lets a DELETE through only for events of calls
  belonging to a batch so marked, and the ORM guard only for a statement carrying
  :data:`~deskcli.models.guards.IMPORT_UNDO`;
* the batch's calls go with their events, its customers with their phone numbers,
  and customers it updated get their earlier values back;
* what was removed, put back and kept (and why) is stored on the batch row, which
  stays as the record.

Refused, changing nothing: a batch already undone; a batch whose calls were worked on
in deskcli since (events other than ``imported``, promises, escalations, scorecards);
a batch a later import still builds on (calls of its customers, or changes to them) -
undo the later one first. Kept, and said: a customer of the batch with calls of its
own since, and a customer changed in deskcli after the import updated it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlmodel import Session, col
from sqlmodel import select as model_select

from deskcli.core.clock import as_utc
from deskcli.core.enums import EventKind
from deskcli.core.errors import RuleViolation
from deskcli.models import (
    Call,
    CallDraft,
    CallEvent,
    Commitment,
    Customer,
    CustomerPhone,
    Escalation,
    EscalationReview,
    ImportBatch,
    ImportChange,
    ImportKey,
    Scorecard,
)
from deskcli.models.guards import IMPORT_UNDO
from deskcli.models.typed import table_of
from deskcli.services.actor import Actor
from deskcli.services.exchange.batch import get

_call = table_of(Call)
_event = table_of(CallEvent)
_customer = table_of(Customer)
_phone = table_of(CustomerPhone)
_change = table_of(ImportChange)
_key = table_of(ImportKey)
_batch = table_of(ImportBatch)


@dataclass
class UndoReport:
    """What an undo did."""

    batch_id: int
    calls_removed: int = 0
    events_removed: int = 0
    customers_removed: int = 0
    customers_restored: int = 0
    kept: list[str] = field(default_factory=list)
    """Customers left in place, each with the reason."""

    def as_record(self) -> dict[str, Any]:
        """What is stored on the batch row."""
        return {
            "calls_removed": self.calls_removed, "events_removed": self.events_removed,
            "customers_removed": self.customers_removed, "customers_restored": self.customers_restored,
            "kept": self.kept[:200], "kept_count": len(self.kept),
        }


def _sample(rows: Sequence[Any], limit: int = 5) -> str:
    shown = ", ".join(str(row) for row in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def _refuse_if_worked(session: Session, batch: ImportBatch) -> None:
    """Refuse when a call of the batch has anything on record besides its import."""
    connection = session.connection()
    ours = select(_call.c.id).where(_call.c.import_batch_id == batch.id)
    worked = connection.execute(
        select(_call.c.reference).where(_call.c.id.in_(
            select(_event.c.call_id).where(_event.c.call_id.in_(ours), _event.c.kind != EventKind.IMPORTED.value)
        )).order_by(_call.c.reference).limit(20)
    ).scalars().all()
    # Drafts are words typed on the call and not saved yet; a review is a supervisor's work on it.
    for table, label in ((table_of(Commitment), "promises"), (table_of(Escalation), "escalations"),
                         (table_of(Scorecard), "scorecards"), (table_of(CallDraft), "unsaved drafts"),
                         (table_of(EscalationReview), "escalation reviews")):
        found = connection.execute(
            select(_call.c.reference).where(_call.c.id.in_(select(table.c.call_id).where(table.c.call_id.in_(ours))))
            .order_by(_call.c.reference).limit(20)
        ).scalars().all()
        if found:
            worked = [*worked, *(f"{reference} ({label})" for reference in found)]
    if worked:
        raise RuleViolation(
            f"batch {batch.id} cannot be undone: calls it imported have been worked on in deskcli since "
            f"({_sample(worked)}); undoing it would delete that work.",
            "Leave the batch in place (the calls are history), or close those calls as they stand.",
        )


def _refuse_if_built_on(session: Session, batch: ImportBatch) -> None:
    """Refuse while a later, still active batch has calls of this batch's customers or changed them."""
    connection = session.connection()
    ours = select(_customer.c.id).where(_customer.c.import_batch_id == batch.id)
    later = select(_batch.c.id).where(_batch.c.id > batch.id, _batch.c.undone_at.is_(None))
    found = connection.execute(
        select(_call.c.import_batch_id).where(_call.c.customer_id.in_(ours), _call.c.import_batch_id.in_(later))
        .union(select(_change.c.batch_id).where(_change.c.customer_id.in_(ours), _change.c.batch_id.in_(later)))
    ).scalars().all()
    if found:
        numbers = ", ".join(str(number) for number in sorted(set(found)))
        raise RuleViolation(
            f"batch {batch.id} cannot be undone yet: later import batch(es) {numbers} build on its customers.",
            f"Undo batch {numbers.split(', ')[-1]} first.",
        )


def undo(session: Session, batch_id: int, by: Actor) -> UndoReport:
    """Remove what batch ``batch_id`` imported (see the module notes); the caller commits."""
    batch = get(session, batch_id)
    if batch.undone_at is not None:
        raise RuleViolation(f"batch {batch_id} was already undone on {as_utc(batch.undone_at):%Y-%m-%d %H:%M} UTC.")
    if batch.finished_at is None:
        raise RuleViolation(f"batch {batch_id} never finished, so there is nothing of it to undo.")
    _refuse_if_worked(session, batch)
    _refuse_if_built_on(session, batch)
    report = UndoReport(batch_id)
    connection = session.connection()
    batch.undone_at = by.now()
    batch.undone_by_id = by.analyst_id
    session.add(batch)
    session.flush()  # the trigger reads undone_at: it must be in the database before the deletes

    ours = select(_call.c.id).where(_call.c.import_batch_id == batch.id)
    # Through the session, so the ORM guard sees the IMPORT_UNDO option. SQLModel types
    # Session.execute as a plain Result; a DELETE's is a CursorResult, with its rowcount.
    result = cast(CursorResult[Any], session.execute(
        delete(CallEvent).where(col(CallEvent.call_id).in_(ours)),
        execution_options={IMPORT_UNDO: batch.id, "synchronize_session": False},
    ))
    report.events_removed = result.rowcount or 0
    report.calls_removed = connection.execute(delete(_call).where(_call.c.import_batch_id == batch.id)).rowcount or 0

    # Customers with calls of their own since (taken in the console) stay, freed from the batch.
    kept = connection.execute(
        select(_customer.c.id, _customer.c.name).where(
            _customer.c.import_batch_id == batch.id,
            _customer.c.id.in_(select(_call.c.customer_id)),
        )
    ).all()
    for customer_id, name in kept:
        report.kept.append(f"customer {customer_id} ({name}): has calls taken since the import")
    if kept:
        connection.execute(update(_customer).where(_customer.c.id.in_([k[0] for k in kept])).values(import_batch_id=None))
    gone = select(_customer.c.id).where(_customer.c.import_batch_id == batch.id)
    connection.execute(delete(_key).where(_key.c.batch_id == batch.id))
    connection.execute(delete(_phone).where(_phone.c.customer_id.in_(gone)))
    report.customers_removed = connection.execute(
        delete(_customer).where(_customer.c.import_batch_id == batch.id)
    ).rowcount or 0
    _restore_updates(session, batch, report, by)
    batch.undo = report.as_record()
    session.add(batch)
    return report


def _restore_updates(session: Session, batch: ImportBatch, report: UndoReport, by: Actor) -> None:
    """Put back the values the batch overwrote, where deskcli has not changed the customer since."""
    connection = session.connection()
    changes = list(session.exec(model_select(ImportChange).where(ImportChange.batch_id == batch.id)))
    for change in changes:
        customer = session.get(Customer, change.customer_id)
        if customer is None:
            continue
        if as_utc(customer.updated_at) != as_utc(change.stamped_at):
            report.kept.append(f"customer {customer.id} ({customer.name}): changed in deskcli after the import")
            continue
        if change.added_phones:
            connection.execute(delete(_phone).where(_phone.c.id.in_(change.added_phones)))
        values = dict(change.previous)
        if values:
            connection.execute(
                update(_customer).where(_customer.c.id == customer.id).values(**values, updated_at=by.now())
            )
        report.customers_restored += 1
    connection.execute(delete(_change).where(_change.c.batch_id == batch.id))


def count_batch_rows(session: Session, batch_id: int) -> dict[str, int]:
    """How many calls and customers a batch holds now (what an undo would remove)."""
    connection = session.connection()
    calls = connection.execute(select(func.count()).select_from(_call).where(_call.c.import_batch_id == batch_id)).scalar()
    customers = connection.execute(
        select(func.count()).select_from(_customer).where(_customer.c.import_batch_id == batch_id)
    ).scalar()
    return {"calls": int(calls or 0), "customers": int(customers or 0)}
