"""One import, dry run or commit: options settled, file opened, columns mapped, rows decided.

The caller owns the transaction: a dry run runs in ``store.read()`` and writes
nothing; a commit runs in ``store.write()``. An all-or-nothing commit that meets a bad
row raises :class:`~deskcli.services.exchange.batch.ImportRefused` (carrying the
report) so that the caller's transaction rolls back and nothing at all is written.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from deskcli.core.errors import DataFileError
from deskcli.services.actor import Actor
from deskcli.services.exchange import batch as batches
from deskcli.services.exchange import mapping as mappings
from deskcli.services.exchange.calls import CallImport
from deskcli.services.exchange.customers import CustomerImport
from deskcli.services.exchange.dates import DateError, DateReader
from deskcli.services.exchange.fields import alias_table, normalise
from deskcli.services.exchange.plan import ErrorsFile, ImportReport
from deskcli.services.exchange.prepare import Preparer, RowSettings, reader_for
from deskcli.services.exchange.reader import ImportFileError, Table
from deskcli.services.exchange.values import DEFAULT_SEPARATOR

Progress = Callable[[int, int], None]

_IDENTIFYING = {
    "customers": ("name", "first_name", "last_name", "external_id", "deskcli_id", "email"),
    "calls": ("opened_at",),
}


@dataclass
class ImportRequest:
    """What ``deskcli import customers|calls FILE`` was asked to do."""

    kind: str
    path: Path
    columns: dict[str, str] = field(default_factory=dict)
    """``--map`` values: column → field ("" leaves the column out)."""
    mapping_file: Path | None = None
    save_mapping: Path | None = None
    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None
    separator: str | None = None
    missing: list[str] = field(default_factory=list)
    timezone: str | None = None
    commit: bool = False
    partial: bool = False
    """With ``commit``: import the good rows and report the rest (else all-or-nothing)."""
    errors_path: Path | None = None


@dataclass(frozen=True)
class Office:
    """What the import needs to know about the office."""

    region: str
    zone: ZoneInfo
    reference_prefix: str


PARALLEL_FROM_BYTES = 2 * 1_048_576
"""From this file size (~15,000 customers) rows are prepared in worker processes."""


def workers(size: int) -> int:
    """Worker processes to prepare the rows of a file of ``size`` bytes (none for small files)."""
    cpus = os.cpu_count() or 1
    if size < PARALLEL_FROM_BYTES or cpus < 2:
        return 0
    # One core stays with this process, which reads, decides and writes.
    return max(1, min(3, cpus - 1))


def _settled(request: ImportRequest) -> tuple[dict[str, str], dict[str, Any]]:
    """The columns and reading options: the command line over the mapping file."""
    columns: dict[str, str] = {}
    options: dict[str, Any] = {}
    if request.mapping_file is not None:
        saved = mappings.load(request.mapping_file, request.kind)
        columns.update(saved.columns)
        options.update(saved.options)
    columns.update(request.columns)
    for name in ("encoding", "delimiter", "date_format", "separator", "timezone"):
        value = getattr(request, name)
        if value is not None:
            options[name] = value
    if request.missing:
        options["missing"] = [*options.get("missing", []), *request.missing]
    return columns, options


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """No cyclic garbage collection while the import runs (reference counting still frees).

    The import keeps a few objects per row of the file (its keys, for dedupe); each full
    collection walked all of them again, a quarter of a 100,000-row import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import(session: Session, request: ImportRequest, *, by: Actor, office: Office,
               progress: Progress | None = None) -> ImportReport:
    """Dry-run or commit ``request`` in ``session``; the report says what happened to every row."""
    with _without_cyclic_gc():
        return _run_import(session, request, by=by, office=office, progress=progress)


