"""The call on screen, and moving between its five stage screens.

The stage screens are installed once and switched between (a freshly built screen
costs ~70 ms to its first frame, an installed one ~16 ms). Each new call bumps
:attr:`CallFlow.generation`, which tells every stage screen to clear its fields.
Writes go through the app's serial writer; reads run in thread workers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskcli.core.errors import DeskError
from deskcli.core.enums import Stage

if TYPE_CHECKING:
    from deskcli.app import DeskApp
    from deskcli.services.lifecycle.callview import CallView

STAGE_SCREENS: dict[Stage, str] = {
    Stage.GREETING: "greeting",
    Stage.ASSESSMENT: "assessment",
    Stage.RESOLVE: "resolve",
    Stage.CLOSE: "close",
    Stage.FOLLOW_UP: "follow_up",
}


class CallFlow:
    """State of the call being handled, shared by the stage screens."""

    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.call_id: int | None = None
        """The call record, once the caller is identified."""
        self.view: CallView | None = None
        """The latest read of the call."""
        self.stage: Stage = Stage.GREETING
        self.answered_at: datetime | None = None
        """When the analyst answered (the call timer starts here)."""
        self.caller_id: str | None = None
        """The number the phone system gave, if any."""
        self.article_id: int | None = None
        """A knowledge article the analyst opened and used during this call."""
        self.suggestions_found: bool | None = None
        """Whether knowledge suggestions matched the summary (for the no-solution trigger)."""
        self.generation = 0
        """Changes with every new call so screens know to clear their fields."""
        self._view_seq = 0
        self._installed = False

    # --- screens ---------------------------------------------------------------

    def install(self) -> None:
        """Install the five stage screens (once)."""
        if self._installed:
            return
        from deskcli.screens.assessment import AssessmentScreen
        from deskcli.screens.close import CloseScreen
        from deskcli.screens.followup import FollowUpScreen
        from deskcli.screens.greeting import GreetingScreen
        from deskcli.screens.resolve import ResolveScreen

        for name, screen in (
            ("greeting", GreetingScreen()),
            ("assessment", AssessmentScreen()),
            ("resolve", ResolveScreen()),
            ("close", CloseScreen()),
            ("follow_up", FollowUpScreen()),
        ):
            self.app.install_screen(screen, name)
        self._installed = True

    def _show(self, stage: Stage) -> None:
        from deskcli.screens.stage import StageScreen

        self.stage = stage
        name = STAGE_SCREENS[stage]
        if isinstance(self.app.screen, StageScreen):
            if self.app.screen is not self.app.get_screen(name):
                self.app.switch_screen(name)
            else:
                self.app.screen.sync()
        else:
            self.app.push_screen(name)

    # --- starting and opening calls ---------------------------------------------

    def start_new_call(self, caller_id: str | None = None) -> None:
        """The phone rang: a fresh greeting screen, timer running."""
        runtime = self.app.runtime
        if runtime is None or runtime.analyst is None:
            self.app.notify("deskcli is still opening the database; try again in a moment.", severity="warning")
            return
        self.install()
        self._reset()
        self.caller_id = caller_id
        self.answered_at = runtime.clock.now()
        self._show(Stage.GREETING)

    def open_call(self, call_id: int, stage: Stage | None = None, *, resume_talk: bool = False) -> None:
        """Open an existing call at ``stage`` (default: the stage it was left at)."""
        self.install()
        self._reset()
        self.call_id = call_id

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls, callview

            if resume_talk:
                with runtime.store.write() as session:
                    calls.resume_talk(session, call_id, runtime.actor())
            with runtime.store.read() as session:
                return callview.load(session, call_id)

        def opened(view: CallView) -> None:
            self.view = view
            self.answered_at = view.call.opened_at
            self._show(stage or Stage(view.call.stage))

        self.write(job, opened)

    def _reset(self) -> None:
        self.generation += 1
        self.call_id = None
        self.view = None
        self.article_id = None
        self.suggestions_found = None
        self.caller_id = None

    # --- reading and writing ----------------------------------------------------

    def write(self, job: Callable[[Any], Any], on_done: Callable[[Any], None] | None = None) -> None:
        """Run ``job(runtime)`` on the serial writer; errors become notifications."""
        runtime = self.app.runtime
        if runtime is None:
            return
        self.app.writer.submit(lambda: job(runtime), on_done, self.app.report_error)

    def set_call(self, call_id: int) -> None:
        """The call record now exists (the caller was identified)."""
        self.call_id = call_id
        self.refresh()

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Reload the call view and update the visible screen."""
        if self.call_id is None or self.app.runtime is None:
            return
        self._view_seq += 1
        seq, call_id, generation = self._view_seq, self.call_id, self.generation
        runtime = self.app.runtime

        def load() -> None:
            from deskcli.services.lifecycle import callview

            with runtime.store.read() as session:
                view = callview.load(session, call_id)
            self.app.call_from_thread(self._apply_view, seq, generation, view, then)

        self.app.run_worker(load, thread=True, group="call-view", exit_on_error=False)

    def _apply_view(self, seq: int, generation: int, view: CallView, then: Callable[[], None] | None) -> None:
        if seq != self._view_seq or generation != self.generation:
            return  # a newer read, or another call, has taken over
        self.view = view
        from deskcli.screens.stage import StageScreen

        if isinstance(self.app.screen, StageScreen):
            self.app.screen.sync()
        if then is not None:
            then()

    # --- moving between stages ----------------------------------------------------

    def go(self, stage: Stage) -> None:
        """Move to ``stage``; steps skipped on the way are recorded."""
        if stage != Stage.GREETING and stage != Stage.FOLLOW_UP and self.call_id is None:
            self.app.notify("Identify the caller first: the call record starts at the greeting.", severity="warning")
            return
        previous = self.stage
        self._show(stage)
        if self.call_id is None or previous == stage:
            return
        call_id = self.call_id

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls, callview, script

            with runtime.store.read() as session:
                view = callview.load(session, call_id)
            skipped = script.skipped_steps(view, previous, stage)
            with runtime.store.write() as session:
                calls.move_to_stage(session, call_id, stage, runtime.actor(), skipped=skipped)
            return skipped

        def moved(skipped: list[str]) -> None:
            if skipped:
                self.app.notify("Skipped: " + "; ".join(skipped) + " (recorded).", markup=False, timeout=4)
            self.refresh()

        self.write(job, moved)

    def leave(self) -> None:
        """Back to the queue; the call stays as it is."""
        from deskcli.screens.stage import StageScreen

        while isinstance(self.app.screen, StageScreen) or len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        home = self.app.screen
        if hasattr(home, "action_refresh"):
            home.action_refresh()

    def hang_up(self) -> None:
        """The conversation is over: record it, save the notes, back to the queue."""
        if self.call_id is None:
            self._reset()
            self.leave()
            return
        call_id = self.call_id
        self.app.autosaver.flush()

        def job(runtime):  # noqa: ANN001, ANN202
            from deskcli.services.lifecycle import calls

            with runtime.store.write() as session:
                calls.end_talk(session, call_id, runtime.actor())

        def ended(_result: object) -> None:
            self._reset()
            self.leave()
            self.app.notify("Call ended. It stays in your queue until it is closed.", timeout=4)
            self.app.call_ended(call_id)

        self.write(job, ended)

    def describe_error(self, error: BaseException) -> str:
        """A message for the analyst."""
        return str(error) if isinstance(error, DeskError) else f"{type(error).__name__}: {error}"
