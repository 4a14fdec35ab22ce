"""``deskcli import`` and ``deskcli export`` through the real command line, on files the tests make."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from deskcli.core.clock import ManualClock
from deskcli.models import AckMethod, CallStatus, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, escalations
from deskcli.services.lookup import customers
from deskcli.services.rules.policy import load_policies
from deskcli.store import db
from exchange_files import CUSTOMERS, deskcli, messy_calls, write

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("analyst_profile")]


def _rows(path: Path, table: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        connection.close()


def _fingerprint(path: Path) -> str:
    """The content of the tables an import writes to (not the file bytes: WAL may move them)."""
    return hashlib.sha256(repr([_rows(path, t) for t in ("customer", "customer_phone", "call", "call_event",
                                                            "import_batch")]).encode()).hexdigest()


def test_dry_run_then_commit_then_undo(tmp_path: Path) -> None:
    """The dry run reports and writes nothing; --commit refuses a bad row (all-or-nothing); --partial imports
    the good rows; undo removes them; every step through the real command."""
    database = tmp_path / "desk.db"
    rows = [*CUSTOMERS, ["C-004", "Dan Brown", "dan@acme", "", "", "", "", ""],
            ["C-005", "Siobhan Smith", "SIOBHAN@northwind.example", "", "", "", "", ""]]
    path = write(tmp_path / "customers.csv", rows)
    errors = tmp_path / "errors.csv"

    dry = deskcli("import", "customers", str(path), "--errors", str(errors), db=database)
    assert dry.returncode == 1, dry.stderr
    assert "Dry run of importing customers from" in dry.stdout and "nothing was written" in dry.stdout
    assert "5 rows: 3 to create, 0 to update, 0 to skip (already there), 2 in error (1 of them conflicts)" in dry.stdout
    assert "line 6, column \"E-mail\": email: 'dan@acme' is not an e-mail address" in dry.stdout
    assert 'line 7, column "Full Name": conflict:' in dry.stdout
    assert "Traceback" not in dry.stderr
    assert [line.split(",")[0] for line in errors.read_text(encoding="utf-8").splitlines()] == ["line", "6", "7"]
    assert "does not exist yet: this dry run reads an empty database and writes nothing" in dry.stdout
    assert not database.exists()  # a dry run creates no database

    refused = deskcli("import", "customers", str(path), "--commit", db=database)
    assert refused.returncode == 1
    assert "Nothing was imported" in refused.stderr and "all-or-nothing" in refused.stderr
    assert _rows(database, "customer") == [] and _rows(database, "import_batch") == []
    before = _fingerprint(database)
    assert deskcli("import", "customers", str(path), db=database).returncode == 1  # a dry run on it: still nothing
    assert _fingerprint(database) == before

    done = deskcli("import", "customers", str(path), "--commit", "--partial", db=database)
    assert done.returncode == 1  # rows in error were reported
    assert "Imported customers from" in done.stdout and "batch 1" in done.stdout
    assert len(_rows(database, "customer")) == 3

    listed = deskcli("import", "list", db=database)
    assert "batch 1" in listed.stdout and "3 created" in listed.stdout and "in place" in listed.stdout

    undone = deskcli("import", "undo", "1", db=database)
    assert undone.returncode == 0, undone.stderr
    assert "removed 0 calls (0 timeline events) and 3 customers" in undone.stdout
    assert _rows(database, "customer") == []
    again = deskcli("import", "undo", "1", db=database)
    assert again.returncode == 2 and "already undone" in again.stderr


def test_messy_calls_file_through_the_command_line(tmp_path: Path) -> None:
    """BOM, semicolons, quoted newlines, placeholders in every description, a call resolved before it was
    opened and an ambiguous date: a dry run names each problem, --partial imports the rest."""
    database = tmp_path / "desk.db"
    deskcli("import", "customers", str(write(tmp_path / "c.csv", CUSTOMERS)), "--commit", db=database)
    path = messy_calls(tmp_path / "calls.csv")
    dry = deskcli("import", "calls", str(path), db=database)
    assert "UTF-8 with BOM, delimiter ';', header on line 1" in dry.stdout
    assert "5 rows: 3 to create" in dry.stdout and "2 in error" in dry.stdout
    assert "resolved_at: 2024-03-06 09:00 GMT is before the call was opened" in dry.stdout
    assert "is ambiguous" in dry.stdout and "--date-format" in dry.stdout
    done = deskcli("import", "calls", str(path), "--date-format", "DD/MM/YYYY", "--commit", "--partial", db=database)
    assert "4 created" in done.stdout and "1 in error" in done.stdout
    exported = list(csv.DictReader(io.StringIO(deskcli("export", "calls", db=database).stdout)))
    assert [row["external_id"] for row in exported] == ["T-100", "T-101", "T-103", "T-104"]
    assert {row["notes"] for row in exported} == {""}  # every description was a placeholder


def test_reading_options_and_undoing_a_calls_batch(tmp_path: Path) -> None:
    """--separator splits multi-value cells, --missing adds a marker for "not known", --timezone reads local
    times in another zone; undo of a calls batch removes its calls and their timeline events."""
    database = tmp_path / "desk.db"
    people = write(tmp_path / "people.csv", [
        ["Name", "E-mail", "Phones", "Department"],
        ["Ann Smith", "ann@acme.example", "020 7946 0101 | 07700 900101", "unknown"],
        ["Bob Jones", "bob@acme.example", "020 7946 0102", "Finance"],
    ])
    done = deskcli("import", "customers", str(people), "--separator", "|", "--missing", "unknown", "--commit", db=database)
    assert done.returncode == 0, done.stdout + done.stderr
    phones = sorted(row[0] for row in sqlite3.connect(database).execute(
        "SELECT raw FROM customer_phone JOIN customer ON customer.id = customer_id WHERE name = 'Ann Smith'"))
    assert phones == ["020 7946 0101", "07700 900101"]
    departments = dict(sqlite3.connect(database).execute("SELECT name, department FROM customer"))
    assert departments == {"Ann Smith": "", "Bob Jones": "Finance"}

    tickets = write(tmp_path / "tickets.csv", [
        ["Ticket", "Requester Email", "Subject", "Status", "Created"],
        ["T-1", "ann@acme.example", "Printer jam", "Open", "2024-03-05 09:15"],
        ["T-2", "bob@acme.example", "VPN", "Open", "2024-07-05 14:05"],
    ])
    calls_done = deskcli("import", "calls", str(tickets), "--timezone", "America/New_York", "--commit", db=database)
    assert calls_done.returncode == 0, calls_done.stdout + calls_done.stderr
    opened = dict(sqlite3.connect(database).execute("SELECT external_id, opened_at FROM call"))
    assert opened["T-1"].startswith("2024-03-05 14:15")  # 09:15 in New York (EST) is 14:15 UTC
    assert opened["T-2"].startswith("2024-07-05 18:05")  # EDT in summer
    assert len(_rows(database, "call_event")) >= 2
    batch = next(line for line in deskcli("import", "list", db=database).stdout.splitlines() if "calls" in line)
    number = batch.split("batch ")[1].split()[0].rstrip(":,")
    undone = deskcli("import", "undo", number, db=database)
    assert undone.returncode == 0, undone.stderr
    assert "removed 2 calls" in undone.stdout
    assert _rows(database, "call") == [] and _rows(database, "call_event") == []
    assert len(_rows(database, "customer")) == 2  # the customers' batch stays


def test_saved_mapping_is_used_next_time(tmp_path: Path) -> None:
    """--map and --save-mapping once; --mapping FILE the next time gives the same mapping."""
    database = tmp_path / "desk.db"
    path = write(tmp_path / "c.csv", [["Client", "Mail", "Fax"], ["Ann Smith", "ann@acme.example", "1"]])
    first = deskcli("import", "customers", str(path), "--map", "Client=name", "--map", "Mail=email",
                    "--save-mapping", str(tmp_path / "map.toml"), db=database)
    assert "Client → name, Mail → email" in first.stdout and "not imported (no field matches): Fax" in first.stdout
    second = deskcli("import", "customers", str(path), "--mapping", str(tmp_path / "map.toml"), "--commit", db=database)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Client → name, Mail → email" in second.stdout and "left out (mapped to nothing): Fax" in second.stdout


def _100_mb_open_quote(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write('Name,Email,Notes\r\nAnn Smith,ann@acme.example,ok\r\nBob Jones,bob@acme.example,"')
        block = ("x" * 99 + "\n") * 10_000
        for _ in range(100):
            handle.write(block)
    return path


@pytest.mark.parametrize(
    ("make", "message", "args"),
    [
        (lambda p: p.write_text("Dear help desk,\nmy printer is on fire.\nRegards\n"), "has no header row", ()),
        (lambda p: p.write_text('{"name": "Ann", "email": "a@b.example"}\n'), "no column gives name", ()),
        (lambda p: p.write_bytes(b"\x00\x01\x02binary\x00" * 50), "is a binary file", ()),
        (lambda p: p.write_bytes(b""), "is empty", ()),
        (lambda p: p.write_text("Name,Email\n"), "has a header (line 1) but no rows", ()),
        (lambda p: p.write_text("Name,Mail,Mail2\nAnn,a@b.example,c@d.example\n"),
         "the field email is mapped from two columns", ("--map", "Mail=email", "--map", "Mail2=email")),
        (lambda p: p.write_text("Name,Mail\nAnn,a@b.example\n"), "'emial' is not a field of a customers import",
         ("--map", "Mail=emial")),
        (_100_mb_open_quote, "line 3: a cell of the row starting here runs past 1024 KiB", ()),
    ],
    ids=["not-csv", "json", "binary", "empty", "header-only", "mapped-twice", "unknown-field", "100mb-open-quote"],
)
def test_bad_input_is_one_message_and_nothing_written(tmp_path: Path, make, message: str, args: tuple) -> None:
    """Each bad file: exit 2, a message naming the problem (and the line), no traceback, nothing written,
    even with --commit."""
    database = tmp_path / "desk.db"
    db.open_store(db.target_for(database, None)).dispose()
    before = _fingerprint(database)
    path = tmp_path / "bad.csv"
    make(path)
    result = deskcli("import", "customers", str(path), *args, "--commit", db=database)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "deskcli: error: " in result.stderr
    assert _fingerprint(database) == before


def _office_data(database: Path, clock: ManualClock) -> None:
    """An office's database made through the services: customers of every shape, calls in every status."""
    store = db.open_store(db.target_for(database, None))
    try:
        from deskcli.models import AnalystBase
        from deskcli.services.lifecycle import analysts

        with store.write() as session:
            analyst = analysts.ensure_analyst(
                session, AnalystBase(handle="ajones", name="Ann Jones", department="Help Desk"), Actor(None, clock))
        actor = Actor(analyst.id, clock)
        made = []
        with store.write() as session:
            for data in (
                CustomerCreate(name="Siobhán O'Neill", email="siobhan@northwind.example", phones=["020 7946 0001"],
                               organisation="Northwind", is_vip=True, caution_flags=["hard_of_hearing"],
                               notes="line one\nline two; with \"quotes\""),
                CustomerCreate(name="Nameless Caller"),  # no e-mail, no phone: found again by its deskcli id
                CustomerCreate(name="Bartholomew Quince", phones=["07700 900123", "+44 113 496 0000"]),
            ):
                made.append(customers.create_customer(session, data, actor, region="GB").id)
            customers.add_phone(session, made[2], "0117 496 0000", region="GB", label="home")
        for index, customer_id in enumerate(made):
            with store.write() as session:
                call = calls.create_call(session, customer_id, actor)
                calls.acknowledge(session, call.id, AckMethod.VERBAL, actor)
                calls.update_assessment(session, call.id, actor, summary=f"problem {index}", category="printing",
                                        priority=index + 1)
                if index == 0:
                    calls.resolve(session, call.id, actor, resolution="Cleared the jam;\nreloaded", instructions="Turn it on")
                    calls.record_agreement(session, call.id, actor, agreed=True)
                    calls.close_call(session, call.id, actor, satisfaction=4)
                if index == 1:
                    request = escalations.EscalationRequest(
                        route="technical_experts", handoff="all of it", next_contact_at=clock.now() + timedelta(hours=2),
                        receiver="Network team", time_to_fix="a day", cause="better_tier",
                    )
                    escalations.escalate(session, call.id, request, actor, policy=load_policies().escalation)
            clock.advance(timedelta(hours=1))
    finally:
        store.dispose()


