"""Escalation triggers: which hold for a call and why, and the route and tier they propose."""

from __future__ import annotations

import dataclasses

import pytest

from deskcli.models import EscalationType
from deskcli.services.rules.triggers import CallFacts, evaluate, propose

NOTHING = CallFacts(
    people_affected=None,
    departments_affected=None,
    business_impact=None,
    executive_affected=False,
    customer_is_vip=False,
    security_concern=False,
    abuse_warnings=0,
    article_used=False,
    suggestions_found=None,
    overdue_promises=0,
    missed_promises=0,
)


def facts(**changes) -> CallFacts:
    return dataclasses.replace(NOTHING, **changes)


def holding(results) -> dict[str, str]:
    return {r.key: r.because for r in results if r.holds}


def test_nothing_holds_for_a_plain_call(policies):
    """With no facts and nothing ticked no trigger holds and nothing is proposed."""
    results = evaluate(NOTHING, policies.escalation)
    assert holding(results) == {}
    assert all(r.because == "" for r in results)
    assert propose(results, policies.escalation) is None


def test_every_policy_trigger_is_reported_in_policy_order(policies):
    """evaluate returns one result per policy trigger, in file order, with its route and tier."""
    results = evaluate(NOTHING, policies.escalation)
    assert [r.key for r in results] == [t.key for t in policies.escalation.triggers]
    for result, trigger in zip(results, policies.escalation.triggers, strict=True):
        assert (result.label, result.source, result.suggests_route, result.start_tier) == (
            trigger.label, trigger.source, trigger.suggests_route, trigger.start_tier,
        )


@pytest.mark.parametrize(
    ("changes", "key", "because"),
    [
        ({"business_impact": "significant"}, "business_impact", "business impact is significant"),
        ({"business_impact": "severe"}, "business_impact", "business impact is severe"),
        ({"executive_affected": True}, "executive_affected", "an executive or senior manager is affected"),
        ({"customer_is_vip": True}, "executive_affected", "the caller is a VIP / executive"),
        ({"suggestions_found": False}, "no_solution", "no knowledge article matches the problem summary"),
        ({"people_affected": 2}, "several_people", "2 people affected"),
        ({"departments_affected": 3}, "several_departments", "3 departments affected"),
        ({"abuse_warnings": 2}, "crossed_the_line", "both warnings given and the behaviour went on"),
        ({"security_concern": True}, "security", "a security concern was recorded"),
        ({"overdue_promises": 1}, "promise_passed", "1 promise(s) overdue"),
        ({"missed_promises": 2}, "promise_passed", "2 promise(s) missed"),
        ({"overdue_promises": 1, "missed_promises": 1}, "promise_passed", "1 promise(s) overdue, 1 promise(s) missed"),
        ({"sla_breached": True}, "sla_breached", "the resolution time limit of the SLA has been reached"),
        ({"company_wide": True}, "company_wide", "the caller raised a company-wide issue"),
    ],
)
def test_each_computed_trigger_holds_on_its_fact_with_a_reason(policies, changes, key, because):
    """A computed trigger holds exactly when its fact says so, and only that trigger, naming the fact."""
    assert holding(evaluate(facts(**changes), policies.escalation)) == {key: because}


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"business_impact": "minor"}, "business_impact"),
        ({"business_impact": "none"}, "business_impact"),
        ({"suggestions_found": None}, "no_solution"),
        ({"suggestions_found": True}, "no_solution"),
        ({"suggestions_found": False, "article_used": True}, "no_solution"),
        ({"people_affected": 1}, "several_people"),
        ({"people_affected": 0}, "several_people"),
        ({"departments_affected": 1}, "several_departments"),
        ({"abuse_warnings": 1}, "crossed_the_line"),
        ({"overdue_promises": 0, "missed_promises": 0}, "promise_passed"),
        ({"sla_breached": False}, "sla_breached"),
        ({"company_wide": False}, "company_wide"),
    ],
)
def test_computed_triggers_do_not_hold_short_of_their_fact(policies, changes, key):
    """Just below each threshold (or with the fact unknown) the trigger does not hold."""
    results = {r.key: r for r in evaluate(facts(**changes), policies.escalation)}
    assert not results[key].holds
    assert results[key].because == ""


