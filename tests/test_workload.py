"""The synthetic workload generator: shape, determinism, exact promises, refusals."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from deskcli.core.clock import ManualClock
from deskcli.core.errors import StoreError
from deskcli.models import (
    Call,
    CallEvent,
    CallStatus,
    Commitment,
    CommitmentKind,
    CommitmentOutcome,
    Customer,
    Escalation,
    EventKind,
    Stage,
)
from deskcli.services.actor import Actor
from deskcli.services.desk import queue
from deskcli.services.lifecycle import calls
from deskcli.services.lookup import customers, phones
from deskcli.services.rules.policy import load_policies
from deskcli.store import db
from deskcli.workload import DEFAULT_NOW, generate
from deskcli.workload import generator as workload

N_CUSTOMERS = 300
N_CALLS = 2_000
ME = "ajones"
MY_PROMISES = 17


def _generate(path: Path, **overrides: object):
    arguments = {"customers": N_CUSTOMERS, "calls": N_CALLS, "seed": 1, "promises_for": ME, "pending_promises": MY_PROMISES}
    arguments.update(overrides)
    return generate(path, **arguments)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory):
    """One small workload, shared by the read-only tests."""
    stages: list[tuple[str, float]] = []
    report = _generate(tmp_path_factory.mktemp("workload") / "desk.db", progress=lambda s, f: stages.append((s, f)))
    report.progress_calls = stages  # type: ignore[attr-defined]
    return report


@pytest.fixture
def raw(made) -> sqlite3.Connection:
    connection = sqlite3.connect(made.path)
    yield connection
    connection.close()


@pytest.fixture
def copy(made, tmp_path: Path) -> Path:
    """A private copy of the workload, for tests that write to it."""
    target = tmp_path / "copy.db"
    shutil.copyfile(made.path, target)
    return target


def _dump(path: Path) -> dict[str, str]:
    """A digest of every table's rows (including the FTS5 shadow tables and ANALYZE's)."""
    connection = sqlite3.connect(path)
    try:
        names = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        digests = {}
        for name in names:
            try:
                rows = connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            except sqlite3.OperationalError:  # WITHOUT ROWID tables come in key order
                rows = connection.execute(f'SELECT * FROM "{name}"').fetchall()
            digests[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return digests
    finally:
        connection.close()


# --------------------------------------------------------------------------- shape


def test_counts_report_and_progress(made, raw: sqlite3.Connection) -> None:
    def count(table: str) -> int:
        return raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    assert count("customer") == N_CUSTOMERS
    assert count("call") == N_CALLS
    assert count("analyst") == 25
    assert count("knowledge_article") == 10
    for table in ("customer", "customer_phone", "call", "call_event", "commitment", "escalation", "analyst"):
        assert made.counts[table] == count(table), table
    assert N_CUSTOMERS <= count("customer_phone") <= 2 * N_CUSTOMERS
    assert 3 * N_CALLS <= count("call_event") <= 10 * N_CALLS
    assert made.file_bytes == made.bytes == made.path.stat().st_size > 0
    assert made.seconds > 0
    stages = [stage for stage, _ in made.progress_calls]
    for stage in ("customers", "calls", "indexes", "search"):
        assert stage in stages
        assert (stage, 1.0) in made.progress_calls


def test_every_status_and_consistent_stages(raw: sqlite3.Connection) -> None:
    statuses = dict(raw.execute("SELECT status, count(*) FROM call GROUP BY status").fetchall())
    assert set(statuses) == {str(s) for s in CallStatus}
    assert statuses["closed"] > N_CALLS * 0.9
    stages = {(status, stage) for status, stage in raw.execute("SELECT DISTINCT status, stage FROM call")}
    assert {stage for _, stage in stages} <= {str(s) for s in Stage}
    allowed = {
        "closed": {"close", "follow_up"},
        "awaiting_confirmation": {"close"},
        "escalated": {"resolve"},
        "open": {"greeting", "assessment", "resolve"},
    }
    for status, stage in stages:
        assert stage in allowed[status], (status, stage)
    # Closed calls carry what closing requires; all conversations are over.
    assert raw.execute(
        "SELECT count(*) FROM call WHERE status = 'closed' AND (closed_at IS NULL OR customer_agreed_at IS NULL "
        "OR resolution = '' OR resolved_at IS NULL)"
    ).fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM call WHERE status != 'closed' AND closed_at IS NOT NULL").fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM call WHERE talk_ended_at IS NULL OR hold_started_at IS NOT NULL").fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM call WHERE length(summary) > 500").fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM call WHERE priority NOT BETWEEN 1 AND 4").fetchone()[0] == 0
    # A valid complaint is only closed with a note on preventing a repeat.
    assert raw.execute(
        "SELECT count(*) FROM call WHERE status = 'closed' AND is_complaint AND complaint_valid AND prevention_note = ''"
    ).fetchone()[0] == 0


def test_references_contiguous_and_counter_continues(raw: sqlite3.Connection, copy: Path) -> None:
    references = [ref for (ref,) in raw.execute("SELECT reference FROM call ORDER BY id")]
    assert references == [f"HD-{n:06d}" for n in range(1, N_CALLS + 1)]
    opened = [at for (at,) in raw.execute("SELECT opened_at FROM call ORDER BY id")]
    assert opened == sorted(opened), "references follow the order calls came in"
    assert raw.execute("SELECT value FROM counter WHERE name = 'call_reference'").fetchone()[0] == N_CALLS

    store = db.open_store(db.target_for(copy, None))
    try:
        with store.write() as session:
            call = calls.create_call(session, 1, Actor(1, ManualClock(DEFAULT_NOW)))
            assert call.reference == f"HD-{N_CALLS + 1:06d}"
    finally:
        store.dispose()


def test_times_follow_now_and_timelines_run_forward(raw: sqlite3.Connection) -> None:
    now = "2026-11-23 12:00:00.000000"
    two_years_ago = "2024-11-23 00:00:00.000000"
    first, last = raw.execute("SELECT min(opened_at), max(opened_at) FROM call").fetchone()
    assert two_years_ago <= first < last < now
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")
    for column in ("opened_at", "acknowledged_at", "resolved_at", "closed_at", "talk_ended_at", "updated_at"):
        for (value,) in raw.execute(f"SELECT {column} FROM call WHERE {column} IS NOT NULL LIMIT 50"):
            assert pattern.match(value), (column, value)
        assert raw.execute(f"SELECT max({column}) FROM call").fetchone()[0] <= now
    assert raw.execute("SELECT max(at) FROM call_event").fetchone()[0] <= now
    assert raw.execute("SELECT count(*) FROM call WHERE updated_at < opened_at OR closed_at < opened_at").fetchone()[0] == 0
    backwards = raw.execute(
        "SELECT count(*) FROM (SELECT at, lag(at) OVER (PARTITION BY call_id ORDER BY id) AS before FROM call_event) "
        "WHERE at < before"
    ).fetchone()[0]
    assert backwards == 0
    first_events = raw.execute(
        "SELECT count(*) FROM call JOIN call_event ON call_event.id = "
        "(SELECT min(id) FROM call_event WHERE call_id = call.id) WHERE call_event.kind != 'created' OR call_event.at != call.opened_at"
    ).fetchone()[0]
    assert first_events == 0


def test_events_commitments_and_escalations_fit_together(raw: sqlite3.Connection) -> None:
    kinds = {kind for (kind,) in raw.execute("SELECT DISTINCT kind FROM call_event")}
    assert kinds <= {str(k) for k in EventKind}
    assert {"created", "acknowledged", "status_changed", "closed", "escalated", "commitment_made"} <= kinds
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    # Escalated calls are worked by a receiver of the escalation policy.
    receivers = {tier.receiver for route in load_policies().escalation.routes for tier in route.tiers}
    receivers |= {"Help desk manager", "Duty manager", "Team leader on duty"}  # live transfers to a manager
    rows = raw.execute("SELECT id, actual_owner_id, actual_owner_label FROM call WHERE status = 'escalated'").fetchall()
    assert rows
    for call_id, owner, label in rows:
        assert owner is None and label in receivers
        assert raw.execute("SELECT count(*) FROM escalation WHERE call_id = ?", (call_id,)).fetchone()[0] >= 1
    assert raw.execute("SELECT count(*) FROM call WHERE status = 'open' AND actual_owner_id != perceived_owner_id").fetchone()[0] == 0
    # Next-contact promises belong to the escalated call; re-escalations point back.
    assert raw.execute(
        "SELECT count(*) FROM escalation e JOIN commitment c ON c.id = e.next_contact_id "
        "WHERE c.kind != 'next_contact' OR c.call_id != e.call_id"
    ).fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM escalation WHERE next_contact_id IS NOT NULL").fetchone()[0] > 0
    assert raw.execute(
        "SELECT count(*) FROM escalation e JOIN escalation p ON p.id = e.previous_id WHERE p.call_id != e.call_id OR p.id >= e.id"
    ).fetchone()[0] == 0
    # Pending promises are on calls still open, except follow-up calls after closing.
    assert raw.execute(
        "SELECT count(*) FROM commitment c JOIN call ON call.id = c.call_id "
        "WHERE c.outcome IS NULL AND call.status = 'closed' AND c.kind != 'follow_up'"
    ).fetchone()[0] == 0
    outcomes = {o for (o,) in raw.execute("SELECT DISTINCT outcome FROM commitment WHERE outcome IS NOT NULL")}
    assert {"kept_on_time", "kept_late", "missed"} <= outcomes <= {str(o) for o in CommitmentOutcome}
    assert {k for (k,) in raw.execute("SELECT DISTINCT kind FROM commitment")} <= {str(k) for k in CommitmentKind}
    # Every promise was announced on the timeline, and every settled one too.
    made_events = raw.execute("SELECT count(*) FROM call_event WHERE kind = 'commitment_made'").fetchone()[0]
    assert made_events == raw.execute("SELECT count(*) FROM commitment").fetchone()[0]
    settled = raw.execute("SELECT count(*) FROM call_event WHERE kind = 'commitment_resolved'").fetchone()[0]
    assert settled == raw.execute("SELECT count(*) FROM commitment WHERE outcome IS NOT NULL").fetchone()[0]
    # Knowledge articles count the calls that used them.
    assert raw.execute(
        "SELECT count(*) FROM knowledge_article a WHERE times_used != (SELECT count(*) FROM call WHERE article_id = a.id)"
    ).fetchone()[0] == 0


def test_customers_look_real(raw: sqlite3.Connection) -> None:
    vip = raw.execute("SELECT avg(is_vip) FROM customer").fetchone()[0]
    assert 0.01 < vip < 0.12
    flags = {f for (f,) in raw.execute("SELECT DISTINCT caution_flags FROM customer")}
    assert flags <= {"[]", '["abusive_history"]'}
    for (email,) in raw.execute("SELECT email FROM customer WHERE email IS NOT NULL"):
        assert re.fullmatch(r"[a-z0-9-]+\.[a-z0-9-]+@[a-z0-9]+\.example", email), email
    assert raw.execute("SELECT count(*) FROM customer WHERE name LIKE '%''%'").fetchone()[0] > 0  # O'Brien, D'Arcy …


def test_orm_reads_rows_back(made) -> None:
    store = db.open_store(db.target_for(made.path, None))
    try:
        with store.read() as session:
            call = session.exec(select(Call).where(Call.status == CallStatus.CLOSED).limit(1)).one()
            for value in (call.opened_at, call.closed_at, call.talk_ended_at, call.updated_at):
                assert value is not None and value.tzinfo is not None and value.utcoffset() == timedelta(0)
            assert DEFAULT_NOW - timedelta(days=731) < call.opened_at < DEFAULT_NOW
            event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.CLOSED).limit(1)).one()
            assert isinstance(event.payload, dict) and "resolution" in event.payload
            assert event.at.tzinfo is not None
            made_event = session.exec(select(CallEvent).where(CallEvent.kind == EventKind.COMMITMENT_MADE).limit(1)).one()
            due = datetime.fromisoformat(made_event.payload["due_at"])
            commitment = session.get(Commitment, made_event.payload["commitment_id"])
            assert commitment is not None and commitment.due_at == due
            escalation = session.exec(select(Escalation).limit(1)).one()
            assert isinstance(escalation.triggers, list) and escalation.escalated_at.tzinfo is not None
            flagged = session.exec(select(Customer).where(col(Customer.caution_flags) != "[]").limit(1)).first()
            if flagged is not None:
                assert flagged.caution_flags == ["abusive_history"]
            queue.my_open_calls(session, 1)
    finally:
        store.dispose()


# --------------------------------------------------------------------------- lookups and the rebuilt schema


def test_fts_lookup_finds_generated_customers(made, raw: sqlite3.Connection) -> None:
    customer_id, name = raw.execute(
        "SELECT id, name FROM customer WHERE name NOT LIKE '% % %' AND name NOT GLOB '*[^A-Za-z ]*' ORDER BY id LIMIT 1"
    ).fetchone()
    given, surname = name.split(" ")
    prefix = surname[:4]
    store = db.open_store(db.target_for(made.path, None))
    try:
        with store.read() as session:
            found = customers.lookup(session, prefix, region="GB")
            assert found
            assert any(word.lower().startswith(prefix.lower()) for match in found for word in match.name.split())
            narrowed = customers.lookup(session, f"{given} {prefix}", region="GB", limit=200)
            assert customer_id in {match.id for match in narrowed}
    finally:
        store.dispose()


def test_phone_lookup_finds_a_number_typed_another_way(made, raw: sqlite3.Connection) -> None:
    customer_id, stored, e164, national = raw.execute(
        "SELECT customer_id, raw, e164, national_digits FROM customer_phone WHERE raw LIKE '0%' ORDER BY id LIMIT 1"
    ).fetchone()
    typed = f"+44 {national[:4]} {national[4:]}"  # stored as 0…, typed in international form
    assert typed != stored
    store = db.open_store(db.target_for(made.path, None))
    try:
        with store.read() as session:
            assert customer_id in {match.id for match in customers.lookup(session, typed, region="GB")}
            assert customer_id in {match.id for match in customers.lookup(session, "0" + national, region="GB")}
    finally:
        store.dispose()
    assert e164 == "+44" + national


@pytest.mark.parametrize("area", range(len(workload.GB_LANDLINES)))
def test_hand_made_landlines_normalise_like_libphonenumber(area: int) -> None:
    for fmt in range(workload.LANDLINE_FORMATS):
        for subscriber in (0, 7, 1234, 9999):
            raw, e164, national = workload.gb_landline(area, subscriber, fmt)
            assert phones.normalise(raw, "GB") == phones.NormalisedPhone(raw, e164, national)


def test_hand_made_mobiles_normalise_like_libphonenumber() -> None:
    for fmt in range(workload.MOBILE_FORMATS):
        for subscriber in (0, 5, 12345, 99999):
            raw, e164, national = workload.gb_mobile(subscriber, fmt)
            assert phones.normalise(raw, "GB") == phones.NormalisedPhone(raw, e164, national)


def test_indexes_triggers_and_integrity_are_back(made, raw: sqlite3.Connection, tmp_path: Path) -> None:
    fresh = db.open_store(db.target_for(tmp_path / "fresh.db", None))
    fresh.dispose()
    query = (
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger', 'table') "
        "AND name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
    )
    expected = sqlite3.connect(tmp_path / "fresh.db")
    try:
        assert raw.execute(query).fetchall() == expected.execute(query).fetchall()
    finally:
        expected.close()
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert raw.execute("INSERT INTO customer_fts(customer_fts) VALUES('integrity-check')") is not None
    assert raw.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_call_events_are_append_only_again(copy: Path) -> None:
    connection = sqlite3.connect(copy)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE call_event SET kind = 'closed' WHERE id = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM call_event WHERE id = 1")
        # The FTS triggers are back too: a new customer is found at once.
        connection.execute(
            "INSERT INTO customer (name, name_spelling, pronunciation, email, organisation, department, is_vip, caution_flags, "
            "notes, created_at, updated_at) VALUES ('Zebedee Quarrington', '', '', NULL, '', '', 0, '[]', '', "
            "'2026-11-23 12:00:00.000000', '2026-11-23 12:00:00.000000')"
        )
        assert connection.execute("SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'quarr*'").fetchone()[0] == 1
    finally:
        connection.close()


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_bytes_other_seed_differs(made, tmp_path: Path) -> None:
    again = _generate(tmp_path / "again.db")
    first, second = _dump(made.path), _dump(again.path)
    assert "sqlite_stat1" in first and "customer_fts_data" in first
    assert first == second
    other = _generate(tmp_path / "other.db", seed=2)
    different = _dump(other.path)
    assert different["call"] != first["call"]
    assert different["customer"] != first["customer"]
    assert different["call_event"] != first["call_event"]


def test_parallel_generation_makes_the_same_rows(tmp_path: Path) -> None:
    inline = _generate(tmp_path / "inline.db", customers=80, calls=700, parallel=False)
    forked = _generate(tmp_path / "forked.db", customers=80, calls=700, parallel=True)
    assert _dump(inline.path) == _dump(forked.path)


def test_now_moves_every_time(tmp_path: Path) -> None:
    later = DEFAULT_NOW + timedelta(days=100, hours=3)
    report = _generate(tmp_path / "later.db", customers=50, calls=300, now=later, promises_for=None, pending_promises=0)
    connection = sqlite3.connect(report.path)
    try:
        newest = connection.execute("SELECT max(updated_at) FROM call").fetchone()[0]
        assert "2027-02-01 00:00:00" < newest <= later.strftime("%Y-%m-%d %H:%M:%S.000000")
    finally:
        connection.close()


# --------------------------------------------------------------------------- promises of the bench analyst


def test_exact_pending_promises_for_the_named_analyst(made, raw: sqlite3.Connection) -> None:
    assert raw.execute("SELECT id FROM analyst WHERE handle = ?", (ME,)).fetchone() == (1,)
    pending = raw.execute("SELECT count(*) FROM commitment WHERE outcome IS NULL AND owed_by_id = 1").fetchone()[0]
    assert pending == MY_PROMISES
    dues = [datetime.fromisoformat(d).replace(tzinfo=UTC) for (d,) in raw.execute(
        "SELECT due_at FROM commitment WHERE outcome IS NULL AND owed_by_id = 1")]
    assert min(dues) >= DEFAULT_NOW - timedelta(days=3, minutes=1)
    assert max(dues) <= DEFAULT_NOW + timedelta(days=15)
    store = db.open_store(db.target_for(made.path, None))
    try:
        with store.read() as session:
            rows = queue.pending_promises(session, 1, now=DEFAULT_NOW, limit=1000)
            assert len(rows) == MY_PROMISES
            assert any(row.overdue for row in rows)
    finally:
        store.dispose()
    # Other analysts still have their own pending promises.
    assert raw.execute("SELECT count(*) FROM commitment WHERE outcome IS NULL AND owed_by_id != 1").fetchone()[0] > 0


@pytest.mark.parametrize("wanted", [0, 3])
def test_pending_promises_exact_even_when_few(tmp_path: Path, wanted: int) -> None:
    report = _generate(tmp_path / "few.db", customers=20, calls=40, analysts=3, pending_promises=wanted)
    connection = sqlite3.connect(report.path)
    try:
        assert connection.execute(
            "SELECT count(*) FROM commitment WHERE outcome IS NULL AND owed_by_id = 1"
        ).fetchone()[0] == wanted
        assert connection.execute("SELECT handle FROM analyst ORDER BY id").fetchall() == [(ME,), ("analyst02",), ("analyst03",)]
    finally:
        connection.close()


# --------------------------------------------------------------------------- refusals


def test_refuses_a_database_that_holds_calls(made) -> None:
    before = hashlib.sha256(made.path.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match="already holds data"):
        _generate(made.path)
    assert made.path.exists()
    assert hashlib.sha256(made.path.read_bytes()).hexdigest() == before


def test_fills_an_existing_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    db.open_store(db.target_for(path, None)).dispose()
    report = _generate(path, customers=10, calls=20, pending_promises=1)
    assert report.counts["call"] == 20


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="customers"):
        generate(tmp_path / "x.db", customers=0, calls=10)
    with pytest.raises(ValueError, match="promises_for"):
        generate(tmp_path / "x.db", customers=5, calls=10, pending_promises=2)
    assert not (tmp_path / "x.db").exists()
