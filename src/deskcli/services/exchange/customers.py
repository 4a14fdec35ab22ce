"""``deskcli import customers``: each row created, updated, skipped or reported.

Rows are read a chunk at a time; for each chunk the database is asked once which
customers its keys belong to (:class:`~deskcli.services.exchange.dedupe.Known`), the
rows are decided, and (when committing) written with one ``executemany`` per table.
A dry run decides the same way and writes nothing, so its counts are the commit's.

A customer is changed by at most one row of a file: a later row for the same customer
that says nothing new is skipped, one that says something else is an error (the two
rows must be merged by someone who knows which is right). A value missing from the file
never blanks one on record; phone numbers and caution flags are only ever added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from deskcli.models import Customer, CustomerPhone, ImportBatch, ImportChange, ImportKey
from deskcli.models.typed import saved_id, table_of
from deskcli.services.actor import Actor
from deskcli.services.exchange import bulk, dedupe
from deskcli.services.exchange.plan import ErrorsFile, ImportReport, RowError, RowProblem
from deskcli.services.exchange.prepare import Preparer, Ready, Unreadable, chunks
from deskcli.services.exchange.reader import Record, Table
from deskcli.services.exchange.rows import RowReader
from deskcli.services.exchange.values import same_name
from deskcli.services.lookup import fts_sqlite
from deskcli.store import rawsql

CHUNK_ROWS = 1000
"""Rows decided (and written) together."""

IMPORT_CACHE_KIB = 32_768
"""SQLite page cache of the importing connection while it writes (the console's is 1 MiB):
at 1 MiB, 100,000 new customers and their four indexes took twice as long."""

TEXT_FIELDS = ("organisation", "department", "notes", "name_spelling", "pronunciation")

CUSTOMER_COLUMNS = ("name", "name_spelling", "pronunciation", "email", "organisation", "department", "is_vip",
                    "caution_flags", "notes", "created_at", "updated_at", "external_id", "import_batch_id")
PHONE_COLUMNS = ("customer_id", "label", "raw", "e164", "national_digits")

_customer = table_of(Customer)
_phone = table_of(CustomerPhone)
_change = table_of(ImportChange)
_key = table_of(ImportKey)

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class _State:
    """A customer as it stands after the rows read so far (to compare a later row with).

    Kept for every customer of the file until the end, so it holds only the fields
    compared (the row itself is let go once written).
    """

    details: dict[str, Any]
    phone_keys: set[str]
    line: int
    target: int | None = None


@dataclass(slots=True)
class _Decision:
    record: Record
    values: dict[str, Any]
    keys: dedupe.RowKeys
    phones: list[tuple[str, dedupe.Number]]
    action: str = ""
    """create, update or skip."""
    customer_id: int | None = None
    changes: dict[str, Any] | None = None
    previous: dict[str, Any] | None = None
    new_phones: list[tuple[str, dedupe.Number]] | None = None
    state: _State | None = None


def _new_state(decision: _Decision) -> _State:
    # The row's values themselves (never changed afterwards): copying the compared
    # fields out cost more than keeping the few others.
    return _State(decision.values, set(decision.keys.phones), decision.record.line, decision.customer_id)


def _changes(decision: _Decision, state: _State, matched_by: str) -> tuple[dict[str, Any], list[tuple[str, dedupe.Number]]]:
    """Fill ``decision.changes``/``previous``/``new_phones`` against ``state``; RowProblem on a contradiction.

    Returns the changes and the new phone numbers (what it set on ``decision``).
    """
    values, details = decision.values, state.details
    authoritative = matched_by in ("external_id", "deskcli_id")
    changes: dict[str, Any] = {}
    name = values.get("name")
    if name and details.get("name") and not same_name(name, details["name"]):
        if not authoritative:
            raise dedupe.Conflict("name", f"a different name from {details['name']!r} (line {state.line} or on record)")
        changes["name"] = name
    email = values.get("email")
    if email and (details.get("email") or "").casefold() != email.casefold():
        if details.get("email") and not authoritative:
            raise dedupe.Conflict("email", f"a different e-mail from {details['email']!r}")
        changes["email"] = email
    external = values.get("external_id")
    if external and details.get("external_id") != external:
        if details.get("external_id"):
            raise dedupe.Conflict("external_id", f"this customer's external id is {details['external_id']!r}, "
                                  f"not {external!r}: not merged")
        changes["external_id"] = external
    for name_ in TEXT_FIELDS:
        value = values.get(name_)
        if value and value != (details.get(name_) or ""):
            changes[name_] = value
    if "is_vip" in values and bool(values["is_vip"]) != bool(details.get("is_vip")):
        changes["is_vip"] = values["is_vip"]
    flags = list(details.get("caution_flags") or [])
    extra = [flag for flag in values.get("caution_flags", []) if flag not in flags]
    if extra:
        changes["caution_flags"] = flags + extra
    seen_keys: set[str] = set()
    new_phones: list[tuple[str, dedupe.Number]] = []
    for label, number in decision.phones:
        key = dedupe.phone_key(number)
        if key and key not in state.phone_keys and key not in seen_keys:
            seen_keys.add(key)
            new_phones.append((label, number))
    decision.new_phones = new_phones
    decision.changes = changes
    decision.previous = {name_: details.get(name_) for name_ in changes}
    return changes, new_phones


class CustomerImport:
    """One run over a customers file: decide each row, and write when committing."""

    def __init__(
        self, session: Session, *, by: Actor, batch: ImportBatch | None,
        report: ImportReport, errors: ErrorsFile, all_or_nothing: bool,
    ) -> None:
        self.session = session
        self.by = by
        self.batch = batch
        self.report = report
        self.errors = errors
        self.all_or_nothing = all_or_nothing
        self.known = dedupe.Known(session)
        self.seen: dedupe.Seen[_State] = dedupe.Seen()
        self.claimed: dict[int, _State] = {}
        """Customers on record a row of this file has already matched."""
        self.now = by.now()

    @property
    def writing(self) -> bool:
        """Rows are written when committing, until an all-or-nothing import meets its first error."""
        return self.batch is not None and not (self.all_or_nothing and self.report.error_count)

    def run(self, table: Table, preparer: Preparer, reader: RowReader, progress: Progress | None = None) -> ImportReport:
        """Read every row of ``table``; the report holds the counts and the errors.

        One chunk ahead: while a chunk is prepared (in worker processes, for a big
        file), the chunk before it is decided and written.
        """
        with self._bulk():
            for rows, ready in chunks(table, preparer, size=CHUNK_ROWS, counted=self._count, progress=progress):
                self._chunk(rows, ready, reader)
        return self.report

    def _count(self) -> None:
        self.report.rows += 1

    @contextmanager
    def _bulk(self) -> Iterator[None]:
        """While committing on SQLite: a bigger page cache, and the search index filled in one go."""
        connection = self.session.connection()
        if self.batch is None or connection.dialect.name != "sqlite":
            yield
            return
        raw = rawsql.sqlite_connection(connection)
        cache = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        index = fts_sqlite.BulkCustomerIndex(self.session)
        try:
            yield
            index.finish(saved_id(self.batch))
        finally:
            raw.execute(f"PRAGMA cache_size = {int(cache)}")

    def _error(self, record: Record, column: str, reason: str, conflict: bool = False) -> None:
        error = RowError(record.line, column, reason, conflict)
        self.report.add_error(error)
        self.errors.write(error, record)

    def _chunk(self, rows: list[tuple[int, list[str]]], ready: list[Ready | Unreadable], reader: RowReader) -> None:
        decisions: list[_Decision | tuple[Record, Unreadable]] = []
        for (line, cells), row in zip(rows, ready, strict=True):
            record = Record(line, cells)
            if isinstance(row, Unreadable):
                decisions.append((record, row))
            else:
                decisions.append(_Decision(record, row.values, row.keys, row.phones))
        self.known.load([entry.keys for entry in decisions if isinstance(entry, _Decision)])
        accepted = []
        for decision in decisions:
            if not isinstance(decision, _Decision):
                record, (column, reason, conflict) = decision
                self._error(record, column, reason, conflict)
                continue
            try:
                self._decide(decision)
            except dedupe.Conflict as found:
                self._error(decision.record, reader.column(found.field), f"conflict: {found.reason}", True)
                continue
            except RowProblem as problem:
                self._error(decision.record, reader.column(problem.column), problem.reason, problem.conflict)
                continue
            accepted.append(decision)
            if decision.action == "create":
                self.report.created += 1
            elif decision.action == "update":
                self.report.updated += 1
            else:
                self.report.skipped += 1
        if self.writing:
            self._write(accepted)

    def _decide(self, decision: _Decision) -> None:
        keys = decision.keys
        earlier = self.seen.find(keys)
        if earlier is not None:
            state, key = earlier
            self._repeat(decision, state, key)
            return
        found = dedupe.match(keys, self.known)
        if found is not None:
            customer = found.customer
            if customer.id in self.claimed:
                self._repeat(decision, self.claimed[customer.id], found.by)
                return
            state = _State(dict(customer.details), set(customer.phone_keys), decision.record.line, customer.id)
            changes, new_phones = _changes(decision, state, found.by)
            decision.customer_id = customer.id
            decision.action = "update" if changes or new_phones else "skip"
            state.details.update(changes)
            state.phone_keys.update(k for _l, n in new_phones if (k := dedupe.phone_key(n)))
            self.claimed[customer.id] = state
            decision.state = state
            self.seen.add(keys, state)
            return
        else:
            if not decision.values.get("name"):
                raise RowProblem("name", "name: required for a new customer (give a name column, or first_name and last_name).")
            decision.action = "create"
            decision.state = _new_state(decision)
        self.seen.add(keys, decision.state)

    def _repeat(self, decision: _Decision, state: _State, key: str) -> None:
        """A row for a customer an earlier row of the file already stands for."""
        name = decision.values.get("name")
        if name and state.details.get("name") and not same_name(name, state.details["name"]):
            raise dedupe.Conflict("name", f"the same {key} as line {state.line}, which has the name "
                                  f"{state.details['name']!r}: two people, or one misspelt? Not merged.")
        probe = _Decision(decision.record, decision.values, decision.keys, decision.phones)
        changes, new_phones = _changes(probe, state, "email")
        if changes or new_phones:
            listed = ", ".join([*changes, *(["phone"] if new_phones else [])])
            raise RowProblem("", f"the same customer as line {state.line} (same {key}) with other details "
                             f"({listed}): merge the two rows, or leave one out.")
        decision.action = "skip"
        decision.customer_id = state.target
        decision.state = state

    # ------------------------------------------------------------------ writing

    def _write(self, decisions: list[_Decision]) -> None:
        batch_id = self.batch.id if self.batch is not None else None
        creates = [d for d in decisions if d.action == "create"]
        if creates:
            ids = self._insert_customers([self._customer_row(d, batch_id) for d in creates])
            phones: list[tuple[int, str, str, str | None, str]] = []
            for decision, customer_id in zip(creates, ids, strict=True):
                decision.customer_id = customer_id
                if decision.state is not None:
                    decision.state.target = customer_id
                phones.extend((customer_id, label, number.raw, number.e164, number.national_digits)
                              for label, number in decision.phones)
            bulk.insert_tuples(self.session, _phone, PHONE_COLUMNS, phones)
        for decision in decisions:
            if decision.action == "update":
                self._update(decision)
        keys = [
            {"batch_id": batch_id, "kind": "customer", "source_key": d.keys.source_key, "row_id": d.customer_id}
            for d in decisions if d.keys.source_key and d.customer_id is not None
        ]
        bulk.insert_rows(self.session, _key, keys)

    def _insert_customers(self, rows: list[tuple[Any, ...]]) -> list[int]:
        """Insert new customers; their ids in order.

        SQLite returns RETURNING rows in no promised order, so SQLAlchemy would insert
        one row per statement; instead the ids are given: this transaction holds the
        write lock, so ``max(id) + 1`` onwards is what SQLite would have chosen.
        """
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            first = (connection.execute(select(func.max(_customer.c.id))).scalar() or 0) + 1
            ids = list(range(first, first + len(rows)))
            bulk.insert_tuples(self.session, _customer, ("id", *CUSTOMER_COLUMNS),
                               [(customer_id, *row) for customer_id, row in zip(ids, rows, strict=True)])
            return ids
        statement = insert(_customer).returning(_customer.c.id, sort_by_parameter_order=True)
        return [row[0] for row in connection.execute(statement, [dict(zip(CUSTOMER_COLUMNS, row, strict=True)) for row in rows])]

    def _customer_row(self, decision: _Decision, batch_id: int | None) -> tuple[Any, ...]:
        """The values of a new customer, in :data:`CUSTOMER_COLUMNS` order."""
        get = decision.values.get
        return (
            decision.values["name"], get("name_spelling", ""), get("pronunciation", ""), get("email"),
            get("organisation", ""), get("department", ""), bool(get("is_vip", False)),
            list(get("caution_flags", ())), get("notes", ""), get("created_at") or self.now, self.now,
            get("external_id"), batch_id,
        )

    @staticmethod
    def _phone_row(customer_id: int, label: str, number: dedupe.Number) -> dict[str, Any]:
        return {"customer_id": customer_id, "label": label, "raw": number.raw, "e164": number.e164,
                "national_digits": number.national_digits}

    def _update(self, decision: _Decision) -> None:
        connection = self.session.connection()
        assert decision.customer_id is not None and decision.changes is not None and self.batch is not None
        connection.execute(
            update(_customer).where(_customer.c.id == decision.customer_id).values(**decision.changes, updated_at=self.now)
        )
        added: list[int] = []
        if decision.new_phones:
            statement = insert(_phone).returning(_phone.c.id, sort_by_parameter_order=True)
            rows = [self._phone_row(decision.customer_id, label, number) for label, number in decision.new_phones]
            added = [row[0] for row in connection.execute(statement, rows)]
        connection.execute(insert(_change).values(
            batch_id=self.batch.id, customer_id=decision.customer_id, previous=decision.previous,
            added_phones=added, stamped_at=self.now,
        ))
