"""Reviewing an escalated call: the records' checks, the reviewer's marks, the feedback meeting.

A review is saved once and never changed (append-only, like the timeline): reviewing
the call again adds a review, and the newest is the call's current one. Saving can
book the feedback meeting with the analyst (seed 004: "a meeting with the customer
service agent should be scheduled to go over the call and offer constructive
feedback") as a promise owed by the reviewer, so it shows in the reviewer's
follow-ups and is reported kept or missed like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.clock import as_utc
from deskcli.core.enums import CommitmentKind, EscalationType
from deskcli.core.errors import RuleViolation
from deskcli.models import Analyst, Escalation, EscalationReview
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import commitments
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.records.past_call import CallRecord, RecordContext, read_record
from deskcli.services.records.review_checks import POINTS, Check, review_checks
from deskcli.services.rules.policy import Policies
from deskcli.services.timekeeping.business_time import BusinessCalendar

if TYPE_CHECKING:
    from deskcli.store.db import Store

OUTCOMES = ("resolve", "escalate", "transfer")


@dataclass(frozen=True)
class Mark:
    """The reviewer's mark on one point: 1 (poor) to 5 (very good), and a comment."""

    point: str
    score: int
    comment: str = ""


@dataclass(frozen=True)
class Expected:
    """What should have happened on the call, in the reviewer's judgement (a practice caller's answer key)."""

    outcome: str = "escalate"
    route: str | None = None
    type: str | None = None
    triggers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewRequest:
    """A review as the reviewer fills it in."""

    call_id: int
    marks: tuple[Mark, ...]
    comment: str = ""
    expected: Expected | None = None
    """``None``: what the call's record shows (its last escalation's route and type)."""
    feedback_at: datetime | None = None
    """Book the feedback meeting with the analyst at this time (aware), or not at all."""


@dataclass(frozen=True)
class SavedReview:
    """A review as saved."""

    id: int
    call_id: int
    reviewer: str
    analyst: str
    reviewed_at: datetime
    marks: tuple[Mark, ...]
    checks: tuple[Check, ...]
    expected: Expected
    comment: str
    feedback_promise_id: int | None


@dataclass(frozen=True)
class ReviewView:
    """Everything the review screen shows for one call."""

    record: CallRecord
    checks: tuple[Check, ...]
    expected: Expected
    """The expected outcome as the record suggests it (the default of a new review)."""
    reviews: tuple[SavedReview, ...] = field(default=())
    """Earlier reviews of the call, newest first."""

    @property
    def latest(self) -> SavedReview | None:
        return self.reviews[0] if self.reviews else None


def default_expected(escalations: list[Escalation]) -> Expected:
    """What the record shows was done: its last escalation (a live transfer is a ``transfer``)."""
    last = escalations[-1]
    outcome = "transfer" if "crossed_the_line" in (last.triggers or []) and last.next_contact_id is None else "escalate"
    if outcome == "transfer":
        return Expected("transfer", None, None, tuple(last.triggers or ()))
    return Expected("escalate", last.route, str(last.type), tuple(last.triggers or ()))


def check_expected(expected: Expected, policies: Policies) -> Expected:
    """The expected outcome, checked against the escalation policy (messages name the field)."""
    if expected.outcome not in OUTCOMES:
        raise RuleViolation(f"expected outcome: {expected.outcome!r}; expected one of {', '.join(OUTCOMES)}.")
    if expected.outcome == "escalate":
        if expected.route is None or policies.escalation.route(expected.route) is None:
            known = ", ".join(route.key for route in policies.escalation.routes)
            raise RuleViolation(f"expected route: {expected.route!r} is not an escalation route; expected one of {known}.")
        kinds = [kind.value for kind in EscalationType]
        if expected.type not in kinds:
            raise RuleViolation(f"expected type: {expected.type!r}; expected one of {', '.join(kinds)}.")
    for key in expected.triggers:
        if policies.escalation.trigger(key) is None:
            raise RuleViolation(f"expected triggers: {key!r} is not an escalation trigger of the policy.")
    if expected.outcome != "escalate":
        return Expected(expected.outcome, None, None, expected.triggers)
    return expected


def _saved(row: EscalationReview, names: dict[int, str]) -> SavedReview:
    raw = row.expected or {}
    return SavedReview(
        id=row.id or 0,
        call_id=row.call_id,
        reviewer=names.get(row.reviewer_id, "?"),
        analyst=names.get(row.analyst_id, "?") if row.analyst_id is not None else "",
        reviewed_at=as_utc(row.reviewed_at),
        marks=tuple(Mark(m.get("point", ""), int(m.get("score", 0)), m.get("comment", "")) for m in row.marks or []),
        checks=tuple(Check(c.get("point", ""), c.get("label", ""), c.get("result", ""), c.get("why", "")) for c in row.checks or []),
        expected=Expected(raw.get("outcome", "escalate"), raw.get("route"), raw.get("type"), tuple(raw.get("triggers") or ())),
        comment=row.comment,
        feedback_promise_id=row.feedback_commitment_id,
    )


