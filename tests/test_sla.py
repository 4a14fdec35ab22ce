"""The SLA clock: used and remaining time, pauses, priorities, states and policy validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from deskcli.config import datafiles
from deskcli.core.errors import DataFileError, RuleViolation
from deskcli.models import AckMethod, CallStatus
from deskcli.services.lifecycle import calls, callview
from deskcli.services.rules.policy import SlaPolicy
from deskcli.services.rules.triggers import evaluate
from deskcli.services.timekeeping import countdown, sla

LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A London wall-clock time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def shipped_data() -> dict:
    """The shipped sla.toml as plain data, to vary one field at a time."""
    return datafiles.parse_toml(datafiles.read("policies/sla.toml"))


def make_policy(**fields) -> SlaPolicy:
    """A policy stating its own hours and targets (no public holidays unless asked)."""
    data = {
        "holiday_country": None,
        "hours": {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "targets": [{"priority": 3, "response_minutes": 60, "resolution_minutes": 600}],
    }
    data.update(fields)
    return SlaPolicy.model_validate(data)


def open_call(store, actor, customer_id) -> int:
    with store.write() as session:
        return calls.create_call(session, customer_id, actor).id


def sla_now(store, clock, call_id, policy) -> sla.SlaState:
    with store.read() as session:
        return sla.for_call(session, call_id, clock.now(), policy, LONDON)


def close(store, actor, call_id) -> None:
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="Reset the password")
        calls.record_agreement(session, call_id, actor, agreed=True)
        calls.close_call(session, call_id, actor)


# --- A pause spanning a weekend ----------------------------------------------------------

FRIDAY_LATE = {
    **{day: ["08:00-12:30", "13:30-17:30"] for day in ("mon", "tue", "wed", "thu")},
    "fri": ["08:00-12:30", "13:30-18:00"],
}


def test_waiting_on_the_customer_over_a_weekend_excludes_only_the_business_hours_of_the_wait(store, clock, actor, customer_id):
    """Paused Fri 17:00 to Mon 10:00: Friday's last opening hour (17:00-18:00) and Monday 08:00-10:00 are excluded."""
    policy = make_policy(hours=FRIDAY_LATE, targets=[{"priority": 3, "response_minutes": 60, "resolution_minutes": 1440}])
    clock.set(local(2026, 3, 13, 16))  # Friday
    call_id = open_call(store, actor, customer_id)

    clock.set(local(2026, 3, 13, 17))
    before = sla_now(store, clock, call_id, policy)
    assert (before.used, before.paused) == (H, False)
    assert before.due_at is not None
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="Waiting for the error log")

    for moment in (local(2026, 3, 13, 17), local(2026, 3, 13, 17, 59), local(2026, 3, 14, 12), local(2026, 3, 16, 9, 59)):
        clock.set(moment)
        waiting = sla_now(store, clock, call_id, policy)
        assert waiting.paused is True
        assert waiting.due_at is None
        assert waiting.used == H
        assert waiting.label() == "paused, 23h 00m left"

    clock.set(local(2026, 3, 16, 10))  # Monday
    with store.write() as session:
        sla.resume(session, call_id, actor, note="Log received")
    resumed = sla_now(store, clock, call_id, policy)
    assert (resumed.used, resumed.paused) == (H, False)
    assert resumed.due_at == policy.calendar(LONDON).add(clock.now(), 23 * 3600)

    clock.set(local(2026, 3, 16, 11))
    after = sla_now(store, clock, call_id, policy)
    assert after.used == 2 * H
    friday_remaining = timedelta(hours=18 - 17)  # fri closes at 18:00
    monday_morning = timedelta(hours=10 - 8)  # mon opens at 08:00
    wall_business = timedelta(seconds=policy.calendar(LONDON).seconds_between(local(2026, 3, 13, 16), clock.now()))
    assert wall_business - after.used == friday_remaining + monday_morning


# --- Priority change mid-call ------------------------------------------------------------


