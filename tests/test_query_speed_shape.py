"""The fast read paths answer exactly as the straightforward ORM queries did.

``customers.lookup`` and the queue lists (``queue.my_open_calls``,
``perceived_elsewhere``, ``promises_due``, ``pending_promises``) were rewritten for
speed (Core statements built once, one statement per lookup pass, the SQLite DBAPI
for the queue lists). Here they are compared, on a generated workload with a few
awkward rows added, with reference implementations written the plain way: ORM
entities, one query per question. Same rows, same order, same fields. No timing
here: speed is measured by ``deskcli bench``.
"""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, or_
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from deskcli.core.clock import as_utc
from deskcli.models import OPEN_STATUSES, Call, Commitment, Customer, CustomerPhone
from deskcli.services.desk import queue
from deskcli.services.desk.queue import CallRow, PromiseRow
from deskcli.services.lookup import customers, fts_sqlite, phones
from deskcli.services.lookup.customers import CustomerMatch
from deskcli.store import db
from deskcli.workload import DEFAULT_NOW, generate

ME = 1
"""``analyst01``, who owes the generated pending promises."""
MARKUP = "[b]Bold[/b] [@click=app.quit]Quinby[/] Marchetti"
"""A customer name full of Rich markup: it must come back as typed."""
GHOST_ID = 9_999_999
"""An FTS entry whose customer row does not exist."""


# --------------------------------------------------------------------------- reference implementations
# The plain ORM queries the services used before they were made fast.


def ref_call_rows(session: Session, query) -> list[CallRow]:
    return [
        CallRow(
            id=call.id, reference=call.reference, customer=name, status=call.status, stage=call.stage,
            summary=call.summary, priority=call.priority, opened_at=call.opened_at,
            actual_owner=call.actual_owner_label, owners_differ=call.actual_owner_id != call.perceived_owner_id,
            acknowledged_at=call.acknowledged_at, closed_at=call.closed_at,
        )
        for call, name in session.exec(query).all()
    ]


def ref_my_open_calls(session: Session, analyst_id: int, *, limit: int = 50, offset: int = 0) -> list[CallRow]:
    return ref_call_rows(
        session,
        select(Call, Customer.name)
        .join(Customer, Customer.id == Call.customer_id)
        .where(col(Call.status).in_(OPEN_STATUSES), Call.actual_owner_id == analyst_id)
        .order_by(col(Call.opened_at).desc())
        .offset(offset)
        .limit(limit),
    )


def ref_perceived_elsewhere(session: Session, analyst_id: int, *, limit: int = 50, offset: int = 0) -> list[CallRow]:
    return ref_call_rows(
        session,
        select(Call, Customer.name)
        .join(Customer, Customer.id == Call.customer_id)
        .where(
            col(Call.status).in_(OPEN_STATUSES),
            Call.perceived_owner_id == analyst_id,
            or_(col(Call.actual_owner_id).is_(None), Call.actual_owner_id != analyst_id),
        )
        .order_by(col(Call.opened_at).desc())
        .offset(offset)
        .limit(limit),
    )


def ref_pending_query(analyst_id: int | None):
    query = (
        select(Commitment, Call.reference, Customer.name)
        .join(Call, Call.id == Commitment.call_id)
        .join(Customer, Customer.id == Call.customer_id)
        .where(col(Commitment.outcome).is_(None))
        .order_by(col(Commitment.due_at))
    )
    return query if analyst_id is None else query.where(Commitment.owed_by_id == analyst_id)


def ref_promise_rows(session: Session, query, now: datetime) -> list[PromiseRow]:
    return [
        PromiseRow(
            id=commitment.id, call_id=commitment.call_id, reference=reference, customer=name, kind=commitment.kind,
            description=commitment.description, due_at=commitment.due_at, overdue=commitment.due_at < now,
            owed_by_id=commitment.owed_by_id, contact_number=commitment.contact_number,
        )
        for commitment, reference, name in session.exec(query).all()
    ]


