"""Stage 4, close: only with the customer's agreement.

The analyst asks the caller how satisfied they are (a digit, 1-5) and whether they
agree the call can be closed: ``y`` records their yes and closes the call, ``n``
keeps it open awaiting their confirmation. Nothing is pre-answered: every call
starts with both questions open. The resolution summary is required, and for a
valid complaint, what will prevent a repeat. The relationship follow-up call is
booked with the close (default from policy, editable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from deskcli.core.enums import CallStatus, Stage
from deskcli.screens.call_keys import CALL_KEYS, ELEVATE_KEY
from deskcli.screens.stage import FormScroll, StageScreen
from deskcli.widgets.choice import Choice
from deskcli.widgets.choice import Option as ChoiceOption
from deskcli.widgets.field import Field
from deskcli.widgets.prompts import PromptPanel
from deskcli.widgets.safe import safe_text
from deskcli.widgets.tick import Tick
from deskcli.widgets.time_field import TimeField

if TYPE_CHECKING:
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.services.timekeeping.timeparse import ParsedTime

SATISFACTION = [ChoiceOption(str(score), score) for score in range(1, 6)]
AGREEMENT = [
    ChoiceOption("Yes, they agree: close it", True, "y"),
    ChoiceOption("No, or not yet: keep it open awaiting their confirmation", False, "n"),
]


@dataclass
class CloseForm:
    """This call's state of the close (made afresh for every call)."""

    call_id: int | None = None
    summary_loaded: str = ""
    """The resolution as last put in the summary from the record."""
    sending: bool = False
    """The answer is being recorded (a second key must not record it twice)."""


