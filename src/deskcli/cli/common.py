"""What every command shares: how a user-facing error is printed, and the exit status."""

from __future__ import annotations

import sys

from deskcli.core.errors import DeskError

EXIT_ERROR = 2
"""Exit status for errors the user can act on (bad settings, unusable files)."""


def fail(error: DeskError) -> None:
    """Print a user-facing error and exit with status 2."""
    import click

    click.echo(f"deskcli: error: {error.message}", err=True)
    if error.hint:
        click.echo(error.hint, err=True)
    sys.exit(EXIT_ERROR)
