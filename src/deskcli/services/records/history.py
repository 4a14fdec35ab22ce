"""Call history: past calls found by any words of their record, filtered, newest first, paged.

Words are looked up in the call search index (SQLite FTS5, :mod:`.fts_calls_sqlite`;
other databases fall back to plain ``LIKE`` matching). Candidates are walked newest
first (by call id) a chunk at a time; each chunk is fetched with the filters applied
in SQL, except the SLA filter, which needs the business-hours clock and is worked
out for the fetched rows. A page never examines more than :data:`MAX_EXAMINED`
candidates: when the filters are very selective, the page says how far back it looked
and the next page carries on from there, so a search never hangs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, or_
from sqlmodel import Session, col, func, select

from deskcli.core.clock import as_utc
from deskcli.core.errors import RuleViolation
from deskcli.models import Analyst, Call, CallEvent, Customer, Escalation, EventKind
from deskcli.services.actor import Actor
from deskcli.services.records import fts_calls_sqlite
from deskcli.services.records.filters import FilterText, HistoryFilters, check_filters
from deskcli.services.rules.policy import Policies, SlaPolicy
from deskcli.services.timekeeping import sla
from deskcli.services.timekeeping.business_time import BusinessCalendar

if TYPE_CHECKING:
    from deskcli.store.db import Store

PAGE = 50
MAX_EXAMINED = 20_000
"""Candidates looked at for one page at most (then the page says how far back it got)."""

_CHUNKS = (PAGE, 400, 2_000, 5_000)

NO_WORDS = (
    "search: {typed!r} has no words to look for (letters or digits); "
    "quotes, *, brackets and other search syntax are not needed: type the words themselves."
)

_call = Call.__table__
_event = CallEvent.__table__
_customer = Customer.__table__
_analyst = Analyst.__table__
_escalation = Escalation.__table__


class HistoryRow(NamedTuple):
    """A past call in the history list (a named tuple: a page of them is built in microseconds)."""

    id: int
    reference: str
    opened_at: datetime
    customer: str
    analyst: str
    """Who took the call (the owner the customer knows)."""
    category: str | None
    status: str
    priority: int | None
    summary: str
    escalated: bool
    channel: str = "phone"
    """How the call came in (phone, email, face_to_face, chat, fax)."""


@dataclass(frozen=True)
class HistoryPage:
    """One page of results and where the next one starts."""

    rows: list[HistoryRow]
    next_before: int | None
    """Pass as ``before_id`` for the next page; ``None`` when nothing older can match."""
    examined: int
    """Candidates looked at for this page."""
    searched_to: str | None = None
    """When the page stopped early at :data:`MAX_EXAMINED`: the reference it got back to."""

    def describe(self) -> str:
        """``12 calls``, ``no calls found``, or how far an unfinished search got."""
        if self.searched_to is not None:
            return (
                f"{len(self.rows)} call(s) so far; searched back to {self.searched_to} "
                f"({self.examined:,} candidates): next page to go on, or narrow the search."
            )
        if not self.rows:
            return "No calls match."
        more = "; more on the next page" if self.next_before is not None else ""
        return f"{len(self.rows)} call(s){more}."


@dataclass(frozen=True)
class HistoryRequest:
    """What to look for."""

    text: str = ""
    filters: HistoryFilters = field(default_factory=HistoryFilters)
    before_id: int | None = None
    """Only calls with a smaller id (the next page); ``None`` for the first page."""
    limit: int = PAGE


def _columns() -> Select:
    c = _call.c
    escalated = exists().where(_event.c.call_id == c.id, _event.c.kind == EventKind.ESCALATED)
    return select(
        c.id, c.reference, c.opened_at, _customer.c.name, _analyst.c.name, c.category, c.status, c.priority,
        c.summary, escalated.label("escalated"), c.channel,
    ).select_from(
        _call.join(_customer, _customer.c.id == c.customer_id).outerjoin(_analyst, _analyst.c.id == c.perceived_owner_id)
    )


def _conditions(filters: HistoryFilters) -> list:
    """The filters SQL can apply (all but the SLA's)."""
    c = _call.c
    found: list = []
    if filters.period is not None:
        found += [c.opened_at >= filters.period.start, c.opened_at < filters.period.end]
    if filters.analyst_id is not None:
        found.append(c.perceived_owner_id == filters.analyst_id)
    if filters.customer_id is not None:
        found.append(c.customer_id == filters.customer_id)
    if filters.category is not None:
        found.append(c.category == filters.category)
    if filters.status is not None:
        found.append(c.status == filters.status)
    if filters.priority is not None:
        found.append(c.priority == filters.priority)
    if filters.escalated is not None:
        escalated = exists().where(_event.c.call_id == c.id, _event.c.kind == EventKind.ESCALATED)
        found.append(escalated if filters.escalated else ~escalated)
    if filters.promise is not None:
        outcomes = ["kept_on_time", "kept_late"] if filters.promise == "kept" else ["missed"]
        found.append(
            exists().where(
                _event.c.call_id == c.id,
                _event.c.kind == EventKind.COMMITMENT_RESOLVED,
                _event.c.payload["outcome"].as_string().in_(outcomes),
            )
        )
    return found


def _id_span(session: Session, filters: HistoryFilters) -> tuple[int, int] | None:
    """The smallest and largest id of the calls the period and customer allow (one index range scan)."""
    if filters.period is None and filters.customer_id is None:
        return None
    c = _call.c
    query = select(func.min(c.id), func.max(c.id))
    if filters.period is not None:
        query = query.where(c.opened_at >= filters.period.start, c.opened_at < filters.period.end)
    if filters.customer_id is not None:
        query = query.where(c.customer_id == filters.customer_id)
    low, high = session.connection().execute(query).one()
    return (-1, -1) if low is None else (low, high)


def uses_fts(connection) -> bool:
    """True where the call search index exists (SQLite); elsewhere words are matched with ``LIKE``."""
    return connection.dialect.name == "sqlite"


def _upper(before: int | None, span: tuple[int, int] | None) -> int | None:
    """The exclusive upper bound of the next candidates."""
    if span is None:
        return before
    return min(before, span[1] + 1) if before is not None else span[1] + 1


def _candidates(session: Session, words: list[str], expression: str | None, before: int | None, span, size: int) -> list[int]:
    """The next ``size`` candidate ids, newest first, below ``before`` and within ``span``."""
    connection = session.connection()
    upper = _upper(before, span)
    low = span[0] if span is not None else None
    if uses_fts(connection):
        if words:
            assert expression is not None
            found = fts_calls_sqlite.matching_ids(connection, expression, before_id=upper, limit=size)
            return [call_id for call_id in found if low is None or call_id >= low]
        return fts_calls_sqlite.plain_ids(connection, before_id=upper, low=low, limit=size)
    c = _call.c
    query = select(c.id).order_by(c.id.desc()).limit(size)
    if upper is not None:
        query = query.where(c.id < upper)
    if low is not None:
        query = query.where(c.id >= low)
    if words:
        query = query.select_from(_call.join(_customer, _customer.c.id == c.customer_id))
        for word in words:
            pattern = "%" + word.lower().replace("%", r"\%").replace("_", r"\_") + "%"
            fields = (c.summary, c.notes, c.resolution, _customer.c.name, _customer.c.organisation)
            handoff = exists().where(
                _escalation.c.call_id == c.id, func.lower(_escalation.c.handoff).like(pattern, escape="\\")
            )
            query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in fields), handoff))
    return [row[0] for row in connection.execute(query)]


