"""Stage 1, the greeting: say the greeting, identify the caller, confirm their name,
create the call with its reference number, and acknowledge it.

Lookup runs on every keystroke in a thread worker (typing is never blocked); the
caller's card (flags, previous and open calls, promises owed) shows on the
highlighted match *before* the analyst speaks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from deskcli.core.enums import AckMethod, Stage
from deskcli.screens.stage import CALL_KEYS, StageScreen
from deskcli.core.timefmt import when
from deskcli.widgets.safe import safe_text, visible

if TYPE_CHECKING:
    from deskcli.services.lifecycle.callview import CallView, CustomerCard
    from deskcli.services.lookup.customers import CustomerMatch

NEW_CUSTOMER_FIELDS = (
    ("name", "Name", "as the caller says it"),
    ("spelling", "Spelling", "e.g. S-I-O-B-H-A-N"),
    ("pronunciation", "Say it as", "e.g. shi-VAWN"),
    ("phone", "Phone", "e.g. 020 7946 0000"),
    ("email", "E-mail", "name@example.org"),
    ("organisation", "Organisation", ""),
    ("department", "Department", ""),
)


class GreetingScreen(StageScreen):
    """Greeting and identification."""

    STAGE = Stage.GREETING

    _ACK = Binding.Group("Ack: said/e-mail", compact=True)
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="greeting.save", priority=True, tooltip="Add the new customer, or confirm the name"),
        Binding("ctrl+n", "new_customer", "New customer", id="greeting.new_customer", priority=True),
        Binding("ctrl+r", "ack_verbal", "Acknowledged verbally", id="greeting.ack_verbal", priority=True, group=_ACK, tooltip="The reference number was given on the phone"),
        Binding("ctrl+l", "ack_email", "Acknowledge by e-mail", id="greeting.ack_email", priority=True, group=_ACK),
        Binding("ctrl+t", "progress_call", "Progress call", id="greeting.progress", priority=True, tooltip="The caller is asking about their open call: log it there and open it"),
        Binding("down", "to_matches", "Matches", id="greeting.matches", show=False),
        *CALL_KEYS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self._matches: list[CustomerMatch] = []
        self._query = ""
        self._card: CustomerCard | None = None
        self._caller_id_customer: int | None = None
        """The one customer the phone system's number matched, until their card is in."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="greeting-body"):
            yield Static("", id="greeting-line", markup=False)
            with Horizontal(id="lookup-row"):
                yield Label("Caller ")
                yield Input(placeholder="name, phone, e-mail or organisation", id="lookup", compact=True)
            with Horizontal(id="greeting-panes"):
                yield OptionList(id="matches")
                with VerticalScroll(id="card-pane"):
                    yield Static("", id="card")
                    yield Static("", id="steps")
            with Vertical(id="new-customer", classes="hidden form"):
                yield Static("New customer - ctrl+s to add", classes="section-title")
                for key, label, hint in NEW_CUSTOMER_FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(label, classes="field-label")
                        yield Input(placeholder=hint, id=f"new-{key}", compact=True)
                yield Checkbox("VIP / executive", id="new-vip", compact=True)
            with Vertical(id="confirm", classes="hidden form"):
                yield Static("Confirm the name: ask how to spell it and say it - ctrl+s to confirm", classes="section-title")
                with Horizontal(classes="field"):
                    yield Label("Spelling", classes="field-label")
                    yield Input(id="confirm-spelling", compact=True, placeholder="e.g. S-I-O-B-H-A-N")
                with Horizontal(classes="field"):
                    yield Label("Say it as", classes="field-label")
                    yield Input(id="confirm-pronunciation", compact=True, placeholder="e.g. shi-VAWN")

    # --- keeping in step with the call --------------------------------------------

    def reset_for_new_call(self) -> None:
        self._caller_id_customer = None
        self._matches = []
        self._query = ""
        self.query_one("#lookup", Input).value = ""
        self.query_one("#matches", OptionList).clear_options()
        self.query_one("#card", Static).update("")
        self.query_one("#steps", Static).update("")
        for key, _label, _hint in NEW_CUSTOMER_FIELDS:
            self.query_one(f"#new-{key}", Input).value = ""
        self.query_one("#new-vip", Checkbox).value = False
        self.query_one("#confirm-spelling", Input).value = ""
        self.query_one("#confirm-pronunciation", Input).value = ""
        self._set_mode("lookup")
        self._show_greeting()
        caller_id = self.flow.caller_id
        if caller_id:
            self.query_one("#lookup", Input).value = caller_id

    def _set_mode(self, mode: str) -> None:
        """``lookup`` (find the caller), ``new`` (add them) or ``identified``."""
        self.query_one("#lookup-row").set_class(mode != "lookup", "hidden")
        self.query_one("#greeting-panes").set_class(mode == "new", "hidden")
        self.query_one("#matches").set_class(mode != "lookup", "hidden")
        self.query_one("#new-customer").set_class(mode != "new", "hidden")
        self.query_one("#confirm").set_class(mode != "identified", "hidden")
        target = {"lookup": "#lookup", "new": "#new-name", "identified": "#confirm-spelling"}[mode]
        self.query_one(target, Input).focus()

    def _show_greeting(self) -> None:
        runtime = self.runtime
        if runtime is None or runtime.analyst is None:
            return
        from deskcli.services.lifecycle import greeting

        analyst = runtime.analyst
        line = greeting.render(
            runtime.policies.greeting,
            self.flow.answered_at or runtime.clock.now(),
            runtime.settings.zone(),
            analyst_name=analyst.name,
            department=analyst.department,
            organisation=analyst.organisation,
            template=runtime.settings.greeting_template,
        )
        self.query_one("#greeting-line", Static).update(safe_text(line))

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        self._show_steps(view)
        if self.query_one("#confirm").has_class("hidden"):
            self._set_mode("identified")
            customer = view.customer
            self.query_one("#confirm-spelling", Input).value = customer.name_spelling
            self.query_one("#confirm-pronunciation", Input).value = customer.pronunciation
        self._load_card(view.customer.id)

    def _show_steps(self, view: CallView) -> None:
        """The greeting's script steps, ticked as they are done."""
        from deskcli.services.lifecycle import script

        keys = {"name spelling and pronunciation confirmed": "ctrl+s", "call acknowledged (reference given)": "ctrl+r / ctrl+l"}
        text = Text("\nThe greeting, step by step\n", style="bold")
        for step in script.steps(view):
            if step.stage != Stage.GREETING:
                continue
            mark = "✓" if step.done else "·"
            hint = "" if step.done or step.label not in keys else f"  ({keys[step.label]})"
            text.append(f" {mark} {step.label}{hint}\n", style="" if step.done else "bold")
        text.append(f" · then F3: assess the problem (reference {view.call.reference})\n")
        self.query_one("#steps", Static).update(text)

    # --- lookup as you type ---------------------------------------------------------

    @on(Input.Changed, "#lookup")
    def _lookup_changed(self, event: Input.Changed) -> None:
        self._query = event.value
        if self.runtime is not None:
            self._lookup(event.value)

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def _lookup(self, query: str) -> None:
        from deskcli.services.lookup import customers

        runtime = self.runtime
        assert runtime is not None
        with runtime.store.read() as session:
            found = customers.lookup(session, query, region=runtime.settings.phone_region, limit=12)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_matches, query, found)

    def _show_matches(self, query: str, found: list[CustomerMatch]) -> None:
        if query != self._query:
            return  # the analyst has typed on since
        self._matches = found
        options = self.query_one("#matches", OptionList)
        batch = []
        for match in found:
            label = Text()
            label.append(visible(match.name), style="bold")
            if match.organisation:
                label.append(f"  {visible(match.organisation)}")
            if match.phone:
                label.append(f"  {visible(match.phone)}", style="dim")
            if match.is_vip:
                label.append("  ★VIP", style="bold")
            if match.caution_flags:
                label.append("  ⚠", style="bold")
            batch.append(Option(label, id=str(match.id)))
        # One clear and one add: each add_option on its own would lay the list out again.
        options.clear_options()
        options.add_options(batch)
        if found:
            options.highlighted = 0
        elif query.strip():
            self.query_one("#card", Static).update(
                safe_text(f"No customer matches {query!r}. ctrl+n adds a new customer.")
            )
        if self.flow.caller_id and query == self.flow.caller_id:
            self._caller_id_result(found)

    def _caller_id_result(self, found: list[CustomerMatch]) -> None:
        """``--caller-id``: one match is the caller; none opens the new-customer form."""
        caller_id = self.flow.caller_id
        self.flow.caller_id = None
        if len(found) == 1:
            # Decided once the card is in: a caller with an open call may be ringing
            # about it (ctrl+t), which must not start a new record behind their back.
            self._caller_id_customer = found[0].id
            self._load_card(found[0].id)
        elif not found:
            self.action_new_customer()
            self.query_one("#new-phone", Input).value = caller_id or ""
            self.query_one("#new-name", Input).focus()

    def action_to_matches(self) -> None:
        """Move from the lookup field to the list of matches."""
        if self._matches:
            self.query_one("#matches", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#matches")
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            # After the matches are drawn: the card's queries must not delay the rows.
            self.call_after_refresh(self._load_card, int(event.option.id))

    @on(OptionList.OptionSelected, "#matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._choose(int(event.option.id))

    @on(Input.Submitted, "#lookup")
    def _lookup_submitted(self) -> None:
        if len(self._matches) == 1:
            self._choose(self._matches[0].id)
        else:
            self.action_to_matches()

    # --- the caller's card ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def _load_card(self, customer_id: int) -> None:
        from deskcli.services.lifecycle import callview

        runtime = self.runtime
        assert runtime is not None
        with runtime.store.read() as session:
            card = callview.customer_card(
                session, customer_id, now=runtime.clock.now(), exclude_call_id=self.flow.call_id
            )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_card, card)

    def _show_card(self, card: CustomerCard) -> None:
        self._card = card
        if self._caller_id_customer == card.customer.id and self.flow.call_id is None:
            self._caller_id_customer = None
            if card.open_calls:
                self.query_one("#matches", OptionList).focus()
                self.notify(
                    f"{card.customer.name} has {len(card.open_calls)} open call(s): ctrl+t if they are ringing "
                    "about it, Enter for a new call.",
                    title="Caller identified", markup=False, timeout=8,
                )
            else:
                self._choose(card.customer.id)
        runtime = self.runtime
        assert runtime is not None
        zone, now = runtime.settings.zone(), runtime.clock.now()
        customer = card.customer
        text = Text()
        if customer.is_vip:
            text.append("★ VIP / EXECUTIVE\n", style="bold reverse")
        for flag in customer.caution_flags or ():
            label = "ABUSIVE HISTORY: follow the warning protocol (F9) if it happens again" if flag == "abusive_history" else visible(flag)
            text.append(f"⚠ {label}\n", style="bold reverse")
        if card.repeat_caller:
            text.append("↻ REPEAT CALLER", style="bold")
            text.append(f" ({card.calls_total} earlier call(s))\n")
        text.append(visible(customer.name), style="bold")
        if customer.pronunciation:
            text.append(f"  say: {visible(customer.pronunciation)}", style="italic")
        if customer.name_spelling:
            text.append(f"  spelt: {visible(customer.name_spelling)}")
        text.append("\n")
        org = ", ".join(part for part in (customer.department, customer.organisation) if part)
        if org:
            text.append(visible(org) + "\n")
        contact = [*card.phones, *([customer.email] if customer.email else [])]
        if contact:
            text.append(visible("  ".join(contact)) + "\n")
        if card.promises_due:
            text.append("\nPromises owed to them:\n", style="bold")
            for promise in card.promises_due:
                overdue = promise.due_at < now
                text.append(
                    f"  {'OVERDUE ' if overdue else ''}{when(promise.due_at, zone, now)} "
                    f"{visible(promise.description or promise.kind)}\n",
                    style="bold reverse" if overdue else "",
                )
        if card.open_calls:
            hint = "" if self.flow.call_id else "  (ctrl+t if they are asking about it)"
            text.append(f"\nOpen calls:{hint}\n", style="bold")
            for past in card.open_calls:
                text.append(f"  {past.reference} {when(past.opened_at, zone, now)} {past.status}: {visible(past.summary)}\n")
        closed = [past for past in card.recent_calls if past not in card.open_calls]
        if closed:
            text.append("\nPrevious calls:\n", style="bold")
            for past in closed:
                text.append(f"  {past.reference} {when(past.opened_at, zone, now)}: {visible(past.summary)}")
                if past.resolution:
                    text.append(f" → {visible(past.resolution)}", style="dim")
                text.append("\n")
        if customer.notes:
            text.append(f"\nNotes: {visible(customer.notes)}\n")
        self.query_one("#card", Static).update(text)

    # --- identifying the caller ---------------------------------------------------------

    def _choose(self, customer_id: int) -> None:
        """This is the caller: open the call record (reference number) and log the greeting."""
        if self.flow.call_id is not None:
            return
        greeting_text = str(self.query_one("#greeting-line", Static).render())

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                call = calls.create_call(session, customer_id, runtime.actor(), prefix=runtime.settings.reference_prefix)
                calls.record_greeting(session, call.id, greeting_text, runtime.actor())
                return call.id

        self.flow.write(job, self._call_created)

    def _call_created(self, call_id: int) -> None:
        self.flow.set_call(call_id)
        self.notify("Call logged: give the caller the reference number (ctrl+r when done).", timeout=3)

    def action_progress_call(self) -> None:
        """The caller rings about their open call: log the contact on it and open it, in one step."""
        card = self._card
        if self.flow.call_id is not None:
            self.notify("This call is already logged; use the queue to open another.", severity="warning")
            return
        if card is None or not card.open_calls:
            self.notify("Highlight a caller with an open call first.", severity="warning")
            return
        target = card.open_calls[0]
        greeting_text = str(self.query_one("#greeting-line", Static).render())

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                calls.log_contact(session, target.id, runtime.actor(), inbound=True, note="progress call from the customer")
                calls.record_greeting(session, target.id, greeting_text, runtime.actor())
            return target.id

        def logged(call_id: int) -> None:
            self.notify(f"Progress call logged on {target.reference}.", markup=False, timeout=3)
            self.flow.open_call(call_id, Stage.ASSESSMENT, resume_talk=True)

        self.flow.write(job, logged)

    def action_new_customer(self) -> None:
        """Add the caller as a new customer, here and now."""
        if self.flow.call_id is not None:
            self.notify("The caller is already identified for this call.", severity="warning")
            return
        self._set_mode("new")
        typed = self.query_one("#lookup", Input).value.strip()
        if typed:
            from deskcli.config.launch import looks_like_phone

            target = "#new-phone" if looks_like_phone(typed) else "#new-email" if "@" in typed else "#new-name"
            self.query_one(target, Input).value = typed

    def action_save(self) -> None:
        """Add the new customer, or confirm the caller's name."""
        if not self.query_one("#new-customer").has_class("hidden"):
            self._add_customer()
        elif self.flow.call_id is not None:
            self._confirm_name()

    def _add_customer(self) -> None:
        values = {key: self.query_one(f"#new-{key}", Input).value for key, _l, _h in NEW_CUSTOMER_FIELDS}
        vip = self.query_one("#new-vip", Checkbox).value

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.models import CustomerCreate
            from deskcli.services.lifecycle import calls
            from deskcli.services.lookup import customers

            data = CustomerCreate(
                name=values["name"],
                name_spelling=values["spelling"],
                pronunciation=values["pronunciation"],
                email=values["email"] or None,
                organisation=values["organisation"],
                department=values["department"],
                is_vip=vip,
                phones=[values["phone"]] if values["phone"].strip() else [],
            )
            with runtime.store.write() as session:
                customer = customers.create_customer(session, data, runtime.actor(), region=runtime.settings.phone_region)
                return customer.id

        self.flow.write(job, self._customer_added)

    def _customer_added(self, customer_id: int) -> None:
        self._set_mode("lookup")
        self._choose(customer_id)

    def _confirm_name(self) -> None:
        call_id = self.flow.call_id
        spelling = self.query_one("#confirm-spelling", Input).value
        pronunciation = self.query_one("#confirm-pronunciation", Input).value

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                calls.confirm_name(session, call_id, runtime.actor(), spelling=spelling, pronunciation=pronunciation)

        self.flow.write(job, lambda _r: (self.notify("Name confirmed. Use it throughout the call.", timeout=2), self.flow.refresh()))

    # --- acknowledgement ---------------------------------------------------------------

    def action_ack_verbal(self) -> None:
        """The reference number was read to the caller."""
        call_id = self._need_call()
        if call_id is None:
            return

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                return calls.acknowledge(session, call_id, AckMethod.VERBAL, runtime.actor()).reference

        self.flow.write(job, lambda ref: (self.notify(f"Acknowledged verbally: {ref}.", timeout=2), self.flow.refresh()))

    def action_ack_email(self) -> None:
        """E-mail the acknowledgement (reference, summary, next contact)."""
        call_id = self._need_call()
        view = self.flow.view
        if call_id is None or view is None:
            return
        if not view.customer.email:
            self.notify("This customer has no e-mail address: acknowledge verbally (ctrl+r).", severity="warning")
            return
        from deskcli.screens.email_ack import EmailAckScreen

        self.app.push_screen(EmailAckScreen(view.customer.email), self._send_ack)

    def _send_ack(self, next_contact) -> None:  # noqa: ANN001
        if next_contact is False or self.flow.call_id is None:
            return
        self._send_ack_worker(self.flow.call_id, next_contact)

    @work(thread=True, group="ack-email", exit_on_error=False)
    def _send_ack_worker(self, call_id: int, next_contact) -> None:  # noqa: ANN001
        # Not on the serial writer: a slow mail server must not hold up note saving.
        from deskcli.services.lifecycle import acknowledgements

        runtime = self.runtime
        assert runtime is not None
        result = acknowledgements.send_acknowledgement(
            runtime.store, runtime.settings, call_id, runtime.actor(), next_contact=next_contact
        )
        severity = "information" if result.acknowledged else "error"
        self.app.call_from_thread(self.notify, result.message(), severity=severity, markup=False, timeout=10)
        self.app.call_from_thread(self.flow.refresh)
