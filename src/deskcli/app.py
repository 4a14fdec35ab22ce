"""The Textual app: screens, global keys, command palette. Kept thin.

The first frame is drawn before the data layer is imported: settings, the database
(SQLAlchemy, maybe Alembic) and the policies are opened by :meth:`DeskApp._open`
in a thread worker, then every screen is told the runtime is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from deskcli.errors import DeskError
from deskcli.launch import AnalystFields, LaunchOptions
from deskcli.screens.base import RuntimeReady
from deskcli.screens.home import HomeScreen

if TYPE_CHECKING:
    from deskcli.clock import Clock
    from deskcli.runtime import Runtime

    RuntimeOpener = Callable[[], Runtime]


class DeskApp(App[None]):
    """deskcli: the live-call console."""

    TITLE = "deskcli"
    CSS_PATH = "deskcli.tcss"
    ENABLE_COMMAND_PALETTE = True
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
        self._clock = clock
        self._opener = opener

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        self._open()

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
        self.sub_title = runtime.store.target.describe()
        for note in runtime.notes:
            self.notify(note, title="Database", markup=False, timeout=10)
        if runtime.analyst is None:
            from deskcli.screens.profile import ProfileScreen

            self.push_screen(ProfileScreen(), self._profile_given)
        else:
            self._announce_ready()

    def _profile_given(self, fields: AnalystFields | None) -> None:
        if fields is not None:
            self._save_profile(fields)

    @work(thread=True, exit_on_error=False, group="startup", name="save profile")
    def _save_profile(self, fields: AnalystFields) -> None:
        from deskcli.settings import AnalystProfile

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
        self.call_from_thread(self._announce_ready)

    def _announce_ready(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(RuntimeReady())

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
