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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from deskcli.core.clock import as_utc
from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import (
    Analyst,
    Call,
    CallEvent,
    Commitment,
    CommitmentKind,
    Customer,
    Escalation,
    EventKind,
    Scorecard,
)
from deskcli.services.lifecycle.calls import get_call
from deskcli.services.lifecycle.greeting import time_of_day
from deskcli.services.rules.policy import Policies
from deskcli.services.training.scenarios import Expected

Result = Literal["pass", "fail", "n/a"]

PASS: Result = "pass"
FAIL: Result = "fail"
NOT_APPLICABLE: Result = "n/a"


@dataclass(frozen=True)
class ScoreItem:
    """One item of the scorecard and why it came out as it did."""

    key: str
    label: str
    result: Result
    why: str


@dataclass(frozen=True)
class ScoreResult:
    """Every item checked, in order, and the tally."""

    items: tuple[ScoreItem, ...]
    passed: int
    applicable: int
    """Items that applied to this call (not ``n/a``)."""

    @property
    def score(self) -> float:
        """``passed / applicable`` (1.0 when nothing applied: nothing was done wrong)."""
        return self.passed / self.applicable if self.applicable else 1.0

    @property
    def score_text(self) -> str:
        """``"12/14"``."""
        return score_text(self.passed, self.applicable)

    def item(self, key: str) -> ScoreItem:
        """The item with this key (``KeyError`` when there is none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def failed(self) -> list[str]:
        """Keys of the failed items, in order."""
        return [item.key for item in self.items if item.result == FAIL]


def score_text(passed: int, applicable: int) -> str:
    """The score as a trainer writes it: ``"12/14"``."""
    return f"{passed}/{applicable}"


# --- what the checks read ------------------------------------------------------------

# Only these kinds matter to the score. Loading just them skips the notes autosave
# entries, which can be hundreds on one call.
_SCORED_KINDS = (
    EventKind.GREETED,
    EventKind.NAME_CONFIRMED,
    EventKind.ACKNOWLEDGED,
    EventKind.APOLOGISED,
    EventKind.ARTICLE_USED,
    EventKind.RESOLVED,
    EventKind.ESCALATED,
    EventKind.HOLD_STARTED,
    EventKind.HOLD_ENDED,
    EventKind.WARNING_GIVEN,
    EventKind.TRANSFERRED,
    EventKind.DISCONNECTED,
    EventKind.COMMITMENT_MADE,
    EventKind.CUSTOMER_AGREED,
    EventKind.CUSTOMER_DECLINED,
    EventKind.CLOSED,
    EventKind.REOPENED,
)


@dataclass(frozen=True)
class CallFacts:
    """What happened on the practice call, loaded once and read by every check."""

    call: Call
    customer_name: str
    greeter: Analyst | None
    """Who greeted the caller (the analyst whose name and department the greeting must say)."""
    events: tuple[CallEvent, ...]
    """The scored kinds of event since the practice started, oldest first."""
    escalations: tuple[Escalation, ...]
    """Escalations made through the escalation procedure during the practice, oldest first.
    A transfer of an abusive caller is not one of them (it has no hand-off form)."""
    next_contacts: dict[int, Commitment]
    """The next-contact promises of those escalations, by id."""
    expected: Expected
    policies: Policies
    zone: ZoneInfo

    def of(self, *kinds: EventKind) -> list[CallEvent]:
        """Events of these kinds, oldest first."""
        return [event for event in self.events if event.kind in kinds]

    def first(self, kind: EventKind) -> CallEvent | None:
        """The first event of this kind, if any."""
        return next((event for event in self.events if event.kind == kind), None)

    def last(self, *kinds: EventKind) -> CallEvent | None:
        """The latest event of any of these kinds, if any."""
        found = self.of(*kinds)
        return found[-1] if found else None

    def promises(self, kind: CommitmentKind) -> list[CallEvent]:
        """``COMMITMENT_MADE`` events of this kind of promise."""
        return [event for event in self.of(EventKind.COMMITMENT_MADE) if event.payload.get("kind") == kind]

    def clock(self, moment: datetime) -> str:
        """A time during the call, as the trainer reads it: ``14:05`` local."""
        return moment.astimezone(self.zone).strftime("%H:%M")

    def day(self, moment: datetime) -> str:
        """A time a promise is due: ``Wed 11 Mar 10:00`` local."""
        return moment.astimezone(self.zone).strftime("%a %d %b %H:%M")

    @property
    def closed(self) -> bool:
        """Closed during the practice and not reopened since."""
        last = self.last(EventKind.CLOSED, EventKind.REOPENED)
        return last is not None and last.kind == EventKind.CLOSED

    @property
    def transferred(self) -> bool:
        """The abusive-caller protocol ended in a transfer to a manager."""
        return bool(self.of(EventKind.TRANSFERRED))


def _due(event: CallEvent) -> datetime | None:
    """When a promise recorded by ``COMMITMENT_MADE`` is due (stored as ISO text)."""
    value = event.payload.get("due_at")
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _quote(text: str, limit: int = 80) -> str:
    """Text from the call, on one line and cut short, in quotes."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f'"{flat}"'


