"""Rows made ready for deciding: cells read into values, phone numbers normalised, keys taken.

This is the part of an import that looks at one row at a time and needs no database.
Its biggest cost is libphonenumber (~60 µs a number, most of a big import's time), so
for a big file the numbers of a chunk are normalised in worker processes while the
importing process decides and writes the chunk before (:class:`Preparer`); for a small
file everything runs in place. The same function normalises either way (the answers
are :func:`deskcli.services.lookup.phones.normalise`'s).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from deskcli.services.exchange import dedupe
from deskcli.services.exchange.dates import DateReader
from deskcli.services.exchange.mapping import Mapping
from deskcli.services.exchange.plan import RowProblem
from deskcli.services.exchange.rows import RowReader
from deskcli.services.exchange.values import Missing

PHONE_FIELDS = {
    "customers": (("phone", ""), ("mobile", "mobile"), ("work_phone", "work"), ("home_phone", "home")),
    "calls": (("customer_phone", ""),),
}
"""The phone fields of each kind of import, with the label their numbers get."""

KEY_PREFIX = {"customers": "", "calls": "customer_"}


@dataclass(frozen=True)
class RowSettings:
    """How to read the rows of one file; small, hashable and picklable (it goes to the workers)."""

    kind: str
    mapping: Mapping
    header_width: int
    missing: tuple[str, ...]
    zone: str
    date_format: str | None
    separator: str
    region: str


@dataclass(slots=True)
class Ready:
    """One row, ready to decide: its values, phone numbers and keys."""

    values: dict[str, Any]
    phones: list[tuple[str, dedupe.Number]]
    keys: dedupe.RowKeys


class Unreadable(NamedTuple):
    """Why a row cannot be read (it is reported, never decided)."""

    column: str
    reason: str
    conflict: bool


@dataclass
class DateStats:
    """What the date reader met, summed over the chunks (for the ``--date-format`` hint)."""

    ambiguous: int = 0
    day_first: bool = False
    month_first: bool = False

    def add(self, other: DateStats) -> None:
        """Count another chunk's."""
        self.ambiguous += other.ambiguous
        self.day_first = self.day_first or other.day_first
        self.month_first = self.month_first or other.month_first


@dataclass
class _Tools:
    reader: RowReader
    dates: DateReader
    phones: dedupe.Phones


_TOOLS: dict[RowSettings, _Tools] = {}
"""Per process: the reader of each file's settings, made once."""


def reader_for(settings: RowSettings) -> RowReader:
    """The row reader for these settings (made once per process)."""
    return _tools(settings).reader


def _tools(settings: RowSettings) -> _Tools:
    tools = _TOOLS.get(settings)
    if tools is None:
        dates = DateReader(ZoneInfo(settings.zone), settings.date_format)
        reader = RowReader(settings.kind, settings.mapping, header_width=settings.header_width,
                           missing=Missing(settings.missing), dates=dates, separator=settings.separator)
        tools = _Tools(reader, dates, dedupe.Phones(settings.region))
        _TOOLS.clear()  # one file at a time
        _TOOLS[settings] = tools
    return tools


def _read(settings: RowSettings, rows: list[tuple[int, list[str]]]) -> list[dict[str, Any] | Unreadable]:
    """Each row's values, or why it cannot be read."""
    from deskcli.services.exchange.reader import Record

    tools = _tools(settings)
    read = tools.reader.read
    result: list[dict[str, Any] | Unreadable] = []
    for line, cells in rows:
        try:
            result.append(read(Record(line, cells)))
        except RowProblem as problem:
            result.append(Unreadable(problem.column, problem.reason, problem.conflict))
    return result


def _raw_phones(kind: str, values: list[dict[str, Any] | Unreadable]) -> list[str]:
    fields = PHONE_FIELDS[kind]
    return list(dict.fromkeys(raw for found in values if isinstance(found, dict)
                              for name, _label in fields for raw in found.get(name, ())))


