"""Follow-up scheduling, promise reminders, the home queue, the greeting, the hand-off and prompts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskcli.models import AnalystBase, CommitmentKind, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.desk import queue, reminders
from deskcli.services.desk.queue import PromiseRow
from deskcli.services.lifecycle import analysts, calls, callview, commitments, escalations, greeting, handoff
from deskcli.services.lifecycle.escalations import EscalationRequest
from deskcli.services.lifecycle.followup import default_follow_up
from deskcli.services.lookup import customers
from deskcli.services.rules import prompts
from deskcli.services.rules.policy import FollowUpPolicy, GreetingPolicy, SlaPolicy
from deskcli.services.rules.triggers import evaluate
from deskcli.services.timekeeping.business_time import BusinessCalendar, Range

LONDON = ZoneInfo("Europe/London")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- default follow-up ------------------------------------------------------------------

WEEKDAYS = BusinessCalendar(LONDON, {day: (Range(9 * 60, 17 * 60),) for day in range(5)})
"""Monday to Friday, no holidays: the weekly shape alone."""


@pytest.fixture
def office(policies) -> BusinessCalendar:
    """The shipped SLA calendar: England's bank holidays, 24 and 31 December 2026 closed."""
    return policies.sla.calendar(LONDON)


@pytest.mark.parametrize(
    ("now", "expected", "why"),
    [
        (utc(2026, 3, 10, 14, 0), utc(2026, 3, 11, 10, 0), "Tuesday -> Wednesday"),
        (utc(2026, 3, 10, 8, 0), utc(2026, 3, 11, 10, 0), "Tuesday morning -> still Wednesday"),
        (utc(2026, 3, 12, 16, 0), utc(2026, 3, 13, 10, 0), "Thursday -> Friday"),
        (utc(2026, 3, 13, 9, 0), utc(2026, 3, 16, 10, 0), "Friday -> Monday"),
        (utc(2026, 3, 14, 12, 0), utc(2026, 3, 16, 10, 0), "Saturday -> Monday"),
        (utc(2026, 3, 15, 12, 0), utc(2026, 3, 16, 10, 0), "Sunday -> Monday"),
        (utc(2026, 4, 2, 14, 0), utc(2026, 4, 7, 9, 0), "Thursday before Easter -> Tuesday (Good Friday, Easter Monday)"),
        (utc(2026, 5, 1, 14, 0), utc(2026, 5, 5, 9, 0), "Friday 1 May -> Tuesday (early May bank holiday)"),
        (utc(2026, 5, 22, 14, 0), utc(2026, 5, 26, 9, 0), "Friday 22 May -> Tuesday (spring bank holiday)"),
        (utc(2026, 12, 23, 14, 0), utc(2026, 12, 29, 10, 0), "23 December -> 29th (24th closed, Christmas, Boxing Day moved to the 28th)"),
        (utc(2026, 12, 30, 14, 0), utc(2027, 1, 4, 10, 0), "30 December -> 4 January (31st closed, New Year's Day, weekend)"),
    ],
)
def test_follow_up_is_the_next_business_day_at_ten(policies, office, now, expected, why):
    """The shipped policy: one business day of the SLA calendar later at 10:00 London time - no weekend,
    bank holiday or day the office closed."""
    assert default_follow_up(now, LONDON, policies.call_handling.follow_up, office) == expected, why


def test_follow_up_never_lands_on_a_day_the_office_calendar_closes(policies, office):
    """From every hour of 2026, the follow-up falls on a day the shipped calendar opens - never the 24th, Good Friday or 4 May."""
    chosen = set()
    now = utc(2026, 1, 1, 0, 0)
    while now < utc(2027, 1, 1):
        chosen.add(default_follow_up(now, LONDON, policies.call_handling.follow_up, office).astimezone(LONDON).date())
        now += timedelta(hours=5)
    assert all(office.is_business_day(day) for day in chosen)
    assert not {date(2026, 12, 24), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4)} & chosen
    assert {date(2026, 12, 23), date(2026, 4, 2), date(2026, 5, 5)} <= chosen  # the days either side still are