def _listed(values: Iterable[str]) -> str:
    values = list(values)
    return ", ".join(values) if values else "none"


Verdict = tuple[Result, str]


def _pass(why: str) -> Verdict:
    return PASS, why


def _fail(why: str) -> Verdict:
    return FAIL, why


def _na(why: str) -> Verdict:
    return NOT_APPLICABLE, why


# --- the checks ----------------------------------------------------------------------

_TIMES_OF_DAY = ("morning", "afternoon", "evening")
_OFFER_OF_HELP = re.compile(r"\b(help|assist)", re.IGNORECASE)


def _words(words: str) -> re.Pattern[str]:
    """A pattern for ``words`` as whole words, ignoring case and spacing."""
    # Lookarounds rather than \b: a name may end in a non-word character ("Jr.").
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(part) for part in words.split()) + r"(?!\w)", re.IGNORECASE)


def _has_words(text: str, words: str) -> bool:
    """``words`` appear in ``text`` as whole words, ignoring case and spacing."""
    return _words(words).search(text) is not None


def _check_greeting(facts: CallFacts) -> Verdict:
    """The greeting says the right time of day, the analyst's own name and department,
    and offers help (seed: The Greeting - never just "Hello")."""
    event = facts.first(EventKind.GREETED)
    if event is None:
        return _fail("No greeting recorded: say good morning/afternoon, your name and department, and offer help.")
    text = " ".join(str(event.payload.get("text", "")).split())
    at = facts.clock(event.at)
    right = time_of_day(event.at, facts.zone, facts.policies.greeting)
    problems = []
    if not _has_words(text, right):
        said = [word for word in _TIMES_OF_DAY if _has_words(text, word)]
        problems.append(f"said '{said[0]}' at {at} (it was {right})" if said else f"no 'good {right}'")
    name = facts.greeter.name if facts.greeter else ""
    if not name or not _has_words(text, name):
        problems.append(f"own name ({name or 'unknown'}) missing")
    department = facts.greeter.department if facts.greeter else ""
    if not department:
        # Seed: "your organization and/or department" - the profile may only have the former.
        department = facts.greeter.organisation if facts.greeter else ""
    if not department or not _has_words(text, department):
        problems.append(f"department ({department or 'not set on the profile'}) missing")
    # "Help Desk" is a department, not an offer: look for the offer in what is left.
    rest = text
    for part in (name, department):
        if part:
            rest = _words(part).sub(" ", rest)
    if not _OFFER_OF_HELP.search(rest):
        problems.append("no offer of help")
    if problems:
        return _fail(f"{_quote(text, 120)} at {at}: " + "; ".join(problems) + ".")
    return _pass(f"{_quote(text, 120)} at {at}: {right}, own name, department and an offer of help.")


