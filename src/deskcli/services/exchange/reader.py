"""Reading an import file: encoding, delimiter and header row found, rows with line numbers.

Encoding: a byte-order mark says UTF-8 or UTF-16; otherwise the whole file is checked
as UTF-8 (one pass, which also takes its SHA-256), and a file that is not UTF-8 is read
as Windows-1252 (what spreadsheets on Windows save as "CSV"). The delimiter is found
with :class:`csv.Sniffer` among ``, ; TAB |``. The header is the first of the first ten
rows that names a known field (so a title line or two above it is skipped).

Everything is streamed: one row at a time, fields capped at :data:`MAX_FIELD`
characters, so a file with a quote that is never closed stops with a message at the
line where the quote opened instead of reading 100 MB into one cell. Every problem is
an :class:`ImportFileError` naming the file and the line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from deskcli.core.errors import DataFileError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAX_FIELD = 1_048_576
"""Longest cell accepted, in characters (a quote left open would otherwise swallow the file)."""

SAMPLE_BYTES = 65_536
HEADER_SEARCH_ROWS = 10
DELIMITERS = ",;\t|"

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx or OpenDocument file?): save it as CSV first",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook: save it as CSV first",
    b"%PDF": "a PDF document",
    b"SQLite format 3\x00": "a SQLite database (to bring a deskcli backup back, use deskcli restore)",
    b"\x1f\x8b": "a gzip archive: unpack it first",
}
_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}


class ImportFileError(DataFileError):
    """The file cannot be read as a table: the message names the file (and the line)."""


@dataclass(frozen=True)
class FileFormat:
    """How the file was read."""

    encoding: str
    """A Python codec name (``utf-8-sig``, ``cp1252`` …)."""
    delimiter: str
    header_line: int
    header: tuple[str, ...]
    skipped_lines: int
    """Lines above the header (titles, blank lines)."""
    sha256: str
    size: int

    def describe(self) -> str:
        """``UTF-8 with BOM, delimiter ';', header on line 1``."""
        shown = {"\t": "TAB", ",": "','", ";": "';'", "|": "'|'"}.get(self.delimiter, repr(self.delimiter))
        encoding = _ENCODING_LABELS.get(self.encoding, self.encoding)
        skipped = f" ({self.skipped_lines} line(s) above it skipped)" if self.skipped_lines else ""
        return f"{encoding}, delimiter {shown}, header on line {self.header_line}{skipped}"


class Record(NamedTuple):
    """One row of the file: the line it starts on and its cells (stripped).

    A tuple, not a dataclass: one is made per row (a frozen dataclass costs several
    times as much to build)."""

    line: int
    cells: list[str]


Progress = Callable[[int, int], None]
"""Called with (bytes read, file size)."""


class _Counting(io.RawIOBase):
    """A file that counts the bytes read through it (for progress)."""

    def __init__(self, handle: io.BufferedReader) -> None:
        self.handle = handle
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        read = self.handle.readinto(buffer)
        self.count += read or 0
        return read or 0

    def close(self) -> None:
        self.handle.close()
        super().close()


def _scan(path: Path, forced: str | None) -> tuple[str, str, int, bytes]:
    """Encoding, SHA-256, size and the first bytes of ``path`` (one pass over the bytes)."""
    digest = hashlib.sha256()
    size = 0
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise ImportFileError(f"{path} cannot be read: {exc.strerror}.") from None
    with handle:
        sample = handle.read(SAMPLE_BYTES)
        if not sample:
            raise ImportFileError(f"{path} is empty: there is nothing to import.")
        for signature, what in _BINARY_SIGNATURES.items():
            if sample.startswith(signature):
                raise ImportFileError(f"{path} is not a CSV file: it is {what}.")
        encoding = forced
        if encoding is None:
            if sample.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                encoding = "utf-16"
            elif b"\x00" in sample:
                raise ImportFileError(f"{path} is a binary file (it holds NUL bytes), not CSV text.")
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ImportFileError(f"--encoding {encoding}: not an encoding Python knows (try utf-8 or cp1252).") from None
        # Every candidate is checked over the whole file in this one pass, so a bad byte
        # is reported with its line before any row is read.
        candidates = [encoding] if encoding is not None else ["utf-8", "cp1252"]
        decoders = {name: codecs.getincrementaldecoder(name)() for name in candidates}
        failed: dict[str, int] = {}
        utf8_text_seen = False
        """Whether UTF-8 decoded non-ASCII characters (é, ë …) before it failed, if it did."""
        newlines = 0
        chunk = sample
        while chunk:
            digest.update(chunk)
            size += len(chunk)
            for name, decoder in list(decoders.items()):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    failed[name] = newlines + chunk[: max(exc.start, 0)].count(b"\n") + 1
                    del decoders[name]
                    if name == "utf-8" and not chunk[: max(exc.start, 0)].isascii():
                        utf8_text_seen = True
                else:
                    if name == "utf-8" and not utf8_text_seen and not chunk.isascii():
                        utf8_text_seen = True
            newlines += chunk.count(b"\n")
            chunk = handle.read(1_048_576)
        for name, decoder in list(decoders.items()):
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                failed[name] = newlines + 1
                del decoders[name]
        if not decoders:
            line = min(failed.values())
            if encoding is not None:
                raise ImportFileError(
                    f"{path}, line {line}: not valid {_ENCODING_LABELS.get(encoding, encoding)}.",
                    "Check the --encoding given (e.g. utf-8, cp1252, latin-1)." if forced else
                    "The file starts with a byte-order mark but does not keep to it: save it again as UTF-8.",
                )
            raise ImportFileError(
                f"{path}, line {line}: neither UTF-8 nor Windows-1252 text (a binary file, or another encoding).",
                "Give the encoding with --encoding (e.g. latin-1, iso-8859-15, mac-roman).",
            )
        if encoding is None and "utf-8" in failed and utf8_text_seen:
            # UTF-8 text with a stray byte: read as Windows-1252 every é would become Ã©.
            raise ImportFileError(
                f"{path}, line {failed['utf-8']}: not valid UTF-8, though the text before it is UTF-8 "
                "(letters such as é or ë): reading the file as Windows-1252 would garble them.",
                "Correct that line (or save the file again as UTF-8), or give --encoding cp1252 "
                "if the whole file really is Windows-1252.",
            )
        encoding = next(iter(decoders))
    return encoding, digest.hexdigest(), size, sample


def _sample_text(sample: bytes, encoding: str) -> str:
    """The first bytes as text, cut at the last whole line."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    cut = max(text.rfind("\n"), 0)
    return text[:cut] if cut else text