def ref_promises_due(session: Session, analyst_id: int | None, *, now: datetime, until: datetime, limit: int = 100) -> list[PromiseRow]:
    query = ref_pending_query(analyst_id).where(col(Commitment.due_at) < as_utc(until)).limit(limit)
    return ref_promise_rows(session, query, as_utc(now))


def ref_pending_promises(session: Session, analyst_id: int, *, now: datetime, limit: int = 50, offset: int = 0) -> list[PromiseRow]:
    return ref_promise_rows(session, ref_pending_query(analyst_id).offset(offset).limit(limit), as_utc(now))


def ref_lookup(session: Session, query: str, *, region: str, limit: int = 20) -> list[CustomerMatch]:
    query = query.strip()
    if not query:
        return []
    if phones.looks_like_phone(query):
        ids = customers._ids_by_phone(session, query, region, limit)
    elif session.get_bind().dialect.name == "sqlite":
        ids = fts_sqlite.customer_ids(session, query, limit)
        if "@" in query and len(ids) < limit:
            ids += [i for i in customers._ids_by_email(session, query, limit) if i not in ids]
    else:
        ids = customers._ids_by_prefix(session, query, limit)
    ids = ids[:limit]
    if not ids:
        return []
    found = {c.id: c for c in session.exec(select(Customer).where(col(Customer.id).in_(ids)))}
    first_phone: dict[int, str] = {}
    for phone in session.exec(
        select(CustomerPhone).where(col(CustomerPhone.customer_id).in_(ids)).order_by(col(CustomerPhone.id))
    ):
        first_phone.setdefault(phone.customer_id, phone.raw)
    return [
        CustomerMatch(
            id=i, name=c.name, organisation=c.organisation, department=c.department, email=c.email,
            phone=first_phone.get(i), pronunciation=c.pronunciation, is_vip=c.is_vip,
            caution_flags=tuple(c.caution_flags or ()),
        )
        for i in ids
        if (c := found.get(i)) is not None
    ]


# --------------------------------------------------------------------------- the data set


