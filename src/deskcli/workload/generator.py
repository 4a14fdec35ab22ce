"""A deterministic synthetic workload: a help desk database of any size, fast.

:func:`generate` makes a fresh database with the real schema (through
:func:`deskcli.store.db.open_store`, so the migrations run), adds the shipped knowledge
articles, then bulk-loads analysts, customers, calls, their timelines, promises
and escalations with the standard library's ``sqlite3``:

* indexes and triggers are dropped first and built once at the end (then the FTS5
  indexes are rebuilt and ``ANALYZE`` runs);
* rows are streamed in chunks, one transaction per chunk, so memory stays small
  whatever the size asked for;
* everything comes from one ``random.Random(seed)`` and from ``now`` (never the wall
  clock): the same arguments give the same table contents, byte for byte.

Times are stored as SQLAlchemy stores them on SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``,
UTC), booleans as 0/1 and JSON columns as ``json.dumps`` text, so the ORM reads
every row back exactly as if the services had written it.
"""

from __future__ import annotations

import json
import marshal
import multiprocessing
import os
import random
import sqlite3
import time
import traceback
import unicodedata
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, overload
from zoneinfo import ZoneInfo

from deskcli.core.clock import as_utc
from deskcli.core.errors import StoreError
from deskcli.workload import vocab

DEFAULT_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
"""The moment the workload ends at when no ``now`` is given (a Monday noon, UTC)."""

OFFICE_ZONE = "Europe/London"
"""Opening hours are laid out in this zone (the shipped SLA calendar is English)."""

CHUNK_ROWS = 50_000
"""Rows per transaction for the simple tables (customers, phones)."""

CHUNK_CALLS = 10_000
"""Calls per transaction (with their events, promises and escalations: ~60 000 rows)."""

PARALLEL_FROM = 50_000
"""From this many calls, generate them in a child process (when the platform can fork)."""

WINDOW_DAYS = 730
"""Calls are spread over the two years before ``now``."""

TABLES = ("analyst", "customer", "customer_phone", "call", "call_event", "commitment", "escalation", "knowledge_article")

Progress = Callable[[str, float], None]

_DAY = 86_400
_HOUR = 3_600
_OPENS = 8 * _HOUR + 1_800
_CLOSES = 17 * _HOUR + 1_800
_first = itemgetter(0)


@dataclass
class GenerationReport:
    """What :func:`generate` made."""

    path: Path
    counts: dict[str, int]
    """Rows per table."""
    seconds: float
    """Wall time taken, from start to the closed file."""
    file_bytes: int
    """Size of the database file."""
    seed: int = 1
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage (customers, calls, indexes, search, analyze)."""

    @property
    def bytes(self) -> int:
        """The file size, under the name the benchmark reads (``deskcli.bench.run``)."""
        return self.file_bytes

    def describe(self) -> str:
        """One line per table, then time and size."""
        lines = [f"{table:<18} {count:>12,}" for table, count in self.counts.items()]
        lines.append(f"{'seconds':<18} {self.seconds:>12.1f}")
        lines.append(f"{'file size (MB)':<18} {self.file_bytes / 1e6:>12.1f}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- phones

GB_LANDLINES: tuple[tuple[str, str], ...] = (
    ("020", "7946"), ("0113", "496"), ("0114", "496"), ("0117", "496"), ("0121", "496"),
    ("0131", "496"), ("0141", "496"), ("0161", "496"), ("0191", "498"), ("029", "2018"), ("028", "9649"),
)
"""Area codes and exchanges of Ofcom's drama number ranges. Ofcom reserves only a
thousand numbers in each; the generator uses all ten thousand subscriber numbers, which
is fine for a test database but means a few may be real lines: never dial them."""

LANDLINE_FORMATS = 4
MOBILE_FORMATS = 4


def gb_landline(area: int, subscriber: int, fmt: int) -> tuple[str, str, str]:
    """A GB landline as typed in format ``fmt``, with its E.164 form and national digits.

    The same result as :func:`deskcli.services.lookup.phones.normalise` (``region="GB"``), done
    with string slicing because the generator makes a great many of them.
    """
    code, exchange = GB_LANDLINES[area]
    sub = f"{subscriber:04d}"
    national = code[1:] + exchange + sub
    if fmt == 0:
        raw = f"{code} {exchange} {sub}"
    elif fmt == 1:
        raw = f"+44 {code[1:]} {exchange} {sub}"
    elif fmt == 2:
        raw = f"({code}) {exchange} {sub}"
    else:
        raw = code + exchange + sub
    return raw, "+44" + national, national


def gb_mobile(subscriber: int, fmt: int) -> tuple[str, str, str]:
    """A GB mobile ``07700 9xxxxx`` (Ofcom's drama range is ``07700 900000``-``900999``; see :func:`gb_landline`)."""
    six = f"{900000 + subscriber % 100000:06d}"
    national = "7700" + six
    if fmt == 0:
        raw = f"07700 {six}"
    elif fmt == 1:
        raw = f"+44 7700 {six}"
    elif fmt == 2:
        raw = "07700" + six
    else:
        raw = f"07700 {six[:3]} {six[3:]}"
    return raw, "+44" + national, national


# --------------------------------------------------------------------------- helpers


def _ascii_word(text: str) -> str:
    """``Ó Briain`` → ``obriain``: e-mail friendly."""
    special = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "æ": "ae", "ı": "i"}
    text = "".join(special.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "-")).lower()


def _domain(organisation: str) -> str:
    words = [_ascii_word(w) for w in organisation.replace("&", " ").split()]
    return "".join(w for w in words if w) + ".example"


_Key = TypeVar("_Key")


@overload
def _wheel(weights: Mapping[_Key, float], size: int = 1000) -> tuple[_Key, ...]: ...
@overload
def _wheel(weights: Sequence[float], size: int = 1000) -> tuple[int, ...]: ...
def _wheel(weights: Mapping[Any, float] | Sequence[float], size: int = 1000) -> tuple[Any, ...]:
    """A lookup table: ``wheel[int(random() * len(wheel))]`` picks key ``k`` (index ``i`` of a list) with weight ``w``."""
    items = list(weights.items()) if isinstance(weights, Mapping) else list(enumerate(weights))
    total = sum(w for _, w in items)
    wheel: list[Any] = []
    acc = 0.0
    for value, weight in items:
        acc += weight
        while len(wheel) < round(acc / total * size):
            wheel.append(value)
    return tuple(wheel)


def _j(value: object) -> str:
    """JSON as SQLAlchemy's JSON type writes it (``json.dumps`` defaults)."""
    return json.dumps(value)


def _offset_seconds(zone: ZoneInfo, moment: datetime) -> int:
    """Seconds east of UTC of ``zone`` at the naive local ``moment``."""
    offset = zone.utcoffset(moment)
    return int(offset.total_seconds()) if offset is not None else 0  # a ZoneInfo always gives one


