"""The export memory figure: every call of the bench database exported, against one page of them.

``deskcli export`` streams a page of rows at a time, so exporting a million calls must
take no more memory than exporting a few thousand. Each export runs in a process of
its own (``python -m deskcli.bench.exporting DB LIMIT``), writing CSV to a discarded
stream, and reports its peak resident set (VmHWM); the floor is the same export cut
off after its first pages, in the same run.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from itertools import islice
from pathlib import Path
from typing import Any

from deskcli.bench.first_frame import peak_rss_mb
from deskcli.bench.report import Figure, ratio_figure

FLOOR_ROWS = 5_000
"""Calls the floor exports: a few pages (the export reads 2,000 a page)."""


class _Discard(io.StringIO):
    """A text stream that keeps nothing (the rows' memory is what is measured, not the file's)."""

    def write(self, text: str) -> int:
        return len(text)


def _export(db_path: Path, limit: int | None) -> dict[str, Any]:
    """Export the calls (the first ``limit`` of them, or all) in this process; rows and peak RSS."""
    from zoneinfo import ZoneInfo

    from deskcli.services.exchange import export
    from deskcli.store import db

    store = db.open_store(db.target_for(db_path, None))
    try:
        with store.read() as session:
            rows = export.calls(session, ZoneInfo("Europe/London"))
            count = export.write(islice(rows, limit) if limit is not None else rows, "calls", "csv", _Discard())
    finally:
        store.dispose()
    return {"rows": count, "peak_rss_mb": peak_rss_mb()}


def _measured(db_path: Path, limit: int | None) -> dict[str, Any]:
    argv = [sys.executable, "-m", "deskcli.bench.exporting", str(db_path), str(limit or 0)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    measured: dict[str, Any] = json.loads(done.stdout)
    return measured


def measure(db_path: Path) -> Figure:
    """The figure "export every call: peak RSS" against exporting the first few pages, measured now."""
    floor = _measured(db_path, FLOOR_ROWS)
    whole = _measured(db_path, None)
    note = (f"{whole['rows']:,} calls streamed as CSV, peak RSS {whole['peak_rss_mb']:.1f} MB; the floor exports the "
            f"first {floor['rows']:,} the same way ({floor['peak_rss_mb']:.1f} MB)")
    return ratio_figure("export every call: peak RSS", whole["peak_rss_mb"], floor["peak_rss_mb"], "MB", 1.15, note=note)


def main() -> None:
    """``python -m deskcli.bench.exporting DB LIMIT`` (0: every call): prints rows and peak RSS as JSON."""
    limit = int(sys.argv[2])
    print(json.dumps(_export(Path(sys.argv[1]), limit or None)))


if __name__ == "__main__":
    main()