def test_changing_priority_keeps_the_time_used_and_retargets(store, clock, actor, customer_id, policies):
    """From P3 to P2 the used business time stays; the target becomes P2's 480 minutes and due_at moves."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 10, 16))
    p3 = sla_now(store, clock, call_id, policies.sla)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=2)
    p2 = sla_now(store, clock, call_id, policies.sla)
    assert (p3.priority, p3.target, p3.used) == (3, timedelta(minutes=1440), 2 * H)
    assert (p2.priority, p2.target, p2.used) == (2, timedelta(minutes=480), 2 * H)
    assert p2.priority_assumed is False and p2.clock == "business"
    assert p2.remaining == 6 * H
    # 6 h from Tue 16:00: 1.5 h on Tuesday, then 08:00-12:30 on Wednesday.
    assert p2.due_at == local(2026, 3, 11, 12, 30)


def test_raising_the_priority_alone_can_breach_the_sla(store, clock, actor, customer_id, policies):
    """9 business hours used is fine for P3 (24 h) but over P2's 8 h: the call breaches when raised to P2."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 11, 14, 30))  # Tue 3.5 h + Wed 4.5 h + 1 h
    p3 = sla_now(store, clock, call_id, policies.sla)
    assert p3.used == 9 * H
    assert (p3.breached, p3.warning) == (False, False)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=2)
    p2 = sla_now(store, clock, call_id, policies.sla)
    assert p2.used == 9 * H
    assert p2.breached is True
    assert p2.remaining == -H
    assert p2.label() == "BREACHED 1h 00m over"


def test_raising_to_a_24x7_priority_counts_all_elapsed_time(store, clock, actor, customer_id, policies):
    """P1 runs 24x7 in the shipped policy: after 24.5 h of wall time the 4 h target is long gone."""
    call_id = open_call(store, actor, customer_id)
    clock.set(local(2026, 3, 11, 14, 30))
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=1)
    p1 = sla_now(store, clock, call_id, policies.sla)
    assert (p1.clock, p1.target, p1.used) == ("24x7", timedelta(minutes=240), timedelta(hours=24.5))
    assert p1.breached is True


# --- States ------------------------------------------------------------------------------

WARN_AT_80 = {"warning_percent": 80}
MONDAY_9 = local(2026, 3, 9, 9)


def pure(now: datetime, policy: SlaPolicy, *, priority: int | None = 3, opened_at: datetime = MONDAY_9, **facts) -> sla.SlaState:
    arguments = {"acknowledged_at": None, "closed_at": None, "pauses": []}
    arguments.update(facts)
    return sla.state(opened_at=opened_at, priority=priority, now=now, policy=policy, zone=LONDON, **arguments)


def test_warning_starts_at_the_warning_percent_of_the_target():
    """With 600 min and warning_percent 80, the warning starts exactly at 8 h used."""
    policy = make_policy(**WARN_AT_80)
    just_before = pure(local(2026, 3, 9, 16, 59), policy)
    at_share = pure(local(2026, 3, 9, 17), policy)
    assert (just_before.used, just_before.warning) == (7 * H + 59 * M, False)
    assert (at_share.used, at_share.warning, at_share.breached) == (8 * H, True, False)
    assert at_share.label() == "WARNING 2h 00m left"
    assert just_before.label() == "2h 01m left"


def test_shipped_warning_at_75_percent_of_p3(store, clock, actor, customer_id, policies):
    """Shipped P3 is 24 business hours: the warning comes on at 18 h used (Thursday 15:00 for a Tuesday 14:00 call)."""
    call_id = open_call(store, actor, customer_id)
    clock.set(local(2026, 3, 12, 14, 59))
    assert sla_now(store, clock, call_id, policies.sla).warning is False
    clock.set(local(2026, 3, 12, 15))
    state = sla_now(store, clock, call_id, policies.sla)
    assert (state.used, state.warning) == (18 * H, True)
    assert state.label().startswith("WARNING ")


