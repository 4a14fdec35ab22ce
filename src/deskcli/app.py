"""The Textual app: the default screen, global keys, the command palette, messages, and
the helpers it owns (serial writer, autosaver, promise reminders).

Kept thin: opening lives in :mod:`deskcli.console.startup`, the call flow in
:mod:`deskcli.console.call_flow`, quitting safely in :mod:`deskcli.ui.quitting`, keys that
arrive inside pasted text in :mod:`deskcli.ui.keys`, reminders in
:mod:`deskcli.console.reminders`, the analyst's keys and theme in
:mod:`deskcli.console.preferences`, rules in :mod:`deskcli.services`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

from deskcli.config.launch import LaunchOptions
from deskcli.console.phone import PhoneLine
from deskcli.console.reminders import PromiseReminders
from deskcli.console.startup import RuntimeOpener, Startup
from deskcli.core.errors import DeskError
from deskcli.screens.home import HomeScreen
from deskcli.ui.keys import BURST, KeyFilter
from deskcli.ui.messages import NoticesChanged, PhoneRang, SaveStateChanged, WriteFinished
from deskcli.ui.notices import Notice, Notices
from deskcli.ui.quitting import Quitting

if TYPE_CHECKING:
    from deskcli.console.call_flow import CallFlow
    from deskcli.core.clock import Clock
    from deskcli.runtime import Runtime
    from deskcli.ui.autosave import EditSaver, SaveState
    from deskcli.ui.writer import SerialWriter


class DeskApp(App[None]):
    """deskcli: the live-call console."""

    TITLE = "deskcli"
    CSS_PATH = Path(__file__).parent / "deskcli.tcss"
    """Absolute, so subclasses elsewhere (tests, the benchmark) find it too."""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f1", "toggle_keys", "Keys", id="app.keys", tooltip="Every key of this screen (escape closes)"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Save what was typed, then quit"),
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
        self.notices = Notices()
        """The console's messages (shown on each screen's notice line)."""
        self.promises_due = 0
        """How many of the analyst's promises are due or overdue now."""
        self.quitting = Quitting(self)
        """Quitting (and the terminal closing) without losing a typed word."""
        self.startup = Startup(self, clock=clock, opener=opener)
        """Opening the data layer after the first frame, then the first call."""
        self.reminders = PromiseReminders(self)
        """Promises coming due, announced while the console runs."""
        self.phone = PhoneLine(self)
        """The phone system's events (and ``deskcli ring``) reaching this console."""
        self._flow: CallFlow | None = None
        self._writer: SerialWriter | None = None
        self._saver: EditSaver | None = None
        self._keys = KeyFilter()
        if self.options.is_demo:
            self.title = "deskcli DEMO"  # the header says so from the first frame

    @property
    def flow(self) -> CallFlow:
        """The call on screen (made on first use: its module and the enums load after the first frame)."""
        if self._flow is None:
            from deskcli.console.call_flow import CallFlow

            self._flow = CallFlow(self)
        return self._flow

    # --- start-up ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The queue is the bottom screen (no extra screen to push before the first frame)."""
        return HomeScreen()

    def on_mount(self) -> None:
        # Open the data layer only once the first frame is on screen: its imports hold
        # the interpreter lock and would otherwise delay that frame.
        self.call_after_refresh(self.startup.begin)
        self.quitting.watch_terminal()

    def show_opening(self, line: str) -> None:
        """What opening the database is waiting for (the queue's status line says it)."""
        from textual.widgets import Static

        for status in self.screen.query("#home-status"):
            if isinstance(status, Static):
                status.update(line)

    def console_started(self) -> None:
        """Hook: the runtime and the analyst are known and the screens told (trainer mode adds its own)."""

    def first_call(self) -> None:
        """Hook: the first call of the session (default: resume a live call or answer --caller-id)."""
        self.startup.resume_or_answer()

    # --- writes, typing, errors ---------------------------------------------------------

    @property
    def writer(self) -> SerialWriter:
        """Every database write of the console, in order, off the UI thread (made on first use)."""
        if self._writer is None:
            from deskcli.ui.writer import SerialWriter

            self._writer = SerialWriter(lambda callback, value: self.post_message(WriteFinished(callback, value)))
        return self._writer

    @property
    def saver(self) -> EditSaver:
        """Saves what is typed as it is typed (made on first use)."""
        if self._saver is None:
            from deskcli.ui.autosave import EditSaver

            self._saver = EditSaver(self.writer, on_state=lambda state: self.post_message(SaveStateChanged(state)))
        return self._saver

    def on_write_finished(self, message: WriteFinished) -> None:
        """Run a writer callback on the UI thread; its own errors are reported, not lost."""
        try:
            message.callback(message.value)
        except Exception as error:
            self.log.error("callback failed", callback=repr(message.callback), error=repr(error))
            self.report_error(error)

    def on_save_state_changed(self, message: SaveStateChanged) -> None:
        """A save went through, or did not: the header and the notice line say so."""
        state = message.state
        key = f"unsaved-{state.call_id}"
        if state.saved:
            self.notices.dismiss(key)
            self._notices_changed()
        elif state.error is not None:
            reference = self.flow.view.call.reference if self.flow.view and self.flow.view.call.id == state.call_id else f"call {state.call_id}"
            self.notify(
                f"{reference}: {', '.join(state.what)} not saved - {self.describe_error(state.error)} "
                "What you typed stays on screen and is saved when it can be.",
                title="Not saved", severity="error", markup=False, timeout=3600, key=key,
            )
        for screen in self.flow.stage_screens() if self._flow is not None else ():
            screen.save_state_changed(state)

    def save_state(self, call_id: int) -> SaveState | None:
        """How the typing of ``call_id`` stands (``None``: nothing unsaved)."""
        if self._saver is None:
            return None
        unsaved = {key: error for key, (_value, error) in self._saver.unsaved().items() if key[0] == call_id}
        if not unsaved:
            return None
        from deskcli.ui.autosave import SaveState

        errors = [error for error in unsaved.values() if error is not None]
        return SaveState(call_id, False, errors[-1] if errors else None, tuple(sorted(k[1] for k in unsaved)))

    def describe_error(self, error: BaseException) -> str:
        """A failed action in words."""
        if isinstance(error, DeskError):
            return str(error)
        from sqlalchemy.exc import DBAPIError

        if isinstance(error, DBAPIError) and self.runtime is not None:
            from deskcli.store.db import as_store_error

            return str(as_store_error(self.runtime.store.target, error))
        return f"{type(error).__name__}: {error}"

    def report_error(self, error: BaseException) -> None:
        """Show a failed action as one message per cause; nothing typed is lost."""
        from deskcli.core.errors import StoreError

        text = self.describe_error(error)
        if isinstance(error, StoreError) or (text != f"{type(error).__name__}: {error}" and not isinstance(error, DeskError)):
            cause = getattr(error, "cause", "") or type(error).__name__
            self.notify(text, title="Database", severity="error", markup=False, timeout=10, key=f"store:{cause}")
        elif isinstance(error, DeskError):
            self.notify(text, title="Not done", severity="warning", markup=False, timeout=8, key=f"refused:{text}")
        else:
            self.notify(text, title="Something went wrong", severity="error", markup=False, timeout=10, key=f"error:{text}")
            self.log.error("write failed", error=repr(error))

    # --- messages --------------------------------------------------------------------

    def notify(  # type: ignore[override]
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",
        timeout: float | None = None,
        markup: bool = True,
        key: str = "",
    ) -> None:
        """Show a message on the notice line (one per ``key``: a repeat replaces it)."""
        del markup  # messages are always shown as text
        self.notices.add(Notice(str(message), title, severity, timeout if timeout is not None else 5.0, key))
        self._notices_changed()

    def clear_notifications(self) -> None:
        """Forget the current messages."""
        self.notices.clear()
        self._notices_changed()

    def _notices_changed(self) -> None:
        self.tell_screen(NoticesChanged())
        expiry = self.notices.next_expiry()
        if expiry is not None:
            import time

            self.set_timer(max(0.05, expiry - time.monotonic() + 0.05), lambda: self.tell_screen(NoticesChanged()))

    def tell_screen(self, message: Message) -> None:
        """Post to the screen in view (none while the app starts or closes)."""
        try:
            screen = self.screen
        except ScreenStackError:
            return
        screen.post_message(message)

    # --- input --------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes, filtered: control characters inside pasted text are text, not keys."""
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = self._keys.clean_paste(event.text)
        elif isinstance(event, events.Key) and not event.is_forwarded:
            verdict = self._keys.arrived(event)
            if verdict == "drop":
                return
            if verdict == "defer":
                # Behind the keys already queued: if they are its burst, it was text.
                self.call_later(self._deferred_key, event, 0)
                return
        await super().on_event(event)

    async def _deferred_key(self, event: events.Key, rounds: int) -> None:
        if not self._keys.settled(event) and rounds < 2:
            import asyncio

            await asyncio.sleep(max(0.0, BURST - self._keys.waited(event)))
            self.call_later(self._deferred_key, event, rounds + 1)
            return
        if self._keys.release(event):
            await super().on_event(event)

    # --- quitting ----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Save what was typed, finish the writes, then quit (or say what it waits for)."""
        await self.quitting.quit()

    def on_unmount(self) -> None:
        # Also reached when the terminal goes away: keep what was typed.
        self.phone.close()
        self.quitting.close_helpers(self._saver, self._writer)

    def on_phone_rang(self, message: PhoneRang) -> None:
        """A call rang (or was answered, or ended) on the phone system."""
        self.phone.heard(message.event)

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

    def check_promises(self) -> None:
        """Look again for promises coming due (after one was settled or moved)."""
        self.reminders.check()

    # --- hooks for trainer mode (see deskcli.trainer) --------------------------------------

    def practice_panel(self) -> Widget | None:
        """A widget shown beside every stage of a call; trainer mode shows the practice caller."""
        return None

    def call_ended(self, call_id: int) -> None:
        """The analyst hung up on ``call_id`` (trainer mode scores the practice call)."""

    # --- keys and palette ----------------------------------------------------------------

    def action_toggle_keys(self) -> None:
        """Every key of the current screen, deskcli's own first (escape closes)."""
        from deskcli.screens.keys import KeysScreen

        if isinstance(self.screen, KeysScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(KeysScreen(self.screen))

    def action_messages(self) -> None:
        """The recent messages, newest first."""
        from deskcli.screens.keys import MessagesScreen

        self.push_screen(MessagesScreen(self.notices.all))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every deskcli key of the current screen is also a command in the palette (ctrl+p).

        deskcli's own bindings carry a stable ``id``; widget-internal keys (cursor
        movement and the like) have none and are left out.
        """
        yield from super().get_system_commands(screen)
        yield SystemCommand("Messages", "The recent messages, newest first", self.action_messages)
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
