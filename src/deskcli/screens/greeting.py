"""Stage 1, the greeting: say the greeting, identify the caller, confirm their name,
create the call with its reference number, and acknowledge it.

Lookup runs on every keystroke in a thread worker (typing is never blocked); the
caller's card (flags, open calls, promises owed, previous calls) shows on the
highlighted match *before* the analyst speaks. The cursor stays in the lookup:
up and down move the highlight, Enter takes the highlighted caller, and Enter with
no match opens the new-customer form with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.worker import get_current_worker

from deskcli.core.enums import Stage
from deskcli.screens.call_keys import CALL_KEYS
from deskcli.screens.greeting_ack import Acknowledging
from deskcli.screens.greeting_caller import CallerPanel
from deskcli.screens.greeting_lines import GreetingLines
from deskcli.screens.stage import StageScreen
from deskcli.widgets.caller_card import CallerCard, greeting_steps
from deskcli.widgets.field import Field
from deskcli.widgets.match_list import MatchList
from deskcli.widgets.new_customer import NewCustomerForm

ACK_KEYS = {"verbal": "ctrl+r", "email": "ctrl+l"}
"""The key for each way of acknowledging (the steps name those the call's channel allows)."""

if TYPE_CHECKING:

    from deskcli.services.actions.greeting import TakenCall
    from deskcli.services.lifecycle.callview import CallView, CustomerCard
    from deskcli.services.lookup.customers import CustomerMatch

@dataclass
class GreetingForm:
    """This call's state of the greeting (made afresh for every call)."""

    mode: str = "lookup"
    """``lookup`` (find the caller), ``new`` (add them) or ``identified``."""
    query: str = ""
    matches: list[CustomerMatch] = field(default_factory=list)
    card: CustomerCard | None = None
    caller_id_customer: int | None = None
    """The one customer the phone system's number matched, until their card is in."""
    matches_for: str | None = None
    """The query the matches were found for."""
    enter_waiting: bool = False
    """Enter was pressed before the matches for what is typed came in."""
    taking: bool = False
    """The call record is being created (a second Enter must not make another)."""
    confirm_loaded: bool = False
    confirmed_here: bool = False
    """The name was confirmed on this screen, on this call."""
    acknowledged_here: bool = False
    """The reference was given on this screen, on this call."""


class GreetingScreen(Acknowledging, CallerPanel, GreetingLines, StageScreen):  # type: ignore[misc]
    """Greeting and identification."""

    STAGE = Stage.GREETING

    _ACK = Binding.Group("Ack: said/e-mail", compact=True)
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="greeting.save", priority=True,
                tooltip="Add the new customer, or confirm the name (with the reference given, on to the assessment)"),
        Binding("ctrl+n", "new_customer", "New customer", id="greeting.new_customer", priority=True),
        Binding("ctrl+r", "ack_verbal", "Acknowledged verbally", id="greeting.ack_verbal", priority=True, group=_ACK, tooltip="The reference number was given in the conversation (said, or typed in the chat)"),
        Binding("ctrl+l", "ack_email", "Acknowledge by e-mail", id="greeting.ack_email", priority=True, group=_ACK),
        Binding("ctrl+t", "progress_call", "Progress call", id="greeting.progress", priority=True, tooltip="The caller is asking about their open call: log it there and open it"),
        Binding("ctrl+f", "edit_caller", "Edit caller", id="greeting.edit_caller", priority=True,
                tooltip="Correct the caller's details: VIP, caution flags, spelling, phones (each change on the timeline)"),
        *CALL_KEYS,
    ]

    form: GreetingForm

    def new_form(self) -> GreetingForm:
        return GreetingForm()

    def compose_body(self) -> ComposeResult:
        with Vertical(id="greeting-body"):
            with Vertical(id="greeting-box"):
                yield Static("", id="greeting-line", markup=False)
                yield Static("", id="personal-line", classes="hidden", markup=False)
            with Horizontal(id="lookup-row"):
                yield Label("Caller ")
                yield Input(placeholder="name, phone, e-mail or organisation (↑↓ Enter)", id="lookup", compact=True)
            with Horizontal(id="greeting-panes"):
                yield MatchList(id="matches")
                with VerticalScroll(id="card-pane", can_focus=False):
                    yield CallerCard("", id="card")
                    yield Static("", id="steps")
            yield NewCustomerForm(id="new-customer", classes="hidden form")
            with Vertical(id="confirm", classes="hidden form"):
                yield Static("Confirm the name: ask how to spell it and say it - ctrl+s confirms", classes="section-title")
                yield Field("Spelling", Input(id="confirm-spelling", compact=True, placeholder="e.g. S-I-O-B-H-A-N"))
                yield Field("Say it as", Input(id="confirm-pronunciation", compact=True, placeholder="e.g. shi-VAWN"))

    # --- keeping in step with the call --------------------------------------------

    def start_call(self) -> None:
        self._show_greeting()
        self._set_mode("lookup")
        caller_id = self.flow.caller_id
        if not caller_id:
            return
        lookup = self.query_one("#lookup", Input)
        ring = self.flow.ring_lookup
        if ring is not None and ring.done() and ring.exception() is None:
            # Read while the screen was coming up: shown now, without a lookup worker.
            self.flow.ring_lookup = None
            with lookup.prevent(Input.Changed):
                lookup.value = caller_id
            self.form.query = caller_id
            result = ring.result()
            self._show_matches(caller_id, result.found, result.card)
        else:
            lookup.value = caller_id  # the lookup worker waits for the ring's read (or queries)

    def arrival_field(self) -> Widget | None:
        target = {"lookup": "#lookup", "new": "#new-name", "identified": "#confirm-spelling"}[self.form.mode]
        return self.query_one(target, Input)

    def _set_mode(self, mode: str) -> None:
        """``lookup`` (find the caller), ``new`` (add them) or ``identified``."""
        self.form.mode = mode
        self.query_one("#lookup-row").set_class(mode != "lookup", "hidden")
        self.query_one("#greeting-panes").set_class(mode == "new", "hidden")
        self.query_one("#matches").set_class(mode != "lookup", "hidden")
        self.query_one("#new-customer").set_class(mode != "new", "hidden")
        self.query_one("#confirm").set_class(mode != "identified", "hidden")
        target = self.arrival_field()
        if target is not None:
            target.focus()

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        self._show_steps(view)
        self._show_personal(view)
        if self.form.mode != "identified":
            self._set_mode("identified")
        if not self.form.confirm_loaded:
            self.form.confirm_loaded = True
            customer = view.customer
            drafts = self.flow.drafts
            self.query_one("#confirm-spelling", Input).value = drafts.get("confirm_spelling", customer.name_spelling)
            self.query_one("#confirm-pronunciation", Input).value = drafts.get("confirm_pronunciation", customer.pronunciation)
        self._load_card(view.customer.id)

    def _show_steps(self, view: CallView) -> None:
        """The greeting's script steps, ticked as they are done."""
        from deskcli.services.lifecycle import script

        steps = [(step.label, step.done) for step in script.steps(view) if step.stage == Stage.GREETING]
        runtime = self.runtime
        assert runtime is not None
        ways = runtime.policies.greeting.channel(view.call.channel).acknowledge
        ack_keys = " / ".join(ACK_KEYS[str(way)] for way in ways)
        self.query_one("#steps", Static).update(greeting_steps(steps, view.call.reference, ack_keys=ack_keys))

    # --- lookup as you type ---------------------------------------------------------

    @on(Input.Changed, "#lookup")
    def _lookup_changed(self, event: Input.Changed) -> None:
        self.form.query = event.value
        if self.runtime is not None:
            self._lookup(event.value)

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def _lookup(self, query: str) -> None:
        from deskcli.services.actions import greeting

        runtime = self.runtime
        assert runtime is not None
        ring = self._ring_lookup(query)
        found = ring.found if ring is not None else greeting.find_callers(runtime.store, query, region=runtime.settings.phone_region)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_matches, query, found, ring.card if ring is not None else None)

    def _ring_lookup(self, query: str) -> Any:
        """The ringing number's read started when the phone rang (``None``: query as usual)."""
        lookup = self.flow.take_ring_lookup(query)
        if lookup is None:
            return None
        try:
            return lookup.result(timeout=30)
        except Exception:  # the lookup below says what is wrong, if anything still is
            return None

    def _show_matches(self, query: str, found: list[CustomerMatch], card: CustomerCard | None = None) -> None:
        if query != self.form.query:
            return  # the analyst has typed on since
        self.form.matches, self.form.matches_for = found, query
        self.query_one(MatchList).show_matches(found)
        if not found and query.strip():
            self.query_one(CallerCard).show_message(f"No customer matches {query!r}. Enter adds a new customer.")
        if self.flow.caller_id and query == self.flow.caller_id:
            self._caller_id_result(found, card)
        elif self.form.enter_waiting:
            self.form.enter_waiting = False
            self._lookup_submitted()

    def _caller_id_result(self, found: list[CustomerMatch], card: CustomerCard | None = None) -> None:
        """``--caller-id``: one match is the caller; none opens the new-customer form.

        ``card`` is the caller's card when it was read with the ring (no second read)."""
        caller_id = self.flow.caller_id
        self.flow.caller_id = None
        if len(found) == 1:
            # Decided once the card is in: a caller with an open call may be ringing
            # about it (ctrl+t), which must not start a new record behind their back.
            self.form.caller_id_customer = found[0].id
            if card is not None and card.customer.id == found[0].id:
                self._show_card(card)
            else:
                self._load_card(found[0].id)
        elif not found:
            self.action_new_customer()
            self.query_one("#new-phone", Input).value = caller_id or ""
            self.query_one("#new-name", Input).focus()

    def on_key(self, event: Any) -> None:
        """Up and down in the lookup move the highlighted match; the cursor stays in the lookup."""
        if self.form.mode == "lookup" and self.focused is self.query_one("#lookup", Input) and event.key in ("up", "down"):
            self.query_one(MatchList).move_highlight(1 if event.key == "down" else -1)
            event.stop()
            event.prevent_default()
            return
        super().on_key(event)

    @on(OptionList.OptionHighlighted, "#matches")
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            customer_id = int(event.option.id)
            if self.form.card is not None and self.form.card.customer.id == customer_id:
                return  # that card is on screen already (read with the ring)
            # After the matches are drawn: the card's queries must not delay the rows.
            self.call_after_refresh(self._load_card, customer_id)

    @on(OptionList.OptionSelected, "#matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._choose(int(event.option.id))

    @on(Input.Submitted, "#lookup")
    def _lookup_submitted(self) -> None:
        options = self.query_one("#matches", OptionList)
        if self.form.matches_for != self.query_one("#lookup", Input).value:
            self.form.enter_waiting = True  # taken as soon as the matches for what is typed are in
            return
        if self.form.matches:
            index = options.highlighted if options.highlighted is not None else 0
            self._choose(self.form.matches[index].id)
        elif self.form.query.strip():
            self.action_new_customer()

    @on(NewCustomerForm.Submitted)
    def _new_customer_given(self, event: NewCustomerForm.Submitted) -> None:
        self._add_customer(event.customer)

    @on(Input.Submitted, "#confirm-spelling")
    def _to_pronunciation(self) -> None:
        self.query_one("#confirm-pronunciation", Input).focus()

    @on(Input.Submitted, "#confirm-pronunciation")
    def _pronunciation_done(self) -> None:
        self._confirm_name()

    @on(Input.Changed, "#confirm Input")
    def _confirm_typed(self, event: Input.Changed) -> None:
        if self.form.confirm_loaded and event.input.id:
            self.keep_draft(event.input.id.replace("-", "_"), event.value)

    # --- identifying the caller ---------------------------------------------------------

    def _choose(self, customer_id: int) -> None:
        """This is the caller: open the call record (reference number) and log the greeting."""
        if self.flow.call_id is not None or self.form.taking:
            return
        opening = self._opening()
        if opening is None:
            return
        self.form.taking = True

        def job(runtime, came_in_on=self.flow.came_in_on):  # the number, as it is now
            from deskcli.services.actions import greeting

            return greeting.take_caller(
                runtime.store, runtime.actor(), customer_id, opening=opening, prefix=runtime.settings.reference_prefix,
                came_in_on=came_in_on,
            )

        self.flow.submit(job, self._call_created, self._not_taken)

    def _not_taken(self, error: BaseException) -> None:
        self.form.taking = False
        self.desk.report_error(error)

    def _call_created(self, taken: TakenCall) -> None:
        self.form.taking = False
        self.flow.set_call(taken.call_id)
        runtime = self.runtime
        ways = runtime.policies.greeting.channel(self.flow.channel).acknowledge if runtime else ()
        if "verbal" in ways:
            next_step = "give the caller the reference number (ctrl+r when done)"
        else:
            next_step = "acknowledge it by e-mail with the reference number (ctrl+l)"
        self.notify(f"Call {taken.reference} logged: {next_step}.", timeout=4, markup=False)

    def action_save(self) -> None:
        """Add the new customer, or confirm the caller's name and go on to the assessment."""
        if self.form.mode == "new":
            self.query_one(NewCustomerForm).submit()
        elif self.flow.call_id is not None:
            self._confirm_name()
        elif self.form.matches:
            self._lookup_submitted()

    def _confirm_name(self) -> None:
        call_id = self.flow.call_id
        if call_id is None:
            return
        spelling = self.query_one("#confirm-spelling", Input).value
        pronunciation = self.query_one("#confirm-pronunciation", Input).value

        def job(runtime):
            from deskcli.services.actions import greeting

            greeting.confirm_name(runtime.store, runtime.actor(), call_id, spelling=spelling, pronunciation=pronunciation)

        def confirmed(_result: object) -> None:
            self.form.confirmed_here = True
            self.notify("Name confirmed. Use it throughout the call.", timeout=2)
            self.flow.refresh(then=self._on_when_greeted)

        self.flow.submit(job, confirmed)

    def _on_when_greeted(self) -> None:
        """Both greeting steps done here (name confirmed, reference given): on to the assessment."""
        if self.is_current and self.form.confirmed_here and self.form.acknowledged_here:
            self.flow.go(Stage.ASSESSMENT)