def _run_import(session: Session, request: ImportRequest, *, by: Actor, office: Office,
                progress: Progress | None) -> ImportReport:
    columns, options = _settled(request)
    try:
        zone = ZoneInfo(options["timezone"]) if options.get("timezone") else office.zone
    except (ZoneInfoNotFoundError, ValueError):
        raise DataFileError(f"--timezone {options['timezone']!r}: not a timezone (expected e.g. Europe/London).") from None
    try:
        DateReader(zone, options.get("date_format"))  # a bad --date-format is refused before anything else
    except DateError as exc:
        raise DataFileError(str(exc)) from None
    if request.kind == "calls" and request.commit and by.analyst_id is None:
        raise DataFileError("importing calls needs the analyst profile: the imported calls are put in your name.",
                            "Start deskcli once (or set DESKCLI_ANALYST__NAME and DESKCLI_ANALYST__DEPARTMENT).")
    known_columns = set(alias_table(request.kind))
    named = {normalise(column) for column in columns}

    def looks_like_header(cells: list[str]) -> bool:
        return any(normalise(cell) in known_columns or normalise(cell) in named for cell in cells if cell)

    report = ImportReport(request.kind, request.path)
    with Table(request.path, looks_like_header=looks_like_header, encoding=options.get("encoding"),
               delimiter=options.get("delimiter")) as table:
        report.format = table.format
        mapping = mappings.build(request.kind, table.format.header, columns)
        report.mapping = mapping
        wanted = _IDENTIFYING[request.kind]
        if not mapping.fields() & set(wanted):
            listed = ", ".join(repr(cell) for cell in table.format.header if cell)
            raise mappings.MappingError(
                f"{request.path}: no column gives {' or '.join(wanted)} (columns: {listed}). "
                f"This does not look like a file of {request.kind}.",
                "Map the columns with --map 'COLUMN=field' (deskcli import fields lists the fields).",
            )
        if request.save_mapping is not None:
            mappings.save(request.save_mapping, request.kind, mapping, {**options, "encoding": table.format.encoding,
                                                                          "delimiter": table.format.delimiter})
        earlier = batches.earlier_with_same_file(session, table.format.sha256, request.kind)
        if earlier is not None:
            report.notes.append(f"this very file was imported before as batch {earlier.id} "
                                f"(rows already there are skipped).")
        settings = RowSettings(
            kind=request.kind, mapping=mapping, header_width=len(table.format.header),
            missing=tuple(options.get("missing", [])), zone=zone.key, date_format=options.get("date_format"),
            separator=options.get("separator", DEFAULT_SEPARATOR), region=office.region,
        )
        reader = reader_for(settings)
        batch = None
        if request.commit:
            batch = batches.start(session, request.kind, request.path, sha256=table.format.sha256,
                                  mode="partial" if request.partial else "all",
                                  options={"columns": mapping.as_overrides(), **options}, by=by)
        errors = ErrorsFile(request.errors_path, table.format.header)
        preparer = Preparer(settings, workers(table.format.size))
        try:
            if request.kind == "customers":
                importer: CustomerImport | CallImport = CustomerImport(
                    session, by=by, batch=batch, report=report, errors=errors, all_or_nothing=not request.partial,
                )
            else:
                importer = CallImport(
                    session, by=by, prefix=office.reference_prefix, batch=batch, report=report, errors=errors,
                    all_or_nothing=not request.partial, source_name=request.path.name, zone=zone,
                )
            importer.run(table, preparer, reader, progress)
        finally:
            preparer.close()
            errors.close()
    dates = preparer.stats
    report.ambiguous_dates = dates.ambiguous
    if dates.ambiguous:
        if dates.day_first and not dates.month_first:
            report.date_hint = "other dates of this file can only be day first: --date-format DD/MM/YYYY"
        elif dates.month_first and not dates.day_first:
            report.date_hint = "other dates of this file can only be month first: --date-format MM/DD/YYYY"
        else:
            report.date_hint = "say which with --date-format DD/MM/YYYY or MM/DD/YYYY"
    if report.rows == 0:
        raise ImportFileError(f"{request.path} has a header (line {table.format.header_line}) but no rows to import.")
    if batch is not None:
        if not request.partial and report.error_count:
            raise batches.ImportRefused(report)
        batches.finish(session, batch, report, by)
        report.committed = True
        report.batch_id = batch.id
    return report