def test_breached_when_nothing_remains():
    """At 0 remaining the call is breached (not warning) and the label starts with BREACHED."""
    policy = make_policy(**WARN_AT_80)
    at_zero = pure(local(2026, 3, 10, 11), policy)  # Mon 8 h + Tue 2 h
    assert at_zero.remaining == timedelta(0)
    assert (at_zero.breached, at_zero.warning) == (True, False)
    assert at_zero.label().startswith("BREACHED")
    over = pure(local(2026, 3, 10, 11, 30), policy)
    assert over.label() == "BREACHED 30m over"
    assert pure(local(2026, 3, 10, 10, 59), policy).breached is False


def test_due_at_is_when_the_remaining_time_runs_out():
    """due_at adds the remaining business time to now (overnight is skipped)."""
    policy = make_policy()
    state = pure(local(2026, 3, 9, 16), policy)
    assert state.remaining == 3 * H
    assert state.due_at == local(2026, 3, 10, 11)


def test_a_closed_call_stops_the_clock(store, clock, actor, customer_id, policies):
    """Closing freezes used at the close; later the state is stopped, has no due time and says met."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 10, 16))
    close(store, actor, call_id)
    clock.set(local(2026, 3, 20, 12))
    state = sla_now(store, clock, call_id, policies.sla)
    assert state.stopped is True
    assert state.used == 2 * H
    assert (state.breached, state.paused, state.due_at) == (False, False, None)
    assert state.label() == "met"


def test_a_call_closed_after_its_breach_reads_missed(store, clock, actor, customer_id, policies):
    """A P2 call closed after 9 business hours stays breached, with its used time frozen, and says missed."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=2)
    clock.set(local(2026, 3, 11, 14, 30))
    close(store, actor, call_id)
    clock.set(local(2026, 3, 13, 14, 30))
    state = sla_now(store, clock, call_id, policies.sla)
    assert (state.stopped, state.breached, state.used) == (True, True, 9 * H)
    assert state.label() == "missed"


def test_no_priority_uses_the_default_priority_and_says_so():
    """Priority None takes default_priority's target and sets priority_assumed."""
    targets = [
        {"priority": 2, "response_minutes": 30, "resolution_minutes": 120},
        {"priority": 3, "response_minutes": 60, "resolution_minutes": 600},
    ]
    policy = make_policy(targets=targets, default_priority=2)
    assumed = pure(local(2026, 3, 9, 10), policy, priority=None)
    assert (assumed.priority, assumed.priority_assumed, assumed.target) == (2, True, 120 * M)
    set_explicitly = pure(local(2026, 3, 9, 10), policy, priority=2)
    assert set_explicitly.priority_assumed is False
    assert pure(local(2026, 3, 9, 10), policy, priority=3).target == 600 * M


def test_shipped_default_priority_is_p3(store, clock, actor, customer_id, policies):
    """A new call with no priority is measured as P3 (24 business hours) and flagged as assumed."""
    call_id = open_call(store, actor, customer_id)
    state = sla_now(store, clock, call_id, policies.sla)
    assert (state.priority, state.priority_assumed, state.target, state.used) == (3, True, timedelta(hours=24), timedelta(0))


def test_24x7_target_counts_nights_and_weekends(policies):
    """Shipped P1 is 4 h 24x7: a call opened Friday 20:00 breaches at Saturday 00:00; P2 has used nothing."""
    friday_night = local(2026, 3, 13, 20)
    p1 = pure(local(2026, 3, 14, 0), policies.sla, priority=1, opened_at=friday_night)
    assert (p1.clock, p1.used, p1.breached) == ("24x7", 4 * H, True)
    p1_warning = pure(local(2026, 3, 13, 23), policies.sla, priority=1, opened_at=friday_night)
    assert (p1_warning.used, p1_warning.warning) == (3 * H, True)
    p2 = pure(local(2026, 3, 14, 0), policies.sla, priority=2, opened_at=friday_night)
    assert (p2.clock, p2.used, p2.breached) == ("business", timedelta(0), False)


def test_24x7_across_the_spring_change_counts_elapsed_time(policies):
    """A P1 call from Sat 23:00 to Sun 03:00 BST across the change has used 3 h, not 4."""
    state = pure(local(2026, 3, 29, 3), policies.sla, priority=1, opened_at=local(2026, 3, 28, 23))
    assert state.used == 3 * H
    assert state.due_at == local(2026, 3, 29, 4)


