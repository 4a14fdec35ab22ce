"""Which customer a row stands for: external id, then e-mail, then phone.

* **External id** (the other system's id; for a deskcli export, its ``deskcli_id``
  remembered by an earlier import) decides alone: the row *is* that customer.
* **E-mail** (ignoring case) matches only a customer of the same name: one e-mail with
  two different names is a conflict, reported and never merged or overwritten.
* **Phone** (normalised as the lookup does: E.164, else national digits) matches only a
  customer of the same name: offices share switchboard and family numbers, so a
  different name on a known number is another person.

:class:`Known` asks the database for a chunk of rows at a time (a few ``IN`` queries
per thousand rows); :class:`Seen` remembers the keys of the file's own earlier rows,
so the file cannot contradict itself either.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import Column, func, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from deskcli.models import Customer, CustomerPhone, ImportBatch, ImportKey
from deskcli.models.typed import table_of
from deskcli.services.exchange.values import name_key
from deskcli.services.lookup.phones import normalise
from deskcli.store import rawsql

_customer = table_of(Customer)
_phone = table_of(CustomerPhone)
_key = table_of(ImportKey)
_batch = table_of(ImportBatch)

CHUNK = 500
"""Keys per ``IN (...)`` query (well under SQLite's 32,766 variables)."""

DETAIL_FIELDS = ("name", "email", "organisation", "department", "is_vip", "caution_flags", "notes",
                 "name_spelling", "pronunciation", "external_id")


class Number(NamedTuple):
    """A phone number as written and normalised (what :func:`~deskcli.services.lookup.phones.normalise`
    gives, as a tuple: 135,000 of them are made in a big import)."""

    raw: str
    e164: str | None
    national_digits: str


def phone_key(number: Number) -> str | None:
    """What two numbers must share to be one: the E.164 form, else the national digits (6 or more)."""
    if number.e164:
        return number.e164
    return f"n:{number.national_digits}" if len(number.national_digits) >= 6 else None


@dataclass
class KnownCustomer:
    """A customer on record, as the import compares it."""

    id: int
    name: str
    email: str | None
    external_id: str | None
    details: dict[str, Any]
    phone_keys: set[str] = field(default_factory=set)


class RowKeys(NamedTuple):
    """The identifying keys of one row (a tuple: one is made per row)."""

    external_id: str | None
    source_key: str | None
    email: str | None
    """Case-folded."""
    phones: tuple[str, ...]
    name: str | None
    """:func:`name_key` of the name."""


class Phones:
    """Normalises phone numbers, each distinct one once (office numbers recur across rows)."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._cache: dict[str, Number] = {}

    def __call__(self, raw: str) -> Number:
        found = self._cache.get(raw)
        if found is None:
            number = normalise(raw, self.region)
            found = Number(number.raw, number.e164, number.national_digits)
            if len(self._cache) < 10_000:
                self._cache[raw] = found
        return found


_Item = TypeVar("_Item")


def _chunks(items: list[_Item]) -> Iterable[list[_Item]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


class Known:
    """The customers on record that a chunk of rows may stand for (one database read per chunk)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.connection().dialect.name == "sqlite"
        self.by_external: dict[str, int] = {}
        self.by_source: dict[str, int] = {}
        self.by_email: dict[str, list[int]] = defaultdict(list)
        self.by_phone: dict[str, list[int]] = defaultdict(list)
        self.customers: dict[int, KnownCustomer] = {}

    def _select_in(self, columns: tuple[Column[Any], ...], column: Column[Any], values: list[Any]) -> list[Sequence[Any]]:
        """``SELECT columns WHERE column IN values``, a chunk of values at a time.

        On SQLite straight through the driver: for a thousand rows' keys SQLAlchemy's
        expansion of the IN lists cost ten times the queries.
        """
        connection = self.session.connection()
        found: list[Sequence[Any]] = []
        for part in _chunks(values):
            if self.sqlite:
                sql = (f'SELECT {", ".join(c.name for c in columns)} FROM "{column.table.name}" '
                       f'WHERE {column.name} IN ({", ".join("?" * len(part))}) ORDER BY 1')
                try:
                    found.extend(rawsql.sqlite_connection(connection).execute(sql, part).fetchall())
                except connection.dialect.loaded_dbapi.Error as exc:
                    error = connection.dialect.loaded_dbapi.Error
                    raise DBAPIError.instance(sql, None, exc, error, dialect=connection.dialect) from exc
            else:
                found.extend(connection.execute(select(*columns).where(column.in_(part)).order_by(columns[0])).all())
        return found

    def load(self, keys: list[RowKeys]) -> None:
        """Read what the database holds for these rows' keys (replacing the previous chunk's)."""
        self.by_external.clear()
        self.by_source.clear()
        self.by_email.clear()
        self.by_phone.clear()
        self.customers.clear()
        externals = sorted({k.external_id for k in keys if k.external_id})
        sources = sorted({k.source_key for k in keys if k.source_key})
        emails = sorted({k.email for k in keys if k.email})
        phones = sorted({p for k in keys for p in k.phones})
        ids: set[int] = set()
        c = _customer.c
        for customer_id, external in self._select_in((c.id, c.external_id), c.external_id, externals):
            self.by_external.setdefault(external, customer_id)
            ids.add(customer_id)
        if sources:
            self._load_sources(sources)
        if self.sqlite:
            email_rows = self._select_in((c.id, c.email), c.email, emails)  # NOCASE column: ignores case
        else:
            email_rows = [
                row for part in _chunks(emails)
                for row in self.session.connection().execute(
                    select(c.id, c.email).where(func.lower(c.email).in_(part)).order_by(c.id)
                ).all()
            ]
        for customer_id, email in email_rows:
            self.by_email[email.casefold()].append(customer_id)
            ids.add(customer_id)
        p = _phone.c
        e164 = [key for key in phones if not key.startswith("n:")]
        national = [key[2:] for key in phones if key.startswith("n:")]
        for column, values, prefix in ((p.e164, e164, ""), (p.national_digits, national, "n:")):
            for customer_id, value in self._select_in((p.customer_id, column), column, values):
                self.by_phone[prefix + value].append(customer_id)
                ids.add(customer_id)
        ids.update(self.by_source.values())
        self._load_customers(sorted(ids))

    def _load_sources(self, sources: list[str]) -> None:
        connection = self.session.connection()
        for part in _chunks(sources):
            rows = connection.execute(
                select(_key.c.source_key, _key.c.row_id)
                .select_from(_key.join(_batch, _batch.c.id == _key.c.batch_id))
                .where(_key.c.kind == "customer", _key.c.source_key.in_(part), _batch.c.undone_at.is_(None))
                .order_by(_key.c.id)
            )
            for source, row_id in rows:
                self.by_source[source] = row_id  # the latest import wins

    def _load_customers(self, ids: list[int]) -> None:
        if not ids:
            return
        c = _customer.c
        columns = (c.id, *(getattr(c, name) for name in DETAIL_FIELDS))
        for row in self._select_in(columns, c.id, ids):
            details = dict(zip(DETAIL_FIELDS, row[1:], strict=True))
            flags = details["caution_flags"]
            details["caution_flags"] = list((json.loads(flags) if isinstance(flags, str) else flags) or [])
            details["is_vip"] = bool(details["is_vip"])
            self.customers[row[0]] = KnownCustomer(row[0], details["name"], details["email"],
                                                   details["external_id"], details)
        p = _phone.c
        for customer_id, e164, national in self._select_in((p.customer_id, p.e164, p.national_digits),
                                                           p.customer_id, ids):
            known = self.customers.get(customer_id)
            if known is not None and (key := phone_key(Number("", e164, national))):
                known.phone_keys.add(key)


_Kept = TypeVar("_Kept")


class Seen(Generic[_Kept]):
    """The keys of the rows already accepted from this file, each with what the import keeps of it."""

    def __init__(self) -> None:
        self.by_external: dict[str, _Kept] = {}
        self.by_source: dict[str, _Kept] = {}
        self.by_email: dict[str, _Kept] = {}
        self.by_phone: dict[str, list[tuple[str | None, _Kept]]] = defaultdict(list)

    def find(self, keys: RowKeys) -> tuple[_Kept, str] | None:
        """What was kept of an earlier row that is the same customer, and the key that says so."""
        if keys.external_id and keys.external_id in self.by_external:
            return self.by_external[keys.external_id], "external_id"
        if keys.source_key and keys.source_key in self.by_source:
            return self.by_source[keys.source_key], "deskcli_id"
        if keys.email and keys.email in self.by_email:
            return self.by_email[keys.email], "email"
        if keys.name:
            for phone in keys.phones:
                for name, kept in self.by_phone.get(phone, ()):
                    if name == keys.name:
                        return kept, "phone"
        return None

    def add(self, keys: RowKeys, kept: _Kept) -> None:
        """Remember an accepted row under each of its keys."""
        if keys.external_id:
            self.by_external.setdefault(keys.external_id, kept)
        if keys.source_key:
            self.by_source.setdefault(keys.source_key, kept)
        if keys.email:
            self.by_email.setdefault(keys.email, kept)
        for phone in keys.phones:
            self.by_phone[phone].append((keys.name, kept))


_KEY_FIELDS = {
    prefix: tuple(prefix + name for name in ("external_id", "deskcli_id", "email", "name"))
    for prefix in ("", "customer_")
}


def row_keys(values: dict[str, Any], phones: list[Number], *, prefix: str = "") -> RowKeys:
    """The keys of a row's values (``prefix`` is ``customer_`` in a calls file)."""
    external, source, email_field, name_field = _KEY_FIELDS[prefix]
    get = values.get
    email = get(email_field)
    name = get(name_field)
    if len(phones) == 1:
        key = phone_key(phones[0])
        numbers: tuple[str, ...] = (key,) if key else ()
    else:
        numbers = tuple({key for number in phones if (key := phone_key(number))})
    return RowKeys(get(external), get(source), email.casefold() if email else None, numbers,
                   name_key(name) if name else None)


class Conflict(Exception):
    """A row that looks like a customer on record but disagrees with it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Match:
    """The customer on record a row stands for, and which key said so."""

    customer: KnownCustomer
    by: str


def _label(customer: KnownCustomer) -> str:
    return f"customer {customer.id} ({customer.name!r})"


def match(keys: RowKeys, known: Known, *, prefix: str = "") -> Match | None:
    """The customer on record for these keys (see the module notes), or ``None``; :class:`Conflict` when they disagree."""
    if not (
        (keys.external_id and keys.external_id in known.by_external)
        or (keys.source_key and keys.source_key in known.by_source)
        or (keys.email and keys.email in known.by_email)
        or any(phone in known.by_phone for phone in keys.phones)
    ):
        return None  # nothing on record shares a key: the usual case for a new customer
    email_owners = [known.customers[i] for i in known.by_email.get(keys.email or "", ()) if i in known.customers]
    for key_name, table, value in (
        ("external_id", known.by_external, keys.external_id),
        ("deskcli_id", known.by_source, keys.source_key),
    ):
        customer_id = table.get(value) if value else None
        if customer_id is None or customer_id not in known.customers:
            continue
        customer = known.customers[customer_id]
        others = [owner for owner in email_owners if owner.id != customer.id]
        if others and (customer.email or "").casefold() != keys.email:
            raise Conflict(prefix + "email", f"{keys.email} is the e-mail of {_label(others[0])}, but the "
                           f"{key_name} {value!r} is {_label(customer)}: not merged.")
        return Match(customer, key_name)
    if email_owners:
        same = [owner for owner in email_owners if keys.name is None or name_key(owner.name) == keys.name]
        if not same:
            raise Conflict(prefix + "name", f"{keys.email} is the e-mail of {_label(email_owners[0])}, "
                           "a different name: two people, or one misspelt? Not merged.")
        customer = same[0]
        if keys.external_id and customer.external_id and customer.external_id != keys.external_id:
            raise Conflict(prefix + "external_id", f"{keys.email} is the e-mail of {_label(customer)}, whose "
                           f"external id is {customer.external_id!r}, not {keys.external_id!r}: not merged.")
        return Match(customer, "email")
    if keys.name:
        for phone in keys.phones:
            for customer_id in known.by_phone.get(phone, ()):
                candidate = known.customers.get(customer_id)
                if candidate is not None and name_key(candidate.name) == keys.name:
                    return Match(candidate, "phone")
    return None
