"""A base for deskcli's dialogs: escape cancels, and they reach the runtime."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.binding import Binding
from textual.screen import ModalScreen

if TYPE_CHECKING:
    from deskcli.runtime import Runtime
    from deskcli.services.timekeeping.timeparse import ParsedTime
    from deskcli.ui.protocol import Console

R = TypeVar("R")


class Dialog(ModalScreen[R]):
    """A modal dialog; ``escape`` dismisses it with :attr:`CANCEL`."""

    CANCEL: Any = None
    CSS_PATH = Path(__file__).parent / "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    @property
    def desk(self) -> Console:
        """The console this dialog runs in."""
        return cast("Console", self.app)

    @property
    def runtime(self) -> Runtime:
        """The open runtime (dialogs only open once it exists)."""
        runtime = self.desk.runtime
        assert runtime is not None
        return runtime

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(self.CANCEL)

    def parse_time(self, text: str) -> ParsedTime:
        """Read a typed time in the office zone, now."""
        from deskcli.services.timekeeping.timeparse import parse_when

        runtime = self.runtime
        return parse_when(text, runtime.clock.now(), runtime.settings.zone())
