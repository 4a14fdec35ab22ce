"""The scorecard's items: one small check per practice of the seeds.

Adding an item: write a ``_check_…(facts) -> Verdict`` function with a docstring that
says which practice it checks, and add it to :data:`CHECKS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from deskcli.models import (
    CallEvent,
    CommitmentKind,
    EventKind,
)
from deskcli.services.lifecycle.greeting import time_of_day
from deskcli.services.training.score_facts import (
    CallFacts,
    Verdict,
    _due,
    _fail,
    _listed,
    _na,
    _pass,
    _quote,
)

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
        if problems or resolved is None:  # not resolved is one of the problems
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