_fromisoformat = datetime.fromisoformat


def _stored_utc(value: str | datetime) -> datetime:
    """A datetime column read raw from SQLite (UTC text without an offset), or one SQLAlchemy read."""
    if isinstance(value, datetime):
        return as_utc(value)
    return _fromisoformat(value + "+00:00")


def _fetch(session: Session, ids: list[int], filters: HistoryFilters) -> list[HistoryRow]:
    if not ids:
        return []
    connection = session.connection()
    if uses_fts(connection):
        rows = fts_calls_sqlite.fetch_rows(connection, ids, filters)
    else:
        query = _columns().where(_call.c.id.in_(ids), *_conditions(filters)).order_by(_call.c.id.desc())
        rows = connection.execute(query).all()
    return _history_rows(rows)


def _history_rows(rows: list) -> list[HistoryRow]:
    make = HistoryRow._make
    return [
        make((row[0], row[1], _stored_utc(row[2]), row[3], row[4] or "", row[5], row[6], row[7], row[8], bool(row[9]), row[10]))
        for row in rows
    ]


def _sla_kept(session: Session, rows: list[HistoryRow], wanted: str, sla_check: SlaCheck) -> list[HistoryRow]:
    """The rows whose SLA was breached (response or resolution, at close or now), or met
    (the call's clock has stopped and neither target was missed)."""
    if not rows:
        return rows
    loaded = {call.id: call for call in session.exec(select(Call).where(col(Call.id).in_([row.id for row in rows])))}
    timelines = sla.clock_events(session, list(loaded))
    kept = []
    for row in rows:
        call = loaded.get(row.id)
        if call is None:
            continue
        state = sla.state_of(call, timelines.get(row.id, []), sla_check.now, sla_check.policy, sla_check.zone, sla_check.calendar)
        breached = state.breached or state.response_breached
        # Met means kept to the end: an open call not late yet has not met its SLA.
        if (breached if wanted == "breached" else state.stopped and not breached):
            kept.append(row)
    return kept


