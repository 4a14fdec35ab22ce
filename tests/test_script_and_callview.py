"""The call view read model, the call script's steps and skips, and the customer card."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskcli.core.errors import NotFound, RuleViolation
from deskcli.models import AckMethod, CommitmentKind, CommitmentOutcome, CustomerCreate, Stage
from deskcli.services.lifecycle import calls, callview, commitments, elevation, escalations, holds, read_back, script
from deskcli.services.lifecycle.escalations import EscalationRequest
from deskcli.services.lookup import customers
from deskcli.services.rules.read_back import Problem, problem_of, read_back_line


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def view(store, call_id) -> callview.CallView:
    with store.read() as session:
        return callview.load(session, call_id)


def promise(store, actor, call_id, due, kind=CommitmentKind.PROMISE, description="Ring back") -> int:
    with store.write() as session:
        return commitments.make_commitment(session, call_id, kind, due, actor, description=description).id


# --- callview.load --------------------------------------------------------------------

def test_load_gives_customer_phones_and_perceived_owner(store, call_id, analyst):
    """The view carries the call, its customer, their phones and the perceived owner's name."""
    loaded = view(store, call_id)
    assert loaded.call.id == call_id and loaded.call.reference == "HD-000001"
    assert loaded.customer.name == "Siobhan O'Neill"
    assert loaded.phones == ("020 7946 0000",)
    assert loaded.perceived_owner == "Ann Jones"
    assert (loaded.holds, loaded.name_confirmed, loaded.promises, loaded.escalations) == (0, False, (), ())
    assert not loaded.owners_differ


def test_load_lists_phones_in_the_order_added(store, actor, call_id, customer_id):
    """Every phone number of the customer appears, as typed, oldest first."""
    with store.write() as session:
        customers.add_phone(session, customer_id, "07700 900123", region="GB", label="mobile")
    assert view(store, call_id).phones == ("020 7946 0000", "07700 900123")


def test_load_counts_holds(store, actor, clock, call_id, policies):
    """Each hold started on the call counts once."""
    policy = policies.call_handling.hold
    for _ in range(2):
        with store.write() as session:
            holds.start_hold(session, call_id, actor, policy=policy)
        clock.advance(timedelta(seconds=10))
        with store.write() as session:
            holds.end_hold(session, call_id, actor, policy=policy)
    assert view(store, call_id).holds == 2


def test_name_confirmed_after_confirm_name(store, actor, call_id):
    """name_confirmed turns true once the name was confirmed on this call."""
    assert not view(store, call_id).name_confirmed
    with store.write() as session:
        calls.confirm_name(session, call_id, actor, spelling="S-I-O-B-H-A-N")
    assert view(store, call_id).name_confirmed


def test_name_confirmed_is_per_call(store, actor, call_id, customer_id):
    """Confirming the name on one call does not mark another call confirmed."""
    with store.write() as session:
        other = calls.create_call(session, customer_id, actor).id
        calls.confirm_name(session, other, actor)
    assert not view(store, call_id).name_confirmed
    assert view(store, other).name_confirmed


def test_promises_soonest_first_and_pending_only_unsettled(store, actor, clock, call_id):
    """Promises come soonest first; pending_promises leaves out settled ones."""
    later = promise(store, actor, call_id, clock.now() + timedelta(hours=3), description="later")
    sooner = promise(store, actor, call_id, clock.now() + timedelta(hours=1), description="sooner")
    with store.write() as session:
        commitments.settle(session, sooner, actor, kept=True)
    loaded = view(store, call_id)
    assert [p.id for p in loaded.promises] == [sooner, later]
    assert loaded.promises[0].outcome == CommitmentOutcome.KEPT_ON_TIME
    assert [p.description for p in loaded.pending_promises] == ["later"]
    assert loaded.promises[1].due_at == clock.now() + timedelta(hours=3)


def test_escalation_shows_in_the_view_and_owners_differ(store, actor, clock, call_id, policies):
    """After an escalation the view lists it and says someone else works the call."""
    with store.write() as session:
        escalations.escalate(
            session,
            call_id,
            EscalationRequest(
                route="technical_experts", handoff="printer dead", next_contact_at=clock.now() + timedelta(hours=2), time_to_fix="4 hours",
                cause="better_tier",
            ),
            actor,
            policy=policies.escalation,
        )
    loaded = view(store, call_id)
    assert len(loaded.escalations) == 1
    escalation = loaded.escalations[0]
    assert (escalation.route, escalation.tier, escalation.receiver, escalation.time_to_fix) == (
        "technical_experts", 2, "Second-line technical team", "4 hours",
    )
    assert loaded.owners_differ
    assert loaded.perceived_owner == "Ann Jones"
    assert [p.kind for p in loaded.promises] == [CommitmentKind.NEXT_CONTACT]


