"""The read-back before leaving the assessment: the problem as logged, said back to the caller.

Seed 000 (Log all customer complaints): "While logging the enquiry, you can confirm
that you have correctly understood the customer and that the customer has the facts
right." The analyst reads the line back; the caller confirms; the confirmation is kept
with the problem it confirmed, so a problem changed afterwards is read back again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from deskcli.models import CallAssessment
from deskcli.services.rules.policy import CategoryPolicy
from deskcli.services.rules.priority import PRIORITY_NAMES


@dataclass(frozen=True)
class Problem:
    """What the read-back says: the logged problem, as the record holds it."""

    summary: str = ""
    category: str | None = None
    urgency: str | None = None
    business_impact: str | None = None
    people_affected: int | None = None
    departments_affected: int | None = None
    executive_affected: bool = False
    security_concern: bool = False
    priority: int | None = None

    def payload(self) -> dict[str, Any]:
        """The problem as stored on the timeline."""
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: Any) -> Problem | None:
        """The problem a read-back event confirmed (``None`` when the payload holds none)."""
        if not isinstance(payload, dict):
            return None
        known = {f.name for f in fields(cls)}
        try:
            return cls(**{key: value for key, value in payload.items() if key in known})
        except TypeError:
            return None


def problem_of(call: CallAssessment) -> Problem:
    """The problem as ``call`` holds it."""
    return Problem(
        summary=call.summary.strip(), category=call.category, urgency=call.urgency,
        business_impact=call.business_impact, people_affected=call.people_affected,
        departments_affected=call.departments_affected, executive_affected=bool(call.executive_affected),
        security_concern=bool(call.security_concern), priority=call.priority,
    )


def _impact(problem: Problem) -> str:
    parts = []
    if problem.people_affected is not None:
        parts.append("1 person affected" if problem.people_affected == 1 else f"{problem.people_affected} people affected")
    if problem.departments_affected is not None:
        parts.append("1 department" if problem.departments_affected == 1 else f"{problem.departments_affected} departments")
    if problem.business_impact:
        parts.append("no business impact" if problem.business_impact == "none" else f"{problem.business_impact} business impact")
    if problem.executive_affected:
        parts.append("an executive affected")
    if problem.security_concern:
        parts.append("a security concern")
    return ", ".join(parts) or "no wider impact known"


def read_back_line(problem: Problem, categories: CategoryPolicy) -> str:
    """The words to read back: ``So I have it right: "printer offline" - …; priority P3 medium. Is that right?``"""
    category = categories.get(problem.category or "")
    parts = [
        f"\"{problem.summary}\"" if problem.summary else "(no summary yet)",
        category.label if category is not None else "category not chosen yet",
        _impact(problem),
        f"urgency {problem.urgency}" if problem.urgency else "urgency not asked",
    ]
    if problem.priority is not None:
        parts.append(f"priority {PRIORITY_NAMES.get(problem.priority, f'P{problem.priority}')}")
    return f"So I have it right: {parts[0]} - " + "; ".join(parts[1:]) + ". Is that right?"