def _awkward_rows(path: Path) -> dict[str, object]:
    """Add what a generated workload rarely has: many open calls, ties, odd times, markup, FTS gaps."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("BEGIN")
        closed = [i for (i,) in raw.execute("SELECT id FROM call WHERE status = 'closed' ORDER BY id LIMIT 90")]
        mine, elsewhere, theirs = closed[:40], closed[40:70], closed[70:]
        # Open calls worked by analyst 1, with and without acknowledgement and priority.
        for n, call_id in enumerate(mine):
            raw.execute(
                "UPDATE call SET status = ?, closed_at = NULL, actual_owner_id = 1, perceived_owner_id = 1, "
                "actual_owner_label = 'Bench Analyst', acknowledged_at = CASE WHEN ? THEN NULL ELSE acknowledged_at END, "
                "priority = CASE WHEN ? THEN NULL ELSE priority END WHERE id = ?",
                (OPEN_STATUSES[n % len(OPEN_STATUSES)], n % 4 == 0, n % 5 == 0, call_id),
            )
        # Calls the customer thinks analyst 1 has while someone else (or a team) works them.
        for n, call_id in enumerate(elsewhere):
            raw.execute(
                "UPDATE call SET status = ?, closed_at = NULL, perceived_owner_id = 1, actual_owner_id = ?, "
                "actual_owner_label = ? WHERE id = ?",
                (OPEN_STATUSES[n % len(OPEN_STATUSES)], None if n % 2 else 2, "Network team" if n % 2 else "Analyst 02", call_id),
            )
        # Open calls of analyst 2: in nobody else's lists.
        raw.executemany("UPDATE call SET status = 'open', closed_at = NULL, actual_owner_id = 2, perceived_owner_id = 2 WHERE id = ?",
                        [(i,) for i in theirs])
        # Ties in opened_at, a time without microseconds and one stored with an offset.
        raw.executemany("UPDATE call SET opened_at = '2026-06-01 09:00:00.000000' WHERE id = ?", [(i,) for i in mine[5:11] + elsewhere[3:9]])
        raw.execute("UPDATE call SET opened_at = '2026-06-02 10:11:12' WHERE id = ?", (mine[12],))
        raw.execute("UPDATE call SET opened_at = '2026-06-03 10:11:12.250000+02:00' WHERE id = ?", (mine[13],))
        raw.execute("UPDATE call SET acknowledged_at = '2026-06-03 11:00:00' WHERE id = ?", (mine[13],))
        # A customer with markup in the name, on one of analyst 1's calls with a pending promise.
        customer_id = raw.execute("SELECT customer_id FROM call WHERE id = ?", (mine[1],)).fetchone()[0]
        raw.execute("UPDATE customer SET name = ? WHERE id = ?", (MARKUP, customer_id))
        raw.execute(
            "INSERT INTO commitment (call_id, kind, description, due_at, owed_by_id, created_at, created_by_id, outcome_note) "
            "VALUES (?, 'callback', '[red]call back[/red]', '2026-11-23 10:00:00.000000', 1, '2026-11-20 10:00:00.000000', 1, '')",
            (mine[1],),
        )
        # A promise due at a fractional second, to query exactly at its due time.
        raw.execute(
            "UPDATE commitment SET due_at = '2026-11-23 13:00:41.500000' WHERE id = "
            "(SELECT max(id) FROM commitment WHERE outcome IS NULL AND owed_by_id = 1)"
        )
        # Ties in due_at among analyst 1's pending promises.
        pending = [i for (i,) in raw.execute("SELECT id FROM commitment WHERE outcome IS NULL AND owed_by_id = 1 ORDER BY id LIMIT 6")]
        raw.executemany("UPDATE commitment SET due_at = '2026-11-24 09:30:00.000000' WHERE id = ?", [(i,) for i in pending])
        # A customer the FTS index has lost (found only by the e-mail prefix) and an FTS entry with no customer.
        lost_id, lost_name, lost_org, lost_email, lost_department = raw.execute(
            "SELECT id, name, organisation, email, department FROM customer WHERE email IS NOT NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        raw.execute(
            "INSERT INTO customer_fts (customer_fts, rowid, name, organisation, email, department) VALUES ('delete', ?, ?, ?, ?, ?)",
            (lost_id, lost_name, lost_org, lost_email, lost_department),
        )
        raw.execute(
            "INSERT INTO customer_fts (rowid, name, organisation, email, department) VALUES (?, 'Ghostly Quinby', 'Nowhere', '', '')",
            (GHOST_ID,),
        )
        raw.execute("COMMIT")
        return {"lost_email": lost_email, "markup_customer": customer_id}
    finally:
        raw.close()


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory):
    """A generated help desk (300 customers, 3,000 calls, 40 promises owed by analyst 1) with awkward rows."""
    path = tmp_path_factory.mktemp("speed-shape") / "w.db"
    generate(path, customers=300, calls=3000, promises_for="analyst01", pending_promises=40, parallel=False)
    facts = _awkward_rows(path)
    store = db.open_store(db.target_for(path, None))
    yield store, facts
    store.dispose()


@pytest.fixture
def store(workload) -> db.Store:
    return workload[0]


@pytest.fixture
def facts(workload) -> dict[str, object]:
    return workload[1]


def _lookup_queries(store: db.Store, facts: dict[str, object]) -> list[str]:
    """What an analyst types: surname and first-name prefixes, organisations, e-mails, numbers, nonsense."""
    with store.read() as session:
        people = session.exec(select(Customer).order_by(col(Customer.id)).limit(40)).all()
        numbers = session.exec(select(CustomerPhone.raw).order_by(col(CustomerPhone.id)).limit(6)).all()
    queries = ["quinby", "Ghostly", "zzzz", "", "   ", "@", '"', "a AND (", "{name}: x", "-jones", "click", "bold quin"]
    for person in people[::4]:
        first, _, last = person.name.partition(" ")
        queries += [last[:3], first[:2].lower(), person.name, person.organisation.split(" ")[0][:4]]
        if person.email:
            queries += [person.email, person.email[: person.email.index("@") + 3]]
    queries += [str(facts["lost_email"]), str(facts["lost_email"])[:-4]]
    queries += list(numbers) + [number[:6] for number in numbers] + ["+44 20", "07700"]
    return queries


# --------------------------------------------------------------------------- the queue lists

LIMITS = [(50, 0), (5, 0), (5, 5), (7, 3), (1, 0), (10, 36), (20, 1000), (0, 0)]


@pytest.mark.parametrize(("limit", "offset"), LIMITS)
def test_call_lists_equal_the_orm_queries(store, limit, offset):
    with store.read() as session:
        for analyst_id in (ME, 2, 3):
            mine = queue.my_open_calls(session, analyst_id, limit=limit, offset=offset)
            assert mine == ref_my_open_calls(session, analyst_id, limit=limit, offset=offset)
            elsewhere = queue.perceived_elsewhere(session, analyst_id, limit=limit, offset=offset)
            assert elsewhere == ref_perceived_elsewhere(session, analyst_id, limit=limit, offset=offset)
            assert all(type(row) is CallRow for row in mine + elsewhere)


def test_call_lists_are_full_pages_newest_first(store):
    with store.read() as session:
        everything = queue.my_open_calls(session, ME, limit=1000)
        pages = [row for offset in range(0, 60, 7) for row in queue.my_open_calls(session, ME, limit=7, offset=offset)]
        elsewhere = queue.perceived_elsewhere(session, ME, limit=1000)
    assert len(everything) >= 40 and len(elsewhere) >= 30
    assert pages == everything
    assert all(a.opened_at >= b.opened_at for a, b in itertools.pairwise(everything))
    assert {row.owners_differ for row in elsewhere} == {True}
    assert any(row.acknowledged_at is None for row in everything) and any(row.priority is None for row in everything)
    for row in everything:
        assert row.opened_at.tzinfo is UTC and (row.acknowledged_at is None or row.acknowledged_at.tzinfo is UTC)


@pytest.mark.parametrize("analyst_id", [ME, None, 2])
@pytest.mark.parametrize("limit", [100, 7, 1, 0])
@pytest.mark.parametrize("hours", [-24, 0, 20, 24 * 400])
def test_promises_due_equal_the_orm_query(store, analyst_id, limit, hours):
    now = DEFAULT_NOW
    until = now + timedelta(hours=hours)
    with store.read() as session:
        rows = queue.promises_due(session, analyst_id, now=now, until=until, limit=limit)
        assert rows == ref_promises_due(session, analyst_id, now=now, until=until, limit=limit)
    assert all(type(row) is PromiseRow and row.due_at.tzinfo is UTC for row in rows)


def test_promises_due_until_is_exclusive_to_the_microsecond(store):
    """A promise due exactly at ``until`` is not listed; one microsecond later it is."""
    due = datetime(2026, 11, 23, 13, 0, 41, 500000, tzinfo=UTC)
    with store.read() as session:
        before = queue.promises_due(session, ME, now=DEFAULT_NOW, until=due)
        after = queue.promises_due(session, ME, now=DEFAULT_NOW, until=due + timedelta(microseconds=1))
        assert before == ref_promises_due(session, ME, now=DEFAULT_NOW, until=due)
        assert after == ref_promises_due(session, ME, now=DEFAULT_NOW, until=due + timedelta(microseconds=1))
    assert [row.due_at for row in after if row not in before] == [due]


def test_fast_path_binds_what_sqlalchemy_binds(store):
    """The SQL and parameters sent to SQLite are those SQLAlchemy Core sends for the same statement."""
    until = datetime(2026, 11, 24, 1, 2, 3, 4, tzinfo=ZoneInfo("Europe/London"))
    params = {"me": ME, "until": until, "limit": 9}
    sent: list[tuple] = []

    def capture(conn, cursor, sql, parameters, context, executemany):
        sent.append((sql, tuple(parameters)))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.read() as session:
            core = session.connection().execute(queue._PROMISES_DUE_MINE.statement, params).all()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    selects = [(sql, args) for sql, args in sent if sql.lstrip().startswith("SELECT")]
    captured: list[tuple] = []

    class Spy:
        def __init__(self, real: sqlite3.Connection) -> None:
            self.real = real

        def execute(self, sql: str, args: tuple) -> sqlite3.Cursor:
            captured.append((sql, args))
            return self.real.execute(sql, args)

    with store.read() as session:
        fairy = session.connection().connection
        real = fairy.dbapi_connection
        fairy.dbapi_connection = Spy(real)
        try:
            rows, utc = queue._PROMISES_DUE_MINE.rows(session, params)
        finally:
            fairy.dbapi_connection = real
    assert captured == selects and len(captured) == 1
    assert isinstance(captured[0][1][1], str)  # the time as SQLite stores it, not a datetime for sqlite3 to adapt
    assert [tuple(row) for row in core] == [(*row[:6], utc(row[6]), *row[7:]) for row in rows]


def test_promises_due_accepts_any_timezone(store):
    """``now`` and ``until`` in another zone mean the same instants."""
    zone = ZoneInfo("America/New_York")
    with store.read() as session:
        utc = queue.promises_due(session, ME, now=DEFAULT_NOW, until=DEFAULT_NOW + timedelta(days=1))
        other = queue.promises_due(
            session, ME, now=DEFAULT_NOW.astimezone(zone), until=(DEFAULT_NOW + timedelta(days=1)).astimezone(zone)
        )
        with pytest.raises(ValueError):
            queue.promises_due(session, ME, now=DEFAULT_NOW, until=datetime(2026, 11, 24))
    assert utc == other and utc
    assert any(row.overdue for row in utc) and any(not row.overdue for row in utc)


@pytest.mark.parametrize("page", [50, 15, 7, 1])
def test_pending_promises_page_by_page(store, page):
    now = DEFAULT_NOW
    with store.read() as session:
        everything = ref_pending_promises(session, ME, now=now, limit=1000)
        pages = []
        for offset in range(0, 60, page):
            rows = queue.pending_promises(session, ME, now=now, limit=page, offset=offset)
            assert rows == ref_pending_promises(session, ME, now=now, limit=page, offset=offset)
            pages += rows
    assert len(everything) == 41  # the 40 generated, and the one on the markup customer's call
    assert pages == everything
    assert [row.due_at for row in pages] == sorted(row.due_at for row in pages)


def test_markup_names_come_back_raw(store, facts):
    with store.read() as session:
        calls = [row for row in queue.my_open_calls(session, ME, limit=1000) if row.customer == MARKUP]
        promises = [row for row in queue.pending_promises(session, ME, now=DEFAULT_NOW, limit=1000) if row.customer == MARKUP]
        found = customers.lookup(session, "quinby", region="GB")
    assert calls
    assert [row.description for row in promises] == ["[red]call back[/red]"]
    assert [match.name for match in found] == [MARKUP]
    assert found[0].id == facts["markup_customer"]


def test_queue_reads_in_the_sessions_own_transaction(store):
    """A promise written (not yet committed) in a session is in that session's lists."""
    with pytest.raises(RuntimeError, match="roll back"), store.write() as session:
        call = queue.my_open_calls(session, ME, limit=1)[0]
        before = queue.pending_promises(session, ME, now=DEFAULT_NOW, limit=1000)
        session.add(Commitment(
            call_id=call.id, kind="callback", description="soon", due_at=DEFAULT_NOW - timedelta(days=400),
            owed_by_id=ME, created_at=DEFAULT_NOW, created_by_id=ME,
        ))
        session.flush()
        after = queue.pending_promises(session, ME, now=DEFAULT_NOW, limit=1000)
        assert len(after) == len(before) + 1
        assert after[0].description == "soon" and after[0].overdue
        assert after == ref_pending_promises(session, ME, now=DEFAULT_NOW, limit=1000)
        raise RuntimeError("roll back")
    with store.read() as session:
        assert len(queue.pending_promises(session, ME, now=DEFAULT_NOW, limit=1000)) == 41


