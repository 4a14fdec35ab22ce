"""The call on screen, and moving between its five stage screens.

The stage screens are installed once and switched between (a freshly built screen
costs ~70 ms to its first frame, an installed one ~16 ms). Each new call bumps
:attr:`CallFlow.generation`; every stage screen then builds its form afresh (new
widgets, new per-call state), so nothing typed, chosen or highlighted on one call
can show on the next. Forms used on the call that ended are rebuilt at once, while
the analyst is between calls, so the next call finds them ready.

Every write goes through the app's serial writer, as one use case of
:mod:`deskcli.services.actions`; reads run in thread workers.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskcli.core.enums import Stage
from deskcli.core.errors import DeskError

if TYPE_CHECKING:
    from textual.app import App

    from deskcli.runtime import Runtime
    from deskcli.services.lifecycle.callview import CallView
    from deskcli.ui.protocol import Console

STAGE_SCREENS: dict[Stage, str] = {
    Stage.GREETING: "greeting",
    Stage.ASSESSMENT: "assessment",
    Stage.RESOLVE: "resolve",
    Stage.CLOSE: "close",
    Stage.FOLLOW_UP: "follow_up",
}

Job = Callable[["Runtime"], Any]
"""A use case to run on the writer thread, given the open runtime."""


class CallFlow:
    """State of the call being handled, shared by the stage screens."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.call_id: int | None = None
        """The call record, once the caller is identified."""
        self.view: CallView | None = None
        """The latest read of the call."""
        self.drafts: dict[str, str] = {}
        """The analyst's unsaved drafts on this call, as found when it was opened."""
        self.stage: Stage = Stage.GREETING
        self.answered_at: datetime | None = None
        """When the analyst answered, or opened the call (the header's timer starts here)."""
        self.timer_label = "call"
        """``call`` while talking to the caller, ``open`` for a call opened from the queue."""
        self.hung_up_at: datetime | None = None
        """When the caller rang off before their call record existed (the timer stops there)."""
        self.caller_id: str | None = None
        """The number the phone system gave, until the greeting has looked it up."""
        self.came_in_on = ""
        """The number the phone system gave for this call, kept for the whole call (a call-back rings it)."""
        self.ring_lookup: Future[Any] | None = None
        """Who :attr:`caller_id` is (a :class:`~deskcli.services.actions.greeting.RingIn`), read
        as soon as the ring was heard; the greeting's lookup takes it instead of querying."""
        self.channel: str = "phone"
        """How the call came in (phone, email, face_to_face, chat, fax); phone unless the analyst said otherwise."""
        self.article_id: int | None = None
        """A knowledge article the analyst opened and used during this call."""
        self.suggestions_found: bool | None = None
        """Whether knowledge suggestions matched the summary (for the no-solution trigger)."""
        self.generation = 0
        """Changes with every new call so screens know to build their forms afresh."""
        self._view_seq = 0
        self._installed = False

    @property
    def console(self) -> Console:
        """The app, as the screens see it."""
        return self.app  # type: ignore[return-value]

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

    def stage_screens(self) -> list[Any]:
        """The installed stage screens (empty before the first call)."""
        if not self._installed:
            return []
        return [self.app.get_screen(name) for name in STAGE_SCREENS.values()]

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

    def start_new_call(self, caller_id: str | None = None, channel: str = "phone") -> None:
        """The phone rang (or a customer wrote, chatted, came to the desk): a fresh greeting screen, timer running."""
        runtime = self.console.runtime
        if runtime is None or runtime.analyst is None:
            self.console.notify("deskcli is still opening the database; try again in a moment.", severity="warning")
            return
        self.install()
        self._reset()
        self.caller_id = caller_id
        self.came_in_on = caller_id or ""
        if caller_id:
            self.ring_lookup = self._look_up_ringing(runtime, caller_id)
        self.channel = channel
        self.answered_at = runtime.clock.now()
        self.timer_label = "call"
        self._show(Stage.GREETING)

    def _look_up_ringing(self, runtime: Runtime, number: str) -> Future[Any]:
        """Start reading who ``number`` is, in a thread, while the greeting screen is shown."""
        from deskcli.services.actions import greeting

        result: Future[Any] = Future()
        now = runtime.clock.now()

        def read() -> None:
            try:
                result.set_result(greeting.ring_in(runtime.store, number, region=runtime.settings.phone_region, now=now))
            except BaseException as error:  # the greeting's own lookup runs instead
                result.set_exception(error)

        self.app.run_worker(read, thread=True, group="ring-lookup", exit_on_error=False)
        return result

    def take_ring_lookup(self, query: str) -> Future[Any] | None:
        """The ring's read if ``query`` is the ringing number (once: a retyped lookup queries)."""
        lookup, self.ring_lookup = self.ring_lookup, None
        if lookup is None or query != self.caller_id:
            return None
        return lookup

    def open_call(self, call_id: int, stage: Stage | None = None, *, resume_talk: bool = False) -> None:
        """Open an existing call at ``stage`` (default: the stage it was left at)."""
        self.install()
        self._reset()
        self.call_id = call_id
        generation = self.generation

        def job(runtime: Runtime) -> Any:
            from deskcli.services.actions import call

            return call.open_call(runtime.store, runtime.actor(), call_id, resume_talk=resume_talk)

        def opened(result: Any) -> None:
            if generation != self.generation:
                return  # another call was opened or answered meanwhile
            runtime = self.console.runtime
            self.view, self.drafts = result.view, result.drafts
            self.channel = result.view.call.channel
            if result.view.call.talk_ended_at is None:
                # Still in conversation (resumed after a crash, or a progress call).
                self.answered_at, self.timer_label = result.view.call.opened_at, "call"
            else:
                # Opened from the queue: the timer counts this look at it, from now.
                self.answered_at, self.timer_label = (runtime.clock.now() if runtime else None), "open"
            self._show(stage or Stage(result.view.call.stage))

        self.submit(job, opened)

    def _reset(self) -> None:
        self.generation += 1
        self.call_id = None
        self.view = None
        self.drafts = {}
        self.article_id = None
        self.suggestions_found = None
        self.caller_id = None
        self.ring_lookup = None
        self.came_in_on = ""
        self.channel = "phone"
        self.hung_up_at = None
        for screen in self.stage_screens():
            screen.renew_form_soon()

    # --- reading and writing ----------------------------------------------------

    def submit(self, job: Job, on_done: Callable[[Any], None] | None = None, on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run ``job(runtime)`` on the serial writer; errors become messages (or go to ``on_error``)."""
        runtime = self.console.runtime
        if runtime is None:
            return
        self.console.writer.submit(lambda: job(runtime), on_done, on_error or self.console.report_error)

    write = submit
    """The older name (the trainer's hooks use it)."""

    def set_call(self, call_id: int) -> None:
        """The call record now exists (the caller was identified)."""
        self.call_id = call_id
        if self.hung_up_at is not None:
            self._end_talk(call_id)  # they had already rung off: the record says so
        else:
            self.refresh()

    def caller_hung_up(self) -> None:
        """The phone system says the caller rang off: the timer stops and the talk time is
        recorded; the analyst stays where they are (their typing is not cut short)."""
        runtime = self.console.runtime
        self.console.notify("The caller hung up.", title="Phone", timeout=6, key="caller-hung-up")
        if self.call_id is None:
            self.hung_up_at = runtime.clock.now() if runtime else None
            from deskcli.screens.stage import StageScreen

            if isinstance(self.app.screen, StageScreen):
                self.app.screen.sync()
            return
        self._end_talk(self.call_id)

    def _end_talk(self, call_id: int) -> None:
        def job(runtime: Runtime) -> None:
            from deskcli.services.actions import call

            call.end_talk(runtime.store, runtime.actor(), call_id)

        self.submit(job, lambda _result: self.refresh())

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Reload the call view and update the visible screen."""
        runtime = self.console.runtime
        if self.call_id is None or runtime is None:
            return
        self._view_seq += 1
        seq, call_id, generation = self._view_seq, self.call_id, self.generation

        def load() -> None:
            from deskcli.services.actions import call

            view = call.load_view(runtime.store, call_id)
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
            self.console.notify("Identify the caller first: the call record starts at the greeting.", severity="warning")
            return
        previous = self.stage
        # What was typed goes to the writer first, so the move sees it (no false "skipped").
        self.console.saver.flush()
        self._show(stage)
        if self.call_id is None or previous == stage:
            return
        call_id = self.call_id

        def job(runtime: Runtime) -> list[str]:
            from deskcli.services.actions import call

            return call.move_to_stage(runtime.store, runtime.actor(), call_id, leaving=previous, going_to=stage)

        def moved(skipped: list[str]) -> None:
            if skipped:
                self.console.notify("Skipped: " + "; ".join(skipped) + " (recorded).", markup=False, timeout=4, key="skipped")
            self.refresh()

        self.submit(job, moved)

    def leave(self) -> None:
        """Back to the queue; the call stays as it is."""
        from deskcli.screens.stage import StageScreen

        while isinstance(self.app.screen, StageScreen) or len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def hang_up(self) -> None:
        """The conversation is over: record it, back to the queue. Typed words are saved first."""
        if self.call_id is None:
            self._reset()
            self.leave()
            return
        call_id = self.call_id
        self.console.saver.flush()  # queued before the hang-up: nothing waits on the screen

        def job(runtime: Runtime) -> None:
            from deskcli.services.actions import call

            call.end_talk(runtime.store, runtime.actor(), call_id)

        def ended(_result: object) -> None:
            if self.call_id == call_id:
                self._reset()
                self.leave()
            self.console.notify("Call ended. It stays in your queue until it is closed.", timeout=4)
            self.console.call_ended(call_id)

        self.submit(job, ended)

    def describe_error(self, error: BaseException) -> str:
        """A message for the analyst."""
        return str(error) if isinstance(error, DeskError) else f"{type(error).__name__}: {error}"
