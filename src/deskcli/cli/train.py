"""``deskcli train [SCENARIO]``: trainer mode on the demo database (built on first use)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from deskcli.cli.demo import SIZE_NAMES, ready_demo
from deskcli.config.launch import LaunchOptions


@click.command()
@click.argument("scenario", required=False)
@click.option("--trainee", metavar="NAME", help="Who is practising: named in the greeting and on the scorecard.")
@click.option("--presenter", is_flag=True, help="Start in the presenter layout (for projecting; F11 switches).")
@click.option("--db", "demo_db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The demo database file (default: the demo_db setting, else demo.db in the user data directory).")
@click.option("--size", type=click.Choice(SIZE_NAMES), default="small", show_default=True,
              help="Size of the demo database if it has to be built.")
@click.pass_obj
def train(options: LaunchOptions, scenario: str | None, trainee: str | None, presenter: bool,
          demo_db: Path | None, size: str) -> None:
    """Practise a call with a scripted caller (SCENARIO; without it, pick one).

    F10 makes the caller say their next line, ctrl+k moves the clock (SLA warnings and
    promise reminders fire), F12 (or hanging up) scores the call. `deskcli scenarios list`
    shows the callers; `deskcli scorecards` lists the scores.
    """
    from deskcli.cli.common import fail
    from deskcli.cli.console import run_console
    from deskcli.config.settings import load_settings
    from deskcli.core.errors import DeskError, SettingsError
    from deskcli.services.training.scenarios import get_scenario

    if trainee is not None and not trainee.strip():
        fail(SettingsError("--trainee: give the trainee's name (it is said in the greeting)."))
    if scenario is not None:
        try:  # a mistyped scenario is reported here, with the list, before the screen opens
            get_scenario(scenario, load_settings(options.config, db=options.db).scenario_dir)
        except DeskError as error:
            fail(error)
    demo_path = ready_demo(options, demo_db, reset=False, size=size, seed=7)
    launch = LaunchOptions(db=demo_path, config=options.config, mode="train", scenario=scenario,
                           trainee=trainee.strip() if trainee else None)
    from deskcli.trainer.app import TrainerApp

    sys.exit(run_console(launch, TrainerApp(launch, presenter=presenter)))