def test_portable_path_gives_the_same_lists(store, monkeypatch):
    """Through SQLAlchemy Core (as on databases other than SQLite) the lists are the same."""
    now, until = DEFAULT_NOW, DEFAULT_NOW + timedelta(days=2)
    with store.read() as session:
        fast = (
            queue.my_open_calls(session, ME, limit=30, offset=2),
            queue.perceived_elsewhere(session, ME),
            queue.promises_due(session, None, now=now, until=until),
            queue.pending_promises(session, ME, now=now, limit=20, offset=3),
        )
    monkeypatch.setattr(queue._ListQuery, "_for_sqlite", lambda self, dialect: None)
    with store.read() as session:
        portable = (
            queue.my_open_calls(session, ME, limit=30, offset=2),
            queue.perceived_elsewhere(session, ME),
            queue.promises_due(session, None, now=now, until=until),
            queue.pending_promises(session, ME, now=now, limit=20, offset=3),
        )
    assert portable == fast
    assert all(portable)


def test_database_errors_are_sqlalchemy_errors(db_path):
    """A failing list query raises SQLAlchemy's error (the app turns those into messages), not sqlite3's."""
    store = db.open_store(db.target_for(db_path, None))
    try:
        raw = sqlite3.connect(db_path)
        raw.execute("ALTER TABLE commitment RENAME TO commitment_gone")
        raw.commit()
        raw.close()
        with store.read() as session, pytest.raises(OperationalError, match="no such table"):
            queue.pending_promises(session, ME, now=DEFAULT_NOW)
    finally:
        store.dispose()


