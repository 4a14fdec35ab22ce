"""Customers: recording callers and finding them again while they talk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_
from sqlalchemy import select as core_select
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import Session, col, func, select

from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import OPEN_STATUSES, Call, Customer, CustomerCreate, CustomerPhone
from deskcli.models.typed import saved_id, table_of
from deskcli.services.actor import Actor
from deskcli.services.lookup import fts_sqlite, phones
from deskcli.services.lookup.email_rule import email_problem

ABUSIVE_HISTORY = "abusive_history"
"""Caution flag: this caller has been abusive before (seed 002: warning protocol)."""


def _required(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise RuleViolation(f"{field}: required, and was left empty.")
    return value


def _email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    problem = email_problem(value)
    if problem is not None:
        raise RuleViolation(f"email: {problem}.")
    return value


def create_customer(session: Session, data: CustomerCreate, by: Actor, *, region: str) -> Customer:
    """Record a new customer with their phone numbers (normalised for lookup)."""
    now = by.now()
    customer = Customer(
        **data.model_dump(exclude={"phones", "name", "email"}),
        name=_required(data.name, "name"),
        email=_email(data.email),
        created_at=now,
        updated_at=now,
    )
    session.add(customer)
    session.flush()
    for raw in data.phones:
        if raw.strip():
            add_phone(session, saved_id(customer), raw, region=region)
    return customer


def update_customer(
    session: Session, customer_id: int, by: Actor, *, region: str, phones: Sequence[str] | None = None, **changes: object
) -> Customer:
    """Change a customer's details; ``phones`` (a list) replaces their numbers."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist.")
    for field, value in changes.items():
        if field not in Customer.model_fields or field in {"id", "created_at", "updated_at"}:
            raise RuleViolation(f"{field}: not a customer field that can be changed.")
        if field == "name":
            value = _required(str(value), "name")
        if field == "email":
            value = _email(None if value is None else str(value))
        setattr(customer, field, value)
    if phones is not None:
        for phone in session.exec(select(CustomerPhone).where(CustomerPhone.customer_id == customer_id)):
            session.delete(phone)
        session.flush()
        for raw in phones:
            if str(raw).strip():
                add_phone(session, customer_id, str(raw), region=region)
    customer.updated_at = by.now()
    session.add(customer)
    return customer


def add_phone(session: Session, customer_id: int, raw: str, *, region: str, label: str = "") -> CustomerPhone:
    """Attach a phone number to a customer, kept as typed and normalised."""
    number = phones.normalise(raw, region)
    phone = CustomerPhone(
        customer_id=customer_id,
        label=label,
        raw=number.raw,
        e164=number.e164,
        national_digits=number.national_digits,
    )
    session.add(phone)
    return phone


@dataclass(frozen=True)
class CustomerMatch:
    """A lookup result: enough to pick the right caller before speaking."""

    id: int
    name: str
    organisation: str
    department: str
    email: str | None
    phone: str | None
    pronunciation: str
    is_vip: bool
    caution_flags: tuple[str, ...]


