"""``deskcli import`` and ``deskcli export``: an office's data in and out.

Exit status: 0 when every row was fine, 1 when rows are in error (a dry run or a
partial import reports them; an all-or-nothing import then writes nothing), 2 when
the file, a mapping or a setting cannot be used at all (one message, no traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from deskcli.cli.common import fail
from deskcli.config.launch import LaunchOptions

if TYPE_CHECKING:
    from tempfile import TemporaryDirectory

    from deskcli.runtime import Runtime
    from deskcli.services.exchange.importer import ImportRequest
    from deskcli.services.exchange.plan import ImportReport

SHOWN_ERRORS = 20


def plain(text: object) -> str:
    """Text from a file or the database, safe on a terminal: control characters shown as ``?``."""
    return "".join(char if char.isprintable() else "?" for char in str(text))


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    return {"tab": "\t", "\\t": "\t", "TAB": "\t"}.get(value, value)


def _import_options(function: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.argument("file", type=click.Path(path_type=Path)),
        click.option("--commit", is_flag=True, help="Import for real (without it: a dry run that writes nothing)."),
        click.option("--partial", is_flag=True,
                     help="With --commit: import the good rows and report the rest (default: all-or-nothing)."),
        click.option("--map", "maps", multiple=True, metavar="'COLUMN=field'",
                     help="Map a column to a field ('Fax=' leaves it out). Repeatable."),
        click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="A mapping file saved earlier with --save-mapping."),
        click.option("--save-mapping", type=click.Path(dir_okay=False, path_type=Path),
                     help="Save the column mapping and reading options used, for the next import."),
        click.option("--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write every bad row (line, column, reason, then the row) to this CSV file."),
        click.option("--encoding", help="The file's encoding (default: found: UTF-8, UTF-8 with BOM, UTF-16, cp1252)."),
        click.option("--delimiter", help="The delimiter (default: found among , ; TAB |). 'tab' for a tab."),
        click.option("--date-format", help="Settle ambiguous dates: DD/MM/YYYY, MM/DD/YYYY, or a strptime pattern."),
        click.option("--separator", help="What separates several values in one cell (default ';')."),
        click.option("--missing", multiple=True, metavar="VALUE",
                     help="Another cell value meaning 'not known' (besides empty, ?, N/A, -, null, none). Repeatable."),
        click.option("--timezone", help="Zone of times written without an offset (default: the office's)."),
    ]
    for option in reversed(options):
        function = option(function)
    return click.pass_obj(function)


@click.group("import")
def import_group() -> None:
    """Bring customers and past calls in from CSV (a dry run unless --commit)."""


def _run_import(options: LaunchOptions, kind: str, **given: Any) -> None:
    from deskcli.core.errors import DeskError
    from deskcli.runtime import open_runtime
    from deskcli.services.exchange import mapping
    from deskcli.services.exchange.importer import ImportRequest

    scratch = None
    try:
        request = ImportRequest(
            kind=kind, path=given["file"], columns=mapping.parse_map_options(given["maps"]),
            mapping_file=given["mapping_file"], save_mapping=given["save_mapping"], encoding=given["encoding"],
            delimiter=_delimiter(given["delimiter"]), date_format=given["date_format"], separator=given["separator"],
            missing=list(given["missing"]), timezone=given["timezone"], commit=given["commit"],
            partial=given["partial"], errors_path=given["errors_path"],
        )
        if request.partial and not request.commit:
            raise DeskError("--partial goes with --commit (a dry run writes nothing anyway).")
        options, scratch = _dry_run_database(options, request.commit)
        runtime = open_runtime(options)
    except DeskError as error:
        if scratch is not None:
            scratch.cleanup()
        fail(error)
    try:
        _import_with(runtime, request)
    finally:
        if scratch is not None:
            scratch.cleanup()


def _dry_run_database(options: LaunchOptions, commit: bool) -> tuple[LaunchOptions, TemporaryDirectory[str] | None]:
    """A dry run never creates the database: on a file not made yet it reads an empty one in a scratch folder."""
    import dataclasses
    import tempfile

    from deskcli.runtime import database_file

    file = database_file(options)
    if commit or file is None or file.exists():
        return options, None
    scratch = tempfile.TemporaryDirectory(prefix="deskcli-dry-run-")
    click.echo(f"{plain(file)} does not exist yet: this dry run reads an empty database and writes nothing "
               "(--commit creates it).")
    return dataclasses.replace(options, db=Path(scratch.name) / file.name), scratch


def _import_with(runtime: Runtime, request: ImportRequest) -> None:
    """Run the import (or its dry run) on the open runtime, print the report, exit 1 on rows in error."""
    from sqlalchemy.exc import DBAPIError

    from deskcli.cli.progress import Progress
    from deskcli.core.errors import DeskError
    from deskcli.services.exchange.batch import ImportRefused
    from deskcli.services.exchange.importer import Office, run_import
    from deskcli.store.db import as_store_error

    progress = Progress(f"reading {request.path.name}")
    refused = None
    try:
        office = Office(runtime.settings.phone_region, runtime.settings.zone(), runtime.settings.reference_prefix)
        transaction = runtime.store.write() if request.commit else runtime.store.read()
        try:
            with transaction as session:
                report = run_import(session, request, by=runtime.actor(), office=office, progress=progress)
        except ImportRefused as exc:
            refused, report = exc, exc.report
    except DeskError as error:
        progress.close()
        fail(error)
    except DBAPIError as exc:
        progress.close()
        fail(as_store_error(runtime.store.target, exc))
    finally:
        runtime.close()
    progress.close()
    _print_report(report, request)
    if refused is not None:
        click.echo(f"Nothing was imported: {refused.message}", err=True)
        click.echo(refused.hint or "", err=True)
    sys.exit(1 if report.error_count else 0)


def _print_report(report: ImportReport, request: ImportRequest) -> None:
    """The dry run's (or the import's) account of every row."""
    echo = click.echo
    if report.committed:
        echo(f"Imported {report.kind} from {plain(request.path)}: batch {report.batch_id} "
             f"(deskcli import undo {report.batch_id} removes it again).")
    elif request.commit:
        echo(f"Checked {report.kind} in {plain(request.path)}: nothing was written.")
    else:
        echo(f"Dry run of importing {report.kind} from {plain(request.path)}: nothing was written.")
    if report.format is not None:
        echo(f"  file:     {report.format.describe()}")
    mapping = report.mapping
    if mapping is not None:
        echo("  columns:  " + ", ".join(f"{plain(header)} → {field}" for _i, header, field in mapping.columns))
        if mapping.unmapped:
            echo("  not imported (no field matches): " + ", ".join(plain(column) for column in mapping.unmapped))
        if mapping.ignored:
            echo("  left out (mapped to nothing): " + ", ".join(plain(column) for column in mapping.ignored))
        for note in mapping.notes:
            echo(f"  note:     {plain(note)}")
    verb = ("created", "updated", "skipped") if report.committed else ("to create", "to update", "to skip")
    counts = (f"{report.rows:,} rows: {report.created:,} {verb[0]}, {report.updated:,} {verb[1]}, "
              f"{report.skipped:,} {verb[2]} (already there), {report.error_count:,} in error")
    if report.conflicts:
        counts += f" ({report.conflicts:,} of them conflicts)"
    echo(f"  rows:     {counts}")
    if report.kind == "calls" and report.customers_created:
        echo(f"  callers:  {report.customers_created:,} not on record, "
             + ("created" if report.committed else "to be created"))
    for note in report.notes[:SHOWN_ERRORS]:
        echo(f"  note:     {plain(note)}")
    if report.errors:
        shown = sorted(report.errors, key=lambda error: error.line)[:SHOWN_ERRORS]
        more = "" if report.error_count <= len(shown) else f" (the first {len(shown)} of {report.error_count:,}"
        more += "; --errors FILE writes every one)" if more else ""
        echo(f"Rows in error{more}:")
        for error in shown:
            echo(f"  {plain(error.describe())}")
    if report.ambiguous_dates:
        echo(f"  dates:    {report.ambiguous_dates:,} ambiguous date(s); {report.date_hint}.")
    if request.errors_path is not None and report.error_count:
        echo(f"  errors file: {plain(request.errors_path)}")
    if not request.commit:
        echo("Import with --commit (all-or-nothing), or --commit --partial to import the good rows and report the rest.")


@import_group.command("customers")
@_import_options
def import_customers(options: LaunchOptions, **given: Any) -> None:
    """Import customers from a CSV FILE: a dry run unless --commit.

    Columns are matched to fields by name (deskcli import fields lists them). A row is
    the same customer as one on record when the external id matches, else the e-mail
    (same name), else a phone number (same name); one e-mail with two names is a conflict.
    """
    _run_import(options, "customers", **given)


@import_group.command("calls")
@_import_options
def import_calls(options: LaunchOptions, **given: Any) -> None:
    """Import past calls from a CSV FILE: a dry run unless --commit.

    Calls keep their times, status, priority, category, channel, satisfaction and
    resolution; they start no SLA clocks, promises or reminders.
    """
    _run_import(options, "calls", **given)


@import_group.command("fields")
@click.argument("kind", type=click.Choice(["customers", "calls"]), required=False)
def import_fields(kind: str | None) -> None:
    """List the fields columns can be mapped to, and the column names that match each."""
    from deskcli.services.exchange.fields import FIELDS

    for name in ([kind] if kind else ["customers", "calls"]):
        click.echo(f"{name}:")
        for spec in FIELDS[name]:
            also = f" (also: {', '.join(spec.aliases)})" if spec.aliases else ""
            click.echo(f"  {spec.name:<22} {spec.help}{also}")


@import_group.command("list")
@click.pass_obj
def import_list(options: LaunchOptions) -> None:
    """The import batches, newest first."""
    from deskcli.core.errors import DeskError
    from deskcli.runtime import open_runtime
    from deskcli.services.exchange.batch import list_batches

    try:
        runtime = open_runtime(options)
    except DeskError as error:
        fail(error)
    try:
        zone = runtime.settings.zone()
        with runtime.store.read() as session:
            rows = list_batches(session)
    finally:
        runtime.close()
    if not rows:
        click.echo("No imports yet.")
    for row in rows:
        counts = row.counts or {}
        state = f"undone {row.undone_at.astimezone(zone):%Y-%m-%d %H:%M}" if row.undone_at else "in place"
        click.echo(f"batch {row.id:<4} {row.started_at.astimezone(zone):%Y-%m-%d %H:%M}  {row.kind:<9} "
                   f"{counts.get('created', 0):>7,} created {counts.get('updated', 0):>6,} updated  {state}  "
                   f"{plain(Path(row.source).name)}")


@import_group.command("undo")
@click.argument("batch", type=int)
@click.pass_obj
def import_undo(options: LaunchOptions, batch: int) -> None:
    """Remove import BATCH again: its calls (with their timelines) and customers, and put back what it changed."""
    from sqlalchemy.exc import DBAPIError

    from deskcli.core.errors import DeskError
    from deskcli.runtime import open_runtime
    from deskcli.services.exchange.undo import undo
    from deskcli.store.db import as_store_error

    try:
        runtime = open_runtime(options)
    except DeskError as error:
        fail(error)
    try:
        with runtime.store.write() as session:
            report = undo(session, batch, runtime.actor())
    except DeskError as error:
        fail(error)
    except DBAPIError as exc:
        fail(as_store_error(runtime.store.target, exc))
    finally:
        runtime.close()
    click.echo(f"Undid import batch {batch}: removed {report.calls_removed:,} calls ({report.events_removed:,} "
               f"timeline events) and {report.customers_removed:,} customers; put back {report.customers_restored:,} "
               "customers it had changed. The batch stays on record as undone.")
    for line in report.kept[:SHOWN_ERRORS]:
        click.echo(f"  kept {plain(line)}")


@click.command("export")
@click.argument("kind", type=click.Choice(["customers", "calls", "events"]))
@click.option("--period", help="Only rows of this period: YYYY, YYYY-MM, YYYY-MM-DD, FROM..TO, today, last-month …")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (0600) instead of stdout.")
@click.pass_obj
def export(options: LaunchOptions, kind: str, period: str | None, fmt: str, output: Path | None) -> None:
    """Export customers, calls or timeline events as CSV, JSON or JSON lines (streamed).

    An export of customers and then calls imports back into deskcli as it is.
    """
    from sqlalchemy import func, select
    from sqlalchemy.exc import DBAPIError

    from deskcli.cli.progress import Counting
    from deskcli.core.errors import DeskError
    from deskcli.models import Call, CallEvent, Customer
    from deskcli.runtime import open_runtime
    from deskcli.services.exchange import export as exporting
    from deskcli.services.reports.period import parse_bounds
    from deskcli.store.db import as_store_error

    try:
        runtime = open_runtime(options)
    except DeskError as error:
        fail(error)
    zone = runtime.settings.zone()
    temporary = output.with_name(f".{output.name}.partial-{os.getpid()}") if output is not None else None
    try:
        bounds = parse_bounds(period, now=runtime.clock.now(), zone=zone) if period else None
        with runtime.store.read() as session:
            progress = None
            if output is not None:
                table = {"customers": Customer, "calls": Call, "events": CallEvent}[kind]
                total = session.execute(select(func.count()).select_from(table)).scalar_one()
                progress = Counting(f"exporting {kind}", int(total))
            rows = exporting.SOURCES[kind](session, zone, bounds)
            if temporary is None or output is None:  # one is None when the other is
                count = exporting.write(rows, kind, fmt, sys.stdout)
            else:
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    count = exporting.write(rows, kind, fmt, handle, progress)
                os.replace(temporary, output)
            if progress is not None:
                progress.close()
    except DeskError as error:
        fail(error)
    except DBAPIError as exc:
        fail(as_store_error(runtime.store.target, exc))
    except BrokenPipeError:
        # The reader of stdout went away (| head): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:
        fail(DeskError(f"{output or 'stdout'}: cannot be written ({exc.strerror or exc})."))
    finally:
        runtime.close()
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    if output is not None:
        click.echo(f"Exported {count:,} {kind} to {plain(output)}.", err=True)
