"""Stage 3: resolve the problem now, or escalate it.

Resolve: the resolution and the instructions given to the caller (a used knowledge
article is linked). Escalate: which triggers hold and why, the route and tier they
point to, the hand-off composed from the assessment for the analyst to edit, the
receiver's time-to-fix estimate, and the next-contact time told to the caller
(its resolved time shown before saving). The services refuse an escalation that
misses any of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from deskcli.core.enums import EscalationType, Stage
from deskcli.screens.stage import CALL_KEYS, StageScreen
from deskcli.widgets.prompts import PromptPanel
from deskcli.widgets.safe import safe_text, visible
from deskcli.widgets.time_field import TimeField

if TYPE_CHECKING:
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.services.timekeeping.timeparse import ParsedTime
    from deskcli.services.rules.triggers import TriggerResult


class ResolveScreen(StageScreen):
    """Resolve or escalate."""

    STAGE = Stage.RESOLVE

    BINDINGS = [
        Binding("ctrl+r", "pane('resolve')", "Resolve", id="resolve.resolve_pane", priority=True),
        Binding("ctrl+t", "pane('escalate')", "Escalate", id="resolve.escalate_pane", priority=True),
        Binding("ctrl+s", "save", "Save", id="resolve.save", priority=True, tooltip="Record the resolution, or escalate"),
        *CALL_KEYS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self._call_id: int | None = None
        self._triggers: list[TriggerResult] = []
        self._handoff_composed = ""
        self._filling = False
        self._pane = "resolve"
        self._pane_chosen = False
        self._route_chosen = False
        """The analyst picked the route, tier or receiver: refreshes no longer re-apply the proposal."""
        self._proposed: tuple[object, object, object] = (None, None, None)
        """Route, tier and receiver last put in the fields by deskcli (their change events are not the analyst's)."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="panes")
        with VerticalScroll(id="resolve-body"):
            with Vertical(id="pane-resolve"):
                yield Static("", id="article-linked")
                yield Label("Resolution: what fixed it")
                yield TextArea(id="resolution", compact=True, classes="short")
                yield Label("Instructions given to the caller")
                yield TextArea(id="instructions", compact=True, classes="short")
                yield Static("ctrl+s records the resolution; then F5 to close with the customer's agreement.", classes="dialog-help")
            with Vertical(id="pane-escalate", classes="hidden"):
                yield Label("Escalation triggers (space to tick what the caller told you)")
                yield SelectionList[str](id="triggers")
                yield Static("", id="proposal")
                with Horizontal(classes="field-row"):
                    yield Select([], prompt="Route", id="route", compact=True)
                    yield Select([], prompt="Tier", id="tier", compact=True)
                    yield Select([(t.value.title(), t.value) for t in EscalationType], prompt="Type", id="type", compact=True)
                with Horizontal(classes="field"):
                    yield Label("Receiver", classes="field-label")
                    yield Input(id="receiver", compact=True)
                yield Static("", id="route-contact", classes="dialog-help")
                yield Label("Hand-off: pass on as much detail as possible")
                yield TextArea(id="handoff", compact=True, classes="tall")
                with Horizontal(classes="field"):
                    yield Label("Time to fix", classes="field-label")
                    yield Input(id="time-to-fix", compact=True, placeholder="the receiver's estimate, e.g. 4 hours")
                with Horizontal(classes="field"):
                    yield Label("Call-back pref.", classes="field-label")
                    yield Input(id="callback-pref", compact=True, placeholder="when the caller prefers a call (e.g. after 2pm)")
                with Vertical(classes="field-stack"):
                    yield Label("Next contact told to the caller (15:05, tomorrow 10am, +2h)")
                    yield TimeField(self._parse, id="next-contact")
                yield PromptPanel(id="escalate-prompts")

    def _parse(self, text: str) -> ParsedTime:
        from deskcli.services.timekeeping.timeparse import parse_when

        runtime = self.runtime
        assert runtime is not None
        return parse_when(text, runtime.clock.now(), runtime.settings.zone())

    def runtime_ready(self) -> None:
        runtime = self.runtime
        assert runtime is not None
        self.query_one("#route", Select).set_options([(route.label, route.key) for route in runtime.policies.escalation.routes])

    # --- filling ---------------------------------------------------------------------------

    def reset_for_new_call(self) -> None:
        self._route_chosen = False
        self._proposed = (None, None, None)
        self._call_id = None
        self._handoff_composed = ""
        self._pane_chosen = False
        self._filling = True
        try:
            for area in ("#resolution", "#instructions", "#handoff"):
                self.query_one(area, TextArea).load_text("")
            for field in ("#receiver", "#time-to-fix", "#callback-pref"):
                self.query_one(field, Input).value = ""
            self.query_one("#next-contact", TimeField).value = ""
            self.query_one("#triggers", SelectionList).clear_options()
            self.query_one("#article-linked", Static).update("")
        finally:
            self._filling = False

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        call = view.call
        first = self._call_id != call.id
        self._call_id = call.id
        self._filling = True
        try:
            if first:
                self.query_one("#resolution", TextArea).load_text(call.resolution)
                self.query_one("#instructions", TextArea).load_text(call.instructions)
                self.query_one("#callback-pref", Input).value = call.callback_preference
            self._show_triggers(view, keep_ticks=not first)
            self._compose_handoff(view)
        finally:
            self._filling = False
        article = self.flow.article_id or call.article_id
        self.query_one("#article-linked", Static).update(
            safe_text(f"Known fix used: article {article} (linked when you record the resolution)") if article else ""
        )
        if not self._pane_chosen:
            # Follow the triggers until the analyst picks a pane themselves.
            self._set_pane("escalate" if any(t.holds for t in self._triggers) else "resolve")

    def _show_triggers(self, view: CallView, *, keep_ticks: bool) -> None:
        from deskcli.services.rules import prompts, triggers

        runtime = self.runtime
        assert runtime is not None
        selection = self.query_one("#triggers", SelectionList)
        ticked = set(selection.selected) if keep_ticks else set()
        facts = view.facts(now=runtime.clock.now(), suggestions_found=self.flow.suggestions_found)
        self._triggers = triggers.evaluate(facts, runtime.policies.escalation, ticked)
        selection.clear_options()
        for result in self._triggers:
            label = Text(result.label, style="bold" if result.holds else "")
            if result.holds:
                label.append(f": {visible(result.because)}")
            selection.add_option((label, result.key, result.holds))
        situations = {"escalating"} | ({"escalate_suggested"} if any(t.holds for t in self._triggers) else set())
        # Only the escalation advice here: the general prompts are on the assessment screen.
        shown = [p for p in prompts.applicable(runtime.policies.prompts, situations) if p.when in situations]
        self.query_one("#escalate-prompts", PromptPanel).show(shown)
        self._propose()

    def _propose(self) -> None:
        from deskcli.services.rules import triggers

        runtime = self.runtime
        assert runtime is not None
        proposal = triggers.propose(self._triggers, runtime.policies.escalation)
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
        if self._route_chosen:
            return  # the analyst's choice stands; the proposal above is only advice now
        self._proposed = (proposal.route, proposal.tier, None)
        self.query_one("#route", Select).value = proposal.route
        self._fill_tiers(proposal.route, proposal.tier)
        self.query_one("#type", Select).value = proposal.type.value

    def _fill_tiers(self, route_key: str, tier: int | None = None) -> None:
        runtime = self.runtime
        assert runtime is not None
        route = runtime.policies.escalation.route(route_key)
        if route is None:
            return
        tiers = self.query_one("#tier", Select)
        tiers.set_options([(f"Tier {t.tier}: {t.receiver}", t.tier) for t in route.tiers])
        chosen = route.tier(tier) if tier is not None else None
        chosen = chosen or route.tiers[0]
        tiers.value = chosen.tier
        receiver = self.query_one("#receiver", Input)
        receiver.value = chosen.receiver
        self._proposed = (self._proposed[0], chosen.tier, chosen.receiver)
        self._show_contact(route.label, chosen)
        time_to_fix = self.query_one("#time-to-fix", Input)
        if not time_to_fix.value.strip() and chosen.usual_time_to_fix:
            time_to_fix.placeholder = f"ask the receiver; usually {chosen.usual_time_to_fix}"

    def _show_contact(self, route_label: str, tier) -> None:  # noqa: ANN001
        """How to reach the receiver, and their usual time to fix (from the policy)."""
        parts = [f"{route_label}, tier {tier.tier}"]
        if tier.contact:
            parts.append(f"contact: {tier.contact}")
        if tier.usual_time_to_fix:
            parts.append(f"usually fixed in {tier.usual_time_to_fix}: ask them for their estimate")
        self.query_one("#route-contact", Static).update(safe_text(" · ".join(parts)))

    @on(Select.Changed, "#route")
    def _route_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self._proposed[0]:
            self._route_chosen = True
        if event.value is not Select.NULL and not self._filling:
            self._fill_tiers(str(event.value))
            runtime = self.runtime
            route = runtime.policies.escalation.route(str(event.value)) if runtime else None
            if route is not None:
                self.query_one("#type", Select).value = route.type.value

    @on(Select.Changed, "#tier")
    def _tier_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self._proposed[1] and not self._filling:
            self._route_chosen = True
        route = self.query_one("#route", Select).value
        if event.value is not Select.NULL and route is not Select.NULL and not self._filling:
            runtime = self.runtime
            found = runtime.policies.escalation.route(str(route)) if runtime else None
            tier = found.tier(int(event.value)) if found else None  # type: ignore[arg-type]
            if tier is not None and found is not None:
                self.query_one("#receiver", Input).value = tier.receiver
                self._show_contact(found.label, tier)

    @on(Input.Changed, "#receiver")
    def _receiver_changed(self, event: Input.Changed) -> None:
        if event.value.strip() and event.value != self._proposed[2] and not self._filling:
            self._route_chosen = True

    @on(SelectionList.SelectionToggled, "#triggers")
    def _ticks_changed(self) -> None:
        """The analyst ticked or unticked a trigger (programmatic changes do not come here)."""
        view = self.flow.view
        if self._filling or view is None or not self.is_current:
            return
        self._filling = True
        try:
            self._show_triggers(view, keep_ticks=True)
            self._compose_handoff(view)
        finally:
            self._filling = False

    def _compose_handoff(self, view: CallView) -> None:
        """Write the hand-off from the call, unless the analyst has edited it."""
        from deskcli.services.lifecycle import handoff

        area = self.query_one("#handoff", TextArea)
        if area.text != self._handoff_composed:
            return  # edited by the analyst: theirs now
        self._handoff_composed = handoff.compose(view, self._triggers)
        area.load_text(self._handoff_composed)

    # --- actions ---------------------------------------------------------------------------

    def action_pane(self, pane: str) -> None:
        """Show the resolve or the escalate pane."""
        self._pane_chosen = True
        self._set_pane(pane)
        self.query_one("#resolution" if pane == "resolve" else "#triggers").focus()

    def _set_pane(self, pane: str) -> None:
        self._pane = pane
        self.query_one("#pane-resolve").set_class(pane != "resolve", "hidden")
        self.query_one("#pane-escalate").set_class(pane != "escalate", "hidden")
        tabs = Text()
        for key, label in (("resolve", "Resolve now (ctrl+r)"), ("escalate", "Escalate (ctrl+t)")):
            tabs.append(f" {label} ", style="bold reverse" if key == pane else "dim")
            tabs.append("  ")
        self.query_one("#panes", Static).update(tabs)

    def action_save(self) -> None:
        """Record the resolution, or escalate, depending on the pane shown."""
        if self._need_call() is None:
            return
        if self._pane == "resolve":
            self._resolve()
        else:
            self._escalate()

    def _resolve(self) -> None:
        call_id = self.flow.call_id
        resolution = self.query_one("#resolution", TextArea).text
        instructions = self.query_one("#instructions", TextArea).text
        article_id = self.flow.article_id or (self.flow.view.call.article_id if self.flow.view else None)

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                calls.resolve(session, call_id, runtime.actor(), resolution=resolution, instructions=instructions, article_id=article_id)

        def done(_result: object) -> None:
            self.notify("Resolution recorded. Now ask the customer if they agree to close.", timeout=4)
            self.flow.refresh(then=lambda: self.flow.go(Stage.CLOSE))

        self.flow.write(job, done)

    def _escalate(self) -> None:
        from deskcli.services.lifecycle.escalations import EscalationRequest

        call_id = self.flow.call_id
        next_contact = self.query_one("#next-contact", TimeField).result
        if next_contact is not None and not next_contact.ok:
            self.notify(f"Next contact: {next_contact.error}", severity="warning", markup=False)
            return
        route = self.query_one("#route", Select).value
        tier = self.query_one("#tier", Select).value
        kind = self.query_one("#type", Select).value
        request = EscalationRequest(
            route="" if route is Select.NULL else str(route),
            handoff=self.query_one("#handoff", TextArea).text,
            next_contact_at=next_contact.when if next_contact is not None else None,
            receiver=self.query_one("#receiver", Input).value,
            tier=None if tier is Select.NULL else int(tier),  # type: ignore[arg-type]
            type=None if kind is Select.NULL else EscalationType(str(kind)),
            time_to_fix=self.query_one("#time-to-fix", Input).value,
            triggers=[t.key for t in self._triggers if t.holds],
        )
        preference = self.query_one("#callback-pref", Input).value

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls, escalations

            with runtime.store.write() as session:
                calls.set_callback_preference(session, call_id, preference, runtime.actor())
                escalation = escalations.escalate(session, call_id, request, runtime.actor(), policy=runtime.policies.escalation)
                return escalation.receiver

        def done(receiver: str) -> None:
            self.notify(
                f"Escalated to {receiver}. You stay the caller's contact: the next-contact promise is in your follow-ups.",
                markup=False,
                timeout=6,
            )
            self.flow.refresh()

        self.flow.write(job, done)
