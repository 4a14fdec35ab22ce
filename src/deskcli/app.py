"""The Textual app: screens, global keys, command palette, and the background helpers
(serial writer, notes autosaver, promise reminders). Kept thin: the call flow lives
in :mod:`deskcli.ui.call_flow`, rules in :mod:`deskcli.services`.

The first frame is drawn before the data layer is imported: settings, the database
and the policies are opened by :meth:`DeskApp._open` in a thread worker, then every
screen is told the runtime is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from deskcli.core.errors import DeskError
from deskcli.config.launch import AnalystFields, LaunchOptions
from deskcli.screens.base import RuntimeReady
from deskcli.screens.home import HomeScreen

if TYPE_CHECKING:
    from deskcli.ui.autosave import NotesAutosaver
    from deskcli.core.clock import Clock
    from deskcli.runtime import Runtime
    from deskcli.ui.call_flow import CallFlow
    from deskcli.services.desk.queue import PromiseRow
    from deskcli.ui.writer import SerialWriter

    RuntimeOpener = Callable[[], Runtime]


class DeskApp(App[None]):
    """deskcli: the live-call console."""

    TITLE = "deskcli"
    CSS_PATH = Path(__file__).parent / "deskcli.tcss"
    """Absolute, so subclasses elsewhere (tests, the benchmark) find it too."""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f1", "toggle_keys", "Keys", id="app.keys", tooltip="Show or hide the keys of this screen"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(
        self,
        options: LaunchOptions | None = None,
        *,
        clock: Clock | None = None,
        opener: RuntimeOpener | None = None,
    ) -> None:
        super().__init__()
        self.options = options or LaunchOptions()
        """What the command line asked for."""
        self.runtime: Runtime | None = None
        """Settings, database, policies and clock; ``None`` until opened."""
        self.startup_error: DeskError | None = None
        """Why the app could not start, printed by the CLI after the screen is restored."""
        self._flow: CallFlow | None = None
        self._writer: SerialWriter | None = None
        self._autosaver: NotesAutosaver | None = None
        self.promises_due = 0
        """How many of the analyst's promises are due or overdue now."""
        self._announced: set[tuple[int, str]] = set()
        self._clock = clock
        self._opener = opener
        if self.options.is_demo:
            self.title = "deskcli DEMO"  # the header says so from the first frame

    @property
    def flow(self) -> CallFlow:
        """The call on screen (made on first use: its module and the enums load after the first frame)."""
        if self._flow is None:
            from deskcli.ui.call_flow import CallFlow

            self._flow = CallFlow(self)
        return self._flow

    # --- start-up ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The queue is the bottom screen (no extra screen to push before the first frame)."""
        return HomeScreen()

    def on_mount(self) -> None:
        # Open the data layer only once the first frame is on screen: its imports hold
        # the interpreter lock and would otherwise delay that frame.
        self.call_after_refresh(self._open)

    @work(thread=True, exit_on_error=False, group="startup", name="open runtime")
    def _open(self) -> None:
        """Open settings, policies and the database off the event loop."""
        try:
            if self._opener is not None:
                runtime = self._opener()
            else:
                from deskcli.runtime import open_runtime

                runtime = open_runtime(self.options, self._clock)
        except DeskError as error:
            self.call_from_thread(self._startup_failed, error)
            return
        self.call_from_thread(self._runtime_opened, runtime)

    def _startup_failed(self, error: DeskError) -> None:
        self.startup_error = error
        self.exit(return_code=2)

    def _runtime_opened(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.sub_title = ("DEMO database " if self.options.is_demo else "") + runtime.store.target.describe()
        for note in runtime.notes:
            self.notify(note, title="Database", markup=False, timeout=10)
        if runtime.analyst is None:
            from deskcli.screens.profile import ProfileScreen

            self.push_screen(ProfileScreen(), self._profile_given)
        else:
            self._start_console()

    def _profile_given(self, fields: AnalystFields | None) -> None:
        if fields is not None:
            self._save_profile(fields)

    @work(thread=True, exit_on_error=False, group="startup", name="save profile")
    def _save_profile(self, fields: AnalystFields) -> None:
        from deskcli.config.settings import AnalystProfile

        runtime = self.runtime
        assert runtime is not None
        try:
            profile = AnalystProfile(
                name=fields.name, department=fields.department, organisation=fields.organisation, email=fields.email
            )
            runtime.set_profile(profile)
        except (DeskError, ValueError) as error:
            self.call_from_thread(self.notify, f"Profile not saved: {error}", severity="error", markup=False)
            self.call_from_thread(self._runtime_opened, runtime)
            return
        self.call_from_thread(self.notify, f"Profile saved in {runtime.config_path}", markup=False)
        self.call_from_thread(self._start_console)

    def _start_console(self) -> None:
        """The runtime and the analyst are known: tell the screens, resume or start a call."""
        for screen in self.screen_stack:
            screen.post_message(RuntimeReady())
        runtime = self.runtime
        assert runtime is not None
        self.set_interval(runtime.policies.call_handling.reminders.check_every_seconds, self.check_promises)
        self.check_promises()
        self._resume_or_answer()
        if runtime.settings.smtp is not None:
            self.retry_outbox(quiet=True)

    @work(thread=True, exit_on_error=False, group="startup", name="find live call")
    def _resume_or_answer(self) -> None:
        """Back to a call still in conversation (e.g. after a crash), or answer --caller-id."""
        from deskcli.services.lifecycle import calls

        runtime = self.runtime
        assert runtime is not None and runtime.analyst is not None
        with runtime.store.read() as session:
            live = calls.live_call_of(session, runtime.analyst.id)
        if live is not None:
            message = f"Back to {live.reference}, still in conversation: notes as last saved."
            self.call_from_thread(self.flow.open_call, live.id)
            self.call_from_thread(self.notify, message, title="Resumed", markup=False, timeout=8)
        elif self.options.caller_id:
            self.call_from_thread(self.flow.start_new_call, self.options.caller_id)

    # --- writes, notes, errors ----------------------------------------------------------

    @property
    def writer(self) -> SerialWriter:
        """Every database write of the console, in order, off the UI thread (made on first use)."""
        if self._writer is None:
            from deskcli.ui.writer import SerialWriter

            self._writer = SerialWriter(self._deliver)
        return self._writer

    @property
    def autosaver(self) -> NotesAutosaver:
        """Saves notes as they are typed (made on first use)."""
        if self._autosaver is None:
            from deskcli.ui.autosave import NotesAutosaver

            self._autosaver = NotesAutosaver(
                self.writer, self._save_notes, on_saved=self._notes_saved, on_error=self.report_error
            )
        return self._autosaver

    def _deliver(self, callback: Callable[..., object], value: object) -> None:
        """Run a writer callback on the UI thread; its own errors are reported, not lost."""
        self.call_from_thread(self._run_callback, callback, value)

    def _run_callback(self, callback: Callable[..., object], value: object) -> None:
        try:
            callback(value)
        except Exception as error:  # noqa: BLE001 - shown to the analyst and logged
            self.log.error("callback failed", callback=repr(callback), error=repr(error))
            self.report_error(error)

    def _save_notes(self, call_id: int, text: str) -> None:
        """Runs on the writer thread (see :class:`NotesAutosaver`)."""
        from deskcli.services.lifecycle import calls

        runtime = self.runtime
        assert runtime is not None
        with runtime.store.write() as session:
            calls.save_notes(session, call_id, text, runtime.actor())

    def _notes_saved(self, call_id: int) -> None:
        screen = self.screen
        if call_id == self.flow.call_id and hasattr(screen, "notes_saved"):
            screen.notes_saved()

    def report_error(self, error: BaseException) -> None:
        """Show a failed write as a message; nothing typed is lost."""
        if isinstance(error, DeskError):
            self.notify(str(error), title="Not done", severity="warning", markup=False, timeout=8)
        else:
            from sqlalchemy.exc import DBAPIError

            if isinstance(error, DBAPIError) and self.runtime is not None:
                from deskcli.store.db import as_store_error

                error = as_store_error(self.runtime.store.target, error)
                self.notify(str(error), title="Database", severity="error", markup=False, timeout=10)
                return
            self.notify(f"{type(error).__name__}: {error}", title="Something went wrong", severity="error", markup=False, timeout=10)
            self.log.error("write failed", error=repr(error))

    async def action_quit(self) -> None:
        """Save the notes, finish pending writes, then quit."""
        self._close_writers()
        self.exit()

    def on_unmount(self) -> None:
        # Also reached when the terminal goes away: keep what was typed.
        self._close_writers()

    def _close_writers(self) -> None:
        if self._autosaver is not None:
            self._autosaver.close(timeout=3)
        if self._writer is not None:
            self._writer.close(wait=True)

    @work(thread=True, exclusive=True, group="outbox", exit_on_error=False)
    def retry_outbox(self, quiet: bool = False) -> None:
        """Send the e-mails waiting in the outbox (acknowledgements are recorded as they go)."""
        from deskcli.services.lifecycle import acknowledgements

        runtime = self.runtime
        if runtime is None:
            return
        if runtime.settings.smtp is None:
            if not quiet:
                self.call_from_thread(
                    self.notify, f"No mail server is set: the e-mails stay in {runtime.settings.outbox()}.",
                    severity="warning", markup=False,
                )
            return
        results = acknowledgements.retry_pending(runtime.store, runtime.settings, runtime.actor())
        sent = sum(1 for result in results if result.delivery.sent)
        failed = [result for result in results if not result.delivery.sent]
        if results or not quiet:
            message = f"Outbox: {sent} sent, {len(failed)} still waiting." + (f" {failed[0].delivery.error}" if failed else "")
            self.call_from_thread(self.notify, message, severity="warning" if failed else "information", markup=False)

    # --- promises coming due -------------------------------------------------------------

    def check_promises(self) -> None:
        """Look for promises due soon (runs on a timer while deskcli is open)."""
        if self.runtime is not None and self.runtime.analyst is not None:
            self._check_promises()

    @work(thread=True, exclusive=True, group="reminders", exit_on_error=False)
    def _check_promises(self) -> None:
        from deskcli.services.desk import queue

        runtime = self.runtime
        assert runtime is not None and runtime.analyst is not None
        now = runtime.clock.now()
        ahead = timedelta(minutes=runtime.policies.call_handling.reminders.notify_ahead_minutes)
        with runtime.store.read() as session:
            rows = queue.promises_due(session, runtime.analyst.id, now=now, until=now + ahead, limit=200)
            due = queue.count_promises_due(session, runtime.analyst.id, until=now)
        self.call_from_thread(self._announce, rows, now, ahead, due)

    def _announce(self, rows: list[PromiseRow], now, ahead: timedelta, due: int) -> None:  # noqa: ANN001
        from deskcli.services.desk import reminders

        runtime = self.runtime
        assert runtime is not None
        found = reminders.reminders(rows, now, ahead, self._announced)
        for notice in reminders.notices(found, due, runtime.settings.zone(), now):
            self.notify(notice.message, title=notice.title, severity=notice.severity, markup=False, timeout=notice.timeout)
        self.promises_due = due
        header = self.screen.query("#call-header")
        if header:
            header.first().set_promises_due(self.promises_due)  # type: ignore[attr-defined]

    # --- hooks for trainer mode (see deskcli.trainer.app) --------------------------------------

    def practice_panel(self) -> Widget | None:
        """A widget shown beside every stage of a call; trainer mode shows the practice caller."""
        return None

    def call_ended(self, call_id: int) -> None:
        """The analyst hung up on ``call_id`` (trainer mode scores the practice call)."""

    # --- keys and palette ----------------------------------------------------------------

    def action_toggle_keys(self) -> None:
        """Show or hide the keys of the current screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every deskcli key of the current screen is also a command in the palette (ctrl+p).

        deskcli's own bindings carry a stable ``id``; widget-internal keys (cursor
        movement and the like) have none and are left out.
        """
        yield from super().get_system_commands(screen)
        seen = {"quit", "command_palette"}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.id is None or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                f"{binding.description} ({key})",
                binding.tooltip or binding.description,
                partial(self.run_action, binding.action, active.node),
            )
