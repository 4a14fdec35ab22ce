"""Priority from impact and urgency (the shipped matrix), with a reason that names the facts."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskcli.core.errors import RuleViolation
from deskcli.models import Call, CallEvent, CallImpact, EventKind
from deskcli.services.actions import assessment, elevation
from deskcli.services.lifecycle import calls
from deskcli.services.lifecycle import elevation as elevating
from deskcli.services.rules.policy import ImpactRules, PriorityPolicy
from deskcli.services.rules.priority import PRIORITY_NAMES, derive, impact_level, standing_priority


def impact(**fields) -> CallImpact:
    return CallImpact(**fields)


@pytest.mark.parametrize(
    ("fields", "fact"),
    [
        ({"security_concern": True}, "a security concern"),
        ({"business_impact": "severe"}, "severe business impact"),
        ({"people_affected": 10}, "10 people affected"),
        ({"people_affected": 250}, "250 people affected"),
        ({"departments_affected": 2}, "2 departments affected"),
        ({"departments_affected": 5}, "5 departments affected"),
    ],
)
def test_high_impact_facts(policies, fields, fact):
    """Security, severe impact, 10+ people or 2+ departments make the impact high, and the reason says which."""
    result = derive(impact(**fields), "high", policies.priority)
    assert result.impact == "high"
    assert result.priority == 1
    assert fact in result.reason
    assert result.reason.startswith("high impact: ")


@pytest.mark.parametrize(
    ("fields", "fact"),
    [
        ({"business_impact": "significant"}, "significant business impact"),
        ({"executive_affected": True}, "an executive is affected"),
        ({"people_affected": 2}, "2 people affected"),
        ({"people_affected": 9}, "9 people affected"),
    ],
)
def test_medium_impact_facts(policies, fields, fact):
    """Significant impact, an executive, or 2-9 people make the impact medium."""
    result = derive(impact(**fields), "medium", policies.priority)
    assert result.impact == "medium"
    assert result.priority == 3
    assert fact in result.reason


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"people_affected": 1},
        {"people_affected": 0},
        {"departments_affected": 1},
        {"business_impact": "minor"},
        {"business_impact": "none"},
    ],
)
def test_low_impact_when_nothing_wider_is_known(policies, fields):
    """One person, one department, minor or no business impact: low impact."""
    result = derive(impact(**fields), "low", policies.priority)
    assert result.impact == "low"
    assert result.priority == 4
    assert "no wider impact known" in result.reason


def test_high_impact_lists_every_fact_that_made_it_high(policies):
    """All the high-impact facts are named, and medium ones are not mixed in."""
    result = derive(
        impact(people_affected=12, departments_affected=3, business_impact="severe", security_concern=True, executive_affected=True),
        "high",
        policies.priority,
    )
    for fact in ("12 people affected", "3 departments affected", "severe business impact", "a security concern"):
        assert fact in result.reason
    assert "executive" not in result.reason


def test_medium_impact_lists_every_medium_fact(policies):
    """Several medium facts are all named."""
    level, facts = impact_level(impact(people_affected=3, business_impact="significant", executive_affected=True), policies.priority)
    assert level == "medium"
    assert facts == ["3 people affected", "significant business impact", "an executive is affected"]


@pytest.mark.parametrize(
    ("fields", "urgency", "priority"),
    [
        ({"security_concern": True}, "high", 1),
        ({"security_concern": True}, "medium", 2),
        ({"security_concern": True}, "low", 3),
        ({"executive_affected": True}, "high", 2),
        ({"executive_affected": True}, "medium", 3),
        ({"executive_affected": True}, "low", 3),
        ({}, "high", 3),
        ({}, "medium", 4),
        ({}, "low", 4),
    ],
)
def test_matrix_of_impact_and_urgency(policies, fields, urgency, priority):
    """Every cell of the shipped impact x urgency matrix."""
    result = derive(impact(**fields), urgency, policies.priority)
    assert result.priority == priority
    assert result.urgency == urgency
    assert f"; {urgency} urgency" in result.reason
    assert result.label == PRIORITY_NAMES[priority]


@pytest.mark.parametrize("urgency", [None, ""])
def test_urgency_not_asked_is_medium_and_said_so(policies, urgency):
    """Without an urgency the matrix uses medium, and the reason says it was assumed."""
    result = derive(impact(people_affected=10), urgency, policies.priority)
    assert result.urgency == "medium"
    assert result.priority == 2
    assert "urgency not asked yet (medium assumed)" in result.reason


def test_reason_reads_as_one_sentence(policies):
    """The reason is '<level> impact: <facts>; <urgency>'."""
    result = derive(impact(people_affected=3), "high", policies.priority)
    assert result.reason == "medium impact: 3 people affected; high urgency"
    assert result.label == "P2 high"


def test_rules_come_from_the_policy(policies):
    """A policy that ignores security and needs 5 departments changes the outcome."""
    custom = PriorityPolicy(
        impact=ImpactRules(high_when_security=False, high_when_departments_at_least=5),
        matrix=policies.priority.matrix,
    )
    assert derive(impact(security_concern=True, departments_affected=4), "high", custom).impact == "low"
    assert derive(impact(security_concern=True, departments_affected=4), "high", policies.priority).impact == "high"


# --- elevation: raised by hand, never lowered by the derivation ------------------------------------

@pytest.mark.parametrize(
    ("current", "derived", "elevated", "kept"),
    [
        (2, 4, False, 4),  # never elevated: the derived priority, lower or not
        (2, 1, False, 1),
        (2, 4, True, 2),  # elevated: a lower derived priority leaves it standing
        (2, 2, True, 2),
        (2, 1, True, 1),  # ... a higher one raises it
        (None, 3, True, 3),
    ],
)
def test_the_derived_priority_only_raises_an_elevated_one(current, derived, elevated, kept):
    """standing_priority: on an elevated call the derivation may raise, never lower."""
    assert standing_priority(current, derived, elevated=elevated) == kept


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def row(store, call_id) -> Call:
    with store.read() as session:
        return session.get(Call, call_id)


def elevations(store, call_id) -> list[dict]:
    with store.read() as session:
        found = session.exec(
            select(CallEvent).where(CallEvent.call_id == call_id, CallEvent.kind == EventKind.PRIORITY_ELEVATED)
        )
        return [event.payload for event in found]


def save(store, actor, call_id, policies, **values):
    return assessment.save_assessment(store, actor, call_id, values, policy=policies.priority)


def test_elevation_records_from_to_and_reason(store, actor, call_id, policies):
    """P4 (derived) raised to P2: the call says so, with the reason, and the timeline keeps both."""
    save(store, actor, call_id, policies, summary="payroll export fails", people_affected=1, urgency="medium")
    assert row(store, call_id).priority == 4
    with store.write() as session:
        elevating.elevate(session, call_id, actor, priority=2, reason="  payroll   due at 16:00 ", default_priority=3)
    call = row(store, call_id)
    assert call.priority == 2 and call.priority_reason == "elevated by hand: payroll due at 16:00"
    assert elevations(store, call_id) == [{"from": 4, "to": 2, "reason": "payroll due at 16:00", "assumed": False}]


def test_elevation_of_a_call_not_yet_assessed_starts_from_the_default(store, actor, call_id):
    """No priority on record: the SLA's default (P3) is what is raised, and the event says it was assumed."""
    with store.write() as session:
        elevating.elevate(session, call_id, actor, priority=2, reason="director waiting", default_priority=3)
    assert elevations(store, call_id)[0]["from"] == 3 and elevations(store, call_id)[0]["assumed"] is True
    with pytest.raises(RuleViolation, match="is P2 high already"), store.write() as session:
        elevating.elevate(session, call_id, actor, priority=2, reason="again", default_priority=3)


