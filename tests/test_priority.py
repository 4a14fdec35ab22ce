"""Priority from impact and urgency (the shipped matrix), with a reason that names the facts."""

from __future__ import annotations

import pytest

from deskcli.models import CallImpact
from deskcli.services.rules.policy import ImpactRules, PriorityPolicy
from deskcli.services.rules.priority import PRIORITY_NAMES, derive, impact_level


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