def test_executive_reason_prefers_the_recorded_fact_over_vip(policies):
    """An executive affected on a VIP's call is reported as the executive fact."""
    assert holding(evaluate(facts(executive_affected=True, customer_is_vip=True), policies.escalation)) == {
        "executive_affected": "an executive or senior manager is affected"
    }


@pytest.mark.parametrize("key", ["customer_request", "resists_help", "no_authority"])
def test_analyst_triggers_hold_only_when_ticked(policies, key):
    """Analyst triggers never follow from data; ticking one makes it hold, saying so."""
    assert key not in holding(evaluate(facts(people_affected=50, abuse_warnings=2, security_concern=True), policies.escalation))
    assert holding(evaluate(NOTHING, policies.escalation, [key])) == {key: "ticked by the analyst"}


def test_analyst_may_tick_a_computed_trigger_the_data_does_not_show(policies):
    """A computed trigger without its fact holds when ticked; with its fact the fact is the reason."""
    assert holding(evaluate(NOTHING, policies.escalation, ["several_people"])) == {"several_people": "ticked by the analyst"}
    assert holding(evaluate(facts(people_affected=4), policies.escalation, ["several_people"])) == {
        "several_people": "4 people affected"
    }


def test_unknown_ticks_are_ignored(policies):
    """A ticked key that is not a trigger of the policy changes nothing."""
    assert holding(evaluate(NOTHING, policies.escalation, ["free_pizza"])) == {}


# --- proposals ----------------------------------------------------------------------

def propose_for(policies, ticked=(), **changes):
    return propose(evaluate(facts(**changes), policies.escalation, ticked), policies.escalation)


def test_several_people_proposes_technical_experts_tier_2(policies):
    """A functional trigger proposes its route at its start tier, functional."""
    proposal = propose_for(policies, people_affected=3)
    assert (proposal.route, proposal.tier, proposal.type) == ("technical_experts", 2, EscalationType.FUNCTIONAL)
    assert proposal.because == "More than one person is affected (3 people affected)"


def test_several_departments_starts_at_tier_3(policies):
    """Grave situations start higher: several departments → technical experts tier 3."""
    proposal = propose_for(policies, departments_affected=2)
    assert (proposal.route, proposal.tier, proposal.type) == ("technical_experts", 3, EscalationType.FUNCTIONAL)


def test_security_starts_at_tier_3(policies):
    """A security concern → technical experts tier 3."""
    proposal = propose_for(policies, security_concern=True)
    assert (proposal.route, proposal.tier) == ("technical_experts", 3)
    assert "a security concern was recorded" in proposal.because


def test_highest_start_tier_wins_and_all_reasons_for_the_route_are_given(policies):
    """Several functional triggers on one route: the highest start tier, every reason listed."""
    proposal = propose_for(policies, people_affected=3, security_concern=True, business_impact="severe")
    assert (proposal.route, proposal.tier, proposal.type) == ("technical_experts", 3, EscalationType.FUNCTIONAL)
    for reason in ("business impact is severe", "3 people affected", "a security concern was recorded"):
        assert reason in proposal.because


def test_hierarchical_wins_over_functional(policies):
    """Any hierarchical trigger makes the proposal hierarchical, to its route, ignoring functional ones."""
    proposal = propose_for(policies, ["customer_request"], departments_affected=4, security_concern=True)
    assert (proposal.route, proposal.tier, proposal.type) == ("senior_staff", 2, EscalationType.HIERARCHICAL)
    assert proposal.because == "Customer asks for escalation or a manager (ticked by the analyst)"


