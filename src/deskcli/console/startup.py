"""Opening the console: the data layer after the first frame, the analyst's profile,
then the first call (a call left in conversation, or the caller the phone system named).

The first frame is drawn before the data layer is imported: settings, the database
and the policies are opened in a thread worker, then every screen is told the
runtime is ready. Every failure while opening ends in a message and exit status 2,
never a console stuck on "Opening the database…".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from deskcli.config.launch import AnalystFields
from deskcli.core.errors import DeskError
from deskcli.ui.messages import RuntimeReady

if TYPE_CHECKING:
    from deskcli.app import DeskApp
    from deskcli.config.settings import Settings
    from deskcli.core.clock import Clock
    from deskcli.runtime import Runtime
    from deskcli.services.rules.policy import Policies

RuntimeOpener = Callable[[], "Runtime"]

GLANCE_NOTICE = "caller-glance"
"""The notice naming a ``--caller-id`` caller while the database opens."""


class Startup:
    """The app's way in."""

    def __init__(self, app: DeskApp, *, clock: Clock | None, opener: RuntimeOpener | None) -> None:
        self.app = app
        self._clock = clock
        self._opener = opener

    def begin(self) -> None:
        """Open the data layer (call once the first frame is on screen)."""
        self.app.run_worker(self._open, thread=True, group="startup", name="open runtime", exit_on_error=False)

    def _open(self) -> None:
        app = self.app
        try:
            if self._opener is not None:
                runtime = self._opener()
            else:
                from deskcli.runtime import open_runtime

                glance = self._glance if app.options.caller_id else None
                runtime = open_runtime(app.options, self._clock, progress=self._waiting, glance=glance)
        except DeskError as error:
            app.call_from_thread(self._failed, error)
            return
        except Exception as error:
            app.call_from_thread(self._failed, DeskError(f"deskcli could not start: {type(error).__name__}: {error}"))
            return
        app.call_from_thread(self._opened, runtime)

    def _glance(self, settings: Settings, policies: Policies) -> None:
        """``--caller-id``: the caller's name and the greeting on screen before the database is open (worker thread)."""
        from deskcli.core.clock import SystemClock
        from deskcli.services.actions.ringing import first_glance

        number = self.app.options.caller_id
        assert number is not None
        line = first_glance(settings, policies, number, now=(self._clock or SystemClock()).now())
        if line is not None:
            self.app.call_from_thread(_notify, self.app, line, title="Incoming call", timeout=30, key=GLANCE_NOTICE)

    def _waiting(self, seconds_left: float) -> None:
        """Another program holds the database: say so, with the seconds left (worker thread)."""
        self.app.call_from_thread(
            self.app.show_opening,
            f"Opening the database… another program holds it: waiting up to {max(0, round(seconds_left))} s more.",
        )

    def _failed(self, error: DeskError) -> None:
        self.app.startup_error = error
        self.app.exit(return_code=2)

    def _opened(self, runtime: Runtime) -> None:
        app = self.app
        app.runtime = runtime
        app.sub_title = ("DEMO database " if app.options.is_demo else "") + runtime.store.target.describe()
        from deskcli.console.preferences import apply_preferences

        apply_preferences(app, runtime)
        for note in runtime.notes:
            app.notify(note, title="Database", markup=False, timeout=10)
        if runtime.analyst is None:
            from deskcli.screens.profile import ProfileScreen

            app.push_screen(ProfileScreen(), self._profile_given)
        else:
            self._start_console()

    def _profile_given(self, fields: AnalystFields | None) -> None:
        if fields is not None:
            self.app.run_worker(lambda: self._save_profile(fields), thread=True, group="startup", exit_on_error=False)

    def _save_profile(self, fields: AnalystFields) -> None:
        from deskcli.config.settings import AnalystProfile

        app = self.app
        runtime = app.runtime
        assert runtime is not None
        try:
            profile = AnalystProfile(
                name=fields.name, department=fields.department, organisation=fields.organisation, email=fields.email
            )
            runtime.set_profile(profile)
        except (DeskError, ValueError) as error:
            app.call_from_thread(app.notify, f"Profile not saved: {error}", severity="error", markup=False)
            app.call_from_thread(self._opened, runtime)
            return
        app.call_from_thread(app.notify, f"Profile saved in {runtime.config_path}", markup=False)
        app.call_from_thread(self._start_console)

    def _start_console(self) -> None:
        """The runtime and the analyst are known: tell the screens, then the first call."""
        app = self.app
        for screen in app.screen_stack:
            screen.post_message(RuntimeReady())
        runtime = app.runtime
        assert runtime is not None
        app.reminders.start(runtime)
        app.phone.start(runtime)
        if runtime.settings.smtp is not None:
            app.retry_outbox(quiet=True)
        app.console_started()
        app.first_call()
        # The stage screens' modules loaded while nobody waits, so the first ring of the
        # session does not pay for them (about 40 ms; a new call after a ring is timed).
        app.set_timer(1.0, app.flow.install)

    def resume_or_answer(self) -> None:
        """Answer --caller-id, or go back to a call still in conversation (e.g. after a crash)."""
        self.app.run_worker(self._resume_or_answer, thread=True, group="startup", name="find live call", exit_on_error=False)

    def _resume_or_answer(self) -> None:
        # A new caller wins: a call left live stays in the queue, marked LIVE, and is said so.
        from deskcli.services.actions import call

        app = self.app
        runtime = app.runtime
        assert runtime is not None and runtime.analyst is not None
        live = call.live_call(runtime.store, runtime.analyst.id)
        if app.options.caller_id:
            app.call_from_thread(app.notices.dismiss, GLANCE_NOTICE)  # the greeting screen says it all now
            app.call_from_thread(app.flow.start_new_call, app.options.caller_id)
            if live is not None:
                app.call_from_thread(
                    _notify, app,
                    f"{live.reference} was left in conversation: it is in your queue, marked live (ctrl+b, then Enter on it).",
                    title="A call was left live", timeout=12, key="left-live",
                )
        elif live is not None:
            assert live.id is not None
            app.call_from_thread(app.flow.open_call, live.id)
            app.call_from_thread(
                _notify, app, f"Back to {live.reference}, still in conversation: notes as last saved.", title="Resumed", timeout=8
            )


def _notify(app: Any, message: str, **options: Any) -> None:
    app.notify(message, markup=False, **options)
