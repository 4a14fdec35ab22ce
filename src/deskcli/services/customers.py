"""Customers: recording callers and finding them again while they talk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from deskcli.errors import NotFound, RuleViolation
from deskcli.models import OPEN_STATUSES, Call, Customer, CustomerCreate, CustomerPhone
from deskcli.services import fts_sqlite, phones
from deskcli.services.actor import Actor

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
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise RuleViolation(f"email: {value!r} is not an e-mail address (expected name@example.org).")
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
            add_phone(session, customer.id, raw, region=region)
    return customer


def update_customer(session: Session, customer_id: int, by: Actor, *, region: str, **changes: object) -> Customer:
    """Change a customer's details; ``phones`` (a list) replaces their numbers."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist.")
    new_phones = changes.pop("phones", None)
    for field, value in changes.items():
        if field not in Customer.model_fields or field in {"id", "created_at", "updated_at"}:
            raise RuleViolation(f"{field}: not a customer field that can be changed.")
        if field == "name":
            value = _required(str(value), "name")
        if field == "email":
            value = _email(value)  # type: ignore[arg-type]
        setattr(customer, field, value)
    if new_phones is not None:
        for phone in session.exec(select(CustomerPhone).where(CustomerPhone.customer_id == customer_id)):
            session.delete(phone)
        session.flush()
        for raw in new_phones:  # type: ignore[union-attr]
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


def _prefix_range(column, prefix: str):  # noqa: ANN001, ANN202
    """``column`` starts with ``prefix``, as an index-friendly range on any database."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (column >= prefix) & (column < upper)


def lookup(session: Session, query: str, *, region: str, limit: int = 20) -> list[CustomerMatch]:
    """Find customers by name, phone, e-mail or organisation as the analyst types.

    Every path uses an index (or the FTS5 index on SQLite); nothing scans the table
    into Python.
    """
    query = query.strip()
    if not query:
        return []
    if phones.looks_like_phone(query):
        ids = _ids_by_phone(session, query, region, limit)
    elif session.get_bind().dialect.name == "sqlite":
        ids = fts_sqlite.customer_ids(session, query, limit)
        if "@" in query and len(ids) < limit:
            ids += [i for i in _ids_by_email(session, query, limit) if i not in ids]
    else:
        ids = _ids_by_prefix(session, query, limit)
    return _matches(session, ids[:limit])


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
    if not ids:
        return []
    customers = {c.id: c for c in session.exec(select(Customer).where(col(Customer.id).in_(ids)))}
    first_phone: dict[int, str] = {}
    for phone in session.exec(
        select(CustomerPhone).where(col(CustomerPhone.customer_id).in_(ids)).order_by(col(CustomerPhone.id))
    ):
        first_phone.setdefault(phone.customer_id, phone.raw)
    result = []
    for customer_id in ids:
        customer = customers.get(customer_id)
        if customer is None:
            continue
        result.append(
            CustomerMatch(
                id=customer_id,
                name=customer.name,
                organisation=customer.organisation,
                department=customer.department,
                email=customer.email,
                phone=first_phone.get(customer_id),
                pronunciation=customer.pronunciation,
                is_vip=customer.is_vip,
                caution_flags=tuple(customer.caution_flags or ()),
            )
        )
    return result


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