def test_crossed_the_line_goes_to_the_help_desk_manager(policies):
    """Two warnings → senior staff tier 3 (the manager)."""
    proposal = propose_for(policies, abuse_warnings=2)
    assert (proposal.route, proposal.tier, proposal.type) == ("senior_staff", 3, EscalationType.HIERARCHICAL)


def test_promise_passed_and_vip_are_senior_staff_tier_2(policies):
    """Hierarchical triggers at tier 2 stay at tier 2 and list both reasons."""
    proposal = propose_for(policies, overdue_promises=1, customer_is_vip=True)
    assert (proposal.route, proposal.tier, proposal.type) == ("senior_staff", 2, EscalationType.HIERARCHICAL)
    assert "the caller is a VIP / executive" in proposal.because and "1 promise(s) overdue" in proposal.because


def test_resists_help_lifts_a_hierarchical_proposal_to_tier_3(policies):
    """Among hierarchical triggers the highest start tier wins (resists_help starts at 3)."""
    proposal = propose_for(policies, ["customer_request", "resists_help"])
    assert (proposal.route, proposal.tier) == ("senior_staff", 3)


def test_proposed_tier_is_one_the_route_has(policies):
    """The proposed tier always exists on the proposed route."""
    for changes in ({"people_affected": 2}, {"security_concern": True}, {"abuse_warnings": 2}, {"sla_breached": True}):
        proposal = propose_for(policies, **changes)
        route = policies.escalation.route(proposal.route)
        assert route.tier(proposal.tier) is not None


def test_company_wide_issues_go_to_the_help_desk_manager(policies):
    """Seed 000: company-wide issues are referred to the manager: senior staff, tier 3."""
    proposal = propose_for(policies, company_wide=True)
    assert (proposal.route, proposal.tier, proposal.type) == ("senior_staff", 3, EscalationType.HIERARCHICAL)
    assert proposal.because == "The caller raises company-wide issues (the caller raised a company-wide issue)"


# --- the cause proposed ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("ticked", "changes", "cause"),
    [
        (["customer_request"], {}, "dissatisfaction"),
        (["resists_help"], {}, "dissatisfaction"),
        ([], {"sla_breached": True}, "operational_efficiency"),
        ([], {"overdue_promises": 1}, "operational_efficiency"),
        ([], {"security_concern": True}, "security"),
        ([], {"abuse_warnings": 2}, "caller_behaviour"),
        ([], {"people_affected": 5}, "better_tier"),
        (["no_authority"], {}, "better_tier"),
    ],
)
def test_the_cause_follows_from_the_trigger(policies, ticked, changes, cause):
    """Seed 003's reasons: a customer asking for a manager is dissatisfied; a missed SLA is low
    operational efficiency; a tier that can better assist takes what the analyst cannot."""
    assert propose_for(policies, ticked, **changes).cause == cause


def test_the_triggers_that_chose_the_route_give_the_cause_first(policies):
    """The customer asks for a manager while several people are affected: hierarchical wins,
    and so does its cause."""
    assert propose_for(policies, ["customer_request"], people_affected=5).cause == "dissatisfaction"
    # A breached SLA and a request for a manager: both chose senior staff; the first in policy order speaks.
    assert propose_for(policies, ["customer_request"], sla_breached=True).cause == "dissatisfaction"


def test_without_a_cause_on_the_deciding_triggers_another_holding_trigger_gives_it(policies):
    """An executive affected says nothing of why; the several departments beside it do."""
    proposal = propose_for(policies, executive_affected=True, departments_affected=3)
    assert proposal.route == "senior_staff" and proposal.cause == "better_tier"


def test_no_cause_is_proposed_when_none_follows(policies):
    """An executive affected, or company-wide issues, alone: the analyst chooses the cause."""
    assert propose_for(policies, executive_affected=True).cause == ""
    assert propose_for(policies, company_wide=True).cause == ""
