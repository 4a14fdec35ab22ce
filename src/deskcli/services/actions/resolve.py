"""Resolve or escalate: the actions, and the advice the screen shows (triggers, proposal)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskcli.models import Escalation
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import calls, drafts, escalations, handoff
from deskcli.services.lifecycle.callview import CallView
from deskcli.services.lifecycle.escalations import EscalationRequest
from deskcli.services.rules import prompts, triggers
from deskcli.services.rules.policy import Policies, Prompt
from deskcli.services.rules.triggers import Proposal, TriggerResult
from deskcli.services.timekeeping.business_time import BusinessCalendar

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from deskcli.store.db import Store

RESOLVE_DRAFTS = ("resolution", "instructions")
"""The resolve pane's fields kept as drafts until the resolution is recorded."""
ESCALATE_DRAFTS = ("handoff", "receiver", "time_to_fix", "callback_preference", "next_contact", "cause", "channel")
"""The escalate pane's fields kept as drafts until the escalation is saved."""


@dataclass(frozen=True)
class Advice:
    """What the resolve screen shows: the triggers, the proposal and the prompts."""

    triggers: list[TriggerResult]
    proposal: Proposal | None
    prompts: list[Prompt]
    handoff: str
    """The hand-off composed from the call, for the analyst to edit."""
    sla_breached: bool = False
    """The SLA's resolution time limit was reached when the advice was worked out."""

    @property
    def escalation_suggested(self) -> bool:
        """True when a trigger holds."""
        return any(result.holds for result in self.triggers)


def advice(
    view: CallView,
    *,
    ticked: Iterable[str],
    suggestions_found: bool | None,
    now: datetime,
    policies: Policies,
    zone: ZoneInfo,
    calendar: BusinessCalendar | None,
    channel: str | None = None,
) -> Advice:
    """Which triggers hold (a breached SLA among them), where they point (route, tier,
    cause), what to say, and the hand-off (saying how to contact the customer from now
    on when ``channel`` changes it)."""
    breached = view.sla_breached(now, policies.sla, zone, calendar)
    facts = view.facts(now=now, suggestions_found=suggestions_found, sla_breached=breached)
    results = triggers.evaluate(facts, policies.escalation, ticked)
    suggested = any(result.holds for result in results)
    situations = {"escalating"} | ({"escalate_suggested"} if suggested else set())
    # Only the escalation advice here: the general prompts are on the assessment screen.
    shown = [p for p in prompts.applicable(policies.prompts, situations) if p.when in situations]
    return Advice(
        results, triggers.propose(results, policies.escalation), shown, handoff.compose(view, results, channel), breached
    )


def resolve_call(
    store: Store, actor: Actor, call_id: int, *, resolution: str, instructions: str, article_id: int | None
) -> None:
    """Record what fixed it and what the caller was told; the drafts of both go."""
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution=resolution, instructions=instructions, article_id=article_id)
        drafts.clear_drafts(session, call_id, actor.analyst_id, RESOLVE_DRAFTS)


def escalate_call(
    store: Store, actor: Actor, call_id: int, request: EscalationRequest, *, callback_preference: str, policies: Policies
) -> Escalation:
    """Escalate with the caller's call-back preference kept for the hand-off; the drafts go."""
    with store.write() as session:
        calls.set_callback_preference(session, call_id, callback_preference, actor)
        escalation = escalations.escalate(session, call_id, request, actor, policy=policies.escalation)
        drafts.clear_drafts(session, call_id, actor.analyst_id, ESCALATE_DRAFTS)
        return escalation