def _delimiter(text: str) -> str:
    """The sniffed delimiter; the most frequent candidate of the first line if the sniffer gives up."""
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {candidate: lines[0].count(candidate) for candidate in DELIMITERS}
        best = max(counts, key=lambda candidate: counts[candidate])
        return best if counts[best] else ","


class Table:
    """An open import file: its :class:`FileFormat` and its rows after the header."""

    def __init__(
        self,
        path: Path,
        *,
        looks_like_header: Callable[[list[str]], bool],
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        self.path = path
        forced = encoding
        encoding, sha256, size, sample = _scan(path, encoding)
        if delimiter is not None and (len(delimiter) != 1 or delimiter in "\"\r\n"):
            raise ImportFileError(f"--delimiter {delimiter!r}: expected one character such as , ; | or TAB.")
        self._counting = _Counting(path.open("rb"))
        self._text = io.TextIOWrapper(io.BufferedReader(self._counting), encoding=encoding, newline="")
        self._encoding_forced = forced is not None
        chosen = delimiter or _delimiter(_sample_text(sample, encoding))
        csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD))
        self._reader = csv.reader(self._lines(), delimiter=chosen, quotechar='"', doublequote=True, strict=True)
        self._pending: Record | None = None
        self._replay: list[Record] = []
        header = self._find_header(looks_like_header)
        self.format = FileFormat(
            encoding=encoding, delimiter=chosen, header_line=header.line, header=tuple(header.cells),
            skipped_lines=header.line - 1, sha256=sha256, size=size,
        )

    def _lines(self) -> Iterator[str]:
        """The text's lines, cut short at :data:`MAX_FIELD` so an unclosed quote is caught early."""
        while True:
            try:
                line = self._text.readline(MAX_FIELD + 2)
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"{self.path}, line {self._reader.line_num + 1}: not valid {_ENCODING_LABELS.get(self._text.encoding, self._text.encoding)} "
                    f"(byte {exc.object[exc.start:exc.start + 1]!r}).",
                    "Give the right encoding with --encoding (e.g. utf-8, cp1252, latin-1)." if not self._encoding_forced
                    else "Check the --encoding given.",
                ) from None
            if not line:
                return
            if len(line) > MAX_FIELD and not line.endswith(("\n", "\r")):
                raise ImportFileError(
                    f"{self.path}, line {self._reader.line_num + 1}: longer than {MAX_FIELD // 1024} KiB "
                    "without a line break: this is not a table of rows."
                )
            yield line

    def _next(self) -> Record | None:
        """The next non-blank record, or ``None`` at the end."""
        while True:
            start = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                raise self._csv_error(exc, start) from None
            stripped = [cell.strip() for cell in cells]
            if not any(stripped):
                continue
            return Record(start, stripped)

    def _csv_error(self, exc: csv.Error, start: int) -> ImportFileError:
        reason = str(exc)
        if "field larger than field limit" in reason:
            return ImportFileError(
                f"{self.path}, line {start}: a cell of the row starting here runs past {MAX_FIELD // 1024} KiB: "
                "a quote (\") that opens a cell and is never closed.",
                "Close the quote, or double any quote inside a quoted cell (\"\").",
            )
        if "unexpected end of data" in reason:
            return ImportFileError(
                f"{self.path}, line {start}: a quote (\") opens a cell on this row and the file ends before it is closed.",
                "Close the quote, or double any quote inside a quoted cell (\"\").",
            )
        if "expected after" in reason:
            return ImportFileError(
                f"{self.path}, line {self._reader.line_num}: a quoted cell goes on after its closing quote ({reason}).",
                "Inside a quoted cell, write a quote as two quotes (\"\").",
            )
        return ImportFileError(f"{self.path}, line {start}: not readable as CSV ({reason}).")

    def _find_header(self, looks_like_header: Callable[[list[str]], bool]) -> Record:
        seen: list[Record] = []
        while len(seen) < HEADER_SEARCH_ROWS:
            record = self._next()
            if record is None:
                break
            if looks_like_header(record.cells):
                return record
            seen.append(record)
        if not seen:
            raise ImportFileError(f"{self.path} holds no rows (only blank lines).")
        first = seen[0]
        if len(seen) == 1 and self._peek() is None:
            return first  # one line: it can only be a header (reported as "no rows")
        # No row names a field: take the first as the header when it reads like one.
        if all(cell and not _looks_like_data(cell) for cell in first.cells):
            self._replay = seen[1:]
            return first
        preview = ", ".join(repr(cell[:30]) for cell in first.cells[:4])
        raise ImportFileError(
            f"{self.path} has no header row: none of its first {len(seen)} rows names a column deskcli knows, "
            f"and line {first.line} looks like data ({preview}).",
            "Add a header row naming the columns (e.g. name,email,phone), or map columns with --map 'COLUMN=field'.",
        )

    def _peek(self) -> Record | None:
        record = self._next()
        if record is not None:
            self._pending = record
        return record

    def records(self) -> Iterator[Record]:
        """The rows after the header, one at a time (blank rows left out)."""
        yield from self._replay
        if self._pending is not None:
            pending, self._pending = self._pending, None
            yield pending
        while (record := self._next()) is not None:
            yield record

    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress)."""
        return self._counting.count

    def close(self) -> None:
        """Close the file."""
        self._text.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _looks_like_data(cell: str) -> bool:
    """A cell that is a value rather than a column name: a number, a date, an e-mail address."""
    stripped = cell.replace(" ", "").replace("-", "").replace("/", "").replace(".", "").replace(":", "").replace("+", "")
    return stripped.isdigit() or "@" in cell