def test_on_a_closed_day_zero_business_days_is_the_next_open_day(office):
    """Closing on 24 December before ten with 0 business days: the 24th is closed, so the 29th."""
    policy = FollowUpPolicy(business_days_after=0, at=time(10, 0))
    assert default_follow_up(utc(2026, 12, 24, 8, 0), LONDON, policy, office) == utc(2026, 12, 29, 10, 0)


def test_a_weekday_with_no_opening_hours_is_skipped(policies):
    """An office shut on Wednesdays (no hours in sla.toml) books Tuesday's follow-up on Thursday."""
    hours = {**{day: ["09:00-17:00"] for day in ("mon", "tue", "thu", "fri")}, "wed": []}
    policy = SlaPolicy.model_validate({**policies.sla.model_dump(), "hours": hours})
    calendar = policy.calendar(LONDON)
    assert default_follow_up(utc(2026, 3, 10, 14, 0), LONDON, policies.call_handling.follow_up, calendar) == utc(2026, 3, 12, 10, 0)
    two_days = FollowUpPolicy(business_days_after=2, at=time(10, 0))
    assert default_follow_up(utc(2026, 3, 10, 14, 0), LONDON, two_days, calendar) == utc(2026, 3, 13, 10, 0)


def test_a_recurring_closure_is_skipped(policies):
    """A closure rule (the first Monday of each month, training) moves Friday 3 July 2026's follow-up to Tuesday."""
    policy = SlaPolicy.model_validate({**policies.sla.model_dump(), "recurring_closures": ["FREQ=MONTHLY;BYDAY=1MO"]})
    due = default_follow_up(utc(2026, 7, 3, 12, 0), LONDON, policies.call_handling.follow_up, policy.calendar(LONDON))
    assert due == utc(2026, 7, 7, 9, 0)


def test_follow_up_across_the_change_to_summer_time(policies, office):
    """Friday 27 March → Monday 30 March 10:00 BST, which is 09:00 UTC (the day before it is 10:00 UTC)."""
    policy = policies.call_handling.follow_up
    assert default_follow_up(utc(2026, 3, 26, 12, 0), LONDON, policy, office) == utc(2026, 3, 27, 10, 0)
    assert default_follow_up(utc(2026, 3, 27, 12, 0), LONDON, policy, office) == utc(2026, 3, 30, 9, 0)


def test_follow_up_uses_the_local_date(policies, office):
    """At 23:30 UTC on a summer Tuesday it is already Wednesday in London: the follow-up is Thursday."""
    assert default_follow_up(utc(2026, 6, 9, 23, 30), LONDON, policies.call_handling.follow_up, office) == utc(2026, 6, 11, 9, 0)


def test_zero_business_days_is_today_if_ten_oclock_is_still_ahead():
    """With 0 business days a call before 10:00 on a weekday is followed up the same day."""
    policy = FollowUpPolicy(business_days_after=0, at=time(10, 0))
    assert default_follow_up(utc(2026, 3, 10, 8, 0), LONDON, policy, WEEKDAYS) == utc(2026, 3, 10, 10, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 3, 10, 14, 0), utc(2026, 3, 11, 10, 0)),
        (utc(2026, 3, 10, 10, 0), utc(2026, 3, 11, 10, 0)),
        (utc(2026, 3, 13, 14, 0), utc(2026, 3, 16, 10, 0)),
        (utc(2026, 3, 14, 9, 0), utc(2026, 3, 16, 10, 0)),
    ],
)
def test_zero_business_days_after_ten_is_the_next_business_day(now, expected):
    """With 0 business days a call at or after 10:00 (or on a weekend) goes to the next business day."""
    policy = FollowUpPolicy(business_days_after=0, at=time(10, 0))
    assert default_follow_up(now, LONDON, policy, WEEKDAYS) == expected


