"""What the five stage screens share: the call header, the keys that work from any
stage (stages, hold, abusive caller, call-back, hang up, queue), a form built
afresh for every call, and focus where the analyst's words should go.

Call keys are *priority* bindings so they work while the analyst is typing in a
field; they use F-keys and control keys that text fields leave free.

**A fresh form per call.** The screens are installed once (building one costs
150-300 ms), but their form - every widget that holds an answer, and the per-call
state beside them (:attr:`StageScreen.form`) - is composed afresh for each call
(:class:`StageBody`). Resetting fields by hand had let a radio button, its
highlight or a list's selection survive into the next call and be saved there as
an answer nobody gave.

**Focus on arrival.** Every stage puts the cursor in its first field that needs an
answer when it is shown; a key typed while nothing takes input goes to that field,
so no typed word is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, OptionList, SelectionList, TextArea

from deskcli.core.enums import Stage
from deskcli.screens.base import DeskScreen
from deskcli.screens.call_keys import CallKeyActions
from deskcli.ui.messages import PromisesDueChanged
from deskcli.widgets.call_header import CallHeader, HeaderData
from deskcli.widgets.choice import Choice
from deskcli.widgets.key_bar import KeyBar
from deskcli.widgets.notice_line import NoticeLine

if TYPE_CHECKING:
    from deskcli.console.call_flow import CallFlow
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.ui.autosave import SaveState


TAKES_INPUT = (Input, TextArea, Choice, Checkbox, SelectionList, OptionList, DataTable)
"""Widgets where the analyst's keys mean something (focus never rests elsewhere)."""


class FormScroll(VerticalScroll, can_focus=False):
    """A scrolling form that never takes focus itself (keys typed there would be lost)."""


