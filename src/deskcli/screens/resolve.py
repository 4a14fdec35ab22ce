"""Stage 3: resolve the problem now, or escalate it.

Resolve: the resolution and the instructions given to the caller (a used knowledge
article is linked). Escalate: which triggers hold and why, the route and tier they
point to (filled in for the analyst, whose own choice then stands), the hand-off
composed from the assessment for the analyst to edit, the receiver's time-to-fix
estimate, and the next-contact time told to the caller (its resolved time shown
before saving). The services refuse an escalation that misses any of it. What is
typed here is kept as drafts until it is saved, so a crash loses none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from deskcli.core.enums import EscalationType, Stage
from deskcli.screens.call_keys import CALL_KEYS, ELEVATE_KEY
from deskcli.screens.stage import FormScroll, StageScreen
from deskcli.widgets.choice import Choice
from deskcli.widgets.choice import Option as ChoiceOption
from deskcli.widgets.field import Field
from deskcli.widgets.prompts import PromptPanel
from deskcli.widgets.safe import safe_text, visible
from deskcli.widgets.tick_list import TickItem, TickList
from deskcli.widgets.time_field import TimeField

if TYPE_CHECKING:
    from deskcli.services.actions.resolve import Advice
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.services.timekeeping.timeparse import ParsedTime

TYPE_OPTIONS = [ChoiceOption(t.value.title(), t.value) for t in EscalationType]
DRAFT_AREAS = {"resolution": "#resolution", "instructions": "#instructions", "handoff": "#handoff"}
DRAFT_INPUTS = {"receiver": "#receiver", "time_to_fix": "#time-to-fix", "callback_preference": "#callback-pref"}
ESCALATE_ORDER = ("#time-to-fix", "#next-contact", "#callback-pref", "#handoff")
"""Enter moves along these on the escalate pane, to the next one not yet answered."""


@dataclass
class ResolveForm:
    """This call's state of resolve-or-escalate (made afresh for every call)."""

    call_id: int | None = None
    pane: str = "resolve"
    pane_chosen: bool = False
    """The analyst picked the pane: it no longer follows the triggers."""
    route_chosen: bool = False
    """The analyst picked the route, tier, type or receiver: refreshes no longer re-apply the proposal."""
    handoff_composed: str = ""
    """The hand-off last written by deskcli (its change events are not the analyst's)."""
    handoff_edited: bool = False
    """The analyst has edited the hand-off: it is theirs, never recomposed."""
    advice: Advice | None = None
    ticked: set[str] = field(default_factory=set)
    loaded: dict[str, str] = field(default_factory=dict)
    """Text put in each area from the record (its change event is not typing)."""