def test_several_business_days_skip_the_weekend():
    """Two business days after a Friday is Tuesday, at the policy time."""
    policy = FollowUpPolicy(business_days_after=2, at=time(15, 30))
    assert default_follow_up(utc(2026, 3, 13, 12, 0), LONDON, policy, WEEKDAYS) == utc(2026, 3, 17, 15, 30)


def test_follow_up_is_always_in_the_future(policies, office):
    """Whatever the moment, the follow-up is after it and on a business day at 10:00 local."""
    start = utc(2026, 3, 1, 0, 0)
    for hours in range(0, 24 * 60, 7):
        now = start + timedelta(hours=hours)
        due = default_follow_up(now, LONDON, policies.call_handling.follow_up, office)
        local = due.astimezone(LONDON)
        assert due > now and office.is_business_day(local.date()) and local.time() == time(10, 0)


def test_a_calendar_that_never_opens_proposes_nothing():
    """No business day within reach (closures listed for years): no proposal, not a hang or an error."""
    never = BusinessCalendar(LONDON, dict.fromkeys(range(7), ()))
    assert default_follow_up(utc(2026, 3, 10, 14, 0), LONDON, FollowUpPolicy(), never) is None


# --- reminders -----------------------------------------------------------------------------

NOW = utc(2026, 3, 10, 14, 0)
AHEAD = timedelta(minutes=10)


def row(promise_id: int, due_at: datetime) -> PromiseRow:
    return PromiseRow(promise_id, 1, "HD-000001", "Siobhan O'Neill", "promise", "Ring back", due_at, due_at < NOW)


def phases(found) -> list[tuple[int, str]]:
    return [(r.promise.id, r.phase) for r in found]


def test_soon_is_announced_once_within_the_notice_period():
    """A promise due in 10 minutes is 'soon', announced once; one due in 11 minutes not yet."""
    announced: set[tuple[int, str]] = set()
    rows = [row(1, NOW + timedelta(minutes=10)), row(2, NOW + timedelta(minutes=11))]
    assert phases(reminders.reminders(rows, NOW, AHEAD, announced)) == [(1, "soon")]
    assert reminders.reminders(rows, NOW + timedelta(seconds=15), AHEAD, announced) == []
    assert announced == {(1, "soon")}


def test_due_is_announced_once_after_soon():
    """When the time comes, the same promise is announced 'due', once."""
    announced: set[tuple[int, str]] = set()
    rows = [row(1, NOW + timedelta(minutes=5))]
    assert phases(reminders.reminders(rows, NOW, AHEAD, announced)) == [(1, "soon")]
    assert phases(reminders.reminders(rows, NOW + timedelta(minutes=5), AHEAD, announced)) == [(1, "due")]
    assert reminders.reminders(rows, NOW + timedelta(minutes=30), AHEAD, announced) == []


def test_an_overdue_promise_is_announced_due_without_a_soon():
    """A promise first seen overdue gets only 'due'."""
    announced: set[tuple[int, str]] = set()
    assert phases(reminders.reminders([row(7, NOW - timedelta(hours=1))], NOW, AHEAD, announced)) == [(7, "due")]


def test_never_soon_after_due():
    """Once 'due' was announced, a later 'soon' (e.g. the clock set back) is not announced."""
    announced: set[tuple[int, str]] = set()
    rows = [row(3, NOW)]
    assert phases(reminders.reminders(rows, NOW, AHEAD, announced)) == [(3, "due")]
    assert reminders.reminders(rows, NOW - timedelta(minutes=5), AHEAD, announced) == []


def test_each_promise_is_announced_separately():
    """Several promises each get their own announcement, in the order given."""
    announced: set[tuple[int, str]] = set()
    rows = [row(1, NOW - timedelta(minutes=1)), row(2, NOW + timedelta(minutes=2)), row(3, NOW + timedelta(hours=2))]
    assert phases(reminders.reminders(rows, NOW, AHEAD, announced)) == [(1, "due"), (2, "soon")]