def test_load_of_a_missing_call_is_not_found(store):
    """An unknown call id is NotFound."""
    with store.read() as session, pytest.raises(NotFound):
        callview.load(session, 999)


# --- CallView.facts ---------------------------------------------------------------------

def test_facts_count_overdue_and_missed_promises(store, actor, clock, call_id):
    """Pending promises past due count as overdue; missed ones count as missed; kept ones count as neither."""
    promise(store, actor, call_id, clock.now() + timedelta(minutes=30))
    missed = promise(store, actor, call_id, clock.now() + timedelta(minutes=40))
    kept = promise(store, actor, call_id, clock.now() + timedelta(minutes=50))
    promise(store, actor, call_id, clock.now() + timedelta(hours=5))
    with store.write() as session:
        commitments.settle(session, missed, actor, kept=False)
        commitments.settle(session, kept, actor, kept=True)
    loaded = view(store, call_id)
    before = loaded.facts(now=clock.now())
    assert (before.overdue_promises, before.missed_promises) == (0, 1)
    after = loaded.facts(now=clock.now() + timedelta(hours=1))
    assert (after.overdue_promises, after.missed_promises) == (1, 1)
    much_later = loaded.facts(now=clock.now() + timedelta(hours=6))
    assert much_later.overdue_promises == 2


def test_facts_carry_the_assessment_and_the_customer(store, actor, call_id, customer_id):
    """Impact fields, VIP, abuse warnings, article use and suggestions flow into the facts."""
    with store.write() as session:
        calls.update_assessment(
            session, call_id, actor, people_affected=4, departments_affected=2, business_impact="severe",
            executive_affected=True, security_concern=True,
        )
        customers.update_customer(session, customer_id, actor, region="GB", is_vip=True)
    got = view(store, call_id).facts(now=actor.now(), suggestions_found=False)
    assert (got.people_affected, got.departments_affected, got.business_impact) == (4, 2, "severe")
    assert got.executive_affected and got.security_concern and got.customer_is_vip
    assert got.abuse_warnings == 0 and not got.article_used and got.suggestions_found is False


# --- the script ---------------------------------------------------------------------------

ALL_GREETING_AND_ASSESSMENT = [
    "name spelling and pronunciation confirmed",
    "call acknowledged (reference given)",
    "problem summary",
    "category",
    "impact (people affected)",
    "urgency",
    "problem read back to the caller",
]


def test_moving_forward_lists_the_steps_not_done(store, call_id):
    """Greeting → resolve on a new call skips every greeting and assessment step not done."""
    assert script.skipped_steps(view(store, call_id), Stage.GREETING, Stage.RESOLVE) == ALL_GREETING_AND_ASSESSMENT


def test_moving_forward_lists_only_the_stages_passed(store, call_id):
    """Greeting → assessment lists only the greeting steps; the assessment is not yet passed."""
    assert script.skipped_steps(view(store, call_id), "greeting", "assessment") == ALL_GREETING_AND_ASSESSMENT[:2]


def test_done_steps_are_not_listed_as_skipped(store, actor, call_id):
    """After confirming the name, acknowledging and writing a summary, only the rest is listed."""
    with store.write() as session:
        calls.confirm_name(session, call_id, actor)
        calls.acknowledge(session, call_id, AckMethod.VERBAL, actor)
        calls.update_assessment(session, call_id, actor, summary="VPN drops", category="network")
    assert script.skipped_steps(view(store, call_id), Stage.GREETING, Stage.RESOLVE) == [
        "impact (people affected)",
        "urgency",
        "problem read back to the caller",
    ]


@pytest.mark.parametrize(("leaving", "going_to"), [(Stage.RESOLVE, Stage.GREETING), (Stage.CLOSE, Stage.ASSESSMENT), (Stage.RESOLVE, Stage.RESOLVE)])
def test_moving_backward_or_staying_skips_nothing(store, call_id, leaving, going_to):
    """Going back (or nowhere) is never a skip."""
    assert script.skipped_steps(view(store, call_id), leaving, going_to) == []


def test_moving_to_follow_up_includes_resolve_and_close_steps(store, call_id):
    """Jumping to follow-up passes resolve and close: their steps are listed too."""
    skipped = script.skipped_steps(view(store, call_id), Stage.GREETING, Stage.FOLLOW_UP)
    assert skipped == [*ALL_GREETING_AND_ASSESSMENT, "resolved or escalated", "customer asked to agree to close"]


