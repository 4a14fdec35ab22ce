"""Running the console from a command (the plain start, ``demo`` and ``train``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskcli.cli.common import fail

if TYPE_CHECKING:
    from deskcli.app import DeskApp
    from deskcli.config.launch import LaunchOptions


def run_console(options: LaunchOptions, app: DeskApp | None = None) -> int:
    """Start the console (or ``app``, e.g. trainer mode) and return its exit status."""
    if app is None:
        from dataclasses import replace

        from deskcli.app import DeskApp

        app = DeskApp(replace(options, console=True))
    app.run()
    if app.startup_error is not None:
        fail(app.startup_error)
    return app.return_code or 0