def test_a_few_are_announced_one_by_one():
    """Up to three of a kind in one check: one announcement each."""
    announced: set[tuple[int, str]] = set()
    rows = [row(n, NOW - timedelta(minutes=n)) for n in (1, 2, 3)] + [row(9, NOW + timedelta(minutes=5))]
    found = reminders.grouped(reminders.reminders(rows, NOW, AHEAD, announced))
    assert [(r.promise.id, r.phase) for r in found] == [(1, "due"), (2, "due"), (3, "due"), (9, "soon")]


def test_many_at_once_are_one_announcement_most_overdue_first():
    """Deskcli reopened after lunch with 40 promises overdue: one announcement for the lot."""
    announced: set[tuple[int, str]] = set()
    rows = [row(n, NOW - timedelta(minutes=n)) for n in range(1, 41)] + [row(99, NOW + timedelta(minutes=5))]
    found = reminders.grouped(reminders.reminders(rows, NOW, AHEAD, announced))
    assert len(found) == 2
    group, single = found
    assert isinstance(group, reminders.ReminderGroup) and group.phase == "due"
    assert [p.id for p in group.promises] == list(range(40, 0, -1))  # the oldest first
    assert single.promise.id == 99 and single.phase == "soon"
    # Every one of them counts as announced: the next check says nothing more.
    assert reminders.reminders(rows, NOW + timedelta(seconds=15), AHEAD, announced) == []


# --- the queue -------------------------------------------------------------------------------

@pytest.fixture
def colleague(store, clock) -> Actor:
    """Bob Lee, another analyst on the same database."""
    with store.write() as session:
        bob = analysts.ensure_analyst(session, AnalystBase(handle="blee", name="Bob Lee", department="Help Desk"), Actor(None, clock))
    return Actor(bob.id, clock)


def new_call(store, actor, customer_id, summary: str = "") -> int:
    with store.write() as session:
        call = calls.create_call(session, customer_id, actor)
        if summary:
            calls.update_assessment(session, call.id, actor, summary=summary)
        return call.id


def test_my_open_calls_are_mine_and_open_newest_first(store, actor, colleague, clock, customer_id):
    """Only open calls this analyst works are listed, newest first; closed and others' calls are not."""
    older = new_call(store, actor, customer_id, "printer")
    clock.advance(timedelta(minutes=5))
    newer = new_call(store, actor, customer_id, "vpn")
    closed = new_call(store, actor, customer_id)
    with store.write() as session:
        calls.resolve(session, closed, actor, resolution="done")
        calls.record_agreement(session, closed, actor, agreed=True)
        calls.close_call(session, closed, actor)
    new_call(store, colleague, customer_id)
    with store.read() as session:
        rows = queue.my_open_calls(session, actor.analyst_id)
    assert [r.id for r in rows] == [newer, older]
    assert rows[0].customer == "Siobhan O'Neill" and rows[0].summary == "vpn" and rows[0].reference == "HD-000002"
    assert not rows[0].owners_differ


def test_after_escalation_the_call_moves_from_mine_to_elsewhere(store, actor, clock, customer_id, policies):
    """Escalated away, the call leaves my open calls and shows as perceived mine but worked elsewhere."""
    call_id = new_call(store, actor, customer_id)
    with store.read() as session:
        assert [r.id for r in queue.my_open_calls(session, actor.analyst_id)] == [call_id]
        assert queue.perceived_elsewhere(session, actor.analyst_id) == []
    with store.write() as session:
        escalations.escalate(
            session, call_id,
            EscalationRequest(route="technical_experts", handoff="VPN down for the floor", next_contact_at=clock.now() + timedelta(hours=2),
                              time_to_fix="4 hours", cause="better_tier"),
            actor, policy=policies.escalation,
        )
    with store.read() as session:
        assert queue.my_open_calls(session, actor.analyst_id) == []
        elsewhere = queue.perceived_elsewhere(session, actor.analyst_id)
    assert [r.id for r in elsewhere] == [call_id]
    assert elsewhere[0].actual_owner == "Second-line technical team"
    assert elsewhere[0].owners_differ and elsewhere[0].status == "escalated"


