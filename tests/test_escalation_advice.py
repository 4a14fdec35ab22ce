"""The escalation rules behind the resolve screen (issue 13 §2): a company-wide issue and a
breached SLA hold as triggers, the prompts before escalating, and the cause and channel of
an escalation kept in the record (timeline, past call, review)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from desk_builder import Desk
from deskcli.models import EventKind
from deskcli.services.actions import assessment, resolve
from deskcli.services.lifecycle import calls, callview
from deskcli.services.records import past_call
from deskcli.services.records.past_call import RecordContext
from deskcli.services.records.review_checks import review_checks
from deskcli.services.records.timeline import describe

ZONE = ZoneInfo("Europe/London")


@pytest.fixture
def call_id(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def view_of(store, call_id):
    with store.read() as session:
        return callview.load(session, call_id)


def advice_for(store, call_id, clock, policies, **options):
    return resolve.advice(
        view_of(store, call_id), ticked=options.pop("ticked", ()), suggestions_found=None, now=clock.now(),
        policies=policies, zone=ZONE, calendar=policies.sla.calendar(ZONE), **options,
    )


def holding(advice) -> set[str]:
    return {result.key for result in advice.triggers if result.holds}


def test_a_company_wide_issue_is_saved_with_the_assessment_and_holds_as_a_trigger(store, actor, call_id, clock, policies):
    """Seed 000: "begins to raise other, company-wide issues" - the manager takes it."""
    assessment.save_assessment(store, actor, call_id, {"summary": "payroll late again", "company_wide": True},
                               policy=policies.priority)
    assert view_of(store, call_id).call.company_wide is True
    advice = advice_for(store, call_id, clock, policies)
    assert holding(advice) == {"company_wide"}
    assert (advice.proposal.route, advice.proposal.tier) == ("senior_staff", 3)
    assert "company-wide issue raised" in advice.handoff
    assessment.save_assessment(store, actor, call_id, {"summary": "payroll late again", "company_wide": False},
                               policy=policies.priority)
    assert holding(advice_for(store, call_id, clock, policies)) == set()


def test_the_sla_trigger_holds_once_the_resolution_time_runs_out(store, actor, call_id, clock, policies):
    """Seed 000: "the problem has reached its time limit for resolution according to the SLA"."""
    assessment.save_assessment(store, actor, call_id, {"summary": "scanners down", "urgency": "high",
                                                       "business_impact": "severe"}, policy=policies.priority)
    before = advice_for(store, call_id, clock, policies)
    assert "sla_breached" not in holding(before) and before.sla_breached is False
    clock.advance(timedelta(hours=4, minutes=1))  # priority 1: four hours around the clock
    after = advice_for(store, call_id, clock, policies)
    assert "sla_breached" in holding(after) and after.sla_breached is True
    assert after.proposal.route == "senior_staff" and after.proposal.cause == "operational_efficiency"
    # The assessment's prompts see it too, given the office's zone.
    situations = assessment.situations(view_of(store, call_id), {}, suggestions_found=None, now=clock.now(),
                                       policies=policies, zone=ZONE, calendar=policies.sla.calendar(ZONE))
    assert "escalate_suggested" in situations


def test_a_call_without_a_priority_never_breaches(store, call_id, clock, policies):
    """The header shows no SLA until the priority is known; nor does the trigger hold."""
    clock.advance(timedelta(days=10))
    advice = advice_for(store, call_id, clock, policies)
    assert "sla_breached" not in holding(advice) and advice.sla_breached is False


def test_the_prompts_before_escalating_follow_the_seeds(store, call_id, clock, policies):
    """Seed 003: acknowledge the dissatisfaction and apologise; seed 002: give a benefit and
    show the urgency; then the time frame of the next contact."""
    titles = [prompt.title for prompt in advice_for(store, call_id, clock, policies).prompts]
    assert titles == ["Apologise first", "Position the escalation", "Show the urgency", "Tell them what happens next"]


def test_a_channel_change_is_in_the_composed_hand_off(store, call_id, clock, policies):
    """The receiver reads how the customer is to be contacted from now on."""
    assert "from now on" not in advice_for(store, call_id, clock, policies).handoff
    composed = advice_for(store, call_id, clock, policies, channel="email").handoff
    assert composed.endswith("Contact the customer by e-mail from now on.")
    assert advice_for(store, call_id, clock, policies, channel="face_to_face").handoff.endswith(
        "Contact the customer face to face from now on."
    )


def test_the_timeline_says_why_and_how_to_contact(policies):
    """The escalated event in words names the cause and the new channel."""
    what, _detail = describe(EventKind.ESCALATED, {
        "route": "senior_staff", "tier": 2, "type": "hierarchical", "receiver": "Senior analyst on duty",
        "time_to_fix": "1 hour", "cause": "dissatisfaction", "cause_label": "Dissatisfied with a product or service",
        "channel": "email",
    })
    assert what == ("escalated to Senior analyst on duty (senior staff, tier 2, hierarchical); time to fix: 1 hour; "
                    "cause: Dissatisfied with a product or service; contact by e-mail from now on")
    # Recorded before causes had labels in the payload: the key in words.
    assert "cause: better tier" in describe(EventKind.ESCALATED, {"receiver": "x", "cause": "better_tier"})[0]


def test_the_past_call_record_shows_the_cause_and_channel(store, clock, policies):
    """Seed 004: keep records of escalations; seed 003: learn from why they happened."""
    desk = Desk(store, clock, policies)
    customer = desk.customer("Siobhan O'Neill")
    call = desk.call(customer, summary="Invoice portal rejects uploads", category="accounts", priority=2)
    desk.escalate(call, "senior_staff", triggers=["customer_request"], cause="dissatisfaction", channel="email")
    desk.wait(minutes=30)
    desk.escalate(call, "technical_experts", triggers=["no_solution"], cause="better_tier")
    context = RecordContext(policies.sla, policies.sla.calendar(ZONE), ZONE)
    record = past_call.load_record(store, desk.by(), call, context)
    first, second = record.escalations
    assert (first.cause, first.channel) == ("Dissatisfied with a product or service", "email")
    assert first.summary == ("senior_staff tier 2 (hierarchical) to Senior analyst on duty · "
                             "cause: Dissatisfied with a product or service · contact by e-mail from now on")
    assert (second.cause, second.channel) == ("Better assisted by another tier (expertise, authority)", None)


def test_the_review_replays_a_company_wide_issue_as_an_earlier_trigger(store, clock, policies):
    """The escalation review sees that the company-wide trigger held long before the escalation."""
    desk = Desk(store, clock, policies)
    customer = desk.customer("Siobhan O'Neill")
    call = desk.call(customer, summary="Payroll late again", category="accounts", priority=3, company_wide=True)
    desk.wait(minutes=40)
    desk.escalate(call, "senior_staff", triggers=["company_wide"], cause="dissatisfaction")
    with store.read() as session:
        checks = {check.point: check for check in review_checks(session, call, clock.now(), policies, ZONE,
                                                                 policies.sla.calendar(ZONE))}
    assert checks["when"].result == "check"
    assert "The caller raises company-wide issues (the caller raised a company-wide issue)" in checks["when"].why