class StageBody(Vertical):
    """The per-call part of a stage screen, composed afresh for every call."""

    DEFAULT_CSS = "StageBody { height: 1fr; }"

    def __init__(self, compose_body: Callable[[], ComposeResult], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._compose_body = compose_body

    def compose(self) -> ComposeResult:
        yield from self._compose_body()


class StageScreen(CallKeyActions, DeskScreen):  # type: ignore[misc]
    """A stage of the call. Subclasses compose :meth:`compose_body` and fill it in :meth:`load_call`."""

    STAGE: ClassVar[Stage]
    CSS_PATH = Path(__file__).parent / "call.tcss"
    """Loaded with the first stage screen, so the first frame does not wait for it."""

    BINDINGS: ClassVar[list[Binding]] = []
    """Each stage lists its own keys first, then :data:`CALL_KEYS` (the footer keeps that order)."""

    AUTO_FOCUS = None
    """Textual's auto-focus would put the first focusable widget (a tick list) in focus
    before the call is loaded, and :meth:`_focus_on_arrival` would then keep it as if
    the analyst had chosen it: the stage decides where the words go, after loading."""

    def __init__(self) -> None:
        super().__init__()
        self.form: Any = self.new_form()
        """This call's state of the form (made afresh for each call)."""
        self._form_generation: int | None = None
        """The call generation the form belongs to; ``None``: fresh, not yet used."""
        self._renewing = False
        self._arrived = False
        self._shown_before = False

    @property
    def flow(self) -> CallFlow:
        """The call on screen."""
        return self.desk.flow

    def new_form(self) -> Any:
        """Override: the per-call state of this stage's form (a fresh object)."""
        return None

    def compose(self) -> ComposeResult:
        yield CallHeader(self._now, self._zone, demo=self.desk.options.is_demo, id="call-header")
        panel = self.desk.practice_panel()
        if panel is not None:  # trainer mode: the practice caller beside the call
            yield panel
        yield StageBody(self.compose_body, id="stage-body")
        yield NoticeLine()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        """Override: the stage's own widgets (composed afresh for every call)."""
        yield from ()

    def _now(self):
        runtime = self.runtime
        from datetime import UTC, datetime

        return runtime.clock.now() if runtime else datetime.now(UTC)

    def _zone(self):
        from zoneinfo import ZoneInfo

        runtime = self.runtime
        return runtime.settings.zone() if runtime else ZoneInfo("UTC")

    # --- a fresh form for each call ---------------------------------------------------

    def renew_form_soon(self) -> None:
        """The call ended or another began: rebuild the form now, while nobody is typing here."""
        if self._form_generation is not None and self.is_mounted and not self._renewing:
            self._renewing = True
            self.call_later(self._renew_form)

    async def _renew_form(self) -> None:
        try:
            if self._form_generation is None or self._form_generation == self.flow.generation:
                return
            await self.query_one(StageBody).recompose()
            self.form = self.new_form()
            self._form_generation = None
        finally:
            self._renewing = False
        if self.is_current:
            self._arrived = True
            self.sync()  # shown while it was being rebuilt: fill it now

    def on_screen_resume(self) -> None:
        # On a screen's first showing nested containers (tabs) are still mounting their
        # children when it resumes: filled after the refresh. Shown before, it is filled
        # at once, so its first frame is the call's (a ring's card is one paint sooner).
        self._arrived = True
        if self._shown_before:
            self.sync()
        else:
            self._shown_before = True
            self.call_after_refresh(self.sync)

    def sync(self) -> None:
        """Bring the screen in step with the call: a fresh form for a new call, then fill it."""
        flow = self.flow
        if self._form_generation != flow.generation:
            if self._form_generation is not None:
                # Used on an earlier call and not rebuilt yet: rebuild (it syncs after).
                if not self._renewing:
                    self._renewing = True
                    self.call_later(self._renew_form)
                return
            self._form_generation = flow.generation
            self.form = self.new_form()
            self.start_call()
        self._show_header(flow.view)
        self.load_call(flow.view)
        if self._arrived:
            self._arrived = False
            self._focus_on_arrival()

    def start_call(self) -> None:
        """Override: the form is fresh for a new call (show what comes from the flow)."""

    def load_call(self, view: CallView | None) -> None:
        """Override: show the call (called on every refresh; do not overwrite what is being typed)."""

    # --- filling a fresh form without losing what was typed ------------------------------

    def fill_typed(self, widget: Input | TextArea, stored: str) -> None:
        """Put the record's ``stored`` text in a field of this call's fresh form, keeping words typed first.

        The screen is drawn a refresh before it is filled, and on a loaded machine an
        analyst who starts talking and typing at once can be quicker than that. A fresh
        form starts empty, so any text already in the field was typed on this call: it
        stays, after the record's text when there is one (both reach the record with the
        next save), never replaced by it.
        """
        typed = widget.value if isinstance(widget, Input) else widget.text
        if not typed or typed == stored:
            text = stored
        elif not stored or stored.endswith(typed):
            # Only the analyst's words (or the record has them already): leave them and the
            # cursor, and offer them again - typed before the fill, they were not saved.
            changed = Input.Changed(widget, typed) if isinstance(widget, Input) else TextArea.Changed(widget)
            widget.post_message(changed)
            return
        else:
            text = stored + ("\n" if isinstance(widget, TextArea) else " ") + typed
        if isinstance(widget, Input):
            widget.value = text
            widget.cursor_position = len(text)
        else:
            widget.load_text(text)
            widget.move_cursor(widget.document.end)

    # --- focus where the words go -----------------------------------------------------

    def arrival_field(self) -> Widget | None:
        """Override: the first field that needs an answer on this stage."""
        return None

    def _takes_input(self, widget: Widget | None) -> bool:
        if widget is None or not isinstance(widget, TAKES_INPUT) or not widget.is_mounted:
            return False
        if not widget.focusable:
            return False
        body = self.query(StageBody)
        return bool(body) and body.first() in widget.ancestors

    def _focus_on_arrival(self) -> None:
        if self._takes_input(self.focused):
            return  # the analyst was typing here: stay
        target = self.arrival_field()
        if target is not None and target.focusable:
            self.focus_field(target)

    def focus_field(self, target: Widget) -> None:
        """Focus ``target`` and bring it into view once the layout has settled.

        Textual scrolls to a focused widget at once; on a form that was just filled or
        whose pane was just shown, the layout is not final yet and the field could stay
        off screen. Scrolling after the refresh puts it in view every time."""
        target.focus(scroll_visible=False)
        self.call_after_refresh(target.scroll_visible, animate=False)

    def typing_field(self) -> Input | TextArea | None:
        """Where words typed while nothing takes input go: the first visible text field."""
        for widget in self.query_one(StageBody).query("Input, TextArea"):
            if isinstance(widget, Input | TextArea) and widget.focusable:
                return widget
        return None

    def on_key(self, event: events.Key) -> None:
        """A key typed while nothing takes input goes to a field, never nowhere."""
        if self._takes_input(self.focused) or not event.is_printable or event.character is None:
            return
        target = self.arrival_field()
        if isinstance(target, Choice) and target.focusable and any(o.hotkey == event.character.lower() for o in target.options):
            target.focus()
            target.post_message(events.Key(event.key, event.character))
            event.stop()
            return
        field = target if isinstance(target, Input | TextArea) and target.focusable else self.typing_field()
        if field is None:
            return
        field.focus()
        if isinstance(field, Input):
            field.insert_text_at_cursor(event.character)
        else:
            field.insert(event.character)
        event.stop()

    # --- the header ---------------------------------------------------------------------

    def save_state_changed(self, state: SaveState) -> None:
        """What was typed on the call was saved, or not (the header says so)."""
        headers = self.query(CallHeader)
        if state.call_id != self.flow.call_id or not headers:
            return  # another call, or not composed yet (it reads the state when it is shown)
        header = headers.first()
        if state.saved:
            header.set_save_state("")
        elif state.error is not None:
            header.set_save_state("⚠ NOT SAVED - retrying (what you typed stays here)", alarm=True)

    def on_promises_due_changed(self, message: PromisesDueChanged) -> None:
        for header in self.query(CallHeader):
            header.set_promises_due(message.count)

    def _show_header(self, view: CallView | None) -> None:
        header = self.query_one(CallHeader)
        header.set_promises_due(self.desk.promises_due)
        flow = self.flow
        if view is None:
            header.show(HeaderData(started_at=flow.answered_at, talk_ended_at=flow.hung_up_at, channel=flow.channel), self.STAGE)
            return
        from deskcli.services.lifecycle import holds, script

        runtime = self.runtime
        assert runtime is not None
        policy = runtime.policies.call_handling.hold
        call = view.call
        pending = view.pending_promises

        def hold_warnings(now):
            # Past the long-hold limit, the long_hold prompt of the policy (offer a call-back).
            return holds.hold_notes(holds.hold_state(call.hold_started_at, view.holds, now, policy), runtime.policies.prompts)

        zone = runtime.settings.zone()
        calendar = runtime.calendar()

        def sla_countdown(now):
            from deskcli.services.timekeeping.countdown import countdown

            state = view.sla(now, runtime.policies.sla, zone, calendar)
            return countdown(state, priority_set=call.priority is not None, zone=zone, now=now)

        live = call.talk_ended_at is None
        data = HeaderData(
            name=view.customer.name,
            pronunciation=view.customer.pronunciation,
            spelling=view.customer.name_spelling,
            vip=view.customer.is_vip,
            flags=tuple(view.customer.caution_flags or ()),
            reference=call.reference,
            status=call.status,
            started_at=flow.answered_at or call.opened_at,
            talk_ended_at=call.talk_ended_at if live or flow.timer_label == "call" else None,
            hold_started_at=call.hold_started_at,
            hold_warnings=hold_warnings,
            working_it=call.actual_owner_label if view.owners_differ else "",
            next_promise_at=pending[0].due_at if pending else None,
            sla=sla_countdown,
            priority=(f"P{call.priority}" + (" elevated" if view.elevated else "")) if call.priority is not None else "",
            timer_label=flow.timer_label,
            channel=call.channel,
        )
        header.show(data, self.STAGE, script.done_stages(view))
        state = self.desk.save_state(call.id) if call.id is not None else None
        header.set_save_state("⚠ NOT SAVED - retrying (what you typed stays here)" if state and state.error else "", alarm=bool(state and state.error))

    # --- typing saved as it is typed ---------------------------------------------------------

    def keep_draft(self, field: str, text: str) -> None:
        """Hand the words typed into ``field`` to the autosaver (kept as a draft of the call)."""
        call_id = self.flow.call_id
        if call_id is None:
            return

        def save(value: object) -> None:
            from deskcli.services.actions import call

            runtime = self.runtime
            assert runtime is not None
            call.save_draft(runtime.store, runtime.actor(), call_id, field, str(value))

        self.desk.saver.offer((call_id, f"draft:{field}"), text, save)
