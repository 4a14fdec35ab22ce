"""``deskcli report``: the desk's metrics for a period, beside the previous one, as a table, CSV or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from deskcli.config.launch import LaunchOptions

BY = ("analyst", "category", "priority")


@click.command()
@click.option("--period", default="month", show_default=True, metavar="PERIOD",
              help="today, yesterday, week, last-week, month, last-month, year, 30d, 2026-03, 2026-W11, "
                   "2026-03-10, 2026-03-01..2026-03-31.")
@click.option("--by", type=click.Choice(BY), default=None, help="Break every figure down by analyst, category or priority.")
@click.option("--metric", "metrics", multiple=True, metavar="KEY",
              help="Only this metric (repeatable): fcr, escalation, reopen, promises, handling, sla, satisfaction, issues.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of the terminal.")
@click.pass_obj
def report(options: LaunchOptions, period: str, by: str | None, metrics: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """The desk's metrics from the event log, each with its definition (no row cap)."""
    from sqlalchemy.exc import DBAPIError

    from deskcli.cli.common import fail
    from deskcli.core.errors import DeskError
    from deskcli.runtime import open_runtime
    from deskcli.services.reports import render
    from deskcli.services.reports.report import ReportRequest, run_report
    from deskcli.store.db import as_store_error

    try:
        runtime = open_runtime(options)
    except DeskError as error:
        fail(error)
    stderr = sys.stderr
    shown = stderr.isatty()

    def progress(fraction: float, what: str) -> None:
        if shown:
            stderr.write(f"\r… {fraction:4.0%} {what:<40}")
            stderr.flush()

    try:
        made = run_report(
            runtime.store, runtime.actor(), ReportRequest(period=period, by=by, metrics=metrics),
            policies=runtime.policies, zone=runtime.settings.zone(), calendar=runtime.calendar(), progress=progress,
        )
    except DeskError as error:
        fail(error)
    except DBAPIError as exc:
        fail(as_store_error(runtime.store.target, exc))
    finally:
        if shown:
            stderr.write("\r" + " " * 48 + "\r")
        runtime.close()
    text = render.FORMATS[fmt](made)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(DeskError(f"{output}: cannot be written ({exc.strerror or exc})."))
        click.echo(f"Wrote the report for {made.period.label} to {output}.", err=True)
        return
    if fmt == "csv" and sys.stdout.isatty():
        # Names from the database reach a terminal as text, never as escape sequences.
        text = "".join(render.plain(line) + "\n" for line in text.splitlines())
    click.echo(text, nl=False)