def _without_ids(text: str, ids: tuple[str, ...]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ids} for row in csv.DictReader(io.StringIO(text))]


def test_export_imports_back_into_an_empty_database_with_the_same_rows(tmp_path: Path) -> None:
    """Customers and calls exported from one database and imported into an empty one export the same rows
    (the deskcli ids aside): names with quotes and newlines, several phones, a customer with no e-mail or
    phone, closed, open and escalated calls."""
    from conftest import START

    source, target = tmp_path / "source.db", tmp_path / "target.db"
    _office_data(source, ManualClock(START))
    first = {kind: tmp_path / f"{kind}.csv" for kind in ("customers", "calls")}
    for kind, path in first.items():
        result = deskcli("export", kind, "--output", str(path), db=source)
        assert result.returncode == 0, result.stderr
        assert (path.stat().st_mode & 0o777) == 0o600
    for kind in ("customers", "calls"):
        result = deskcli("import", kind, str(first[kind]), "--commit", db=target)
        assert result.returncode == 0, result.stdout + result.stderr
    for kind, ids in (("customers", ("deskcli_id",)), ("calls", ("customer_deskcli_id",))):
        before = _without_ids(first[kind].read_text(encoding="utf-8"), ids)
        after = _without_ids(deskcli("export", kind, db=target).stdout, ids)
        assert after == before
    statuses = {row["status"] for row in csv.DictReader(io.StringIO(first["calls"].read_text(encoding="utf-8")))}
    assert statuses == {CallStatus.CLOSED, CallStatus.OPEN, CallStatus.ESCALATED}
    again = deskcli("import", "calls", str(first["calls"]), db=target)
    assert "3 to skip" in again.stdout  # the same calls are not imported twice


def test_export_formats_and_bad_period(tmp_path: Path) -> None:
    """JSON and JSON lines on stdout; a bad --period is one message."""
    from conftest import START

    database = tmp_path / "desk.db"
    _office_data(database, ManualClock(START))
    lines = deskcli("export", "events", "--format", "jsonl", db=database).stdout.splitlines()
    assert len(lines) > 10 and all(line.startswith("{") for line in lines)
    assert deskcli("export", "customers", "--format", "json", db=database).stdout.lstrip().startswith("[")
    bad = deskcli("export", "calls", "--period", "last fortnight", db=database)
    assert bad.returncode == 2 and "period: 'lastfortnight' is not a period" in bad.stderr
