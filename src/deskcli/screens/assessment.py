"""Stage 2, assessment: listen, question, empathise.

The problem summary, free notes, the category (by its letter) and its questions,
impact and urgency with the priority they give (and why), knowledge suggestions that
follow the summary, the complaint (:mod:`deskcli.screens.assessment_complaint`), and
the seeds' prompts where they apply. Everything is saved as it is typed - at least
once a second while typing goes on - and Enter moves to the next field that needs an
answer.

ctrl+s saves and shows the read-back: the problem as logged, to say to the caller
(seed 000: "confirm that you have correctly understood the customer"); ctrl+s again,
once they confirm, records it and goes on to resolve or escalate. A problem already
confirmed as it stands goes on at the first ctrl+s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from deskcli.core.enums import BusinessImpact, Stage, Urgency
from deskcli.screens.assessment_complaint import ComplaintPane
from deskcli.screens.assessment_fixes import KnownFixes
from deskcli.screens.call_keys import CALL_KEYS, ELEVATE_KEY
from deskcli.screens.stage import FormScroll, StageScreen
from deskcli.widgets.choice import Choice
from deskcli.widgets.choice import Option as ChoiceOption
from deskcli.widgets.field import Field
from deskcli.widgets.prompts import PromptPanel, ReadBackPanel
from deskcli.widgets.safe import safe_text
from deskcli.widgets.tick import Tick

if TYPE_CHECKING:
    from deskcli.services.actions.assessment import ReadBack
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.ui.autosave import SaveState

URGENCY_OPTIONS = [ChoiceOption(u.value.title(), u.value) for u in Urgency]
IMPACT_OPTIONS = [
    ChoiceOption("None", BusinessImpact.NONE.value, "n"),
    ChoiceOption("Minor", BusinessImpact.MINOR.value, "m"),
    ChoiceOption("Significant", BusinessImpact.SIGNIFICANT.value, "s"),
    ChoiceOption("Severe", BusinessImpact.SEVERE.value, "v"),
]
ANSWER_ORDER = ("#summary", "#category", "#urgency", "#business", "#people", "#departments", "#notes")
"""Enter moves along these, to the next one not yet answered."""


@dataclass
class AssessmentForm:
    """This call's state of the assessment (made afresh for every call)."""

    call_id: int | None = None
    """The call the fields were filled from."""
    notes_loaded: str = ""
    notes_typed: bool = False
    """Notes were typed on this call (their saved time is worth showing)."""
    reading_back: bool = False
    """The read-back is shown: the next ctrl+s records the caller's confirmation."""
    confirming: bool = False
    """The confirmation is being recorded (a third ctrl+s must not record it twice)."""


