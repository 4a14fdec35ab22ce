"""What an import does with each row, and the report the dry run and the commit print.

Rows are created, updated, skipped (already there, nothing new) or in error. Errors
are kept in full only up to :data:`KEEP_ERRORS` (the errors file receives every one
as it is found), so a file of a million bad rows does not fill the memory.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from deskcli.core.errors import DataFileError
from deskcli.services.exchange.mapping import Mapping
from deskcli.services.exchange.reader import FileFormat, Record

KEEP_ERRORS = 200
"""Row errors kept for the report (all of them go to the errors file)."""


@dataclass(frozen=True)
class RowError:
    """Why one row cannot be imported."""

    line: int
    column: str
    """The file's column (header) the problem is in; empty when it is the row as a whole."""
    reason: str
    conflict: bool = False
    """Two records that look like one customer but disagree (never merged)."""

    def describe(self) -> str:
        """``line 14, column "E-mail": 'bob@' is not an e-mail address``."""
        where = f'line {self.line}, column "{self.column}"' if self.column else f"line {self.line}"
        return f"{where}: {self.reason}"


class RowProblem(Exception):
    """Raised while reading a row; becomes a :class:`RowError`."""

    def __init__(self, column: str, reason: str, *, conflict: bool = False) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason
        self.conflict = conflict


@dataclass
class ImportReport:
    """Counts and errors of one import, dry run or commit."""

    kind: str
    source: Path
    format: FileFormat | None = None
    mapping: Mapping | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    error_count: int = 0
    conflicts: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things worth saying that are not errors (a reference that was taken, a file seen before)."""
    customers_created: int = 0
    """For a calls import: customers made for callers not on record."""
    committed: bool = False
    batch_id: int | None = None
    ambiguous_dates: int = 0
    date_hint: str = ""

    def add_error(self, error: RowError) -> None:
        """Count an error (and keep it for the report while there are few)."""
        self.error_count += 1
        self.conflicts += error.conflict
        if len(self.errors) < KEEP_ERRORS:
            self.errors.append(error)

    def counts(self) -> dict[str, int]:
        """The counts as stored on the batch."""
        result = {
            "rows": self.rows, "created": self.created, "updated": self.updated, "skipped": self.skipped,
            "errors": self.error_count, "conflicts": self.conflicts,
        }
        if self.kind == "calls":
            result["customers_created"] = self.customers_created
        return result


class ErrorsFile:
    """``--errors FILE``: every bad row with its line, column and reason, then the row as it was.

    The row's own columns come after ``line,column,reason`` under the file's header, so
    the file can be corrected and imported again (those three columns are left out).
    """

    def __init__(self, path: Path | None, header: tuple[str, ...]) -> None:
        self.path = path
        self._handle: io.TextIOWrapper | None = None
        if path is None:
            return
        try:
            self._handle = path.open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise DataFileError(f"--errors {path}: cannot be written ({exc.strerror}).") from None
        self._writer = csv.writer(self._handle)
        self._writer.writerow(["line", "column", "reason", *header])

    def write(self, error: RowError, record: Record | None) -> None:
        """Add one bad row."""
        if self._handle is None:
            return
        self._writer.writerow([error.line, error.column, error.reason, *(record.cells if record else [])])

    def close(self) -> None:
        """Finish the file."""
        if self._handle is not None:
            self._handle.close()
