"""What a scorecard reads about a practice call, and the shapes of its results.

The facts are loaded once (:func:`load_facts`: the scored events since the practice
began, its escalations and their promises) and read by every check in
:mod:`deskcli.services.training.score_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.clock import as_utc
from deskcli.core.errors import RuleViolation
from deskcli.models import (
    Analyst,
    Call,
    CallEvent,
    Commitment,
    CommitmentKind,
    Customer,
    Escalation,
    EventKind,
)
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.rules.policy import Policies
from deskcli.services.training.scenarios import Expected

Result = Literal["pass", "fail", "n/a"]

PASS: Result = "pass"
FAIL: Result = "fail"
NOT_APPLICABLE: Result = "n/a"


@dataclass(frozen=True)
class ScoreItem:
    """One item of the scorecard and why it came out as it did."""

    key: str
    label: str
    result: Result
    why: str


@dataclass(frozen=True)
class ScoreResult:
    """Every item checked, in order, and the tally."""

    items: tuple[ScoreItem, ...]
    passed: int
    applicable: int
    """Items that applied to this call (not ``n/a``)."""

    @property
    def score(self) -> float:
        """``passed / applicable`` (1.0 when nothing applied: nothing was done wrong)."""
        return self.passed / self.applicable if self.applicable else 1.0

    @property
    def score_text(self) -> str:
        """``"12/14"``."""
        return score_text(self.passed, self.applicable)

    def item(self, key: str) -> ScoreItem:
        """The item with this key (``KeyError`` when there is none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def failed(self) -> list[str]:
        """Keys of the failed items, in order."""
        return [item.key for item in self.items if item.result == FAIL]


def score_text(passed: int, applicable: int) -> str:
    """The score as a trainer writes it: ``"12/14"``."""
    return f"{passed}/{applicable}"


# --- what the checks read ------------------------------------------------------------

# Only these kinds matter to the score. Loading just them skips the notes autosave
# entries, which can be hundreds on one call.
_SCORED_KINDS = (
    EventKind.GREETED,
    EventKind.NAME_CONFIRMED,
    EventKind.ACKNOWLEDGED,
    EventKind.APOLOGISED,
    EventKind.ARTICLE_USED,
    EventKind.RESOLVED,
    EventKind.ESCALATED,
    EventKind.HOLD_STARTED,
    EventKind.HOLD_ENDED,
    EventKind.WARNING_GIVEN,
    EventKind.TRANSFERRED,
    EventKind.DISCONNECTED,
    EventKind.COMMITMENT_MADE,
    EventKind.CUSTOMER_AGREED,
    EventKind.CUSTOMER_DECLINED,
    EventKind.CLOSED,
    EventKind.REOPENED,
)


@dataclass(frozen=True)
class CallFacts:
    """What happened on the practice call, loaded once and read by every check."""

    call: Call
    customer_name: str
    greeter: Analyst | None
    """Who greeted the caller (the analyst whose name and department the greeting must say)."""
    events: tuple[CallEvent, ...]
    """The scored kinds of event since the practice started, oldest first."""
    escalations: tuple[Escalation, ...]
    """Escalations made through the escalation procedure during the practice, oldest first.
    A transfer of an abusive caller is not one of them (it has no hand-off form)."""
    next_contacts: dict[int, Commitment]
    """The next-contact promises of those escalations, by id."""
    expected: Expected
    policies: Policies
    zone: ZoneInfo

    def of(self, *kinds: EventKind) -> list[CallEvent]:
        """Events of these kinds, oldest first."""
        return [event for event in self.events if event.kind in kinds]

    def first(self, kind: EventKind) -> CallEvent | None:
        """The first event of this kind, if any."""
        return next((event for event in self.events if event.kind == kind), None)

    def last(self, *kinds: EventKind) -> CallEvent | None:
        """The latest event of any of these kinds, if any."""
        found = self.of(*kinds)
        return found[-1] if found else None

    def promises(self, kind: CommitmentKind) -> list[CallEvent]:
        """``COMMITMENT_MADE`` events of this kind of promise."""
        return [event for event in self.of(EventKind.COMMITMENT_MADE) if event.payload.get("kind") == kind]

    def clock(self, moment: datetime) -> str:
        """A time during the call, as the trainer reads it: ``14:05`` local."""
        return moment.astimezone(self.zone).strftime("%H:%M")

    def day(self, moment: datetime) -> str:
        """A time a promise is due: ``Wed 11 Mar 10:00`` local."""
        return moment.astimezone(self.zone).strftime("%a %d %b %H:%M")

    @property
    def closed(self) -> bool:
        """Closed during the practice and not reopened since."""
        last = self.last(EventKind.CLOSED, EventKind.REOPENED)
        return last is not None and last.kind == EventKind.CLOSED

    @property
    def transferred(self) -> bool:
        """The abusive-caller protocol ended in a transfer to a manager."""
        return bool(self.of(EventKind.TRANSFERRED))


def _due(event: CallEvent) -> datetime | None:
    """When a promise recorded by ``COMMITMENT_MADE`` is due (stored as ISO text)."""
    value = event.payload.get("due_at")
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _quote(text: str, limit: int = 80) -> str:
    """Text from the call, on one line and cut short, in quotes."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f'"{flat}"'


def _listed(values: Iterable[str]) -> str:
    values = list(values)
    return ", ".join(values) if values else "none"


Verdict = tuple[Result, str]


def _pass(why: str) -> Verdict:
    return PASS, why


def _fail(why: str) -> Verdict:
    return FAIL, why


def _na(why: str) -> Verdict:
    return NOT_APPLICABLE, why


def load_facts(
    session: Session,
    call_id: int,
    expected: Expected,
    *,
    policies: Policies,
    zone: ZoneInfo,
    since: datetime | None = None,
) -> CallFacts:
    """Read what the checks need about one call (events at/after ``since`` only)."""
    call = get_call(session, call_id)
    query = select(CallEvent).where(CallEvent.call_id == call_id, col(CallEvent.kind).in_(_SCORED_KINDS))
    if since is not None:
        try:
            since = as_utc(since)
        except ValueError:
            raise RuleViolation("since: the time has no timezone; deskcli needs an exact moment.") from None
        query = query.where(col(CallEvent.at) >= since)
    events = tuple(session.exec(query.order_by(col(CallEvent.id))))

    greeted = next((e for e in events if e.kind == EventKind.GREETED), None)
    greeter_id = greeted.actor_id if greeted is not None and greeted.actor_id is not None else call.perceived_owner_id
    customer = session.get(Customer, call.customer_id)

    # Escalations made during the practice are the ones its ESCALATED events name;
    # the abuse protocol's transfer records none (no hand-off form, no promise).
    escalation_ids = [
        int(e.payload["escalation_id"]) for e in events
        if e.kind == EventKind.ESCALATED and e.payload.get("escalation_id") is not None
    ]
    escalations: tuple[Escalation, ...] = ()
    if escalation_ids:
        escalations = tuple(
            session.exec(select(Escalation).where(col(Escalation.id).in_(escalation_ids)).order_by(col(Escalation.id)))
        )
    promise_ids = [e.next_contact_id for e in escalations if e.next_contact_id is not None]
    next_contacts: dict[int, Commitment] = {}
    if promise_ids:
        next_contacts = {
            c.id: c for c in session.exec(select(Commitment).where(col(Commitment.id).in_(promise_ids))) if c.id is not None
        }
    return CallFacts(
        call=call,
        customer_name=customer.name if customer is not None else "",
        greeter=session.get(Analyst, greeter_id),
        events=events,
        escalations=escalations,
        next_contacts=next_contacts,
        expected=expected,
        policies=policies,
        zone=zone,
    )
