"""What the screens need from the console, defined below them.

Screens reach the app through this protocol, never through ``DeskApp`` itself: the
app imports the screens, so the screens importing the app ran an import in a circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from textual.widget import Widget

    from deskcli.config.launch import LaunchOptions
    from deskcli.console.call_flow import CallFlow
    from deskcli.runtime import Runtime
    from deskcli.ui.autosave import EditSaver, SaveState
    from deskcli.ui.notices import Notices
    from deskcli.ui.writer import SerialWriter


class Console(Protocol):
    """The running console, as a screen sees it."""

    options: LaunchOptions
    runtime: Runtime | None
    promises_due: int
    notices: Notices

    @property
    def flow(self) -> CallFlow:
        """The call on screen."""
        ...

    @property
    def writer(self) -> SerialWriter:
        """The serial writer every write goes through."""
        ...

    @property
    def saver(self) -> EditSaver:
        """Saves what is typed, as it is typed."""
        ...

    def notify(
        self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None,
        markup: bool = True, key: str = "",
    ) -> None:
        """Show a message on the notice line (one per ``key``)."""
        ...

    def describe_error(self, error: BaseException) -> str:
        """A failed action in words."""
        ...

    def save_state(self, call_id: int) -> SaveState | None:
        """How the typing of a call stands (``None``: nothing unsaved)."""
        ...

    def report_error(self, error: BaseException) -> None:
        """Show a failed action as a message (nothing typed is lost)."""
        ...

    def check_promises(self) -> None:
        """Look again for promises coming due."""
        ...

    def practice_panel(self) -> Widget | None:
        """A widget shown beside every stage (trainer mode: the practice caller)."""
        ...

    def call_ended(self, call_id: int) -> None:
        """The analyst hung up on ``call_id``."""
        ...
