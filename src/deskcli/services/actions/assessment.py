"""The assessment's actions and the rules the screen shows while the analyst types:
the priority (and when it is derived again), the prompts that apply, known fixes, and
the read-back of the logged problem before leaving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deskcli.models import Call, CallImpact, KnowledgeArticle
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, elevation, knowledge, read_back
from deskcli.services.lifecycle.callview import CallView
from deskcli.services.rules import priority, prompts, triggers
from deskcli.services.rules.policy import Policies, PriorityPolicy, Prompt
from deskcli.services.rules.read_back import Problem, read_back_line

if TYPE_CHECKING:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deskcli.services.timekeeping.business_time import BusinessCalendar
    from deskcli.store.db import Store

PRIORITY_INPUTS = frozenset(
    {"urgency", "business_impact", "people_affected", "departments_affected", "executive_affected", "security_concern"}
)
"""The fields the priority is derived from."""

FORM_FIELDS = (
    "summary", "category", "urgency", "business_impact", "people_affected", "departments_affected",
    "executive_affected", "security_concern", "company_wide", "is_complaint", "complaint_valid", "complaint_steps",
)
"""What the assessment form holds, in the record's field names."""


def _impact(values: dict[str, Any]) -> CallImpact:
    return CallImpact(
        people_affected=values.get("people_affected"),
        departments_affected=values.get("departments_affected"),
        business_impact=values.get("business_impact"),
        executive_affected=bool(values.get("executive_affected")),
        security_concern=bool(values.get("security_concern")),
    )


def derived_priority(values: dict[str, Any], policy: PriorityPolicy) -> priority.DerivedPriority:
    """The priority the form's impact and urgency give."""
    return priority.derive(_impact(values), values.get("urgency"), policy)


def _inputs_changed(call: Call, values: dict[str, Any]) -> bool:
    return any(key in values and values[key] != getattr(call, key) for key in PRIORITY_INPUTS)


def priority_after(call: Call | None, values: dict[str, Any], policy: PriorityPolicy, *, elevated: bool) -> tuple[int, str]:
    """The priority, and its reason, that the record holds once ``values`` are saved.

    A priority on record stands until an input it is derived from changes; then it is
    derived again - and on an elevated call the derived one only raises it
    (:func:`~deskcli.services.rules.priority.standing_priority`).
    """
    derived = derived_priority({**(_current(call) if call is not None else {}), **values}, policy)
    if call is None or call.priority is None:
        return derived.priority, derived.reason
    if not _inputs_changed(call, values):
        return call.priority, call.priority_reason
    kept = priority.standing_priority(call.priority, derived.priority, elevated=elevated)
    if kept != derived.priority:
        return call.priority, call.priority_reason
    return derived.priority, derived.reason


def priority_line(call: Call | None, values: dict[str, Any], policy: PriorityPolicy, *, elevated: bool = False) -> str:
    """What the screen says about the priority.

    A priority on record stands until what it is derived from is changed (it may have
    been set earlier, raised by hand, or by another analyst); until then it is shown
    as it is, with its reason. An elevated one stands while the assessment gives a
    lower one, and the line says both.
    """
    derived = derived_priority(values, policy)
    if call is None or call.priority is None or call.priority == derived.priority:
        return f"{derived.label}: {derived.reason}"
    kept, reason = priority_after(call, values, policy, elevated=elevated)
    if elevated and kept == call.priority:
        return f"{priority.PRIORITY_NAMES[kept]} stands - {reason} (the assessment alone gives {derived.label[:2]})"
    if not _inputs_changed(call, values):
        return f"Priority {call.priority} on record: {call.priority_reason or 'set earlier'}"
    return f"{derived.label}: {derived.reason}"


def save_assessment(store: Store, actor: Actor, call_id: int, values: dict[str, Any], *, policy: PriorityPolicy) -> Call:
    """Save the assessment as the form shows it; only what differs from the record is changed.

    The priority is derived again only when an input it is derived from changed (or
    none is on record): editing the summary never overwrites a priority set earlier;
    and an elevated priority is never lowered by it (:func:`priority_after`).
    """
    form = {key: values[key] for key in FORM_FIELDS if key in values}
    if not form.get("is_complaint"):
        form["complaint_valid"] = None
    with store.write() as session:
        call = calls.get_call(session, call_id)
        changes = {key: value for key, value in form.items() if getattr(call, key) != value}
        if not changes:
            return call  # nothing the analyst changed: nothing is recorded, not even a priority
        if call.priority is None or _inputs_changed(call, form):
            elevated = call.priority is not None and elevation.is_elevated(session, call_id)
            changes["priority"], changes["priority_reason"] = priority_after(call, form, policy, elevated=elevated)
        if changes:
            call = calls.update_assessment(session, call_id, actor, **changes)
        return call


