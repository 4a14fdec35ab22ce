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


@dataclass(frozen=True)
class AnalystFields:
    """The analyst profile as typed on the first-start form (validated later by settings)."""

    name: str = ""
    department: str = ""
    organisation: str = ""
    email: str = ""
