"""Notes survive a killed process: the real deskcli in a terminal, typed into, then SIGKILLed."""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import TextArea

from console import console, ready, settle, with_runtime
from deskcli.core.clock import SystemClock
from deskcli.models import Call, CustomerCreate, Stage
from deskcli.screens.assessment import AssessmentScreen
from deskcli.services.lifecycle import calls
from deskcli.services.lookup import customers

NOTES = "Caller reports a paper jam in tray 2; lights blinking orange"


pytestmark = pytest.mark.usefixtures("analyst_profile")


def call_in_assessment(runtime) -> int:
    """A call still in conversation, left at the assessment stage."""
    with runtime.store.write() as session:
        customer = customers.create_customer(session, CustomerCreate(name="Ravi Patel"), runtime.actor(), region="GB")
        call = calls.create_call(session, customer.id, runtime.actor())
        calls.move_to_stage(session, call.id, Stage.ASSESSMENT, runtime.actor())
        return call.id


def notes_of(db_path: Path, call_id: int) -> str:
    def read(runtime):
        with runtime.store.read() as session:
            return session.get(Call, call_id).notes

    return with_runtime(db_path, SystemClock(), read)


class Terminal:
    """deskcli started through its real entry point in a pseudo-terminal."""

    def __init__(self, db_path: Path) -> None:
        self.output = bytearray()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become deskcli
            os.environ["TERM"] = "xterm-256color"
            os.execv(sys.executable, [sys.executable, "-m", "deskcli", "--db", str(db_path)])
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 34, 100, 0, 0))
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def wait_for(self, text: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared on screen")
            time.sleep(0.05)

    def type(self, text: str, pause: float = 0.02) -> None:
        for char in text:
            os.write(self.fd, char.encode())
            time.sleep(pause)

    def kill(self) -> None:
        """SIGKILL deskcli (if it still runs) and close the terminal; safe to call twice."""
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


@pytest.mark.slow
async def test_f_notes_restored_after_the_process_is_killed_mid_call(db_path, tmp_path):
    """Typed notes are on disk within a second, without quitting; after SIGKILL the call comes back with them."""
    call_id = with_runtime(db_path, SystemClock(), call_in_assessment)
    terminal = Terminal(db_path)
    try:
        terminal.wait_for(b"Notes - saved as you type")
        time.sleep(0.5)
        terminal.type("\x0e")  # ctrl+n: to the notes
        terminal.type(NOTES)
        deadline = time.monotonic() + 3.0
        while notes_of(db_path, call_id) != NOTES and time.monotonic() < deadline:
            time.sleep(0.1)
        saved_before_kill = notes_of(db_path, call_id)
    finally:
        terminal.kill()
    assert saved_before_kill == NOTES
    assert notes_of(db_path, call_id) == NOTES

    app = console(db_path, SystemClock())
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert app.flow.call_id == call_id
        assert app.screen.query_one("#notes", TextArea).text == NOTES
