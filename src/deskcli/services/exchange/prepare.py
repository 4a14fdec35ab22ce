"""Rows made ready for deciding: cells read into values, phone numbers normalised, keys taken.

This is the part of an import that looks at one row at a time and needs no database,
and most of its time: libphonenumber alone is ~60 µs a number. For a big file it runs
in worker processes, one chunk ahead of the importing process, which meanwhile
decides and writes the chunk before (:class:`Preparer`); for a small file it runs in
place. Either way the same function does it, so the answers are the same.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any
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
    """One row, ready to decide: its values, phone numbers and keys; or why it cannot be read."""

    values: dict[str, Any] | None
    phones: list[tuple[str, dedupe.Number]]
    keys: dedupe.RowKeys | None
    problem: tuple[str, str, bool] | None = None
    """(column, reason, conflict) when the row cannot be read."""


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


def prepare(settings: RowSettings, rows: list[tuple[int, list[str]]]) -> tuple[list[Ready], DateStats]:
    """Read ``rows`` (line, cells); each :class:`Ready`, in order, and the chunk's date stats."""
    from deskcli.services.exchange.reader import Record

    tools = _tools(settings)
    dates = tools.dates
    dates.ambiguous, dates.day_first_seen, dates.month_first_seen = 0, False, False
    phone_fields = PHONE_FIELDS[settings.kind]
    prefix = KEY_PREFIX[settings.kind]
    normalise = tools.phones
    ready = []
    for line, cells in rows:
        try:
            values = tools.reader.read(Record(line, cells))
        except RowProblem as problem:
            ready.append(Ready(None, [], None, (problem.column, problem.reason, problem.conflict)))
            continue
        phones = [(label, normalise(raw)) for name, label in phone_fields for raw in values.get(name, ())]
        keys = dedupe.row_keys(values, [number for _label, number in phones], prefix=prefix)
        ready.append(Ready(values, phones, keys))
    return ready, DateStats(dates.ambiguous, dates.day_first_seen, dates.month_first_seen)


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

    def submit(self, rows: list[tuple[int, list[str]]]) -> Callable[[], list[Ready]]:
        """Start on ``rows``; the returned function waits for (or does) the work."""
        if self._pool is None:
            return lambda: self._counted(prepare(self.settings, rows))
        parts = max(1, min(self.workers, len(rows) // 200))
        size = -(-len(rows) // parts)
        futures = [self._pool.submit(prepare, self.settings, rows[start:start + size])
                   for start in range(0, len(rows), size)]

        def wait() -> list[Ready]:
            result: list[Ready] = []
            for future in futures:
                result.extend(self._counted(future.result()))
            return result

        return wait

    def _counted(self, outcome: tuple[list[Ready], DateStats]) -> list[Ready]:
        ready, stats = outcome
        self.stats.add(stats)
        return ready

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