def test_done_stages_follow_the_steps(store, actor, call_id):
    """A stage is done when all its steps are; follow-up (no steps) never is."""
    assert script.done_stages(view(store, call_id)) == set()
    with store.write() as session:
        calls.confirm_name(session, call_id, actor)
        calls.acknowledge(session, call_id, AckMethod.VERBAL, actor)
    assert script.done_stages(view(store, call_id)) == {Stage.GREETING}
    with store.write() as session:
        call = calls.update_assessment(session, call_id, actor, summary="VPN drops", category="network", people_affected=1, urgency="low")
        calls.resolve(session, call_id, actor, resolution="Reinstalled the VPN client")
        shown = problem_of(call)
    assert script.done_stages(view(store, call_id)) == {Stage.GREETING, Stage.RESOLVE}  # not read back yet
    with store.write() as session:
        read_back.confirm(session, call_id, actor, shown=shown, line="So I have it right: …")
    assert script.done_stages(view(store, call_id)) == {Stage.GREETING, Stage.ASSESSMENT, Stage.RESOLVE}
    with store.write() as session:
        calls.record_agreement(session, call_id, actor, agreed=True)
    assert script.done_stages(view(store, call_id)) == {Stage.GREETING, Stage.ASSESSMENT, Stage.RESOLVE, Stage.CLOSE}


def test_an_escalation_completes_the_resolve_stage(store, actor, clock, call_id, policies):
    """Resolve is done by a resolution or by an escalation."""
    with store.write() as session:
        escalations.escalate(
            session, call_id,
            EscalationRequest(route="senior_staff", handoff="wants a manager", next_contact_at=clock.now() + timedelta(hours=1),
                              time_to_fix="1 hour", cause="dissatisfaction"),
            actor, policy=policies.escalation,
        )
    assert Stage.RESOLVE in script.done_stages(view(store, call_id))


def test_declined_agreement_counts_as_asked(store, actor, call_id):
    """Asking the customer to agree is done even when they decline (awaiting confirmation)."""
    with store.write() as session:
        calls.record_agreement(session, call_id, actor, agreed=False)
    close_step = next(s for s in script.steps(view(store, call_id)) if s.stage == Stage.CLOSE)
    assert close_step.done


# --- the read-back before leaving the assessment (seed 000) -------------------------------------

def test_read_back_counts_for_the_problem_it_confirmed(store, actor, call_id):
    """The read-back step is done for the problem confirmed; a change afterwards undoes it."""
    with store.write() as session:
        shown = problem_of(calls.update_assessment(session, call_id, actor, summary="VPN drops", people_affected=3))
    assert not view(store, call_id).problem_read_back
    with store.write() as session:
        read_back.confirm(session, call_id, actor, shown=shown, line="So I have it right: …")
    seen = view(store, call_id)
    assert seen.problem_read_back and seen.read_back == shown
    assert "problem read back to the caller" not in script.skipped_steps(seen, Stage.ASSESSMENT, Stage.RESOLVE)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, people_affected=30)  # the caller corrects it later
    again = view(store, call_id)
    assert not again.problem_read_back
    assert "problem read back to the caller" in script.skipped_steps(again, Stage.ASSESSMENT, Stage.RESOLVE)


def test_read_back_of_a_problem_the_record_no_longer_holds_is_refused(store, actor, call_id):
    """What was read back must be what is on record: otherwise it is read back again."""
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, summary="VPN drops")
    with pytest.raises(RuleViolation, match="not the one read back"), store.write() as session:
        read_back.confirm(session, call_id, actor, shown=Problem(summary="VPN drops", people_affected=4), line="…")
    assert view(store, call_id).read_back is None


def test_read_back_line_says_the_problem_in_words(policies):
    """Summary, category label, impact, urgency and priority, as a question to the caller."""
    line = read_back_line(
        Problem(summary="printer offline", category="hardware", urgency="high", business_impact="significant",
                people_affected=3, departments_affected=1, executive_affected=True, priority=2),
        policies.categories,
    )
    assert line == (
        'So I have it right: "printer offline" - Computers, printers and devices; 3 people affected, 1 department, '
        "significant business impact, an executive affected; urgency high; priority P2 high. Is that right?"
    )
    bare = read_back_line(Problem(), policies.categories)
    assert "(no summary yet)" in bare and "category not chosen yet" in bare and "no wider impact known" in bare


def test_view_says_elevated(store, actor, call_id):
    """The view reports an elevation (the header and the priority line read it)."""
    assert not view(store, call_id).elevated
    with store.write() as session:
        elevation.elevate(session, call_id, actor, priority=1, reason="payroll due", default_priority=3)
    seen = view(store, call_id)
    assert seen.elevated and not seen.supervisor_told and seen.call.priority == 1


# --- the customer card ----------------------------------------------------------------------

def close(store, actor, call_id) -> None:
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="fixed")
        calls.record_agreement(session, call_id, actor, agreed=True)
        calls.close_call(session, call_id, actor)


