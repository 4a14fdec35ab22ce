"""The import batch: the record of one committed import (and, later, of its undo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from deskcli.core.errors import DeskError, NotFound
from deskcli.models import ImportBatch
from deskcli.models.typed import saved_id
from deskcli.services.actor import Actor
from deskcli.services.exchange.plan import ImportReport


class ImportRefused(DeskError):
    """An all-or-nothing import found bad rows: nothing is written (the caller's transaction rolls back)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{report.source}: {report.error_count} row(s) in error, so nothing was imported (all-or-nothing).",
            "Fix the rows (--errors FILE lists them), or import the good rows with --commit --partial.",
        )
        self.report = report


def start(session: Session, kind: str, source: Path, *, sha256: str, mode: str, options: dict[str, Any], by: Actor) -> ImportBatch:
    """Record a new batch (its id marks every row it creates)."""
    batch = ImportBatch(
        kind=kind, source=str(source), sha256=sha256, mode=mode, options=options,
        started_at=by.now(), by_id=by.analyst_id,
    )
    session.add(batch)
    session.flush()
    return batch


def finish(session: Session, batch: ImportBatch, report: ImportReport, by: Actor) -> None:
    """Store the batch's counts; the import is complete."""
    batch.counts = report.counts()
    batch.finished_at = by.now()
    session.add(batch)


def earlier_with_same_file(session: Session, sha256: str, kind: str) -> ImportBatch | None:
    """A batch that imported this very file before and is still in place."""
    return session.exec(
        select(ImportBatch)
        .where(ImportBatch.sha256 == sha256, ImportBatch.kind == kind, col(ImportBatch.undone_at).is_(None))
        .order_by(col(ImportBatch.id).desc())
    ).first()


@dataclass(frozen=True)
class BatchRow:
    """One batch as ``deskcli import list`` shows it."""

    id: int
    kind: str
    source: str
    started_at: datetime
    counts: dict[str, Any]
    undone_at: datetime | None


def list_batches(session: Session, *, limit: int = 50) -> list[BatchRow]:
    """The newest batches first."""
    rows = session.exec(select(ImportBatch).order_by(col(ImportBatch.id).desc()).limit(limit))
    return [BatchRow(saved_id(b), b.kind, b.source, b.started_at, dict(b.counts), b.undone_at) for b in rows]


def get(session: Session, batch_id: int) -> ImportBatch:
    """The batch with this id, or :class:`NotFound`."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(f"there is no import batch {batch_id}.", "deskcli import list shows the batches.")
    return batch