@pytest.mark.parametrize(
    "statement",
    ["_MY_OPEN_CALLS", "_PERCEIVED_ELSEWHERE", "_PROMISES_DUE_MINE", "_PROMISES_DUE_ALL", "_PENDING_PROMISES"],
)
def test_queue_lists_read_through_indexes(store, statement):
    """No list reads a whole table: calls and promises through their indexes, the rest by primary key."""
    prepared = getattr(queue, statement)._for_sqlite(store.engine.dialect)
    assert prepared is not None
    sql, binds = prepared
    with store.read() as session:
        raw = session.connection().connection.dbapi_connection
        plan = [row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, [None] * len(binds))]
    assert plan and not [line for line in plan if line.startswith("SCAN")], plan
    assert any("USING INDEX ix_" in line for line in plan), plan


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20 12:00:41.000000",
        "2026-11-20 12:00:41.123456",
        "2026-11-20 12:00:41",
        "2026-11-20 12:00",
        "2026-11-20T12:00:41.5",
        "2026-11-20",
        "20261120",
        "2026-11-20+05:00",
        "2026-11-20 12:00:41.250000+02:00",
        "2026-11-20 12:00:41-05:30",
        "2026-11-20T12:00:41Z",
        None,
    ],
)
def test_sqlite_datetimes_read_as_the_models_read_them(text):
    """The DBAPI path turns stored text into the same aware UTC datetime the UTCDateTime column type gives."""
    dialect = sqlite_dialect.dialect()
    expected = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)(text)
    got = queue._utc_from_text(text)
    assert got == expected
    if got is not None:
        assert got.tzinfo is UTC and got.utcoffset() == timedelta(0) and repr(got) == repr(expected)


