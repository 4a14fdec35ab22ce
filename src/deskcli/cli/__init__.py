"""The ``deskcli`` command.

``deskcli`` starts the console. Before the first frame only Textual is imported:
the plain start (``deskcli [--db PATH] [--config PATH] [--caller-id NUMBER]``)
is read by a small fast path in :func:`main`, and click - which defines the whole
command line, subcommands and help - is imported for everything else (importing it
costs about 30 ms, an eighth of a bare Textual start). Settings and the database
are opened by the app in a worker. Errors the user can act on are printed as one
message (no traceback) and exit with status 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from deskcli.config.launch import LaunchOptions, looks_like_phone
from deskcli.core.process import prepare_console_process

_QUICK_OPTIONS = {"--db": "db", "--config": "config", "--caller-id": "caller_id"}


def quick_launch(argv: list[str]) -> LaunchOptions | None:
    """The console's options when ``argv`` is a plain start, else ``None`` (click decides).

    Only well-formed uses of ``--db``, ``--config`` and ``--caller-id`` are taken
    here; anything else - a subcommand, ``--help``, a bad phone number, a repeated
    or unknown option - goes to click, which reports it properly.
    """
    values: dict[str, str] = {}
    tokens = list(argv)
    while tokens:
        token = tokens.pop(0)
        name, equals, value = token.partition("=")
        if name not in _QUICK_OPTIONS or _QUICK_OPTIONS[name] in values:
            return None
        if not equals:
            if not tokens:
                return None
            value = tokens.pop(0)
        if not value or value.startswith("-"):
            return None
        values[_QUICK_OPTIONS[name]] = value
    caller_id = values.get("caller_id")
    if caller_id is not None and not looks_like_phone(caller_id):
        return None
    return LaunchOptions(
        db=Path(values["db"]) if "db" in values else None,
        config=Path(values["config"]) if "config" in values else None,
        caller_id=caller_id.strip() if caller_id else None,
    )


COMPLETE_ENV = "_DESKCLI_COMPLETE"
"""Set by the shell's completion script (click's protocol): click must answer, not the console."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``deskcli`` command.

    Every error ends as one message and exit status 2, never a traceback
    (:func:`deskcli.cli.common.run_guarded`).
    """
    from deskcli.cli.common import run_guarded

    args = sys.argv[1:] if argv is None else argv
    # Shell completion runs "deskcli" with no arguments and this variable set: that is
    # not a plain start, and the full-screen console must not open.
    options = None if os.environ.get(COMPLETE_ENV) else quick_launch(args)
    if options is not None:
        prepare_console_process()

        def console() -> None:
            from deskcli.cli.console import run_console

            sys.exit(run_console(options))

        run_guarded(console)
        return

    def command_line() -> None:
        prepare_console_process()
        from deskcli.cli.commands import cli

        cli.main(args=args, prog_name="deskcli")

    run_guarded(command_line)