def normalise_phones(region: str, raws: list[str]) -> list[tuple[str | None, str]]:
    """(E.164, national digits) of each number, in order: what a worker process sends back."""
    phones = dedupe.Phones(region)
    return [(number.e164, number.national_digits) for number in map(phones, raws)]


def _ready(settings: RowSettings, values: list[dict[str, Any] | Unreadable],
           numbers: dict[str, dedupe.Number]) -> list[Ready | Unreadable]:
    fields = PHONE_FIELDS[settings.kind]
    prefix = KEY_PREFIX[settings.kind]
    ready: list[Ready | Unreadable] = []
    for found in values:
        if not isinstance(found, dict):
            ready.append(found)
            continue
        phones: list[tuple[str, dedupe.Number]] = []
        for name, label in fields:
            raws = found.get(name)
            if raws:
                phones.extend((label, numbers[raw]) for raw in raws)
        ready.append(Ready(found, phones, dedupe.row_keys(found, [number for _label, number in phones], prefix=prefix)))
    return ready


@dataclass
class Preparer:
    """Prepares chunks of rows, in worker processes when ``workers`` is more than zero."""

    settings: RowSettings
    workers: int = 0
    stats: DateStats = field(default_factory=DateStats)
    _pool: ProcessPoolExecutor | None = None

    def __post_init__(self) -> None:
        if self.workers:
            # "spawn": the workers inherit no open database connection, on every platform.
            self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                             mp_context=multiprocessing.get_context("spawn"))

    def submit(self, rows: list[tuple[int, list[str]]]) -> Callable[[], list[Ready | Unreadable]]:
        """Read ``rows`` and start on their phone numbers; the returned function waits for them.

        Only the numbers cross to the worker processes (and two short strings come back
        for each): sending whole rows back and forth cost the importing process more
        than reading them itself.
        """
        tools = _tools(self.settings)
        dates = tools.dates
        dates.ambiguous, dates.day_first_seen, dates.month_first_seen = 0, False, False
        values = _read(self.settings, rows)
        self.stats.add(DateStats(dates.ambiguous, dates.day_first_seen, dates.month_first_seen))
        raws = _raw_phones(self.settings.kind, values)
        if self._pool is None or len(raws) < 50:
            phones = tools.phones
            return lambda: _ready(self.settings, values, {raw: phones(raw) for raw in raws})
        size = -(-len(raws) // self.workers)
        parts = [raws[start:start + size] for start in range(0, len(raws), size)]
        futures = [(part, self._pool.submit(normalise_phones, self.settings.region, part)) for part in parts]

        def wait() -> list[Ready | Unreadable]:
            numbers: dict[str, dedupe.Number] = {}
            for part, future in futures:
                for raw, (e164, national) in zip(part, future.result(), strict=True):
                    numbers[raw] = dedupe.Number(raw, e164, national)
            return _ready(self.settings, values, numbers)

        return wait

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


Rows = list[tuple[int, list[str]]]
"""A chunk of rows as read: (line, cells)."""


def chunks(table: Any, preparer: Preparer, *, size: int, counted: Callable[[], None],
           progress: Callable[[int, int], None] | None = None) -> Iterator[tuple[Rows, list[Ready | Unreadable]]]:
    """The rows of ``table`` a chunk at a time, each with its :class:`Ready` rows, one chunk ahead.

    The next chunk is read and handed to the preparer before a chunk is given out, so
    its phone numbers are normalised (in the workers) while the caller decides and
    writes this one. ``counted`` is called for every row read.
    """
    chunk: Rows = []
    pending: tuple[Rows, Callable[[], list[Ready | Unreadable]]] | None = None
    for record in table.records():
        counted()
        chunk.append((record.line, record.cells))
        if len(chunk) >= size:
            ready = preparer.submit(chunk)
            if pending is not None:
                yield pending[0], pending[1]()
            pending, chunk = (chunk, ready), []
            if progress is not None:
                progress(table.bytes_read(), table.format.size)
    if pending is not None:
        yield pending[0], pending[1]()
    if chunk:
        yield chunk, preparer.submit(chunk)()
    if progress is not None:
        progress(table.format.size, table.format.size)
