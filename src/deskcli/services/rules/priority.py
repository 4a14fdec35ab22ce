"""Priority from impact and urgency, with the reason shown to the analyst."""

from __future__ import annotations

from dataclasses import dataclass

from deskcli.models import CallImpact
from deskcli.services.rules.policy import PriorityPolicy

PRIORITY_NAMES = {1: "P1 critical", 2: "P2 high", 3: "P3 medium", 4: "P4 low"}


@dataclass(frozen=True)
class DerivedPriority:
    """A priority and why."""

    priority: int
    impact: str
    urgency: str
    reason: str

    @property
    def label(self) -> str:
        """``P2 high``."""
        return PRIORITY_NAMES[self.priority]


def impact_level(impact: CallImpact, policy: PriorityPolicy) -> tuple[str, list[str]]:
    """``high``/``medium``/``low`` and the facts that made it so."""
    rules = policy.impact
    people = impact.people_affected or 0
    departments = impact.departments_affected or 0
    high, medium = [], []
    if people >= rules.high_when_people_at_least:
        high.append(f"{people} people affected")
    if departments >= rules.high_when_departments_at_least:
        high.append(f"{departments} departments affected")
    if impact.business_impact in rules.high_business_impacts:
        high.append(f"{impact.business_impact} business impact")
    if rules.high_when_security and impact.security_concern:
        high.append("a security concern")
    if high:
        return "high", high
    if people >= rules.medium_when_people_at_least:
        medium.append(f"{people} people affected")
    if impact.business_impact in rules.medium_business_impacts:
        medium.append(f"{impact.business_impact} business impact")
    if rules.medium_when_executive and impact.executive_affected:
        medium.append("an executive is affected")
    if medium:
        return "medium", medium
    return "low", ["no wider impact known"]


def derive(impact: CallImpact, urgency: str | None, policy: PriorityPolicy) -> DerivedPriority:
    """The priority for this impact and urgency (urgency defaults to medium when not asked)."""
    level, facts = impact_level(impact, policy)
    asked = urgency if urgency in ("high", "medium", "low") else "medium"
    priority = policy.matrix[level][asked]
    said = f"{asked} urgency" if urgency else "urgency not asked yet (medium assumed)"
    reason = f"{level} impact: {', '.join(facts)}; {said}"
    return DerivedPriority(priority, level, asked, reason)


def standing_priority(current: int | None, derived: int, *, elevated: bool) -> int:
    """The priority a call keeps when its priority is derived again from impact and urgency.

    Seed 000: "Escalation is also referred to as 'Elevation'. Sometimes either of these
    terms are used to mean making a call higher priority." An analyst who raised a
    call's priority by hand knew something the impact fields do not say; so once a call
    has been elevated, the derived priority only ever *raises* it: it replaces the one
    on record only when it is higher (a smaller number), and never silently lowers it.
    A call never elevated simply takes the derived priority.
    """
    if elevated and current is not None and derived >= current:
        return current
    return derived
