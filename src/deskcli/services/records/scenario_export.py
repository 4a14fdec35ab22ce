"""A reviewed call becomes a practice caller (seed 004: "these records can also be used during
training as real-life situations").

The scenario is written from the call's record - what the caller said (summary, notes),
who was affected, what was tried, how the call went - with the caller's name,
organisation, e-mail and phone, the staff's names and every number replaced
(:mod:`.anonymise`). The answer key is the review's expected outcome. The file is
checked exactly as ``deskcli scenarios check`` checks one (and against the policies)
before it is handed back, so what is exported can be played with ``deskcli train``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import tomlkit
from sqlmodel import Session, col, select

from deskcli.config import datafiles
from deskcli.core.clock import as_utc
from deskcli.core.errors import DataFileError, RuleViolation
from deskcli.models import Analyst, Call, CallEvent, Commitment, Customer, EventKind
from deskcli.services.actor import Actor
from deskcli.services.lifecycle.knowledge import shipped_articles
from deskcli.services.records.anonymise import Anonymiser, stand_in
from deskcli.services.records.review import POINTS, reviews_of
from deskcli.services.rules.policy import Policies
from deskcli.services.training.scenarios import Scenario, check_against_policies

if TYPE_CHECKING:
    from deskcli.store.db import Store

_PRACTISES = {
    "when": "escalate at the right time",
    "department": "choose the right route",
    "assessment": "assess fully and pass on detail",
    "customer": "keep the customer on side",
    "promises": "keep promises",
    "sla": "mind the SLA",
}


@dataclass(frozen=True)
class ExportedScenario:
    """The scenario, its file name and its text."""

    key: str
    file_name: str
    text: str
    scenario: Scenario


def scenario_key(reference: str) -> str:
    """``from-hd-000123``: a scenario key (lower case, digits and dashes) for the call."""
    return "from-" + re.sub(r"[^a-z0-9]+", "-", reference.lower()).strip("-")


def _sentences(text: str, limit: int = 2) -> str:
    parts = [part.strip() for part in re.split(r"(?<=[.!?;])\s+|\n+", text) if part.strip()]
    return " ".join(parts[:limit])


def _impact(call: Call) -> str:
    bits = []
    if call.people_affected and call.people_affected > 1:
        bits.append(f"about {call.people_affected} of us")
    if call.departments_affected and call.departments_affected > 1:
        bits.append(f"{call.departments_affected} departments")
    if call.executive_affected:
        bits.append("including one of our directors")
    if not bits:
        return "Just me, as far as I know."
    return "It's " + ", ".join(bits) + "."


def _urgency(call: Call) -> str:
    if call.business_impact in ("significant", "severe") or call.urgency == "high":
        return "Very urgent - it's stopping us working."
    if call.urgency == "low":
        return "Not urgent, but I'd like it sorted."
    return "Fairly urgent: today if you can."


def build_scenario(session: Session, call_id: int, policies: Policies, zone: ZoneInfo) -> ExportedScenario:
    """The scenario of a reviewed call (a :class:`RuleViolation` if it has no review yet)."""
    call = session.get(Call, call_id)
    if call is None:
        raise RuleViolation(f"call {call_id} does not exist.")
    reviews = reviews_of(session, call_id)
    if not reviews:
        raise RuleViolation(f"{call.reference} has not been reviewed: review it first, so the scenario has an answer key.")
    review = reviews[0]
    customer = session.get(Customer, call.customer_id)
    assert customer is not None
    staff = session.exec(select(Analyst.name)).all()
    fake = stand_in(call.id)
    clean = Anonymiser(customer, list(staff), fake)
    events = session.exec(select(CallEvent.kind).where(CallEvent.call_id == call_id).order_by(col(CallEvent.id))).all()
    callback = session.exec(
        select(Commitment.id).where(Commitment.call_id == call_id, Commitment.kind == "callback")
    ).first() is not None
    summary = clean(call.summary) or "a problem I need help with"
    notes = clean(_sentences(call.notes, 3))
    first_name = fake.name.split()[0]
    expected = review.expected
    key = scenario_key(call.reference)
    low = [mark.point for mark in review.marks if mark.score <= 3]
    labels = dict(POINTS)
    route_hint = (
        f"Escalate ({expected.type}) to {expected.route}, with the detail, a time to fix and a next-contact time."
        if expected.outcome == "escalate"
        else ("Warn twice, then transfer to a manager." if expected.outcome == "transfer" else "Resolve it on the call.")
    )
    opened_local = as_utc(call.opened_at).astimezone(zone)
    document: dict[str, Any] = {
        "title": f"From a real call: {summary}"[:120],
        "summary": (
            f"A reviewed escalation turned into a practice caller (names and numbers replaced). "
            f"The review marked low: {', '.join(labels[p].lower() for p in low) or 'nothing'}."
            + (f" Reviewer: {clean(review.comment)}" if review.comment.strip() else "")
        ),
        "practises": ["escalation", *(_PRACTISES[p] for p in low)],
        "call_time": time(opened_local.hour, opened_local.minute),
        "opening": f"Hello, it's {first_name}. {summary[0].upper() + summary[1:]}.".replace("..", "."),
        "persona": {
            "name": fake.name,
            "spelling": "-".join(ch.upper() for ch in first_name if ch.isalpha()),
            "organisation": fake.organisation,
            "department": clean(customer.department),
            "email": fake.email,
            "phone": fake.phone,
            "vip": bool(customer.is_vip),
            "executive": bool(call.executive_affected),
            "abusive_history": "abusive_history" in (customer.caution_flags or []),
        },
        "answers": [
            {"ask": "name and spelling", "say": f"{fake.name}. {'-'.join(ch.upper() for ch in first_name if ch.isalpha())}."},
            {"ask": "what happens exactly", "say": f"{summary[0].upper() + summary[1:]}." + (f" {notes}" if notes else "")},
            {"ask": "who else is affected", "say": _impact(call)},
            {"ask": "what have you tried", "say": notes or "Nothing yet - I rang you straight away."},
            {"ask": "how urgent", "say": _urgency(call)},
            {"ask": "best number to reach you", "say": f"This number, {fake.phone}."},
        ],
        "script": [
            {"say": f"Hello, it's {first_name}. {summary[0].upper() + summary[1:]}.".replace("..", "."),
             "hint": "Greeting: find the caller, confirm the name and spelling, give the reference.", "stage": "greeting"},
            {"say": notes or "I don't know what else to tell you.",
             "hint": "Assessment: the category's questions, who else is affected, the business impact.", "stage": "assessment"},
            {"say": "Can you fix it from there?", "hint": route_hint, "stage": "resolve"},
            {"say": "So when will I hear from you?", "hint": "Give a next-contact time and keep it.", "stage": "close"},
        ],
        "reactions": [
            {"on": "hold_started", "say": "OK, I'll hold."},
            {"on": "escalated", "say": "Who is looking at it now?"},
            {"on": "promise_made", "say": "Fine, I'll expect your call."},
        ],
        "expected": {
            "outcome": expected.outcome,
            **({"route": expected.route, "type": expected.type} if expected.outcome == "escalate" else {}),
            "triggers": list(expected.triggers),
            "complaint": bool(call.is_complaint),
            **({"complaint_valid": call.complaint_valid} if call.complaint_valid is not None else {}),
            "callback": callback,
        },
    }
    if EventKind.WARNING_GIVEN in events:
        document["reactions"].append({"on": "warning_1", "say": "Fine. Fine. I'm listening."})
    text = (
        f"# Exported from a reviewed call (escalation review of {review.reviewed_at:%Y-%m-%d}).\n"
        "# The caller's name, organisation, e-mail and phone, staff names and numbers are replaced.\n"
        + tomlkit.dumps(document)
    )
    file_name = f"{key}.toml"
    scenario = _validate(file_name, text, key, policies)
    return ExportedScenario(key, file_name, text, scenario)


def _validate(file_name: str, text: str, key: str, policies: Policies) -> Scenario:
    """Check the text as ``deskcli scenarios check`` would, and against the policies and articles."""
    file = datafiles.DataFile(file_name, text)
    data = datafiles.parse_toml(file)
    data["key"] = key
    scenario = datafiles.validate(Scenario, data, file)
    problems = check_against_policies(
        scenario,
        [route.key for route in policies.escalation.routes],
        [trigger.key for trigger in policies.escalation.triggers],
        [slug for slug, _meta, _symptoms, _steps in shipped_articles()],
    )
    if problems:
        raise DataFileError(f"{file_name}: the exported scenario does not fit the policies: {problems[0]}")
    return scenario


def export_scenario(store: Store, by: Actor, call_id: int, folder: Path, *, policies: Policies, zone: ZoneInfo) -> Path:
    """The use case: write the reviewed call's scenario into ``folder`` (e.g. the ``scenario_dir``); its path."""
    with store.read() as session:
        exported = build_scenario(session, call_id, policies, zone)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / exported.file_name
        path.write_text(exported.text, encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{folder}: the scenario cannot be written there ({exc.strerror or exc}).") from None
    return path
