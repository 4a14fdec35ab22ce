"""A small hand-made desk, built through the real services on a ManualClock.

Each method does one thing an analyst does and moves the clock as told, so a test
reads like the story of its calls and every event on the timeline is genuine.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskcli.core.clock import ManualClock
from deskcli.models import AckMethod, AnalystBase, CommitmentKind, CustomerCreate
from deskcli.services.actor import Actor
from deskcli.services.lifecycle import analysts, calls, commitments, escalations, holds
from deskcli.services.lookup import customers
from deskcli.services.rules.policy import Policies
from deskcli.store.db import Store


class Desk:
    """The store, the clock and who is acting; methods append to the record."""

    def __init__(self, store: Store, clock: ManualClock, policies: Policies) -> None:
        self.store = store
        self.clock = clock
        self.policies = policies
        self.analysts: dict[str, int] = {}
        self.me = self.analyst("ajones", "Ann Jones")

    # --- people ---------------------------------------------------------------------

    def analyst(self, handle: str, name: str) -> int:
        """An analyst of the desk (created once)."""
        with self.store.write() as session:
            row = analysts.ensure_analyst(
                session, AnalystBase(handle=handle, name=name, department="Help Desk"), Actor(None, self.clock)
            )
            self.analysts[handle] = row.id
            return row.id

    def by(self, handle: str = "ajones") -> Actor:
        """That analyst, acting now."""
        return Actor(self.analysts[handle], self.clock)

    def customer(self, name: str, organisation: str = "Northwind Traders", phone: str = "020 7946 0000") -> int:
        with self.store.write() as session:
            return customers.create_customer(
                session,
                CustomerCreate(name=name, organisation=organisation, department="Finance", phones=[phone],
                               email=name.lower().replace(" ", ".").replace("'", "") + "@northwind.example"),
                self.by(),
                region="GB",
            ).id

    # --- time -------------------------------------------------------------------------

    def at(self, when: datetime) -> None:
        """Set the clock (aware)."""
        self.clock.set(when)

    def wait(self, **delta: float) -> None:
        """Move the clock on: ``wait(minutes=5)``."""
        self.clock.advance(timedelta(**delta))

    # --- a call -------------------------------------------------------------------------

    def call(self, customer_id: int, *, summary: str = "", category: str | None = None, priority: int | None = None,
             notes: str = "", handle: str = "ajones", ack: bool = True, **impact: object) -> int:
        """Take a call, acknowledge it and assess it; the clock stays put."""
        by = self.by(handle)
        with self.store.write() as session:
            call = calls.create_call(session, customer_id, by)
            call_id = call.id
            if ack:
                calls.acknowledge(session, call_id, AckMethod.VERBAL, by)
            changes = {key: value for key, value in
                       {"summary": summary, "category": category, "priority": priority, **impact}.items() if value}
            if changes:
                calls.update_assessment(session, call_id, by, **changes)
            if notes:
                calls.save_notes(session, call_id, notes, by)
        return call_id

    def do(self, job, handle: str = "ajones"):
        """Run ``job(session, actor)`` in a write transaction."""
        with self.store.write() as session:
            return job(session, self.by(handle))

    def acknowledge(self, call_id: int) -> None:
        self.do(lambda s, by: calls.acknowledge(s, call_id, AckMethod.VERBAL, by))

    def notes(self, call_id: int, text: str) -> None:
        self.do(lambda s, by: calls.save_notes(s, call_id, text, by))

    def resolve(self, call_id: int, text: str = "Fixed it with the caller", article_id: int | None = None) -> None:
        self.do(lambda s, by: calls.resolve(s, call_id, by, resolution=text, instructions="Ring us if it comes back",
                                            article_id=article_id))

    def close(self, call_id: int, *, satisfaction: int | None = None, handle: str = "ajones") -> None:
        """The customer agrees, and the call is closed (resolved first if it was not)."""
        def job(session, by):
            call = calls.get_call(session, call_id)
            if not call.resolution:
                calls.resolve(session, call_id, by, resolution="Fixed it with the caller")
            calls.record_agreement(session, call_id, by, agreed=True)
            calls.close_call(session, call_id, by, satisfaction=satisfaction)
        self.do(job, handle)

    def hang_up(self, call_id: int) -> None:
        self.do(lambda s, by: calls.end_talk(s, call_id, by))

    def ring_back(self, call_id: int) -> None:
        """The analyst is on the phone about this call again."""
        self.do(lambda s, by: calls.resume_talk(s, call_id, by))

    def contact(self, call_id: int, *, inbound: bool = True, note: str = "") -> None:
        self.do(lambda s, by: calls.log_contact(s, call_id, by, inbound=inbound, note=note))

    def reopen(self, call_id: int, reason: str = "It came back") -> None:
        self.do(lambda s, by: calls.reopen_call(s, call_id, by, reason=reason))

    def hold(self, call_id: int, seconds: int) -> None:
        """A hold of ``seconds``; the clock moves on by as much."""
        policy = self.policies.call_handling.hold
        self.do(lambda s, by: holds.start_hold(s, call_id, by, policy=policy))
        self.wait(seconds=seconds)
        self.do(lambda s, by: holds.end_hold(s, call_id, by, policy=policy))

    def escalate(self, call_id: int, route: str = "technical_experts", *, handoff: str = "Tried a restart; no change.",
                 next_contact_in: timedelta = timedelta(hours=2), triggers: list[str] | None = None,
                 tier: int | None = None, type: str | None = None, time_to_fix: str = "4 hours",
                 cause: str = "better_tier", channel: str | None = None) -> int:
        request = escalations.EscalationRequest(
            route=route, handoff=handoff, next_contact_at=self.clock.now() + next_contact_in,
            triggers=triggers or [], tier=tier, type=type,  # type: ignore[arg-type]
            time_to_fix=time_to_fix, cause=cause, channel=channel,
        )
        return self.do(lambda s, by: escalations.escalate(s, call_id, request, by, policy=self.policies.escalation)).id

    def promise(self, call_id: int, kind: CommitmentKind, due_in: timedelta, description: str = "") -> int:
        return self.do(lambda s, by: commitments.make_commitment(
            s, call_id, kind, self.clock.now() + due_in, by, description=description)).id

    def keep(self, commitment_id: int) -> str:
        return self.do(lambda s, by: commitments.settle(s, commitment_id, by, kept=True).outcome)

    def miss(self, commitment_id: int) -> str:
        return self.do(lambda s, by: commitments.settle(s, commitment_id, by, kept=False).outcome)

    def cancel(self, commitment_id: int) -> None:
        self.do(lambda s, by: commitments.cancel(s, commitment_id, by, reason="The customer no longer needs it"))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC moment."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
