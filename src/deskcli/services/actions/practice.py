"""Trainer mode's actions: set up a practice caller, read what the trainee did, score it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from deskcli.models import Scorecard
from deskcli.services.actor import Actor
from deskcli.services.lifecycle.events import events_after
from deskcli.services.rules.policy import Policies
from deskcli.services.training import practice_setup, scorecard
from deskcli.services.training.practice_setup import PracticeCaller
from deskcli.services.training.scenarios import Scenario

if TYPE_CHECKING:
    from deskcli.store.db import Store


def prepare(store: Store, actor: Actor, scenario: Scenario, *, policies: Policies, region: str, prefix: str) -> PracticeCaller:
    """The scenario's caller and history on record, afresh (earlier practice calls retired)."""
    with store.write() as session:
        return practice_setup.prepare_practice(session, scenario, actor, policies=policies, region=region, prefix=prefix)


def new_events(store: Store, call_id: int, after: int) -> list[tuple[int, str, dict[str, Any]]]:
    """What happened on the practice call since event ``after`` (the caller reacts to it)."""
    with store.read() as session:
        return events_after(session, call_id, after)


def score(
    store: Store,
    call_id: int,
    scenario: Scenario,
    *,
    policies: Policies,
    zone: ZoneInfo,
    since: datetime,
    trainee: str,
    analyst_id: int | None,
    scored_at: datetime,
) -> Scorecard:
    """Score the practice call against the scenario and keep the scorecard (returned detached)."""
    with store.write() as session:
        result = scorecard.score_call(session, call_id, scenario.expected, policies=policies, zone=zone, since=since)
        card = scorecard.save_scorecard(
            session, call_id=call_id, scenario_key=scenario.key, scenario_title=scenario.title,
            trainee=trainee, analyst_id=analyst_id, result=result, scored_at=scored_at,
        )
        session.flush()
        session.refresh(card)
        session.expunge(card)
        return card


def scorecard_exports(
    store: Store, *, trainee: str | None, limit: int, offset: int, zone: ZoneInfo
) -> tuple[list[dict[str, Any]], list[str]]:
    """Saved scorecards, newest first, as JSON documents and as Markdown (``deskcli scorecards``)."""
    with store.read() as session:
        cards = scorecard.list_scorecards(session, trainee=trainee, limit=limit, offset=offset)
        # Built inside the session: the rows are not usable once it ends.
        return [scorecard.to_json(card) for card in cards], [scorecard.to_markdown(card, zone=zone) for card in cards]