class ResolveScreen(StageScreen):
    """Resolve or escalate."""

    STAGE = Stage.RESOLVE

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="resolve.save", priority=True, tooltip="Record the resolution, or escalate"),
        Binding("ctrl+r", "pane('resolve')", "Resolve", id="resolve.resolve_pane", priority=True),
        Binding("ctrl+t", "pane('escalate')", "Escalate", id="resolve.escalate_pane", priority=True),
        ELEVATE_KEY, *CALL_KEYS,
    ]

    form: ResolveForm

    def new_form(self) -> ResolveForm:
        return ResolveForm()

    def compose_body(self) -> ComposeResult:
        runtime = self.runtime
        routes = [ChoiceOption(route.label, route.key, str(n)) for n, route in enumerate(runtime.policies.escalation.routes, 1)] if runtime else []
        yield Static("", id="panes")
        with FormScroll(id="resolve-body"):
            with Vertical(id="pane-resolve"):
                yield Static("", id="article-linked")
                yield Label("Resolution: what fixed it")
                yield TextArea(id="resolution", compact=True, classes="short")
                yield Label("Instructions given to the caller")
                yield TextArea(id="instructions", compact=True, classes="short")
                yield Static("ctrl+s records the resolution and goes on to close with the customer's agreement.", classes="dialog-help")
            with Vertical(id="pane-escalate", classes="hidden"):
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
                yield Field("Receiver", Input(id="receiver", compact=True))
                yield Static("", id="route-contact", classes="dialog-help")
                yield Field("Time to fix", Input(id="time-to-fix", compact=True, placeholder="the receiver's estimate, e.g. 4 hours"))
                with Vertical(classes="field-stack"):
                    yield Label("Next contact told to the caller (15:05, tomorrow 10am, +2h)")
                    yield TimeField(self._parse, id="next-contact")
                yield Field("Call-back pref.", Input(id="callback-pref", compact=True, placeholder="when the caller prefers a call (e.g. after 2pm)"))
                yield Label("Hand-off: pass on as much detail as possible")
                yield TextArea(id="handoff", compact=True, classes="tall")
                yield PromptPanel(id="escalate-prompts")

    def _parse(self, text: str) -> ParsedTime:
        from deskcli.services.timekeeping.timeparse import parse_when

        runtime = self.runtime
        assert runtime is not None
        return parse_when(text, runtime.clock.now(), runtime.settings.zone())

    # --- filling ---------------------------------------------------------------------------

    def arrival_field(self) -> Widget | None:
        if self.form.pane == "resolve":
            return self.query_one("#resolution", TextArea)
        return self._next_unanswered(None)

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        call = view.call
        first = self.form.call_id != call.id
        if first:
            self.form.call_id = call.id
            drafts = self.flow.drafts
            self._load_area("#resolution", drafts.get("resolution", call.resolution))
            self._load_area("#instructions", drafts.get("instructions", call.instructions))
            self._set_input("#callback-pref", drafts.get("callback_preference", call.callback_preference))
            for name in ("receiver", "time_to_fix"):
                if name in drafts:
                    self._set_input(DRAFT_INPUTS[name], drafts[name])
                    self.form.route_chosen = self.form.route_chosen or name == "receiver"
            if "next_contact" in drafts:
                self.query_one("#next-contact", TimeField).value = drafts["next_contact"]
            if "handoff" in drafts:
                self._load_area("#handoff", drafts["handoff"])
                self.form.handoff_edited = True  # the analyst's own text: never recomposed
        self._show_advice(view)
        article = self.flow.article_id or call.article_id
        self.query_one("#article-linked", Static).update(
            safe_text(f"Known fix used: article {article} (linked when you record the resolution)") if article else ""
        )
        if not self.form.pane_chosen:
            # Follow the triggers until the analyst picks a pane themselves.
            advice = self.form.advice
            self._set_pane("escalate" if advice is not None and advice.escalation_suggested else "resolve")

    def _load_area(self, selector: str, text: str) -> None:
        area = self.query_one(selector, TextArea)
        self.form.loaded[selector] = text
        if area.text != text:
            area.load_text(text)

    def _set_input(self, selector: str, text: str) -> None:
        """Fill an input from code (its change is not the analyst's)."""
        widget = self.query_one(selector, Input)
        with widget.prevent(Input.Changed):
            widget.value = text

    def _show_advice(self, view: CallView) -> None:
        """The triggers, the proposal and the hand-off, from the call and the ticks."""
        from deskcli.services.actions import resolve

        runtime = self.runtime
        assert runtime is not None
        advice = resolve.advice(
            view, ticked=self.form.ticked, suggestions_found=self.flow.suggestions_found, now=runtime.clock.now(),
            policies=runtime.policies, zone=runtime.settings.zone(), calendar=runtime.calendar(),
        )
        self.form.advice = advice
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
        runtime = self.runtime
        assert runtime is not None
        proposal = advice.proposal
        if proposal is None:
            self.query_one("#proposal", Static).update(
                safe_text("No trigger holds: escalate only if you cannot resolve it (tick what applies).")
            )
            return
        route = runtime.policies.escalation.route(proposal.route)
        assert route is not None
        self.query_one("#proposal", Static).update(
            safe_text(f"Proposed: {route.label}, tier {proposal.tier} ({proposal.type.value}) - because {proposal.because}")
        )
        if self.form.route_chosen:
            return  # the analyst's choice stands; the proposal above is only advice now
        # The proposal fills the fields: the field says what the proposal says.
        self.query_one("#route", Choice).value = proposal.route
        self._fill_tiers(proposal.route, proposal.tier)
        self.query_one("#type", Choice).value = proposal.type.value

    def _fill_tiers(self, route_key: str, tier: int | None = None) -> None:
        runtime = self.runtime
        assert runtime is not None
        route = runtime.policies.escalation.route(route_key)
        if route is None:
            return
        tiers = self.query_one("#tier", Choice)
        tiers.set_options([ChoiceOption(f"{t.tier}: {t.receiver}", t.tier, str(t.tier)) for t in route.tiers])
        chosen = (route.tier(tier) if tier is not None else None) or route.tiers[0]
        tiers.value = chosen.tier
        self._set_input("#receiver", chosen.receiver)
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
        area = self.query_one("#handoff", TextArea)
        if self.form.handoff_edited:
            return  # edited by the analyst: theirs now
        self.form.handoff_composed = advice.handoff
        if area.text != advice.handoff:
            area.load_text(advice.handoff)

    # --- the analyst's own choices -------------------------------------------------------------

    @on(Choice.Changed, "#route")
    def _route_changed(self, event: Choice.Changed) -> None:
        self.form.route_chosen = True
        runtime = self.runtime
        route = runtime.policies.escalation.route(str(event.value)) if runtime and event.value is not None else None
        if route is not None:
            self._fill_tiers(route.key)
            self.query_one("#type", Choice).value = route.type.value
            self.keep_draft("receiver", self.query_one("#receiver", Input).value)

    @on(Choice.Changed, "#tier")
    def _tier_changed(self, event: Choice.Changed) -> None:
        self.form.route_chosen = True
        runtime = self.runtime
        route_key = self.query_one("#route", Choice).value
        found = runtime.policies.escalation.route(str(route_key)) if runtime and route_key is not None else None
        tier = found.tier(int(event.value)) if found is not None and event.value is not None else None  # type: ignore[arg-type]
        if tier is not None and found is not None:
            self._set_input("#receiver", tier.receiver)
            self._show_contact(found.label, tier)
            self.keep_draft("receiver", tier.receiver)

    @on(Choice.Changed, "#type")
    def _type_changed(self) -> None:
        self.form.route_chosen = True

    @on(TickList.Toggled, "#triggers")
    def _ticks_changed(self, event: TickList.Toggled) -> None:
        """The analyst ticked or unticked a trigger (changes from code do not come here)."""
        if event.ticked:
            self.form.ticked.add(event.key)
        else:
            self.form.ticked.discard(event.key)
        if self.flow.view is not None:
            self._show_advice(self.flow.view)

    @on(TextArea.Changed)
    def _area_typed(self, event: TextArea.Changed) -> None:
        name = next((n for n, selector in DRAFT_AREAS.items() if selector == f"#{event.text_area.id}"), None)
        if name is None or self.form.call_id is None:
            return
        text = event.text_area.text
        if text == self.form.loaded.get(f"#{event.text_area.id}"):
            return  # the text loaded from the record or a draft, not typing
        self.form.loaded.pop(f"#{event.text_area.id}", None)  # typed: every change counts from now on
        if name in ("resolution", "instructions"):
            self.form.pane_chosen = True  # typing a fix is choosing to resolve: the pane stays
        if name == "handoff":
            if text == self.form.handoff_composed:
                return  # composed by deskcli, not typed
            self.form.handoff_edited = True
        self.keep_draft(name, text)

    @on(Input.Changed)
    def _input_typed(self, event: Input.Changed) -> None:
        if self.form.call_id is None:
            return
        if event.input.id == "receiver":
            self.form.route_chosen = True
        name = next((n for n, selector in DRAFT_INPUTS.items() if selector == f"#{event.input.id}"), None)
        if name is None and event.input.parent is self.query_one("#next-contact", TimeField):
            name = "next_contact"
        if name is not None:
            self.keep_draft(name, event.value)

    # --- Enter: the next field that needs an answer ----------------------------------------------

    def _next_unanswered(self, after: str | None) -> Widget:
        order = list(ESCALATE_ORDER)
        start = order.index(after) + 1 if after in order else 0
        for selector in order[start:]:
            widget = self.query_one(selector)
            value = widget.value if isinstance(widget, TimeField | Input) else ""
            if selector == "#handoff" or not str(value).strip():
                return widget.input if isinstance(widget, TimeField) else widget
        return self.query_one("#handoff", TextArea)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        selector = "#next-contact" if event.input.parent is self.query_one("#next-contact", TimeField) else f"#{event.input.id}"
        self._next_unanswered(selector).focus()

    # --- actions ---------------------------------------------------------------------------

    def action_pane(self, pane: str) -> None:
        """Show the resolve or the escalate pane."""
        self.form.pane_chosen = True
        self._set_pane(pane)
        if pane == "resolve":
            self.query_one("#resolution", TextArea).focus()
        else:
            self._next_unanswered(None).focus()

    def _set_pane(self, pane: str) -> None:
        changed = pane != self.form.pane
        self.form.pane = pane
        self.query_one("#pane-resolve").set_class(pane != "resolve", "hidden")
        self.query_one("#pane-escalate").set_class(pane != "escalate", "hidden")
        tabs = Text()
        for key, label in (("resolve", "Resolve now (ctrl+r)"), ("escalate", "Escalate (ctrl+t)")):
            tabs.append(f" {label} ", style="bold reverse" if key == pane else "dim")
            tabs.append("  ")
        self.query_one("#panes", Static).update(tabs)
        if changed and self.is_current:
            # After the refresh: the pane just shown is not focusable until its styles apply.
            self.call_after_refresh(self._refocus_after_pane_change)

    def _refocus_after_pane_change(self) -> None:
        hidden_pane = self.query_one("#pane-resolve" if self.form.pane == "escalate" else "#pane-escalate")
        focused = self.focused
        lost = focused is None or not self._takes_input(focused) or hidden_pane in focused.ancestors
        if lost and self.is_current:
            target = self.arrival_field()
            if target is not None and target.focusable:
                self.focus_field(target)

    def action_save(self) -> None:
        """Record the resolution, or escalate, depending on the pane shown."""
        if self._need_call() is None:
            return
        self.desk.saver.flush()
        if self.form.pane == "resolve":
            self._resolve()
        else:
            self._escalate()

    def _resolve(self) -> None:
        call_id = self.flow.call_id
        resolution = self.query_one("#resolution", TextArea).text
        instructions = self.query_one("#instructions", TextArea).text
        article_id = self.flow.article_id or (self.flow.view.call.article_id if self.flow.view else None)

        def job(runtime):
            from deskcli.services.actions import resolve

            resolve.resolve_call(
                runtime.store, runtime.actor(), call_id, resolution=resolution, instructions=instructions, article_id=article_id
            )

        def done(_result: object) -> None:
            self.notify("Resolution recorded. Now ask the customer if they agree to close.", timeout=4)
            self.flow.refresh(then=lambda: self.flow.go(Stage.CLOSE))

        self.flow.submit(job, done)

    def _escalate(self) -> None:
        from deskcli.services.lifecycle.escalations import EscalationRequest

        call_id = self.flow.call_id
        next_contact = self.query_one("#next-contact", TimeField).result
        if next_contact is not None and not next_contact.ok:
            self.notify(f"Next contact: {next_contact.error}", severity="warning", markup=False)
            self.query_one("#next-contact", TimeField).input.focus()
            return
        route = self.query_one("#route", Choice).value
        tier = self.query_one("#tier", Choice).value
        kind = self.query_one("#type", Choice).value
        advice = self.form.advice
        request = EscalationRequest(
            route="" if route is None else str(route),
            handoff=self.query_one("#handoff", TextArea).text,
            next_contact_at=next_contact.when if next_contact is not None else None,
            receiver=self.query_one("#receiver", Input).value,
            tier=None if tier is None else int(tier),  # type: ignore[call-overload]
            type=None if kind is None else EscalationType(str(kind)),
            time_to_fix=self.query_one("#time-to-fix", Input).value,
            triggers=[t.key for t in advice.triggers if t.holds] if advice else [],
        )
        preference = self.query_one("#callback-pref", Input).value

        def job(runtime):
            from deskcli.services.actions import resolve

            return resolve.escalate_call(
                runtime.store, runtime.actor(), call_id, request, callback_preference=preference, policies=runtime.policies
            ).receiver

        def done(receiver: str) -> None:
            self.notify(
                f"Escalated to {receiver}. You stay the caller's contact: the next-contact promise is in your follow-ups.",
                markup=False,
                timeout=6,
            )
            self.flow.refresh()

        self.flow.submit(job, done)
