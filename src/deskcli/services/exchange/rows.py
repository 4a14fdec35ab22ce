"""One row of an import file read into field values, or the first reason it cannot be."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deskcli.services.exchange import values
from deskcli.services.exchange.dates import DateError, DateReader
from deskcli.services.exchange.fields import by_name
from deskcli.services.exchange.mapping import Mapping
from deskcli.services.exchange.plan import RowProblem
from deskcli.services.exchange.reader import Record


class RowReader:
    """Reads the mapped cells of each row of one file."""

    def __init__(
        self,
        kind: str,
        mapping: Mapping,
        *,
        header_width: int,
        missing: values.Missing,
        dates: DateReader,
        separator: str,
    ) -> None:
        self.header_width = header_width
        self.missing = missing
        self.dates = dates
        self.separator = separator
        specs = by_name(kind)
        self.columns = [(index, header, specs[name]) for index, header, name in mapping.columns]
        self.header_of = {spec.name: header for _index, header, spec in self.columns}
        # One reader function per column, chosen once (a row is read 100,000 times).
        self._readers = [
            (index, header, spec.name, self._reader_for(spec.kind, spec.max_length))
            for index, header, spec in self.columns
        ]
        self._names = "name" in self.header_of or "first_name" in self.header_of or "last_name" in self.header_of

    def read(self, record: Record) -> dict[str, Any]:
        """Field → value for the cells that hold something; :class:`RowProblem` otherwise."""
        cells = record.cells
        if len(cells) > self.header_width and any(cells[self.header_width:]):
            raise RowProblem(
                "",
                f"{len(cells)} cells, but the header has {self.header_width} columns "
                "(a delimiter inside a cell that should have been quoted?).",
            )
        result: dict[str, Any] = {}
        missing = self.missing
        width = len(cells)
        for index, header, name, read in self._readers:
            cell = cells[index] if index < width else ""
            if missing(cell):
                continue
            try:
                result[name] = read(cell)
            except (values.CellError, DateError) as exc:
                raise RowProblem(header, f"{name}: {exc}") from None
        if self._names:
            first, last = result.pop("first_name", ""), result.pop("last_name", "")
            if "name" not in result and (first or last):
                result["name"] = values.text(f"{first} {last}".strip(), 160)
        return result

    def _reader_for(self, kind: str, max_length: int | None) -> Callable[[str], Any]:
        """The function that reads one cell of a field of this kind."""
        separator = self.separator
        if kind == "text":
            return (lambda cell: cell) if max_length is None else (lambda cell: values.text(cell, max_length))
        readers: dict[str, Callable[[str], Any]] = {
            "email": values.email,
            "phones": lambda cell: values.phone_texts(cell, separator),
            "datetime": self.dates.parse,
            "bool": values.boolean,
            "flags": lambda cell: values.flags(cell, separator),
            "priority": values.priority,
            "status": values.status,
            "channel": values.channel,
            "rating": values.rating,
        }
        return readers[kind]

    def column(self, field: str) -> str:
        """The file's header for ``field`` (for error messages), or the field's own name."""
        return self.header_of.get(field, field)
