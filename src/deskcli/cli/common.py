"""What every command shares: how a user-facing error is printed, and the exit status."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

from deskcli.core.errors import DeskError

EXIT_ERROR = 2
"""Exit status for errors the user can act on (bad settings, unusable files)."""


def fail(error: DeskError) -> NoReturn:
    """Print a user-facing error and exit with status 2."""
    import click

    click.echo(f"deskcli: error: {error.message}", err=True)
    if error.hint:
        click.echo(error.hint, err=True)
    sys.exit(EXIT_ERROR)


def unexpected(exc: BaseException) -> DeskError:
    """An exception deskcli did not expect, as one message; the traceback goes to a file.

    The file (``last-error.txt`` in the cache folder, readable only by the user) is
    named in the hint, so a support person can ask for it; the terminal never shows
    a traceback.
    """
    import traceback

    detail = "".join(traceback.format_exception(exc))
    hint = "deskcli did not expect this; please report it with this message."
    try:
        from deskcli.config import paths

        folder = paths.cache_dir()
        paths.make_private_dir(folder)
        log = folder / "last-error.txt"
        paths.write_private_text(log, detail)
        hint = f"deskcli did not expect this; please report it with this message and the file {log}."
    except Exception:
        pass
    text = str(exc).strip() or "(no message)"
    return DeskError(f"unexpected {type(exc).__name__}: {text}", hint)


def run_guarded(command: Callable[[], object]) -> None:
    """Run a whole command: a DeskError becomes its message, anything else :func:`unexpected`; exit 2."""
    try:
        command()
    except DeskError as error:
        fail(error)
    except Exception as exc:
        fail(unexpected(exc))