def test_escalated_to_a_colleague_shows_in_their_calls_and_my_elsewhere(store, actor, colleague, clock, customer_id, policies):
    """Escalated to another analyst: it is their open call, and still perceived mine."""
    call_id = new_call(store, actor, customer_id)
    with store.write() as session:
        escalations.escalate(
            session, call_id,
            EscalationRequest(
                route="senior_staff", handoff="wants a manager", next_contact_at=clock.now() + timedelta(hours=1),
                receiver="Bob Lee", receiver_analyst_id=colleague.analyst_id, time_to_fix="1 hour", cause="dissatisfaction",
            ),
            actor, policy=policies.escalation,
        )
    with store.read() as session:
        assert [r.id for r in queue.my_open_calls(session, colleague.analyst_id)] == [call_id]
        assert [r.id for r in queue.perceived_elsewhere(session, actor.analyst_id)] == [call_id]
        assert queue.perceived_elsewhere(session, colleague.analyst_id) == []


def test_queue_lists_page_with_limit_and_offset(store, actor, clock, customer_id):
    """my_open_calls returns one page at a time."""
    ids = []
    for _ in range(5):
        ids.append(new_call(store, actor, customer_id))
        clock.advance(timedelta(minutes=1))
    with store.read() as session:
        first = queue.my_open_calls(session, actor.analyst_id, limit=2)
        second = queue.my_open_calls(session, actor.analyst_id, limit=2, offset=2)
        last = queue.my_open_calls(session, actor.analyst_id, limit=2, offset=4)
    assert [r.id for r in first + second + last] == ids[::-1]


def make_promise(store, actor, call_id, due, description="Ring back") -> int:
    with store.write() as session:
        return commitments.make_commitment(session, call_id, CommitmentKind.PROMISE, due, actor, description=description).id


def test_promises_due_flags_overdue_and_respects_the_horizon(store, actor, clock, customer_id):
    """Promises due before ``until`` are listed soonest first, overdue ones flagged; later ones are not."""
    call_id = new_call(store, actor, customer_id)
    overdue = make_promise(store, actor, call_id, clock.now() + timedelta(minutes=10), "overdue")
    soon = make_promise(store, actor, call_id, clock.now() + timedelta(minutes=50), "soon")
    make_promise(store, actor, call_id, clock.now() + timedelta(hours=3), "later")
    clock.advance(timedelta(minutes=30))
    with store.read() as session:
        rows = queue.promises_due(session, actor.analyst_id, now=clock.now(), until=clock.now() + timedelta(hours=1))
    assert [(r.id, r.overdue) for r in rows] == [(overdue, True), (soon, False)]
    assert rows[0].reference == "HD-000001" and rows[0].customer == "Siobhan O'Neill" and rows[0].description == "overdue"


def test_promises_due_leaves_out_settled_and_others_promises(store, actor, colleague, clock, customer_id):
    """Settled promises and promises owed by someone else are not listed."""
    mine = new_call(store, actor, customer_id)
    theirs = new_call(store, colleague, customer_id)
    kept = make_promise(store, actor, mine, clock.now() + timedelta(minutes=10))
    pending = make_promise(store, actor, mine, clock.now() + timedelta(minutes=20))
    make_promise(store, colleague, theirs, clock.now() + timedelta(minutes=15))
    with store.write() as session:
        commitments.settle(session, kept, actor, kept=True)
    with store.read() as session:
        rows = queue.promises_due(session, actor.analyst_id, now=clock.now(), until=clock.now() + timedelta(days=1))
    assert [r.id for r in rows] == [pending]


