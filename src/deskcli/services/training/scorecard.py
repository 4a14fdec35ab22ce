"""The practice-call scorecard: a call checked against the seeds' practice.

At the end of a practice call the trainer scores it against the scenario's answer
key (:class:`~deskcli.services.training.scenarios.Expected`). Every item is ``pass``,
``fail`` or ``n/a``, and says why with the facts of the call ("Escalated to
technical_experts (functional); expected senior_staff (hierarchical)"), so a
trainee learns what to do differently, not just a number.

The score reads the call's timeline (events are append-only, so what happened is
all there), its escalations and its promises. Nothing here writes to the call.

Adding an item: write a small ``_check_…(facts) -> Verdict`` function with a
docstring that says which practice it checks, and add it to :data:`CHECKS`.

Scorecards are saved (:func:`save_scorecard`), listed per trainee newest first
(:func:`list_scorecards`) and exported as Markdown (:func:`to_markdown`) or JSON
(:func:`to_json`).
"""


from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.clock import as_utc
from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import (
    Scorecard,
)
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.rules.policy import Policies
from deskcli.services.training.scenarios import Expected
from deskcli.services.training.score_checks import CHECKS, Check
from deskcli.services.training.score_facts import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    CallFacts,
    Result,
    ScoreItem,
    ScoreResult,
    Verdict,
    load_facts,
    score_text,
)

__all__ = [
    "CHECKS", "FAIL", "NOT_APPLICABLE", "PASS", "CallFacts", "Check", "Result", "ScoreItem", "ScoreResult", "Verdict",
    "get_scorecard", "list_scorecards", "load_facts", "save_scorecard", "score_call", "score_facts", "score_text",
    "to_json", "to_markdown",
]


def score_facts(facts: CallFacts, checks: Sequence[Check] = CHECKS) -> ScoreResult:
    """Run every check over the facts and tally them."""
    items = tuple(ScoreItem(check.key, check.label, *check.rule(facts)) for check in checks)
    applicable = sum(1 for item in items if item.result != NOT_APPLICABLE)
    passed = sum(1 for item in items if item.result == PASS)
    return ScoreResult(items=items, passed=passed, applicable=applicable)


def score_call(
    session: Session,
    call_id: int,
    expected: Expected,
    *,
    policies: Policies,
    zone: ZoneInfo,
    since: datetime | None = None,
) -> ScoreResult:
    """Score a practice call against the scenario's answer key.

    ``since`` (aware) is when the practice started: a repeat caller's call already
    has history, which is not the trainee's to answer for. Read-only.
    """
    return score_facts(load_facts(session, call_id, expected, policies=policies, zone=zone, since=since))


# --- keeping scorecards --------------------------------------------------------------


def save_scorecard(
    session: Session,
    *,
    call_id: int,
    scenario_key: str,
    scenario_title: str,
    trainee: str,
    analyst_id: int | None,
    result: ScoreResult,
    scored_at: datetime,
    trainer_note: str = "",
) -> Scorecard:
    """Keep a scored practice call. The caller commits (``with store.write() as s:``)."""
    trainee = " ".join(trainee.split())
    if not trainee:
        raise RuleViolation("trainee: name who took the practice call (required).")
    if len(trainee) > 120:
        raise RuleViolation("trainee: at most 120 characters.")
    try:
        scored_at = as_utc(scored_at)
    except ValueError:
        raise RuleViolation("scored_at: the time has no timezone; deskcli needs an exact moment.") from None
    get_call(session, call_id)  # a clear NotFound rather than a foreign-key error at commit
    card = Scorecard(
        call_id=call_id,
        scenario_key=scenario_key,
        scenario_title=scenario_title[:120],
        trainee=trainee,
        analyst_id=analyst_id,
        scored_at=scored_at,
        passed=result.passed,
        applicable=result.applicable,
        items=[
            {"key": item.key, "label": item.label, "result": item.result, "why": item.why} for item in result.items
        ],
        trainer_note=trainer_note.strip(),
    )
    session.add(card)
    session.flush()
    return card


MAX_PAGE = 500
"""The most scorecards one listing returns (page with ``offset`` for more)."""


def list_scorecards(
    session: Session, *, trainee: str | None = None, limit: int = 50, offset: int = 0
) -> list[Scorecard]:
    """Scorecards newest first, one page at a time; only ``trainee``'s when given."""
    if not 1 <= limit <= MAX_PAGE:
        raise RuleViolation(f"limit: expected 1 to {MAX_PAGE} (got {limit}).")
    if offset < 0:
        raise RuleViolation(f"offset: expected 0 or more (got {offset}).")
    query = select(Scorecard)
    if trainee is not None:
        query = query.where(Scorecard.trainee == " ".join(trainee.split()))
    query = query.order_by(col(Scorecard.scored_at).desc(), col(Scorecard.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query))


def get_scorecard(session: Session, id: int) -> Scorecard:
    """The scorecard with this id, or :class:`NotFound`."""
    card = session.get(Scorecard, id)
    if card is None:
        raise NotFound(f"scorecard {id} does not exist.")
    return card


# --- exports -------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped, no control characters."""
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _scored_at(card: Scorecard) -> datetime:
    # SQLModel reads datetimes back aware; a card not yet saved may hold whatever was set.
    moment = card.scored_at
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


def to_markdown(card: Scorecard, *, zone: ZoneInfo | None = None) -> str:
    """The scorecard as a Markdown section: heading, score, and an item table.

    Times are shown in ``zone`` when given (the office zone), else in UTC.
    """
    moment = _scored_at(card)
    shown = moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if zone else moment.strftime("%Y-%m-%d %H:%M UTC")
    score = score_text(card.passed, card.applicable)
    lines = [
        f"## {_cell(card.trainee)} - {_cell(card.scenario_title)} - {shown} - {score}",
        "",
        f"Trainee {_cell(card.trainee)}, scenario `{_cell(card.scenario_key)}`, call {card.call_id}: "
        f"{score} items passed.",
        "",
        "| Item | Result | Why |",
        "|---|---|---|",
    ]
    for item in card.items or []:
        lines.append(f"| {_cell(item.get('label', item.get('key', '')))} | {_cell(item.get('result', ''))} | {_cell(item.get('why', ''))} |")
    if card.trainer_note.strip():
        lines += ["", "Trainer's note: " + " ".join(_CONTROL.sub(" ", card.trainer_note).split())]
    return "\n".join(lines) + "\n"


def to_json(card: Scorecard) -> dict[str, Any]:
    """The scorecard as a JSON-ready dict with stable keys; times ISO 8601 in UTC."""
    return {
        "id": card.id,
        "call_id": card.call_id,
        "scenario_key": card.scenario_key,
        "scenario_title": card.scenario_title,
        "trainee": card.trainee,
        "analyst_id": card.analyst_id,
        "scored_at": _scored_at(card).isoformat(),
        "passed": card.passed,
        "applicable": card.applicable,
        "score": score_text(card.passed, card.applicable),
        "items": [
            {
                "key": item.get("key", ""),
                "label": item.get("label", ""),
                "result": item.get("result", ""),
                "why": item.get("why", ""),
            }
            for item in (card.items or [])
        ],
        "trainer_note": card.trainer_note,
    }
