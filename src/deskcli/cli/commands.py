"""The whole ``deskcli`` command line, defined with click (help, subcommands, errors).

Imported only when :func:`deskcli.cli.main` cannot take the fast path of a plain start.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from deskcli import __version__
from deskcli.cli.common import fail
from deskcli.cli.console import run_console
from deskcli.config.launch import LaunchOptions, looks_like_phone
from deskcli.core.errors import DeskError


def _caller_id(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if not looks_like_phone(value):
        raise click.BadParameter(f"{value!r} is not a phone number (expected digits, spaces, + - ( ) only).")
    return value.strip()


@click.group(name="deskcli", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite database file. Default: deskcli.db in the user data directory (or DESKCLI_DB).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (TOML). Default: config.toml in the user config directory (or DESKCLI_CONFIG).",
)
@click.option(
    "--caller-id",
    metavar="NUMBER",
    callback=_caller_id,
    help="The caller's number from the phone system: opens the greeting with that caller identified.",
)
@click.version_option(__version__, "--version", prog_name="deskcli")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, config_path: Path | None, caller_id: str | None) -> None:
    """deskcli: the live-call console for help desk analysts.

    Run without a command to start the console. Settings come from flags, DESKCLI_*
    variables and the config file, in that order.
    """
    ctx.obj = LaunchOptions(db=db_path, config=config_path, caller_id=caller_id)
    if ctx.invoked_subcommand is None:
        sys.exit(run_console(ctx.obj))


@cli.command()
@click.option("--full", is_flag=True, help="Also run SQLite's integrity check over the whole file (slow on big files).")
@click.pass_obj
def check(options: LaunchOptions, full: bool) -> None:
    """Open the database (upgrading it if needed) and report on it."""
    from deskcli.runtime import open_runtime
    from deskcli.services.desk.status import describe

    try:
        runtime = open_runtime(options)
    except DeskError as error:
        fail(error)
    try:
        report = describe(runtime.store, settings=runtime.settings, config_path=runtime.config_path, full=full)
    except DeskError as error:
        fail(error)
    finally:
        runtime.close()
    for label, value in report.lines:
        click.echo(f"{label:<16} {value}")
    for note in runtime.notes:
        click.echo(note)
    if not report.healthy:
        sys.exit(1)


@cli.group()
def policies() -> None:
    """The office's policy files: copy them to edit, and check them."""


@policies.command("copy")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files already in FOLDER.")
def copy_policies(folder: Path, force: bool) -> None:
    """Copy the shipped policy files into FOLDER to edit them there.

    Like every file deskcli makes, the copies are readable only by you (0600), in a
    folder made 0700 if deskcli creates it.
    """
    from deskcli.config import datafiles, paths

    copied, kept = [], []
    try:
        paths.make_private_dir(folder)
        for file in datafiles.iter_folder("policies", ".toml"):
            target = folder / file.name.rsplit("/", 1)[-1]
            if target.exists() and not force:
                kept.append(target.name)
                continue
            paths.write_private_text(target, file.text)
            copied.append(target.name)
    except OSError as exc:
        fail(DeskError(f"{exc.filename or folder}: cannot be written ({exc.strerror or exc})."))
    click.echo(f"Copied {len(copied)} file(s) to {folder}." + (f" Kept existing: {', '.join(kept)}." if kept else ""))
    click.echo(f'Use them: set policy_dir = "{folder.resolve()}" in the config file (or DESKCLI_POLICY_DIR).')


@policies.command("check")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path), required=False)
def check_policies(folder: Path | None) -> None:
    """Validate the policy files (the office's copies in FOLDER, else the shipped ones)."""
    from deskcli.core.errors import DeskError
    from deskcli.services.rules.policy import load_policies

    try:
        loaded = load_policies(folder)
    except DeskError as error:
        fail(error)
    click.echo(
        f"Policies OK: {len(loaded.escalation.routes)} routes, {len(loaded.escalation.triggers)} triggers, "
        f"{len(loaded.categories.categories)} categories, {len(loaded.sla.targets)} SLA targets."
    )


def _register_subcommands() -> None:
    from deskcli.cli.backups import backup_command, restore_command
    from deskcli.cli.bench import bench
    from deskcli.cli.data import export, import_group
    from deskcli.cli.demo import demo
    from deskcli.cli.due import due
    from deskcli.cli.history import history
    from deskcli.cli.report import report
    from deskcli.cli.ring import ring
    from deskcli.cli.scenarios import scenarios
    from deskcli.cli.scorecards import scorecards
    from deskcli.cli.train import train

    cli.add_command(due)
    cli.add_command(history)
    cli.add_command(report)
    cli.add_command(bench)
    cli.add_command(demo)
    cli.add_command(ring)
    cli.add_command(scenarios)
    cli.add_command(scorecards)
    cli.add_command(train)
    cli.add_command(import_group)
    cli.add_command(export)
    cli.add_command(backup_command)
    cli.add_command(restore_command)


_register_subcommands()