def card(store, customer_id, now, **options) -> callview.CustomerCard:
    with store.read() as session:
        return callview.customer_card(session, customer_id, now=now, **options)


def test_card_of_a_first_time_caller(store, customer_id, clock):
    """No calls: not a repeat caller, nothing owed."""
    got = card(store, customer_id, clock.now())
    assert got.customer.name == "Siobhan O'Neill"
    assert got.phones == ("020 7946 0000",)
    assert (got.recent_calls, got.open_calls, got.promises_due, got.calls_total, got.repeat_caller) == ((), (), (), 0, False)


def test_card_lists_recent_and_open_calls_newest_first(store, actor, clock, customer_id):
    """Recent calls (newest first) include closed ones; open calls only the open ones."""
    with store.write() as session:
        first = calls.create_call(session, customer_id, actor).id
        calls.update_assessment(session, first, actor, summary="printer")
    close(store, actor, first)
    clock.advance(timedelta(hours=1))
    with store.write() as session:
        second = calls.create_call(session, customer_id, actor).id
    got = card(store, customer_id, clock.now())
    assert [c.id for c in got.recent_calls] == [second, first]
    assert [c.id for c in got.open_calls] == [second]
    assert got.recent_calls[1].summary == "printer" and got.recent_calls[1].resolution == "fixed"
    assert got.recent_calls[1].status == "closed"
    assert got.calls_total == 2


def test_exclude_call_id_leaves_the_current_call_out(store, actor, clock, customer_id, call_id):
    """The call being taken is not a previous call: a first-time caller is not a repeat caller."""
    assert card(store, customer_id, clock.now()).repeat_caller  # the open call itself would count
    got = card(store, customer_id, clock.now(), exclude_call_id=call_id)
    assert (got.recent_calls, got.open_calls, got.calls_total, got.repeat_caller) == ((), (), 0, False)


def test_repeat_caller_within_fourteen_days(store, actor, clock, customer_id, call_id):
    """A closed call 13 days ago makes a repeat caller; one 15 days ago does not."""
    close(store, actor, call_id)
    assert card(store, customer_id, clock.now() + timedelta(days=13)).repeat_caller
    assert card(store, customer_id, clock.now() + timedelta(days=14)).repeat_caller
    assert not card(store, customer_id, clock.now() + timedelta(days=15)).repeat_caller
    assert not card(store, customer_id, clock.now() + timedelta(days=3), repeat_within_days=2).repeat_caller


def test_an_open_call_makes_a_repeat_caller_however_old(store, actor, clock, customer_id, call_id):
    """A call still open, even months old, makes the caller a repeat caller."""
    later = clock.now() + timedelta(days=90)
    with store.write() as session:
        calls.record_agreement(session, call_id, actor, agreed=False)  # awaiting confirmation: still open
    got = card(store, customer_id, later)
    assert got.repeat_caller
    assert [c.id for c in got.open_calls] == [call_id]


def test_card_shows_promises_owed_on_any_of_their_calls(store, actor, clock, customer_id, call_id):
    """Unsettled promises on every call of the customer appear, soonest first; settled ones do not."""
    with store.write() as session:
        other = calls.create_call(session, customer_id, actor).id
    a = promise(store, actor, other, clock.now() + timedelta(hours=2))
    b = promise(store, actor, call_id, clock.now() + timedelta(hours=1))
    c = promise(store, actor, call_id, clock.now() + timedelta(hours=3))
    with store.write() as session:
        commitments.settle(session, c, actor, kept=True)
    assert [p.id for p in card(store, customer_id, clock.now()).promises_due] == [b, a]


def test_card_only_shows_this_customers_calls(store, actor, clock, customer_id, call_id):
    """Another customer's calls and promises are not on this card."""
    with store.write() as session:
        other_customer = customers.create_customer(session, CustomerCreate(name="Bob Smith"), actor, region="GB").id
        theirs = calls.create_call(session, other_customer, actor).id
    promise(store, actor, theirs, clock.now() + timedelta(hours=1))
    got = card(store, customer_id, clock.now())
    assert [c.id for c in got.recent_calls] == [call_id]
    assert got.promises_due == ()


def test_card_pages_with_limit(store, actor, clock, customer_id):
    """At most ``limit`` recent calls are listed; the total still counts them all."""
    for _ in range(4):
        with store.write() as session:
            calls.create_call(session, customer_id, actor)
        clock.advance(timedelta(minutes=1))
    got = card(store, customer_id, clock.now(), limit=2)
    assert [c.reference for c in got.recent_calls] == ["HD-000004", "HD-000003"]
    assert got.calls_total == 4


def test_card_of_an_unknown_customer_is_not_found(store, clock):
    """An unknown customer id is NotFound."""
    with store.read() as session, pytest.raises(NotFound):
        callview.customer_card(session, 404, now=clock.now())