def _check_name(facts: CallFacts) -> Verdict:
    """The caller's name was confirmed with its spelling (seed: establish how to spell
    and pronounce it, then use it throughout the call)."""
    event = facts.last(EventKind.NAME_CONFIRMED)
    if event is None:
        return _fail(f"The caller's name ({facts.customer_name}) was never confirmed: ask how it is spelled and said.")
    name = event.payload.get("name") or facts.customer_name
    spelling = str(event.payload.get("spelling") or "").strip()
    if not spelling:
        return _fail(f"Name {name} confirmed at {facts.clock(event.at)}, but no spelling recorded.")
    return _pass(f"Name {name} confirmed at {facts.clock(event.at)}, spelled {spelling}.")


def _check_reference(facts: CallFacts) -> Verdict:
    """The reference number was given and the call acknowledged, verbally or by
    e-mail (seed: Call Handling steps 3 and 4)."""
    event = facts.first(EventKind.ACKNOWLEDGED)
    if event is None:
        return _fail(f"Reference {facts.call.reference} never given: the call was not acknowledged to the caller.")
    method = event.payload.get("method") or "verbal"
    reference = event.payload.get("reference") or facts.call.reference
    return _pass(f"Reference {reference} given ({method}) at {facts.clock(event.at)}.")


def _check_apology(facts: CallFacts) -> Verdict:
    """On a complaint the analyst apologised and empathised (seed: Complaints - saying
    sorry is not agreeing)."""
    if not facts.expected.complaint:
        return _na("Not a complaint.")
    event = facts.first(EventKind.APOLOGISED)
    if event is None:
        return _fail("A complaint, and no apology or empathy recorded: say sorry for the trouble (it is not agreeing).")
    words = str(event.payload.get("words") or "").strip()
    return _pass(f"Apologised at {facts.clock(event.at)}" + (f": {_quote(words)}." if words else "."))


def _check_solution(facts: CallFacts) -> Verdict:
    """A solution was offered only when one existed: the known fix used and the call
    resolved; with no known fix, not "resolved" but escalated (seed 003: offer a
    solution, but ONLY if you have one)."""
    article = facts.expected.article
    resolved = facts.first(EventKind.RESOLVED)
    used = list(dict.fromkeys(str(e.payload.get("slug", "")) for e in facts.of(EventKind.ARTICLE_USED)))
    escalated = facts.first(EventKind.ESCALATED)
    if article:
        problems = []
        if article not in used:
            problems.append(f"the known fix {article} was not used" + (f" (used {_listed(used)})" if used else ""))
        if resolved is None:
            problems.append("the call was not resolved" + (" (escalated instead)" if escalated else ""))
        if problems:
            text = "; ".join(problems)
            return _fail(text[0].upper() + text[1:] + ".")
        return _pass(f"Known fix {article} used; resolved at {facts.clock(resolved.at)}.")
    if resolved is not None:
        resolution = str(resolved.payload.get("resolution") or "")
        return _fail(
            f"Resolved at {facts.clock(resolved.at)} ({_quote(resolution, 60)}) though no known fix existed: "
            "it should have been escalated."
        )
    if escalated is None:
        return _fail("No known fix, and the call was neither resolved nor escalated: find someone who can.")
    return _pass(f"No known fix: not resolved on the call; escalated at {facts.clock(escalated.at)}.")


def _escalation_text(event: CallEvent) -> str:
    route = event.payload.get("route") or "?"
    kind = event.payload.get("type")
    return f"{route} ({kind})" if kind else str(route)


def _check_escalated(facts: CallFacts) -> Verdict:
    """Escalated when a trigger held, and not otherwise (seed: if you can't deal with
    it, find someone who can; seed 004: prevent unnecessary escalations)."""
    expected = facts.expected
    should = expected.outcome in ("escalate", "transfer")
    events = facts.of(EventKind.ESCALATED)
    triggers = _listed(expected.triggers)
    if events and should:
        first = events[0]
        return _pass(
            f"Escalated to {_escalation_text(first)} at {facts.clock(first.at)}; "
            f"expected {expected.outcome} (triggers: {triggers})."
        )
    if not events and not should:
        fix = f" with {expected.article}" if expected.article else ""
        return _pass(f"Not escalated: no trigger held; expected resolve{fix}.")
    if events:
        fix = f" with the known fix {expected.article}" if expected.article else ""
        return _fail(
            f"Escalated to {_escalation_text(events[0])} at {facts.clock(events[0].at)}, but no trigger held: "
            f"expected resolve{fix}."
        )
    return _fail(f"Not escalated; expected {expected.outcome} (triggers: {triggers}).")


