"""The history filters as typed (command line, filter fields) made into checked values.

Every unknown value is refused with a message naming the filter and what it may be,
so nobody stares at an empty list wondering whether the filter was understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from deskcli.core.enums import CallStatus
from deskcli.core.errors import RuleViolation
from deskcli.models import Analyst, Customer
from deskcli.services.lookup import customers
from deskcli.services.reports.period import Period, parse_period
from deskcli.services.rules.policy import Policies

YES_NO = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
SLA_VALUES = ("met", "breached")
PROMISE_VALUES = ("kept", "missed")


@dataclass(frozen=True)
class FilterText:
    """The filters as typed; empty means "any"."""

    period: str = ""
    analyst: str = ""
    """A handle or a full name."""
    customer: str = ""
    """Words of the customer's name, organisation or e-mail, or ``#id``."""
    category: str = ""
    status: str = ""
    priority: str = ""
    escalated: str = ""
    """``yes`` or ``no``."""
    sla: str = ""
    """``met`` or ``breached``."""
    promise: str = ""
    """``kept`` or ``missed``."""


@dataclass(frozen=True)
class HistoryFilters:
    """Checked filters; ``None`` means "any"."""

    period: Period | None = None
    analyst_id: int | None = None
    customer_id: int | None = None
    category: str | None = None
    status: str | None = None
    priority: int | None = None
    escalated: bool | None = None
    sla: str | None = None
    promise: str | None = None
    described: tuple[str, ...] = field(default=(), compare=False)
    """The filters in words (``analyst Ann Jones``), to say what a list shows."""

    @property
    def any(self) -> bool:
        """True when at least one filter is set."""
        return bool(self.described)


def _choice(name: str, value: str, allowed: list[str] | tuple[str, ...]) -> str:
    wanted = value.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted not in allowed:
        raise RuleViolation(f"{name}: {value.strip()!r} is not known; expected one of {', '.join(allowed)}.")
    return wanted


def find_analyst(session: Session, text: str) -> Analyst:
    """The analyst with this handle or full name (case-insensitive), or a message listing the known ones."""
    wanted = text.strip()
    found = session.exec(select(Analyst).where(Analyst.handle == wanted)).first()
    if found is None:
        found = session.exec(select(Analyst).where(func.lower(Analyst.name) == wanted.lower())).first()
    if found is None:
        known = session.exec(select(Analyst.handle).order_by(Analyst.handle).limit(12)).all()
        listed = ", ".join(known) if known else "none on record"
        raise RuleViolation(f"analyst: no analyst is called {wanted!r}; known handles: {listed}.")
    return found


def find_customer(session: Session, text: str, *, region: str) -> Customer:
    """One customer: ``#id``, or words that match exactly one customer."""
    wanted = text.strip()
    if wanted.lstrip("#").isdigit():
        customer = session.get(Customer, int(wanted.lstrip("#")))
        if customer is None:
            raise RuleViolation(f"customer: there is no customer #{wanted.lstrip('#')}.")
        return customer
    matches = customers.lookup(session, wanted, region=region, limit=6)
    if not matches:
        raise RuleViolation(f"customer: no customer matches {wanted!r}.")
    exact = [match for match in matches if match.name.lower() == wanted.lower()]
    if len(matches) > 1 and len(exact) != 1:
        shown = ", ".join(f"{match.name} (#{match.id})" for match in matches[:5])
        raise RuleViolation(
            f"customer: {wanted!r} matches more than one customer ({shown}{', …' if len(matches) > 5 else ''}); "
            "type more of the name, or #id."
        )
    chosen = exact[0] if exact else matches[0]
    customer = session.get(Customer, chosen.id)
    assert customer is not None
    return customer


def check_filters(
    session: Session, typed: FilterText, *, policies: Policies, now: datetime, zone: ZoneInfo, region: str
) -> HistoryFilters:
    """Turn typed filters into checked ones; a :class:`RuleViolation` names the first bad one."""
    values: dict[str, object] = {}
    said: list[str] = []
    if typed.period.strip():
        period = parse_period(typed.period, now=now, zone=zone)
        values["period"] = period
        said.append(period.label)
    if typed.analyst.strip():
        analyst = find_analyst(session, typed.analyst)
        values["analyst_id"] = analyst.id
        said.append(f"analyst {analyst.name}")
    if typed.customer.strip():
        customer = find_customer(session, typed.customer, region=region)
        values["customer_id"] = customer.id
        said.append(f"customer {customer.name}")
    if typed.category.strip():
        keys = [category.key for category in policies.categories.categories]
        values["category"] = _choice("category", typed.category, keys)
        said.append(f"category {values['category']}")
    if typed.status.strip():
        values["status"] = _choice("status", typed.status, [status.value for status in CallStatus])
        said.append(f"status {values['status']}")
    if typed.priority.strip():
        raw = typed.priority.strip().upper().removeprefix("P")
        if raw not in {"1", "2", "3", "4"}:
            raise RuleViolation(f"priority: {typed.priority.strip()!r} is not a priority; expected 1, 2, 3 or 4 (or P1-P4).")
        values["priority"] = int(raw)
        said.append(f"P{raw}")
    if typed.escalated.strip():
        answer = typed.escalated.strip().lower()
        if answer not in YES_NO:
            raise RuleViolation(f"escalated: {typed.escalated.strip()!r}: expected yes or no.")
        values["escalated"] = YES_NO[answer]
        said.append("escalated" if YES_NO[answer] else "not escalated")
    if typed.sla.strip():
        values["sla"] = _choice("sla", typed.sla, SLA_VALUES)
        said.append(f"SLA {values['sla']}")
    if typed.promise.strip():
        values["promise"] = _choice("promise", typed.promise, PROMISE_VALUES)
        said.append(f"a promise {values['promise']}")
    return HistoryFilters(**values, described=tuple(said))  # type: ignore[arg-type]


FILTER_NAMES = tuple(FilterText.__dataclass_fields__)
"""The filters, as written in a filter line (``period:month analyst:ajones``)."""

_TOKEN = re.compile(r'(\S+?):("([^"]*)"|\S*)|(\S+)')


def parse_filter_line(line: str) -> FilterText:
    """Filters written as ``name:value`` (a value with spaces in double quotes): ``period:month customer:"Ann Lee"``."""
    values: dict[str, str] = {}
    for match in _TOKEN.finditer(line.strip()):
        name, raw, quoted, loose = match.group(1), match.group(2), match.group(3), match.group(4)
        if loose is not None:
            raise RuleViolation(f"filters: {loose!r} is not name:value; for example period:month or escalated:yes.")
        name = name.lower()
        if name not in FILTER_NAMES:
            raise RuleViolation(f"filters: {name!r} is not a filter; expected one of {', '.join(FILTER_NAMES)}.")
        value = quoted if quoted is not None else raw
        if not value.strip():
            raise RuleViolation(f"filters: {name} has no value (write {name}:VALUE).")
        values[name] = value
    return FilterText(**values)