def test_notices_word_a_crowd_with_the_true_count_and_the_oldest():
    """A crowd's notice gives the full count of due promises and names the most overdue."""
    announced: set[tuple[int, str]] = set()
    rows = [row(n, NOW - timedelta(minutes=n)) for n in range(1, 6)] + [row(9, NOW + timedelta(minutes=5))]
    found = reminders.reminders(rows, NOW, AHEAD, announced)
    crowd, single = reminders.notices(found, 240, LONDON, NOW)
    assert crowd.title == "Promises DUE now" and crowd.severity == "error"
    assert crowd.message.startswith("240 promises due or overdue; the first: HD-000001 Siobhan O'Neill: Ring back")
    assert single.title == "Promise coming up" and single.severity == "warning"
    assert single.message.startswith("HD-000001 Siobhan O'Neill: Ring back at ")


def test_a_call_back_reminder_says_the_number_to_ring():
    """The reminder of a call-back names the number, alone and as the first of a crowd; other promises name none."""
    call_back = dataclasses.replace(row(1, NOW - timedelta(minutes=2)), kind="callback", contact_number="07700 900123")
    found = reminders.reminders([call_back, row(2, NOW + timedelta(minutes=5))], NOW, AHEAD, set())
    due, coming = reminders.notices(found, 1, LONDON, NOW)
    assert due.message.startswith("HD-000001 Siobhan O'Neill: Ring back (ring 07700 900123) - due ")
    assert "ring" not in coming.message.replace("Ring back", "")
    crowd = [dataclasses.replace(call_back, id=n, due_at=NOW - timedelta(minutes=n)) for n in range(1, 6)]
    [notice] = reminders.notices(reminders.reminders(crowd, NOW, AHEAD, set()), 5, LONDON, NOW)
    assert "the first: HD-000001 Siobhan O'Neill: Ring back (ring 07700 900123)" in notice.message


def test_the_promise_lists_carry_the_number_to_ring(store, actor, clock, customer_id):
    """The follow-up list's rows and the due list carry each promise's number."""
    call_id = new_call(store, actor, customer_id)
    with store.write() as session:
        commitments.make_commitment(session, call_id, CommitmentKind.CALLBACK, clock.now() + timedelta(minutes=5), actor,
                                    contact_number="020 7946 0000")
        commitments.make_commitment(session, call_id, CommitmentKind.PROMISE, clock.now() + timedelta(minutes=9), actor)
    with store.read() as session:
        page = queue.pending_promises(session, actor.analyst_id, now=clock.now())
        due = queue.promises_due(session, actor.analyst_id, now=clock.now(), until=clock.now() + timedelta(hours=1))
    assert [r.contact_number for r in page] == [r.contact_number for r in due] == ["020 7946 0000", ""]


def test_count_promises_due_counts_all_of_mine_due_or_overdue(store, actor, colleague, clock, customer_id):
    """The header's count is the true number (not a page of rows): due now or earlier, mine, unsettled."""
    mine = new_call(store, actor, customer_id)
    theirs = new_call(store, colleague, customer_id)
    start = clock.now()
    for minutes in range(1, 250):
        make_promise(store, actor, mine, start + timedelta(minutes=minutes))  # overdue by the time we look
    make_promise(store, actor, mine, start + timedelta(hours=5))  # due exactly then
    settled = make_promise(store, actor, mine, start + timedelta(hours=1))
    make_promise(store, actor, mine, start + timedelta(hours=5, seconds=1))  # not yet due
    make_promise(store, colleague, theirs, start + timedelta(hours=1))  # a colleague's
    with store.write() as session:
        commitments.settle(session, settled, actor, kept=False)
    clock.advance(timedelta(hours=5))
    with store.read() as session:
        assert queue.count_promises_due(session, actor.analyst_id, until=clock.now()) == 250
        assert queue.count_promises_due(session, colleague.analyst_id, until=clock.now()) == 1
        assert queue.count_promises_due(session, actor.analyst_id, until=clock.now(), overdue_at=clock.now()) == 249
        assert queue.count_promises_due(session, actor.analyst_id, until=clock.now() + timedelta(days=1)) == 251