def _check_triggers(facts: CallFacts) -> Verdict:
    """The escalation named the triggers that held (seed: When to Escalate a Call)."""
    expected = facts.expected.triggers
    if not expected:
        return _na("No escalation trigger held on this call.")
    events = facts.of(EventKind.ESCALATED)
    if not events:
        return _fail(f"Not escalated: triggers {_listed(expected)} not noticed.")
    noticed = list(dict.fromkeys(str(t) for e in events for t in (e.payload.get("triggers") or [])))
    missing = [key for key in expected if key not in noticed]
    if missing:
        return _fail(f"Noticed {_listed(noticed)}; missing {_listed(missing)} (expected {_listed(expected)}).")
    return _pass(f"Noticed {_listed(noticed)}; expected {_listed(expected)}.")


def _check_route(facts: CallFacts) -> Verdict:
    """The call went to the right place first: the expected route and type,
    functional or hierarchical (seed 004: was it transferred to the appropriate
    department?)."""
    expected = facts.expected
    if expected.outcome == "resolve":
        return _na("Resolved call: no escalation route expected.")
    if expected.outcome == "transfer":
        return _na("Abusive caller: the protocol transfers to a manager; no route to choose.")
    want = f"{expected.route} ({expected.type})"
    if not facts.escalations:
        return _fail(f"Not escalated; expected {want}.")
    first, later = facts.escalations[0], facts.escalations[1:]
    got = f"{first.route} ({first.type})"
    then = f", then re-escalated to {_listed(f'{e.route} ({e.type})' for e in later)}" if later else ""
    if first.route == expected.route and first.type == expected.type:
        return _pass(f"Escalated to {got}{then}; expected {want}.")
    return _fail(f"Escalated to {got}{then}; expected {want}.")


def _check_handoff(facts: CallFacts) -> Verdict:
    """Everything known was passed on: the hand-off of each escalation, or what the
    manager was told after a transfer or disconnect (seed: pass on as much detail
    as possible)."""
    sources = [(f"to {e.receiver}", e.handoff) for e in facts.escalations]
    for event in facts.of(EventKind.TRANSFERRED, EventKind.DISCONNECTED):
        sources.append((f"to manager {event.payload.get('manager') or '?'}", str(event.payload.get("note") or "")))
    if not sources:
        if facts.expected.outcome == "resolve":
            return _na("Resolved on the call: nothing to hand off.")
        return _fail(f"Not escalated: no hand-off detail passed on (expected {facts.expected.outcome}).")
    empty = [where for where, text in sources if not text.strip()]
    if empty:
        return _fail(f"No hand-off detail {_listed(empty)}.")
    where, text = sources[-1]
    return _pass(f"Hand-off {where}: {_quote(text)} ({len(text.split())} words).")


def _check_time_to_fix(facts: CallFacts) -> Verdict:
    """The receiver's estimate of the time to fix was obtained (seed: the call
    escalation procedure, point 3)."""
    if not facts.escalations:
        if facts.expected.outcome == "escalate":
            return _fail("Not escalated: no time to fix obtained.")
        if facts.expected.outcome == "transfer":
            return _na("Transferred live to a manager: no time to fix is asked.")
        return _na("Not escalated: no time to fix to obtain.")
    missing = [e.receiver for e in facts.escalations if not e.time_to_fix.strip()]
    if missing:
        return _fail(f"No time to fix obtained from {_listed(missing)}.")
    last = facts.escalations[-1]
    return _pass(f"Time to fix from {last.receiver}: {_quote(last.time_to_fix, 60)}.")


