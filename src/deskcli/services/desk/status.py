"""A health report on the open database, for ``deskcli check``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, func, select

from deskcli.models import OPEN_STATUSES, Call, Commitment, Customer
from deskcli.store import dbfile, migrate

if TYPE_CHECKING:
    from deskcli.config.settings import Settings
    from deskcli.store.db import Store


@dataclass
class StatusReport:
    """Lines of ``label: value`` and whether everything looked right."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    healthy: bool = True


def describe(store: Store, *, settings: Settings, config_path: Path, full: bool = False) -> StatusReport:
    """Where the data lives, its schema revision, how much it holds, and its integrity."""
    report = StatusReport()
    report.lines.append(("database", store.target.describe()))
    with store.read() as session:
        revision = migrate.revision_on(session.connection())
    report.lines.append(("schema", f"{revision} (newest known: {migrate.head_revision()})"))
    if store.target.sqlite_path is not None:
        size = store.target.sqlite_path.stat().st_size
        report.lines.append(("size", f"{size / 1_048_576:.1f} MiB"))
    report.lines.append(("config file", str(config_path)))
    report.lines.append(("outbox", str(settings.outbox())))
    analyst = settings.analyst
    report.lines.append(("analyst", f"{analyst.name}, {analyst.department}" if analyst else "not set (asked on first start)"))
    with store.read() as session:
        customers = session.exec(select(func.count()).select_from(Customer)).one()
        calls = session.exec(select(func.count()).select_from(Call)).one()
        open_calls = session.exec(
            select(func.count()).select_from(Call).where(col(Call.status).in_(OPEN_STATUSES))
        ).one()
        pending = session.exec(
            select(func.count()).select_from(Commitment).where(col(Commitment.outcome).is_(None))
        ).one()
        report.lines.append(("customers", str(customers)))
        report.lines.append(("calls", f"{calls} ({open_calls} open)"))
        report.lines.append(("promises", f"{pending} pending"))
        if full and store.is_sqlite:
            try:
                problems = [row[0] for row in session.connection().execute(text("PRAGMA integrity_check"))]
            except DBAPIError as exc:
                problems = [f"SQLite stopped the check: {exc.orig}"]
            ok = problems == ["ok"]
            report.healthy = report.healthy and ok
            report.lines.append(("integrity", "ok" if ok else "; ".join(problems[:5])))
            if not ok:
                report.lines.append(("what to do", dbfile.RESTORE_HINT))
    if not full and store.target.sqlite_path is not None:
        _structure(report, store.target.sqlite_path)
    return report


CHECK_BUDGET_S = 10.0
"""How long ``deskcli check`` (without ``--full``) spends on SQLite's quick check."""


def _structure(report: StatusReport, path: Path) -> None:
    """SQLite's quick check of every page, within :data:`CHECK_BUDGET_S`."""
    found = dbfile.quick_check(path, CHECK_BUDGET_S)
    if found.damaged:
        report.healthy = False
        report.lines.append(("structure", "DAMAGED: " + "; ".join(found.problems[:5])))
        report.lines.append(("what to do", dbfile.RESTORE_HINT))
    elif found.finished:
        report.lines.append(("structure", f"ok (quick check, {found.seconds:.1f} s)"))
    else:
        report.lines.append((
            "structure",
            f"no damage in the part checked within {CHECK_BUDGET_S:g} s; run deskcli check --full to check it all",
        ))