def _next_after(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix``; ``None`` when there is none.

    The last character is stepped to the next code point, skipping the surrogates
    (U+D800-U+DFFF cannot be stored as UTF-8); U+10FFFF has no next one, so it is
    dropped and the character before it is stepped instead. Code point order is the
    order of SQLite's binary collation of UTF-8 text, and of PostgreSQL's "C" collation.
    """
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            step = last + 1
            if 0xD800 <= step <= 0xDFFF:
                step = 0xE000
            return prefix[:-1] + chr(step)
        prefix = prefix[:-1]
    return None


def _storable(text: str) -> str:
    """``text`` with any lone surrogate (which has no UTF-8 form) replaced by U+FFFD."""
    if text.isascii():
        return text
    return "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)


def _prefix_range(column: SQLCoreOperations[str | None], prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as an index-friendly range on any database."""
    upper = _next_after(prefix)
    if upper is None:  # only U+10FFFF characters: everything from the prefix on
        return column >= prefix
    return (column >= prefix) & (column < upper)


# Lookup runs as the analyst types, so its statements are built once here (Core, with
# bound parameters: SQLAlchemy reuses the compiled SQL) and return plain rows: the
# customer's fields and their first phone number, no ORM entities.
_customer = table_of(Customer)
_phone = table_of(CustomerPhone)

_FIRST_PHONE = (
    select(_phone.c.raw)
    .where(_phone.c.customer_id == _customer.c.id)
    .order_by(_phone.c.id)
    .limit(1)
    .scalar_subquery()
    .label("phone")
)
"""The customer's first phone number (by id), through ``ix_customer_phone_customer``."""

_MATCH_FIELDS = (
    _customer.c.name, _customer.c.organisation, _customer.c.department, _customer.c.email,
    _customer.c.pronunciation, _customer.c.is_vip, _customer.c.caution_flags, _FIRST_PHONE,
)
"""What a :class:`CustomerMatch` shows, after the id, in the order :func:`_match` reads it."""

_BY_IDS = core_select(_customer.c.id, *_MATCH_FIELDS).where(_customer.c.id.in_(bindparam("ids", expanding=True)))
"""Customers with these ids (any order)."""

_FTS = fts_sqlite.customer_matches()
_BY_FTS = (
    core_select(_FTS.c.rowid, *_MATCH_FIELDS)
    .select_from(_FTS.outerjoin(_customer, _customer.c.id == _FTS.c.rowid))
    .order_by(_FTS.c.rowid.desc())
)
"""SQLite: FTS matches, newest first, with their customer (all ``None`` if the row is gone)."""


def _match(row: Sequence[Any]) -> CustomerMatch | None:
    """The read model of one ``_MATCH_FIELDS`` row; ``None`` when the customer row is missing."""
    customer_id, name, organisation, department, email, pronunciation, is_vip, flags, phone = row
    if name is None:  # name is NOT NULL: only an outer join's missing row has none
        return None
    return CustomerMatch(
        id=customer_id,
        name=name,
        organisation=organisation,
        department=department,
        email=email,
        phone=phone,
        pronunciation=pronunciation,
        is_vip=is_vip,
        caution_flags=tuple(flags or ()),
    )


def lookup(session: Session, query: str, *, region: str, limit: int = 20) -> list[CustomerMatch]:
    """Find customers by name, phone, e-mail or organisation as the analyst types.

    Every path uses an index (or the FTS5 index on SQLite); nothing scans the table
    into Python.
    """
    query = _storable(query.strip())
    if not query:
        return []
    if phones.looks_like_phone(query):
        return _matches(session, _ids_by_phone(session, query, region, limit)[:limit])
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return _matches(session, _ids_by_prefix(session, query, limit)[:limit])
    # Name matches first, then any other indexed field (each newest first): the FTS
    # search and the customer rows come in one statement per pass.
    rows: dict[int, Sequence[Any]] = {}
    for column in ("name", None):
        expression = fts_sqlite.match_expression(query, column=column)
        if expression is None:
            break
        for hit in connection.execute(_BY_FTS, {"fts_query": expression, "fts_limit": limit}):
            rows.setdefault(hit[0], hit)
        if len(rows) >= limit:
            break
    ids = list(rows)[:limit]
    if "@" in query and len(ids) < limit:
        extra = [i for i in _ids_by_email(session, query, limit) if i not in ids]
        if extra:
            ids += extra
            rows.update((hit[0], hit) for hit in connection.execute(_BY_IDS, {"ids": extra}))
    found = []
    for customer_id in ids[:limit]:
        row = rows.get(customer_id)
        match = _match(row) if row is not None else None
        if match is not None:
            found.append(match)
    return found


def _ids_by_phone(session: Session, query: str, region: str, limit: int) -> list[int]:
    prefix = phones.query_prefix(query, region)
    conditions = []
    if prefix.e164_prefix and len(prefix.e164_prefix) > 1:
        conditions.append(_prefix_range(col(CustomerPhone.e164), prefix.e164_prefix))
    if prefix.national_prefix:
        conditions.append(_prefix_range(col(CustomerPhone.national_digits), prefix.national_prefix))
    if not conditions:
        return []
    rows = session.exec(
        select(CustomerPhone.customer_id).where(or_(*conditions)).distinct().limit(limit)
    )
    return list(rows)


def _ids_by_email(session: Session, query: str, limit: int) -> list[int]:
    rows = session.exec(
        select(Customer.id).where(_prefix_range(col(Customer.email), query.lower())).limit(limit)
    )
    return [row for row in rows if row is not None]


def _ids_by_prefix(session: Session, query: str, limit: int) -> list[int]:
    """Portable lookup: name, organisation or e-mail starting with what was typed."""
    pattern = query.replace("%", r"\%").replace("_", r"\_") + "%"
    rows = session.exec(
        select(Customer.id)
        .where(
            or_(
                col(Customer.name).like(pattern, escape="\\"),
                col(Customer.organisation).like(pattern, escape="\\"),
                col(Customer.email).like(pattern, escape="\\"),
            )
        )
        .order_by(col(Customer.id).desc())
        .limit(limit)
    )
    return [row for row in rows if row is not None]


def _matches(session: Session, ids: list[int]) -> list[CustomerMatch]:
    """The customers with these ids, in this order (ids with no customer are left out)."""
    if not ids:
        return []
    rows = {row[0]: row for row in session.connection().execute(_BY_IDS, {"ids": ids})}
    found = []
    for customer_id in ids:
        row = rows.get(customer_id)
        match = _match(row) if row is not None else None  # never None here: no outer join
        if match is not None:
            found.append(match)
    return found


def get_customer(session: Session, customer_id: int) -> Customer:
    """The customer with this id, or :class:`NotFound`."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist.")
    return customer


def phones_of(session: Session, customer_id: int) -> list[CustomerPhone]:
    """A customer's phone numbers, in the order they were added."""
    return list(
        session.exec(
            select(CustomerPhone).where(CustomerPhone.customer_id == customer_id).order_by(col(CustomerPhone.id))
        )
    )


def open_call_count(session: Session, customer_id: int) -> int:
    """How many of the customer's calls are still open."""
    return session.exec(
        select(func.count())
        .select_from(Call)
        .where(Call.customer_id == customer_id, col(Call.status).in_(OPEN_STATUSES))
    ).one()
