"""The escalation review (seed 004): the list with its age buckets and close target, the automatic
checks, the reviewer's marks (append-only), the feedback meeting, and export as a practice caller."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from desk_builder import Desk
from deskcli.cli.commands import cli
from deskcli.core.errors import RuleViolation
from deskcli.models import Escalation, EscalationReview
from deskcli.models.guards import AppendOnlyError
from deskcli.services.desk import queue
from deskcli.services.records import review, review_list
from deskcli.services.records.review import Expected, Mark, ReviewContext, ReviewRequest
from deskcli.services.records.scenario_export import build_scenario, export_scenario
from deskcli.services.training.scenarios import load_scenario_file

ZONE = ZoneInfo("Europe/London")
POINTS = ("when", "department", "assessment", "customer", "promises", "sla")


@pytest.fixture
def desk(store, clock, policies) -> Desk:
    return Desk(store, clock, policies)


@pytest.fixture
def context(policies) -> ReviewContext:
    return ReviewContext(policies, policies.sla.calendar(ZONE), ZONE)


def _marks(score: int = 4, **special: int) -> tuple[Mark, ...]:
    return tuple(Mark(point, special.get(point, score), f"about {point}") for point in POINTS)


def test_the_list_puts_the_oldest_open_escalation_first_with_buckets_and_the_target(desk, policies):
    """Open for 40, 20, 8 and 3 days; closed after 10 and after 35 days; one call never escalated."""
    siobhan = desk.customer("Siobhan O'Neill")
    start = desk.clock.now()
    made = {}
    for name, days_ago in (("d40", 40), ("d20", 20), ("d8", 8), ("d3", 3), ("c10", 50), ("c35", 60)):
        desk.at(start - timedelta(days=days_ago))
        made[name] = desk.call(siobhan, summary=f"Escalated {name}", category="network", priority=3)
        desk.escalate(made[name])
    desk.at(start - timedelta(days=40))
    desk.close(made["c10"])
    desk.at(start - timedelta(days=25))
    desk.close(made["c35"])
    desk.at(start)
    desk.call(siobhan, summary="Never escalated")
    with desk.store.read() as session:
        listed = review_list.review_list(session, start, target_days=30)
    assert [row.call_id for row in listed.rows] == [made["d40"], made["d20"], made["d8"], made["d3"], made["c35"], made["c10"]]
    assert [row.age_days for row in listed.rows[:4]] == [40, 20, 8, 3]
    assert listed.open_buckets == {"0-5 days": 1, "6-10 days": 1, "11-30 days": 1, "over 30 days": 1}
    # Closed within 30 days: c10; closed later: c35; open past 30 days: d40.
    assert (listed.closed_within_target, listed.closed_late, listed.open_past_target) == (1, 1, 1)
    assert "escalations closed within 30 days: 1 of 3" in listed.describe_target()
    assert listed.total == 6


def _escalated_call(desk: Desk) -> int:
    """People affected recorded 40 minutes before an escalation to the wrong route, then re-routed."""
    siobhan = desk.customer("Siobhan O'Neill")
    call = desk.call(siobhan, summary="Shared drive down", category="network", priority=2, notes="Whole floor affected",
                     people_affected=12, departments_affected=1, business_impact="minor")
    desk.wait(minutes=40)
    desk.escalate(call, "technical_experts", triggers=["customer_request"], next_contact_in=timedelta(hours=1))
    desk.hang_up(call)
    desk.wait(hours=2)
    desk.escalate(call, "suppliers", triggers=["customer_request"])
    return call


def test_the_checks_say_what_the_records_show(desk, context):
    call = _escalated_call(desk)
    with desk.store.write() as session:
        # The first escalation was recorded before the time to fix was required (or imported).
        first = session.exec(select(Escalation).where(Escalation.call_id == call).order_by(col(Escalation.id))).first()
        first.time_to_fix = ""
        session.add(first)
    view = review.load_review(desk.store, desk.by(), call, context)
    checks = {check.point: check for check in view.checks}
    assert [check.point for check in view.checks] == list(POINTS)
    assert checks["when"].result == "check"
    assert "escalated 40 min after the call started, during the first conversation" in checks["when"].why
    assert "a trigger held from" in checks["when"].why and "12 people affected" in checks["when"].why
    assert checks["department"].result == "check"
    assert "the triggers proposed senior_staff" in checks["department"].why
    assert "re-routed 1 time(s): suppliers" in checks["department"].why
    assert checks["assessment"].result == "check" and "hand-off lacks: next step" in checks["assessment"].why
    assert checks["customer"].result == "n/a"  # still open
    assert checks["promises"].result == "check" and "overdue now" in checks["promises"].why
    assert view.expected == Expected("escalate", "suppliers", "functional", ("customer_request",))


def test_a_call_never_escalated_cannot_be_reviewed(desk, context):
    call = desk.call(desk.customer("Marek Nowak"), summary="Password")
    with pytest.raises(RuleViolation, match="never escalated"):
        review.load_review(desk.store, desk.by(), call, context)


def test_every_point_needs_a_mark_from_1_to_5(desk, context):
    call = _escalated_call(desk)
    with pytest.raises(RuleViolation, match="not marked yet: sla"):
        review.submit_review(desk.store, desk.by(), ReviewRequest(call, _marks()[:5]), context)
    with pytest.raises(RuleViolation, match="mark for when: 7 is not a score"):
        review.submit_review(desk.store, desk.by(), ReviewRequest(call, _marks(when=7)), context)
    with pytest.raises(RuleViolation, match="expected route: 'plumbers'"):
        review.submit_review(desk.store, desk.by(), ReviewRequest(call, _marks(), expected=Expected("escalate", "plumbers", "functional")), context)


def test_reviews_are_append_only_and_book_the_feedback_meeting(desk, context, db_path):
    call = _escalated_call(desk)
    reviewer = desk.analyst("mgr", "Mina Manager")
    meeting = desk.clock.now() + timedelta(days=2)
    first = review.submit_review(
        desk.store, desk.by("mgr"),
        ReviewRequest(call, _marks(3, department=2), comment="Route it to suppliers first next time",
                      expected=Expected("escalate", "suppliers", "functional", ("customer_request",)), feedback_at=meeting),
        context,
    )
    saved = first.latest
    assert saved is not None and saved.reviewer == "Mina Manager" and saved.analyst == "Ann Jones"
    assert {mark.point: mark.score for mark in saved.marks}["department"] == 2
    assert [check.point for check in saved.checks] == list(POINTS)  # the checks as they read then
    # The meeting is a promise owed by the reviewer, in the reviewer's follow-ups.
    with desk.store.read() as session:
        owed = queue.pending_promises(session, reviewer, now=desk.clock.now())
    assert [(row.kind, row.call_id, row.due_at) for row in owed] == [("feedback", call, meeting)]
    assert "Feedback meeting with Ann Jones" in owed[0].description
    # A second review is a new row; the newest comes first.
    desk.wait(days=1)
    again = review.submit_review(desk.store, desk.by("mgr"), ReviewRequest(call, _marks(5)), context)
    assert [r.id for r in again.reviews] == [again.reviews[0].id, saved.id] and again.reviews[0].id > saved.id
    # Never changed nor deleted: the ORM refuses, and so does SQLite itself.
    with pytest.raises(AppendOnlyError), desk.store.write() as session:
        row = session.get(EscalationReview, saved.id)
        row.comment = "rewritten"
        session.add(row)
    connection = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM escalation_review")
    finally:
        connection.close()


def test_a_reviewed_call_becomes_a_practice_caller(desk, context, policies, tmp_path: Path):
    siobhan = desk.customer("Siobhan O'Neill", phone="020 7946 0999")
    call = desk.call(siobhan, summary="Siobhan O'Neill at Northwind Traders: drive S: gone, ticket 4471992",
                     category="network", priority=2, people_affected=12,
                     notes="Rang from 07700 900123; Ann Jones tried remapping. Mail siobhan.oneill@northwind.example")
    desk.escalate(call, "technical_experts", triggers=["several_people"])
    with pytest.raises(RuleViolation, match="has not been reviewed"):
        export_scenario(desk.store, desk.by(), call, tmp_path, policies=policies, zone=ZONE)
    review.submit_review(desk.store, desk.by(), ReviewRequest(call, _marks(2, sla=4), comment="Ann should escalate sooner"), context)
    path = export_scenario(desk.store, desk.by(), call, tmp_path / "scenarios", policies=policies, zone=ZONE)
    text = path.read_text()
    for secret in ("Siobhan", "O'Neill", "Northwind", "4471992", "07700 900123", "0999", "Ann", "Jones", "northwind.example"):
        assert secret not in text, secret
    scenario = load_scenario_file(path)  # what ``deskcli scenarios check FILE`` does
    assert scenario.key == "from-hd-000001"
    assert (scenario.expected.outcome, scenario.expected.route, scenario.expected.type) == ("escalate", "technical_experts", "functional")
    assert scenario.expected.triggers == ["several_people"]
    assert scenario.persona.phone.startswith("020 7946 0")
    result = CliRunner().invoke(cli, ["scenarios", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "Scenarios OK: 1" in result.output
    # The same call gives the same practice caller.
    with desk.store.read() as session:
        assert build_scenario(session, call, policies, ZONE).text == text