def test_pending_promises_page_soonest_first(store, actor, clock, customer_id):
    """pending_promises lists every unsettled promise, soonest first, a page at a time."""
    call_id = new_call(store, actor, customer_id)
    ids = [make_promise(store, actor, call_id, clock.now() + timedelta(hours=h)) for h in (5, 1, 4, 2, 3)]
    by_due = [ids[1], ids[3], ids[4], ids[2], ids[0]]
    with store.read() as session:
        pages = [queue.pending_promises(session, actor.analyst_id, now=clock.now(), limit=2, offset=o) for o in (0, 2, 4, 6)]
    assert [[r.id for r in page] for page in pages] == [by_due[:2], by_due[2:4], by_due[4:], []]
    assert not any(r.overdue for page in pages for r in page)


# --- greeting ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("moment", "part"),
    [
        (utc(2026, 3, 10, 0, 0), "morning"),
        (utc(2026, 3, 10, 11, 59), "morning"),
        (utc(2026, 3, 10, 12, 0), "afternoon"),
        (utc(2026, 3, 10, 17, 59), "afternoon"),
        (utc(2026, 3, 10, 18, 0), "evening"),
        (utc(2026, 3, 10, 23, 59), "evening"),
        (utc(2026, 6, 10, 11, 30), "afternoon"),  # 12:30 BST
        (utc(2026, 6, 10, 17, 30), "evening"),  # 18:30 BST
    ],
)
def test_time_of_day_in_the_office_zone(policies, moment, part):
    """Morning before 12:00, afternoon until 18:00, evening after, all in London time."""
    assert greeting.time_of_day(moment, LONDON, policies.greeting) == part


def test_greeting_renders_the_shipped_template(policies):
    """The shipped greeting names the time of day, the analyst and the department, and offers help."""
    text = greeting.render(policies.greeting, utc(2026, 3, 10, 14, 0), LONDON, analyst_name="Ann Jones", department="Help Desk")
    assert text == "Good afternoon, Ann Jones, Help Desk. How may I help you today?"


def test_greeting_uses_the_office_zone_not_utc(policies):
    """At 14:00 UTC it is morning in New York."""
    text = greeting.render(policies.greeting, utc(2026, 3, 10, 14, 0), ZoneInfo("America/New_York"), analyst_name="Ann", department="IT")
    assert text.startswith("Good morning, Ann")


def test_greeting_template_override_and_whitespace(policies):
    """A template given in settings replaces the policy's; extra spaces are collapsed."""
    text = greeting.render(
        policies.greeting, utc(2026, 3, 10, 19, 0), LONDON, analyst_name="Ann Jones", department="Help Desk",
        organisation="Acme", template="Good {time_of_day}, {organisation}  {department},   {analyst_name} speaking.",
    )
    assert text == "Good evening, Acme Help Desk, Ann Jones speaking."


def test_greeting_times_come_from_the_policy():
    """An office whose afternoon starts at 13:00 says morning at 12:30."""
    policy = GreetingPolicy(template="Good {time_of_day}, {analyst_name}.", afternoon_from=time(13, 0))
    assert greeting.render(policy, utc(2026, 3, 10, 12, 30), LONDON, analyst_name="Ann", department="") == "Good morning, Ann."


# --- hand-off ------------------------------------------------------------------------------------

