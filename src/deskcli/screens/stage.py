"""What the five stage screens share: the call header, the keys that work from any
stage (stages, hold, abusive caller, call-back, hang up, queue) and keeping in step
with the call on screen.

Call keys are *priority* bindings so they work while the analyst is typing in a
field; they use F-keys and control keys that text fields leave free.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from deskcli.widgets.key_bar import KeyBar

from deskcli.core.enums import Stage
from deskcli.screens.base import DeskScreen
from deskcli.widgets.call_header import CallHeader, HeaderData

if TYPE_CHECKING:
    from deskcli.ui.call_flow import CallFlow
    from deskcli.services.lifecycle.callview import CallView


_STAGES = Binding.Group("Stages", compact=True)

CALL_KEYS: list[Binding] = [
    Binding("f8", "hold", "Hold", id="call.hold", priority=True, tooltip="Put the caller on hold, or take them off"),
    Binding("f9", "abuse", "Abuse", id="call.abuse", priority=True, tooltip="Abusive caller: the warning protocol, step by step"),
    Binding("ctrl+o", "callback", "Promise", id="call.promise", priority=True, tooltip="Record a call-back or any promise with its time"),
    Binding("f7", "wait_on_customer", "Waiting", id="call.waiting", priority=True, tooltip="Stop (or restart) the SLA clock while the desk waits on the customer"),
    Binding("ctrl+g", "hang_up", "Hang up", id="call.hang_up", priority=True, tooltip="The conversation is over; back to the queue"),
    Binding("ctrl+b", "queue", "Queue", id="call.queue", priority=True, tooltip="Back to the queue; the call stays live"),
    Binding("f2", "stage('greeting')", "Greeting", id="call.stage.greeting", priority=True, group=_STAGES),
    Binding("f3", "stage('assessment')", "Assessment", id="call.stage.assessment", priority=True, group=_STAGES),
    Binding("f4", "stage('resolve')", "Resolve or escalate", id="call.stage.resolve", priority=True, group=_STAGES),
    Binding("f5", "stage('close')", "Close", id="call.stage.close", priority=True, group=_STAGES),
    Binding("f6", "stage('follow_up')", "Follow-up", id="call.stage.follow_up", priority=True, group=_STAGES),
]
"""Keys that work on every stage of a call (priority: they work while typing in a field)."""


class StageScreen(DeskScreen):
    """A stage of the call. Subclasses compose :meth:`compose_body` and fill it in :meth:`load_call`."""

    STAGE: ClassVar[Stage]
    CSS_PATH = Path(__file__).parent / "call.tcss"
    """Loaded with the first stage screen, so the first frame does not wait for it."""

    BINDINGS: ClassVar[list[Binding]] = []
    """Each stage lists its own keys first, then :data:`CALL_KEYS` (the footer keeps that order)."""

    def __init__(self) -> None:
        super().__init__()
        self._generation = -1

    @property
    def flow(self) -> CallFlow:
        """The call on screen."""
        return self.desk.flow

    def compose(self) -> ComposeResult:
        yield CallHeader(self._now, self._zone, demo=self.desk.options.is_demo, id="call-header")
        panel = self.desk.practice_panel()
        if panel is not None:  # trainer mode: the practice caller beside the call
            yield panel
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        """Override: the stage's own widgets."""
        yield from ()

    def _now(self):  # noqa: ANN202
        runtime = self.runtime
        from datetime import UTC, datetime

        return runtime.clock.now() if runtime else datetime.now(UTC)

    def _zone(self):  # noqa: ANN202
        from zoneinfo import ZoneInfo

        runtime = self.runtime
        return runtime.settings.zone() if runtime else ZoneInfo("UTC")

    def on_screen_resume(self) -> None:
        # After the refresh: on a screen's first showing, nested containers (tabs) are
        # still mounting their children when it resumes.
        self.call_after_refresh(self.sync)

    def sync(self) -> None:
        """Bring the screen in step with the call: clear it for a new call, then fill it."""
        flow = self.flow
        if flow.generation != self._generation:
            self._generation = flow.generation
            self.reset_for_new_call()
        self._show_header(flow.view)
        self.load_call(flow.view)

    def reset_for_new_call(self) -> None:
        """Override: clear every field (a new call is on screen)."""

    def load_call(self, view: CallView | None) -> None:
        """Override: show the call (called on every refresh; do not overwrite what is being typed)."""

    def _show_header(self, view: CallView | None) -> None:
        header = self.query_one(CallHeader)
        header.set_promises_due(self.desk.promises_due)
        flow = self.flow
        if view is None:
            header.show(HeaderData(started_at=flow.answered_at), self.STAGE)
            return
        from deskcli.services.lifecycle import holds, script

        runtime = self.runtime
        assert runtime is not None
        policy = runtime.policies.call_handling.hold
        call = view.call
        pending = view.pending_promises

        def hold_warnings(now):  # noqa: ANN001, ANN202
            return holds.hold_state(call.hold_started_at, view.holds, now, policy).warnings

        zone = runtime.settings.zone()
        calendar = runtime.calendar()

        def sla_label(now):  # noqa: ANN001, ANN202
            return view.sla(now, runtime.policies.sla, zone, calendar).label()

        data = HeaderData(
            name=view.customer.name,
            pronunciation=view.customer.pronunciation,
            vip=view.customer.is_vip,
            flags=tuple(view.customer.caution_flags or ()),
            reference=call.reference,
            status=call.status,
            started_at=flow.answered_at or call.opened_at,
            talk_ended_at=call.talk_ended_at,
            hold_started_at=call.hold_started_at,
            hold_warnings=hold_warnings,
            working_it=call.actual_owner_label if view.owners_differ else "",
            next_promise_at=pending[0].due_at if pending else None,
            sla=sla_label if call.priority is not None else None,
        )
        header.show(data, self.STAGE, script.done_stages(view))

    # --- actions available on every stage -------------------------------------------

    def action_stage(self, name: str) -> None:
        """Go to another stage."""
        self.flow.go(Stage(name))

    def action_queue(self) -> None:
        """Back to the queue without ending the call."""
        self.flow.leave()

    def action_hang_up(self) -> None:
        """End the conversation."""
        self.flow.hang_up()

    def _need_call(self) -> int | None:
        if self.flow.call_id is None:
            self.notify("Identify the caller first.", severity="warning")
        return self.flow.call_id

    def action_hold(self) -> None:
        """Start or stop a hold (every hold is logged)."""
        call_id = self._need_call()
        view = self.flow.view
        if call_id is None or view is None:
            return
        on_hold = view.call.hold_started_at is not None

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import holds

            policy = runtime.policies.call_handling.hold
            with runtime.store.write() as session:
                if on_hold:
                    holds.end_hold(session, call_id, runtime.actor(), policy=policy)
                else:
                    holds.start_hold(session, call_id, runtime.actor(), policy=policy)

        self.flow.write(job, lambda _r: self.flow.refresh())

    def action_wait_on_customer(self) -> None:
        """Stop the SLA clock while waiting on the customer, or start it again."""
        call_id = self._need_call()
        view = self.flow.view
        if call_id is None or view is None:
            return
        if view.waiting_on_customer:

            def resume(runtime):  # noqa: ANN001, ANN202
                from deskcli.services.timekeeping import sla

                with runtime.store.write() as session:
                    sla.resume(session, call_id, runtime.actor())

            self.flow.write(resume, lambda _r: (self.notify("SLA clock running again.", timeout=3), self.flow.refresh()))
            return
        from deskcli.screens.waiting import WaitingScreen

        self.app.push_screen(WaitingScreen(), self._waiting)

    def _waiting(self, reason: str | None) -> None:
        call_id = self.flow.call_id
        if not reason or call_id is None:
            return

        def pause(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.timekeeping import sla

            with runtime.store.write() as session:
                sla.wait_on_customer(session, call_id, runtime.actor(), reason=reason)

        self.flow.write(pause, lambda _r: (self.notify("SLA clock stopped: waiting on the customer (F7 to restart).", timeout=4), self.flow.refresh()))

    def action_abuse(self) -> None:
        """Open the abusive-caller protocol."""
        if self._need_call() is None:
            return
        from deskcli.screens.abuse import AbuseScreen

        self.app.push_screen(AbuseScreen(), lambda _result: self.flow.refresh())

    def action_callback(self) -> None:
        """Record a call-back or another promise with its time."""
        call_id = self._need_call()
        if call_id is None:
            return
        from deskcli.screens.promise import PromiseScreen

        self.app.push_screen(PromiseScreen(), self._promise_made)

    def _promise_made(self, result) -> None:  # noqa: ANN001
        if result is None or self.flow.call_id is None:
            return
        call_id = self.flow.call_id
        kind, due, description = result
        on_hold = self.flow.view is not None and self.flow.view.call.hold_started_at is not None

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import commitments, holds

            with runtime.store.write() as session:
                if on_hold:  # a call-back offered instead of more waiting ends the hold
                    holds.end_hold(session, call_id, runtime.actor(), policy=runtime.policies.call_handling.hold)
                commitments.make_commitment(session, call_id, kind, due, runtime.actor(), description=description)

        self.flow.write(job, lambda _r: (self.flow.refresh(), self.notify("Promise recorded.", timeout=3)))