def _check_next_contact(facts: CallFacts) -> Verdict:
    """After escalating, the customer was told when they will next hear from the
    desk (seed: Ownership - a reasonable time frame of response)."""
    if not facts.escalations:
        if facts.expected.outcome == "escalate":
            return _fail("Not escalated: no next-contact time given.")
        if facts.expected.outcome == "transfer":
            return _na("Transferred live to a manager: the manager takes it from there.")
        return _na("Not escalated: no next-contact time needed.")
    promises = [facts.next_contacts.get(e.next_contact_id) for e in facts.escalations if e.next_contact_id]
    given = [p for p in promises if p is not None]
    if len(given) < len(facts.escalations):
        return _fail("Escalated without telling the customer when they will next hear from the desk.")
    return _pass(f"Customer told to expect the next contact by {facts.day(given[-1].due_at)}.")


def _long_holds(facts: CallFacts) -> list[int]:
    """Lengths (seconds) of holds over the policy's limit."""
    limit = facts.policies.call_handling.hold.warn_after_seconds
    return [int(e.payload.get("seconds") or 0) for e in facts.of(EventKind.HOLD_ENDED) if int(e.payload.get("seconds") or 0) > limit]


def _check_callback(facts: CallFacts) -> Verdict:
    """A call-back was offered instead of keeping the caller on a long hold, or
    when the scenario called for one (seed 003: ask if they'd prefer a call-back)."""
    long = _long_holds(facts)
    limit = facts.policies.call_handling.hold.warn_after_seconds
    if not long and not facts.expected.callback:
        return _na("No long hold, and no call-back called for.")
    reason = f"a {max(long)} s hold (over {limit} s)" if long else "this caller needed one"
    callbacks = facts.promises(CommitmentKind.CALLBACK)
    if not callbacks:
        return _fail(f"No call-back offered: {reason}.")
    due = _due(callbacks[0])
    when = f" for {facts.day(due)}" if due else ""
    return _pass(f"Call-back promised{when}: {reason}.")


def _check_holds(facts: CallFacts) -> Verdict:
    """Holds were neither too long nor too frequent (seed 002: don't put the customer
    on hold too often or for too long)."""
    policy = facts.policies.call_handling.hold
    count = len(facts.of(EventKind.HOLD_STARTED))
    if count == 0:
        return _pass(f"No holds (limits: {policy.warn_after_seconds} s each, {policy.max_holds_per_call} per call).")
    lengths = [int(e.payload.get("seconds") or 0) for e in facts.of(EventKind.HOLD_ENDED)]
    longest = max(lengths, default=0)
    problems = []
    long = _long_holds(facts)
    if long:
        problems.append(f"{len(long)} hold(s) longer than {policy.warn_after_seconds} s (longest {longest} s)")
    if count > policy.max_holds_per_call:
        problems.append(f"{count} holds; {policy.max_holds_per_call} allowed")
    if facts.call.hold_started_at is not None:
        problems.append("the caller is still on hold")
    if problems:
        return _fail("; ".join(problems).capitalize() + ".")
    plural = "hold" if count == 1 else "holds"
    return _pass(
        f"No hold longer than {policy.warn_after_seconds} s (longest {longest} s); "
        f"{count} {plural} of {policy.max_holds_per_call} allowed."
    )


def _check_warnings(facts: CallFacts) -> Verdict:
    """With an abusive caller: warning, warning with its consequence, then transfer
    or disconnect - in that order (seed 002)."""
    warnings = facts.of(EventKind.WARNING_GIVEN)
    acts = facts.of(EventKind.TRANSFERRED, EventKind.DISCONNECTED)
    abusive = facts.expected.outcome == "transfer"
    if not abusive and not warnings and not acts:
        return _na("No abusive caller; no warning, transfer or disconnect.")
    numbers = [int(e.payload.get("number") or 0) for e in warnings]
    given = ", ".join(f"{n} at {facts.clock(e.at)}" for n, e in zip(numbers, warnings, strict=True)) or "none"
    in_order = numbers == list(range(1, len(numbers) + 1))
    if not acts:
        if abusive:
            return _fail(f"Warnings given: {given}; the caller was never transferred to a manager.")
        if not in_order:
            return _fail(f"Warnings out of order: {given}.")
        return _pass(f"Warnings given in order ({given}); no transfer was needed.")
    act = acts[0]
    done = (
        f"transferred to {act.payload.get('manager') or 'a manager'}"
        if act.kind == EventKind.TRANSFERRED
        else "disconnected"
    )
    before = [e for e in warnings if e.id is not None and act.id is not None and e.id < act.id]
    if numbers[:2] != [1, 2] or len(before) < 2 or not in_order:
        return _fail(f"Warnings: {given}; {done} at {facts.clock(act.at)} without warnings 1 and 2 first.")
    return _pass(f"Warnings {given}; then {done} at {facts.clock(act.at)}.")