def test_response_due_counts_business_time_from_opening(store, clock, actor, customer_id, policies):
    """Shipped P3 response is 120 business minutes: a call opened Tue 16:30 must be acknowledged by Wed 09:00."""
    clock.set(local(2026, 3, 10, 16, 30))
    call_id = open_call(store, actor, customer_id)
    clock.set(local(2026, 3, 11, 9))
    early = sla_now(store, clock, call_id, policies.sla)
    assert early.response_due_at == local(2026, 3, 11, 9)
    assert (early.responded, early.response_breached) == (False, False)
    clock.set(local(2026, 3, 11, 9, 1))
    late = sla_now(store, clock, call_id, policies.sla)
    assert (late.responded, late.response_breached) == (False, True)


def test_acknowledged_in_time_is_not_a_response_breach(store, clock, actor, customer_id, policies):
    """Acknowledged within the response time, the response stays met however late it is now."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00; due 16:00
    clock.set(local(2026, 3, 10, 15))
    with store.write() as session:
        calls.acknowledge(session, call_id, AckMethod.VERBAL, actor)
    clock.set(local(2026, 3, 12, 12))
    state = sla_now(store, clock, call_id, policies.sla)
    assert (state.responded, state.response_breached) == (True, False)


def test_acknowledged_late_is_a_response_breach(store, clock, actor, customer_id, policies):
    """Acknowledged after the response due time, the response is breached."""
    call_id = open_call(store, actor, customer_id)
    clock.set(local(2026, 3, 10, 16, 1))
    with store.write() as session:
        calls.acknowledge(session, call_id, AckMethod.EMAIL, actor)
    state = sla_now(store, clock, call_id, policies.sla)
    assert (state.responded, state.response_breached) == (True, True)


# --- The response target in the header ------------------------------------------------------

TUESDAY_2PM = local(2026, 3, 10, 14)


def shown(store, clock, call_id, policies) -> countdown.Countdown | None:
    """What the call header shows of the SLA now."""
    with store.read() as session:
        view = callview.load(session, call_id)
    state = view.sla(clock.now(), policies.sla, LONDON)
    return countdown.countdown(state, priority_set=view.call.priority is not None, zone=LONDON, now=clock.now())


def test_the_response_warns_at_the_warning_percent_of_its_target(policies):
    """Shipped P3 response is 120 business minutes; at 75 % (90 minutes) it warns, past 120 it is late."""
    assert pure(local(2026, 3, 10, 15, 29), policies.sla, opened_at=TUESDAY_2PM).response_warning is False
    at_share = pure(local(2026, 3, 10, 15, 30), policies.sla, opened_at=TUESDAY_2PM)
    assert (at_share.response_used, at_share.response_remaining, at_share.response_warning) == (90 * M, 30 * M, True)
    assert at_share.response_breached is False
    late = pure(local(2026, 3, 10, 16, 1), policies.sla, opened_at=TUESDAY_2PM)
    assert (late.response_breached, late.response_warning, late.response_remaining) == (True, False, -M)


def test_the_response_counts_business_time_overnight(policies):
    """A P3 call opened Tue 17:00 (30 minutes before closing) has used 30 response minutes at Wed 08:00, 90 at 09:00."""
    opened = local(2026, 3, 10, 17)
    assert pure(local(2026, 3, 11, 8), policies.sla, opened_at=opened).response_used == 30 * M
    nine = pure(local(2026, 3, 11, 9), policies.sla, opened_at=opened)
    assert (nine.response_used, nine.response_warning) == (90 * M, True)


def test_a_response_stops_the_response_clock(policies):
    """Acknowledged after 40 minutes, the response used stays 40 minutes and never warns."""
    state = pure(local(2026, 3, 10, 18), policies.sla, opened_at=TUESDAY_2PM, acknowledged_at=local(2026, 3, 10, 14, 40))
    assert (state.responded, state.response_used, state.response_warning, state.awaiting_response) == (True, 40 * M, False, False)


def test_the_header_shows_the_response_target_until_the_call_is_acknowledged(store, clock, actor, customer_id, policies):
    """Before the acknowledgement the header counts down the response (even with no priority set);
    after it, nothing until the priority is set, then the resolution target."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00, no priority yet (P3 assumed)
    clock.set(local(2026, 3, 10, 14, 15))
    assert shown(store, clock, call_id, policies) == countdown.Countdown("response 1h 45m left", alarm=False)
    with store.write() as session:
        calls.acknowledge(session, call_id, AckMethod.VERBAL, actor)
    assert shown(store, clock, call_id, policies) is None
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=3)
    assert shown(store, clock, call_id, policies) == countdown.Countdown("23h 45m left", alarm=False)


