"""The greeting's acknowledgement: the reference number said on the phone, or e-mailed.

Seed (call handling, steps 3-4): the request is given a reference number, and an
acknowledgement is sent back to the customer, verbally or by e-mail. The greeting
policy says which of the two a channel allows (an e-mail is answered in writing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

if TYPE_CHECKING:
    from datetime import datetime

    from deskcli.console.call_flow import CallFlow
    from deskcli.runtime import Runtime
    from deskcli.screens.email_ack import SendAcknowledgement


class Acknowledging:
    """ctrl+r and ctrl+l on the greeting (mixed into the greeting screen)."""

    if TYPE_CHECKING:
        flow: CallFlow
        app: Any
        form: Any
        runtime: Runtime | None

        def notify(self, message: str, **options: Any) -> None: ...
        def _need_call(self) -> int | None: ...
        def _on_when_greeted(self) -> None: ...

    def action_ack_verbal(self) -> None:
        """The reference number was read to the caller."""
        call_id = self._need_call()
        if call_id is None:
            return

        def job(runtime):
            from deskcli.services.actions import greeting

            return greeting.acknowledge_verbally(runtime.store, runtime.actor(), call_id, policy=runtime.policies.greeting)

        def acknowledged(reference: str) -> None:
            self.form.acknowledged_here = True
            self.notify(f"Acknowledged verbally: {reference}.", timeout=2, markup=False)
            self.flow.refresh(then=self._on_when_greeted)

        self.flow.submit(job, acknowledged)

    def action_ack_email(self) -> None:
        """E-mail the acknowledgement (reference, summary, next contact)."""
        call_id = self._need_call()
        view = self.flow.view
        if call_id is None or view is None:
            return
        if not view.customer.email:
            self.notify("This customer has no e-mail address: add it (ctrl+f), or acknowledge verbally (ctrl+r).", severity="warning")
            return
        from deskcli.screens.email_ack import EmailAckScreen

        self.app.push_screen(EmailAckScreen(view.customer.email), self._send_ack)

    def _send_ack(self, request: SendAcknowledgement | None) -> None:
        if request is None or self.flow.call_id is None:
            return
        self._send_ack_worker(self.flow.call_id, request.next_contact)

    @work(thread=True, group="ack-email", exit_on_error=False)
    def _send_ack_worker(self, call_id: int, next_contact: datetime | None) -> None:
        # Not on the serial writer: a slow mail server must not hold up note saving.
        from deskcli.services.actions import greeting

        runtime = self.runtime
        assert runtime is not None
        result = greeting.acknowledge_by_email(
            runtime.store, runtime.settings, runtime.actor(), call_id, policy=runtime.policies.greeting,
            next_contact=next_contact,
        )
        severity = "information" if result.acknowledged else "error"
        self.app.call_from_thread(self.notify, result.message(), severity=severity, markup=False, timeout=10)
        self.app.call_from_thread(self.flow.refresh)
