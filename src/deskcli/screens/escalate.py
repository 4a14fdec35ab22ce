"""The escalate pane of stage 3: who takes the call over, why, and what the caller was told.

Which triggers hold and why, the route and tier they point to (filled in for the
analyst, whose own choice then stands), the cause of the escalation (seed 003: lack
of experience or training, low operational efficiency, dissatisfaction with a
product or service …; proposed from the triggers where one follows clearly), the
receiver's time-to-fix estimate, the next-contact time told to the caller (its
resolved time shown before saving), the channel the customer is contacted on from
now on (seed 003: "changing the communication method, such as from phone to
email"), the call-back preference and the hand-off composed from the assessment.
The service refuses an escalation that misses any of it; the cursor goes to the
first field it names.

The pane is composed afresh with the stage body for every call, so its state is this
call's. It asks the screen for new advice (:class:`EscalatePane.AdviceWanted`) and
hands typing up as drafts (:class:`EscalatePane.DraftTyped`): the screen owns the use
cases.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from deskcli.core.enums import Channel, EscalationType, status_words
from deskcli.widgets.choice import Choice
from deskcli.widgets.choice import Option as ChoiceOption
from deskcli.widgets.field import Field
from deskcli.widgets.prompts import PromptPanel
from deskcli.widgets.safe import safe_text, visible
from deskcli.widgets.tick_list import TickItem, TickList
from deskcli.widgets.time_field import TimeField

if TYPE_CHECKING:
    from deskcli.services.actions.resolve import Advice
    from deskcli.services.lifecycle.escalations import EscalationRequest
    from deskcli.services.rules.policy import EscalationPolicy
    from deskcli.services.timekeeping.timeparse import ParsedTime

TYPE_OPTIONS = [ChoiceOption(t.value.title(), t.value) for t in EscalationType]
CHANNEL_KEYS = {Channel.PHONE: "p", Channel.EMAIL: "e", Channel.FACE_TO_FACE: "f", Channel.CHAT: "c", Channel.FAX: "x"}
"""The key that picks each channel (fax and face to face share a first letter)."""
KEEP = ""
"""The channel choice's value for "keep the channel the customer is contacted on now"."""
DRAFT_INPUTS = {"receiver": "#receiver", "time_to_fix": "#time-to-fix", "callback_preference": "#callback-pref"}
ESCALATE_ORDER = ("#cause", "#time-to-fix", "#next-contact", "#callback-pref", "#handoff")
"""Enter moves along these, to the next one not yet answered."""
FIELD_WIDGETS = {
    "route": "#route", "tier": "#tier", "triggers": "#triggers", "cause": "#cause", "time_to_fix": "#time-to-fix",
    "next_contact_at": "#next-contact", "channel": "#channel", "handoff": "#handoff",
}
"""The escalation request's fields (as a refusal names them) and the widget that answers each."""


@dataclass
class EscalateState:
    """This call's choices on the pane."""

    route_chosen: bool = False
    """The analyst picked the route, tier, type or receiver: new advice no longer re-applies the proposal."""
    cause_chosen: bool = False
    """The analyst picked the cause: the proposed one no longer replaces it."""
    handoff_composed: str = ""
    """The hand-off last written by deskcli (its change events are not the analyst's)."""
    handoff_edited: bool = False
    """The analyst has edited the hand-off: it is theirs, never recomposed."""
    ticked: set[str] = field(default_factory=set)
    channel_now: str = ""
    """The channel the customer is contacted on now, as the channel choice offers to keep it."""


