"""What every deskcli screen shares: access to the runtime and one place for worker errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from deskcli.core.errors import DeskError

if TYPE_CHECKING:
    from deskcli.app import DeskApp
    from deskcli.runtime import Runtime


class RuntimeReady(Message):
    """Posted to each screen once settings and the database are open."""


class DeskScreen(Screen[None]):
    """A screen that loads its data in thread workers once the runtime is ready."""

    _styled_for_css: int | None = None
    """The app's CSS generation this screen's widgets were last styled for."""

    @property
    def desk(self) -> DeskApp:
        """The app, typed."""
        return cast("DeskApp", self.app)

    @property
    def runtime(self) -> Runtime | None:
        """Settings, database, policies and clock, or ``None`` while still opening."""
        return self.desk.runtime

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual re-applies the whole stylesheet to every widget of a screen it switches
        # to (15-25 ms on a stage screen: most of a stage switch), in case the theme
        # changed while the screen was hidden. The app counts such changes: restyle only
        # when there was one. Runs before Screen's own handler (dispatch follows the MRO).
        # A private counter of Textual's: without it (a future Textual), always restyle.
        generation = getattr(self.app, "_css_update_count", None)
        if generation is not None and self._styled_for_css == generation:
            event.refresh_styles = False
        self._styled_for_css = generation

    def on_mount(self) -> None:
        # The data layer may already be open (a screen pushed later): start loading now.
        if self.runtime is not None:
            self.runtime_ready()

    def on_runtime_ready(self, _message: RuntimeReady) -> None:
        self.runtime_ready()

    def runtime_ready(self) -> None:
        """Override: start the workers that load this screen's data."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Turn a failed worker into a message the analyst can act on."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DeskError):
            self.notify(str(error), title="Not done", severity="warning", markup=False, timeout=8)
        else:
            self.notify(
                f"{type(error).__name__}: {error}. Nothing typed was lost; try again.",
                title="Something went wrong",
                severity="error",
                markup=False,
                timeout=10,
            )
            self.log.error("worker failed", worker=event.worker.name, error=repr(error))
