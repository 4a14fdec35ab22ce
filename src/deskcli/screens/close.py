"""Stage 4, close: only with the customer's agreement.

The analyst asks explicitly whether the customer agrees the call can be closed.
Without that agreement the call stays open as "awaiting customer confirmation".
Satisfaction is captured (1-5 and a comment), the resolution summary is required,
and for a valid complaint, what will prevent a repeat. The relationship follow-up
call is scheduled here (default from policy, editable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Static, TextArea

from deskcli.core.enums import CallStatus, Stage
from deskcli.screens.stage import CALL_KEYS, StageScreen
from deskcli.widgets.prompts import PromptPanel
from deskcli.widgets.safe import safe_text
from deskcli.widgets.time_field import TimeField

if TYPE_CHECKING:
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.services.timekeeping.timeparse import ParsedTime

SATISFACTION = ("1", "2", "3", "4", "5")


class CloseScreen(StageScreen):
    """Close the call with the customer's agreement."""

    STAGE = Stage.CLOSE

    BINDINGS = [Binding("ctrl+s", "close_call", "Close call", id="close.close", priority=True), *CALL_KEYS]

    def __init__(self) -> None:
        super().__init__()
        self._call_id: int | None = None
        self._summary_loaded = ""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="close-body"):
            yield PromptPanel(id="close-prompts")
            yield Static("", id="close-status", classes="error")
            yield Label("Does the customer agree the call can be closed? (ask them)")
            with RadioSet(id="agreement", compact=True):
                yield RadioButton("Yes, they agree it can be closed", id="agreed", compact=True)
                yield RadioButton("No, or not yet: keep it open awaiting their confirmation", id="declined", compact=True)
            yield Label("Satisfaction, as the caller says it (1 very poor - 5 very good)")
            with RadioSet(id="satisfaction", classes="horizontal", compact=True):
                for index, label in enumerate(SATISFACTION, start=1):
                    yield RadioButton(label, id=f"sat-{index}", compact=True)
            with Horizontal(classes="field"):
                yield Label("Comment", classes="field-label")
                yield Input(id="comment", compact=True, placeholder="in the caller's words")
            yield Label("Resolution summary (required)")
            yield TextArea(id="summary", compact=True, classes="short")
            with Vertical(id="prevention-row", classes="hidden"):
                yield Label("Valid complaint: what will stop this happening again (required)")
                yield TextArea(id="prevention", compact=True, classes="short")
            yield Checkbox("Schedule the follow-up call", value=True, id="follow-up", compact=True)
            yield TimeField(self._parse, id="follow-up-at")

    def _parse(self, text: str) -> ParsedTime:
        from deskcli.services.timekeeping.timeparse import parse_when

        runtime = self.runtime
        assert runtime is not None
        return parse_when(text, runtime.clock.now(), runtime.settings.zone())

    def reset_for_new_call(self) -> None:
        self._call_id = None
        self.query_one("#agreement", RadioSet).can_focus = True
        for radio_set in ("#agreement", "#satisfaction"):
            for button in self.query_one(radio_set, RadioSet).query(RadioButton):
                button.value = False
        self.query_one("#comment", Input).value = ""
        self._summary_loaded = ""
        self.query_one("#summary", TextArea).load_text("")
        self.query_one("#prevention", TextArea).load_text("")
        self.query_one("#close-status", Static).update("")
        self.query_one("#follow-up", Checkbox).value = True

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        call = view.call
        runtime = self.runtime
        assert runtime is not None
        summary = self.query_one("#summary", TextArea)
        if self._call_id == call.id and summary.text == self._summary_loaded and call.resolution != self._summary_loaded:
            # The resolution changed on record and the analyst has not edited the summary here.
            self._summary_loaded = call.resolution
            summary.load_text(call.resolution)
        if self._call_id != call.id:
            self._call_id = call.id
            self._summary_loaded = call.resolution
            summary.load_text(call.resolution)
            self.query_one("#prevention", TextArea).load_text(call.prevention_note)
            from deskcli.services.lifecycle.followup import default_follow_up

            due = default_follow_up(runtime.clock.now(), runtime.settings.zone(), runtime.policies.call_handling.follow_up)
            local = due.astimezone(runtime.settings.zone())
            self.query_one("#follow-up-at", TimeField).value = f"{local:%Y-%m-%d %H:%M}"
            self.query_one("#agreement", RadioSet).focus()
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

    def _satisfaction(self) -> int | None:
        pressed = self.query_one("#satisfaction", RadioSet).pressed_button
        return int(pressed.id.removeprefix("sat-")) if pressed is not None and pressed.id else None

    def action_close_call(self) -> None:
        """Record the customer's answer; close the call if they agree."""
        call_id = self._need_call()
        if call_id is None:
            return
        pressed = self.query_one("#agreement", RadioSet).pressed_button
        status = self.query_one("#close-status", Static)
        if pressed is None:
            status.update("Ask the customer first: do they agree the call can be closed?")
            self.query_one("#agreement", RadioSet).focus()
            return
        agreed = pressed.id == "agreed"
        follow_up = None
        if self.query_one("#follow-up", Checkbox).value:
            parsed = self.query_one("#follow-up-at", TimeField).result
            if parsed is None or not parsed.ok:
                status.update(safe_text(f"Follow-up call: {parsed.error if parsed else 'say when'}"))
                return
            follow_up = parsed.when
        summary = self.query_one("#summary", TextArea).text
        prevention = self.query_one("#prevention", TextArea).text
        satisfaction = self._satisfaction()
        comment = self.query_one("#comment", Input).value

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.models import CommitmentKind
            from deskcli.services.lifecycle import calls, commitments

            actor = runtime.actor()
            with runtime.store.write() as session:
                if not agreed:
                    calls.record_agreement(session, call_id, actor, agreed=False, note=comment)
                    return "declined"
                calls.record_agreement(session, call_id, actor, agreed=True)
                calls.close_call(
                    session, call_id, actor,
                    resolution=summary, satisfaction=satisfaction, comment=comment, prevention_note=prevention,
                )
                if follow_up is not None:
                    commitments.make_commitment(
                        session, call_id, CommitmentKind.FOLLOW_UP, follow_up, actor,
                        description="Relationship follow-up call: check all is still well",
                    )
                return "closed"

        def done(outcome: str) -> None:
            if outcome == "declined":
                status.update("Kept open, awaiting the customer's confirmation.")
                self.notify("The call stays open: awaiting the customer's confirmation.", timeout=5)
                self.flow.refresh()
            else:
                self.notify("Call closed with the customer's agreement." + (" Follow-up call scheduled." if follow_up else ""), timeout=5)
                self.flow.go(Stage.FOLLOW_UP)

        def refused(error: BaseException) -> None:
            status.update(safe_text(self.flow.describe_error(error)))
            self.desk.report_error(error)

        runtime = self.runtime
        assert runtime is not None
        self.desk.writer.submit(lambda: job(runtime), done, refused)