def _current(call: Call) -> dict[str, Any]:
    return {key: getattr(call, key) for key in FORM_FIELDS}


def situations(
    view: CallView | None, values: dict[str, Any], *, suggestions_found: bool | None, now: datetime, policies: Policies,
    zone: ZoneInfo | None = None, calendar: BusinessCalendar | None = None,
) -> set[str]:
    """Which prompt situations hold on the assessment right now (a breached SLA among
    the triggers when the office's ``zone`` is given, as on the resolve screen)."""
    found = {"customer_identified"} if view is not None else set()
    if values.get("is_complaint"):
        found.add("complaint")
        # Valid or not is the analyst's judgement: until it is made (None), neither applies.
        if values.get("complaint_valid") is True:
            found.add("complaint_valid")
        elif values.get("complaint_valid") is False:
            found.add("complaint_invalid")
    if suggestions_found is False and values.get("summary"):
        found.add("no_solution")
    if view is not None:
        breached = zone is not None and view.sla_breached(now, policies.sla, zone, calendar)
        facts = view.facts(now=now, suggestions_found=suggestions_found, sla_breached=breached)
        if any(result.holds for result in triggers.evaluate(facts, policies.escalation)):
            found.add("escalate_suggested")
    return found


COMPLAINT_SITUATIONS = frozenset({"complaint", "complaint_valid", "complaint_invalid"})
"""Situations whose prompts are shown beside the complaint, not at the foot of the form."""


@dataclass(frozen=True)
class AssessmentPrompts:
    """The seeds' advice for the assessment, by where it is shown."""

    complaint: list[Prompt]
    """Beside the complaint (what to say to a complaining caller)."""
    general: list[Prompt]


def assessment_prompts(situations_now: set[str], policies: Policies) -> AssessmentPrompts:
    """The seeds' advice for these situations: the complaint's, and the rest."""
    found = prompts.applicable(policies.prompts, situations_now)
    return AssessmentPrompts(
        [p for p in found if p.when in COMPLAINT_SITUATIONS], [p for p in found if p.when not in COMPLAINT_SITUATIONS]
    )


@dataclass(frozen=True)
class ReadBack:
    """The problem as it will be on record, and the words to read it back."""

    problem: Problem
    line: str


def read_back_of(view: CallView | None, values: dict[str, Any], policies: Policies) -> ReadBack:
    """The read-back of the form's problem (the priority as saving it gives)."""
    call = view.call if view is not None else None
    priority_now, _reason = priority_after(call, values, policies.priority, elevated=view.elevated if view else False)
    problem = Problem(
        summary=str(values.get("summary") or "").strip(), category=values.get("category"), urgency=values.get("urgency"),
        business_impact=values.get("business_impact"), people_affected=values.get("people_affected"),
        departments_affected=values.get("departments_affected"), executive_affected=bool(values.get("executive_affected")),
        security_concern=bool(values.get("security_concern")), priority=priority_now,
    )
    return ReadBack(problem, read_back_line(problem, policies.categories))


def confirm_read_back(store: Store, actor: Actor, call_id: int, shown: ReadBack) -> None:
    """The caller confirmed the read-back: "problem read back and confirmed" goes on the timeline.

    Run after the assessment's save (the writer keeps their order); refused when the
    record does not hold what was read back.
    """
    with store.write() as session:
        read_back.confirm(session, call_id, actor, shown=shown.problem, line=shown.line)


def known_fixes(store: Store, words: str) -> list[KnowledgeArticle]:
    """Knowledge articles matching the summary and category."""
    if not words.strip():
        return []
    with store.read() as session:
        return knowledge.suggest(session, words)


def record_article_use(store: Store, actor: Actor, call_id: int, article_id: int) -> None:
    """The analyst used this article on the call (linked when the resolution is recorded)."""
    with store.write() as session:
        knowledge.record_use(session, call_id, article_id, actor)


def record_apology(store: Store, actor: Actor, call_id: int) -> None:
    """The analyst apologised and empathised (saying sorry is not agreeing)."""
    with store.write() as session:
        calls.record_apology(session, call_id, actor)


@dataclass(frozen=True)
class Questions:
    """The questions to ask for a category."""

    label: str
    questions: tuple[str, ...]


def questions_for(category: str | None, policies: Policies) -> Questions | None:
    """The category's questions, when a known category is chosen."""
    found = policies.categories.get(category or "")
    return None if found is None else Questions(found.label, tuple(found.questions))