@dataclass(frozen=True)
class SlaCheck:
    """What the SLA filter needs: the policy, the office's calendar and zone, and now."""

    policy: SlaPolicy
    calendar: BusinessCalendar
    zone: ZoneInfo
    now: datetime


def search(session: Session, request: HistoryRequest, *, sla_check: SlaCheck | None = None) -> HistoryPage:
    """One page of past calls matching the words and filters, newest first.

    Raises :class:`RuleViolation` when text was typed but holds no words, or when the
    SLA filter is asked for without ``sla_check``.
    """
    words = fts_calls_sqlite.words(request.text)
    if request.text.strip() and not words:
        raise RuleViolation(NO_WORDS.format(typed=request.text.strip()))
    filters = request.filters
    if filters.sla is not None and sla_check is None:
        raise RuleViolation("sla: the SLA filter needs the SLA policy.")
    expression = fts_calls_sqlite.match_expression(request.text) if words else None
    span = _id_span(session, filters)
    if span == (-1, -1):
        return HistoryPage([], None, 0)
    filtered = bool(filters.described)
    limit = max(1, request.limit)
    connection = session.connection()
    if not filtered and uses_fts(connection):
        # Every match is a row: one statement, as fast as the SQL itself.
        found = _history_rows(
            fts_calls_sqlite.unfiltered_rows(connection, expression, before_id=request.before_id, limit=limit + 1)
        )
        more = len(found) > limit
        return HistoryPage(found[:limit], found[limit - 1].id if more else None, len(found[:limit]))
    rows: list[HistoryRow] = []
    before = request.before_id
    examined = 0
    step = 0
    while len(rows) < limit and examined < MAX_EXAMINED:
        size = min(_CHUNKS[min(step, len(_CHUNKS) - 1)], MAX_EXAMINED - examined)
        if not filtered:
            size = min(size, limit - len(rows))  # no filter: every candidate is a row
        ids = _candidates(session, words, expression, before, span, size)
        step += 1
        if not ids:
            return HistoryPage(rows, None, examined)
        examined += len(ids)
        found = _fetch(session, ids, filters)
        if filters.sla is not None:
            assert sla_check is not None
            found = _sla_kept(session, found, filters.sla, sla_check)
        for row in found:
            if len(rows) == limit:
                return HistoryPage(rows, rows[-1].id, examined)
            rows.append(row)
        before = ids[-1]
        if len(ids) < size:
            return HistoryPage(rows, None, examined)
    if len(rows) == limit:
        return HistoryPage(rows, rows[-1].id, examined)
    stopped = session.get(Call, before) if before is not None else None
    return HistoryPage(rows, before, examined, searched_to=stopped.reference if stopped else None)


def search_history(
    store: Store, by: Actor, request: HistoryRequest, *, policy: SlaPolicy, calendar: BusinessCalendar, zone: ZoneInfo
) -> HistoryPage:
    """The use case: one page of history, in its own read transaction, with the SLA judged at ``by``'s now."""
    check = SlaCheck(policy, calendar, zone, by.now())
    with store.read() as session:
        return search(session, request, sla_check=check)


@dataclass(frozen=True)
class HistoryQuery:
    """A history search as typed: words, the filters as written, and the page."""

    text: str = ""
    filters: FilterText = field(default_factory=FilterText)
    before_id: int | None = None
    limit: int = PAGE


@dataclass(frozen=True)
class HistoryResult:
    """The checked filters (to say what the list shows) and the page."""

    filters: HistoryFilters
    page: HistoryPage


def find_calls(
    store: Store, by: Actor, query: HistoryQuery, *, policies: Policies, calendar: BusinessCalendar, zone: ZoneInfo,
    region: str,
) -> HistoryResult:
    """The use case behind the history screen: check the typed filters and search, in one read transaction."""
    now = by.now()
    with store.read() as session:
        filters = check_filters(session, query.filters, policies=policies, now=now, zone=zone, region=region)
        page = search(
            session, HistoryRequest(query.text, filters, query.before_id, query.limit),
            sla_check=SlaCheck(policies.sla, calendar, zone, now),
        )
    return HistoryResult(filters, page)