def test_the_response_warning_and_lateness_in_the_header(store, clock, actor, customer_id, policies):
    """Near the response due time the header warns and says when it is due; past it, RESPONSE LATE and what to do."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=3)  # the priority does not hide the response
    clock.set(local(2026, 3, 10, 15, 40))
    near = shown(store, clock, call_id, policies)
    assert near is not None
    assert (near.text, near.alarm) == ("response WARNING 20m left", True)
    assert near.notice.startswith("Response due 16:00: acknowledge the call")
    clock.set(local(2026, 3, 10, 16, 25))
    late = shown(store, clock, call_id, policies)
    assert late is not None
    assert (late.text, late.alarm) == ("RESPONSE LATE 25m over", True)
    assert late.notice.startswith("Response was due 16:00: get back to the caller now")
    with store.write() as session:
        calls.acknowledge(session, call_id, AckMethod.EMAIL, actor)
    after = shown(store, clock, call_id, policies)
    assert after is not None and after.text.endswith("left") and not after.notice  # on to the resolution target


def test_waiting_on_the_customer_before_the_response_says_so_beside_the_response(store, clock, actor, customer_id, policies):
    """The response time runs on during a wait on the customer (its due time is fixed); the header says the resolution clock is paused."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="checking with the landlord")
    clock.set(local(2026, 3, 10, 15))
    waiting = shown(store, clock, call_id, policies)
    assert waiting == countdown.Countdown("response 1h 00m left (resolution clock paused)", alarm=False)


def test_a_closed_call_shows_its_resolution_result_not_the_response(store, clock, actor, customer_id, policies):
    """Closed without an acknowledgement, the header shows the stopped clock (met), not a response countdown."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=3)
    clock.set(local(2026, 3, 10, 15))
    close(store, actor, call_id)
    assert shown(store, clock, call_id, policies) == countdown.Countdown("met", alarm=False)


# --- Pauses from status and manual waits -------------------------------------------------


def test_awaiting_confirmation_pauses_and_closing_ends_the_pause(store, clock, actor, customer_id, policies):
    """Declining to close (awaiting confirmation) stops the clock; the close ends the pause and freezes used."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 10, 15))
    with store.write() as session:
        calls.resolve(session, call_id, actor, resolution="Cleared the cache")
        call = calls.record_agreement(session, call_id, actor, agreed=False, note="Will test tomorrow")
        assert call.status == CallStatus.AWAITING_CONFIRMATION
    clock.set(local(2026, 3, 11, 11))
    waiting = sla_now(store, clock, call_id, policies.sla)
    assert (waiting.paused, waiting.used, waiting.due_at) == (True, H, None)
    assert waiting.label() == "paused, 23h 00m left"

    close(store, actor, call_id)
    clock.set(local(2026, 3, 12, 11))
    closed = sla_now(store, clock, call_id, policies.sla)
    assert (closed.paused, closed.stopped, closed.used) == (False, True, H)