class EscalatePane(Vertical):
    """Everything an escalation carries, with the triggers' advice."""

    class AdviceWanted(Message):
        """The ticks or the channel changed: the triggers, proposal and hand-off need working out again."""

    class DraftTyped(Message):
        """The analyst typed or chose something kept as a draft until the escalation is saved."""

        def __init__(self, draft: str, text: str) -> None:
            super().__init__()
            self.draft = draft
            """The draft's field name (``handoff``, ``time_to_fix`` …)."""
            self.text = text

    def __init__(self, policy: EscalationPolicy | None, parse: Callable[[str], ParsedTime], *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.policy = policy
        self._parse = parse
        self.state = EscalateState()

    def compose(self) -> ComposeResult:
        policy = self.policy
        routes = [ChoiceOption(route.label, route.key, str(n)) for n, route in enumerate(policy.routes, 1)] if policy else []
        causes = [ChoiceOption(cause.label, cause.key, cause.pick_key) for cause in policy.causes] if policy else []
        yield Label("Escalation triggers (space ticks what the caller told you)")
        yield TickList(id="triggers")
        yield Static("", id="proposal")
        with Horizontal(classes="field-row"):
            yield Label("Route", classes="field-label")
            yield Choice(routes, id="route", compact=True)
        with Horizontal(classes="field-row"):
            yield Label("Tier", classes="field-label")
            yield Choice([], id="tier", compact=True)
            yield Label("Type", classes="short-label")
            yield Choice(TYPE_OPTIONS, id="type", compact=True)
        with Horizontal(classes="field-row"):
            yield Label("Cause", classes="field-label")
            yield Choice(causes, id="cause", compact=True)
        yield Field("Receiver", Input(id="receiver", compact=True))
        yield Static("", id="route-contact", classes="dialog-help")
        yield Field("Time to fix", Input(id="time-to-fix", compact=True, placeholder="the receiver's estimate, e.g. 4 hours"))
        with Vertical(classes="field-stack"):
            yield Label("Next contact told to the caller (15:05, tomorrow 10am, +2h)")
            yield TimeField(self._parse, id="next-contact")
        with Horizontal(classes="field-row"):
            yield Label("Contact by", classes="field-label")
            yield Choice([], id="channel", compact=True)
        yield Field("Call-back pref.", Input(id="callback-pref", compact=True, placeholder="when the caller prefers a call (e.g. after 2pm)"))
        yield Label("Hand-off: pass on as much detail as possible")
        yield TextArea(id="handoff", compact=True, classes="tall")
        yield PromptPanel(id="escalate-prompts")

    # --- filling (the screen calls these) ------------------------------------------------------

    def set_input(self, selector: str, text: str) -> None:
        """Fill an input from code (its change is not the analyst's)."""
        widget = self.query_one(selector, Input)
        with widget.prevent(Input.Changed):
            widget.value = text

    def load(self, drafts: dict[str, str], callback_preference: str, contact_channel: str) -> None:
        """This call's drafts and record, the first time the call is shown."""
        self.set_input("#callback-pref", drafts.get("callback_preference", callback_preference))
        for name in ("receiver", "time_to_fix"):
            if name in drafts:
                self.set_input(DRAFT_INPUTS[name], drafts[name])
                self.state.route_chosen = self.state.route_chosen or name == "receiver"
        if "next_contact" in drafts:
            self.query_one("#next-contact", TimeField).value = drafts["next_contact"]
        if "handoff" in drafts:
            self.state.handoff_composed = drafts["handoff"]  # its change event is not typing
            self.query_one("#handoff", TextArea).load_text(drafts["handoff"])
            self.state.handoff_edited = True  # the analyst's own text: never recomposed
        cause = self.query_one("#cause", Choice)
        if drafts.get("cause") and any(o.value == drafts["cause"] for o in cause.options):
            cause.value = drafts["cause"]
            self.state.cause_chosen = True
        self._show_channels(contact_channel, drafts.get("channel", KEEP))

    def follow_channel(self, contact_channel: str) -> None:
        """The customer's channel changed (an escalation just saved changed it): offer to keep the new one."""
        if contact_channel != self.state.channel_now:
            self._show_channels(contact_channel, self.channel or KEEP)

    def _show_channels(self, current: str, chosen: str) -> None:
        """"Keep" the channel the customer is contacted on now, or one of the others."""
        options = [ChoiceOption(f"Keep ({status_words(current)})", KEEP, "k")]
        options += [ChoiceOption(status_words(c).capitalize(), c.value, CHANNEL_KEYS[c]) for c in Channel if c != current]
        choice = self.query_one("#channel", Choice)
        choice.set_options(options)
        choice.value = chosen if any(o.value == chosen for o in options) else KEEP
        self.state.channel_now = current

    @property
    def channel(self) -> str | None:
        """The channel chosen for the customer from now on; ``None`` keeps it."""
        value = self.query_one("#channel", Choice).value
        return str(value) if value else None

    def show_advice(self, advice: Advice) -> None:
        """The triggers, the proposal (route, tier, type and cause) and the hand-off."""
        items = []
        for result in advice.triggers:
            label = Text(result.label, style="bold" if result.holds else "")
            if result.holds:
                label.append(f": {visible(result.because)}")
            items.append(TickItem(result.key, label, result.holds))
        self.query_one("#triggers", TickList).set_items(items)
        self.query_one("#escalate-prompts", PromptPanel).show(advice.prompts)
        self._propose(advice)
        self._compose_handoff(advice)

    def _propose(self, advice: Advice) -> None:
        proposal = advice.proposal
        if not self.state.cause_chosen:
            # The proposed cause fills the field (or none, when no trigger points to one).
            self.query_one("#cause", Choice).value = proposal.cause if proposal is not None and proposal.cause else None
        if proposal is None:
            self.query_one("#proposal", Static).update(
                safe_text("No trigger holds: escalate only if you cannot resolve it (tick what applies).")
            )
            return
        route = self.policy.route(proposal.route) if self.policy else None
        assert route is not None
        self.query_one("#proposal", Static).update(
            safe_text(f"Proposed: {route.label}, tier {proposal.tier} ({proposal.type.value}) - because {proposal.because}")
        )
        if self.state.route_chosen:
            return  # the analyst's choice stands; the proposal above is only advice now
        # The proposal fills the fields: the field says what the proposal says.
        self.query_one("#route", Choice).value = proposal.route
        self._fill_tiers(proposal.route, proposal.tier)
        self.query_one("#type", Choice).value = proposal.type.value

    def _fill_tiers(self, route_key: str, tier: int | None = None) -> None:
        route = self.policy.route(route_key) if self.policy else None
        if route is None:
            return
        tiers = self.query_one("#tier", Choice)
        tiers.set_options([ChoiceOption(f"{t.tier}: {t.receiver}", t.tier, str(t.tier)) for t in route.tiers])
        chosen = (route.tier(tier) if tier is not None else None) or route.tiers[0]
        tiers.value = chosen.tier
        self.set_input("#receiver", chosen.receiver)
        self._show_contact(route.label, chosen)
        time_to_fix = self.query_one("#time-to-fix", Input)
        if not time_to_fix.value.strip() and chosen.usual_time_to_fix:
            time_to_fix.placeholder = f"ask the receiver; usually {chosen.usual_time_to_fix}"

    def _show_contact(self, route_label: str, tier: Any) -> None:
        """How to reach the receiver, and their usual time to fix (from the policy)."""
        parts = [f"{route_label}, tier {tier.tier}"]
        if tier.contact:
            parts.append(f"contact: {tier.contact}")
        if tier.usual_time_to_fix:
            parts.append(f"usually fixed in {tier.usual_time_to_fix}: ask them for their estimate")
        self.query_one("#route-contact", Static).update(safe_text(" · ".join(parts)))

    def _compose_handoff(self, advice: Advice) -> None:
        """Write the hand-off from the call, unless the analyst has edited it."""
        if self.state.handoff_edited:
            return  # edited by the analyst: theirs now
        area = self.query_one("#handoff", TextArea)
        self.state.handoff_composed = advice.handoff
        if area.text != advice.handoff:
            area.load_text(advice.handoff)

    # --- the analyst's own choices -----------------------------------------------------------

    @on(Choice.Changed, "#route")
    def _route_changed(self, event: Choice.Changed) -> None:
        self.state.route_chosen = True
        route = self.policy.route(str(event.value)) if self.policy and event.value is not None else None
        if route is not None:
            self._fill_tiers(route.key)
            self.query_one("#type", Choice).value = route.type.value
            self.post_message(self.DraftTyped("receiver", self.query_one("#receiver", Input).value))

    @on(Choice.Changed, "#tier")
    def _tier_changed(self, event: Choice.Changed) -> None:
        self.state.route_chosen = True
        route_key = self.query_one("#route", Choice).value
        found = self.policy.route(str(route_key)) if self.policy and route_key is not None else None
        tier = found.tier(int(event.value)) if found is not None and event.value is not None else None  # type: ignore[arg-type]
        if tier is not None and found is not None:
            self.set_input("#receiver", tier.receiver)
            self._show_contact(found.label, tier)
            self.post_message(self.DraftTyped("receiver", tier.receiver))

    @on(Choice.Changed, "#type")
    def _type_changed(self) -> None:
        self.state.route_chosen = True

    @on(Choice.Changed, "#cause")
    def _cause_changed(self, event: Choice.Changed) -> None:
        """The analyst's cause stands; a cause picked by its key is an answer, so on to the next field."""
        self.state.cause_chosen = True
        self.post_message(self.DraftTyped("cause", "" if event.value is None else str(event.value)))
        if event.value is not None:
            self.next_unanswered("#cause").focus()

    @on(Choice.Changed, "#channel")
    def _channel_changed(self, event: Choice.Changed) -> None:
        self.post_message(self.DraftTyped("channel", str(event.value or KEEP)))
        self.post_message(self.AdviceWanted())  # the hand-off says how to contact the customer

    @on(TickList.Toggled, "#triggers")
    def _ticks_changed(self, event: TickList.Toggled) -> None:
        """The analyst ticked or unticked a trigger (changes from code do not come here)."""
        if event.ticked:
            self.state.ticked.add(event.key)
        else:
            self.state.ticked.discard(event.key)
        self.post_message(self.AdviceWanted())

    @on(TextArea.Changed, "#handoff")
    def _handoff_typed(self, event: TextArea.Changed) -> None:
        event.stop()
        text = event.text_area.text
        if text == self.state.handoff_composed:
            return  # composed by deskcli (or loaded from a draft), not typed
        self.state.handoff_edited = True
        self.post_message(self.DraftTyped("handoff", text))

    @on(Input.Changed)
    def _input_typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "receiver":
            self.state.route_chosen = True
        name = next((n for n, selector in DRAFT_INPUTS.items() if selector == f"#{event.input.id}"), None)
        if name is None and event.input.parent is self.query_one("#next-contact", TimeField):
            name = "next_contact"
        if name is not None:
            self.post_message(self.DraftTyped(name, event.value))

    # --- Enter: the next field that needs an answer ----------------------------------------------

    def next_unanswered(self, after: str | None) -> Widget:
        """The first field after ``after`` (in :data:`ESCALATE_ORDER`) still without an answer."""
        order = list(ESCALATE_ORDER)
        start = order.index(after) + 1 if after in order else 0
        for selector in order[start:]:
            widget = self.query_one(selector)
            if selector == "#handoff":
                break
            value: Hashable | None = widget.value if isinstance(widget, TimeField | Input | Choice) else None
            if value is None or not str(value).strip():
                return widget.input if isinstance(widget, TimeField) else widget
        return self.query_one("#handoff", TextArea)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        selector = "#next-contact" if event.input.parent is self.query_one("#next-contact", TimeField) else f"#{event.input.id}"
        self.next_unanswered(selector).focus()

    @on(Choice.Submitted, "#cause, #channel")
    def _enter_on_choice(self, event: Choice.Submitted) -> None:
        self.next_unanswered(f"#{event.choice.id}").focus()

    def field_widget(self, name: str) -> Widget | None:
        """The widget that answers a field of the escalation request (as a refusal names it)."""
        selector = FIELD_WIDGETS.get(name)
        if selector is None:
            return None
        widget = self.query_one(selector)
        return widget.input if isinstance(widget, TimeField) else widget

    # --- the request ----------------------------------------------------------------------

    def next_contact_problem(self) -> str | None:
        """Why the next-contact time cannot be used as typed (``None`` when it can, or is empty)."""
        result = self.query_one("#next-contact", TimeField).result
        return result.error if result is not None and not result.ok else None

    def request(self, triggers: list[str]) -> EscalationRequest:
        """The escalation as the pane shows it."""
        from deskcli.services.lifecycle.escalations import EscalationRequest

        next_contact = self.query_one("#next-contact", TimeField).result
        route = self.query_one("#route", Choice).value
        tier = self.query_one("#tier", Choice).value
        kind = self.query_one("#type", Choice).value
        cause = self.query_one("#cause", Choice).value
        return EscalationRequest(
            route="" if route is None else str(route),
            handoff=self.query_one("#handoff", TextArea).text,
            next_contact_at=next_contact.when if next_contact is not None and next_contact.ok else None,
            receiver=self.query_one("#receiver", Input).value,
            tier=None if tier is None else int(tier),  # type: ignore[call-overload]
            type=None if kind is None else EscalationType(str(kind)),
            time_to_fix=self.query_one("#time-to-fix", Input).value,
            triggers=triggers,
            cause="" if cause is None else str(cause),
            channel=self.channel,
        )

    @property
    def callback_preference(self) -> str:
        """When the caller prefers to be called, as typed."""
        return self.query_one("#callback-pref", Input).value
