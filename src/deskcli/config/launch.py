"""What the command line asked for.

Kept free of heavy imports: the CLI builds this before the first frame, and the
data layer is only imported afterwards, in a worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_PHONE_CHARS = re.compile(r"^[\d\s()+./-]+$")
_DIGIT = re.compile(r"\d")


def looks_like_phone(text: str) -> bool:
    """True when ``text`` is made of phone characters and holds at least three digits."""
    return bool(_PHONE_CHARS.match(text)) and len(_DIGIT.findall(text)) >= 3


@dataclass(frozen=True)
class LaunchOptions:
    """Command-line choices handed to the app and to :func:`deskcli.runtime.open_runtime`."""

    db: Path | None = None
    """``--db PATH``: the SQLite file (else ``DESKCLI_DB``, the config file or the default)."""
    config: Path | None = None
    """``--config PATH``: the config file (else ``DESKCLI_CONFIG`` or the user config dir)."""
    caller_id: str | None = None
    """``--caller-id NUMBER``: open the greeting with this caller identified."""
    mode: str = "live"
    """``live`` (the office's database), ``demo`` (``deskcli demo``) or ``train`` (``deskcli train``).
    In demo and train mode the database is the demo file and the seat is the demo seat."""
    scenario: str | None = None
    """``deskcli train SCENARIO``: the practice caller to play (else the trainer picks one)."""
    trainee: str | None = None
    """``deskcli train --trainee NAME``: who is practising (named in the greeting and on the scorecard)."""
    console: bool = False
    """True when the console is starting (not a subcommand): the daily backup may be due."""

    @property
    def is_demo(self) -> bool:
        """True on the demo database (demo or train mode): the header says DEMO."""
        return self.mode in ("demo", "train")


DEMO_SEAT_HANDLE = "demo-seat"
"""The analyst handle of the seat on the demo database: its promises and queue are the demo's,
whoever is practising (the trainee's name is put on it for the session)."""


@dataclass(frozen=True)
class AnalystFields:
    """The analyst profile as typed on the first-start form (validated later by settings)."""

    name: str = ""
    department: str = ""
    organisation: str = ""
    email: str = ""