def test_reopening_starts_the_clock_again(store, clock, actor, customer_id, policies):
    """After a reopen the call is neither paused nor stopped and business time counts again."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 10, 15))
    with store.write() as session:
        calls.record_agreement(session, call_id, actor, agreed=False)
    clock.set(local(2026, 3, 10, 16))
    close(store, actor, call_id)
    clock.set(local(2026, 3, 10, 16, 30))
    with store.write() as session:
        calls.reopen_call(session, call_id, actor, reason="The problem came back")
    reopened = sla_now(store, clock, call_id, policies.sla)
    assert (reopened.paused, reopened.stopped) == (False, False)
    assert reopened.due_at is not None
    clock.set(local(2026, 3, 10, 17, 30))
    later = sla_now(store, clock, call_id, policies.sla)
    assert later.used - reopened.used == H


def test_time_spent_closed_does_not_count_after_a_reopen(store, clock, actor, customer_id, policies):
    """A call closed after 1 h and reopened a week later has used 1 h at the reopen, not a week's hours."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 10, 15))
    close(store, actor, call_id)
    assert sla_now(store, clock, call_id, policies.sla).used == H
    clock.set(local(2026, 3, 17, 15))
    with store.write() as session:
        calls.reopen_call(session, call_id, actor, reason="The problem came back")
    assert sla_now(store, clock, call_id, policies.sla).used == H


def test_a_pause_status_comes_from_the_policy(store, clock, actor, customer_id):
    """Only the statuses listed in pause_statuses stop the clock (here: escalated)."""
    pauses_escalated = make_policy(pause_statuses=["escalated"])
    default = make_policy()
    clock.set(local(2026, 3, 10, 10))
    call_id = open_call(store, actor, customer_id)
    clock.set(local(2026, 3, 10, 11))
    with store.write() as session:
        calls.set_status(session, calls.get_call(session, call_id), CallStatus.ESCALATED, actor)
    clock.set(local(2026, 3, 10, 13))
    assert (sla_now(store, clock, call_id, pauses_escalated).used, sla_now(store, clock, call_id, pauses_escalated).paused) == (H, True)
    assert (sla_now(store, clock, call_id, default).used, sla_now(store, clock, call_id, default).paused) == (3 * H, False)


def test_overlapping_manual_and_status_pauses_are_counted_once(store, clock, actor, customer_id, policies):
    """A wait on the customer overlapping awaiting confirmation takes its time off only once."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 10, 16))  # 2 h used
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="Needs to try at home")
    clock.set(local(2026, 3, 10, 16, 30))
    with store.write() as session:
        calls.record_agreement(session, call_id, actor, agreed=False)
    clock.set(local(2026, 3, 10, 17))
    with store.write() as session:
        sla.resume(session, call_id, actor)
    clock.set(local(2026, 3, 11, 9))  # still awaiting confirmation
    state = sla_now(store, clock, call_id, policies.sla)
    assert (state.paused, state.used) == (True, 2 * H)
    with store.read() as session:
        pauses = sla.pauses_from_events(sla.clock_events(session, [call_id])[call_id], policies.sla.pause_statuses)
    assert pauses == [(local(2026, 3, 10, 16), None)]


def test_a_manual_wait_inside_a_status_pause_is_merged_into_one_interval(store, clock, actor, customer_id, policies):
    """Status pause from 15:00 (awaiting, then closed) containing a wait 15:30-16:00 gives one pause; used is 1 h."""
    call_id = open_call(store, actor, customer_id)  # Tue 14:00
    clock.set(local(2026, 3, 10, 15))
    with store.write() as session:
        calls.record_agreement(session, call_id, actor, agreed=False)
    clock.set(local(2026, 3, 10, 15, 30))
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="Checking with the manager")
    clock.set(local(2026, 3, 10, 16))
    with store.write() as session:
        sla.resume(session, call_id, actor)
    clock.set(local(2026, 3, 10, 16, 30))
    close(store, actor, call_id)
    with store.read() as session:
        pauses = sla.pauses_from_events(sla.clock_events(session, [call_id])[call_id], policies.sla.pause_statuses)
    # Closing keeps the clock stopped, so the pause runs on (open-ended) past the close.
    assert pauses == [(local(2026, 3, 10, 15), None)]
    assert sla_now(store, clock, call_id, policies.sla).used == H


def test_wait_on_customer_needs_a_reason(store, clock, actor, customer_id):
    """A blank reason is refused, naming the reason field; nothing is paused."""
    call_id = open_call(store, actor, customer_id)
    with pytest.raises(RuleViolation, match=r"^reason:"), store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="   ")
    with store.read() as session:
        assert sla.is_waiting(sla.clock_events(session, [call_id])[call_id]) is False


def test_wait_on_customer_twice_is_refused(store, clock, actor, customer_id):
    """A second wait while already waiting is refused."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        call = sla.wait_on_customer(session, call_id, actor, reason="Log files")
        reference = call.reference
    with pytest.raises(RuleViolation, match=f"{reference} is already waiting on the customer"), store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="Again")


