"""The assessment's complaint part: the flag, valid or not, the steps agreed, the
supervisor's notice, and what to say - shown together, so the advice is in view.

Seed 000 (Handling Customer Complaints): a complaint is valid ("If you have let a
customer down ... I'll let my supervisor know that you have had to call us") or the
customer "is incorrect in their understanding of the situation" ("empathy and
correction is in order"). Which one is the analyst's judgement, asked for as a choice:
until it is made neither advice is shown. The prompts sit under the complaint itself,
and flagging or judging it brings them into view: at the foot of the form they were below the
screen at 80x24, and an unticked "valid" box read as "not valid" before anyone judged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label

from deskcli.widgets.choice import Choice
from deskcli.widgets.choice import Option as ChoiceOption
from deskcli.widgets.prompts import PromptLike, PromptPanel
from deskcli.widgets.tick import Tick

if TYPE_CHECKING:
    from collections.abc import Sequence

    from deskcli.models import Call
    from deskcli.screens.stage import StageScreen
    from deskcli.services.actions.complaint import SupervisorTold

VALIDITY = [
    ChoiceOption("Yes: we let them down", True, "y"),
    ChoiceOption("No: they have the facts wrong", False, "n"),
]
"""Valid or not: the analyst's judgement, by one key."""

TOLD_SUPERVISOR = "Said \"I'll let my supervisor know\" (they are sent a notice)"


class ComplaintPane(Vertical):
    """The complaint's fields and advice (part of the assessment form)."""

    DEFAULT_CSS = """
    ComplaintPane { height: auto; }
    ComplaintPane #valid-part { width: 1fr; height: auto; }
    ComplaintPane #complaint-valid { width: 1fr; }
    ComplaintPane #complaint-prompts { color: $text; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._told = False
        """A notice went to the supervisor (the tick is then settled)."""
        self._judged_as: tuple[bool, bool | None] = (False, None)
        """The complaint and its judgement as last shown (a change brings the advice into view)."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Tick("Complaint", id="complaint", compact=True)
            with Horizontal(id="valid-part", classes="hidden"):
                yield Label("Valid?", classes="short-label")
                yield Choice(VALIDITY, id="complaint-valid", compact=True)
        with Horizontal(classes="field hidden", id="steps-row"):
            yield Label("Steps agreed", classes="field-label")
            yield Input(id="complaint-steps", compact=True, placeholder="what you will do, as agreed with the customer")
        yield Tick(TOLD_SUPERVISOR, id="supervisor-told", compact=True, classes="hidden")
        yield PromptPanel(id="complaint-prompts")

    # --- filling and reading -------------------------------------------------------------

    def fill(self, call: Call, *, supervisor_told: bool) -> None:
        """Show the record's complaint (no "analyst changed it" event is posted)."""
        box = self.query_one("#complaint", Checkbox)
        with box.prevent(Checkbox.Changed):
            box.value = call.is_complaint
        self.query_one("#complaint-valid", Choice).value = call.complaint_valid
        self.query_one("#complaint-steps", Input).value = call.complaint_steps
        self._judged_as = (call.is_complaint, call.complaint_valid if call.is_complaint else None)
        self.settle_told(supervisor_told)

    def values(self) -> dict[str, Any]:
        """The complaint as the form shows it, in the record's field names."""
        complaint = self.query_one("#complaint", Checkbox).value
        return {
            "is_complaint": complaint,
            "complaint_valid": self.query_one("#complaint-valid", Choice).value if complaint else None,
            "complaint_steps": self.query_one("#complaint-steps", Input).value.strip(),
        }

    def show(self, values: dict[str, Any], prompts: Sequence[PromptLike]) -> None:
        """Show the parts the complaint needs now, and what to say."""
        complaint = bool(values.get("is_complaint"))
        self.query_one("#valid-part").set_class(not complaint, "hidden")
        self.query_one("#steps-row").set_class(not complaint, "hidden")
        valid = complaint and values.get("complaint_valid") is True
        self.query_one("#supervisor-told").set_class(not (valid or self._told), "hidden")
        panel = self.query_one("#complaint-prompts", PromptPanel)
        panel.show(prompts)
        panel.set_class(not prompts, "hidden")  # an empty panel would still take a line
        judged_as = (complaint, values.get("complaint_valid") if complaint else None)
        if complaint and judged_as != self._judged_as:
            # Flagged or judged just now: the complaint and what to say, in view from its top
            # (once this layout is done: at the foot of the form they were off the screen).
            self.call_after_refresh(self.scroll_visible, top=True, animate=False)
        self._judged_as = judged_as

    def settle_told(self, told: bool) -> None:
        """The supervisor was told (the tick stays ticked and can no longer be changed)."""
        self._told = told
        tick = self.query_one("#supervisor-told", Checkbox)
        with tick.prevent(Checkbox.Changed):
            tick.value = told
        tick.disabled = told

    # --- moving through the complaint -----------------------------------------------------

    @property
    def _stage(self) -> StageScreen:
        return self.screen  # type: ignore[return-value]

    def toggle(self) -> None:
        """Flag (or unflag) the call as a complaint; flagged, ask at once whether it is valid."""
        box = self.query_one("#complaint", Checkbox)
        box.value = not box.value
        if box.value:
            self.query_one("#valid-part").remove_class("hidden")
            self._stage.focus_field(self.query_one("#complaint-valid", Choice))

    @on(Choice.Changed, "#complaint-valid")
    def _judged(self, event: Choice.Changed) -> None:
        # Judged: on to the steps agreed (the screen saves the answer as for any field).
        if event.value is not None:
            self.query_one("#steps-row").remove_class("hidden")
            self._stage.focus_field(self.query_one("#complaint-steps", Input))

    def after_steps(self) -> bool:
        """Enter in the steps: to the supervisor's tick when it is still to do (True), else not handled."""
        tick = self.query_one("#supervisor-told", Checkbox)
        if not tick.has_class("hidden") and not self._told:
            self._stage.focus_field(tick)
            return True
        return False

    # --- the supervisor's notice ----------------------------------------------------------

    @on(Checkbox.Changed, "#supervisor-told")
    def _told_changed(self, event: Checkbox.Changed) -> None:
        event.stop()  # not an assessment field: the notice is its own action
        if not event.value or self._told:
            return
        stage = self._stage
        call_id = stage.flow.call_id
        if call_id is None:
            return
        event.checkbox.disabled = True  # one notice, however often it is pressed
        stage.desk.saver.flush()  # the steps just typed reach the record before the notice quotes them

        def job(runtime: Any) -> SupervisorTold:
            from deskcli.services.actions import complaint

            return complaint.tell_supervisor(runtime.store, runtime.settings, runtime.actor(), call_id)

        def done(result: SupervisorTold) -> None:
            self.settle_told(True)
            stage.notify(result.message(), title="Supervisor", markup=False, timeout=8,
                         severity="information" if result.delivery.error is None else "warning")
            stage.flow.refresh()

        def refused(error: BaseException) -> None:
            self.settle_told(False)
            stage.desk.report_error(error)

        stage.flow.submit(job, done, refused)
