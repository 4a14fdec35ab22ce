"""The keys that work from every stage of a call, and what they do.

Priority bindings on F-keys and on control keys that text fields leave free, so they
work while the analyst is typing: the stages, hold, the abusive-caller protocol, a
promise, waiting on the customer, hang up, back to the queue. Each action asks one
use case of :mod:`deskcli.services.actions.call`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from deskcli.core.enums import Stage

if TYPE_CHECKING:
    from deskcli.console.call_flow import CallFlow
    from deskcli.screens.promise import PromiseResult
    from deskcli.services.actions.elevation import Elevated
    from deskcli.ui.protocol import Console

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

ELEVATE_KEY = Binding("ctrl+l", "elevate", "Raise priority", id="call.elevate", priority=True,
                      tooltip="Elevation: raise the call's priority by hand, with the reason")
"""From the assessment on: a call is assessed before it is elevated (and the greeting's
ctrl+l is the e-mail acknowledgement)."""


class CallKeyActions:
    """What the call keys do (mixed into every stage screen, which provides these)."""

    if TYPE_CHECKING:
        flow: CallFlow
        desk: Console
        app: Any

        def notify(self, message: str, **options: Any) -> None: ...

    def action_stage(self, name: str) -> None:
        """Go to another stage."""
        self.flow.go(Stage(name))

    def action_queue(self) -> None:
        """Back to the queue without ending the call."""
        self.desk.saver.flush()
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
        if call_id is None:
            return

        def job(runtime):
            from deskcli.services.actions import call

            return call.toggle_hold(runtime.store, runtime.actor(), call_id, policy=runtime.policies.call_handling.hold)

        self.flow.submit(job, lambda _on_hold: self.flow.refresh())

    def action_wait_on_customer(self) -> None:
        """Stop the SLA clock while waiting on the customer, or start it again."""
        call_id = self._need_call()
        view = self.flow.view
        if call_id is None or view is None:
            return
        if view.waiting_on_customer:

            def resume(runtime):
                from deskcli.services.actions import call

                call.resume_sla(runtime.store, runtime.actor(), call_id)

            self.flow.submit(resume, lambda _r: (self.notify("SLA clock running again.", timeout=3), self.flow.refresh()))
            return
        from deskcli.screens.waiting import WaitingScreen

        self.app.push_screen(WaitingScreen(), self._waiting)

    def _waiting(self, reason: str | None) -> None:
        call_id = self.flow.call_id
        if not reason or call_id is None:
            return

        def pause(runtime):
            from deskcli.services.actions import call

            call.wait_on_customer(runtime.store, runtime.actor(), call_id, reason=reason)

        self.flow.submit(pause, lambda _r: (self.notify("SLA clock stopped: waiting on the customer (F7 to restart).", timeout=4), self.flow.refresh()))

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

        view = self.flow.view
        self.app.push_screen(PromiseScreen(number=view.call_back_number if view is not None else ""), self._promise_made)

    def _promise_made(self, result: PromiseResult | None) -> None:
        if result is None or self.flow.call_id is None:
            return
        call_id = self.flow.call_id

        def job(runtime):
            from deskcli.services.actions import call

            request = call.PromiseRequest(result.kind, result.due_at, result.description, result.contact_number)
            call.record_promise(runtime.store, runtime.actor(), call_id, request, hold_policy=runtime.policies.call_handling.hold)

        self.flow.submit(job, lambda _r: (self.flow.refresh(), self.notify("Promise recorded.", timeout=3)))

    def action_elevate(self) -> None:
        """Raise the call's priority by hand, with the reason (elevation)."""
        call_id = self._need_call()
        view = self.flow.view
        runtime = self.desk.runtime
        if call_id is None or view is None or runtime is None:
            return
        from deskcli.screens.elevate import ElevateScreen
        from deskcli.services.actions import elevation

        _priority, said = elevation.priority_now(view.call.priority, runtime.policies)
        self.app.push_screen(ElevateScreen(call_id, said, view.call.priority_reason), self._elevated)

    def _elevated(self, result: Elevated | None) -> None:
        if result is None:
            return
        self.app.notify(result.message(), title="Priority", markup=False, timeout=8, key="elevated")
        self.flow.refresh()
