"""Reading import files: encoding, delimiter and header found; bad files refused with the line."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from deskcli.services.exchange.fields import alias_table, normalise
from deskcli.services.exchange.reader import MAX_FIELD, ImportFileError, Table
from exchange_files import CUSTOMERS, csv_text, write

KNOWN = set(alias_table("customers"))


def _header(cells: list[str]) -> bool:
    return any(normalise(cell) in KNOWN for cell in cells)


def _read(path: Path, **kwargs) -> tuple[Table, list]:
    with Table(path, looks_like_header=_header, **kwargs) as table:
        return table, [(record.line, record.cells) for record in table.records()]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16"), ("cp1252", "Windows-1252")],
)
def test_encodings_are_found(tmp_path: Path, encoding: str, label: str) -> None:
    """UTF-8 with and without BOM, UTF-16 (BOM) and cp1252 are told apart and read right."""
    rows = [["Name", "Company"], ["Zoë Adams", "Fabrikam – UK"], ["Siobhán O'Neill", "Northwind"]]
    table, records = _read(write(tmp_path / "c.csv", rows, encoding=encoding))
    assert table.format.describe().startswith(label + ",")
    assert table.format.header == ("Name", "Company")
    assert records == [(2, ["Zoë Adams", "Fabrikam – UK"]), (3, ["Siobhán O'Neill", "Northwind"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    """The delimiter is found among , ; TAB | even when cells hold the other ones."""
    rows = [["Name", "Notes", "Phone"], ["Ann Smith", "a, b; c | d", "020 7946 0001"], ["Bob Jones", "x", "1"]]
    table, records = _read(write(tmp_path / "c.csv", rows, delimiter=delimiter))
    assert table.format.delimiter == delimiter
    assert records[0] == (2, ["Ann Smith", "a, b; c | d", "020 7946 0001"])


def test_header_below_title_lines_and_quoted_newlines_keep_line_numbers(tmp_path: Path) -> None:
    """Title lines above the header are skipped; a row's line is where it starts, even after a quoted newline."""
    text = "Customer export\r\nExported 2024-05-01\r\n\r\n" + csv_text(CUSTOMERS)
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8", newline="")
    table, records = _read(path)
    assert (table.format.header_line, table.format.skipped_lines) == (4, 3)
    assert [line for line, _cells in records] == [5, 7, 8]  # row 1 spans lines 5-6
    assert records[0][1][7] == "Prefers e-mail.\nCall after 10."


def test_header_that_names_no_field_is_still_taken_when_it_reads_like_one(tmp_path: Path) -> None:
    """A first row of words (no numbers, no addresses) is the header even if no column matches a field."""
    table, records = _read(write(tmp_path / "c.csv", [["Foo", "Bar"], ["1", "2"]]))
    assert table.format.header == ("Foo", "Bar")
    assert records == [(2, ["1", "2"])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n  \r\n", "holds no rows"),
        (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "Excel .xlsx"),
        (b"\x00\x01\x02\x03binary\x00data", "binary file"),
        (b"SQLite format 3\x00" + b"\x00" * 100, "SQLite database"),
        (b"2024-01-01,42,ann@example.org\n2024-01-02,43,bob@example.org\n", "no header row"),
    ],
    ids=["empty", "blank-lines", "xlsx", "binary", "sqlite", "no-header"],
)
def test_files_that_are_not_tables_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    """Empty, blank, binary and headerless files each get a message naming the file."""
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message) as caught:
        _read(path)
    assert str(path) in caught.value.message


def test_unterminated_quote_at_the_end_names_its_line(tmp_path: Path) -> None:
    """A quote opened on line 3 and never closed: an error at line 3, not a silently swallowed file."""
    path = tmp_path / "c.csv"
    path.write_text('Name,Notes\r\nAnn,ok\r\nBob,"never closed\r\nCarol,fine\r\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"line 3: a quote .* file ends before it is closed"):
        _read(path)


def test_unterminated_quote_over_many_lines_stops_at_the_field_limit(tmp_path: Path) -> None:
    """A quote left open before megabytes of lines stops at MAX_FIELD, naming the line it opened on."""
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write('Name,Notes\r\nAnn,ok\r\nBob,"open\r\n')
        line = "x" * 79 + "\r\n"
        for _ in range(3 * MAX_FIELD // len(line)):
            handle.write(line)
    with pytest.raises(ImportFileError, match=r"line 3: a cell of the row starting here runs past 1024 KiB"):
        _read(path)


def test_a_line_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    """Megabytes without a line break are not read into memory as one row."""
    path = tmp_path / "c.csv"
    path.write_text("Name,Notes\n" + 'Bob,"' + "y" * (2 * MAX_FIELD), encoding="utf-8")
    with pytest.raises(ImportFileError, match="line 2: longer than 1024 KiB without a line break"):
        _read(path)


def test_text_after_a_closing_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    """``"abc"def`` is malformed quoting: the line is named, nothing is guessed."""
    path = tmp_path / "c.csv"
    path.write_text('Name,Notes\nAnn,"abc"def\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="line 2: a quoted cell goes on after its closing quote"):
        _read(path)


def test_forced_encoding_that_does_not_fit_names_the_line(tmp_path: Path) -> None:
    """--encoding utf-8 on a cp1252 file: the line of the first bad byte, and what to do."""
    path = tmp_path / "c.csv"
    path.write_bytes("Name\r\nAnn\r\nZoë\r\n".encode("cp1252"))
    with pytest.raises(ImportFileError, match=r"line 3: not valid UTF-8") as caught:
        _read(path, encoding="utf-8")
    assert "--encoding" in (caught.value.hint or "")


def test_utf8_text_with_one_stray_byte_is_refused_not_garbled(tmp_path: Path) -> None:
    """UTF-8 letters on line 2 and one Windows-1252 byte on line 4: refused with line 4, never
    read as Windows-1252 (which would store "ZoÃ« Adams"); --encoding cp1252 still reads it."""
    path = tmp_path / "c.csv"
    path.write_bytes("Name\r\nZoë Adams\r\nAnn\r\n".encode() + b"O\x92Neill\r\n")
    with pytest.raises(ImportFileError, match=r"line 4: not valid UTF-8, though the text before it is UTF-8") as caught:
        _read(path)
    assert "--encoding cp1252" in (caught.value.hint or "")
    _, records = _read(path, encoding="cp1252")
    assert records[-1] == (4, ["O\u2019Neill"])


def test_sha256_and_size_are_those_of_the_file(tmp_path: Path) -> None:
    """The digest (which spots the same file imported twice) is of the bytes as they are."""
    import hashlib

    path = write(tmp_path / "c.csv", CUSTOMERS, encoding="utf-8-sig")
    table, _records = _read(path)
    assert table.format.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert table.format.size == path.stat().st_size
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
