"""What every deskcli screen shares: the console it runs in, the notice line, and one
place for worker errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from deskcli.core.errors import DeskError
from deskcli.ui.messages import NoticesChanged, RuntimeReady
from deskcli.widgets.notice_line import NoticeLine

if TYPE_CHECKING:
    from deskcli.runtime import Runtime
    from deskcli.ui.protocol import Console

__all__ = ["DeskScreen", "RuntimeReady"]


class DeskScreen(Screen[None]):
    """A screen that loads its data in thread workers once the runtime is ready."""

    _styled_for_css: int | None = None
    """The app's CSS generation this screen's widgets were last styled for."""

    @property
    def desk(self) -> Console:
        """The console this screen runs in."""
        return cast("Console", self.app)

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
        self.show_notices()

    def on_mount(self) -> None:
        # The data layer may already be open (a screen pushed later): start loading now.
        if self.runtime is not None:
            self.runtime_ready()

    def on_runtime_ready(self, _message: RuntimeReady) -> None:
        self.runtime_ready()

    def runtime_ready(self) -> None:
        """Override: start the workers that load this screen's data."""

    def on_notices_changed(self, _message: NoticesChanged) -> None:
        self.show_notices()

    def show_notices(self) -> None:
        """The newest current message on this screen's notice line."""
        lines = self.query(NoticeLine)
        if not lines:
            return
        current = self.desk.notices.current()
        line = lines.first()
        if not current:
            line.clear()
            return
        newest = current[-1]
        line.show(newest.severity, newest.title, newest.message, len(current) - 1)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Turn a failed worker into a message the analyst can act on."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DeskError):
            self.desk.report_error(error)
        else:
            self.notify(
                f"{type(error).__name__}: {error}. Nothing typed was lost; try again.",
                title="Something went wrong",
                severity="error",
                markup=False,
                timeout=10,
            )
            self.log.error("worker failed", worker=event.worker.name, error=repr(error))
