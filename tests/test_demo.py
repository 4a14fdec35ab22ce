"""The demo database: what it holds, that it is deterministic, and that it never touches the real one."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from deskcli.cli.commands import cli
from deskcli.config.launch import DEMO_SEAT_HANDLE
from deskcli.core.clock import ManualClock
from deskcli.core.errors import StoreError
from deskcli.models import (
    Analyst,
    Call,
    CallEvent,
    CallStatus,
    Commitment,
    Customer,
    CustomerCreate,
    Escalation,
    EventKind,
    KnowledgeArticle,
)
from deskcli.services.actor import Actor
from deskcli.services.desk import queue
from deskcli.services.lifecycle import calls
from deskcli.services.lookup import customers
from deskcli.services.lookup.customers import ABUSIVE_HISTORY
from deskcli.store import db
from deskcli.workload.demo import DemoSize, build_demo, inspect_file, remove_demo, reset_demo

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
"""A Tuesday, 14:00 in London."""
ZONE = ZoneInfo("Europe/London")
TINY = DemoSize(customers=60, calls=400, analysts=4)
"""Smaller than ``small``: the curated layer is the same at every size."""
KEY_TABLES = ("analyst", "customer", "customer_phone", "call", "call_event", "commitment", "escalation", "knowledge_article", "counter")


def _dump(path: Path) -> dict[str, str]:
    """A digest of every row of the key tables, in rowid order."""
    conn = sqlite3.connect(path)
    try:
        return {
            table: hashlib.sha256(repr(conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()).encode()).hexdigest()
            for table in KEY_TABLES
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny demo, built at :data:`NOW`, shared by the read-only tests."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, size=TINY, seed=7, now=NOW, zone="Europe/London")
    return path


@pytest.fixture
def demo_store(demo_db: Path):
    store = db.open_store(db.target_for(demo_db, None))
    yield store
    store.dispose()


def _seat(session) -> Analyst:
    return session.exec(select(Analyst).where(Analyst.handle == DEMO_SEAT_HANDLE)).one()


# --------------------------------------------------------------------------- contents


def test_the_demo_seat_is_there(demo_store) -> None:
    with demo_store.read() as session:
        seat = _seat(session)
        assert (seat.name, seat.department) == ("Demo Analyst", "Help Desk")
        colleagues = session.exec(select(Analyst.handle).where(Analyst.handle != DEMO_SEAT_HANDLE)).all()
    assert sorted(colleagues) == ["analyst01", "analyst02", "analyst03", "analyst04"]


def test_every_status_escalations_vips_abuse_and_articles(demo_store) -> None:
    with demo_store.read() as session:
        statuses = set(session.exec(select(Call.status)).all())
        escalations = session.exec(select(Escalation)).all()
        vips = session.exec(select(Customer).where(col(Customer.is_vip))).all()
        flagged = [c for c in session.exec(select(Customer)).all() if ABUSIVE_HISTORY in (c.caution_flags or [])]
        articles = session.exec(select(KnowledgeArticle)).all()
        organisations = set(session.exec(select(Customer.organisation)).all())
    assert statuses == {str(status) for status in CallStatus}
    assert len(escalations) >= 3
    assert {"Margaret Okonjo-Hale", "Dr Aoife Ní Bhriain", "Hilary Blackwood"} <= {c.name for c in vips}
    kevin = next(c for c in flagged if c.name == "Kevin Marsh")
    assert "abusive" in kevin.notes
    assert len(articles) >= 10
    assert len(organisations) >= 5


def test_the_seat_owns_a_call_in_every_status(demo_store) -> None:
    with demo_store.read() as session:
        seat = _seat(session)
        mine = session.exec(select(Call).where(Call.perceived_owner_id == seat.id)).all()
        assert {call.status for call in mine} == {str(status) for status in CallStatus}
        for call in mine:
            assert call.talk_ended_at is not None, f"{call.reference} would reopen as a live call at start"
            if call.status == CallStatus.ESCALATED:
                escalation = session.exec(select(Escalation).where(Escalation.call_id == call.id)).first()
                promise = session.get(Commitment, escalation.next_contact_id)
                assert promise.kind == "next_contact" and promise.owed_by_id == seat.id and promise.outcome is None
            if call.status == CallStatus.CLOSED:
                kinds = [e.kind for e in session.exec(select(CallEvent).where(CallEvent.call_id == call.id).order_by(col(CallEvent.id)))]
                assert kinds.index(EventKind.CUSTOMER_AGREED) < kinds.index(EventKind.CLOSED)
        open_rows = queue.my_open_calls(session, seat.id)
        elsewhere = queue.perceived_elsewhere(session, seat.id)
    assert {row.status for row in open_rows} == {"open", "awaiting_confirmation"}
    assert {row.status for row in elsewhere} == {"escalated"}


def test_seat_promises_due_later_today_and_overdue(demo_store) -> None:
    midnight = datetime.combine(NOW.astimezone(ZONE).date() + timedelta(days=1), datetime.min.time(), tzinfo=ZONE)
    with demo_store.read() as session:
        seat = _seat(session)
        rows = queue.promises_due(session, seat.id, now=NOW, until=midnight, limit=100)
        everything = session.exec(
            select(Commitment).where(Commitment.owed_by_id == seat.id, col(Commitment.outcome).is_(None))
        ).all()
    overdue = [row for row in rows if row.overdue]
    later_today = [row for row in rows if not row.overdue]
    assert len(overdue) >= 2 and {row.kind for row in overdue} >= {"callback", "next_contact"}
    assert len(later_today) >= 3
    assert all(NOW < row.due_at < midnight for row in later_today)
    # While the office is open, "later today" means before it closes.
    assert all(row.due_at.astimezone(ZONE).time() <= datetime.strptime("17:30", "%H:%M").time() for row in later_today)
    assert len(rows) == len(everything)


def test_abusive_history_is_the_protocol_on_record(demo_store) -> None:
    """The flag comes from the real protocol: two warnings, then a transfer to a manager."""
    with demo_store.read() as session:
        kevin = session.exec(select(Customer).where(Customer.name == "Kevin Marsh")).one()
        call = session.exec(select(Call).where(Call.customer_id == kevin.id)).one()
        kinds = [e.kind for e in session.exec(select(CallEvent).where(CallEvent.call_id == call.id).order_by(col(CallEvent.id)))]
    assert call.status == CallStatus.CLOSED and call.abuse_warnings == 2
    assert kinds.count(EventKind.WARNING_GIVEN) == 2
    assert kinds.index(EventKind.WARNING_GIVEN) < kinds.index(EventKind.TRANSFERRED) < kinds.index(EventKind.CLOSED)


def test_times_are_before_now_and_timelines_run_forward(demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    try:
        latest = conn.execute("SELECT max(at) FROM call_event").fetchone()[0]
        backwards = conn.execute(
            "SELECT count(*) FROM call_event a JOIN call_event b ON a.call_id = b.call_id AND b.id > a.id AND b.at < a.at"
        ).fetchone()[0]
    finally:
        conn.close()
    assert latest <= NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert backwards == 0


# --------------------------------------------------------------------------- determinism


def test_same_arguments_same_rows(demo_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    build_demo(again, size=TINY, seed=7, now=NOW, zone="Europe/London")
    assert _dump(again) == _dump(demo_db)


def test_another_seed_or_moment_differs(demo_db: Path, tmp_path: Path) -> None:
    other_seed = build_demo(tmp_path / "seed.db", size=TINY, seed=8, now=NOW, zone="Europe/London").path
    assert _dump(other_seed)["customer"] != _dump(demo_db)["customer"]
    later = build_demo(tmp_path / "later.db", size=TINY, seed=7, now=NOW + timedelta(days=1), zone="Europe/London").path
    assert _dump(later)["commitment"] != _dump(demo_db)["commitment"]


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    build_demo(tmp_path / "p.db", size=TINY, now=NOW, progress=lambda stage, fraction: seen.append((stage, fraction)))
    stages = [stage for stage, _ in seen]
    assert {"customers", "calls", "demo desk"} <= set(stages)
    assert seen[-1] == ("done", 1.0)
    assert all(0.0 <= fraction <= 1.0 for _, fraction in seen)


# --------------------------------------------------------------------------- never the real database


def test_refuses_the_real_database(tmp_path: Path) -> None:
    real = tmp_path / "office" / "deskcli.db"
    with pytest.raises(StoreError, match="office's own database"):
        build_demo(real, size=TINY, now=NOW, real_db=real)
    assert not real.exists()
    # The same file under another name is still the same file.
    real.parent.mkdir()
    real.write_bytes(b"")
    alias = tmp_path / "alias.db"
    alias.symlink_to(real)
    with pytest.raises(StoreError, match="office's own database"):
        reset_demo(alias, real_db=real, size=TINY, now=NOW)
    assert real.exists()


def test_reset_deletes_only_demo_databases(store, actor, customer_id, db_path: Path) -> None:
    """A mistyped path must not cost anyone their calls: a database without the demo seat is kept."""
    with store.write() as session:
        calls.create_call(session, customer_id, actor)
    store.dispose()
    with pytest.raises(StoreError, match="not a demo database"):
        remove_demo(db_path, real_db=None)
    assert inspect_file(db_path).calls == 1


def test_building_over_a_demo_is_refused_reset_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    build_demo(path, size=TINY, now=NOW)
    store = db.open_store(db.target_for(path, None))
    try:
        with store.write() as session:
            customers.create_customer(session, CustomerCreate(name="Added By Hand"), Actor(None, ManualClock(NOW)), region="GB")
    finally:
        store.dispose()
    with pytest.raises(StoreError, match="already holds data"):
        build_demo(path, size=TINY, now=NOW)
    reset_demo(path, size=TINY, now=NOW)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM customer WHERE name = 'Added By Hand'").fetchone()[0] == 0


# --------------------------------------------------------------------------- the command


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_builds_once_then_reset_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    first = _run("demo", "--db", str(path), "--no-start")
    assert first.exit_code == 0, first.output
    assert "… customers" in first.stderr and "… demo desk" in first.stderr
    assert inspect_file(path).has_seat
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE counter SET value = value + 1000 WHERE name = 'call_reference'")
    # Without --reset an existing demo is kept as it is.
    kept = _run("demo", "--db", str(path), "--no-start")
    assert kept.exit_code == 0 and "Building" not in kept.stderr
    with sqlite3.connect(path) as conn:
        bumped = conn.execute("SELECT value FROM counter WHERE name = 'call_reference'").fetchone()[0]
    rebuilt = _run("demo", "--db", str(path), "--no-start", "--reset", "--seed", "3")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "seed 3" in rebuilt.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM counter WHERE name = 'call_reference'").fetchone()[0] == bumped - 1000


def test_cli_default_file_is_the_demo_file_not_the_real_one(isolated_home: Path) -> None:
    result = _run("demo", "--no-start")
    assert result.exit_code == 0, result.output
    data = isolated_home / "data" / "deskcli"
    assert (data / "demo.db").exists()
    assert not (data / "deskcli.db").exists()


def test_cli_refuses_the_real_database(tmp_path: Path) -> None:
    real = tmp_path / "office.db"
    result = CliRunner().invoke(cli, ["--db", str(real), "demo", "--db", str(real), "--no-start"])
    assert result.exit_code == 2
    assert "office's own database" in result.stderr
    assert not real.exists()


def test_cli_refuses_when_demo_db_setting_names_the_real_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "office.db"
    monkeypatch.setenv("DESKCLI_DB", str(real))
    monkeypatch.setenv("DESKCLI_DEMO_DB", str(real))
    result = CliRunner().invoke(cli, ["demo", "--no-start", "--reset"])
    assert result.exit_code == 2
    assert "office's own database" in result.stderr
    assert not real.exists()
