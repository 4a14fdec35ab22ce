"""Stage 3: resolve the problem now, or escalate it.

Resolve: the resolution and the instructions given to the caller (a used knowledge
article is linked). Escalate: the pane of :mod:`deskcli.screens.escalate` - the
triggers and their proposal, the cause, the receiver's time to fix, the next contact
told to the caller, a change of channel and the hand-off. The triggers follow the
call while the screen is shown: when the SLA's resolution time runs out (the header
says BREACHED), the SLA trigger holds here too. What is typed here is kept as drafts
until it is saved, so a crash loses none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static, TextArea

from deskcli.core.enums import Stage
from deskcli.screens.call_keys import CALL_KEYS, ELEVATE_KEY
from deskcli.screens.escalate import EscalatePane
from deskcli.screens.stage import FormScroll, StageScreen
from deskcli.widgets.safe import safe_text

if TYPE_CHECKING:
    from deskcli.services.actions.resolve import Advice
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.services.timekeeping.timeparse import ParsedTime

DRAFT_AREAS = {"resolution": "#resolution", "instructions": "#instructions"}
"""The resolve pane's text kept as drafts (the escalate pane hands its own up)."""
SLA_CHECK_SECONDS = 1.0
"""How often the screen looks whether the SLA has just been breached (the header ticks as often)."""


@dataclass
class ResolveForm:
    """This call's state of resolve-or-escalate (made afresh for every call; the escalate
    pane, composed afresh with it, keeps its own choices)."""

    call_id: int | None = None
    pane: str = "resolve"
    pane_chosen: bool = False
    """The analyst picked the pane: it no longer follows the triggers."""
    advice: Advice | None = None
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
        yield Static("", id="panes")
        with FormScroll(id="resolve-body"):
            with Vertical(id="pane-resolve"):
                yield Static("", id="article-linked")
                yield Label("Resolution: what fixed it")
                yield TextArea(id="resolution", compact=True, classes="short")
                yield Label("Instructions given to the caller")
                yield TextArea(id="instructions", compact=True, classes="short")
                yield Static("ctrl+s records the resolution and goes on to close with the customer's agreement.", classes="dialog-help")
            yield EscalatePane(runtime.policies.escalation if runtime else None, self._parse, id="pane-escalate", classes="hidden")

    def on_mount(self) -> None:
        self.set_interval(SLA_CHECK_SECONDS, self._check_sla)

    def _parse(self, text: str) -> ParsedTime:
        from deskcli.services.timekeeping.timeparse import parse_when

        runtime = self.runtime
        assert runtime is not None
        return parse_when(text, runtime.clock.now(), runtime.settings.zone())

    @property
    def escalate_pane(self) -> EscalatePane:
        """This call's escalate pane."""
        return self.query_one(EscalatePane)

    # --- filling ---------------------------------------------------------------------------

    def arrival_field(self) -> Widget | None:
        if self.form.pane == "resolve":
            return self.query_one("#resolution", TextArea)
        return self.escalate_pane.next_unanswered(None)

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        call = view.call
        if self.form.call_id != call.id:
            self.form.call_id = call.id
            drafts = self.flow.drafts
            self._load_area("#resolution", drafts.get("resolution", call.resolution))
            self._load_area("#instructions", drafts.get("instructions", call.instructions))
            self.escalate_pane.load(drafts, call.callback_preference, view.contact_channel)
        self.escalate_pane.follow_channel(view.contact_channel)
        self._advise(view)
        article = self.flow.article_id or call.article_id
        self.query_one("#article-linked", Static).update(
            safe_text(f"Known fix used: article {article} (linked when you record the resolution)") if article else ""
        )

    def _load_area(self, selector: str, text: str) -> None:
        area = self.query_one(selector, TextArea)
        self.form.loaded[selector] = text
        if area.text != text:
            self.fill_typed(area, text)  # first fill of this call's form: words typed already stay

    def _advise(self, view: CallView) -> None:
        """The advice, and the pane the triggers point to until the analyst picks one."""
        self._show_advice(view)
        if not self.form.pane_chosen:
            advice = self.form.advice
            self._set_pane("escalate" if advice is not None and advice.escalation_suggested else "resolve")

    def _show_advice(self, view: CallView) -> None:
        """The triggers, the proposal and the hand-off, from the call, the ticks and the channel."""
        from deskcli.services.actions import resolve

        runtime = self.runtime
        assert runtime is not None
        pane = self.escalate_pane
        advice = resolve.advice(
            view, ticked=pane.state.ticked, suggestions_found=self.flow.suggestions_found, now=runtime.clock.now(),
            policies=runtime.policies, zone=runtime.settings.zone(), calendar=runtime.calendar(), channel=pane.channel,
        )
        self.form.advice = advice
        pane.show_advice(advice)

    def _check_sla(self) -> None:
        """The SLA ran out (or a pause stopped it) since the advice was worked out: work it out again."""
        runtime, view, advice = self.runtime, self.flow.view, self.form.advice
        if runtime is None or view is None or advice is None or not self.is_current or view.call.id != self.form.call_id:
            return
        breached = view.sla_breached(runtime.clock.now(), runtime.policies.sla, runtime.settings.zone(), runtime.calendar())
        if breached != advice.sla_breached:
            self._advise(view)

    # --- what the escalate pane asks for --------------------------------------------------------

    @on(EscalatePane.AdviceWanted)
    def _advice_wanted(self) -> None:
        if self.flow.view is not None:
            self._show_advice(self.flow.view)

    @on(EscalatePane.DraftTyped)
    def _draft_typed(self, event: EscalatePane.DraftTyped) -> None:
        if self.form.call_id is not None:
            self.keep_draft(event.draft, event.text)

    @on(TextArea.Changed, "#resolution, #instructions")
    def _area_typed(self, event: TextArea.Changed) -> None:
        name = next((n for n, selector in DRAFT_AREAS.items() if selector == f"#{event.text_area.id}"), None)
        if name is None or self.form.call_id is None:
            return
        text = event.text_area.text
        if text == self.form.loaded.get(f"#{event.text_area.id}"):
            return  # the text loaded from the record or a draft, not typing
        self.form.loaded.pop(f"#{event.text_area.id}", None)  # typed: every change counts from now on
        self.form.pane_chosen = True  # typing a fix is choosing to resolve: the pane stays
        self.keep_draft(name, text)

    # --- actions ---------------------------------------------------------------------------

    def action_pane(self, pane: str) -> None:
        """Show the resolve or the escalate pane."""
        self.form.pane_chosen = True
        self._set_pane(pane)
        if pane == "resolve":
            self.query_one("#resolution", TextArea).focus()
        else:
            self.escalate_pane.next_unanswered(None).focus()

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
        call_id = self.flow.call_id
        pane = self.escalate_pane
        problem = pane.next_contact_problem()
        if problem is not None:
            self.notify(f"Next contact: {problem}", severity="warning", markup=False)
            self.focus_field(pane.field_widget("next_contact_at") or pane)
            return
        advice = self.form.advice
        request = pane.request([t.key for t in advice.triggers if t.holds] if advice else [])
        preference = pane.callback_preference

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

        def refused(error: BaseException) -> None:
            # The cursor goes to the first field the refusal names (seed: obtain the time to fix …).
            for name in getattr(error, "fields", ()):
                widget = pane.field_widget(name)
                if widget is not None and widget.focusable:
                    self.focus_field(widget)
                    break
            self.desk.report_error(error)

        self.flow.submit(job, done, refused)
