"""Trainer mode (``deskcli train``): the normal console on the demo database, with a
practice caller beside the call, a clock the trainer moves, and a scorecard at the end.

The screens are the analyst's own; trainer mode only adds keys, the caller panel
and the practice's state. The caller's reactions come from the practice call's
events (polled twice a second, trainer mode only), so whatever the trainee does
on the real screens - a hold, a warning, a call-back - the caller answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.widget import Widget

from deskcli.app import DeskApp
from deskcli.config.launch import LaunchOptions
from deskcli.core.clock import ManualClock
from deskcli.core.errors import DeskError

if TYPE_CHECKING:
    from deskcli.services.training.practice import CallerScript
    from deskcli.services.training.scenarios import Scenario
    from deskcli.trainer.caller_panel import PanelState

POLL_SECONDS = 0.5
"""How often the practice call's new events are read for the caller's reactions."""


@dataclass
class Practice:
    """The practice call under way."""

    scenario: Scenario
    script: CallerScript
    started_at: datetime
    phone: str
    call_id: int | None = None
    """The call the trainee is working (the new record, or the caller's open call)."""
    scored: bool = False


class TrainerApp(DeskApp):
    """The console with a practice caller, a movable clock and a scorecard."""

    BINDINGS = [
        *DeskApp.BINDINGS,
        Binding("f10", "caller_next", "Caller: next line", id="trainer.next", priority=True,
                tooltip="The practice caller says the next line of the script"),
        Binding("ctrl+k", "move_clock", "Move clock", id="trainer.clock", priority=True,
                tooltip="Move the clock forward: +15 min, +1 h, next morning, or a typed time"),
        Binding("f12", "score", "Score call", id="trainer.score", priority=True,
                tooltip="End the practice: the scorecard of this call"),
        Binding("f11", "toggle_presenter", "Presenter", id="trainer.presenter", priority=True,
                tooltip="The layout for projecting: big clock, stage list, next keys (at 80 columns: open or fold the caller panel)"),
    ]

    def __init__(self, options: LaunchOptions, *, presenter: bool = False, clock: ManualClock | None = None, **kwargs) -> None:
        # A running manual clock: real time passes, and the trainer can jump it forward.
        self.clock = clock or ManualClock(datetime.now(UTC), running=True)
        super().__init__(options, clock=self.clock, **kwargs)
        self.presenter = presenter
        self.practice: Practice | None = None

    def get_system_commands(self, screen):
        """The palette also offers a new practice caller (no key: it must not be hit by accident)."""
        from textual.app import SystemCommand

        yield from super().get_system_commands(screen)
        yield SystemCommand("New practice caller", "Choose a scenario and ring", self.action_practice)

    # --- start-up --------------------------------------------------------------------

    def console_started(self) -> None:
        """The practice caller's reactions are polled from now on."""
        self.set_interval(POLL_SECONDS, self._poll_practice)

    def first_call(self) -> None:
        """A practice starts fresh: the scenario asked for rings (or one is picked); an
        unfinished practice is not resumed (its caller is retired)."""
        if self.options.scenario:
            self.start_practice(self.options.scenario)
        else:
            self.action_practice()

    def action_practice(self) -> None:
        """Choose a practice caller."""
        self._pick_scenario()

    @work(thread=True, exclusive=True, group="practice", exit_on_error=False)
    def _pick_scenario(self) -> None:
        from deskcli.services.training.scenarios import load_scenarios

        runtime = self.runtime
        assert runtime is not None
        try:
            scenarios = load_scenarios(runtime.settings.scenario_dir)
        except DeskError as error:
            self.call_from_thread(self.report_error, error)
            return
        rows = [(s.key, s.title, s.summary, s.expected.outcome) for s in scenarios]
        self.call_from_thread(self._show_picker, rows)

    def _show_picker(self, rows: list[tuple[str, str, str, str]]) -> None:
        from deskcli.trainer.practice_picker import PracticePicker

        self.push_screen(PracticePicker(rows), lambda key: self.start_practice(key) if key else None)

    @work(thread=True, exclusive=True, group="practice", exit_on_error=False)
    def start_practice(self, key: str) -> None:
        """Set the clock and the caller's history up for scenario ``key``, then ring."""
        from deskcli.services.actions import practice
        from deskcli.services.training.practice import CallerScript, practice_start
        from deskcli.services.training.scenarios import get_scenario

        runtime = self.runtime
        assert runtime is not None
        try:
            scenario = get_scenario(key, runtime.settings.scenario_dir)
            self.clock.set(practice_start(self.clock.now(), scenario.call_time, runtime.calendar()))
            caller = practice.prepare(
                runtime.store, runtime.actor(), scenario, policies=runtime.policies,
                region=runtime.settings.phone_region, prefix=runtime.settings.reference_prefix,
            )
        except DeskError as error:
            self.call_from_thread(self.report_error, error)
            return
        self.call_from_thread(self._ring, Practice(scenario, CallerScript(scenario), self.clock.now(), caller.phone))

    def _ring(self, practice: Practice) -> None:
        self.practice = practice
        self.flow.leave()
        self.flow.start_new_call(practice.phone)
        self.notify(
            f"{practice.scenario.persona.name} is calling. F10: the caller's next line · "
            "ctrl+k: move the clock · F12: score the call.",
            title="Practice call", markup=False, timeout=8,
        )

    # --- the caller panel and reactions --------------------------------------------------

    def practice_panel(self) -> Widget | None:
        """Every stage screen shows the practice caller."""
        from deskcli.trainer.caller_panel import CallerPanel

        return CallerPanel(self.panel_state, id="caller-panel")

    def panel_state(self) -> PanelState | None:
        """What the caller panel draws now."""
        from deskcli.trainer.caller_panel import PanelState

        if self.practice is None or self.runtime is None:
            return None
        return PanelState(self.practice.script, self.clock.now(), self.runtime.settings.zone(), self.flow.stage, self.presenter)

    def _redraw_panel(self) -> None:
        from deskcli.trainer.caller_panel import CallerPanel

        for panel in self.screen.query(CallerPanel):
            panel.update_panel()

    def _poll_practice(self) -> None:
        practice = self.practice
        if practice is None or practice.scored:
            return
        if self.flow.call_id is not None:
            practice.call_id = self.flow.call_id
        if practice.call_id is not None:
            self._read_new_events(practice.call_id, practice.script.seen_event_id)

    @work(thread=True, exclusive=True, group="practice-events", exit_on_error=False)
    def _read_new_events(self, call_id: int, after: int) -> None:
        from deskcli.services.actions import practice

        runtime = self.runtime
        assert runtime is not None
        events = practice.new_events(runtime.store, call_id, after)
        if events:
            self.call_from_thread(self._react, events)

    def _react(self, events: list[tuple[int, str, dict]]) -> None:
        practice = self.practice
        if practice is None:
            return
        lines = practice.script.react(events)
        for line in lines:
            self.notify(f'"{line.text}"', title=practice.scenario.persona.name, markup=False, timeout=6)
        if lines:
            self._redraw_panel()

    def action_caller_next(self) -> None:
        """The caller says the next line of the script."""
        if self.practice is None:
            self.notify("No practice call: ctrl+p → New practice.", severity="warning")
            return
        line = self.practice.script.advance()
        if line is None:
            self.notify("The caller has said all their lines.", timeout=3)
        self._redraw_panel()

    def action_toggle_presenter(self) -> None:
        """Switch the presenter layout (for projecting) on or off."""
        self.presenter = not self.presenter
        self._redraw_panel()

    # --- the clock -------------------------------------------------------------------

    def action_move_clock(self) -> None:
        """Move the trainer's clock forward."""
        if self.runtime is None:
            return
        from deskcli.trainer.clock_screen import ClockScreen

        self.push_screen(ClockScreen(), self._clock_moved)

    def _clock_moved(self, to: datetime | None) -> None:
        if to is None:
            return
        self.move_clock_to(to)

    def move_clock_to(self, to: datetime) -> None:
        """Jump the clock; promise reminders, hold warnings and SLA clocks follow at once."""
        runtime = self.runtime
        assert runtime is not None
        self.clock.set(to)
        local = to.astimezone(runtime.settings.zone())
        self.notify(f"Clock moved to {local:%a %d %b %H:%M}.", title="Trainer", markup=False, timeout=4)
        self.check_promises()
        if self.flow.call_id is not None:
            self.flow.refresh()
        from deskcli.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.action_refresh()
        self._redraw_panel()

    # --- the scorecard ---------------------------------------------------------------

    def call_ended(self, call_id: int) -> None:
        """Hanging up on the practice call ends the practice: score it."""
        if self.practice is not None and not self.practice.scored and self.practice.call_id in (call_id, None):
            self.practice.call_id = call_id
            self.action_score()

    def action_score(self) -> None:
        """Score the practice call against the scenario."""
        practice = self.practice
        if practice is None:
            self.notify("No practice call to score.", severity="warning")
            return
        call_id = self.flow.call_id or practice.call_id
        if call_id is None:
            self.notify("Nothing to score yet: identify the caller first.", severity="warning")
            return
        practice.call_id = call_id
        self.saver.flush()
        self._score(practice, call_id)

    @work(thread=True, exclusive=True, group="practice", exit_on_error=False)
    def _score(self, practice: Practice, call_id: int) -> None:
        from deskcli.services.actions import practice as practice_actions

        runtime = self.runtime
        assert runtime is not None
        # Wait for the writes queued before the key (the notes, the last save).
        self.writer.submit(lambda: None).result(10)
        card = practice_actions.score(
            runtime.store, call_id, practice.scenario, policies=runtime.policies, zone=runtime.settings.zone(),
            since=practice.started_at, trainee=runtime.analyst.name if runtime.analyst else "",
            analyst_id=runtime.analyst.id if runtime.analyst else None, scored_at=runtime.clock.now(),
        )
        practice.scored = True
        self.call_from_thread(self._show_scorecard, card)

    def _show_scorecard(self, card: object) -> None:
        from deskcli.trainer.scorecard_screen import ScorecardScreen

        self.push_screen(ScorecardScreen(card))