def test_handoff_carries_summary_notes_impact_contact_and_triggers(store, actor, clock, customer_id, policies):
    """The hand-off text has everything the receiver needs, and only the triggers that hold."""
    call_id = new_call(store, actor, customer_id)
    with store.write() as session:
        calls.update_assessment(
            session, call_id, actor, summary="Finance share unreachable", category="network", priority=2,
            priority_reason="high impact", people_affected=12, departments_affected=2, business_impact="severe",
            security_concern=True,
        )
        calls.save_notes(session, call_id, "Mapped drive fails since 9am.\nRebooted, no change.", actor)
        calls.set_callback_preference(session, call_id, "after 2pm on her mobile", actor)
    with store.read() as session:
        view = callview.load(session, call_id)
    results = evaluate(view.facts(now=clock.now()), policies.escalation, ["customer_request"])
    text = handoff.compose(view, results)
    lines = text.splitlines()
    assert lines[0] == "Call HD-000001: Finance share unreachable"
    assert lines[1] == "Category: network; priority: P2 (high impact)"
    assert lines[2] == "Impact: 12 people affected; 2 department(s) affected; business impact: severe; SECURITY CONCERN"
    assert "Mapped drive fails since 9am.\nRebooted, no change." in text
    assert "- More than one department is affected: 2 departments affected" in lines
    assert "- Customer asks for escalation or a manager: ticked by the analyst" in lines
    assert "No apparent solution" not in text and "executive" not in text.lower()
    assert "Contact: Siobhan O'Neill / Finance, Northwind Traders / 020 7946 0000 / siobhan.oneill@northwind.example" in lines
    assert "Preferred call-back: after 2pm on her mobile" in lines


def test_handoff_of_a_bare_call_says_what_is_missing(store, actor, clock, policies):
    """A call with nothing recorded still gives a readable hand-off with placeholders."""
    with store.write() as session:
        bare = customers.create_customer(session, CustomerCreate(name="Bob Smith"), actor, region="GB").id
    call_id = new_call(store, actor, bare)
    with store.read() as session:
        view = callview.load(session, call_id)
    text = handoff.compose(view, evaluate(view.facts(now=clock.now()), policies.escalation))
    assert text.splitlines()[:3] == ["Call HD-000001: (no summary yet)", "Category: -; priority: -", "Impact: one person"]
    assert "(no notes)" in text
    assert "Why it is escalated" not in text
    assert "Contact: Bob Smith" in text.splitlines()
    assert "Preferred call-back: not given" in text
    assert "complaint" not in text


def test_handoff_mentions_resolution_attempt_and_valid_complaint(store, actor, clock, customer_id, policies):
    """An attempted resolution and a valid complaint are passed on."""
    call_id = new_call(store, actor, customer_id)
    with store.write() as session:
        calls.update_assessment(session, call_id, actor, is_complaint=True, complaint_valid=True, executive_affected=True)
        calls.resolve(session, call_id, actor, resolution="Replaced toner; still streaks")
    with store.read() as session:
        view = callview.load(session, call_id)
    text = handoff.compose(view, [])
    assert "Attempted resolution: Replaced toner; still streaks" in text
    assert "This is a complaint (valid)." in text
    assert "executive / VIP affected" in text


# --- prompts ---------------------------------------------------------------------------------------

def test_prompts_always_ones_only_without_situations(policies):
    """With no situation only the 'always' prompts apply."""
    got = prompts.applicable(policies.prompts, [])
    assert [p.title for p in got] == ["Listen"]


def test_prompts_for_situations_in_file_order(policies):
    """Prompts for the given situations are added to the 'always' ones, in the order of the file."""
    got = prompts.applicable(policies.prompts, ["complaint", "customer_identified"])
    assert [p.title for p in got] == ["Use their name", "Listen", "Apologise and empathise",
                                      "Don't take it personally; say you want to help", "Agree the steps"]
    assert all(p.when in {"always", "complaint", "customer_identified"} for p in got)


def test_prompts_for_escalating_and_long_hold(policies):
    """Each situation brings exactly its own prompts."""
    got = prompts.applicable(policies.prompts, iter(["long_hold", "escalating"]))
    assert [p.title for p in got] == [
        "Listen", "Apologise first", "Position the escalation", "Show the urgency", "Tell them what happens next",
        "Offer a call-back",
    ]


def test_prompts_unknown_situation_adds_nothing(policies):
    """A situation no prompt is written for adds nothing."""
    assert prompts.applicable(policies.prompts, ["on_hold"]) == prompts.applicable(policies.prompts, [])

