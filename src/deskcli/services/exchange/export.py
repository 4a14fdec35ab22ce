"""``deskcli export customers|calls|events``: streamed out as CSV, JSON or JSON lines.

Rows are read a page at a time by id (``WHERE id > last ORDER BY id LIMIT n``, an
index range on any database), so the memory used is one page whatever the size of
the table, and nothing holds a read cursor open across pages. Column names are the
import's field names, so ``deskcli import`` takes an export back as it is: customers
first, then calls (their ``customer_deskcli_id`` finds the customers just imported).

Times are written in the office's zone with their UTC offset (exact, and readable in
a spreadsheet); lists (phone numbers, caution flags) are joined with ``"; "`` in CSV
and stay lists in JSON.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from deskcli.core.clock import as_utc
from deskcli.models import Analyst, Call, CallEvent, Customer, CustomerPhone
from deskcli.models.typed import table_of

PAGE = 2000
"""Rows read per query."""

LIST_SEPARATOR = "; "

CUSTOMER_COLUMNS = (
    "deskcli_id", "external_id", "name", "email", "phone", "mobile", "work_phone", "home_phone", "organisation",
    "department", "is_vip", "caution_flags", "notes", "name_spelling", "pronunciation", "created_at",
)
CALL_COLUMNS = (
    "reference", "external_id", "customer_deskcli_id", "customer_external_id", "customer_name", "customer_email",
    "customer_phone", "customer_organisation", "channel", "status", "priority", "category", "summary", "notes",
    "resolution", "instructions", "owner", "opened_at", "acknowledged_at", "resolved_at", "closed_at",
    "satisfaction", "satisfaction_comment",
)
EVENT_COLUMNS = ("event_id", "call_reference", "at", "actor", "kind", "payload")
COLUMNS = {"customers": CUSTOMER_COLUMNS, "calls": CALL_COLUMNS, "events": EVENT_COLUMNS}

_PHONE_COLUMN = {"": "phone", "mobile": "mobile", "work": "work_phone", "home": "home_phone"}

_customer = table_of(Customer)
_phone = table_of(CustomerPhone)
_call = table_of(Call)
_event = table_of(CallEvent)

Progress = Callable[[int], None]
Period = tuple[datetime | None, datetime | None]


def _time(value: datetime | None, zone: ZoneInfo) -> str | None:
    return as_utc(value).astimezone(zone).isoformat(timespec="seconds") if value is not None else None


def _pages(session: Session, statement: Any, id_column: Any) -> Iterator[Sequence[Any]]:
    """The rows of ``statement`` in pages by ``id_column``."""
    last = 0
    while True:
        rows = session.connection().execute(
            statement.where(id_column > last).order_by(id_column).limit(PAGE)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _within(statement: Any, column: Any, period: Period | None) -> Any:
    if period is None:
        return statement
    start, end = period
    if start is not None:
        statement = statement.where(column >= start)
    if end is not None:
        statement = statement.where(column < end)
    return statement


def customers(session: Session, zone: ZoneInfo, period: Period | None = None) -> Iterator[dict[str, Any]]:
    """Every customer (created in ``period``), with their phones by label."""
    c = _customer.c
    statement = _within(select(
        c.id, c.external_id, c.name, c.email, c.organisation, c.department, c.is_vip, c.caution_flags, c.notes,
        c.name_spelling, c.pronunciation, c.created_at,
    ), c.created_at, period)
    for page in _pages(session, statement, c.id):
        ids = [row[0] for row in page]
        phones: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for customer_id, label, raw in session.connection().execute(
            select(_phone.c.customer_id, _phone.c.label, _phone.c.raw)
            .where(_phone.c.customer_id.in_(ids)).order_by(_phone.c.id)
        ):
            phones[customer_id][_PHONE_COLUMN.get(label, "phone")].append(raw)
        for row in page:
            (customer_id, external, name, email, organisation, department, vip, flags, notes, spelling,
             pronunciation, created) = row
            numbers = phones.get(customer_id, {})
            yield {
                "deskcli_id": str(customer_id), "external_id": external, "name": name, "email": email,
                "phone": numbers.get("phone", []), "mobile": numbers.get("mobile", []),
                "work_phone": numbers.get("work_phone", []), "home_phone": numbers.get("home_phone", []),
                "organisation": organisation, "department": department, "is_vip": bool(vip),
                "caution_flags": list(flags or []), "notes": notes, "name_spelling": spelling,
                "pronunciation": pronunciation, "created_at": _time(created, zone),
            }


def calls(session: Session, zone: ZoneInfo, period: Period | None = None) -> Iterator[dict[str, Any]]:
    """Every call (opened in ``period``), with its caller."""
    c, k = _call.c, _customer.c
    first_phone = (
        select(_phone.c.raw).where(_phone.c.customer_id == k.id).order_by(_phone.c.id).limit(1).scalar_subquery()
    )
    statement = _within(
        select(
            c.id, c.reference, c.external_id, k.id, k.external_id, k.name, k.email, first_phone, k.organisation,
            c.channel, c.status, c.priority, c.category, c.summary, c.notes, c.resolution, c.instructions,
            c.actual_owner_label, c.opened_at, c.acknowledged_at, c.resolved_at, c.closed_at, c.satisfaction,
            c.satisfaction_comment,
        ).select_from(_call.join(_customer, _customer.c.id == c.customer_id)),
        c.opened_at, period,
    )
    for page in _pages(session, statement, c.id):
        for row in page:
            (_id, reference, external, customer_id, customer_external, name, email, phone, organisation, channel,
             status, priority, category, summary, notes, resolution, instructions, owner, opened, acknowledged,
             resolved, closed, satisfaction, comment) = row
            yield {
                "reference": reference, "external_id": external, "customer_deskcli_id": str(customer_id),
                "customer_external_id": customer_external, "customer_name": name, "customer_email": email,
                "customer_phone": phone, "customer_organisation": organisation, "channel": channel,
                "status": status, "priority": priority, "category": category, "summary": summary, "notes": notes,
                "resolution": resolution, "instructions": instructions, "owner": owner,
                "opened_at": _time(opened, zone), "acknowledged_at": _time(acknowledged, zone),
                "resolved_at": _time(resolved, zone), "closed_at": _time(closed, zone),
                "satisfaction": satisfaction, "satisfaction_comment": comment,
            }


def events(session: Session, zone: ZoneInfo, period: Period | None = None) -> Iterator[dict[str, Any]]:
    """Every timeline event (that happened in ``period``), oldest first."""
    handles = {analyst_id: handle for analyst_id, handle in session.connection().execute(
        select(table_of(Analyst).c.id, table_of(Analyst).c.handle)
    )}
    e = _event.c
    statement = _within(
        select(e.id, _call.c.reference, e.at, e.actor_id, e.kind, e.payload)
        .select_from(_event.join(_call, _call.c.id == e.call_id)),
        e.at, period,
    )
    for page in _pages(session, statement, e.id):
        for event_id, reference, at, actor_id, kind, payload in page:
            yield {
                "event_id": event_id, "call_reference": reference, "at": _time(at, zone),
                "actor": handles.get(actor_id, "") if actor_id is not None else "", "kind": kind,
                "payload": payload or {},
            }


SOURCES = {"customers": customers, "calls": calls, "events": events}


def _cell(value: Any) -> str:
    """A value as a CSV cell: lists joined, booleans yes/no, JSON for objects, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def write(rows: Iterator[dict[str, Any]], kind: str, fmt: str, out: TextIO, progress: Progress | None = None) -> int:
    """Write ``rows`` to ``out`` as ``csv``, ``json`` (one array) or ``jsonl``; how many rows."""
    columns = COLUMNS[kind]
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row[column]) for column in columns])
            count += 1
            if progress is not None and count % PAGE == 0:
                progress(count)
    elif fmt in ("json", "jsonl"):
        if fmt == "json":
            out.write("[")
        for row in rows:
            text = json.dumps({column: row[column] for column in columns}, ensure_ascii=False)
            if fmt == "json":
                out.write(("\n  " if count == 0 else ",\n  ") + text)
            else:
                out.write(text + "\n")
            count += 1
            if progress is not None and count % PAGE == 0:
                progress(count)
        if fmt == "json":
            out.write("\n]\n" if count else "]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    if progress is not None:
        progress(count)
    return count
