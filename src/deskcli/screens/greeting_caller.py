"""The caller on the greeting: their card, a progress call on their open call, adding a
new customer, and correcting the record of the one on the line (ctrl+f).

Mixed into the greeting screen, which keeps the message handlers (Textual collects
``@on`` handlers from the screen's own class); each action here asks one use case of
:mod:`deskcli.services.actions.greeting` on the serial writer or in a thread worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Input
from textual.worker import get_current_worker

from deskcli.core.enums import Stage
from deskcli.widgets.caller_card import CallerCard
from deskcli.widgets.new_customer import NewCustomer, NewCustomerForm

if TYPE_CHECKING:
    from deskcli.console.call_flow import CallFlow
    from deskcli.runtime import Runtime
    from deskcli.services.actions.greeting import CallerEdited, TakenCall
    from deskcli.services.lifecycle.callview import CustomerCard
    from deskcli.services.lifecycle.greeting import Opening
    from deskcli.ui.protocol import Console


class CallerPanel:
    """The caller's card and record on the greeting (mixed into the greeting screen)."""

    if TYPE_CHECKING:
        flow: CallFlow
        desk: Console
        app: Any
        form: Any
        runtime: Runtime | None

        def notify(self, message: str, **options: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def _choose(self, customer_id: int) -> None: ...
        def _set_mode(self, mode: str) -> None: ...
        def _opening(self) -> Opening | None: ...
        def _call_created(self, taken: TakenCall) -> None: ...
        def _not_taken(self, error: BaseException) -> None: ...

    # --- the card ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def _load_card(self, customer_id: int) -> None:
        from deskcli.services.actions import greeting

        runtime = self.runtime
        assert runtime is not None
        card = greeting.caller_card(runtime.store, customer_id, now=runtime.clock.now(), exclude_call_id=self.flow.call_id)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_card, card)

    def _show_card(self, card: CustomerCard) -> None:
        self.form.card = card
        if self.form.caller_id_customer == card.customer.id and self.flow.call_id is None:
            self.form.caller_id_customer = None
            if card.open_calls:
                self.notify(
                    f"{card.customer.name} has {len(card.open_calls)} open call(s): ctrl+t if they are ringing "
                    "about it, Enter for a new call.",
                    title="Caller identified", markup=False, timeout=8,
                )
            else:
                self._choose(card.customer.id)
        runtime = self.runtime
        assert runtime is not None
        self.query_one(CallerCard).show_card(
            card, now=runtime.clock.now(), zone=runtime.settings.zone(), in_call=self.flow.call_id is not None
        )

    # --- a progress call, a new customer -----------------------------------------------------

    def action_progress_call(self) -> None:
        """The caller rings about their open call: log the contact on it and open it, in one step."""
        card = self.form.card
        if self.flow.call_id is not None:
            self.notify("This call is already logged; use the queue to open another.", severity="warning")
            return
        if card is None or not card.open_calls:
            self.notify("Highlight a caller with an open call first.", severity="warning")
            return
        target = card.open_calls[0]
        opening = self._opening()
        if opening is None:
            return

        def job(runtime, came_in_on=self.flow.came_in_on):  # the number, as it is now
            from deskcli.services.actions import greeting

            return greeting.progress_call(runtime.store, runtime.actor(), target.id, opening=opening, came_in_on=came_in_on)

        def logged(call_id: int) -> None:
            self.notify(f"Progress call logged on {target.reference}.", markup=False, timeout=3)
            self.flow.open_call(call_id, Stage.ASSESSMENT)

        self.flow.submit(job, logged)

    def action_new_customer(self) -> None:
        """Add the caller as a new customer, here and now."""
        if self.flow.call_id is not None:
            self.notify("The caller is already identified for this call: ctrl+f corrects their details.", severity="warning")
            return
        typed = self.query_one("#lookup", Input).value.strip()
        self._set_mode("new")
        if typed:
            from deskcli.config.launch import looks_like_phone

            self.query_one(NewCustomerForm).prefill(typed, is_phone=looks_like_phone(typed))

    def _add_customer(self, given: NewCustomer) -> None:
        opening = self._opening()
        if self.form.taking or opening is None:
            return
        self.form.taking = True

        def job(runtime, came_in_on=self.flow.came_in_on):
            from deskcli.models import CustomerCreate
            from deskcli.services.actions import greeting

            data = CustomerCreate(
                name=given.name,
                name_spelling=given.spelling,
                pronunciation=given.pronunciation,
                email=given.email or None,
                organisation=given.organisation,
                department=given.department,
                is_vip=given.vip,
                phones=[given.phone] if given.phone.strip() else [],
            )
            return greeting.add_new_caller(
                runtime.store, runtime.actor(), data, region=runtime.settings.phone_region,
                opening=opening, prefix=runtime.settings.reference_prefix, came_in_on=came_in_on,
            )

        self.flow.submit(job, self._call_created, self._not_taken)

    # --- correcting the caller's record --------------------------------------------------

    def action_edit_caller(self) -> None:
        """Correct the identified caller's details: VIP, caution flags, spelling, phones … (each change on the timeline)."""
        view = self.flow.view
        if self.flow.call_id is None or view is None:
            self.notify("Identify the caller first: their details are corrected on their call.", severity="warning")
            return
        from deskcli.screens.caller_edit import CallerEditScreen

        self.app.push_screen(CallerEditScreen(self.flow.call_id, view.customer, view.phones), self._caller_edited)

    def _caller_edited(self, edited: CallerEdited | None) -> None:
        if edited is None:
            return
        if edited.changes:
            from deskcli.services.lookup.customer_edit import LABELS

            said = ", ".join(LABELS.get(field, field) for field in edited.changes)
            self.notify(f"Caller's details saved ({said}); on the call's timeline.", markup=False, timeout=4)
        else:
            self.notify("Nothing changed in the caller's details.", timeout=3)
        # The confirm fields show the spelling and pronunciation as now recorded.
        for field, selector in (("name_spelling", "#confirm-spelling"), ("pronunciation", "#confirm-pronunciation")):
            if field in edited.changes:
                self.query_one(selector, Input).value = str(edited.changes[field][1] or "")
        self.flow.refresh()