def reviews_of(session: Session, call_id: int) -> list[SavedReview]:
    """The call's reviews, newest first."""
    names = dict(session.exec(select(Analyst.id, Analyst.name)).all())
    rows = session.exec(
        select(EscalationReview).where(EscalationReview.call_id == call_id).order_by(col(EscalationReview.id).desc())
    ).all()
    return [_saved(row, names) for row in rows]


@dataclass(frozen=True)
class ReviewContext:
    """Reviewing needs the policies, the office's calendar and zone."""

    policies: Policies
    calendar: BusinessCalendar
    zone: ZoneInfo

    @property
    def record(self) -> RecordContext:
        return RecordContext(self.policies.sla, self.calendar, self.zone)


def read_review(session: Session, call_id: int, now: datetime, context: ReviewContext) -> ReviewView:
    """The call, the checks and its earlier reviews."""
    checks = review_checks(session, call_id, now, context.policies, context.zone, context.calendar)
    escalations = list(session.exec(select(Escalation).where(Escalation.call_id == call_id).order_by(col(Escalation.id))))
    return ReviewView(
        record=read_record(session, call_id, now, context.record),
        checks=tuple(checks),
        expected=default_expected(escalations),
        reviews=tuple(reviews_of(session, call_id)),
    )


def load_review(store: Store, by: Actor, call_id: int, context: ReviewContext) -> ReviewView:
    """The use case behind opening a call in the review."""
    with store.read() as session:
        return read_review(session, call_id, by.now(), context)


def _checked_marks(marks: tuple[Mark, ...]) -> list[dict[str, Any]]:
    points = [key for key, _label in POINTS]
    given = {}
    for mark in marks:
        if mark.point not in points:
            raise RuleViolation(f"mark: {mark.point!r} is not a point of the review; expected one of {', '.join(points)}.")
        if not 1 <= int(mark.score) <= 5:
            raise RuleViolation(f"mark for {mark.point}: {mark.score} is not a score; expected 1 (poor) to 5 (very good).")
        given[mark.point] = {"point": mark.point, "score": int(mark.score), "comment": mark.comment.strip()}
    unmarked = [point for point in points if point not in given]
    if unmarked:
        raise RuleViolation(f"marks: every point needs a score from 1 to 5; not marked yet: {', '.join(unmarked)}.")
    return [given[point] for point in points]


def save_review(session: Session, request: ReviewRequest, by: Actor, context: ReviewContext) -> SavedReview:
    """Save a review (refused, naming what is missing, when a point is unmarked or the outcome is not a policy's)."""
    if by.analyst_id is None:
        raise RuleViolation("a review is made by an analyst; set up the analyst profile first.")
    call = get_call(session, request.call_id)
    now = by.now()
    marks = _checked_marks(request.marks)
    checks = review_checks(session, call.id, now, context.policies, context.zone, context.calendar)
    escalations = list(session.exec(select(Escalation).where(Escalation.call_id == call.id).order_by(col(Escalation.id))))
    expected = check_expected(request.expected or default_expected(escalations), context.policies)
    promise_id = None
    names = dict(session.exec(select(Analyst.id, Analyst.name)).all())
    if request.feedback_at is not None:
        analyst = names.get(call.perceived_owner_id, "the analyst")
        promise = commitments.make_commitment(
            session, call.id, CommitmentKind.FEEDBACK, request.feedback_at, by,
            description=f"Feedback meeting with {analyst} about {call.reference} (escalation review)",
            owed_by_id=by.analyst_id,
        )
        promise_id = promise.id
    row = EscalationReview(
        call_id=call.id,
        escalation_id=escalations[-1].id,
        reviewer_id=by.analyst_id,
        analyst_id=call.perceived_owner_id,
        reviewed_at=now,
        marks=marks,
        checks=[{"point": c.point, "label": c.label, "result": c.result, "why": c.why} for c in checks],
        expected={"outcome": expected.outcome, "route": expected.route, "type": expected.type, "triggers": list(expected.triggers)},
        comment=request.comment.strip(),
        feedback_commitment_id=promise_id,
    )
    session.add(row)
    session.flush()
    return _saved(row, names)


def submit_review(store: Store, by: Actor, request: ReviewRequest, context: ReviewContext) -> ReviewView:
    """The use case: save the review (and book the meeting) in one transaction; the call as it now reads."""
    with store.write() as session:
        save_review(session, request, by, context)
    return load_review(store, by, request.call_id, context)