@pytest.mark.parametrize(
    ("priority", "reason", "refusal"),
    [
        (4, "it can wait", "P4 low is lower than P3 medium, the priority now: elevation only ever raises a priority"),
        (3, "same again", "is P3 medium already: elevation raises the priority"),
        (1, "   ", "reason: say why the priority is raised (required)"),
        (1, "x" * 251, "reason: at most 250 characters"),
        (0, "made up", "priority: expected 1 (critical) to 4 (low)"),
    ],
)
def test_elevation_refusals_say_why(store, actor, call_id, priority, reason, refusal):
    """Lower, equal, unexplained or unknown priorities are refused in words; nothing changes."""
    with pytest.raises(RuleViolation) as caught, store.write() as session:
        elevating.elevate(session, call_id, actor, priority=priority, reason=reason, default_priority=3)
    assert refusal in str(caught.value)
    assert row(store, call_id).priority is None and elevations(store, call_id) == []


def test_elevation_of_a_closed_call_is_refused(store, actor, call_id):
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="fixed")
        calls.record_agreement(session, call_id, actor, agreed=True)
        calls.close_call(session, call_id, actor)
    with pytest.raises(RuleViolation, match="is closed"), store.write() as session:
        elevating.elevate(session, call_id, actor, priority=1, reason="too late", default_priority=3)


def test_deriving_again_never_lowers_an_elevated_priority(store, actor, call_id, policies):
    """After an elevation to P2, a lower derived priority leaves P2; a higher one (P1) raises it."""
    save(store, actor, call_id, policies, summary="payroll", people_affected=1, urgency="medium")
    with store.write() as session:
        elevating.elevate(session, call_id, actor, priority=2, reason="payroll due", default_priority=3)
    save(store, actor, call_id, policies, summary="payroll", people_affected=1, urgency="low")  # derives P4
    call = row(store, call_id)
    assert call.urgency == "low" and call.priority == 2 and call.priority_reason == "elevated by hand: payroll due"
    line = assessment.priority_line(call, {"urgency": "low", "people_affected": 1}, policies.priority, elevated=True)
    assert line == "P2 high stands - elevated by hand: payroll due (the assessment alone gives P4)"
    save(store, actor, call_id, policies, summary="payroll", people_affected=1, urgency="high", security_concern=True)
    call = row(store, call_id)
    assert call.priority == 1 and call.priority_reason.startswith("high impact: a security concern")


def test_without_elevation_the_priority_follows_the_assessment_down(store, actor, call_id, policies):
    """A call never elevated takes the derived priority, lower too (the rule is only for elevations)."""
    save(store, actor, call_id, policies, summary="vpn", people_affected=12, urgency="high")
    assert row(store, call_id).priority == 1
    save(store, actor, call_id, policies, summary="vpn", people_affected=1, urgency="low")
    assert row(store, call_id).priority == 4


def test_the_elevation_use_case_says_the_new_sla_target(store, actor, call_id, policies):
    """The analyst is told the new priority and when it must be resolved, in office time."""
    from zoneinfo import ZoneInfo

    done = elevation.elevate(
        store, actor, call_id, priority=1, reason="whole floor down", policies=policies, zone=ZoneInfo("Europe/London"),
    )
    target = next(t for t in policies.sla.targets if t.priority == 1)
    hours, minutes = divmod(target.resolution_minutes, 60)
    assert done.message().startswith("HD-000001 raised to P1 critical: resolve by ")
    assert f"({hours}h {minutes:02d}m target, {target.clock} clock)" in done.message()
