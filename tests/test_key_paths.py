"""The two key paths of the README's "Taking a call", pressed exactly as written.

Counted: every key that is not free text the analyst would type anyway. The README
lists the same sequences; if one changes, both change.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from console import console, events_of, only_call, ready, seed, settle, text_of, type_text, with_runtime
from deskcli.models import AckMethod, CallStatus, Commitment, CommitmentKind, CustomerCreate, Escalation, EventKind
from deskcli.screens.followup import FollowUpScreen
from deskcli.screens.home import HomeScreen

pytestmark = pytest.mark.usefixtures("analyst_profile")

SIOBHAN = CustomerCreate(
    name="Siobhan O'Neill", name_spelling="S-I-O-B-H-A-N", pronunciation="shi-VAWN",
    organisation="Northwind Traders", phones=["020 7946 0000"],
)
SIOBHAN_AGAIN = CustomerCreate(name="Siobhan Murphy", organisation="Contoso", phones=["020 7946 0001"])


class Keys:
    """Presses keys and counts them; typed words are not counted."""

    def __init__(self, app, pilot) -> None:
        self.app, self.pilot, self.count = app, pilot, 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.count += 1
            await self.pilot.press(key)
            await settle(self.app, self.pilot)

    async def type(self, words: str) -> None:
        await type_text(self.pilot, words)
        await settle(self.app, self.pilot)


async def test_resolved_on_first_contact_in_eleven_keys(db_path, clock):
    """n · Enter · ctrl+r · ctrl+s · Enter · h · ctrl+s · ctrl+s · ctrl+s · 5 · y (two callers match "siob")."""
    seed(db_path, clock, SIOBHAN, SIOBHAN_AGAIN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        keys = Keys(app, pilot)
        await keys.press("n")  # the phone rings
        await keys.type("siob")  # two matches: the first is highlighted
        await keys.press("enter")  # take the highlighted caller: the call and its reference
        await keys.press("ctrl+r")  # the reference was given
        await keys.press("ctrl+s")  # spelling and pronunciation confirmed: on to the assessment
        await keys.type("printer offline")
        await keys.press("enter")  # to the category
        await keys.press("h")  # Computers, printers and devices
        await keys.press("ctrl+s")  # saved: the problem to read back to the caller
        assert "printer offline" in text_of(app, "#read-back") and "Is that right?" in text_of(app, "#read-back")
        await keys.press("ctrl+s")  # they confirm: on to resolve or escalate
        await keys.type("cleared the print queue")
        await keys.press("ctrl+s")  # resolution recorded: on to close
        await keys.press("5")  # satisfaction, as the caller says it
        await keys.press("y")  # they agree: closed, the follow-up call booked
        assert isinstance(app.screen, FollowUpScreen)
        assert keys.count == 11
    call = with_runtime(db_path, clock, only_call)
    assert call.status == CallStatus.CLOSED and call.customer_agreed_at is not None
    assert (call.summary, call.category, call.resolution, call.satisfaction) == (
        "printer offline", "hardware", "cleared the print queue", 5,
    )
    assert call.ack_method == AckMethod.VERBAL
    timeline = with_runtime(db_path, clock, lambda rt: events_of(rt, call.id))
    kinds = [event.kind for event in timeline]
    assert EventKind.NAME_CONFIRMED in kinds and EventKind.CUSTOMER_AGREED in kinds
    assert EventKind.PROBLEM_READ_BACK in kinds  # read back and confirmed: not a skipped step
    skipped = [step for e in timeline if e.kind == EventKind.STAGE_SKIPPED for step in e.payload["steps"]]
    assert "problem read back to the caller" not in skipped
    assert kinds.index(EventKind.CUSTOMER_AGREED) < kinds.index(EventKind.CLOSED)

    def follow_up(runtime):
        with runtime.store.read() as session:
            return session.exec(select(Commitment).where(Commitment.kind == CommitmentKind.FOLLOW_UP)).one()

    assert with_runtime(db_path, clock, follow_up).call_id == call.id


async def test_escalated_with_hand_off_time_to_fix_and_next_contact_in_fourteen_keys(db_path, clock):
    """n · Enter · ctrl+r · ctrl+s · Enter · n · h · s · Enter · ctrl+s · ctrl+s · Enter · ctrl+s · ctrl+g."""
    seed(db_path, clock, SIOBHAN)
    app = console(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        keys = Keys(app, pilot)
        await keys.press("n")
        await keys.type("siob")
        await keys.press("enter")  # the only match
        await keys.press("ctrl+r")
        await keys.press("ctrl+s")
        await keys.type("file server down for finance")
        await keys.press("enter")  # to the category
        await keys.press("n")  # Network, Wi-Fi and VPN → urgency
        await keys.press("h")  # urgency high → business impact
        await keys.press("s")  # significant → people affected
        await keys.type("12")
        await keys.press("enter")  # → departments
        await keys.type("3")
        await keys.press("ctrl+s")  # saved: the problem to read back (priority P1 critical)
        assert "12 people affected, 3 departments" in text_of(app, "#read-back")
        assert "priority P1 critical" in text_of(app, "#read-back")
        await keys.press("ctrl+s")  # confirmed: the escalate pane, the proposal filled in, the cursor on time to fix
        await keys.type("4 hours")
        await keys.press("enter")  # → next contact
        await keys.type("+1h")
        await keys.press("ctrl+s")  # escalated: the next-contact promise is recorded
        await keys.press("ctrl+g")  # hang up: the call stays open, escalated
        assert isinstance(app.screen, HomeScreen)
        assert keys.count == 14

    def escalated(runtime):
        with runtime.store.read() as session:
            escalation = session.exec(select(Escalation)).one()
            return escalation, session.get(Commitment, escalation.next_contact_id)

    call = with_runtime(db_path, clock, only_call)
    escalation, promise = with_runtime(db_path, clock, escalated)
    assert call.status == CallStatus.ESCALATED and call.talk_ended_at is not None
    assert (call.category, call.urgency, call.business_impact) == ("network", "high", "significant")
    assert (call.people_affected, call.departments_affected) == (12, 3)
    assert escalation.route == "technical_experts" and escalation.tier == 3
    assert escalation.time_to_fix == "4 hours"
    assert "file server down for finance" in escalation.handoff and "12 people affected" in escalation.handoff
    assert promise.kind == CommitmentKind.NEXT_CONTACT
