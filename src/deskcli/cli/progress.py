"""Progress of long work (imports, exports, backups) on stderr.

A progress bar when stderr is a terminal (click's), plain lines at every tenth
otherwise, so a log or a pipe reads "… 30%" instead of a screen of carriage returns.
"""

from __future__ import annotations

import sys
from typing import Any

import click


class Progress:
    """Call with (done, total); close when the work ends."""

    def __init__(self, label: str, *, unit: str = "", terminal: bool | None = None) -> None:
        self.label = label
        self.unit = unit
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self._bar: Any = None
        self._shown = -1
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        total = max(total, 1)
        if self.terminal:
            if self._bar is None:
                self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
                self._bar.__enter__()
            self._bar.update(max(0, done - self._done))
            self._done = done
            return
        tenth = min(10, int(10 * done / total))
        if tenth > self._shown:
            self._shown = tenth
            extra = f" ({done:,} {self.unit})" if self.unit else ""
            click.echo(f"… {self.label} {tenth * 10}%{extra}", err=True)

    def close(self) -> None:
        """Finish the bar (a no-op for lines)."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


class Counting:
    """Progress for work whose size is only roughly known (rows exported): a line every ``every`` rows."""

    def __init__(self, label: str, total: int, *, every: int = 100_000) -> None:
        self.inner = Progress(label, unit="rows")
        self.total = total
        self.every = every

    def __call__(self, done: int) -> None:
        self.inner(done, max(self.total, done))

    def close(self) -> None:
        """Finish the bar."""
        self.inner.close()
