"""Process-wide settings for the console, applied once at start, before Textual loads.

Two things a live call needs that the defaults do not give:

* **Frame rate.** Textual paints at most ``TEXTUAL_FPS`` frames a second (60 by
  default). When a lookup's rows arrive just after the frame that echoed the key,
  they wait for the next one: up to 17 ms on a 50 ms budget (``deskcli bench``:
  lookup key → rows median 38 ms at 60, 26 ms at 120). Frames are only painted when
  something changed, so a faster cap costs nothing while the screen is still. A
  ``TEXTUAL_FPS`` set by the user wins.
* **malloc arenas.** glibc gives each thread that allocates its own arena (up to
  eight per core). The console's threads (the writer, Textual's thread workers,
  asyncio's executor) allocate little, but every arena keeps freed memory of its own:
  about 4 MB resident on a 100 MB budget. Two arenas are plenty; it is the usual
  ``MALLOC_ARENA_MAX=2`` advice for long-running Python programs, done here.
"""

from __future__ import annotations

import os
import sys

FRAMES_PER_SECOND = 120
ARENAS = 2
_M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number for the arena limit (malloc.h)."""


def prepare_console_process() -> None:
    """Apply the console's process settings (call before importing Textual: it reads
    the frame rate once, at import)."""
    os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
    limit_malloc_arenas()


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; True when applied (False on other C libraries or systems)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # not ctypes.util: find_library runs ldconfig (a slow start)

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library already loaded into Python
    except (OSError, AttributeError):
        return False  # a C library without mallopt (e.g. musl)
    return bool(mallopt(_M_ARENA_MAX, arenas))
