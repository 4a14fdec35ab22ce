"""The home queue: what this analyst must look at now.

Each list is one indexed query with a limit (pages, never whole tables), returning
plain read models the screens display as text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, or_
from sqlalchemy import select as core_select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from deskcli.core.clock import as_utc
from deskcli.models import OPEN_STATUSES, Call, Commitment, Customer, Escalation
from deskcli.models.typed import table_of
from deskcli.services.rules.policy import SlaPolicy
from deskcli.services.timekeeping.business_time import BusinessCalendar
from deskcli.store import rawsql

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


@dataclass(frozen=True)
class CallRow:
    """One call in a queue list."""

    id: int
    reference: str
    customer: str
    status: str
    stage: str
    summary: str
    priority: int | None
    opened_at: datetime
    actual_owner: str
    owners_differ: bool
    """True when someone else is working a call the customer believes this analyst has."""
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class RowNotes:
    """What the queue says about a call beyond its record: SLA, escalation age, next contact."""

    sla: str = ""
    sla_alarm: bool = False
    """Warning or breached: shown loudly."""
    escalated_days: int | None = None
    """Days since the latest escalation, when it is past the close target (seed 004: 30 days)."""
    next_contact: datetime | None = None
    """The soonest pending promise on the call."""


@dataclass(frozen=True)
class PromiseRow:
    """One pending promise in a queue list."""

    id: int
    call_id: int
    reference: str
    customer: str
    kind: str
    description: str
    due_at: datetime
    overdue: bool
    owed_by_id: int = 0
    contact_number: str = ""
    """The number to ring (a call-back's; may be empty for other promises)."""


# The lists below are read on every refresh of the home queue and of the follow-up
# list, so their cost is kept near that of the SQL itself:
#
# * each is one Core SELECT of just the columns its read model shows (no ORM
#   entities), built once here with bound parameters;
# * on SQLite it is compiled once and run on the session's own DBAPI connection,
#   inside the session's transaction: SQLAlchemy's per-execution and per-row work
#   (result objects, type processors) costs more than the query for a page of rows.
#   Elsewhere it runs through SQLAlchemy Core;
# * rows become read models through :func:`_maker`, not the frozen dataclass
#   ``__init__`` (which sets every field through ``object.__setattr__``).


_Row = TypeVar("_Row", bound="DataclassInstance")


def _maker(cls: type[_Row]) -> Callable[..., _Row]:
    """A keyword constructor for the frozen read model ``cls`` that fills its ``__dict__`` directly.

    It builds the same object ``cls(**fields)`` would (equal, same hash and repr), so
    it is used only for a plain dataclass: no ``__post_init__``, no slots, every field
    in ``__init__``; anything else gets ``cls`` itself. A call must name every field
    (the callers here do, and the tests compare with ``cls(...)``); one that gives
    fewer goes through ``cls`` so defaults apply.
    """
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or "__slots__" in vars(cls) or not all(field.init for field in fields):
        return cls
    count = len(fields)
    new = object.__new__

    def make(**values: Any) -> _Row:
        if len(values) != count:
            return cls(**values)
        instance: _Row = new(cls)
        instance.__dict__.update(values)
        return instance

    return make


_new_call_row = _maker(CallRow)
_new_promise_row = _maker(PromiseRow)

_fromisoformat = datetime.fromisoformat


def _utc_from_text(value: str | None) -> datetime | None:
    """A datetime column as SQLite stores it (text) read the way the models read it: aware, in UTC.

    The models store UTC without an offset; parsing it with ``+00:00`` appended gives
    the aware value in one step (``replace(tzinfo=...)`` costs several times more).
    Anything else (a value with its own offset, a bare date) takes the long way,
    which is what :class:`sqlmodel.sql.sqltypes.UTCDateTime` does.
    """
    if value is None:
        return None
    try:
        parsed = _fromisoformat(value + "+00:00")
        if parsed.tzinfo is UTC:
            return parsed
    except ValueError:
        pass
    parsed = _fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _as_read(value: datetime | None) -> datetime | None:
    """A datetime column SQLAlchemy has already read."""
    return value


class _ListQuery:
    """A read-only list statement, built once, run with as little around it as the database allows."""

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[tuple[str, Any, Any], ...]] | None] = {}

    def _for_sqlite(self, dialect: Any) -> tuple[str, tuple[tuple[str, Any, Any], ...]] | None:
        """The SQL and its positional parameters (name, bind processor, fixed value); ``None`` if not positional."""
        key = dialect.paramstyle
        if key not in self._compiled:
            compiled = self.statement.compile(dialect=dialect)
            names = compiled.positiontup
            binds = compiled.binds
            if not compiled.positional or names is None or any(binds[name].expanding for name in names):
                self._compiled[key] = None
            else:
                self._compiled[key] = (
                    compiled.string,
                    tuple(
                        (name, binds[name].type.dialect_impl(dialect).bind_processor(dialect), binds[name].value)
                        for name in names
                    ),
                )
        return self._compiled[key]

    def rows(self, session: Session, params: dict[str, Any]) -> tuple[Sequence[Sequence[Any]], Callable[[Any], datetime | None]]:
        """The rows (plain tuples, in the statement's column order) and how to read their datetime columns."""
        connection = session.connection()
        dialect = connection.dialect
        prepared = self._for_sqlite(dialect) if dialect.name == "sqlite" else None
        if prepared is None:
            return connection.execute(self.statement, params).all(), _as_read
        sql, binds = prepared
        args = tuple(
            (process(params[name]) if process else params[name])
            if name in params
            else (process(fixed) if process else fixed)
            for name, process, fixed in binds
        )
        try:
            cursor = rawsql.sqlite_connection(connection).execute(sql, args)
            return cursor.fetchall(), _utc_from_text
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc


_call = table_of(Call)
_customer = table_of(Customer)
_commitment = table_of(Commitment)

_OPEN = _call.c.status.in_([bindparam(f"open_{n}", status) for n, status in enumerate(OPEN_STATUSES)])
"""``status IN (...)`` with one fixed parameter per open status (nothing to expand per call)."""


def _call_list(*conditions: Any) -> _ListQuery:
    """Calls with their customer's name, newest first, one page (``:limit``, ``:offset``)."""
    c = _call.c
    return _ListQuery(
        core_select(
            c.id, c.reference, _customer.c.name, c.status, c.stage, c.summary, c.priority, c.opened_at,
            c.actual_owner_label, c.actual_owner_id, c.perceived_owner_id, c.acknowledged_at, c.closed_at,
        )
        .select_from(_call.join(_customer, _customer.c.id == c.customer_id))
        .where(*conditions)
        .order_by(c.opened_at.desc())
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


_MY_OPEN_CALLS = _call_list(_OPEN, _call.c.actual_owner_id == bindparam("me"))
_PERCEIVED_ELSEWHERE = _call_list(
    _OPEN,
    _call.c.perceived_owner_id == bindparam("me"),
    or_(_call.c.actual_owner_id.is_(None), _call.c.actual_owner_id != bindparam("me")),
)


def _call_rows(session: Session, query: _ListQuery, params: dict[str, Any]) -> list[CallRow]:
    rows, utc = query.rows(session, params)
    return [
        _new_call_row(
            id=id_,
            reference=reference,
            customer=name,
            status=status,
            stage=stage,
            summary=summary,
            priority=priority,
            opened_at=utc(opened_at),
            actual_owner=actual_owner_label,
            owners_differ=actual_owner_id != perceived_owner_id,
            acknowledged_at=utc(acknowledged_at),
            closed_at=utc(closed_at),
        )
        for (
            id_, reference, name, status, stage, summary, priority, opened_at,
            actual_owner_label, actual_owner_id, perceived_owner_id, acknowledged_at, closed_at,
        ) in rows
    ]


def my_open_calls(session: Session, analyst_id: int, *, limit: int = 50, offset: int = 0) -> list[CallRow]:
    """Open calls this analyst is working (actual owner), newest first."""
    return _call_rows(session, _MY_OPEN_CALLS, {"me": analyst_id, "limit": limit, "offset": offset})


def perceived_elsewhere(session: Session, analyst_id: int, *, limit: int = 50, offset: int = 0) -> list[CallRow]:
    """Calls the customer believes this analyst has, while someone else works them.

    The analyst must keep these customers informed until the call is closed.
    """
    return _call_rows(session, _PERCEIVED_ELSEWHERE, {"me": analyst_id, "limit": limit, "offset": offset})


def _pending_list(*conditions: Any, page: bool) -> _ListQuery:
    """Unsettled promises with their call's reference and customer, soonest first (``:limit``, ``:offset``)."""
    m = _commitment.c
    query = (
        core_select(
            m.id, m.call_id, _call.c.reference, _customer.c.name, m.kind, m.description, m.due_at, m.owed_by_id,
            m.contact_number,
        )
        .select_from(
            _commitment.join(_call, _call.c.id == m.call_id).join(_customer, _customer.c.id == _call.c.customer_id)
        )
        .where(m.outcome.is_(None), *conditions)
        .order_by(m.due_at)
    )
    if page:
        query = query.offset(bindparam("offset"))
    return _ListQuery(query.limit(bindparam("limit")))


_OWED_BY_ME = _commitment.c.owed_by_id == bindparam("me")
_DUE_BEFORE = _commitment.c.due_at < bindparam("until", type_=_commitment.c.due_at.type)
_PROMISES_DUE_MINE = _pending_list(_OWED_BY_ME, _DUE_BEFORE, page=False)
_PROMISES_DUE_ALL = _pending_list(_DUE_BEFORE, page=False)
_PENDING_PROMISES = _pending_list(_OWED_BY_ME, page=True)


def _promise_rows(session: Session, query: _ListQuery, params: dict[str, Any], now: datetime) -> list[PromiseRow]:
    rows, utc = query.rows(session, params)
    return [
        _new_promise_row(
            id=id_,
            call_id=call_id,
            reference=reference,
            customer=name,
            kind=kind,
            description=description,
            due_at=(due_at := utc(due)),
            overdue=due_at is not None and due_at < now,  # due_at is NOT NULL: never None
            owed_by_id=owed_by_id,
            contact_number=contact_number,
        )
        for id_, call_id, reference, name, kind, description, due, owed_by_id, contact_number in rows
    ]


def promises_due(session: Session, analyst_id: int | None, *, now: datetime, until: datetime, limit: int = 100) -> list[PromiseRow]:
    """Pending promises owed by this analyst (or anyone, for ``None``) due before ``until``, overdue first."""
    if analyst_id is None:
        return _promise_rows(session, _PROMISES_DUE_ALL, {"until": as_utc(until), "limit": limit}, as_utc(now))
    params = {"me": analyst_id, "until": as_utc(until), "limit": limit}
    return _promise_rows(session, _PROMISES_DUE_MINE, params, as_utc(now))


def count_promises_due(session: Session, analyst_id: int, *, until: datetime, overdue_at: datetime | None = None) -> int:
    """How many unsettled promises this analyst owes, due at or before ``until`` - all of
    them, not a page (one indexed count). With ``overdue_at``, only those due before it."""
    m = _commitment.c
    conditions = [m.outcome.is_(None), m.owed_by_id == analyst_id, m.due_at <= as_utc(until)]
    if overdue_at is not None:
        conditions.append(m.due_at < as_utc(overdue_at))
    statement = select(func.count()).select_from(_commitment).where(*conditions)
    return int(session.exec(statement).one())


def pending_promises(session: Session, analyst_id: int, *, now: datetime, limit: int = 50, offset: int = 0) -> list[PromiseRow]:
    """Every unsettled promise this analyst owes, soonest first, one page at a time."""
    params = {"me": analyst_id, "limit": limit, "offset": offset}
    return _promise_rows(session, _PENDING_PROMISES, params, as_utc(now))


def annotate(
    session: Session,
    rows: list[CallRow],
    *,
    now: datetime,
    sla_policy: SlaPolicy,
    close_target_days: int,
    zone: ZoneInfo,
    calendar: BusinessCalendar,
) -> dict[int, RowNotes]:
    """SLA state, escalation age and next promise for each listed call (three indexed queries)."""
    from deskcli.services.timekeeping import sla

    ids = [row.id for row in rows]
    if not ids:
        return {}
    clock = sla.clock_events(session, ids)
    latest_escalation = dict(
        session.exec(
            select(Escalation.call_id, func.max(Escalation.escalated_at))
            .where(col(Escalation.call_id).in_(ids))
            .group_by(col(Escalation.call_id))
        ).all()
    )
    next_promise = dict(
        session.exec(
            select(Commitment.call_id, func.min(Commitment.due_at))
            .where(col(Commitment.call_id).in_(ids), col(Commitment.outcome).is_(None))
            .group_by(col(Commitment.call_id))
        ).all()
    )
    notes = {}
    for row in rows:
        state = sla.state(
            opened_at=row.opened_at, priority=row.priority, acknowledged_at=row.acknowledged_at,
            closed_at=row.closed_at, pauses=sla.pauses_from_events(clock[row.id], sla_policy.pause_statuses),
            now=now, policy=sla_policy, zone=zone, calendar=calendar,
        )
        escalated = latest_escalation.get(row.id)
        if escalated is not None and escalated.tzinfo is None:
            escalated = escalated.replace(tzinfo=UTC)
        days = (now - escalated).days if escalated is not None else None
        due = next_promise.get(row.id)
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        notes[row.id] = RowNotes(
            sla=state.label() + ("" if row.priority else " (priority not set)"),
            sla_alarm=state.breached or state.warning,
            escalated_days=days if days is not None and days > close_target_days else None,
            next_contact=due,
        )
    return notes