class _Clock:
    """Integer seconds (since the epoch, UTC) to stored text, without datetime objects."""

    def __init__(self, first_day: int, last_day: int, zone: ZoneInfo) -> None:
        self.d0 = first_day
        days = range(first_day, last_day + 1)
        self.day = [datetime.fromtimestamp(d * _DAY, UTC).strftime("%Y-%m-%d ") for d in days]
        self.day_iso = [text[:-1] + "T" for text in self.day]
        self.tod = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(_DAY)]
        self.tod_iso = [f"{text[:8]}+00:00" for text in self.tod]
        # UTC offset of the office at noon of each day (seconds east of UTC).
        self.offset = [
            _offset_seconds(zone, datetime.fromtimestamp(d * _DAY + 12 * _HOUR, UTC).replace(tzinfo=None)) for d in days
        ]

    def text(self, t: int) -> str:
        """``2026-11-23 12:00:00.000000``."""
        return self.day[t // _DAY - self.d0] + self.tod[t % _DAY]

    def iso(self, t: int) -> str:
        """``2026-11-23T12:00:00+00:00`` (``datetime.isoformat`` of an aware UTC time)."""
        return self.day_iso[t // _DAY - self.d0] + self.tod_iso[t % _DAY]

    def local_at(self, day: int, seconds: int) -> int:
        """The UTC moment of local time ``seconds`` after midnight of ``day`` (days since the epoch)."""
        return day * _DAY + seconds - self.offset[day - self.d0]

    def business(self, t: int, spread: float) -> int:
        """``t`` if the office is open then (weekdays 08:30-17:30 local), else early on the next working morning.

        ``spread`` (0-1) places the moved time within the first two hours of the morning.
        """
        local = t + self.offset[t // _DAY - self.d0]
        day, seconds = divmod(local, _DAY)
        weekday = (day + 3) % 7
        if weekday < 5 and _OPENS <= seconds < _CLOSES:
            return t
        if seconds >= _CLOSES or weekday >= 5:
            day += 1
        while (day + 3) % 7 >= 5:
            day += 1
        return self.local_at(day, _OPENS + int(spread * 2 * _HOUR))

    def next_business_day_at(self, t: int, seconds: int) -> int:
        """``seconds`` after local midnight on the next weekday after ``t``."""
        day = (t + self.offset[t // _DAY - self.d0]) // _DAY + 1
        while (day + 3) % 7 >= 5:  # 1970-01-01 was a Thursday (weekday 3)
            day += 1
        return self.local_at(day, seconds)


# --------------------------------------------------------------------------- the database


def _prepare_database(db_path: Path, now: datetime) -> None:
    """Create (or check) the file with the real schema and the shipped articles."""
    from sqlmodel import func, select

    from deskcli.core.clock import ManualClock
    from deskcli.models import Analyst, Call, CallEvent, Customer
    from deskcli.services.actor import Actor
    from deskcli.services.lifecycle import knowledge
    from deskcli.store import db

    store = db.open_store(db.target_for(db_path, None))
    try:
        with store.read() as session:
            held = {
                "calls": session.exec(select(func.count()).select_from(Call)).one(),
                "call events": session.exec(select(func.count()).select_from(CallEvent)).one(),
                "customers": session.exec(select(func.count()).select_from(Customer)).one(),
                "analysts": session.exec(select(func.count()).select_from(Analyst)).one(),
            }
        if any(held.values()):
            what = ", ".join(f"{count:,} {name}" for name, count in held.items() if count)
            raise StoreError(
                f"{store.target.describe()} already holds data ({what}): the workload generator only fills a new database.",
                "Choose a file that does not exist yet, or delete this one first.",
            )
        with store.write() as session:
            knowledge.sync_shipped(session, Actor(None, ManualClock(now)))
    finally:
        store.dispose()


def _drop_indexes_and_triggers(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Drop every index and trigger (not the automatic ones); return (type, name, sql) to rebuild."""
    saved = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    for kind, name, _sql in saved:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    return saved


_INSERT = {
    "analyst": "INSERT INTO analyst (id, handle, name, department, organisation, email, role, created_at) VALUES (?,?,?,?,?,?,?,?)",
    "customer": (
        "INSERT INTO customer (id, name, name_spelling, pronunciation, email, organisation, department, is_vip, "
        "caution_flags, notes, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
    ),
    "customer_phone": "INSERT INTO customer_phone (customer_id, label, raw, e164, national_digits) VALUES (?,?,?,?,?)",
    "call": (
        "INSERT INTO call (id, reference, customer_id, channel, status, stage, people_affected, departments_affected, "
        "business_impact, executive_affected, security_concern, category, summary, urgency, priority, priority_reason, "
        "is_complaint, complaint_valid, complaint_steps, notes, notes_saved_at, resolution, instructions, article_id, "
        "prevention_note, perceived_owner_id, actual_owner_id, actual_owner_label, opened_at, acknowledged_at, ack_method, "
        "resolved_at, customer_agreed_at, closed_at, satisfaction, satisfaction_comment, hold_started_at, talk_ended_at, "
        "callback_preference, abuse_warnings, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    ),
    "call_event": "INSERT INTO call_event (call_id, at, actor_id, kind, payload) VALUES (?,?,?,?,?)",
    "commitment": (
        "INSERT INTO commitment (id, call_id, kind, description, due_at, owed_by_id, created_at, created_by_id, outcome, "
        "resolved_at, outcome_note, replaces_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
    ),
    "escalation": (
        "INSERT INTO escalation (id, call_id, type, route, tier, receiver, handoff, time_to_fix, triggers, "
        "receiver_analyst_id, escalated_at, escalated_by_id, next_contact_id, previous_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    ),
}


# --------------------------------------------------------------------------- public entry point


def generate(
    db_path: Path,
    *,
    customers: int,
    calls: int,
    seed: int = 1,
    analysts: int = 25,
    promises_for: str | None = None,
    pending_promises: int = 0,
    now: datetime | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> GenerationReport:
    """Fill a new database at ``db_path`` with a synthetic help desk workload.

    ``customers`` callers with their phones, ``analysts`` analysts (``analyst01`` …;
    ``promises_for`` names the first one) and ``calls`` calls over the two years
    before ``now``, each with a timeline, and promises and escalations where the
    call had them. With ``promises_for``, that analyst owes exactly
    ``pending_promises`` unsettled promises.

    ``parallel`` generates the calls in a forked child process while this one inserts
    them (the default for big workloads where ``fork`` exists); the rows are the same.

    Raises :class:`StoreError` when the file already holds data.
    """
    if customers < 0 or calls < 0 or pending_promises < 0:
        raise ValueError("customers, calls and pending_promises must not be negative")
    if analysts < 1:
        raise ValueError("at least one analyst is needed")
    if calls and not customers:
        raise ValueError("calls need customers: ask for at least one customer")
    if pending_promises and not promises_for:
        raise ValueError("pending_promises needs promises_for (the analyst who owes them)")
    if pending_promises and not calls:
        raise ValueError("pending promises belong to calls: ask for at least one call")
    now = as_utc(now or DEFAULT_NOW)  # a naive time is refused, not guessed
    report = progress or (lambda _stage, _fraction: None)
    started = time.perf_counter()
    db_path = Path(db_path).expanduser().resolve()
    existed = db_path.exists()
    stages: dict[str, float] = {}

    def stage_done(name: str, since: float) -> float:
        moment = time.perf_counter()
        stages[name] = round(moment - since, 3)
        return moment

    try:
        mark = time.perf_counter()
        report("schema", 0.0)
        _prepare_database(db_path, now)
        report("schema", 1.0)
        mark = stage_done("schema", mark)
        conn = sqlite3.connect(db_path, isolation_level=None)
        try:
            for pragma in (
                "journal_mode = MEMORY",
                "synchronous = OFF",
                "cache_size = -65536",
                "foreign_keys = OFF",
                "locking_mode = EXCLUSIVE",
            ):
                conn.execute(f"PRAGMA {pragma}")
            saved = _drop_indexes_and_triggers(conn)
            loader = _Workload(
                conn,
                customers=customers,
                calls=calls,
                seed=seed,
                analysts=analysts,
                promises_for=promises_for,
                pending_promises=pending_promises,
                now=now,
                progress=report,
            )
            loader.load_analysts()
            loader.load_customers()
            mark = stage_done("customers", mark)
            if parallel is None:
                parallel = calls >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods()
            loader.load_calls(parallel)
            loader.load_reserved_promises()
            loader.finish_counters()
            mark = stage_done("calls", mark)

            report("indexes", 0.0)
            # Index builds sort best in small runs, sorted by helper threads, in temp
            # files (SQLite uses no helper threads for an in-memory temp store).
            for pragma in ("temp_store = FILE", "threads = 4", "cache_size = -8192"):
                conn.execute(f"PRAGMA {pragma}")
            for number, (_kind, _name, sql) in enumerate(saved, start=1):
                conn.execute(sql)
                report("indexes", number / len(saved))
            mark = stage_done("indexes", mark)
            report("search", 0.0)
            conn.execute("INSERT INTO customer_fts(customer_fts) VALUES('rebuild')")
            report("search", 0.35)
            conn.execute("INSERT INTO article_fts(article_fts) VALUES('rebuild')")
            report("search", 0.4)
            from deskcli.services.records.fts_calls_sqlite import REBUILD_SQL

            for statement in REBUILD_SQL:  # the call history search (its triggers were off)
                conn.execute(statement)
            report("search", 1.0)
            mark = stage_done("search", mark)
            report("analyze", 0.0)
            conn.execute("PRAGMA analysis_limit = 2000")
            conn.execute("ANALYZE")
            report("analyze", 1.0)
            mark = stage_done("analyze", mark)
            counts = {table: conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0 for table in TABLES}
            conn.execute("PRAGMA locking_mode = NORMAL")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
    except BaseException:
        if not existed:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    report("done", 1.0)
    return GenerationReport(
        path=db_path,
        counts=counts,
        seconds=seconds,
        file_bytes=os.path.getsize(db_path),
        seed=seed,
        stages=stages,
    )


# --------------------------------------------------------------------------- the generator


class _TextPools(NamedTuple):
    """Per category (in the order of the categories): the texts calls are written with."""

    summaries: list[list[tuple[str, str]]]
    """Summaries, each with its JSON form."""
    notes: list[list[str]]
    resolutions: list[list[tuple[str, str]]]
    instructions: list[list[tuple[str, str]]]


class _Workload:
    """Makes and inserts the rows; one instance per :func:`generate` call."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        customers: int,
        calls: int,
        seed: int,
        analysts: int,
        promises_for: str | None,
        pending_promises: int,
        now: datetime,
        progress: Progress,
    ) -> None:
        self.conn = conn
        self.n_customers = customers
        self.n_calls = calls
        self.n_analysts = analysts
        self.promises_for = promises_for
        self.pending_promises = pending_promises
        self.progress = progress
        self.rng = random.Random(seed)
        self.now_s = int(now.timestamp())
        self.now_day = self.now_s // _DAY
        self.start_day = self.now_day - WINDOW_DAYS + 1
        self.cust_t0 = self.start_day * _DAY - 365 * _DAY
        self.clock = _Clock(self.cust_t0 // _DAY - 40, self.now_day + 60, ZoneInfo(OFFICE_ZONE))
        span = (self.now_s - _DAY) - self.cust_t0
        self.cust_step = span / max(1, customers)
        self.articles = conn.execute("SELECT id, slug, title, category FROM knowledge_article ORDER BY id").fetchall()
        from deskcli.services.rules.policy import load_policies

        policies = load_policies()
        self.categories = [category.key for category in policies.categories.categories]
        self.priority_policy = policies.priority
        self.routes = {route.key: route for route in policies.escalation.routes}
        self.abuse = policies.abuse
        # The first analyst is held back from random pending promises when the
        # caller wants an exact number of them (see load_reserved_promises).
        self.reserved = 1 if promises_for else 0
        self.reserved_open: list[tuple[int, int, str]] = []
        self.reserved_closed: deque[tuple[int, int, str]] = deque(maxlen=max(1, pending_promises))
        self.next_commitment = 1
        self.next_escalation = 1
        self.article_uses: dict[int, int] = {}

    # ------------------------------------------------------------------ helpers

    def _insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.conn.executemany(_INSERT[table], rows)

    # ------------------------------------------------------------------ analysts

    def load_analysts(self) -> None:
        rng = self.rng
        width = max(2, len(str(self.n_analysts)))
        rows = []
        names: list[str] = []
        pool = list(vocab.ANALYST_NAMES)
        used = set()
        for i in range(1, self.n_analysts + 1):
            handle = f"analyst{i:0{width}d}"
            if i == 1 and self.promises_for:
                handle = self.promises_for
            elif self.promises_for and handle.lower() == self.promises_for.lower():
                handle = f"analyst{1:0{width}d}"
            if i <= len(pool):
                name = pool[i - 1]
            else:
                name = f"{rng.choice(vocab.FIRST_NAMES)} {rng.choice(vocab.SURNAMES)}"
                while name in used:
                    name = f"{rng.choice(vocab.FIRST_NAMES)} {rng.choice(vocab.SURNAMES)}"
            used.add(name)
            role = "manager" if i == self.n_analysts and i > 1 else ("senior" if i % 8 == 0 else "analyst")
            created = self.start_day * _DAY - (30 + 7 * ((i - 1) % 40)) * _DAY + 9 * _HOUR
            rows.append((i, handle, name, "Help Desk", vocab.ORGANISATIONS[0], f"{_ascii_word(handle)}@helpdesk.example", role, self.clock.text(created)))
            names.append(name)
        self.analyst_names = ["", *names]
        self.analyst_names_json = [""] + [_j(name) for name in names]
        self.conn.execute("BEGIN")
        self._insert("analyst", rows)
        self.conn.execute("COMMIT")
        self.progress("analysts", 1.0)

    # ------------------------------------------------------------------ customers

    def load_customers(self) -> None:
        n = self.n_customers
        self.cust_first = array("H", bytes(2 * n + 2))
        self.cust_last = array("H", bytes(2 * n + 2))
        self.cust_org = array("H", bytes(2 * n + 2))
        self.cust_flags = bytearray(n + 1)  # 1 VIP, 2 abusive history, 4 has e-mail
        self.first_ascii = [_ascii_word(name) for name in vocab.FIRST_NAMES]
        self.last_ascii = [_ascii_word(name) for name in vocab.SURNAMES]
        self.domains = [_domain(org) for org in vocab.ORGANISATIONS]
        done = 0
        self.progress("customers", 0.0)
        for customers, phones in self._customer_chunks():
            self.conn.execute("BEGIN")
            self._insert("customer", customers)
            self._insert("customer_phone", phones)
            self.conn.execute("COMMIT")
            done += len(customers)
            self.progress("customers", done / max(1, n))

    def _customer_chunks(self) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        r = self.rng.random
        clock = self.clock
        n = self.n_customers
        first_names, surnames = vocab.FIRST_NAMES, vocab.SURNAMES
        n_first, n_last = len(first_names), len(surnames)
        first_ascii, last_ascii, domains = self.first_ascii, self.last_ascii, self.domains
        organisations, departments = vocab.ORGANISATIONS, vocab.DEPARTMENTS
        # A few big organisations, many small ones.
        org_wheel = _wheel([1.0 / (rank + 3) for rank in range(len(organisations))], 4000)
        n_org_wheel = len(org_wheel)
        n_dept = len(departments)
        executive = departments.index("Executive Office")
        spelled = {i: "-".join(ch.upper() for ch in name if ch.isalpha()) for i, name in enumerate(first_names)}
        pronounced = vocab.PRONUNCIATIONS
        notes_pool = vocab.CUSTOMER_NOTES
        labels_second = ("mobile", "mobile", "home", "mobile")
        n_land = len(GB_LANDLINES)
        flags_abusive = '["abusive_history"]'
        cust_first, cust_last, cust_org, cust_flags = self.cust_first, self.cust_last, self.cust_org, self.cust_flags
        step = self.cust_step
        t0 = self.cust_t0
        now_s = self.now_s
        customers: list[tuple[Any, ...]] = []
        phones: list[tuple[Any, ...]] = []
        for i in range(1, n + 1):
            fi = int(r() * n_first)
            li = int(r() * n_last)
            oi = org_wheel[int(r() * n_org_wheel)]
            di = int(r() * n_dept)
            first = first_names[fi]
            name = first + " " + surnames[li]
            flags = 0
            email = None
            if r() < 0.93:
                email = f"{first_ascii[fi]}.{last_ascii[li]}@{domains[oi]}"
                flags |= 4
            vip = r() < (0.35 if di == executive else 0.04)
            if vip:
                flags |= 1
            caution = "[]"
            if r() < 0.005:
                caution = flags_abusive
                flags |= 2
            spelling = pronunciation = ""
            x = r()
            if x < 0.06:
                spelling = spelled[fi]
                pronunciation = pronounced.get(first, "")
            elif first in pronounced and x < 0.5:
                pronunciation = pronounced[first]
            notes = notes_pool[int(r() * len(notes_pool))] if r() < 0.03 else ""
            created = int(t0 + (i - 1) * step + r() * step)
            updated = created if r() < 0.9 else min(now_s, created + int(r() * 200 * _DAY))
            customers.append(
                (i, name, spelling, pronunciation, email, organisations[oi], departments[di], 1 if vip else 0,
                 caution, notes, clock.text(created), clock.text(updated))
            )
            cust_first[i] = fi
            cust_last[i] = li
            cust_org[i] = oi
            cust_flags[i] = flags
            # Phones: a work line (or a mobile), and for a third of them a second number.
            if r() < 0.72:
                raw, e164, national = gb_landline(int(r() * n_land), int(r() * 10000), int(r() * LANDLINE_FORMATS))
                phones.append((i, "work", raw, e164, national))
            else:
                raw, e164, national = gb_mobile(int(r() * 100000), int(r() * MOBILE_FORMATS))
                phones.append((i, "mobile", raw, e164, national))
            if r() < 0.35:
                label = labels_second[int(r() * 4)]
                if label == "home":
                    raw, e164, national = gb_landline(int(r() * n_land), int(r() * 10000), int(r() * LANDLINE_FORMATS))
                else:
                    raw, e164, national = gb_mobile(int(r() * 100000), int(r() * MOBILE_FORMATS))
                phones.append((i, label, raw, e164, national))
            if len(customers) >= CHUNK_ROWS:
                yield customers, phones
                customers, phones = [], []
        if customers:
            yield customers, phones

    # ------------------------------------------------------------------ call times

    def _call_times(self) -> Iterator[int]:
        """Opening times of every call, oldest first (business hours, weekdays, a rising trend)."""
        n = self.n_calls
        rng = self.rng
        r = rng.random
        clock = self.clock
        # Calls per local hour of the day.
        hourly = {7: 0.15, 8: 0.8, 9: 1.0, 10: 1.0, 11: 0.9, 12: 0.55, 13: 0.7, 14: 0.95, 15: 0.9, 16: 0.75, 17: 0.3, 18: 0.08}
        hours = _wheel({h: w for h, w in hourly.items()}, 2000)
        tod_pool = sorted(hours[int(r() * len(hours))] * _HOUR + int(r() * _HOUR) for _ in range(16384))
        weights = []
        days = list(range(self.start_day, self.now_day + 1))
        now_local = (self.now_s + clock.offset[self.now_day - clock.d0]) % _DAY
        for index, day in enumerate(days):
            weekday = (day + 3) % 7
            w = (1.15, 1.0, 1.0, 1.0, 0.85, 0.06, 0.03)[weekday]
            month_day = clock.day[day - clock.d0][5:10]
            if month_day in ("12-25", "12-26", "01-01"):
                w *= 0.05
            w *= 0.85 + 0.3 * index / len(days)
            if day == self.now_day:
                today = [s for s in tod_pool if s < now_local - 300]
                w *= len(today) / len(tod_pool)
            weights.append(w)
        total = sum(weights)
        produced = 0
        acc = 0.0
        for index, day in enumerate(days):
            acc += weights[index]
            target = round(n * acc / total) if index < len(days) - 1 else n
            k = target - produced
            if k <= 0:
                continue
            produced = target
            pool = tod_pool
            if day == self.now_day:
                pool = [s for s in tod_pool if s < now_local - 300] or [max(0, now_local - 600)]
            size = len(pool)
            seconds = sorted(pool[int(r() * size)] for _ in range(k))
            for s in seconds:
                t = clock.local_at(day, s)
                yield t if t < self.now_s else self.now_s - 60

    # ------------------------------------------------------------------ calls

    def load_calls(self, parallel: bool) -> None:
        """Insert the calls, generated here or (``parallel``) by a forked process.

        Generating (Python) and inserting (SQLite) take about as long as each other, so
        on a machine with two cores a child process makes the rows while this one
        inserts them. The child runs exactly the same code from the same random state,
        so the result is the same either way.
        """
        self.progress("calls", 0.0)
        chunks = self._chunks_from_child() if parallel else self._call_chunks()
        done = 0
        for call_rows, event_rows, commitment_rows, escalation_rows in chunks:
            self.conn.execute("BEGIN")
            self._insert("call", call_rows)
            self._insert("commitment", commitment_rows)
            self._insert("escalation", escalation_rows)
            self._insert("call_event", event_rows)
            self.conn.execute("COMMIT")
            done += len(call_rows)
            self.progress("calls", done / max(1, self.n_calls))

    def _state(self) -> tuple[Any, ...]:
        """What the call generator leaves behind for the steps after it."""
        return (
            self.rng.getstate(), self.next_commitment, self.next_escalation, self.article_uses,
            self.reserved_open, list(self.reserved_closed),
        )

    def _set_state(self, state: tuple[Any, ...]) -> None:
        rng_state, self.next_commitment, self.next_escalation, article_uses, reserved_open, reserved_closed = state
        self.rng.setstate((rng_state[0], tuple(rng_state[1]), rng_state[2]))
        self.article_uses.clear()
        self.article_uses.update(article_uses)
        self.reserved_open[:] = [tuple(row) for row in reserved_open]
        self.reserved_closed.clear()
        self.reserved_closed.extend(tuple(row) for row in reserved_closed)

    def _produce(self, writer: Connection) -> None:
        """In the child: generate every chunk and send it, then the final state."""
        try:
            for chunk in self._call_chunks():
                writer.send_bytes(marshal.dumps(("chunk", chunk)))
            writer.send_bytes(marshal.dumps(("done", self._state())))
        except BaseException:
            writer.send_bytes(marshal.dumps(("error", traceback.format_exc())))
        finally:
            writer.close()

    def _chunks_from_child(self) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=self._produce, args=(writer,), name="deskcli-workload", daemon=True)
        child.start()
        writer.close()
        try:
            while True:
                try:
                    kind, body = marshal.loads(reader.recv_bytes())
                except EOFError:
                    raise RuntimeError("the workload generator process ended unexpectedly") from None
                if kind == "chunk":
                    yield body
                elif kind == "done":
                    self._set_state(body)
                    return
                else:
                    raise RuntimeError(f"the workload generator process failed:\n{body}")
        finally:
            reader.close()
            if child.is_alive():
                child.terminate()
            child.join()

    def _text_pools(self) -> _TextPools:
        """Per category: summaries, notes, resolutions and instructions, each with its JSON form."""
        rng = self.rng
        summaries: list[list[tuple[str, str]]] = []
        notes: list[list[str]] = []
        resolutions: list[list[tuple[str, str]]] = []
        instructions: list[list[tuple[str, str]]] = []
        for key in self.categories:
            base = vocab.SUMMARIES.get(key) or vocab.SUMMARIES["software"]
            combos = sorted({(b + c)[:500] for b in base for c in vocab.SUMMARY_CONTEXTS})
            summaries.append([(s, _j(s)) for s in combos])
            fragments = list(vocab.NOTE_FRAGMENTS.get(key, ())) + list(vocab.NOTE_FRAGMENTS["_common"])
            made = []
            for _ in range(300):
                parts = rng.sample(fragments, rng.choice((1, 1, 2, 2, 2, 3)))
                text = "; ".join(parts)
                made.append(text[0].upper() + text[1:] + ".")
            notes.append(made)
            res = vocab.RESOLUTIONS.get(key) or vocab.RESOLUTIONS["software"]
            resolutions.append([(s, _j(s)) for s in res])
            ins = vocab.INSTRUCTIONS.get(key) or ("",)
            instructions.append([(s, _j(s)) for s in ins])
        return _TextPools(summaries, notes, resolutions, instructions)

    def _call_chunks(self) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        """Calls with their events, promises and escalations, ``CHUNK_CALLS`` calls at a time.

        One long loop with local names: it runs a million times. Each call's events are
        collected as (time, kind, payload), put in time order, and only then formatted.
        """
        from deskcli.models import CallImpact
        from deskcli.services.rules import priority as priority_service

        rng = self.rng
        r = rng.random
        now_s = self.now_s
        clock = self.clock
        days, tods, isodays, isotods, d0 = clock.day, clock.tod, clock.day_iso, clock.tod_iso, clock.d0

        def T(t: int) -> str:
            return days[t // 86400 - d0] + tods[t % 86400]

        def ISO(t: int) -> str:
            return isodays[t // 86400 - d0] + isotods[t % 86400]

        business = clock.business

        def later(base: int, delay: int) -> int:
            """A working-hours moment ``delay`` after ``base``; squeezed before ``now`` when it would pass it."""
            moment = business(base + delay, r())
            if moment >= now_s:
                moment = base + int((now_s - 1 - base) * r()) if now_s - 1 > base else base
            return moment

        n_calls = self.n_calls
        n_analysts = self.n_analysts
        reserved = self.reserved
        reserved_open = self.reserved_open
        reserved_closed = self.reserved_closed
        article_uses = self.article_uses
        cust_flags, cust_first, cust_last, cust_org = self.cust_flags, self.cust_first, self.cust_last, self.cust_org
        first_ascii, last_ascii, domains = self.first_ascii, self.last_ascii, self.domains
        first_names, surnames = vocab.FIRST_NAMES, vocab.SURNAMES
        n_customers = self.n_customers
        cust_t0, cust_step = self.cust_t0, self.cust_step
        analyst_names = self.analyst_names
        analyst_json = self.analyst_names_json
        pools = self._text_pools()
        summaries, notes_pool, resolutions, instructions = pools
        categories = self.categories
        cat_weights = {"accounts": 22, "hardware": 20, "network": 14, "email": 16, "software": 15, "access": 9, "service": 4}
        cat_wheel = _wheel({i: cat_weights.get(key, 10) for i, key in enumerate(categories)}, 1000)
        service_index = categories.index("service") if "service" in categories else -1
        risky = {categories.index(key) for key in ("accounts", "email") if key in categories}
        articles_by_cat: list[list[tuple[int, str, str]]] = [[] for _ in categories]
        for article_id, slug, title, category in self.articles:
            if category in categories:
                articles_by_cat[categories.index(category)].append((article_id, _j(slug), _j(title)))
        channel_wheel = _wheel({"phone": 76, "email": 14, "chat": 6, "face_to_face": 3.8, "fax": 0.2}, 1000)
        urgency_wheel = _wheel({"high": 20, "medium": 55, "low": 25}, 100)
        impact_wheel = _wheel({"none": 38, "minor": 42, "significant": 15, "severe": 5}, 100)
        people_wheel = _wheel({1: 80, 2: 6, 3: 4, 5: 4, 12: 3, 40: 2, 150: 1}, 100)
        sat_wheel = _wheel({5: 45, 4: 30, 3: 12, 2: 5, 1: 3, 0: 5}, 100)
        talk_wheel = _wheel({90: 10, 180: 25, 300: 25, 480: 20, 720: 12, 1200: 8}, 100)
        # Time to resolution of calls not fixed while the caller was on the line.
        later_wheel = _wheel({1800: 15, 3 * _HOUR: 20, 8 * _HOUR: 20, _DAY: 20, 3 * _DAY: 15, 7 * _DAY: 7, 20 * _DAY: 3}, 100)
        priority_cache: dict[tuple[Any, ...], tuple[int, str]] = {}
        priority_policy = self.priority_policy

        def priority_of(people: int, departments: int, impact: str, executive: bool, security: bool, urgency: str) -> tuple[int, str]:
            key = (people, departments, impact, executive, security, urgency)
            found = priority_cache.get(key)
            if found is None:
                derived = priority_service.derive(
                    CallImpact(
                        people_affected=people, departments_affected=departments, business_impact=impact,
                        executive_affected=executive, security_concern=security,
                    ),
                    urgency,
                    priority_policy,
                )
                found = priority_cache[key] = (derived.priority, derived.reason[:300])
            return found

        # Escalation routes by category: route key → weight.
        route_choices = {
            "accounts": {"technical_experts": 60, "senior_staff": 40},
            "access": {"technical_experts": 55, "senior_staff": 45},
            "hardware": {"technical_experts": 55, "suppliers": 35, "contractors": 10},
            "service": {"customer_services": 60, "senior_staff": 40},
        }
        route_keys = list(self.routes)
        route_wheels = []
        for key in categories:
            choice = route_choices.get(key, {"technical_experts": 80, "contractors": 12, "suppliers": 8})
            weights = {route_keys.index(name): w for name, w in choice.items() if name in self.routes} or {0: 1}
            route_wheels.append(_wheel(weights, 100))
        routes = []
        for key in route_keys:
            route = self.routes[key]
            tiers = [(tier.tier, tier.receiver, _j(tier.receiver), tier.usual_time_to_fix) for tier in route.tiers]
            routes.append((key, str(route.type), tiers))
        time_to_fix = vocab.TIME_TO_FIX
        handoff_steps = vocab.HANDOFF_STEPS
        greeting_cache: dict[tuple[int, str], str] = {}
        hexes = [f"{rng.getrandbits(32):08x}" for _ in range(4096)]
        outbox = "/home/desk/.local/share/deskcli/outbox"
        warn_lines = (_j(self.abuse.warning_1), _j(self.abuse.warning_2))
        line_transfer, line_disconnect = _j(self.abuse.transfer), _j(self.abuse.disconnect)
        sat_comments = [(s, _j(s)) for s in vocab.SATISFACTION_COMMENTS]
        agreement_notes = [_j(s) for s in vocab.AGREEMENT_NOTES]
        decline_notes = [_j(s) for s in vocab.DECLINE_NOTES]
        contact_notes = [_j(s) for s in vocab.CONTACT_NOTES]
        reopen_reasons = [_j(s) for s in vocab.REOPEN_REASONS]
        pause_reasons = [_j(s) for s in vocab.SLA_PAUSE_REASONS]
        resume_notes = [_j(s) for s in vocab.SLA_RESUME_NOTES]
        promise_texts = [(s, _j(s)) for s in vocab.PROMISE_DESCRIPTIONS]
        callback_texts = [(s, _j(s)) for s in vocab.CALLBACK_DESCRIPTIONS]
        follow_text = (vocab.FOLLOW_UP_DESCRIPTION, _j(vocab.FOLLOW_UP_DESCRIPTION))
        outcome_notes = {key: [(s, _j(s)) for s in notes] for key, notes in vocab.OUTCOME_NOTES.items()}
        callback_prefs = vocab.CALLBACK_PREFERENCES
        complaint_steps = vocab.COMPLAINT_STEPS
        prevention_notes = [(s, _j(s)) for s in vocab.PREVENTION_NOTES]
        managers = [(s, _j(s)) for s in vocab.MANAGERS]
        transfer_notes = [(s, _j(s)) for s in vocab.TRANSFER_NOTES]
        disconnect_notes = [_j(s) for s in vocab.DISCONNECT_NOTES]
        abuse_remarks = [_j(s) for s in vocab.ABUSE_REMARKS]
        skipped_steps = vocab.SKIPPED_STEPS
        # The newest calls are open, escalated and awaiting confirmation, so that every
        # status is present even in a small workload.
        forced_status = {n_calls: "open", n_calls - 1: "escalated", n_calls - 2: "awaiting_confirmation"} if n_calls >= 10 else {}

        call_rows: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        commitments: list[tuple[Any, ...]] = []
        escalations: list[tuple[Any, ...]] = []
        emit = events.append
        keep = commitments.append
        times = self._call_times()
        first = _first
        # Set per call, read by the helpers below.
        call_id = a = 0
        cev: list[tuple[int, str, str]] = []
        ev = cev.append

        def commit(
            kind: str, text: tuple[str, str], due: int, created: int, pending_ok: bool,
            *, late_bias: float = 0.0, replaces: int | None = None, force_pending: bool = False,
        ) -> tuple[int, int | None]:
            """A promise with its events; returns its id and when it was settled (``None``: still pending)."""
            cid = self.next_commitment
            self.next_commitment += 1
            if kind != "follow_up":
                due = business(due, r())
            ev((created, "commitment_made",
                f'{{"commitment_id": {cid}, "kind": "{kind}", "due_at": "{ISO(due)}", "description": {text[1]}}}'))
            if replaces is None and r() < 0.03:
                # Rescheduled before it was due; the new promise replaces it.
                moved = created + 60 + int((due - created) * r())
                if moved < now_s:
                    new_due = due + _DAY + int(r() * _DAY)
                    note = outcome_notes["rescheduled"][int(r() * len(outcome_notes["rescheduled"]))]
                    keep((cid, call_id, kind, text[0], T(due), a, T(created), a, "rescheduled", T(moved), note[0], None))
                    ev((moved, "commitment_resolved",
                        f'{{"commitment_id": {cid}, "outcome": "rescheduled", "due_at": "{ISO(due)}", '
                        f'"new_due_at": "{ISO(new_due)}", "note": {note[1]}}}'))
                    return commit(kind, text, new_due, moved, pending_ok, late_bias=late_bias, replaces=cid, force_pending=force_pending)
            x = r()
            if x < 0.80 - late_bias:
                outcome, settled = "kept_on_time", due - int(r() * 1800)
            elif x < 0.93 - late_bias / 2:
                outcome, settled = "kept_late", due + 300 + int(r() * 2 * _HOUR)
            else:
                outcome, settled = "missed", due + _HOUR + int(r() * _DAY)
            if settled <= created:
                settled = created + 60
            if force_pending or settled >= now_s:
                if pending_ok:
                    keep((cid, call_id, kind, text[0], T(due), a, T(created), a, None, None, "", replaces))
                    return cid, None
                # Settled early, somewhere between making it and now.
                settled = later(created, int((now_s - 1 - created) * r())) if now_s - 1 > created else created
                outcome = "kept_on_time" if settled <= due else "kept_late"
            note = outcome_notes[outcome][int(r() * len(outcome_notes[outcome]))]
            keep((cid, call_id, kind, text[0], T(due), a, T(created), a, outcome, T(settled), note[0], replaces))
            ev((settled, "commitment_resolved",
                f'{{"commitment_id": {cid}, "outcome": "{outcome}", "due_at": "{ISO(due)}", "note": {note[1]}}}'))
            return cid, settled

        def escalate(
            at: int, k: int, previous: int | None, old_owner: str, old_label_json: str,
            tier_index: int, pending_ok: bool, force_pending: bool, triggers_json: str, handoff: str,
        ) -> tuple[int, str, str, int | None]:
            """An escalation with its next-contact promise and events; returns (id, receiver, its JSON, settled)."""
            key, kind, tiers = routes[route_wheels[k][int(r() * 100)]]
            tier, receiver, receiver_json, usual = tiers[min(tier_index, len(tiers) - 1)]
            fix = usual if r() < 0.7 else time_to_fix[int(r() * len(time_to_fix))]
            text = f"Next contact after escalation to {receiver}"
            cid, settled = commit(
                "next_contact", (text, _j(text)), at + 2 * _HOUR + int(r() * 2 * _DAY), at, pending_ok,
                late_bias=0.05, force_pending=force_pending,
            )
            eid = self.next_escalation
            self.next_escalation += 1
            escalations.append((eid, call_id, kind, key, tier, receiver, handoff, fix, triggers_json, None, T(at), a, cid, previous))
            if previous is None:
                ev((at, "status_changed", '{"from": "open", "to": "escalated"}'))
            ev((at, "escalated",
                f'{{"escalation_id": {eid}, "route": "{key}", "tier": {tier}, "type": "{kind}", "receiver": {receiver_json}, '
                f'"time_to_fix": {_j(fix)}, "triggers": {triggers_json}, "re_escalation": {"true" if previous else "false"}}}'))
            ev((at, "ownership_moved",
                f'{{"actual_from": {{"id": {old_owner}, "label": {old_label_json}}}, '
                f'"actual_to": {{"id": null, "label": {receiver_json}}}, "perceived": {a}}}'))
            return eid, receiver, receiver_json, settled

        for call_id in range(1, n_calls + 1):
            cev = []
            ev = cev.append
            t0 = next(times)
            age = now_s - t0
            a = 1 + int(r() * n_analysts)
            pending_ok = a != reserved
            max_id = int((t0 - cust_t0) / cust_step)
            max_id = 1 if max_id < 1 else (n_customers if max_id > n_customers else max_id)
            cust = 1 + int(r() * max_id)
            cflags = cust_flags[cust]
            k = cat_wheel[int(r() * 1000)]
            reference = f"HD-{call_id:06d}"
            channel = channel_wheel[int(r() * 1000)]

            # --- status, by age: calls that still need somebody are mostly recent.
            x = r()
            still = 0.002 if age > 60 * _DAY else (0.03 if age > 14 * _DAY else (0.2 if age > _DAY else 0.5))
            if x >= still:
                status = "closed"
            else:
                x /= still
                status = "escalated" if x < 0.4 else ("open" if x < 0.75 else "awaiting_confirmation")
            status = forced_status.get(call_id, status)
            recent = age < 14 * _DAY

            # --- assessment (left unset on an open call not assessed yet)
            urgency: str | None
            impact: str | None
            priority: int | None
            people: int | None
            departments: int | None
            assessed = status != "open" or r() < 0.93
            if assessed:
                urgency = urgency_wheel[int(r() * 100)]
                people = people_wheel[int(r() * 100)]
                departments = 1 if people < 3 or r() < 0.9 else 2 + int(r() * 3)
                impact = impact_wheel[int(r() * 100)]
                executive = (cflags & 1 and r() < 0.6) or r() < 0.005
                security = r() < (0.06 if k in risky else 0.01)
                priority, priority_reason = priority_of(people, departments, impact, bool(executive), security, urgency)
                category = categories[k]
                summary, summary_json = summaries[k][int(r() * len(summaries[k]))]
                res, res_json = resolutions[k][int(r() * len(resolutions[k]))]
                ins, ins_json = instructions[k][int(r() * len(instructions[k]))]
            else:
                urgency = impact = category = priority = people = departments = None
                executive = security = False
                priority_reason = ""
                summary, summary_json = "", '""'
                res, res_json, ins, ins_json = "Fixed with the caller", '"Fixed with the caller"', "", '""'
            complaint = assessed and (r() < 0.45 if k == service_index else r() < 0.003)
            complaint_valid = None
            steps = ""
            if complaint:
                x = r()
                complaint_valid = 1 if x < 0.6 else (0 if x < 0.85 or status == "closed" else None)
                if complaint_valid:
                    steps = complaint_steps[int(r() * len(complaint_steps))]

            notes = notes_pool[k][int(r() * 300)] if r() < 0.85 else ""
            talk = talk_wheel[int(r() * 100)]
            talk_end = t0 + talk // 2 + int(r() * talk)
            if talk_end >= now_s:
                talk_end = t0 + int((now_s - 1 - t0) * r()) if now_s - 1 > t0 else t0
            callback_pref = callback_prefs[int(r() * len(callback_prefs))] if r() < 0.04 else ""

            # --- the conversation: greeting, name, acknowledgement, assessment
            ev((t0, "created", f'{{"reference": "{reference}", "channel": "{channel}", "customer_id": {cust}}}'))
            if r() < 0.05:
                tod = (t0 + clock.offset[t0 // _DAY - clock.d0]) % _DAY
                part = "morning" if tod < 12 * _HOUR else ("afternoon" if tod < 18 * _HOUR else "evening")
                greeting = greeting_cache.get((a, part))
                if greeting is None:
                    greeting = greeting_cache[(a, part)] = _j(f"Good {part}, {analyst_names[a]}, Help Desk. How may I help you today?")
                ev((t0, "greeted", f'{{"text": {greeting}}}'))
            if r() < 0.03:
                given = first_names[cust_first[cust]]
                spelling = "-".join(ch.upper() for ch in given if ch.isalpha())
                ev((t0 + 20 if t0 + 20 < talk_end else talk_end, "name_confirmed",
                    f'{{"name": {_j(given + " " + surnames[cust_last[cust]])}, "spelling": {_j(spelling)}, '
                    f'"pronunciation": {_j(vocab.PRONUNCIATIONS.get(given, ""))}}}'))
            ack_at = ack_method = None
            step_t = t0
            x = r()
            if x < 0.96 or (status == "closed" and x < 0.99):
                ack_t = t0 + 15 + int(r() * 160)
                if ack_t > talk_end:
                    ack_t = talk_end
                ack_method = "verbal"
                if cflags & 4 and r() < 0.08:
                    email = _j(f"{first_ascii[cust_first[cust]]}.{last_ascii[cust_last[cust]]}@{domains[cust_org[cust]]}")
                    path = f"{outbox}/{reference}-{hexes[int(r() * 4096)]}.eml"
                    y = r()
                    if y < 0.04:
                        ev((ack_t, "email_failed", f'{{"to": {email}, "path": "{path}", "error": "smtp.example.org:587: Connection refused"}}'))
                        ev((ack_t, "acknowledged", f'{{"method": "verbal", "reference": "{reference}", "detail": ""}}'))
                    elif y < 0.15:
                        ack_method = "email"
                        ev((ack_t, "acknowledged", f'{{"method": "email", "reference": "{reference}", "detail": "written to the outbox: {path}"}}'))
                        ev((ack_t, "email_queued", f'{{"to": {email}, "path": "{path}"}}'))
                    else:
                        ack_method = "email"
                        path = f"{outbox}/sent/{reference}-{hexes[int(r() * 4096)]}.eml"
                        ev((ack_t, "acknowledged", f'{{"method": "email", "reference": "{reference}", "detail": "sent"}}'))
                        ev((ack_t, "email_sent", f'{{"to": {email}, "path": "{path}"}}'))
                else:
                    ev((ack_t, "acknowledged", f'{{"method": "verbal", "reference": "{reference}", "detail": ""}}'))
                ack_at = T(ack_t)
                step_t = ack_t
            if assessed and r() < 0.1:
                ev((step_t, "fields_changed",
                    f'{{"changes": {{"category": [null, "{category}"], "summary": ["", {summary_json}], '
                    f'"urgency": [null, "{urgency}"], "priority": [null, {priority}]}}}}'))
            if complaint:
                ev((step_t, "complaint_logged", f'{{"summary": {summary_json}}}'))
            if r() < 0.04:
                hold_t = step_t + 20 + int(r() * 40)
                if hold_t < talk_end:
                    seconds = 20 + int(r() * 150)
                    end = hold_t + seconds if hold_t + seconds < talk_end else talk_end
                    ev((hold_t, "hold_started", '{"number": 1, "too_frequent": false}'))
                    ev((end, "hold_ended", f'{{"seconds": {end - hold_t}, "long": {"true" if end - hold_t > 60 else "false"}}}'))
            if r() < 0.05:
                ev((step_t, "stage_changed", '{"from": "greeting", "to": "assessment"}'))
            if r() < 0.01:
                ev((step_t, "stage_skipped", f'{{"stage": "greeting", "steps": ["{skipped_steps[int(r() * len(skipped_steps))]}"]}}'))
            notes_saved = None
            if notes:
                saved_t = talk_end - 5 if talk_end - 5 > step_t else step_t
                notes_saved = T(saved_t)
                if r() < 0.05:
                    ev((saved_t, "notes_saved", f'{{"chars": {len(notes)}, "delta": {len(notes)}}}'))

            # --- the abusive-caller protocol, on some calls from flagged customers
            warnings = 0
            abuse_end = None
            if cflags & 2 and r() < 0.35:
                warnings = 1 if r() < 0.5 else 2
                for number in range(1, warnings + 1):
                    ev((talk_end, "warning_given",
                        f'{{"number": {number}, "line": {warn_lines[number - 1]}, '
                        f'"remark": {abuse_remarks[int(r() * len(abuse_remarks))]}}}'))
                if warnings == 2 and r() < 0.6:
                    abuse_end = "transfer" if r() < 0.4 and status in ("escalated", "closed") else "disconnect"

            # --- what happened next
            actual_id: int | None = a
            actual_label = analyst_names[a]
            stage = "follow_up"
            resolution = instruction = prevention = sat_comment = ""
            article_id = resolved_at = agreed_at = closed_at = satisfaction = None
            current = "open"
            first_time = status == "closed" and abuse_end is None and r() < 0.65
            t = talk_end
            if not first_time:
                if abuse_end == "disconnect":
                    manager = managers[int(r() * len(managers))]
                    ev((t, "disconnected",
                        f'{{"line": {line_disconnect}, "manager": {manager[1]}, '
                        f'"note": {disconnect_notes[int(r() * len(disconnect_notes))]}}}'))
                    ev((t, "talk_ended", f'{{"seconds": {t - t0}, "ending": "disconnect"}}'))
                elif abuse_end is None:
                    ev((t, "talk_ended", f'{{"seconds": {t - t0}}}'))
                if abuse_end == "transfer":
                    # Handed live to a manager: a hierarchical escalation without a next-contact promise.
                    manager = managers[int(r() * len(managers))]
                    note = transfer_notes[int(r() * len(transfer_notes))]
                    ev((t, "transferred", f'{{"line": {line_transfer}, "manager": {manager[1]}, "note": {note[1]}}}'))
                    eid = self.next_escalation
                    self.next_escalation += 1
                    escalations.append((eid, call_id, "hierarchical", "senior_staff", 3, manager[0], note[0], "",
                                        '["crossed_the_line"]', None, T(t), a, None, None))
                    ev((t, "status_changed", '{"from": "open", "to": "escalated"}'))
                    ev((t, "ownership_moved",
                        f'{{"actual_from": {{"id": {a}, "label": {analyst_json[a]}}}, '
                        f'"actual_to": {{"id": null, "label": {manager[1]}}}, "perceived": {a}}}'))
                    ev((t, "talk_ended", f'{{"seconds": {t - t0}, "ending": "transfer"}}'))
                    actual_id, actual_label = None, manager[0]
                    current = "escalated"
                elif status == "escalated" or (status == "closed" and r() < 0.07):
                    trig = []
                    if people and people >= 2:
                        trig.append('"several_people"')
                    if departments and departments >= 2:
                        trig.append('"several_departments"')
                    if impact in ("significant", "severe"):
                        trig.append('"business_impact"')
                    if executive:
                        trig.append('"executive_affected"')
                    if security:
                        trig.append('"security"')
                    if not trig or r() < 0.3:
                        trig.append('"no_solution"' if r() < 0.8 else '"customer_request"')
                    triggers_json = "[" + ", ".join(trig) + "]"
                    handoff = (
                        f"{summary or 'Not yet assessed'}. {handoff_steps[int(r() * len(handoff_steps))]} "
                        f"Impact: {people or 1} affected, {impact or 'unknown'} business impact; urgency {urgency or 'not asked'}."
                    )
                    esc_t = t + int(r() * 1800)
                    if esc_t >= now_s:
                        esc_t = t + int((now_s - 1 - t) * r()) if now_s - 1 > t else t
                    open_now = status == "escalated"
                    again = r() < 0.1
                    eid, receiver, receiver_json, settled = escalate(
                        esc_t, k, None, str(a), analyst_json[a], 0, pending_ok and open_now,
                        open_now and recent and not again, triggers_json, handoff,
                    )
                    t = esc_t if settled is None or settled < esc_t else settled
                    if again:
                        # Re-escalated: sent on to the next tier (or another route).
                        t2 = later(t, int(r() * 2 * _DAY))
                        eid, receiver, receiver_json, settled = escalate(
                            t2, k, eid, "null", receiver_json, 1, pending_ok and open_now,
                            open_now and recent, triggers_json, handoff,
                        )
                        t = t2 if settled is None or settled < t2 else settled
                    if open_now and not recent:
                        # A long-running escalation: the analyst keeps the customer informed.
                        c_t = business(now_s - int(r() * 5 * _DAY), r())
                        if c_t >= now_s:
                            c_t = now_s - 1 - int(r() * _HOUR)
                        if c_t < t:
                            c_t = t
                        ev((c_t, "contact_logged", f'{{"direction": "outbound", "note": {contact_notes[int(r() * len(contact_notes))]}}}'))
                        commit("promise", promise_texts[3], c_t + int(r() * 7 * _DAY) - 2 * _DAY + _HOUR, c_t, pending_ok, force_pending=True)
                        t = c_t
                    elif settled is not None and r() < 0.3:
                        ev((settled, "contact_logged", f'{{"direction": "outbound", "note": {contact_notes[int(r() * len(contact_notes))]}}}'))
                    actual_id, actual_label = None, receiver
                    current = "escalated"
                elif status == "open":
                    if r() < 0.4:
                        if r() < 0.3:
                            kind, text = "callback", callback_texts[int(r() * len(callback_texts))]
                        else:
                            kind, text = "promise", promise_texts[int(r() * len(promise_texts))]
                        commit(kind, text, t + _HOUR + int(r() * 2 * _DAY), t, pending_ok, force_pending=recent)
                elif r() < 0.15:
                    c_t = t + int(r() * _DAY)
                    if c_t < now_s:
                        ev((c_t, "contact_logged",
                            f'{{"direction": "{"inbound" if r() < 0.5 else "outbound"}", '
                            f'"note": {contact_notes[int(r() * len(contact_notes))]}}}'))
                        t = c_t
                if (status == "open" or status == "escalated") and r() < 0.05:
                    ev((t, "sla_paused", f'{{"reason": {pause_reasons[int(r() * len(pause_reasons))]}}}'))

                if status == "closed" or status == "awaiting_confirmation":
                    # Resolved later, by the desk or by whoever it was escalated to.
                    delay = later_wheel[int(r() * 100)]
                    res_t = later(t, delay // 2 + int(r() * delay))
                    if r() < 0.02 and res_t - 600 > t:
                        ev((res_t - 600, "talk_resumed", "{}"))
                        ev((res_t, "talk_ended", f'{{"seconds": {res_t - t0}}}'))
                    elif r() < 0.03 and res_t - 120 > t:
                        ev((t + 60, "sla_paused", f'{{"reason": {pause_reasons[int(r() * len(pause_reasons))]}}}'))
                        ev((res_t - 60, "sla_resumed", f'{{"note": {resume_notes[int(r() * len(resume_notes))]}}}'))
                    t = res_t
            else:
                # Fixed while the caller was still on the line.
                t = talk_end

            if status == "closed" or status == "awaiting_confirmation":
                resolution, instruction = res, ins
                if assessed and articles_by_cat[k] and r() < 0.08:
                    article = articles_by_cat[k][int(r() * len(articles_by_cat[k]))]
                    article_id = article[0]
                    article_uses[article_id] = article_uses.get(article_id, 0) + 1
                    ev((t, "article_used", f'{{"article_id": {article_id}, "slug": {article[1]}, "title": {article[2]}}}'))
                resolved_at = T(t)
                if r() < (0.75 if not first_time else 0.1):
                    ev((t, "resolved",
                        f'{{"resolution": {res_json}, "instructions": {ins_json}, '
                        f'"article_id": {"null" if article_id is None else article_id}}}'))
                if status == "awaiting_confirmation" or (not first_time and r() < 0.04):
                    # The customer wants to be sure first.
                    d_t = t + int(r() * 600)
                    if d_t >= now_s:
                        d_t = t + int((now_s - 1 - t) * r()) if now_s - 1 > t else t
                    ev((d_t, "status_changed", f'{{"from": "{current}", "to": "awaiting_confirmation"}}'))
                    ev((d_t, "customer_declined", f'{{"note": {decline_notes[int(r() * len(decline_notes))]}}}'))
                    current = "awaiting_confirmation"
                    t = d_t
                    if status == "awaiting_confirmation":
                        stage = "close"
                        if r() < 0.5:
                            commit("promise", promise_texts[2], t + 4 * _HOUR + int(r() * 3 * _DAY), t, pending_ok, force_pending=recent)
                    else:
                        t = later(t, _HOUR + int(r() * 2 * _DAY))
                if status == "closed":
                    if not first_time:
                        t = later(t, int(r() * 2 * _HOUR))
                    agreed_at = closed_at = T(t)
                    sat = sat_wheel[int(r() * 100)]
                    satisfaction = sat or None
                    comment = sat_comments[int(r() * len(sat_comments))] if satisfaction else ("", '""')
                    sat_comment = comment[0]
                    prevention, prevention_json = ("", '""')
                    if complaint_valid:
                        prevention, prevention_json = prevention_notes[int(r() * len(prevention_notes))]
                    closed_payload = (
                        f'{{"resolution": {res_json}, "satisfaction": {"null" if satisfaction is None else satisfaction}, '
                        f'"comment": {comment[1]}, "prevention_note": {prevention_json}}}'
                    )
                    ev((t, "customer_agreed", f'{{"note": {agreement_notes[int(r() * len(agreement_notes))]}}}'))
                    ev((t, "status_changed", f'{{"from": "{current}", "to": "closed"}}'))
                    ev((t, "closed", closed_payload))
                    if first_time:
                        talk_end = t
                    if r() < 0.004:
                        # Reopened: the fault came back; closed again once fixed.
                        r_t = business(t + _DAY + int(r() * 3 * _DAY), r())
                        c_t = business(r_t + _HOUR + int(r() * _DAY), r())
                        if c_t < now_s:
                            ev((r_t, "status_changed", '{"from": "closed", "to": "open"}'))
                            ev((r_t, "reopened", f'{{"reason": {reopen_reasons[int(r() * len(reopen_reasons))]}}}'))
                            ev((c_t, "customer_agreed", '{"note": ""}'))
                            ev((c_t, "status_changed", '{"from": "open", "to": "closed"}'))
                            ev((c_t, "closed", closed_payload))
                            agreed_at = closed_at = T(c_t)
                            t = c_t
                    if r() < 0.04:
                        due = clock.next_business_day_at(t, 10 * _HOUR)
                        commit("follow_up", follow_text, due, t, pending_ok and recent)
                    elif r() < 0.15:
                        stage = "close"
            elif status == "open":
                stage = "resolve" if assessed and r() < 0.6 else ("assessment" if assessed else "greeting")
            elif status == "escalated":
                stage = "resolve"

            if len(cev) > 1:
                cev.sort(key=first)
            previous = touched = -1
            for at, kind, payload in cev:
                if at != previous:
                    previous, stamp = at, T(at)
                emit((call_id, stamp, a, kind, payload))
                if kind[:10] != "commitment":  # promises do not touch the call row
                    touched = at
            last = cev[-1][0]
            if touched < talk_end:
                touched = talk_end
            if not pending_ok:
                if status != "closed":
                    reserved_open.append((call_id, last, status))
                else:
                    reserved_closed.append((call_id, last, status))
            call_rows.append((
                call_id, reference, cust, channel, status, stage, people, departments,
                impact, 1 if executive else 0, 1 if security else 0, category, summary, urgency, priority, priority_reason,
                1 if complaint else 0, complaint_valid, steps, notes, notes_saved, resolution, instruction, article_id,
                prevention, a, actual_id, actual_label, T(t0), ack_at, ack_method,
                resolved_at, agreed_at, closed_at, satisfaction, sat_comment, None, T(talk_end),
                callback_pref, warnings, T(touched),
            ))
            if len(call_rows) >= CHUNK_CALLS:
                yield call_rows, events, commitments, escalations
                call_rows, events, commitments, escalations = [], [], [], []
                emit = events.append
                keep = commitments.append
        if call_rows:
            yield call_rows, events, commitments, escalations

    # ------------------------------------------------------------------ reserved promises

    def load_reserved_promises(self) -> None:
        """Exactly ``pending_promises`` pending promises owed by the first analyst, on their calls."""
        wanted = self.pending_promises
        if not self.reserved or not wanted:
            return
        r = self.rng.random
        T, ISO = self.clock.text, self.clock.iso
        now_s = self.now_s
        # Up to two on each of their calls still open, then follow-ups on their newest closed calls.
        slots = [target for target in self.reserved_open for _ in range(2)] + list(reversed(self.reserved_closed))
        if not slots:
            # The analyst took no call at all: the promises go on the newest calls.
            first = max(1, self.n_calls - wanted + 1)
            slots = [(call_id, now_s - 60, "open") for call_id in range(first, self.n_calls + 1)]
        picks = []
        for number in range(wanted):
            call_id, last, status = slots[number % len(slots)]
            # Due from three days ago (overdue) to two weeks ahead; made a while before.
            due = self.clock.business(now_s - 3 * _DAY + int(r() * 15 * _DAY), r())
            created = min(due - _HOUR - int(r() * 4 * _DAY), now_s - 60 - int(r() * 3 * _HOUR))
            if created < last:
                created = last
            if due <= created:
                due = created + 600 + int(r() * _DAY)
            picks.append((call_id, created, due, status))
        picks.sort(key=lambda pick: (pick[0], pick[1]))  # each call's timeline runs forward
        texts = [(s, _j(s)) for s in vocab.PROMISE_DESCRIPTIONS]
        callbacks = [(s, _j(s)) for s in vocab.CALLBACK_DESCRIPTIONS]
        follow = (vocab.FOLLOW_UP_DESCRIPTION, _j(vocab.FOLLOW_UP_DESCRIPTION))
        contact = ("Next contact, as agreed with the customer", _j("Next contact, as agreed with the customer"))
        owed = 1
        commitments, events = [], []
        for call_id, created, due, status in picks:
            if status == "closed":
                kind, text = "follow_up", follow
            elif status == "escalated" and r() < 0.6:
                kind, text = "next_contact", contact
            elif r() < 0.3:
                kind, text = "callback", callbacks[int(r() * len(callbacks))]
            else:
                kind, text = "promise", texts[int(r() * len(texts))]
            cid = self.next_commitment
            self.next_commitment += 1
            commitments.append((cid, call_id, kind, text[0], T(due), owed, T(created), owed, None, None, "", None))
            events.append((call_id, T(created), owed, "commitment_made",
                           f'{{"commitment_id": {cid}, "kind": "{kind}", "due_at": "{ISO(due)}", "description": {text[1]}}}'))
        self.conn.execute("BEGIN")
        self._insert("commitment", commitments)
        self._insert("call_event", events)
        self.conn.execute("COMMIT")
        self.progress("promises", 1.0)

    def finish_counters(self) -> None:
        """The reference counter continues after the last call; articles count their uses."""
        self.conn.execute("BEGIN")
        self.conn.execute("UPDATE counter SET value = ? WHERE name = 'call_reference'", (self.n_calls,))
        self.conn.executemany(
            "UPDATE knowledge_article SET times_used = ? WHERE id = ?",
            [(uses, article_id) for article_id, uses in sorted(self.article_uses.items())],
        )
        self.conn.execute("COMMIT")