def test_read_models_built_directly_equal_constructed_ones():
    """The direct constructor gives the dataclass's own object, and steps aside when it cannot."""
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    fields = dict(id=1, call_id=2, reference="HD-000002", customer=MARKUP, kind="callback", description="d",
                  due_at=when, overdue=True, owed_by_id=3)
    built = queue._new_promise_row(**fields)
    assert type(built) is PromiseRow
    assert built == PromiseRow(**fields) and hash(built) == hash(PromiseRow(**fields)) and repr(built) == repr(PromiseRow(**fields))
    assert vars(built) == vars(PromiseRow(**fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.id = 5  # type: ignore[misc]
    # Leaving out a field with a default goes through the class: the default applies.
    fields.pop("owed_by_id")
    assert queue._new_promise_row(**fields) == PromiseRow(**fields)
    assert queue._new_promise_row(**fields).owed_by_id == 0

    @dataclasses.dataclass(frozen=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    assert queue._maker(Checked) is Checked


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize("limit", [12, 20, 3, 1])
def test_lookup_equals_the_orm_queries(store, facts, limit):
    queries = _lookup_queries(store, facts)
    with store.read() as session:
        for query in queries:
            got = customers.lookup(session, query, region="GB", limit=limit)
            assert got == ref_lookup(session, query, region="GB", limit=limit), query
            assert len(got) <= limit
            assert all(type(match) is CustomerMatch for match in got)


def test_lookup_covers_each_path(store, facts):
    """The queries above take every path: name only, then any field, e-mail prefix, phones; gaps in the index."""
    lost = str(facts["lost_email"])
    with store.read() as session:
        surname = session.exec(select(Customer.name).order_by(col(Customer.id))).first().rsplit(" ", 1)[1]
        many = customers.lookup(session, surname[:2], region="GB", limit=3)
        by_email = customers.lookup(session, lost, region="GB")
        ghost = customers.lookup(session, "ghostly", region="GB")
        organisation = customers.lookup(session, "example", region="GB", limit=20)
        number = session.exec(select(CustomerPhone).order_by(col(CustomerPhone.id))).first()
        by_phone = customers.lookup(session, number.raw, region="GB")
    assert len(many) == 3 and [m.id for m in many] == sorted((m.id for m in many), reverse=True)
    assert [m.email for m in by_email] == [lost]  # not in the FTS index any more: found by the e-mail prefix
    assert ghost == []  # in the FTS index, but no such customer
    assert len(organisation) == 20
    assert number.customer_id in [m.id for m in by_phone]
    match = next(m for m in by_phone if m.id == number.customer_id)
    assert match.phone is not None


def test_lookup_first_phone_is_the_oldest_number(store):
    with store.read() as session:
        customer_id = session.exec(
            select(CustomerPhone.customer_id).group_by(CustomerPhone.customer_id).having(func.count(CustomerPhone.id) > 1)
        ).first()
        assert customer_id is not None
        customer = session.get(Customer, customer_id)
        numbers = customers.phones_of(session, customer_id)
        matches = [m for m in customers.lookup(session, customer.name, region="GB", limit=50) if m.id == customer_id]
    assert [m.phone for m in matches] == [numbers[0].raw]


def test_portable_lookup_gives_the_orm_answer(store, facts, monkeypatch):
    """On other databases the lookup uses indexed prefix matches; same answer as the plain ORM version."""
    monkeypatch.setattr(store.engine.dialect, "name", "postgresql")
    with store.read() as session:
        for query in _lookup_queries(store, facts):
            for limit in (12, 2):
                assert customers.lookup(session, query, region="GB", limit=limit) == ref_lookup(
                    session, query, region="GB", limit=limit
                ), query
        assert [m.name for m in customers.lookup(session, "[b]Bold", region="GB")] == [MARKUP]
