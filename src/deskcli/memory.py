"""Process-wide memory settings for the console (run once, before any thread starts).

glibc gives each thread that allocates its own malloc arena (up to eight per core).
The console's threads - the writer, Textual's thread workers, asyncio's executor -
allocate little, but every arena keeps freed memory of its own: about 4 MB of
resident memory on a 100 MB budget (measured by ``deskcli bench``). Two arenas are
plenty for one main thread and a few short workers; it is the same advice as setting
``MALLOC_ARENA_MAX=2`` for long-running Python programs, done here so nobody has to.
"""

from __future__ import annotations

import sys

ARENAS = 2
_M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number for the arena limit (malloc.h)."""


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; True when applied (False on other C libraries or systems)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # ctypes.util is not used: find_library runs ldconfig (slow start)

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library already loaded into Python
    except (OSError, AttributeError):
        return False  # a C library without mallopt
    return bool(mallopt(_M_ARENA_MAX, arenas))