def test_wait_on_customer_on_a_closed_call_is_refused(store, clock, actor, customer_id):
    """A closed call's clock has already stopped: no wait may be started."""
    call_id = open_call(store, actor, customer_id)
    close(store, actor, call_id)
    with pytest.raises(RuleViolation, match="is closed"), store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="Log files")


def test_resume_when_not_waiting_is_refused(store, clock, actor, customer_id):
    """Resume without a wait (or after the wait already ended) is refused."""
    call_id = open_call(store, actor, customer_id)
    with pytest.raises(RuleViolation, match="is not waiting on the customer"), store.write() as session:
        sla.resume(session, call_id, actor)
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="Log files")
        sla.resume(session, call_id, actor)
    with pytest.raises(RuleViolation, match="is not waiting on the customer"), store.write() as session:
        sla.resume(session, call_id, actor)


def test_wait_and_resume_are_on_the_timeline(store, clock, actor, customer_id):
    """is_waiting follows the latest SLA_PAUSED / SLA_RESUMED pair, with the reason kept."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="  Log files  ")
    with store.read() as session:
        timeline = sla.clock_events(session, [call_id])[call_id]
        assert sla.is_waiting(timeline) is True
        assert timeline[-1].payload["reason"] == "Log files"
    with store.write() as session:
        sla.resume(session, call_id, actor)
    with store.read() as session:
        assert sla.is_waiting(sla.clock_events(session, [call_id])[call_id]) is False


# --- The escalation trigger --------------------------------------------------------------


def test_a_breached_sla_makes_the_escalation_trigger_hold(store, clock, actor, customer_id, policies):
    """A P2 call past 8 business hours: the view's SLA is breached and the sla_breached trigger holds with its reason."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=2)
    clock.set(local(2026, 3, 11, 12, 30))  # Tue 3.5 h + Wed 4.5 h = 8 h
    with store.read() as session:
        view = callview.load(session, call_id)
    state = view.sla(clock.now(), policies.sla, LONDON)
    assert state.breached is True
    results = evaluate(view.facts(now=clock.now(), sla_breached=state.breached), policies.escalation)
    held = {r.key: r.because for r in results if r.holds}
    assert held == {"sla_breached": "the resolution time limit of the SLA has been reached"}


def test_an_sla_with_time_left_does_not_trigger_escalation(store, clock, actor, customer_id, policies):
    """One minute before the P2 limit the SLA is not breached and the trigger does not hold."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, priority=2)
    clock.set(local(2026, 3, 11, 12, 29))
    with store.read() as session:
        view = callview.load(session, call_id)
    state = view.sla(clock.now(), policies.sla, LONDON)
    assert (state.breached, state.remaining) == (False, M)
    results = evaluate(view.facts(now=clock.now(), sla_breached=state.breached), policies.escalation)
    assert "sla_breached" not in {r.key for r in results if r.holds}


def test_the_view_reports_waiting_on_the_customer(store, clock, actor, customer_id, policies):
    """The call view's clock events show the wait, and its SLA is paused."""
    call_id = open_call(store, actor, customer_id)
    with store.write() as session:
        sla.wait_on_customer(session, call_id, actor, reason="Log files")
    with store.read() as session:
        view = callview.load(session, call_id)
    assert view.waiting_on_customer is True
    assert view.sla(clock.now(), policies.sla, LONDON).paused is True


# --- Policy validation -------------------------------------------------------------------

SLA_FILE = datafiles.DataFile("data/policies/sla.toml", "")


def test_the_shipped_policy_is_valid():
    """The shipped sla.toml validates, with P2 at 480 business minutes and P1 24x7."""
    policy = datafiles.validate(SlaPolicy, shipped_data(), SLA_FILE)
    assert (policy.target(2).resolution_minutes, policy.target(2).clock) == (480, "business")
    assert policy.target(1).clock == "24x7"


