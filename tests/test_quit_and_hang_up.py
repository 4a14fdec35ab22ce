"""Quitting, hanging up or closing the terminal right after typing keeps every word,
never deadlocks, and says what it waits for when the database cannot take the words."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest
from textual.widgets import TextArea

from console import console, ready, seed, settle, type_text, with_runtime
from deskcli.config import paths
from deskcli.core.clock import SystemClock
from deskcli.models import Call, CustomerCreate, Stage
from deskcli.screens.assessment import AssessmentScreen
from deskcli.screens.home import HomeScreen
from deskcli.services.actions import call as call_actions
from deskcli.services.lifecycle import calls
from test_notes_survive import Terminal

pytestmark = pytest.mark.usefixtures("analyst_profile")


def call_in_assessment(db_path, clock) -> int:
    """A call still in conversation at the assessment (the console resumes it at start)."""
    [customer] = seed(db_path, clock, CustomerCreate(name="Ravi Patel"))

    def make(runtime):
        with runtime.store.write() as session:
            call = calls.create_call(session, customer, runtime.actor())
            calls.move_to_stage(session, call.id, Stage.ASSESSMENT, runtime.actor())
            return call.id

    return with_runtime(db_path, clock, make)


def notes_of(db_path, clock, call_id: int) -> str:
    def read(runtime):
        with runtime.store.read() as session:
            return session.get(Call, call_id).notes

    return with_runtime(db_path, clock, read)


async def until(condition, seconds: float) -> bool:
    """Wait (bounded) for ``condition()``; True when it came."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


@pytest.fixture
def slow_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving notes takes half a second (a busy disk)."""
    original = call_actions.save_notes

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(call_actions, "save_notes", slow)


async def _type_notes(app, pilot, words: str) -> None:
    await ready(app, pilot)
    assert isinstance(app.screen, AssessmentScreen)
    app.screen.query_one("#notes", TextArea).focus()
    await type_text(pilot, words)


@pytest.mark.usefixtures("slow_notes")
async def test_quit_right_after_typing_saves_and_exits_with_a_slow_writer(db_path, clock):
    call_id = call_in_assessment(db_path, clock)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await _type_notes(app, pilot, "paper jam tray 2")
        await pilot.press("ctrl+q")  # at once: the save has not even started
        exited = await until(lambda: not app.is_running, 5.0)
    assert exited, "ctrl+q did not quit"
    assert notes_of(db_path, clock, call_id) == "paper jam tray 2"


async def test_quit_while_the_disk_is_full_says_so_then_keeps_the_words(db_path, clock, monkeypatch):
    """The save fails: ctrl+q stays and says what it waits for; ctrl+q again quits, the words in a recovery file."""
    call_id = call_in_assessment(db_path, clock)

    def full(*_args, **_kwargs):
        raise OSError("database or disk is full")

    monkeypatch.setattr(call_actions, "save_notes", full)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await _type_notes(app, pilot, "do not lose me")
        await pilot.press("ctrl+q")
        await pilot.pause(1.5)
        assert app.is_running, "quit without the notes saved"
        waiting = [n.message for n in app.notices.current() if n.title == "Quitting"]
        assert waiting and "notes of call" in waiting[0] and "disk is full" in waiting[0], app.notices.all
        header = str(app.screen.query_one("#call-header").render())
        assert "NOT SAVED" in header
        await pilot.press("ctrl+q")
        exited = await until(lambda: not app.is_running, 5.0)
    assert exited
    recovery = sorted((paths.data_dir() / "unsaved").glob("*.json"))
    assert recovery, "no recovery file"
    kept = json.loads(recovery[-1].read_text())
    assert {"call_id": call_id, "field": "notes", "value": "do not lose me"}.items() <= kept[0].items()
    assert oct(recovery[-1].stat().st_mode & 0o777) == "0o600"


@pytest.mark.usefixtures("slow_notes")
async def test_hang_up_right_after_typing_never_freezes_and_saves(db_path, clock):
    call_id = call_in_assessment(db_path, clock)
    app = console(db_path, clock)
    async with app.run_test(size=(100, 34)) as pilot:
        await _type_notes(app, pilot, "restart fixed it")
        started = time.monotonic()
        await pilot.press("ctrl+g")
        responsive = time.monotonic() - started
        back = await until(lambda: isinstance(app.screen, HomeScreen), 5.0)
        await settle(app, pilot)
    assert back, "hang-up did not return to the queue"
    assert responsive < 0.5, f"the key took {responsive:.2f}s: the console froze"
    assert notes_of(db_path, clock, call_id) == "restart fixed it"


@pytest.mark.slow
def test_closing_the_terminal_saves_what_was_just_typed(db_path, clock):
    """SIGHUP (the terminal window closed) right after typing: the real process saves, then exits."""
    call_id = call_in_assessment(db_path, SystemClock())
    terminal = Terminal(db_path)
    try:
        terminal.wait_for(b"Notes - saved as you type")
        time.sleep(0.5)
        terminal.type("\x0e")  # ctrl+n: to the notes
        terminal.type("closing the lid now")
        os.kill(terminal.pid, signal.SIGHUP)  # well inside the autosave's quiet period
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pid, _status = os.waitpid(terminal.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        else:
            pytest.fail("deskcli did not exit after SIGHUP")
    finally:
        try:
            os.kill(terminal.pid, signal.SIGKILL)
            os.waitpid(terminal.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(terminal.fd)
    assert notes_of(db_path, SystemClock(), call_id) == "closing the lid now"
