"""The import figure: ``deskcli import customers`` against a raw ``executemany`` floor.

Both load the same customers (a CSV file written first, untimed) into a new database
with deskcli's schema, its indexes, search triggers and connection settings (WAL,
``synchronous=FULL``, the same page cache). The floor inserts rows already prepared
in Python with two ``executemany`` calls in one transaction: the least any import can
cost. The import reads the CSV from disk, finds its encoding, delimiter and header,
maps the columns, checks every value, normalises the phone numbers, dedupes against
the database and writes, through the service ``deskcli import`` runs.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskcli.bench.report import Figure, ratio_figure
from deskcli.services.exchange.customers import IMPORT_CACHE_KIB
from deskcli.workload import vocab
from deskcli.workload.generator import GB_LANDLINES, gb_landline, gb_mobile

HEADER = ("Customer ID", "Name", "E-mail", "Phone", "Mobile", "Company", "Department", "VIP", "Notes")
STAMP = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def _ascii(text: str) -> str:
    return "".join(char for char in text.lower() if char.isascii() and char.isalnum()) or "x"


def customers_csv(path: Path, count: int, seed: int) -> list[tuple[Any, ...]]:
    """Write ``count`` distinct customers as another desk would export them; their prepared rows."""
    rng = random.Random(seed)
    prepared = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(1, count + 1):
            first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.SURNAMES)
            organisation = rng.choice(vocab.ORGANISATIONS)
            email = f"{_ascii(first)}.{_ascii(last)}.{number}@{_ascii(organisation)}.example"
            # One number per customer (up to 110,000 of them): a shared number with the same
            # name would be one customer twice, which is not what this figure measures.
            work = gb_landline(number % len(GB_LANDLINES), (number // len(GB_LANDLINES)) % 10_000, rng.randrange(4))
            mobile = gb_mobile(rng.randrange(100_000), rng.randrange(4)) if rng.random() < 0.35 else None
            department = rng.choice(vocab.DEPARTMENTS)
            vip = rng.random() < 0.04
            notes = rng.choice(vocab.CUSTOMER_NOTES) if rng.random() < 0.05 else ""
            writer.writerow((f"EXT-{number:07d}", f"{first} {last}", email, work[0], mobile[0] if mobile else "",
                             organisation, department, "yes" if vip else "no", notes))
            prepared.append((number, f"EXT-{number:07d}", f"{first} {last}", email, organisation, department,
                             int(vip), notes, work, mobile))
    return prepared


def _floor(db_path: Path, prepared: list[tuple[Any, ...]], cache_kib: int) -> float:
    """Seconds to insert the prepared rows with two executemany calls, as raw as SQLite goes.

    The search index is filled the fastest way too: its insert trigger dropped, one
    ``INSERT … SELECT`` after the rows, the trigger put back, all in the transaction
    (what the import does; through the trigger, row by row, it is four times slower).
    """
    stamp = STAMP.strftime("%Y-%m-%d %H:%M:%S.%f")
    customers = [
        (number, name, "", "", email, organisation, department, vip, "[]", notes, stamp, stamp, external)
        for number, external, name, email, organisation, department, vip, notes, _work, _mobile in prepared
    ]
    phones = []
    for number, *_rest, work, mobile in prepared:
        phones.append((number, "", work[0], work[1], work[2]))
        if mobile:
            phones.append((number, "mobile", mobile[0], mobile[1], mobile[2]))
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        for pragma in ("journal_mode = WAL", "foreign_keys = ON", "synchronous = FULL", f"cache_size = -{cache_kib}"):
            connection.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        trigger = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'customer_fts_ai'").fetchone()[0]
        connection.execute("DROP TRIGGER customer_fts_ai")
        connection.executemany(
            "INSERT INTO customer (id, name, name_spelling, pronunciation, email, organisation, department, is_vip, "
            "caution_flags, notes, created_at, updated_at, external_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            customers,
        )
        connection.executemany(
            "INSERT INTO customer_phone (customer_id, label, raw, e164, national_digits) VALUES (?,?,?,?,?)", phones
        )
        connection.execute("INSERT INTO customer_fts(rowid, name, organisation, email, department) "
                           "SELECT id, name, organisation, email, department FROM customer")
        connection.execute(trigger)
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


def _fresh(db_path: Path) -> None:
    from deskcli.store import db

    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    db.open_store(db.target_for(db_path, None)).dispose()


def _import(db_path: Path, csv_path: Path) -> tuple[float, dict[str, Any]]:
    """Seconds for the real import service, committed; its counts."""
    from zoneinfo import ZoneInfo

    from deskcli.core.clock import ManualClock
    from deskcli.services.actor import Actor
    from deskcli.services.exchange.importer import ImportRequest, Office, run_import
    from deskcli.store import db

    store = db.open_store(db.target_for(db_path, None))
    try:
        office = Office("GB", ZoneInfo("Europe/London"), "HD")
        request = ImportRequest("customers", csv_path, commit=True)
        started = time.perf_counter()
        with store.write() as session:
            report = run_import(session, request, by=Actor(None, ManualClock(STAMP)), office=office)
        return time.perf_counter() - started, report.counts()
    finally:
        store.dispose()


def measure(folder: Path, count: int, seed: int) -> Figure:
    """The figure "import N customers" against its floor, measured now on this machine."""
    csv_path = folder / "import-customers.csv"
    prepared = customers_csv(csv_path, count, seed)
    floor_db, import_db = folder / "import-floor.db", folder / "import-service.db"
    _fresh(floor_db)
    floor = _floor(floor_db, prepared, IMPORT_CACHE_KIB)
    _fresh(import_db)
    seconds, counts = _import(import_db, csv_path)
    note = (f"{counts['created']:,} created from a {csv_path.stat().st_size / 1_048_576:.1f} MB CSV "
            f"({json.dumps(counts)}); the floor inserts the same rows, already prepared, with executemany")
    return ratio_figure(f"import {count:,} customers", seconds, floor, "s", 3, note=note)
