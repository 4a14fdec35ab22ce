"""Which escalation triggers hold for a call, why, and the route, tier and cause they suggest.

Triggers the call's data can show are computed; the rest (the customer asks for a
manager, no authority …) are ticked by the analyst, who may also tick any computed
trigger the data does not show. The SLA trigger joins when the SLA clocks do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deskcli.models import EscalationType
from deskcli.services.rules.policy import EscalationPolicy


@dataclass(frozen=True)
class CallFacts:
    """What the trigger rules look at (gathered by :mod:`deskcli.services.lifecycle.callview`)."""

    people_affected: int | None
    departments_affected: int | None
    business_impact: str | None
    executive_affected: bool
    customer_is_vip: bool
    security_concern: bool
    abuse_warnings: int
    article_used: bool
    suggestions_found: bool | None
    """Whether knowledge suggestions matched the summary; ``None`` if not looked up."""
    overdue_promises: int
    missed_promises: int
    sla_breached: bool = False
    company_wide: bool = False
    """The caller raised company-wide issues (seed 000)."""


@dataclass(frozen=True)
class TriggerResult:
    """One trigger of the policy, whether it holds, and why."""

    key: str
    label: str
    holds: bool
    because: str
    """The facts (computed) or "ticked by the analyst"."""
    source: str
    suggests_type: EscalationType
    suggests_route: str
    start_tier: int
    suggests_cause: str = ""
    """The cause of escalation the trigger points to (empty: none follows clearly)."""


def _computed(key: str, facts: CallFacts) -> str | None:
    """The reason a computed trigger holds, or ``None``."""
    people = facts.people_affected or 0
    departments = facts.departments_affected or 0
    if key == "business_impact" and facts.business_impact in ("significant", "severe"):
        return f"business impact is {facts.business_impact}"
    if key == "executive_affected":
        if facts.executive_affected:
            return "an executive or senior manager is affected"
        if facts.customer_is_vip:
            return "the caller is a VIP / executive"
    if key == "no_solution" and not facts.article_used and facts.suggestions_found is False:
        return "no knowledge article matches the problem summary"
    if key == "several_people" and people > 1:
        return f"{people} people affected"
    if key == "several_departments" and departments > 1:
        return f"{departments} departments affected"
    if key == "crossed_the_line" and facts.abuse_warnings >= 2:
        return "both warnings given and the behaviour went on"
    if key == "security" and facts.security_concern:
        return "a security concern was recorded"
    if key == "promise_passed" and (facts.overdue_promises or facts.missed_promises):
        parts = []
        if facts.overdue_promises:
            parts.append(f"{facts.overdue_promises} promise(s) overdue")
        if facts.missed_promises:
            parts.append(f"{facts.missed_promises} promise(s) missed")
        return ", ".join(parts)
    if key == "sla_breached" and facts.sla_breached:
        return "the resolution time limit of the SLA has been reached"
    if key == "company_wide" and facts.company_wide:
        return "the caller raised a company-wide issue"
    return None


def evaluate(facts: CallFacts, policy: EscalationPolicy, ticked: Iterable[str] = ()) -> list[TriggerResult]:
    """Every trigger of the policy with whether it holds and why, in policy order."""
    ticked = set(ticked)
    results = []
    for trigger in policy.triggers:
        reason = _computed(trigger.key, facts) if trigger.source == "computed" else None
        if reason is None and trigger.key in ticked:
            reason = "ticked by the analyst"
        results.append(
            TriggerResult(
                key=trigger.key,
                label=trigger.label,
                holds=reason is not None,
                because=reason or "",
                source=trigger.source,
                suggests_type=trigger.suggests_type,
                suggests_route=trigger.suggests_route,
                start_tier=trigger.start_tier,
                suggests_cause=trigger.suggests_cause,
            )
        )
    return results


@dataclass(frozen=True)
class Proposal:
    """The route, tier and type the holding triggers point to."""

    route: str
    tier: int
    type: EscalationType
    because: str
    cause: str = ""
    """The cause of escalation proposed (a key of the policy's causes), or empty."""


def propose(results: list[TriggerResult], policy: EscalationPolicy) -> Proposal | None:
    """Hierarchical when any holding trigger asks for seniority, else functional; the
    tier is the highest start tier among the triggers for that route (seed 004: grave
    situations start at tier 2 or 3). The cause is the first one suggested by the
    triggers that chose the route, else by any other holding trigger (customer asks for
    a manager → dissatisfied with a product or service, seed 003)."""
    holding = [result for result in results if result.holds]
    if not holding:
        return None
    hierarchical = [r for r in holding if r.suggests_type == EscalationType.HIERARCHICAL]
    chosen = hierarchical or holding
    route_key = max(chosen, key=lambda r: r.start_tier).suggests_route
    for_route = [r for r in chosen if r.suggests_route == route_key]
    wanted = max(r.start_tier for r in for_route)
    route = policy.route(route_key)
    assert route is not None  # the policy validator guarantees it
    available = sorted(tier.tier for tier in route.tiers)
    tier = next((t for t in available if t >= wanted), available[-1])
    because = "; ".join(f"{r.label} ({r.because})" for r in for_route)
    kind = EscalationType.HIERARCHICAL if hierarchical else EscalationType(route.type)
    # The cause: from the triggers that chose the route first, then any other that holds.
    cause = next((r.suggests_cause for r in [*for_route, *holding] if r.suggests_cause), "")
    return Proposal(route_key, tier, kind, because, cause)