def _check_agreement(facts: CallFacts) -> Verdict:
    """The call was closed only with the customer's agreement; a resolved call was
    not left without asking (seed: do not close the call until the customer agrees)."""
    closed = facts.last(EventKind.CLOSED) if facts.closed else None
    if closed is not None:
        reopened = [e.id for e in facts.of(EventKind.REOPENED) if e.id is not None and closed.id is not None and e.id < closed.id]
        since = max(reopened, default=0)
        agreed = [
            e for e in facts.of(EventKind.CUSTOMER_AGREED)
            if e.id is not None and closed.id is not None and since < e.id < closed.id
        ]
        if agreed and not facts.expected.caller_agrees:
            return _fail(
                f"Closed at {facts.clock(closed.at)} with an agreement the caller never gave: it was not fixed "
                "for them yet. Ask, and record their answer (not yet: the call waits for their confirmation)."
            )
        if agreed:
            return _pass(f"Customer agreed at {facts.clock(agreed[-1].at)}; closed at {facts.clock(closed.at)}.")
        return _fail(f"Closed at {facts.clock(closed.at)} without the customer's agreement.")
    answer = facts.last(EventKind.CUSTOMER_AGREED, EventKind.CUSTOMER_DECLINED)
    if answer is not None and answer.kind == EventKind.CUSTOMER_AGREED and not facts.expected.caller_agrees:
        return _fail(f"Recorded at {facts.clock(answer.at)} that the caller agreed to close; they did not agree.")
    if answer is not None and answer.kind == EventKind.CUSTOMER_AGREED:
        return _pass(f"Customer agreed at {facts.clock(answer.at)}; the call is not closed yet.")
    if answer is not None:
        return _pass(f"Customer asked at {facts.clock(answer.at)}, not yet satisfied: left awaiting confirmation.")
    escalated = facts.first(EventKind.ESCALATED)
    if escalated is not None:
        return _pass(f"Escalated at {facts.clock(escalated.at)} and left open until the customer agrees.")
    resolved = facts.first(EventKind.RESOLVED)
    if resolved is not None:
        return _fail(f"Resolved at {facts.clock(resolved.at)}, but the customer was never asked whether it can be closed.")
    return _na("Neither resolved, escalated nor closed: nothing to agree yet.")


def _check_follow_up(facts: CallFacts) -> Verdict:
    """What comes next was booked: a follow-up call after close, or the next contact
    after an escalation (seeds: the follow-up call; stay in touch with the customer)."""
    if facts.closed:
        follow_ups = facts.promises(CommitmentKind.FOLLOW_UP)
        if not follow_ups:
            return _fail("Closed without scheduling the follow-up call.")
        due = _due(follow_ups[-1])
        return _pass("Follow-up call scheduled" + (f" for {facts.day(due)}." if due else "."))
    if facts.transferred and not facts.escalations:
        return _na("Transferred live to a manager: the manager follows up.")
    if facts.first(EventKind.ESCALATED) is not None:
        promises = facts.promises(CommitmentKind.NEXT_CONTACT)
        if not promises:
            return _fail("Escalated without a next-contact promise.")
        due = _due(promises[-1])
        return _pass("Next contact promised" + (f" for {facts.day(due)}." if due else "."))
    booked = facts.promises(CommitmentKind.CALLBACK) + facts.promises(CommitmentKind.PROMISE)
    if booked:
        due = _due(booked[-1])
        return _pass("Left open with a call-back booked" + (f" for {facts.day(due)}." if due else "."))
    if facts.first(EventKind.CUSTOMER_DECLINED) is not None:
        return _fail("The customer is not yet satisfied, and nothing was booked to check back with them.")
    return _na("Neither closed nor escalated: no follow-up due yet.")