class AssessmentScreen(StageScreen):
    """Assessment of the caller's problem."""

    STAGE = Stage.ASSESSMENT

    BINDINGS = [
        Binding("ctrl+s", "save_now", "Save, go on", id="assessment.save", priority=True,
                tooltip="Save, read the problem back to the caller; again when they confirm: on to resolve or escalate"),
        Binding("ctrl+t", "toggle_complaint", "Complaint", id="assessment.complaint", priority=True, tooltip="Log this call as a complaint"),
        Binding("ctrl+y", "apologised", "Said sorry", id="assessment.apologised", priority=True,
                tooltip="You apologised and empathised (a complaint): recorded on the call"),
        Binding("ctrl+n", "focus_notes", "Notes", id="assessment.notes", priority=True),
        Binding("ctrl+f", "focus_suggestions", "Known fixes", id="assessment.suggestions", priority=True),
        ELEVATE_KEY,
        *CALL_KEYS,
    ]

    form: AssessmentForm

    def new_form(self) -> AssessmentForm:
        return AssessmentForm()

    def compose_body(self) -> ComposeResult:
        runtime = self.runtime
        categories = (
            [ChoiceOption(c.label, c.key, c.pick_key) for c in runtime.policies.categories.categories] if runtime else []
        )
        with FormScroll(id="assessment-body"):
            yield Field("Summary", Input(placeholder="the problem in one line, in the caller's words", id="summary", compact=True))
            with Horizontal(classes="field-row"):
                yield Label("Category", classes="field-label")
                yield Choice(categories, id="category", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("Urgency", classes="field-label")
                yield Choice(URGENCY_OPTIONS, id="urgency", classes="short-choice")
                yield Label("Business", classes="short-label")
                yield Choice(IMPACT_OPTIONS, id="business", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("People affected", classes="field-label")
                yield Input(type="integer", id="people", compact=True, placeholder="?", classes="number")
                yield Label("Departments", classes="short-label")
                yield Input(type="integer", id="departments", compact=True, placeholder="?", classes="number")
                yield Tick("Executive affected", id="executive", compact=True)
                yield Tick("Security", id="security", compact=True)
            yield Tick("Company-wide issue raised by the caller", id="company-wide", compact=True)
            yield Static("", id="priority", markup=False)
            with Horizontal(id="assessment-main"):
                with Vertical(id="notes-pane"):
                    notes = TextArea(id="notes", soft_wrap=True, compact=True)
                    notes.border_title = "Notes - saved as you type"
                    yield notes
                yield KnownFixes(id="side-pane")
            yield ComplaintPane(id="complaint-pane")
            yield PromptPanel(id="prompts")
        yield ReadBackPanel(id="read-back", classes="hidden")

    # --- filling the form ---------------------------------------------------------------

    def arrival_field(self) -> Widget | None:
        return self._next_unanswered(None)

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        call = view.call
        if self.form.call_id != call.id:
            # First time this call is shown here: fill every field from the record. The
            # inputs' change events that follow offer the record's own values, which the
            # service finds unchanged (nothing is recorded); choices and ticks set from
            # code post no event at all.
            self.form.call_id = call.id
            self.fill_typed(self.query_one("#summary", Input), call.summary)
            self.query_one("#category", Choice).value = call.category
            self.query_one("#urgency", Choice).value = call.urgency
            self.query_one("#business", Choice).value = call.business_impact
            self.query_one("#people", Input).value = "" if call.people_affected is None else str(call.people_affected)
            self.query_one("#departments", Input).value = "" if call.departments_affected is None else str(call.departments_affected)
            for selector, value in (
                ("#executive", call.executive_affected), ("#security", call.security_concern),
                ("#company-wide", call.company_wide),
            ):
                box = self.query_one(selector, Checkbox)
                with box.prevent(Checkbox.Changed):
                    box.value = value
            self.query_one(ComplaintPane).fill(call, supervisor_told=view.supervisor_told)
            self.form.notes_loaded = call.notes
            self.fill_typed(self.query_one("#notes", TextArea), call.notes)
            self._schedule_suggestions()
        elif view.supervisor_told:
            self.query_one(ComplaintPane).settle_told(True)
        self._show_derived(view)

    def _form_values(self) -> dict[str, Any]:
        """The assessment as the form shows it, in the services' field names."""

        def number(selector: str) -> int | None:
            text = self.query_one(selector, Input).value.strip()
            return int(text) if text.isdigit() else None

        return {
            "summary": self.query_one("#summary", Input).value.strip()[:500],
            "category": self.query_one("#category", Choice).value,
            "urgency": self.query_one("#urgency", Choice).value,
            "business_impact": self.query_one("#business", Choice).value,
            "people_affected": number("#people"),
            "departments_affected": number("#departments"),
            "executive_affected": self.query_one("#executive", Checkbox).value,
            "security_concern": self.query_one("#security", Checkbox).value,
            "company_wide": self.query_one("#company-wide", Checkbox).value,
            **self.query_one(ComplaintPane).values(),
        }

    # --- derived displays: priority, questions, prompts ---------------------------------------

    def _show_derived(self, view: CallView | None = None) -> None:
        from deskcli.services.actions import assessment

        runtime = self.runtime
        if runtime is None:
            return
        values = self._form_values()
        view = view or self.flow.view
        call = view.call if view is not None else None
        elevated = view is not None and view.elevated
        self.query_one("#priority", Static).update(
            safe_text(assessment.priority_line(call, values, runtime.policies.priority, elevated=elevated))
        )
        questions = assessment.questions_for(values["category"], runtime.policies)
        text = Text()
        if questions is not None:
            text.append(f"Ask ({questions.label}):\n", style="bold")
            for question in questions.questions:
                text.append(f" • {question}\n")
        self.query_one(KnownFixes).show_questions(text)
        situations = assessment.situations(
            view, values, suggestions_found=self.flow.suggestions_found, now=runtime.clock.now(), policies=runtime.policies,
            zone=runtime.settings.zone(), calendar=runtime.calendar(),
        )
        shown = assessment.assessment_prompts(situations, runtime.policies)
        self.query_one(ComplaintPane).show(values, shown.complaint)
        self.query_one("#prompts", PromptPanel).show(shown.general)
        if self.form.reading_back:  # it follows the form: a correction is read back as it is typed
            self._show_read_back(assessment.read_back_of(view, values, runtime.policies))

    # --- saving as the analyst types ------------------------------------------------------------

    @on(Input.Changed)
    @on(Choice.Changed)
    @on(Checkbox.Changed)
    def _field_changed(self, event: Any) -> None:
        if self.form.call_id is None or self.flow.call_id != self.form.call_id:
            return  # filling from the record, not typing
        self._show_derived()
        self._offer_fields()
        if getattr(event.control, "id", None) in ("summary", "category"):
            self._schedule_suggestions()

    def _offer_fields(self) -> None:
        """Hand the assessment to the autosaver (saved at least once a second while typing)."""
        call_id = self.form.call_id
        if call_id is None:
            return
        values = self._form_values()

        def save(form: object) -> None:
            from deskcli.services.actions import assessment

            runtime = self.runtime
            assert runtime is not None
            assessment.save_assessment(runtime.store, runtime.actor(), call_id, form, policy=runtime.policies.priority)  # type: ignore[arg-type]

        self.desk.saver.offer((call_id, "assessment"), values, save)

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        call_id = self.form.call_id
        if call_id is None or self.flow.call_id != call_id:
            return
        text = event.text_area.text  # joins every line: read it once per key
        if text == self.form.notes_loaded:
            return  # the change event of load_text, not typing

        def save(value: object) -> None:
            from deskcli.services.actions import call

            runtime = self.runtime
            assert runtime is not None
            call.save_notes(runtime.store, runtime.actor(), call_id, str(value))

        # Constant time on the keystroke path: the autosaver thread does the rest.
        self.desk.saver.offer((call_id, "notes"), text, save)
        self.form.notes_typed = True
        event.text_area.border_title = "Notes - saving…"

    def save_state_changed(self, state: SaveState) -> None:
        super().save_state_changed(state)
        if state.call_id != self.form.call_id or not self.query("#notes"):
            return
        runtime = self.runtime
        if runtime is not None and self.form.notes_typed and "notes" not in state.what:
            local = runtime.clock.now().astimezone(runtime.settings.zone())
            self.query_one("#notes", TextArea).border_title = f"Notes - saved {local:%H:%M:%S}"
        if state.saved:
            self.flow.refresh()

    def notes_saved(self) -> None:
        """The notes are stored (kept for the benchmark's hook)."""

    # --- ctrl+s: the read-back, then on to resolve or escalate ---------------------------------

    def action_save_now(self) -> None:
        """Save every field; read the problem back (first press), record the caller's
        confirmation and go on to resolve or escalate (second press)."""
        from deskcli.services.actions import assessment

        call_id = self.flow.call_id
        runtime = self.runtime
        if call_id is None or runtime is None or self.form.confirming:
            return
        self._offer_fields()
        view = self.flow.view
        shown = assessment.read_back_of(view, self._form_values(), runtime.policies)
        if view is not None and view.read_back == shown.problem:
            self._hide_read_back()
            self.flow.go(Stage.RESOLVE)  # confirmed already, as it stands
            return
        if not self.form.reading_back:
            self.form.reading_back = True
            self._show_read_back(shown)
            self.app.notify("Read the problem back to the caller; ctrl+s again when they confirm.", timeout=6, key="read-back")
            return
        self.form.confirming = True
        self.desk.saver.flush()  # the save lands before the confirmation checks the record

        def job(runtime):
            assessment.confirm_read_back(runtime.store, runtime.actor(), call_id, shown)

        def confirmed(_result: object) -> None:
            self.form.confirming = False
            self._hide_read_back()
            self.app.notify("Problem read back and confirmed.", timeout=3, key="read-back")
            self.flow.go(Stage.RESOLVE)

        def refused(error: BaseException) -> None:
            self.form.confirming = False
            self.desk.report_error(error)

        self.flow.submit(job, confirmed, refused)

    def _show_read_back(self, shown: ReadBack) -> None:
        self.query_one(ReadBackPanel).show_line(shown.line)

    def _hide_read_back(self) -> None:
        self.form.reading_back = False
        self.query_one(ReadBackPanel).hide()

    # --- Enter: the next field that needs an answer --------------------------------------------

    def _answered(self, selector: str) -> bool:
        widget = self.query_one(selector)
        if isinstance(widget, Input):
            return bool(widget.value.strip())
        if isinstance(widget, Choice):
            return widget.value is not None
        return False

    def _next_unanswered(self, after: str | None) -> Widget:
        order = list(ANSWER_ORDER)
        start = order.index(after) + 1 if after in order else 0
        for selector in order[start:]:
            if selector == "#notes" or not self._answered(selector):
                return self.query_one(selector)
        return self.query_one("#notes")

    @on(Input.Submitted)
    @on(Choice.Submitted)
    def _enter(self, event: Any) -> None:
        control = getattr(event, "control", None)
        selector = f"#{control.id}" if control is not None and control.id else None
        if selector == "#complaint-steps":
            if not self.query_one(ComplaintPane).after_steps():
                self.query_one("#notes", TextArea).focus()
            return
        self._next_unanswered(selector).focus()

    @on(Choice.Changed, "#category, #urgency, #business")
    def _chosen(self, event: Choice.Changed) -> None:
        # A choice by its key is an answer: go on to the next field that needs one.
        if event.value is not None and self.form.call_id is not None:
            self._next_unanswered(f"#{event.choice.id}").focus()

    # --- knowledge suggestions ----------------------------------------------------------------

    def _schedule_suggestions(self) -> None:
        values = self._form_values()
        runtime = self.runtime
        category = runtime.policies.categories.get(values["category"] or "") if runtime else None
        words = " ".join(part for part in (values["summary"], category.label if category else "") if part)
        self.query_one(KnownFixes).look_up(words, bool(values["summary"]))

    @on(KnownFixes.Found)
    def _fixes_found(self) -> None:
        self._show_derived()

    def action_focus_notes(self) -> None:
        """Jump to the notes."""
        self.query_one("#notes", TextArea).focus()

    def action_focus_suggestions(self) -> None:
        """Jump to the known fixes."""
        self.query_one(KnownFixes).focus_list()

    def action_apologised(self) -> None:
        """Record that the caller was given an apology ("saying sorry is not agreeing")."""
        call_id = self._need_call()
        if call_id is None:
            return

        def job(runtime):
            from deskcli.services.actions import assessment

            assessment.record_apology(runtime.store, runtime.actor(), call_id)

        self.flow.submit(job, lambda _r: self.notify("Apology recorded.", timeout=3))

    def action_toggle_complaint(self) -> None:
        """Flag (or unflag) the call as a complaint; flagged, valid or not is asked at once."""
        self.query_one(ComplaintPane).toggle()