def with_hours(**days) -> dict:
    data = shipped_data()
    data["hours"] = {**data["hours"], **days}
    return data


def with_fields(**fields) -> dict:
    data = shipped_data()
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(with_hours(mon=["08:00-12:30", "12:00-17:30"]), ["field hours", "hours.mon", "overlaps"], id="overlap"),
        pytest.param(with_hours(tue=["13:30-17:30", "08:00-12:30"]), ["field hours", "hours.tue", "out of order"], id="out-of-order"),
        pytest.param(with_hours(wed=["9-5"]), ["field hours", "hours.wed", "'9-5'", "08:00-12:30"], id="bad-range"),
        pytest.param(with_hours(thu=["17:30-08:00"]), ["field hours", "hours.thu", "within one day"], id="backwards"),
        pytest.param(with_hours(fri=["08:00-24:30"]), ["field hours", "hours.fri", "within one day"], id="past-midnight"),
        pytest.param(with_hours(mon=["08:75-12:00"]), ["field hours", "hours.mon"], id="bad-minute"),
        pytest.param(with_hours(monday=["08:00-12:00"]), ["field hours", "unknown day 'monday'"], id="unknown-day"),
        pytest.param(with_fields(hours={d: [] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}), ["field hours", "open at some time"], id="no-hours"),
        pytest.param(with_fields(hours={}), ["field hours", "open at some time"], id="empty-hours"),
        pytest.param(
            with_fields(targets=[{"priority": 3, "response_minutes": 1, "resolution_minutes": 2}] * 2),
            ["targets", "listed twice"],
            id="duplicate-priority",
        ),
        pytest.param(with_fields(holiday_country="XX"), ["field holiday_country", "unknown holiday country 'XX'"], id="unknown-country"),
        pytest.param(
            with_fields(default_priority=4, targets=[{"priority": 3, "response_minutes": 1, "resolution_minutes": 2}]),
            ["default_priority 4 has no target"],
            id="default-without-target",
        ),
        pytest.param(with_fields(warning_percent=100), ["field warning_percent"], id="warning-100"),
        pytest.param(
            with_fields(targets=[{"priority": 3, "response_minutes": 1, "resolution_minutes": 2, "clock": "weekdays"}]),
            ["field targets.0.clock"],
            id="unknown-clock",
        ),
        pytest.param(with_fields(office_closed_days=["2026-02-30"]), ["field office_closed_days.0"], id="bad-closed-day"),
    ],
)
def test_invalid_policies_are_refused_naming_the_field(data, says):
    """Each broken sla.toml is refused with the file name, the field and what is wrong."""
    with pytest.raises(DataFileError) as refused:
        datafiles.validate(SlaPolicy, data, SLA_FILE)
    message = refused.value.message
    assert message.startswith("data/policies/sla.toml: field ")
    for part in says:
        assert part in message


def test_invalid_hours_raise_a_pydantic_validation_error_on_the_hours_field():
    """SlaPolicy.model_validate refuses a bad range with a ValidationError located at hours."""
    with pytest.raises(ValidationError) as refused:
        SlaPolicy.model_validate(with_hours(mon=["9-5"]))
    assert refused.value.errors()[0]["loc"] == ("hours",)


def test_touching_ranges_and_a_midnight_end_are_accepted():
    """``08:00-12:00`` then ``12:00-24:00`` do not overlap, and 24:00 is a valid end."""
    policy = SlaPolicy.model_validate(with_hours(mon=["08:00-12:00", "12:00-24:00"]))
    assert policy.calendar(LONDON).seconds_between(local(2026, 3, 9), local(2026, 3, 10)) == 16 * 3600


def test_an_unknown_holiday_subdivision_is_refused_on_load():
    """holiday_subdivision must be one the holidays package knows for the country."""
    with pytest.raises(DataFileError, match="holiday_subdivision"):
        datafiles.validate(SlaPolicy, with_fields(holiday_subdivision="XXX"), SLA_FILE)