class CloseScreen(StageScreen):
    """Close the call with the customer's agreement."""

    STAGE = Stage.CLOSE

    BINDINGS = [Binding("ctrl+s", "close_call", "Record answer", id="close.close", priority=True,
                        tooltip="Record the customer's answer: close the call if they agree"), ELEVATE_KEY, *CALL_KEYS]

    form: CloseForm

    def new_form(self) -> CloseForm:
        return CloseForm()

    def compose_body(self) -> ComposeResult:
        with FormScroll(id="close-body"):
            yield PromptPanel(id="close-prompts")
            yield Static("", id="close-status", classes="error")
            yield Label("Satisfaction, as the caller says it (type 1 very poor - 5 very good)")
            yield Choice(SATISFACTION, id="satisfaction")
            yield Label("Does the customer agree the call can be closed? Ask them: y yes (closes it), n not yet")
            yield Choice(AGREEMENT, id="agreement")
            yield Field("Comment", Input(id="comment", compact=True, placeholder="in the caller's words"))
            yield Label("Resolution summary (required)")
            yield TextArea(id="summary", compact=True, classes="short")
            with Vertical(id="prevention-row", classes="hidden"):
                yield Label("Valid complaint: what will stop this happening again (required)")
                yield TextArea(id="prevention", compact=True, classes="short")
            yield Tick("Book the follow-up call", value=True, id="follow-up", compact=True)
            yield TimeField(self._parse, id="follow-up-at")

    def _parse(self, text: str) -> ParsedTime:
        from deskcli.services.timekeeping.timeparse import parse_when

        runtime = self.runtime
        assert runtime is not None
        return parse_when(text, runtime.clock.now(), runtime.settings.zone())

    def arrival_field(self) -> Widget | None:
        if self.query_one("#satisfaction", Choice).value is None:
            return self.query_one("#satisfaction", Choice)
        return self.query_one("#agreement", Choice)

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        call = view.call
        runtime = self.runtime
        assert runtime is not None
        summary = self.query_one("#summary", TextArea)
        if self.form.call_id == call.id and summary.text == self.form.summary_loaded and call.resolution != self.form.summary_loaded:
            # The resolution changed on record and the analyst has not edited the summary here.
            self.form.summary_loaded = call.resolution
            summary.load_text(call.resolution)
        if self.form.call_id != call.id:
            self.form.call_id = call.id
            drafts = self.flow.drafts
            self.form.summary_loaded = drafts.get("close_summary", call.resolution)
            summary.load_text(self.form.summary_loaded)
            self.fill_typed(self.query_one("#prevention", TextArea), drafts.get("prevention", call.prevention_note))
            comment = self.query_one("#comment", Input)
            with comment.prevent(Input.Changed):
                comment.value = drafts.get("close_comment", "")
            from deskcli.services.lifecycle.followup import default_follow_up

            due = default_follow_up(
                runtime.clock.now(), runtime.settings.zone(), runtime.policies.call_handling.follow_up, runtime.calendar()
            )
            proposed = f"{due.astimezone(runtime.settings.zone()):%Y-%m-%d %H:%M}" if due is not None else ""
            self.query_one("#follow-up-at", TimeField).value = drafts.get("follow_up_at", proposed)
        self.query_one("#prevention-row").set_class(not (call.is_complaint and call.complaint_valid), "hidden")
        from deskcli.services.rules import prompts

        self.query_one("#close-prompts", PromptPanel).show(
            [p for p in prompts.applicable(runtime.policies.prompts, {"closing"}) if p.when == "closing"]
        )
        status = self.query_one("#close-status", Static)
        if call.status == CallStatus.CLOSED:
            status.update(safe_text(f"{call.reference} is closed."))
        elif call.status == CallStatus.AWAITING_CONFIRMATION:
            status.update(safe_text("Awaiting the customer's confirmation: the call stays open."))

    # --- answers -----------------------------------------------------------------------

    @on(Choice.Changed, "#satisfaction")
    def _rated(self, event: Choice.Changed) -> None:
        if event.value is not None:
            self.query_one("#agreement", Choice).focus()

    @on(Choice.Changed, "#agreement")
    def _answered(self, event: Choice.Changed) -> None:
        # The customer's answer is the action: their yes closes the call, their no keeps it open.
        if event.value is not None:
            self.action_close_call()

    def on_key(self, event: Any) -> None:
        """y / n answer the agreement question from any field that does not take text."""
        char = (event.character or "").lower()
        if char in ("y", "n") and not isinstance(self.focused, Input | TextArea):
            agreement = self.query_one("#agreement", Choice)
            if agreement is not self.focused:
                event.stop()
                agreement.focus()
                agreement.value = char == "y"
                self.action_close_call()
                return
        super().on_key(event)

    @on(Choice.Submitted, "#satisfaction")
    def _satisfaction_done(self) -> None:
        self.query_one("#agreement", Choice).focus()

    @on(Input.Changed, "#comment")
    def _comment_typed(self, event: Input.Changed) -> None:
        self.keep_draft("close_comment", event.value)

    @on(TextArea.Changed, "#summary, #prevention")
    def _area_typed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        if event.text_area.id == "summary":
            if text != self.form.summary_loaded:
                self.keep_draft("close_summary", text)
        elif self.form.call_id is not None:
            self.keep_draft("prevention", text)

    # --- recording the answer ----------------------------------------------------------

    def action_close_call(self) -> None:
        """Record the customer's answer; close the call if they agree."""
        call_id = self._need_call()
        if call_id is None or self.form.sending:
            return
        agreement = self.query_one("#agreement", Choice)
        status = self.query_one("#close-status", Static)
        if agreement.value is None:
            status.update("Ask the customer first: do they agree the call can be closed? (y / n)")
            agreement.focus()
            return
        from deskcli.services.actions.close import CloseRequest

        follow_up = None
        if agreement.value is True and self.query_one("#follow-up", Checkbox).value:
            parsed = self.query_one("#follow-up-at", TimeField).result
            if parsed is None or not parsed.ok:
                status.update(safe_text(f"Follow-up call: {parsed.error if parsed else 'say when'}"))
                self.query_one("#follow-up-at", TimeField).input.focus()
                return
            follow_up = parsed.when
        request = CloseRequest(
            agreed=bool(agreement.value),
            summary=self.query_one("#summary", TextArea).text,
            prevention=self.query_one("#prevention", TextArea).text,
            satisfaction=self.query_one("#satisfaction", Choice).value,  # type: ignore[arg-type]
            comment=self.query_one("#comment", Input).value,
            follow_up_at=follow_up,
        )
        self.form.sending = True
        self.desk.saver.flush()

        def job(runtime: Any) -> bool:
            from deskcli.services.actions import close

            return close.close_call(runtime.store, runtime.actor(), call_id, request)

        def done(closed: bool) -> None:
            self.form.sending = False
            if not closed:
                status.update("Kept open, awaiting the customer's confirmation.")
                self.notify("The call stays open: awaiting the customer's confirmation.", timeout=5)
                self.flow.refresh()
            else:
                self.notify("Call closed with the customer's agreement." + (" Follow-up call booked." if follow_up else ""), timeout=5)
                self.flow.go(Stage.FOLLOW_UP)

        def refused(error: BaseException) -> None:
            self.form.sending = False
            status.update(safe_text(self.flow.describe_error(error)))
            with agreement.prevent(Choice.Changed):
                agreement.value = None  # asked again once what is missing is there
            self.desk.report_error(error)

        self.flow.submit(job, done, refused)
