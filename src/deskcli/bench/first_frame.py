"""Process start → first frame, measured from outside in a pseudo-terminal.

The clock starts just before the process is spawned and stops when the text of the
first screen appears on the terminal: what the analyst waits for.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import struct
import sys
import time
from collections.abc import Sequence


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident set (VmHWM), in MB.

    Unlike ``getrusage``'s ``ru_maxrss``, VmHWM belongs to the address space, so a
    process started from a big parent does not inherit the parent's peak.
    """
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


PEAKS: list[float] = []
"""Peak RSS of each measured process, taken just before it is stopped."""


def time_to_text(argv: Sequence[str], text: bytes, env: dict[str, str], *, timeout: float = 30.0, settle: float = 0.0) -> float:
    """Seconds from spawning ``argv`` until ``text`` appears on its terminal.

    The process is left running ``settle`` seconds more before its peak memory is
    read and it is stopped.
    """
    import fcntl
    import termios

    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.execve(argv[0], list(argv), env)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        seen = bytearray()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen.extend(chunk)
                if text in seen:
                    elapsed = time.perf_counter() - started
                    if settle:
                        time.sleep(settle)
                    PEAKS.append(peak_rss_mb(pid))
                    return elapsed
        raise RuntimeError(f"{text!r} did not appear within {timeout:.0f} s")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def deskcli_argv(db_path: str) -> list[str]:
    """How deskcli is started."""
    return [sys.executable, "-m", "deskcli", "--db", db_path]


def bare_argv() -> list[str]:
    """How the floor app is started: the same way."""
    return [sys.executable, "-m", "deskcli.bench.bare_app"]
