"""``deskcli demo``: the console on a separate demo database, built on first use.

The demo file is never the office's database: it is refused when the two paths name
the same file. Building reports one line per stage on stderr (no terminal tricks, so
CI logs and pipes read fine).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from deskcli.config.launch import LaunchOptions

SIZE_NAMES = ("small", "medium", "large")


class StageLines:
    """Turns the builder's ``(stage, fraction)`` reports into a line per stage.

    A long stage (the calls of a large demo take minutes) also gets a line with its
    percentage, at most every few seconds, so a log shows it is still going.
    """

    def __init__(self, echo: Callable[[str], None] | None = None, *, every: float = 3.0) -> None:
        self.echo = echo or (lambda text: click.echo(text, err=True))
        self.every = every
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        if stage == "done":
            return
        moment = time.monotonic()
        if stage != self.stage:
            self.stage, self.last = stage, moment
            self.echo(f"… {stage}")
        elif moment - self.last >= self.every and fraction < 1.0:
            self.last = moment
            self.echo(f"… {stage} {fraction:.0%}")


@click.command()
@click.option("--reset", is_flag=True, help="Delete the demo database and build it again.")
@click.option("--size", type=click.Choice(SIZE_NAMES), default="small", show_default=True,
              help="How much data: small (seconds), medium, large (100k customers, 1M calls: minutes).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the data: the same seed gives the same data.")
@click.option("--db", "demo_db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The demo database file (default: the demo_db setting, else demo.db in the user data directory).")
@click.option("--no-start", is_flag=True, help="Only build (or reset) the demo database; do not start the console.")
@click.pass_obj
def demo(options: LaunchOptions, reset: bool, size: str, seed: int, demo_db: Path | None, no_start: bool) -> None:
    """Open the console on the demo database (realistic data; the header says DEMO)."""
    from deskcli.cli.console import run_console

    demo_path = ready_demo(options, demo_db, reset=reset, size=size, seed=seed)
    if no_start:
        return
    sys.exit(run_console(LaunchOptions(db=demo_path, config=options.config, mode="demo")))


def ready_demo(options: LaunchOptions, demo_db: Path | None, *, reset: bool, size: str, seed: int) -> Path:
    """The demo database's path, built first when missing, empty or ``reset`` (shared by
    ``deskcli demo`` and ``deskcli train``). Errors are printed and exit with status 2."""
    from deskcli.cli.common import fail
    from deskcli.config.settings import load_settings
    from deskcli.core.errors import DeskError
    from deskcli.store import db
    from deskcli.workload import demo as demo_service

    try:
        settings = load_settings(options.config, db=options.db)
        demo_path = (demo_db or settings.demo()).expanduser().resolve()
        real = db.target_for(settings.db, settings.database_url).sqlite_path
        demo_service.check_not_real(demo_path, real)
        found = demo_service.inspect_file(demo_path)
        # An empty file (e.g. made by an earlier start on a missing demo) is built over too.
        if reset or not found.exists or found.empty:
            click.echo(f"Building the {size} demo database at {demo_path} (seed {seed}) …", err=True)
            report = demo_service.reset_demo(
                demo_path, real_db=real, size=size, seed=seed, progress=StageLines(),
                zone=settings.timezone, prefix=settings.reference_prefix,
            )
            click.echo(report.describe(), err=True)
        else:
            # Its promises were "due today" on the day it was built: say how to renew them.
            click.echo(f"Demo database {demo_path} (--reset builds it afresh, with promises due today).", err=True)
    except DeskError as error:
        fail(error)
    return demo_path