@dataclass(frozen=True)
class Check:
    """One item of the scorecard: its key, what the trainer reads, and the rule."""

    key: str
    label: str
    rule: Callable[[CallFacts], Verdict]


CHECKS: tuple[Check, ...] = (
    Check("greeting", "Greeting: time of day, own name and department, offer of help", _check_greeting),
    Check("name_confirmed", "Caller's name used and its spelling confirmed", _check_name),
    Check("reference", "Reference given and acknowledgement made", _check_reference),
    Check("apology", "Apology and empathy on a complaint", _check_apology),
    Check("solution", "Solution offered only when one existed", _check_solution),
    Check("escalated", "Escalated when a trigger held, and not otherwise", _check_escalated),
    Check("triggers", "Escalation triggers noticed", _check_triggers),
    Check("route", "Right route and type", _check_route),
    Check("handoff", "Hand-off detail passed on", _check_handoff),
    Check("time_to_fix", "Time to fix obtained", _check_time_to_fix),
    Check("next_contact", "Next-contact time given", _check_next_contact),
    Check("callback", "Call-back offered instead of a long hold", _check_callback),
    Check("holds", "Holds within limits", _check_holds),
    Check("warnings", "Warnings given in order before a transfer or disconnect", _check_warnings),
    Check("agreement", "Customer's agreement before close", _check_agreement),
    Check("follow_up", "Follow-up scheduled", _check_follow_up),
)
"""The scorecard's items, in the order of a call. Add an item here."""


# --- scoring -------------------------------------------------------------------------


def load_facts(
    session: Session,
    call_id: int,
    expected: Expected,
    *,
    policies: Policies,
    zone: ZoneInfo,
    since: datetime | None = None,
) -> CallFacts:
    """Read what the checks need about one call (events at/after ``since`` only)."""
    call = get_call(session, call_id)
    query = select(CallEvent).where(CallEvent.call_id == call_id, col(CallEvent.kind).in_(_SCORED_KINDS))
    if since is not None:
        try:
            since = as_utc(since)
        except ValueError:
            raise RuleViolation("since: the time has no timezone; deskcli needs an exact moment.") from None
        query = query.where(col(CallEvent.at) >= since)
    events = tuple(session.exec(query.order_by(col(CallEvent.id))))

    greeted = next((e for e in events if e.kind == EventKind.GREETED), None)
    greeter_id = greeted.actor_id if greeted is not None and greeted.actor_id is not None else call.perceived_owner_id
    customer = session.get(Customer, call.customer_id)

    # Escalations made during the practice are the ones its ESCALATED events name;
    # the abuse protocol's transfer records none (no hand-off form, no promise).
    escalation_ids = [
        int(e.payload["escalation_id"]) for e in events
        if e.kind == EventKind.ESCALATED and e.payload.get("escalation_id") is not None
    ]
    escalations: tuple[Escalation, ...] = ()
    if escalation_ids:
        escalations = tuple(
            session.exec(select(Escalation).where(col(Escalation.id).in_(escalation_ids)).order_by(col(Escalation.id)))
        )
    promise_ids = [e.next_contact_id for e in escalations if e.next_contact_id is not None]
    next_contacts: dict[int, Commitment] = {}
    if promise_ids:
        next_contacts = {
            c.id: c for c in session.exec(select(Commitment).where(col(Commitment.id).in_(promise_ids))) if c.id is not None
        }
    return CallFacts(
        call=call,
        customer_name=customer.name if customer is not None else "",
        greeter=session.get(Analyst, greeter_id),
        events=events,
        escalations=escalations,
        next_contacts=next_contacts,
        expected=expected,
        policies=policies,
        zone=zone,
    )


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


def get_scorecard(session: Session, id: int) -> Scorecard:  # noqa: A002 - the brief's name
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
