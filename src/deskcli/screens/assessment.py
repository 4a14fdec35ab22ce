"""Stage 2, assessment: listen, question, empathise.

The problem summary, free notes (saved as they are typed), the category and its
questions, impact and urgency with the priority they give (and why), knowledge
suggestions that follow the summary, the complaint flag with the steps agreed,
and the seeds' prompts where they apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from deskcli.core.enums import BusinessImpact, Stage, Urgency
from deskcli.screens.stage import CALL_KEYS, StageScreen
from deskcli.widgets.prompts import PromptPanel
from deskcli.widgets.safe import safe_text, visible

if TYPE_CHECKING:
    from deskcli.models import KnowledgeArticle
    from deskcli.services.lifecycle.callview import CallView

SAVE_DELAY = 0.4
"""Seconds of quiet before changed fields are saved."""
SUGGEST_DELAY = 0.15
"""Seconds of quiet before knowledge suggestions are looked up."""


PRIORITY_INPUTS = frozenset(
    {"urgency", "business_impact", "people_affected", "departments_affected", "executive_affected", "security_concern"}
)
"""The fields the priority is derived from."""


class AssessmentScreen(StageScreen):
    """Assessment of the caller's problem."""

    STAGE = Stage.ASSESSMENT

    BINDINGS = [
        Binding("ctrl+t", "toggle_complaint", "Complaint", id="assessment.complaint", priority=True, tooltip="Log this call as a complaint"),
        Binding("ctrl+y", "apologised", "Said sorry", id="assessment.apologised", priority=True,
                tooltip="You apologised and empathised (a complaint): recorded on the call"),
        Binding("ctrl+n", "focus_notes", "Notes", id="assessment.notes", priority=True),
        Binding("ctrl+f", "focus_suggestions", "Known fixes", id="assessment.suggestions", priority=True),
        Binding("ctrl+s", "save_now", "Save", id="assessment.save", priority=True),
        *CALL_KEYS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self._loading = False
        self._save_timer: Timer | None = None
        self._suggest_timer: Timer | None = None
        self._saved: dict[str, Any] = {}
        self._suggestions: list[KnowledgeArticle] = []
        self._call_id: int | None = None
        self._notes_loaded = ""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="assessment-body"):
            with Horizontal(classes="field"):
                yield Label("Summary", classes="field-label")
                yield Input(placeholder="the problem in one line, in the caller's words", id="summary", compact=True)
            with Horizontal(classes="field-row"):
                yield Select([], prompt="Category", id="category", compact=True)
                yield Select([(u.value.title(), u.value) for u in Urgency], prompt="Urgency", id="urgency", compact=True)
                yield Select([(b.value.title(), b.value) for b in BusinessImpact], prompt="Business impact", id="business", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("People affected", classes="short-label")
                yield Input(type="integer", id="people", compact=True, placeholder="?", classes="number")
                yield Label("Departments", classes="short-label")
                yield Input(type="integer", id="departments", compact=True, placeholder="?", classes="number")
                yield Checkbox("Executive affected", id="executive", compact=True)
                yield Checkbox("Security", id="security", compact=True)
            yield Static("", id="priority", markup=False)
            with Horizontal(id="assessment-main"):
                with Vertical(id="notes-pane"):
                    yield TextArea(id="notes", soft_wrap=True, compact=True)
                with Vertical(id="side-pane"):
                    yield Static("Known fixes (enter to open)", classes="section-title")
                    yield OptionList(id="suggestions")
                    yield Static("", id="questions")
            with Horizontal(classes="field-row"):
                yield Checkbox("Complaint", id="complaint", compact=True)
                yield Checkbox("Valid (we let them down)", id="complaint-valid", compact=True)
            with Horizontal(classes="field hidden", id="steps-row"):
                yield Label("Steps agreed", classes="field-label")
                yield Input(id="complaint-steps", compact=True, placeholder="what you will do, as agreed with the customer")
            yield PromptPanel(id="prompts")

    # --- filling the form ---------------------------------------------------------------

    def runtime_ready(self) -> None:
        runtime = self.runtime
        assert runtime is not None
        options = [(category.label, category.key) for category in runtime.policies.categories.categories]
        self.query_one("#category", Select).set_options(options)

    def on_mount(self) -> None:
        self.query_one("#notes", TextArea).border_title = "Notes - saved as you type"

    def reset_for_new_call(self) -> None:
        self._loading = True
        try:
            self._call_id = None
            self._saved = {}
            self._suggestions = []
            self.query_one("#summary", Input).value = ""
            for select_id in ("#category", "#urgency", "#business"):
                self.query_one(select_id, Select).clear()
            for input_id in ("#people", "#departments", "#complaint-steps"):
                self.query_one(input_id, Input).value = ""
            for box in ("#executive", "#security", "#complaint", "#complaint-valid"):
                self.query_one(box, Checkbox).value = False
            self._notes_loaded = ""
            self.query_one("#notes", TextArea).load_text("")
            self.query_one("#suggestions", OptionList).clear_options()
            self.query_one("#questions", Static).update("")
        finally:
            self._loading = False

    def load_call(self, view: CallView | None) -> None:
        if view is None:
            return
        call = view.call
        if self._call_id != call.id:
            # First time this call is shown here: fill every field from the record.
            self._call_id = call.id
            self._loading = True
            try:
                self.query_one("#summary", Input).value = call.summary
                self._set_select("#category", call.category)
                self._set_select("#urgency", call.urgency)
                self._set_select("#business", call.business_impact)
                self.query_one("#people", Input).value = "" if call.people_affected is None else str(call.people_affected)
                self.query_one("#departments", Input).value = "" if call.departments_affected is None else str(call.departments_affected)
                self.query_one("#executive", Checkbox).value = call.executive_affected
                self.query_one("#security", Checkbox).value = call.security_concern
                self.query_one("#complaint", Checkbox).value = call.is_complaint
                self.query_one("#complaint-valid", Checkbox).value = bool(call.complaint_valid)
                self.query_one("#complaint-steps", Input).value = call.complaint_steps
                self._notes_loaded = call.notes
                self.query_one("#notes", TextArea).load_text(call.notes)
                self._saved = self._form_values()
            finally:
                self._loading = False
            self._schedule_suggestions()
            self.query_one("#summary", Input).focus()
        self._show_derived(view)

    def _set_select(self, selector: str, value: str | None) -> None:
        select = self.query_one(selector, Select)
        if value is None:
            select.clear()
        else:
            try:
                select.value = value
            except Exception:  # noqa: BLE001 - a value the office's policy no longer has
                select.clear()

    def _form_values(self) -> dict[str, Any]:
        """The assessment as the form shows it, in the services' field names."""

        def number(selector: str) -> int | None:
            text = self.query_one(selector, Input).value.strip()
            return int(text) if text.isdigit() else None

        def choice(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else str(value)

        complaint = self.query_one("#complaint", Checkbox).value
        return {
            "summary": self.query_one("#summary", Input).value.strip()[:500],
            "category": choice("#category"),
            "urgency": choice("#urgency"),
            "business_impact": choice("#business"),
            "people_affected": number("#people"),
            "departments_affected": number("#departments"),
            "executive_affected": self.query_one("#executive", Checkbox).value,
            "security_concern": self.query_one("#security", Checkbox).value,
            "is_complaint": complaint,
            "complaint_valid": self.query_one("#complaint-valid", Checkbox).value if complaint else None,
            "complaint_steps": self.query_one("#complaint-steps", Input).value.strip(),
        }

    # --- derived displays: priority, questions, prompts ---------------------------------------

    def _derived_priority(self, values: dict[str, Any]):  # noqa: ANN202
        from deskcli.models import CallImpact
        from deskcli.services.rules import priority

        runtime = self.runtime
        assert runtime is not None
        impact = CallImpact(
            people_affected=values["people_affected"],
            departments_affected=values["departments_affected"],
            business_impact=values["business_impact"],
            executive_affected=values["executive_affected"],
            security_concern=values["security_concern"],
        )
        return priority.derive(impact, values["urgency"], runtime.policies.priority)

    def _show_derived(self, view: CallView | None = None) -> None:
        runtime = self.runtime
        if runtime is None:
            return
        values = self._form_values()
        derived = self._derived_priority(values)
        view = view or self.flow.view
        untouched = not any(self._saved.get(key, object()) != values[key] for key in PRIORITY_INPUTS)
        if view is not None and view.call.priority is not None and untouched and view.call.priority != derived.priority:
            # The record's priority stands until what it is derived from is changed here.
            shown = f"Priority {view.call.priority} on record: {view.call.priority_reason or 'set earlier'}"
        else:
            shown = f"{derived.label}: {derived.reason}"
        self.query_one("#priority", Static).update(safe_text(shown))
        category = runtime.policies.categories.get(values["category"] or "")
        questions = Text()
        if category is not None:
            questions.append(f"Ask ({category.label}):\n", style="bold")
            for question in category.questions:
                questions.append(f" • {question}\n")
        self.query_one("#questions", Static).update(questions)
        self.query_one("#steps-row").set_class(not values["is_complaint"], "hidden")
        self.query_one("#complaint-valid").set_class(not values["is_complaint"], "hidden")
        self._show_prompts(values, view or self.flow.view)

    def _show_prompts(self, values: dict[str, Any], view: CallView | None) -> None:
        from deskcli.services.rules import prompts, triggers

        runtime = self.runtime
        assert runtime is not None
        situations = {"customer_identified"} if view is not None else set()
        if values["is_complaint"]:
            situations.add("complaint")
            if values["complaint_valid"] is True:
                situations.add("complaint_valid")
        if self.flow.suggestions_found is False and values["summary"]:
            situations.add("no_solution")
        if view is not None:
            facts = view.facts(now=runtime.clock.now(), suggestions_found=self.flow.suggestions_found)
            if any(result.holds for result in triggers.evaluate(facts, runtime.policies.escalation)):
                situations.add("escalate_suggested")
        self.query_one(PromptPanel).show(prompts.applicable(runtime.policies.prompts, situations))

    # --- saving as the analyst types ------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _field_changed(self, event) -> None:  # noqa: ANN001
        if self._loading or self.flow.call_id is None:
            return
        self._show_derived()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_fields)
        if getattr(event.control, "id", None) in ("summary", "category"):
            self._schedule_suggestions()

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        if self._loading or self.flow.call_id is None:
            return
        text = event.text_area.text  # joins every line: read it once per key
        if text == self._notes_loaded:
            return  # the change event of load_text, not typing
        # Constant time on the keystroke path: the autosaver thread does the rest.
        self.desk.autosaver.offer(self.flow.call_id, text)
        self.query_one("#notes", TextArea).border_title = "Notes - saving…"

    def notes_saved(self) -> None:
        """Called by the app when the autosaver has stored the notes."""
        runtime = self.runtime
        if runtime is None:
            return
        local = runtime.clock.now().astimezone(runtime.settings.zone())
        self.query_one("#notes", TextArea).border_title = f"Notes - saved {local:%H:%M:%S}"

    def action_save_now(self) -> None:
        """Save every field and the notes now."""
        if self.flow.call_id is None:
            return
        self.desk.autosaver.offer(self.flow.call_id, self.query_one("#notes", TextArea).text)
        self.desk.autosaver.flush(timeout=0.5)
        self._save_fields()

    def _save_fields(self) -> None:
        call_id = self.flow.call_id
        if call_id is None:
            return
        values = self._form_values()
        changes = {key: value for key, value in values.items() if self._saved.get(key, object()) != value}
        if not changes:
            return
        # The priority is derived again only when what it is derived from changed: a
        # priority already on record (set earlier, or by another analyst) is not
        # overwritten because the summary or the complaint flag was edited.
        view = self.flow.view
        if changes.keys() & PRIORITY_INPUTS or view is None or view.call.priority is None:
            derived = self._derived_priority(values)
            changes["priority"] = derived.priority
            changes["priority_reason"] = derived.reason
        self._saved = {**self._saved, **changes}

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                calls.update_assessment(session, call_id, runtime.actor(), **changes)

        self.flow.write(job, lambda _r: self.flow.refresh())

    # --- knowledge suggestions ----------------------------------------------------------------

    def _schedule_suggestions(self) -> None:
        if self._suggest_timer is not None:
            self._suggest_timer.stop()
        self._suggest_timer = self.set_timer(SUGGEST_DELAY, self._start_suggest)

    def _start_suggest(self) -> None:
        values = self._form_values()
        runtime = self.runtime
        category = runtime.policies.categories.get(values["category"] or "") if runtime else None
        words = " ".join(part for part in (values["summary"], category.label if category else "") if part)
        self._suggest(words, bool(values["summary"]))

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _suggest(self, words: str, has_summary: bool) -> None:
        from deskcli.services.lifecycle import knowledge

        runtime = self.runtime
        assert runtime is not None
        with runtime.store.read() as session:
            found = knowledge.suggest(session, words) if words.strip() else []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_suggestions, found, has_summary)

    def _show_suggestions(self, found: list[KnowledgeArticle], has_summary: bool) -> None:
        self._suggestions = found
        self.flow.suggestions_found = bool(found) if has_summary else None
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        used = self.flow.article_id
        for article in found:
            label = Text(("✓ " if article.id == used else "") + visible(article.title))
            options.add_option(Option(label, id=str(article.id)))
        if found:
            options.highlighted = 0
        elif has_summary:
            options.add_option(Option(Text("No known fix matches: consider escalating.", style="italic"), disabled=True))
        self._show_derived()

    def action_focus_notes(self) -> None:
        """Jump to the notes."""
        self.query_one("#notes", TextArea).focus()

    def action_focus_suggestions(self) -> None:
        """Jump to the known fixes."""
        self.query_one("#suggestions", OptionList).focus()

    @on(OptionList.OptionSelected, "#suggestions")
    def _open_article(self, event: OptionList.OptionSelected) -> None:
        article = next((a for a in self._suggestions if str(a.id) == event.option.id), None)
        if article is None:
            return
        from deskcli.screens.article import ArticleScreen

        self.app.push_screen(ArticleScreen(article), lambda use: self._article_closed(article.id, use))

    def _article_closed(self, article_id: int, use: bool | None) -> None:
        call_id = self.flow.call_id
        if not use or call_id is None:
            return

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import knowledge

            with runtime.store.write() as session:
                knowledge.record_use(session, call_id, article_id, runtime.actor())

        self.flow.article_id = article_id
        self.flow.write(job, lambda _r: (self.notify("Article noted: it will be linked when you resolve (F4).", timeout=4), self._start_suggest()))

    def action_apologised(self) -> None:
        """Record that the caller was given an apology ("saying sorry is not agreeing")."""
        call_id = self._need_call()
        if call_id is None:
            return

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                calls.record_apology(session, call_id, runtime.actor())

        self.flow.write(job, lambda _r: self.notify("Apology recorded.", timeout=3))

    def action_toggle_complaint(self) -> None:
        """Flag (or unflag) the call as a complaint."""
        box = self.query_one("#complaint", Checkbox)
        box.value = not box.value
        if box.value:
            self.query_one("#complaint-steps", Input).focus()
